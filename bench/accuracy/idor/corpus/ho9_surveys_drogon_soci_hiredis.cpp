/*
 * pollster/survey_service.cc
 *
 * Survey builder backend: orgs create surveys, respondents fill them in,
 * integrations pull results with per-org keys.
 *
 * db:    MySQL via SOCI (single pooled session wrapper, see services())
 * cache: redis (hiredis) for rendered surveys, respondent drafts, key lookups
 */

#include "drogon.h"

#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>
#include <openssl/sha.h>
#include <soci/soci.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

namespace pollster {

using drogon::HttpRequestPtr;
using drogon::HttpResponse;
using drogon::HttpResponsePtr;
using json = nlohmann::json;
using callback_t = std::function<void(const HttpResponsePtr &)>;

/* ------------------------------------------------------------------ */
/* infrastructure                                                       */
/* ------------------------------------------------------------------ */

class services
{
public:
    static services &instance()
    {
        static services s;
        return s;
    }
    soci::session &db() { return sql_; }
    redisContext *redis() { return redis_; }
    const std::string &export_dir() const { return export_dir_; }

private:
    services()
        : sql_("mysql://db=pollster user=pollster host=db.internal"),
          export_dir_("/var/lib/pollster/exports/")
    {
        struct timeval tv = {1, 500000};
        redis_ = redisConnectWithTimeout("cache.internal", 6379, tv);
    }
    soci::session sql_;
    redisContext *redis_ = nullptr;
    std::string export_dir_;
};

struct reply_deleter
{
    void operator()(redisReply *r) const
    {
        if (r) freeReplyObject(r);
    }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

static std::string sha256_hex(const std::string &in)
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char *>(in.data()), in.size(), d);
    char buf[SHA256_DIGEST_LENGTH * 2 + 1];
    for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i)
        std::snprintf(buf + i * 2, 3, "%02x", d[i]);
    return std::string(buf, SHA256_DIGEST_LENGTH * 2);
}

static HttpResponsePtr make_response(drogon::HttpStatusCode code, const std::string &body)
{
    auto resp = HttpResponse::newHttpResponse();
    resp->setStatusCode(code);
    resp->setBody(body);
    return resp;
}

static HttpResponsePtr json_response(const json &j)
{
    return make_response(drogon::k200OK, j.dump());
}

static long long request_uid(const HttpRequestPtr &req)
{
    return req->attributes()->get<long long>("uid");
}

/* ------------------------------------------------------------------ */
/* filters                                                             */
/* ------------------------------------------------------------------ */

// Browser sessions: the login controller stores "uid" in the session.
class session_auth_filter : public drogon::HttpFilter<session_auth_filter>
{
public:
    void doFilter(const HttpRequestPtr &req,
                  drogon::FilterCallback &&fcb,
                  drogon::FilterChainCallback &&fccb) override
    {
        auto sess = req->session();
        long long uid = sess ? sess->get<long long>("uid") : 0;
        if (uid <= 0)
        {
            fcb(make_response(drogon::k401Unauthorized, R"({"error":"login required"})"));
            return;
        }
        req->attributes()->insert("uid", uid);
        fccb();
    }
};

// Integrations authenticate with an org-scoped key. Hash -> org id is cached
// for ten minutes.
class integration_key_filter : public drogon::HttpFilter<integration_key_filter>
{
public:
    void doFilter(const HttpRequestPtr &req,
                  drogon::FilterCallback &&fcb,
                  drogon::FilterChainCallback &&fccb) override
    {
        const auto &key = req->getHeader("X-Integration-Key");
        if (key.size() < 24)
        {
            fcb(make_response(drogon::k401Unauthorized, R"({"error":"missing key"})"));
            return;
        }
        const std::string hash = sha256_hex(key);
        auto &svc = services::instance();

        long long org_id = 0;
        reply_ptr cached((redisReply *)redisCommand(svc.redis(), "GET ikey:%s", hash.c_str())); // EXPECT: ok
        if (cached && cached->type == REDIS_REPLY_STRING)
        {
            org_id = std::stoll(std::string(cached->str, cached->len));
        }
        else
        {
            soci::indicator ind = soci::i_null;
            svc.db() << "select org_id from integration_keys where key_hash = :h and revoked = 0", // EXPECT: ok
                soci::into(org_id, ind), soci::use(hash);
            if (!svc.db().got_data() || ind != soci::i_ok)
            {
                fcb(make_response(drogon::k401Unauthorized, R"({"error":"invalid key"})"));
                return;
            }
            reply_ptr set((redisReply *)redisCommand(svc.redis(), "SETEX ikey:%s 600 %lld", hash.c_str(), org_id)); // EXPECT: ok
        }
        req->attributes()->insert("org_id", org_id);
        fccb();
    }
};

// Ops console calls carry the operator's user id.
class edge_user_filter : public drogon::HttpFilter<edge_user_filter>
{
public:
    void doFilter(const HttpRequestPtr &req,
                  drogon::FilterCallback &&fcb,
                  drogon::FilterChainCallback &&fccb) override
    {
        const auto &raw = req->getHeader("X-User-Id");
        long long uid = 0;
        try
        {
            uid = std::stoll(raw);
        }
        catch (...)
        {
        }
        if (uid <= 0)
        {
            fcb(make_response(drogon::k401Unauthorized, R"({"error":"no user"})"));
            return;
        }
        req->attributes()->insert("uid", uid);
        fccb();
    }
};

/* ------------------------------------------------------------------ */
/* controller                                                          */
/* ------------------------------------------------------------------ */

class survey_controller : public drogon::HttpController<survey_controller>
{
public:
    METHOD_LIST_BEGIN
    ADD_METHOD_TO(survey_controller::list_mine, "/surveys/mine", drogon::Get, "pollster::session_auth_filter");
    ADD_METHOD_TO(survey_controller::get_survey, "/surveys/{1}", drogon::Get, "pollster::session_auth_filter");
    ADD_METHOD_TO(survey_controller::list_responses, "/surveys/{1}/responses", drogon::Get, "pollster::session_auth_filter");
    ADD_METHOD_TO(survey_controller::delete_response, "/responses/{1}", drogon::Delete, "pollster::session_auth_filter");
    ADD_METHOD_TO(survey_controller::archive_survey, "/surveys/{1}/archive", drogon::Post, "pollster::session_auth_filter");
    ADD_METHOD_TO(survey_controller::duplicate_survey, "/surveys/{1}/duplicate", drogon::Post, "pollster::session_auth_filter");
    ADD_METHOD_TO(survey_controller::add_collaborator, "/surveys/{1}/collaborators", drogon::Post, "pollster::session_auth_filter");
    ADD_METHOD_TO(survey_controller::download_results, "/surveys/{1}/results.csv", drogon::Get, "pollster::session_auth_filter");
    ADD_METHOD_TO(survey_controller::save_draft, "/surveys/{1}/draft", drogon::Put, "pollster::session_auth_filter");
    ADD_METHOD_TO(survey_controller::load_draft, "/surveys/{1}/draft", drogon::Get, "pollster::session_auth_filter");
    ADD_METHOD_TO(survey_controller::submit_response, "/s/{1}/submit", drogon::Post);
    ADD_METHOD_TO(survey_controller::my_response, "/s/{1}/my-response", drogon::Get);
    ADD_METHOD_TO(survey_controller::integration_export, "/integrations/surveys/{1}/export", drogon::Get, "pollster::integration_key_filter");
    ADD_METHOD_TO(survey_controller::integration_get_response, "/integrations/responses/{1}", drogon::Get, "pollster::integration_key_filter");
    ADD_METHOD_TO(survey_controller::integration_delete_response, "/integrations/responses/{1}", drogon::Delete, "pollster::integration_key_filter");
    ADD_METHOD_TO(survey_controller::ops_user_summary, "/internal/ops/user-summary", drogon::Get, "pollster::edge_user_filter");
    METHOD_LIST_END

    void list_mine(const HttpRequestPtr &req, callback_t &&cb)
    {
        long long uid = request_uid(req);
        auto &sql = services::instance().db();
        soci::rowset<soci::row> rs = (sql.prepare << "select id, title, created_at from surveys " // EXPECT: ok
                                                     "where owner_id = :uid and archived = 0 order by created_at desc",
                                      soci::use(uid));
        json out = json::array();
        for (const auto &r : rs)
            out.push_back({{"id", r.get<long long>(0)}, {"title", r.get<std::string>(1)}});
        cb(json_response(out));
    }

    void get_survey(const HttpRequestPtr &req, callback_t &&cb, long long survey_id)
    {
        long long uid = request_uid(req);
        auto &svc = services::instance();

        reply_ptr hit((redisReply *)redisCommand(svc.redis(), "GET survey:%lld", survey_id)); // EXPECT: idor
        if (hit && hit->type == REDIS_REPLY_STRING)
        {
            cb(make_response(drogon::k200OK, std::string(hit->str, hit->len)));
            return;
        }

        long long org_id = 0;
        std::string title, definition;
        svc.db() << "select org_id, title, definition from surveys where id = :id", // EXPECT: ok
            soci::into(org_id), soci::into(title), soci::into(definition), soci::use(survey_id);
        if (!svc.db().got_data())
        {
            cb(make_response(drogon::k404NotFound, "{}"));
            return;
        }
        int member = 0;
        svc.db() << "select count(*) from org_members where org_id = :o and user_id = :u", // EXPECT: ok
            soci::into(member), soci::use(org_id), soci::use(uid);
        if (member == 0)
        {
            cb(make_response(drogon::k404NotFound, "{}"));
            return;
        }
        const std::string body = json{{"id", survey_id}, {"title", title}, {"definition", json::parse(definition, nullptr, false)}}.dump();
        reply_ptr put((redisReply *)redisCommand(svc.redis(), "SETEX survey:%lld 300 %b", survey_id, body.data(), body.size())); // EXPECT: ok
        cb(make_response(drogon::k200OK, body));
    }

    void list_responses(const HttpRequestPtr &req, callback_t &&cb, long long survey_id)
    {
        long long uid = request_uid(req);
        auto &sql = services::instance().db();
        long long owner_id = 0;
        sql << "select owner_id from surveys where id = :id", soci::into(owner_id), soci::use(survey_id); // EXPECT: ok
        if (!sql.got_data() || owner_id != uid)
        {
            cb(make_response(drogon::k403Forbidden, R"({"error":"not your survey"})"));
            return;
        }
        soci::rowset<soci::row> rs = (sql.prepare << "select id, submitted_at, answers from responses where survey_id = :sid", // EXPECT: ok
                                      soci::use(survey_id));
        json out = json::array();
        for (const auto &r : rs)
            out.push_back({{"id", r.get<long long>(0)}, {"submitted_at", r.get<std::string>(1)}, {"answers", r.get<std::string>(2)}});
        cb(json_response(out));
    }

    void delete_response(const HttpRequestPtr &req, callback_t &&cb, long long response_id)
    {
        long long uid = request_uid(req);
        auto &sql = services::instance().db();
        soci::statement st = (sql.prepare << "delete from responses where id = :rid and survey_id in "
                                             "(select id from surveys where owner_id = :uid)",
                              soci::use(response_id), soci::use(uid));
        st.execute(true); // EXPECT: ok
        cb(make_response(st.get_affected_rows() > 0 ? drogon::k200OK : drogon::k404NotFound, "{}"));
    }

    // Org admins can archive surveys that are no longer collecting.
    void archive_survey(const HttpRequestPtr &req, callback_t &&cb, long long survey_id)
    {
        long long uid = request_uid(req);
        auto &sql = services::instance().db();
        int admin_memberships = 0;
        sql << "select count(*) from org_members where user_id = :u and role = 'admin'", // EXPECT: ok
            soci::into(admin_memberships), soci::use(uid);
        if (admin_memberships == 0)
        {
            cb(make_response(drogon::k403Forbidden, R"({"error":"admins only"})"));
            return;
        }
        soci::statement st = (sql.prepare << "update surveys set archived = 1, archived_by = :u where id = :id",
                              soci::use(uid), soci::use(survey_id));
        st.execute(true); // EXPECT: idor
        cb(make_response(st.get_affected_rows() ? drogon::k200OK : drogon::k404NotFound, "{}"));
    }

    // "Use as template": copies questions into a new draft owned by the caller.
    void duplicate_survey(const HttpRequestPtr &req, callback_t &&cb, long long survey_id)
    {
        long long uid = request_uid(req);
        auto &sql = services::instance().db();
        soci::statement st = (sql.prepare << "insert into surveys (org_id, owner_id, title, definition, archived, created_at) "
                                             "select (select org_id from org_members where user_id = :u order by joined_at limit 1), "
                                             ":u2, concat(title, ' (copy)'), definition, 0, now() from surveys where id = :id",
                              soci::use(uid), soci::use(uid), soci::use(survey_id));
        st.execute(true); // EXPECT: idor
        if (st.get_affected_rows() == 0)
        {
            cb(make_response(drogon::k404NotFound, "{}"));
            return;
        }
        long long new_id = 0;
        sql << "select last_insert_id()", soci::into(new_id); // EXPECT: ok
        cb(json_response({{"id", new_id}}));
    }

    // body: {"user_id": <invitee>, "can_edit": bool}
    void add_collaborator(const HttpRequestPtr &req, callback_t &&cb, long long survey_id)
    {
        long long uid = request_uid(req);
        auto body = json::parse(req->getBody(), nullptr, false);
        if (body.is_discarded() || !body.contains("user_id"))
        {
            cb(make_response(drogon::k404NotFound, R"({"error":"user_id required"})"));
            return;
        }
        long long invitee = body["user_id"].get<long long>();
        int can_edit = body.value("can_edit", false) ? 1 : 0;

        auto &sql = services::instance().db();
        long long owner_id = 0;
        sql << "select owner_id from surveys where id = :id", soci::into(owner_id), soci::use(survey_id); // EXPECT: ok
        if (!sql.got_data() || owner_id != uid)
        {
            cb(make_response(drogon::k403Forbidden, "{}"));
            return;
        }
        sql << "insert into survey_collaborators (survey_id, user_id, can_edit) values (:s, :u, :e)", // EXPECT: ok
            soci::use(survey_id), soci::use(invitee), soci::use(can_edit);
        cb(make_response(drogon::k200OK, "{}"));
    }

    // Export files are produced by the nightly exporter; the UI links to the
    // latest export id for the survey.
    void download_results(const HttpRequestPtr &req, callback_t &&cb, long long survey_id)
    {
        long long uid = request_uid(req);
        auto &svc = services::instance();
        int allowed = 0;
        svc.db() << "select count(*) from surveys s left join survey_collaborators c " // EXPECT: ok
                    "on c.survey_id = s.id and c.user_id = :u where s.id = :s and (s.owner_id = :u2 or c.user_id is not null)",
            soci::into(allowed), soci::use(uid), soci::use(survey_id), soci::use(uid);
        if (!allowed)
        {
            cb(make_response(drogon::k403Forbidden, "{}"));
            return;
        }
        const std::string &export_id = req->getParameter("export");
        if (export_id.empty() || export_id.find_first_not_of("0123456789") != std::string::npos)
        {
            cb(make_response(drogon::k404NotFound, "{}"));
            return;
        }
        std::ifstream in(svc.export_dir() + export_id + ".csv", std::ios::binary); // EXPECT: idor
        if (!in)
        {
            cb(make_response(drogon::k404NotFound, "{}"));
            return;
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        cb(make_response(drogon::k200OK, ss.str()));
    }

    void save_draft(const HttpRequestPtr &req, callback_t &&cb, long long survey_id)
    {
        long long uid = request_uid(req);
        const std::string body = req->getBody();
        if (body.size() > 64 * 1024)
        {
            cb(make_response(drogon::k404NotFound, R"({"error":"draft too large"})"));
            return;
        }
        reply_ptr r((redisReply *)redisCommand(services::instance().redis(), // EXPECT: ok
                                               "SETEX draft:%lld:%lld 604800 %b", uid, survey_id, body.data(), body.size()));
        cb(make_response(r && r->type != REDIS_REPLY_ERROR ? drogon::k200OK : drogon::k404NotFound, "{}"));
    }

    void load_draft(const HttpRequestPtr &req, callback_t &&cb, long long survey_id)
    {
        long long uid = request_uid(req);
        reply_ptr r((redisReply *)redisCommand(services::instance().redis(), "GET draft:%lld:%lld", uid, survey_id)); // EXPECT: ok
        if (!r || r->type != REDIS_REPLY_STRING)
        {
            cb(make_response(drogon::k404NotFound, "{}"));
            return;
        }
        cb(make_response(drogon::k200OK, std::string(r->str, r->len)));
    }

    // Panel members answer from the respondent app or from an emailed link.
    void submit_response(const HttpRequestPtr &req, callback_t &&cb, long long survey_id)
    {
        auto &sql = services::instance().db();
        int is_public = 0, open = 0;
        sql << "select is_public, (closes_at is null or closes_at > now()) from surveys where id = :id and archived = 0", // EXPECT: ok
            soci::into(is_public), soci::into(open), soci::use(survey_id);
        if (!sql.got_data() || !is_public || !open)
        {
            cb(make_response(drogon::k404NotFound, "{}"));
            return;
        }
        const std::string answers = req->getBody();

        // resubmission from the app overwrites the member's previous answers
        const std::string &member_param = req->getParameter("member_id");
        if (!member_param.empty())
        {
            long long member_id = std::stoll(member_param);
            soci::statement st = (sql.prepare << "update responses set answers = :a, submitted_at = now() "
                                                 "where survey_id = :s and member_id = :m",
                                  soci::use(answers), soci::use(survey_id), soci::use(member_id));
            st.execute(true); // EXPECT: identity
            if (st.get_affected_rows() > 0)
            {
                cb(json_response({{"updated", true}}));
                return;
            }
        }

        auto sess = req->session();
        long long session_member = sess ? sess->get<long long>("uid") : 0;
        soci::indicator member_ind = session_member > 0 ? soci::i_ok : soci::i_null;
        sql << "insert into responses (survey_id, member_id, answers, submitted_at) values (:s, :m, :a, now())", // EXPECT: ok
            soci::use(survey_id), soci::use(session_member, member_ind), soci::use(answers);
        cb(json_response({{"updated", false}}));
    }

    void my_response(const HttpRequestPtr &req, callback_t &&cb, long long survey_id)
    {
        const std::string &member_cookie = req->getCookie("member_id");
        if (member_cookie.empty() || member_cookie.find_first_not_of("0123456789") != std::string::npos)
        {
            cb(make_response(drogon::k404NotFound, "{}"));
            return;
        }
        long long member_id = std::stoll(member_cookie);
        std::string answers;
        soci::indicator ind = soci::i_null;
        services::instance().db() << "select answers from responses where survey_id = :s and member_id = :m", // EXPECT: identity
            soci::into(answers, ind), soci::use(survey_id), soci::use(member_id);
        if (ind != soci::i_ok)
        {
            cb(make_response(drogon::k404NotFound, "{}"));
            return;
        }
        cb(make_response(drogon::k200OK, answers));
    }

    void integration_export(const HttpRequestPtr &req, callback_t &&cb, long long survey_id)
    {
        long long org_id = req->attributes()->get<long long>("org_id");
        auto &sql = services::instance().db();
        soci::rowset<soci::row> rs = (sql.prepare << "select r.id, r.submitted_at, r.answers from responses r " // EXPECT: ok
                                                     "join surveys s on s.id = r.survey_id where s.id = :sid and s.org_id = :org",
                                      soci::use(survey_id), soci::use(org_id));
        json out = json::array();
        for (const auto &r : rs)
            out.push_back({{"id", r.get<long long>(0)}, {"submitted_at", r.get<std::string>(1)}, {"answers", r.get<std::string>(2)}});
        cb(json_response(out));
    }

    void integration_get_response(const HttpRequestPtr &req, callback_t &&cb, long long response_id)
    {
        long long org_id = req->attributes()->get<long long>("org_id");
        auto &sql = services::instance().db();
        long long survey_id = 0;
        std::string answers;
        sql << "select survey_id, answers from responses where id = :id", // EXPECT: ok
            soci::into(survey_id), soci::into(answers), soci::use(response_id);
        if (!sql.got_data())
        {
            cb(make_response(drogon::k404NotFound, "{}"));
            return;
        }
        long long survey_org = -1;
        sql << "select org_id from surveys where id = :id", soci::into(survey_org), soci::use(survey_id); // EXPECT: ok
        if (survey_org != org_id)
        {
            cb(make_response(drogon::k404NotFound, "{}"));
            return;
        }
        cb(json_response({{"id", response_id}, {"survey_id", survey_id}, {"answers", answers}}));
    }

    void integration_delete_response(const HttpRequestPtr &req, callback_t &&cb, long long response_id)
    {
        long long org_id = req->attributes()->get<long long>("org_id");
        auto &sql = services::instance().db();
        soci::statement st = (sql.prepare << "delete from responses where id = :id", soci::use(response_id));
        st.execute(true); // EXPECT: idor
        std::fprintf(stderr, "org %lld deleted response %lld\n", org_id, response_id);
        cb(make_response(st.get_affected_rows() ? drogon::k200OK : drogon::k404NotFound, "{}"));
    }

    void ops_user_summary(const HttpRequestPtr &req, callback_t &&cb)
    {
        long long uid = request_uid(req);
        auto &sql = services::instance().db();
        int surveys = 0, responses = 0;
        sql << "select count(distinct s.id), count(r.id) from surveys s left join responses r on r.survey_id = s.id " // EXPECT: identity
               "where s.owner_id = :u",
            soci::into(surveys), soci::into(responses), soci::use(uid);
        cb(json_response({{"user_id", uid}, {"surveys", surveys}, {"responses", responses}}));
    }
};

} // namespace pollster
