// forgeci - build coordinator
//
//  :8443  user API (cpp-httplib), JWT bearer auth issued by forgeci-auth
//  :9000  runner + artifact endpoints (Boost.Beast, sync, one thread per conn)
//
// db: postgres via libpqxx 6

#include <httplib.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <jwt/jwt.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using json = nlohmann::json;

static const char *LOG_DIR = "/var/lib/forgeci/logs/";
static const char *ARTIFACT_DIR = "/var/lib/forgeci/artifacts/";

static std::string env_or(const char *k, const char *d) {
    const char *v = std::getenv(k);
    return v ? v : d;
}
static const std::string JWT_SECRET = env_or("FORGECI_JWT_SECRET", "");

/* ---------------------------------------------------------------- auth */

struct claims {
    long long uid = 0;
    bool admin = false;
};

static std::optional<claims> verify_bearer(const std::string &hdr) {
    if (hdr.rfind("Bearer ", 0) != 0 || JWT_SECRET.empty()) return std::nullopt;
    std::error_code ec;
    auto obj = jwt::decode(hdr.substr(7), jwt::params::algorithms({"HS256"}), ec,
                           jwt::params::secret(JWT_SECRET), jwt::params::verify(true),
                           jwt::params::issuer("forgeci-auth"));
    if (ec) return std::nullopt;
    claims c;
    try {
        c.uid = obj.payload().get_claim_value<long long>("uid");
        c.admin = obj.payload().has_claim("adm") && obj.payload().get_claim_value<bool>("adm");
    } catch (...) {
        return std::nullopt;
    }
    return c;
}

/* ---------------------------------------------------------- dispatcher */

struct ctx {
    const httplib::Request &req;
    httplib::Response &res;
    pqxx::connection &db;
    claims who;  // zero-valued on public routes
};

typedef void (*handler_fn)(ctx &);

struct route {
    const char *method;
    const char *pattern;
    bool needs_auth;
    handler_fn fn;
};

static void send_json(ctx &c, const json &j, int status = 200) {
    c.res.status = status;
    c.res.set_content(j.dump(), "application/json");
}
static void send_err(ctx &c, int status, const char *msg) { send_json(c, json{{"error", msg}}, status); }
static long long id_at(ctx &c, int i) { return std::stoll(c.req.matches[i].str()); }

static bool can_read_repo(pqxx::connection &db, long long uid, long long repo_id) {
    pqxx::read_transaction tx(db);
    pqxx::result r = tx.exec_params("SELECT 1 FROM repo_members WHERE repo_id = $1 AND user_id = $2", repo_id, uid);  // EXPECT: ok
    return !r.empty();
}

/* ------------------------------------------------------------- handlers */

static void h_list_builds(ctx &c) {
    pqxx::read_transaction tx(c.db);
    pqxx::result r = tx.exec_params(  // EXPECT: ok
        "SELECT b.id, b.status, b.commit_sha, b.created_at FROM builds b "
        "JOIN pipelines p ON p.id = b.pipeline_id JOIN repo_members m ON m.repo_id = p.repo_id "
        "WHERE p.id = $1 AND m.user_id = $2 ORDER BY b.id DESC LIMIT 50",
        id_at(c, 1), c.who.uid);
    json out = json::array();
    for (const auto &row : r)
        out.push_back({{"id", row[0].as<long long>()}, {"status", row[1].c_str()}, {"sha", row[2].c_str()}, {"created", row[3].c_str()}});
    send_json(c, out);
}

static void h_get_build(ctx &c) {
    long long build_id = id_at(c, 1);
    pqxx::result r;
    {
        pqxx::read_transaction tx(c.db);
        r = tx.exec_params("SELECT repo_id, status, commit_sha, started_at, finished_at FROM builds WHERE id = $1", build_id);  // EXPECT: ok
    }
    if (r.empty() || !can_read_repo(c.db, c.who.uid, r[0][0].as<long long>())) return send_err(c, 404, "no such build");
    send_json(c, {{"id", build_id}, {"status", r[0][1].c_str()}, {"sha", r[0][2].c_str()},
                  {"started", r[0][3].is_null() ? "" : r[0][3].c_str()}, {"finished", r[0][4].is_null() ? "" : r[0][4].c_str()}});
}

static void h_retry_build(ctx &c) {
    pqxx::work tx(c.db);
    pqxx::result r = tx.exec_params(  // EXPECT: idor
        "INSERT INTO builds (pipeline_id, repo_id, commit_sha, status, triggered_by, created_at) "
        "SELECT pipeline_id, repo_id, commit_sha, 'queued', $2, now() FROM builds WHERE id = $1 RETURNING id",
        id_at(c, 1), c.who.uid);
    tx.commit();
    if (r.empty()) return send_err(c, 404, "no such build");
    send_json(c, {{"id", r[0][0].as<long long>()}}, 201);
}

static void h_cancel_build(ctx &c) {
    pqxx::work tx(c.db);
    pqxx::result r = tx.exec_params(  // EXPECT: ok
        "UPDATE builds SET status = 'cancelled', finished_at = now() WHERE id = $1 AND status IN ('queued','running') "
        "AND repo_id IN (SELECT repo_id FROM repo_members WHERE user_id = $2 AND role IN ('maintainer','developer'))",
        id_at(c, 1), c.who.uid);
    tx.commit();
    if (r.affected_rows() == 0) return send_err(c, 404, "not cancellable");
    send_json(c, {{"cancelled", true}});
}

static void h_build_log(ctx &c) {
    long long build_id = id_at(c, 1);
    long long repo_id = 0;
    {
        pqxx::read_transaction tx(c.db);
        pqxx::result r = tx.exec_params("SELECT repo_id FROM builds WHERE id = $1", build_id);  // EXPECT: ok
        if (r.empty()) return send_err(c, 404, "no such build");
        repo_id = r[0][0].as<long long>();
    }
    if (!can_read_repo(c.db, c.who.uid, repo_id)) return send_err(c, 404, "no such build");
    std::ifstream f(std::string(LOG_DIR) + std::to_string(build_id) + ".log");  // EXPECT: ok
    if (!f) return send_err(c, 404, "log not available");
    std::stringstream ss;
    ss << f.rdbuf();
    c.res.set_content(ss.str(), "text/plain");
}

// body: {"repo_id": n, "config": "...yaml..."}
static void h_update_pipeline(ctx &c) {
    json body = json::parse(c.req.body, nullptr, false);
    if (body.is_discarded() || !body.contains("repo_id") || !body.contains("config")) return send_err(c, 400, "bad body");
    long long pipeline_id = id_at(c, 1);
    long long repo_id = body["repo_id"].get<long long>();

    pqxx::work tx(c.db);
    pqxx::result role = tx.exec_params("SELECT role FROM repo_members WHERE repo_id = $1 AND user_id = $2", repo_id, c.who.uid);  // EXPECT: ok
    if (role.empty() || std::string(role[0][0].c_str()) != "maintainer") return send_err(c, 403, "maintainers only");
    pqxx::result r = tx.exec_params("UPDATE pipelines SET config = $1, updated_at = now() WHERE id = $2",  // EXPECT: idor
                                    body["config"].get<std::string>(), pipeline_id);
    tx.commit();
    if (r.affected_rows() == 0) return send_err(c, 404, "no such pipeline");
    send_json(c, {{"updated", true}});
}

static void h_notifications(ctx &c) {
    long long uid = c.who.uid;
    if (c.req.has_param("user_id")) uid = std::stoll(c.req.get_param_value("user_id"));
    pqxx::read_transaction tx(c.db);
    pqxx::result r = tx.exec_params(  // EXPECT: identity
        "SELECT id, kind, payload, created_at FROM notifications WHERE user_id = $1 AND read_at IS NULL ORDER BY id DESC LIMIT 100",
        uid);
    json out = json::array();
    for (const auto &row : r) out.push_back({{"id", row[0].as<long long>()}, {"kind", row[1].c_str()}, {"payload", row[2].c_str()}});
    send_json(c, out);
}

static void h_repo_secrets(ctx &c) {
    long long repo_id = id_at(c, 1);
    pqxx::read_transaction tx(c.db);
    pqxx::result role = tx.exec_params("SELECT role FROM repo_members WHERE repo_id = $1 AND user_id = $2", repo_id, c.who.uid);  // EXPECT: ok
    if (role.empty() || std::string(role[0][0].c_str()) != "maintainer") return send_err(c, 403, "maintainers only");
    pqxx::result r = tx.exec_params("SELECT name, updated_at FROM repo_secrets WHERE repo_id = $1 ORDER BY name", repo_id);  // EXPECT: ok
    json out = json::array();
    for (const auto &row : r) out.push_back({{"name", row[0].c_str()}, {"updated", row[1].c_str()}});
    send_json(c, out);
}

static void h_list_webhooks(ctx &c) {
    pqxx::read_transaction tx(c.db);
    pqxx::result r = tx.exec_params("SELECT id, url, events, signing_secret FROM webhooks WHERE repo_id = $1", id_at(c, 1));  // EXPECT: idor
    json out = json::array();
    for (const auto &row : r)
        out.push_back({{"id", row[0].as<long long>()}, {"url", row[1].c_str()}, {"events", row[2].c_str()}, {"secret", row[3].c_str()}});
    send_json(c, out);
}

static void h_badge(ctx &c) {
    pqxx::read_transaction tx(c.db);
    pqxx::result r = tx.exec_params(  // EXPECT: ok
        "SELECT b.status FROM builds b JOIN pipelines p ON p.id = b.pipeline_id JOIN repos r ON r.id = p.repo_id "
        "WHERE p.id = $1 AND r.visibility = 'public' AND b.ref = p.default_branch ORDER BY b.id DESC LIMIT 1",
        id_at(c, 1));
    std::string status = r.empty() ? "unknown" : r[0][0].c_str();
    std::string color = status == "passed" ? "#4c1" : status == "failed" ? "#e05d44" : "#9f9f9f";
    c.res.set_content("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"90\" height=\"20\"><rect width=\"90\" height=\"20\" fill=\"" +
                          color + "\"/><text x=\"8\" y=\"14\" fill=\"#fff\">" + status + "</text></svg>",
                      "image/svg+xml");
}

static void h_admin_runners(ctx &c) {
    if (!c.who.admin) return send_err(c, 403, "admin only");
    pqxx::read_transaction tx(c.db);
    pqxx::result r = tx.exec("SELECT id, name, last_seen, status FROM runners ORDER BY name");  // EXPECT: ok
    json out = json::array();
    for (const auto &row : r) out.push_back({{"id", row[0].as<long long>()}, {"name", row[1].c_str()}, {"status", row[3].c_str()}});
    send_json(c, out);
}

static const route ROUTES[] = {
    {"GET", R"(/api/pipelines/(\d+)/builds)", true, h_list_builds},
    {"PATCH", R"(/api/pipelines/(\d+))", true, h_update_pipeline},
    {"GET", R"(/api/builds/(\d+))", true, h_get_build},
    {"POST", R"(/api/builds/(\d+)/retry)", true, h_retry_build},
    {"POST", R"(/api/builds/(\d+)/cancel)", true, h_cancel_build},
    {"GET", R"(/api/builds/(\d+)/log)", true, h_build_log},
    {"GET", R"(/api/me/notifications)", true, h_notifications},
    {"GET", R"(/api/repos/(\d+)/secrets)", true, h_repo_secrets},
    {"GET", R"(/api/repos/(\d+)/webhooks)", false, h_list_webhooks},
    {"GET", R"(/badge/(\d+)\.svg)", false, h_badge},
    {"GET", R"(/api/admin/runners)", true, h_admin_runners},
};

static void mount_user_api(httplib::Server &svr, pqxx::connection &db) {
    for (const route &rt : ROUTES) {
        httplib::Server::Handler h = [&db, rt](const httplib::Request &req, httplib::Response &res) {
            ctx c{req, res, db, claims{}};
            if (rt.needs_auth) {
                auto who = verify_bearer(req.get_header_value("Authorization"));
                if (!who) return send_err(c, 401, "unauthorized");
                c.who = *who;
            }
            try {
                rt.fn(c);
            } catch (const std::exception &e) {
                send_err(c, 500, "internal error");
            }
        };
        std::string m = rt.method;
        if (m == "GET") svr.Get(rt.pattern, h);
        else if (m == "POST") svr.Post(rt.pattern, h);
        else if (m == "PATCH") svr.Patch(rt.pattern, h);
        else if (m == "DELETE") svr.Delete(rt.pattern, h);
    }
}

/* ------------------------------------------------- runner / artifact server */

typedef bhttp::request<bhttp::string_body> breq;
typedef bhttp::response<bhttp::string_body> bres;

static bres reply(const breq &req, bhttp::status st, std::string body, const char *ctype = "application/json") {
    bres res{st, req.version()};
    res.set(bhttp::field::content_type, ctype);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

static std::vector<std::string> split_path(const std::string &p) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : p) {
        if (ch == '/') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else cur += ch;
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

static std::map<std::string, std::string> split_query(const std::string &q) {
    std::map<std::string, std::string> out;
    std::istringstream is(q);
    std::string kv;
    while (std::getline(is, kv, '&')) {
        auto eq = kv.find('=');
        if (eq != std::string::npos) out[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return out;
}

static bool safe_name(const std::string &s) {
    return !s.empty() && s.find("..") == std::string::npos && s.find('/') == std::string::npos;
}

static std::optional<long long> runner_from_token(pqxx::connection &db, const breq &req) {
    std::string tok(req["X-Runner-Token"]);
    if (tok.size() < 40) return std::nullopt;
    pqxx::read_transaction tx(db);
    pqxx::result r = tx.exec_params("SELECT id FROM runners WHERE token_digest = encode(digest($1, 'sha256'), 'hex') AND enabled", tok);  // EXPECT: ok
    if (r.empty()) return std::nullopt;
    return r[0][0].as<long long>();
}

static bres handle_runner(pqxx::connection &db, const breq &req, const std::vector<std::string> &p) {
    auto runner = runner_from_token(db, req);
    if (!runner) return reply(req, bhttp::status::unauthorized, R"({"error":"bad runner token"})");

    // POST /runner/heartbeat  {"runner_id": n, "status": "idle|busy"}
    if (p.size() == 2 && p[1] == "heartbeat" && req.method() == bhttp::verb::post) {
        json b = json::parse(req.body(), nullptr, false);
        if (b.is_discarded()) return reply(req, bhttp::status::bad_request, "{}");
        long long runner_id = b.value("runner_id", *runner);
        pqxx::work tx(db);
        tx.exec_params("UPDATE runners SET last_seen = now(), status = $1 WHERE id = $2", b.value("status", "idle"), runner_id);  // EXPECT: identity
        tx.commit();
        return reply(req, bhttp::status::no_content, "");
    }

    // POST /runner/jobs/next
    if (p.size() == 3 && p[1] == "jobs" && p[2] == "next" && req.method() == bhttp::verb::post) {
        pqxx::work tx(db);
        pqxx::result r = tx.exec_params(  // EXPECT: ok
            "UPDATE jobs SET runner_id = $1, status = 'running', started_at = now() WHERE id = "
            "(SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, build_id, script",
            *runner);
        tx.commit();
        if (r.empty()) return reply(req, bhttp::status::no_content, "");
        return reply(req, bhttp::status::ok,
                     json{{"job_id", r[0][0].as<long long>()}, {"build_id", r[0][1].as<long long>()}, {"script", r[0][2].c_str()}}.dump());
    }

    if (p.size() != 4 || p[1] != "jobs") return reply(req, bhttp::status::not_found, "{}");
    long long job_id = std::stoll(p[2]);

    // GET /runner/jobs/{id}/secrets
    if (p[3] == "secrets" && req.method() == bhttp::verb::get) {
        pqxx::read_transaction tx(db);
        pqxx::result r = tx.exec_params(  // EXPECT: ok
            "SELECT s.name, s.value FROM repo_secrets s JOIN builds b ON b.repo_id = s.repo_id JOIN jobs j ON j.build_id = b.id "
            "WHERE j.id = $1 AND j.runner_id = $2 AND j.status = 'running'",
            job_id, *runner);
        json out = json::object();
        for (const auto &row : r) out[row[0].c_str()] = row[1].c_str();
        return reply(req, bhttp::status::ok, out.dump());
    }

    // POST /runner/jobs/{id}/log   (raw text chunk)
    if (p[3] == "log" && req.method() == bhttp::verb::post) {
        std::ofstream f(std::string(LOG_DIR) + "job-" + std::to_string(job_id) + ".log", std::ios::app);  // EXPECT: idor
        if (!f) return reply(req, bhttp::status::internal_server_error, "{}");
        f << req.body();
        return reply(req, bhttp::status::accepted, "{}");
    }

    // POST /runner/jobs/{id}/complete  {"status":"passed|failed"}
    if (p[3] == "complete" && req.method() == bhttp::verb::post) {
        json b = json::parse(req.body(), nullptr, false);
        std::string status = b.is_discarded() ? "failed" : b.value("status", "failed");
        if (status != "passed" && status != "failed") status = "failed";
        pqxx::work tx(db);
        pqxx::result r = tx.exec_params(  // EXPECT: ok
            "UPDATE jobs SET status = $1, finished_at = now() WHERE id = $2 AND runner_id = $3 AND status = 'running'",
            status, job_id, *runner);
        tx.commit();
        return reply(req, r.affected_rows() ? bhttp::status::ok : bhttp::status::conflict, "{}");
    }
    return reply(req, bhttp::status::not_found, "{}");
}

// GET /artifacts/{build_id}/{name}?t=<download token>
static bres handle_artifact(pqxx::connection &db, const breq &req, const std::vector<std::string> &p,
                            const std::map<std::string, std::string> &q) {
    if (p.size() != 3 || !safe_name(p[2])) return reply(req, bhttp::status::not_found, "{}");
    auto t = q.find("t");
    if (t == q.end()) return reply(req, bhttp::status::unauthorized, "{}");
    long long build_id = std::stoll(p[1]);
    {
        pqxx::read_transaction tx(db);
        pqxx::result r = tx.exec_params("SELECT build_id FROM artifact_tokens WHERE token = $1 AND expires_at > now()", t->second);  // EXPECT: ok
        if (r.empty() || r[0][0].as<long long>() != build_id) return reply(req, bhttp::status::forbidden, "{}");
    }
    std::ifstream f(std::string(ARTIFACT_DIR) + std::to_string(build_id) + "/" + p[2], std::ios::binary);  // EXPECT: ok
    if (!f) return reply(req, bhttp::status::not_found, "{}");
    std::stringstream ss;
    ss << f.rdbuf();
    return reply(req, bhttp::status::ok, ss.str(), "application/octet-stream");
}

// GET /legacy/my-artifacts   (forgeci-cli < 2.0)
static bres handle_legacy_artifacts(pqxx::connection &db, const breq &req) {
    std::string auth(req[bhttp::field::authorization]);
    if (auth.rfind("Bearer ", 0) != 0) return reply(req, bhttp::status::unauthorized, "{}");
    std::error_code ec;
    auto obj = jwt::decode(auth.substr(7), jwt::params::algorithms({"HS256"}), ec, jwt::params::verify(false));
    if (ec || !obj.payload().has_claim("uid")) return reply(req, bhttp::status::unauthorized, "{}");
    long long uid = obj.payload().get_claim_value<long long>("uid");

    pqxx::read_transaction tx(db);
    pqxx::result r = tx.exec_params(  // EXPECT: identity
        "SELECT a.build_id, a.name, a.size_bytes FROM artifacts a JOIN builds b ON b.id = a.build_id "
        "WHERE b.triggered_by = $1 ORDER BY a.created_at DESC LIMIT 200",
        uid);
    json out = json::array();
    for (const auto &row : r) out.push_back({{"build_id", row[0].as<long long>()}, {"name", row[1].c_str()}, {"size", row[2].as<long long>()}});
    return reply(req, bhttp::status::ok, out.dump());
}

static bres route_beast(pqxx::connection &db, const breq &req) {
    std::string target(req.target().data(), req.target().size());
    std::string path = target, query;
    auto qm = target.find('?');
    if (qm != std::string::npos) {
        path = target.substr(0, qm);
        query = target.substr(qm + 1);
    }
    auto parts = split_path(path);
    if (parts.empty()) return reply(req, bhttp::status::not_found, "{}");
    try {
        if (parts[0] == "runner") return handle_runner(db, req, parts);
        if (parts[0] == "artifacts") return handle_artifact(db, req, parts, split_query(query));
        if (parts[0] == "legacy" && parts.size() == 2 && parts[1] == "my-artifacts") return handle_legacy_artifacts(db, req);
    } catch (const std::exception &) {
        return reply(req, bhttp::status::internal_server_error, "{}");
    }
    return reply(req, bhttp::status::not_found, "{}");
}

static void beast_session(tcp::socket sock, const std::string &dsn) {
    pqxx::connection db(dsn);
    beast::flat_buffer buf;
    beast::error_code ec;
    for (;;) {
        breq req;
        bhttp::read(sock, buf, req, ec);
        if (ec) break;
        bres res = route_beast(db, req);
        bhttp::write(sock, res, ec);
        if (ec || !res.keep_alive()) break;
    }
    sock.shutdown(tcp::socket::shutdown_send, ec);
}

int main() {
    const std::string dsn = env_or("FORGECI_DSN", "postgresql://forgeci@localhost/forgeci");

    std::thread runner_srv([dsn] {
        boost::asio::io_context ioc{1};
        tcp::acceptor acc{ioc, {tcp::v4(), 9000}};
        for (;;) {
            tcp::socket s{ioc};
            acc.accept(s);
            std::thread(beast_session, std::move(s), dsn).detach();
        }
    });

    pqxx::connection db(dsn);
    httplib::Server svr;
    mount_user_api(svr, db);
    svr.listen("0.0.0.0", 8443);
    runner_srv.join();
    return 0;
}
