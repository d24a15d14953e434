// pledgebase: backer-facing API (Drogon controllers) and the creator console
// API (cpp-httplib, behind the console's reverse proxy). Postgres via libpqxx
// for reads, Drogon's DbClient/Mapper for the ORM-managed tables.
#include <drogon.h>
#include <httplib.h>
#include <jwt/jwt.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace pledgebase {

using json = nlohmann::json;
using drogon::HttpRequestPtr;
using drogon::HttpResponse;
using drogon::HttpResponsePtr;
using Callback = std::function<void(const HttpResponsePtr &)>;

struct Config {
  std::string pgDsn;
  std::string jwtSecret;
  std::string receiptDir = "/srv/pledgebase/receipts";
  std::string exportDir = "/srv/pledgebase/exports";
};
Config &config();
drogon::orm::DbClientPtr ormClient();

namespace model {
struct CampaignUpdate {
  using PrimaryKeyType = int64_t;
  int64_t id = 0;
  int64_t campaignId = 0;
  std::string title;
};
} // namespace model

static pqxx::connection &pg() {
  thread_local pqxx::connection conn{config().pgDsn};
  return conn;
}

static HttpResponsePtr reply(drogon::HttpStatusCode code, const std::string &body = "") {
  auto r = HttpResponse::newHttpResponse();
  r->setStatusCode(code);
  if (!body.empty()) r->setBody(body);
  return r;
}

static std::optional<int64_t> verifiedSubject(const std::string &token) {
  std::error_code ec;
  auto obj = jwt::decode(token, jwt::params::algorithms({"HS256"}), ec, jwt::params::secret(config().jwtSecret),
                         jwt::params::verify(true));
  if (ec || !obj.payload().has_claim("sub")) return std::nullopt;
  return std::stoll(obj.payload().get_claim_value<std::string>("sub"));
}

// The mobile app (<= 3.2) refreshes tokens lazily, so receipts accept an
// expired token as long as it parses.
static std::optional<int64_t> subjectFromAnyToken(const std::string &token) {
  std::error_code ec;
  auto obj = jwt::decode(token, jwt::params::algorithms({"HS256"}), ec, jwt::params::verify(false));
  if (!obj.payload().has_claim("sub")) return std::nullopt;
  return std::stoll(obj.payload().get_claim_value<std::string>("sub"));
}

static bool ownsCampaign(int64_t userId, int64_t campaignId) {
  pqxx::work tx{pg()};
  auto r = tx.exec_params("SELECT 1 FROM campaigns c LEFT JOIN campaign_team t ON t.campaign_id = c.id " // EXPECT: ok
                          "WHERE c.id = $1 AND (c.creator_id = $2 OR (t.user_id = $2 AND t.role = 'editor'))",
                          campaignId, userId);
  return !r.empty();
}

// ---------------------------------------------------------------------------
// Drogon: backer API
// ---------------------------------------------------------------------------
class JwtAuthFilter : public drogon::HttpFilter<JwtAuthFilter> {
public:
  void doFilter(const HttpRequestPtr &req, drogon::FilterCallback &&fcb,
                drogon::FilterChainCallback &&fccb) override {
    const auto &h = req->getHeader("Authorization");
    if (h.rfind("Bearer ", 0) != 0) return fcb(reply(drogon::k401Unauthorized));
    auto sub = verifiedSubject(h.substr(7));
    if (!sub) return fcb(reply(drogon::k401Unauthorized));
    req->attributes()->insert("uid", int64_t{*sub});
    fccb();
  }
};

static int64_t uidOf(const HttpRequestPtr &req) { return req->attributes()->get<int64_t>("uid"); }

class PledgeCtrl : public drogon::HttpController<PledgeCtrl> {
public:
  METHOD_LIST_BEGIN
  METHOD_ADD(PledgeCtrl::mine, "/mine", drogon::Get, "pledgebase::JwtAuthFilter");
  METHOD_ADD(PledgeCtrl::getOne, "/{1}", drogon::Get, "pledgebase::JwtAuthFilter");
  METHOD_ADD(PledgeCtrl::refund, "/{1}/refund", drogon::Post, "pledgebase::JwtAuthFilter");
  METHOD_ADD(PledgeCtrl::changeReward, "/{1}/reward", drogon::Put, "pledgebase::JwtAuthFilter");
  METHOD_ADD(PledgeCtrl::dropAddon, "/{1}/addons/{2}", drogon::Delete, "pledgebase::JwtAuthFilter");
  METHOD_ADD(PledgeCtrl::receipt, "/receipts/{1}", drogon::Get);
  METHOD_LIST_END

  void mine(const HttpRequestPtr &req, Callback &&cb) {
    pqxx::work tx{pg()};
    auto rows = tx.exec_params("SELECT p.id, p.campaign_id, c.title, p.amount_cents, p.status FROM pledges p " // EXPECT: ok
                               "JOIN campaigns c ON c.id = p.campaign_id WHERE p.backer_id = $1 "
                               "ORDER BY p.created_at DESC", uidOf(req));
    json out = json::array();
    for (const auto &row : rows)
      out.push_back({{"id", row[0].as<int64_t>()}, {"campaign_id", row[1].as<int64_t>()},
                     {"campaign", row[2].as<std::string>()}, {"amount_cents", row[3].as<int64_t>()},
                     {"status", row[4].as<std::string>()}});
    cb(reply(drogon::k200OK, out.dump()));
  }

  void getOne(const HttpRequestPtr &req, Callback &&cb, int64_t pledgeId) {
    const int64_t uid = uidOf(req);
    pqxx::work tx{pg()};
    auto rows = tx.exec_params("SELECT p.backer_id, c.creator_id, p.amount_cents, p.reward_tier, p.status, " // EXPECT: ok
                               "p.shipping_address FROM pledges p JOIN campaigns c ON c.id = p.campaign_id "
                               "WHERE p.id = $1", pledgeId);
    if (rows.empty()) return cb(reply(drogon::k404NotFound));
    const auto backer = rows[0][0].as<int64_t>();
    const auto creator = rows[0][1].as<int64_t>();
    if (backer != uid && creator != uid) return cb(reply(drogon::k404NotFound));
    json j{{"id", pledgeId}, {"amount_cents", rows[0][2].as<int64_t>()}, {"reward_tier", rows[0][3].as<int>()},
           {"status", rows[0][4].as<std::string>()}, {"shipping_address", rows[0][5].c_str()}};
    cb(reply(drogon::k200OK, j.dump()));
  }

  void refund(const HttpRequestPtr &req, Callback &&cb, int64_t pledgeId) {
    auto res = ormClient()->execSqlSync( // EXPECT: ok
        "UPDATE pledges SET status = 'refund_requested' WHERE id = $1 AND backer_id = $2 AND status = 'active' "
        "AND campaign_id IN (SELECT id FROM campaigns WHERE ends_at > now())",
        pledgeId, uidOf(req));
    cb(reply(res.affectedRows() == 1 ? drogon::k200OK : drogon::k404NotFound));
  }

  void changeReward(const HttpRequestPtr &req, Callback &&cb, int64_t pledgeId) {
    auto body = json::parse(req->getBody(), nullptr, false);
    if (!body.is_object() || !body.contains("tier")) return cb(reply(drogon::k404NotFound, "tier"));
    requirePledgeOwner(uidOf(req), pledgeId, cb);
    auto res = ormClient()->execSqlSync("UPDATE pledges SET reward_tier = $1, updated_at = now() WHERE id = $2", // EXPECT: idor
                                        body["tier"].get<int>(), pledgeId);
    if (res.affectedRows() == 1) cb(reply(drogon::k200OK));
  }

  void dropAddon(const HttpRequestPtr &req, Callback &&cb, int64_t pledgeId, int64_t addonId) {
    if (!requirePledgeOwner(uidOf(req), pledgeId, cb)) return;
    auto res = ormClient()->execSqlSync("DELETE FROM pledge_addons WHERE pledge_id = $1 AND addon_id = $2", // EXPECT: ok
                                        pledgeId, addonId);
    cb(reply(res.affectedRows() ? drogon::k200OK : drogon::k404NotFound));
  }

  void receipt(const HttpRequestPtr &req, Callback &&cb, int year) {
    const auto &h = req->getHeader("Authorization");
    auto sub = h.size() > 7 ? subjectFromAnyToken(h.substr(7)) : std::nullopt;
    if (!sub) return cb(reply(drogon::k401Unauthorized));
    if (year < 2015 || year > 2100) return cb(reply(drogon::k404NotFound));
    std::string path = config().receiptDir + "/" + std::to_string(*sub) + "/" + std::to_string(year) + ".pdf";
    FILE *fp = std::fopen(path.c_str(), "rb"); // EXPECT: identity
    if (!fp) return cb(reply(drogon::k404NotFound));
    std::string data;
    char buf[8192];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) data.append(buf, n);
    std::fclose(fp);
    cb(reply(drogon::k200OK, data));
  }

private:
  static bool requirePledgeOwner(int64_t uid, int64_t pledgeId, const Callback &cb) {
    pqxx::work tx{pg()};
    auto r = tx.exec_params("SELECT backer_id FROM pledges WHERE id = $1", pledgeId); // EXPECT: ok
    if (r.empty() || r[0][0].as<int64_t>() != uid) {
      cb(reply(drogon::k403Forbidden));
      return false;
    }
    return true;
  }
};

class CampaignCtrl : public drogon::HttpController<CampaignCtrl> {
public:
  METHOD_LIST_BEGIN
  METHOD_ADD(CampaignCtrl::show, "/{1}", drogon::Get);
  METHOD_ADD(CampaignCtrl::backers, "/{1}/backers", drogon::Get, "pledgebase::JwtAuthFilter");
  METHOD_ADD(CampaignCtrl::deleteUpdate, "/{1}/updates/{2}", drogon::Delete, "pledgebase::JwtAuthFilter");
  METHOD_ADD(CampaignCtrl::watchlist, "/watching", drogon::Get);
  METHOD_LIST_END

  void show(const HttpRequestPtr &, Callback &&cb, int64_t campaignId) {
    pqxx::work tx{pg()};
    auto r = tx.exec_params("SELECT title, blurb, goal_cents, raised_cents, ends_at FROM campaigns " // EXPECT: ok
                            "WHERE id = $1 AND published = true", campaignId);
    if (r.empty()) return cb(reply(drogon::k404NotFound));
    json j{{"title", r[0][0].as<std::string>()}, {"blurb", r[0][1].as<std::string>()},
           {"goal_cents", r[0][2].as<int64_t>()}, {"raised_cents", r[0][3].as<int64_t>()},
           {"ends_at", r[0][4].as<std::string>()}};
    cb(reply(drogon::k200OK, j.dump()));
  }

  void backers(const HttpRequestPtr &req, Callback &&cb, int64_t campaignId) {
    pqxx::work tx{pg()};
    auto owner = tx.exec_params("SELECT creator_id FROM campaigns WHERE id = $1", campaignId); // EXPECT: ok
    if (owner.empty()) return cb(reply(drogon::k404NotFound));
    if (owner[0][0].as<int64_t>() != uidOf(req)) return cb(reply(drogon::k403Forbidden));
    auto rows = tx.exec_params("SELECT u.display_name, u.email, p.amount_cents, p.reward_tier FROM pledges p " // EXPECT: ok
                               "JOIN users u ON u.id = p.backer_id WHERE p.campaign_id = $1 AND p.status = 'active'",
                               campaignId);
    json out = json::array();
    for (const auto &row : rows)
      out.push_back({{"name", row[0].as<std::string>()}, {"email", row[1].as<std::string>()},
                     {"amount_cents", row[2].as<int64_t>()}, {"tier", row[3].as<int>()}});
    cb(reply(drogon::k200OK, out.dump()));
  }

  void deleteUpdate(const HttpRequestPtr &req, Callback &&cb, int64_t campaignId, int64_t updateId) {
    if (!ownsCampaign(uidOf(req), campaignId)) return cb(reply(drogon::k403Forbidden));
    drogon::orm::Mapper<model::CampaignUpdate> mapper;
    auto n = mapper.deleteByPrimaryKey(updateId); // EXPECT: idor
    cb(reply(n ? drogon::k200OK : drogon::k404NotFound));
  }

  // Embedded "campaigns you follow" strip on the marketing site; the site sets
  // pb_uid after login so the widget can render without a round trip.
  void watchlist(const HttpRequestPtr &req, Callback &&cb) {
    const auto &c = req->getCookie("pb_uid");
    if (c.empty()) return cb(reply(drogon::k200OK, "[]"));
    pqxx::work tx{pg()};
    auto rows = tx.exec_params("SELECT c.id, c.title, w.notify_email FROM watches w " // EXPECT: identity
                               "JOIN campaigns c ON c.id = w.campaign_id WHERE w.user_id = $1",
                               std::stoll(c));
    json out = json::array();
    for (const auto &row : rows)
      out.push_back({{"id", row[0].as<int64_t>()}, {"title", row[1].as<std::string>()},
                     {"notify_email", row[2].as<std::string>()}});
    cb(reply(drogon::k200OK, out.dump()));
  }
};

// ---------------------------------------------------------------------------
// cpp-httplib: creator console API
// ---------------------------------------------------------------------------
struct ApiPrincipal {
  int64_t creatorId = 0;
  bool isStaff = false;
};

static std::optional<ApiPrincipal> principalFor(const httplib::Request &req) {
  auto key = req.get_header_value("X-Api-Key");
  if (key.size() < 32) return std::nullopt;
  pqxx::work tx{pg()};
  auto r = tx.exec_params("SELECT user_id, is_staff FROM api_keys WHERE key_hash = encode(digest($1, 'sha256'), 'hex') " // EXPECT: ok
                          "AND revoked_at IS NULL", key);
  if (r.empty()) return std::nullopt;
  return ApiPrincipal{r[0][0].as<int64_t>(), r[0][1].as<bool>()};
}

static void sendJson(httplib::Response &res, int status, const json &j) {
  res.status = status;
  res.set_content(j.dump(), "application/json");
}

using Authed = std::function<void(const httplib::Request &, httplib::Response &, const ApiPrincipal &)>;
static httplib::Server::Handler withKey(Authed fn) {
  return [fn](const httplib::Request &req, httplib::Response &res) {
    auto p = principalFor(req);
    if (!p) return sendJson(res, 401, {{"error", "api key"}});
    fn(req, res, *p);
  };
}

void mountConsole(httplib::Server &svr) {
  svr.Get(R"(/creator/campaigns/(\d+)/payouts)", withKey([](const httplib::Request &req, httplib::Response &res, const ApiPrincipal &p) {
    pqxx::work tx{pg()};
    auto rows = tx.exec_params("SELECT po.id, po.amount_cents, po.paid_at FROM payouts po JOIN campaigns c " // EXPECT: ok
                               "ON c.id = po.campaign_id WHERE c.id = $1 AND c.creator_id = $2",
                               std::stoll(req.matches[1]), p.creatorId);
    json out = json::array();
    for (const auto &row : rows)
      out.push_back({{"id", row[0].as<int64_t>()}, {"amount_cents", row[1].as<int64_t>()},
                     {"paid_at", row[2].c_str()}});
    sendJson(res, 200, out);
  }));

  svr.Post(R"(/creator/campaigns/(\d+)/stretch-goals)", withKey([](const httplib::Request &req, httplib::Response &res, const ApiPrincipal &p) {
    const int64_t cid = std::stoll(req.matches[1]);
    if (!ownsCampaign(p.creatorId, cid)) return sendJson(res, 403, {{"error", "not your campaign"}});
    auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return sendJson(res, 400, {{"error", "json"}});
    pqxx::work tx{pg()};
    tx.exec_params("INSERT INTO stretch_goals(campaign_id, threshold_cents, description) VALUES ($1, $2, $3)", cid, // EXPECT: ok
                   body.value("threshold_cents", int64_t{0}), body.value("description", ""));
    tx.commit();
    sendJson(res, 201, {{"ok", true}});
  }));

  svr.Get(R"(/creator/pledges/(\d+))", withKey([](const httplib::Request &req, httplib::Response &res, const ApiPrincipal &p) {
    pqxx::work tx{pg()};
    auto r = tx.exec_params("SELECT p.amount_cents, p.reward_tier, p.shipping_address, p.shipping_status " // EXPECT: ok
                            "FROM pledges p JOIN campaigns c ON c.id = p.campaign_id "
                            "WHERE p.id = $1 AND c.creator_id = $2", std::stoll(req.matches[1]), p.creatorId);
    if (r.empty()) return sendJson(res, 404, {{"error", "not found"}});
    sendJson(res, 200, {{"amount_cents", r[0][0].as<int64_t>()}, {"tier", r[0][1].as<int>()},
                        {"address", r[0][2].c_str()}, {"shipping", r[0][3].c_str()}});
  }));

  svr.Patch(R"(/creator/pledges/(\d+)/shipping)", withKey([](const httplib::Request &req, httplib::Response &res, const ApiPrincipal &) {
    auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return sendJson(res, 400, {{"error", "json"}});
    pqxx::work tx{pg()};
    auto r = tx.exec_params("UPDATE pledges SET shipping_status = $1, tracking_no = $2 WHERE id = $3", // EXPECT: idor
                            body.value("status", "pending"), body.value("tracking", ""),
                            std::stoll(req.matches[1]));
    tx.commit();
    sendJson(res, r.affected_rows() ? 200 : 404, {{"updated", r.affected_rows()}});
  }));

  // Fulfilment houses upload a batch per campaign.
  svr.Post("/creator/pledges/bulk-ship", withKey([](const httplib::Request &req, httplib::Response &res, const ApiPrincipal &p) {
    auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body["ids"].is_array() || body["ids"].empty())
      return sendJson(res, 400, {{"error", "ids"}});
    std::ostringstream arr;
    arr << "{";
    for (size_t i = 0; i < body["ids"].size(); ++i) arr << (i ? "," : "") << body["ids"][i].get<int64_t>();
    arr << "}";
    pqxx::work tx{pg()};
    auto first = tx.exec_params("SELECT campaign_id FROM pledges WHERE id = $1", body["ids"][0].get<int64_t>()); // EXPECT: ok
    if (first.empty()) return sendJson(res, 404, {{"error", "unknown pledge"}});
    const int64_t cid = first[0][0].as<int64_t>();
    tx.commit();
    if (!ownsCampaign(p.creatorId, cid)) return sendJson(res, 403, {{"error", "not your campaign"}});
    pqxx::work up{pg()};
    auto r = up.exec_params("UPDATE pledges SET shipping_status = 'shipped' WHERE id = ANY($1::bigint[])", // EXPECT: idor
                            arr.str());
    up.commit();
    sendJson(res, 200, {{"updated", r.affected_rows()}});
  }));

  svr.Get(R"(/creator/campaigns/(\d+)/messages/(\d+))", withKey([](const httplib::Request &req, httplib::Response &res, const ApiPrincipal &p) {
    const int64_t cid = std::stoll(req.matches[1]);
    if (!ownsCampaign(p.creatorId, cid)) return sendJson(res, 403, {{"error", "not your campaign"}});
    pqxx::work tx{pg()};
    auto r = tx.exec_params("SELECT sender_id, body, sent_at FROM backer_messages WHERE id = $1 AND campaign_id = $2", // EXPECT: ok
                            std::stoll(req.matches[2]), cid);
    if (r.empty()) return sendJson(res, 404, {{"error", "not found"}});
    sendJson(res, 200, {{"from", r[0][0].as<int64_t>()}, {"body", r[0][1].c_str()}, {"sent_at", r[0][2].c_str()}});
  }));

  svr.Get("/creator/export", withKey([](const httplib::Request &req, httplib::Response &res, const ApiPrincipal &p) {
    if (!req.has_param("campaign")) return sendJson(res, 400, {{"error", "campaign"}});
    const int64_t cid = std::stoll(req.get_param_value("campaign"));
    if (!p.isStaff && !ownsCampaign(p.creatorId, cid)) return sendJson(res, 403, {{"error", "forbidden"}});
    pqxx::work tx{pg()};
    auto rows = tx.exec_params("SELECT u.email, p.amount_cents, p.reward_tier, p.shipping_address FROM pledges p " // EXPECT: ok
                               "JOIN users u ON u.id = p.backer_id WHERE p.campaign_id = $1", cid);
    std::string path = config().exportDir + "/campaign-" + std::to_string(cid) + "-" +
                       std::to_string(std::time(nullptr)) + ".csv";
    FILE *out = std::fopen(path.c_str(), "w"); // EXPECT: ok
    if (!out) return sendJson(res, 500, {{"error", "export"}});
    for (const auto &row : rows)
      std::fprintf(out, "%s,%s,%s,\"%s\"\n", row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].c_str());
    std::fclose(out);
    sendJson(res, 202, {{"file", path}});
  }));

  svr.Get(R"(/admin/campaigns/(\d+)/flags)", withKey([](const httplib::Request &req, httplib::Response &res, const ApiPrincipal &p) {
    if (!p.isStaff) return sendJson(res, 403, {{"error", "staff only"}});
    pqxx::work tx{pg()};
    auto rows = tx.exec_params("SELECT reporter_id, reason, created_at FROM campaign_flags WHERE campaign_id = $1", // EXPECT: ok
                               std::stoll(req.matches[1]));
    json out = json::array();
    for (const auto &row : rows)
      out.push_back({{"reporter", row[0].as<int64_t>()}, {"reason", row[1].c_str()}, {"at", row[2].c_str()}});
    sendJson(res, 200, out);
  }));

  svr.Post(R"(/admin/campaigns/(\d+)/freeze)", withKey([](const httplib::Request &req, httplib::Response &res, const ApiPrincipal &p) {
    if (!p.isStaff) return sendJson(res, 403, {{"error", "staff only"}});
    auto n = ormClient()->execSqlSync("UPDATE campaigns SET frozen = true, frozen_by = $1 WHERE id = $2", // EXPECT: ok
                                      p.creatorId, std::stoll(req.matches[1]));
    sendJson(res, n.affectedRows() ? 200 : 404, {{"frozen", n.affectedRows() == 1}});
  }));

  // Pledge badge shown on creators' own sites.
  svr.Get("/widget/my-pledge", [](const httplib::Request &req, httplib::Response &res) {
    if (!req.has_param("campaign") || !req.has_param("backer")) return sendJson(res, 200, json::object());
    pqxx::work tx{pg()};
    auto r = tx.exec_params("SELECT amount_cents, reward_tier, shipping_status FROM pledges " // EXPECT: identity
                            "WHERE campaign_id = $1 AND backer_id = $2 AND status = 'active'",
                            std::stoll(req.get_param_value("campaign")),
                            std::stoll(req.get_param_value("backer")));
    if (r.empty()) return sendJson(res, 200, json::object());
    sendJson(res, 200, {{"amount_cents", r[0][0].as<int64_t>()}, {"tier", r[0][1].as<int>()},
                        {"shipping", r[0][2].c_str()}});
  });
}

} // namespace pledgebase

int main() {
  httplib::Server console;
  pledgebase::mountConsole(console);
  console.listen("127.0.0.1", 8443);
  return 0;
}
