// counsel-matters: matter (case file) service for the multi-firm practice
// management platform.
//
// The client/attorney portal API is served with cpp-httplib on :8443 behind
// the TLS terminator. Internal docketing endpoints used by the deadline
// scheduler and the desktop calendar plugin are served with Crow on :9090.
//
// Storage: PostgreSQL (libpqxx) for matters, documents and time entries;
// Redis for sessions, per-user drafts and queued conflict-check results.
#include <httplib.h>
#include <crow.h>
#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

using json = nlohmann::json;

namespace counsel {

struct Principal {
  long user_id = 0;
  long firm_id = 0;
  std::string role; // attorney | paralegal | partner | sysadmin
};

// --------------------------------------------------------------------------
// Redis wrapper (single connection guarded by a mutex; the portal is not
// write-heavy enough to justify a pool yet).
// --------------------------------------------------------------------------
class Redis {
public:
  explicit Redis(const char *host, int port) : ctx_(redisConnect(host, port)) {
    if (!ctx_ || ctx_->err) {
      std::cerr << "redis connect failed\n";
    }
  }
  ~Redis() {
    if (ctx_) redisFree(ctx_);
  }
  redisContext *raw() { return ctx_; }
  std::mutex &mu() { return mu_; }

private:
  redisContext *ctx_;
  std::mutex mu_;
};

struct ReplyDeleter {
  void operator()(redisReply *r) const {
    if (r) freeReplyObject(r);
  }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

static std::string cookie_value(const std::string &header, const std::string &name) {
  std::string needle = name + "=";
  auto pos = header.find(needle);
  if (pos == std::string::npos) return {};
  auto start = pos + needle.size();
  auto end = header.find(';', start);
  return header.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

static void send_json(httplib::Response &res, int status, const json &body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// --------------------------------------------------------------------------
// Authorization helpers
// --------------------------------------------------------------------------

// A user may work on a matter when it belongs to their firm and they are on
// the matter team; partners see every matter of their firm.
static bool can_access_matter(pqxx::work &tx, const Principal &p, long matter_id) {
  auto r = tx.exec_params( // EXPECT: ok
      "SELECT 1 FROM matters m "
      "LEFT JOIN matter_team t ON t.matter_id = m.id AND t.user_id = $2 "
      "WHERE m.id = $1 AND m.firm_id = $3 AND (t.user_id IS NOT NULL OR $4)",
      matter_id, p.user_id, p.firm_id, p.role == "partner");
  return !r.empty();
}

class PortalApi {
public:
  PortalApi(std::string conninfo, Redis &redis) : conninfo_(std::move(conninfo)), redis_(redis) {}

  std::optional<Principal> authenticate(const httplib::Request &req) {
    std::string token = cookie_value(req.get_header_value("Cookie"), "lc_session");
    if (token.empty()) return std::nullopt;

    long uid = 0;
    {
      std::lock_guard<std::mutex> lk(redis_.mu());
      ReplyPtr reply(static_cast<redisReply *>(
          redisCommand(redis_.raw(), "GET session:%s", token.c_str()))); // EXPECT: ok
      if (!reply || reply->type != REDIS_REPLY_STRING) return std::nullopt;
      uid = std::strtol(reply->str, nullptr, 10);
    }

    pqxx::connection c(conninfo_);
    pqxx::work tx(c);
    auto r = tx.exec_params("SELECT firm_id, role FROM users WHERE id = $1 AND active", uid); // EXPECT: ok
    if (r.empty()) return std::nullopt;
    Principal p;
    p.user_id = uid;
    p.firm_id = r[0][0].as<long>();
    p.role = r[0][1].as<std::string>();
    return p;
  }

  void mount(httplib::Server &svr) {
    svr.Get("/api/matters", [this](const httplib::Request &req, httplib::Response &res) {
      auto p = authenticate(req);
      if (!p) return send_json(res, 401, {{"error", "unauthenticated"}});
      pqxx::connection c(conninfo_);
      pqxx::work tx(c);
      auto rows = tx.exec_params( // EXPECT: ok
          "SELECT id, caption, status FROM matters WHERE firm_id = $1 ORDER BY opened_at DESC LIMIT 200",
          p->firm_id);
      json out = json::array();
      for (const auto &row : rows) {
        out.push_back({{"id", row[0].as<long>()},
                       {"caption", row[1].as<std::string>()},
                       {"status", row[2].as<std::string>()}});
      }
      send_json(res, 200, out);
    });

    svr.Get(R"(/api/matters/(\d+))", [this](const httplib::Request &req, httplib::Response &res) {
      auto p = authenticate(req);
      if (!p) return send_json(res, 401, {{"error", "unauthenticated"}});
      long matter_id = std::stol(req.matches[1]);
      pqxx::connection c(conninfo_);
      pqxx::work tx(c);
      auto r = tx.exec_params( // EXPECT: ok
          "SELECT firm_id, caption, status, lead_attorney_id FROM matters WHERE id = $1", matter_id);
      if (r.empty() || r[0]["firm_id"].as<long>() != p->firm_id) {
        return send_json(res, 404, {{"error", "not found"}});
      }
      send_json(res, 200,
                {{"id", matter_id},
                 {"caption", r[0]["caption"].as<std::string>()},
                 {"status", r[0]["status"].as<std::string>()},
                 {"lead_attorney_id", r[0]["lead_attorney_id"].as<long>()}});
    });

    svr.Get(R"(/api/matters/(\d+)/documents/(\d+))",
            [this](const httplib::Request &req, httplib::Response &res) {
              auto p = authenticate(req);
              if (!p) return send_json(res, 401, {{"error", "unauthenticated"}});
              long matter_id = std::stol(req.matches[1]);
              long doc_id = std::stol(req.matches[2]);
              pqxx::connection c(conninfo_);
              pqxx::work tx(c);
              auto r = tx.exec_params( // EXPECT: idor
                  "SELECT title, storage_key, privileged FROM matter_documents "
                  "WHERE id = $1 AND matter_id = $2",
                  doc_id, matter_id);
              if (r.empty()) return send_json(res, 404, {{"error", "not found"}});
              send_json(res, 200,
                        {{"title", r[0][0].as<std::string>()},
                         {"download", "/blob/" + r[0][1].as<std::string>()},
                         {"privileged", r[0][2].as<bool>()}});
            });

    svr.Put(R"(/api/matters/(\d+)/status)", [this](const httplib::Request &req, httplib::Response &res) {
      auto p = authenticate(req);
      if (!p) return send_json(res, 401, {{"error", "unauthenticated"}});
      long matter_id = std::stol(req.matches[1]);
      auto body = json::parse(req.body, nullptr, false);
      if (body.is_discarded() || !body.contains("status")) return send_json(res, 400, {{"error", "bad body"}});
      pqxx::connection c(conninfo_);
      pqxx::work tx(c);
      if (!can_access_matter(tx, *p, matter_id)) return send_json(res, 403, {{"error", "forbidden"}});
      tx.exec_params0("UPDATE matters SET status = $1, updated_by = $2, updated_at = now() WHERE id = $3", // EXPECT: ok
                      body["status"].get<std::string>(), p->user_id, matter_id);
      tx.commit();
      send_json(res, 200, {{"ok", true}});
    });

    svr.Delete(R"(/api/matters/(\d+)/notes/(\d+))", [this](const httplib::Request &req, httplib::Response &res) {
      auto p = authenticate(req);
      if (!p) return send_json(res, 401, {{"error", "unauthenticated"}});
      long matter_id = std::stol(req.matches[1]);
      long note_id = std::stol(req.matches[2]);
      pqxx::connection c(conninfo_);
      pqxx::work tx(c);
      if (!can_access_matter(tx, *p, matter_id)) return send_json(res, 403, {{"error", "forbidden"}});
      tx.exec_params0("DELETE FROM matter_notes WHERE id = $1", note_id); // EXPECT: idor
      tx.commit();
      res.status = 204;
    });

    svr.Get(R"(/api/clients/(\d+))", [this](const httplib::Request &req, httplib::Response &res) {
      auto p = authenticate(req);
      if (!p) return send_json(res, 401, {{"error", "unauthenticated"}});
      long client_id = std::stol(req.matches[1]);
      pqxx::connection c(conninfo_);
      pqxx::work tx(c);
      auto r = tx.exec_params( // EXPECT: ok
          "SELECT display_name, email, phone FROM clients WHERE id = $1 AND firm_id = $2", client_id,
          p->firm_id);
      if (r.empty()) return send_json(res, 404, {{"error", "not found"}});
      send_json(res, 200,
                {{"name", r[0][0].as<std::string>()},
                 {"email", r[0][1].as<std::string>()},
                 {"phone", r[0][2].as<std::string>()}});
    });

    // Timesheet view. Defaults to the caller; the UI passes attorney_id when a
    // user opens a colleague's sheet from the team page.
    svr.Get("/api/timesheets", [this](const httplib::Request &req, httplib::Response &res) {
      auto p = authenticate(req);
      if (!p) return send_json(res, 401, {{"error", "unauthenticated"}});
      long attorney = p->user_id;
      if (req.has_param("attorney_id")) attorney = std::stol(req.get_param_value("attorney_id"));
      std::string from = req.has_param("from") ? req.get_param_value("from") : "1970-01-01";
      std::string to = req.has_param("to") ? req.get_param_value("to") : "2999-12-31";
      pqxx::connection c(conninfo_);
      pqxx::work tx(c);
      auto rows = tx.exec_params( // EXPECT: idor
          "SELECT matter_id, work_date, hours, narrative FROM time_entries "
          "WHERE attorney_id = $1 AND work_date BETWEEN $2 AND $3 ORDER BY work_date",
          attorney, from, to);
      json out = json::array();
      for (const auto &row : rows) {
        out.push_back({{"matter_id", row[0].as<long>()},
                       {"date", row[1].as<std::string>()},
                       {"hours", row[2].as<double>()},
                       {"narrative", row[3].as<std::string>()}});
      }
      send_json(res, 200, out);
    });

    // Time entry capture. Legal assistants record time on behalf of the
    // attorney they support, so the payload names the attorney.
    svr.Post("/api/time-entries", [this](const httplib::Request &req, httplib::Response &res) {
      auto p = authenticate(req);
      if (!p) return send_json(res, 401, {{"error", "unauthenticated"}});
      auto body = json::parse(req.body, nullptr, false);
      if (body.is_discarded()) return send_json(res, 400, {{"error", "bad json"}});
      long matter_id = body.value("matter_id", 0L);
      long attorney_id = body.value("attorney_id", p->user_id);
      pqxx::connection c(conninfo_);
      pqxx::work tx(c);
      if (!can_access_matter(tx, *p, matter_id)) return send_json(res, 403, {{"error", "forbidden"}});
      tx.exec_params0( // EXPECT: identity
          "INSERT INTO time_entries (matter_id, attorney_id, work_date, hours, narrative) "
          "VALUES ($1, $2, current_date, $3, $4)",
          matter_id, attorney_id, body.value("hours", 0.0), body.value("narrative", std::string()));
      tx.commit();
      send_json(res, 201, {{"ok", true}});
    });

    // Autosaved pleading drafts live in Redis, per user and matter.
    svr.Get(R"(/api/matters/(\d+)/draft)", [this](const httplib::Request &req, httplib::Response &res) {
      auto p = authenticate(req);
      if (!p) return send_json(res, 401, {{"error", "unauthenticated"}});
      long matter_id = std::stol(req.matches[1]);
      std::lock_guard<std::mutex> lk(redis_.mu());
      ReplyPtr reply(static_cast<redisReply *>(
          redisCommand(redis_.raw(), "GET draft:u%ld:m%ld", p->user_id, matter_id))); // EXPECT: ok
      if (!reply || reply->type != REDIS_REPLY_STRING) return send_json(res, 404, {{"error", "no draft"}});
      res.set_content(std::string(reply->str, reply->len), "text/markdown");
    });

    svr.Put(R"(/api/matters/(\d+)/draft)", [this](const httplib::Request &req, httplib::Response &res) {
      auto p = authenticate(req);
      if (!p) return send_json(res, 401, {{"error", "unauthenticated"}});
      long matter_id = std::stol(req.matches[1]);
      {
        pqxx::connection c(conninfo_);
        pqxx::work tx(c);
        if (!can_access_matter(tx, *p, matter_id)) return send_json(res, 403, {{"error", "forbidden"}});
      }
      std::lock_guard<std::mutex> lk(redis_.mu());
      ReplyPtr reply(static_cast<redisReply *>(redisCommand( // EXPECT: ok
          redis_.raw(), "SET draft:u%ld:m%ld %b EX 1209600", p->user_id, matter_id, req.body.data(),
          req.body.size())));
      send_json(res, 200, {{"saved", reply && reply->type == REDIS_REPLY_STATUS}});
    });

    // Conflict checks: the search runs synchronously against the firm's own
    // party index, the result is parked in Redis so the intake wizard can
    // poll it by number.
    svr.Post("/api/conflict-checks", [this](const httplib::Request &req, httplib::Response &res) {
      auto p = authenticate(req);
      if (!p) return send_json(res, 401, {{"error", "unauthenticated"}});
      std::string name = req.get_param_value("name");
      if (name.empty()) return send_json(res, 400, {{"error", "name required"}});
      pqxx::connection c(conninfo_);
      pqxx::work tx(c);
      auto hits = tx.exec_params( // EXPECT: ok
          "SELECT p.name, m.caption FROM parties p JOIN matters m ON m.id = p.matter_id "
          "WHERE m.firm_id = $1 AND p.name ILIKE '%' || $2 || '%'",
          p->firm_id, name);
      json found = json::array();
      for (const auto &h : hits) found.push_back({h[0].as<std::string>(), h[1].as<std::string>()});

      std::lock_guard<std::mutex> lk(redis_.mu());
      ReplyPtr seq(static_cast<redisReply *>(redisCommand(redis_.raw(), "INCR conflict:seq"))); // EXPECT: ok
      long long check_id = seq ? seq->integer : 0;
      std::string payload = found.dump();
      ReplyPtr put(static_cast<redisReply *>(redisCommand( // EXPECT: ok
          redis_.raw(), "HSET conflict:%lld firm %ld requested_by %ld result %b", check_id, p->firm_id,
          p->user_id, payload.data(), payload.size())));
      send_json(res, 202, {{"check_id", check_id}});
    });

    svr.Get(R"(/api/conflict-checks/(\d+))", [this](const httplib::Request &req, httplib::Response &res) {
      auto p = authenticate(req);
      if (!p) return send_json(res, 401, {{"error", "unauthenticated"}});
      std::string check_id = req.matches[1];
      std::lock_guard<std::mutex> lk(redis_.mu());
      ReplyPtr reply(static_cast<redisReply *>(
          redisCommand(redis_.raw(), "HGET conflict:%s result", check_id.c_str()))); // EXPECT: idor
      if (!reply || reply->type != REDIS_REPLY_STRING) return send_json(res, 404, {{"error", "unknown"}});
      res.set_content(std::string(reply->str, reply->len), "application/json");
    });

    svr.Get(R"(/api/admin/firms/(\d+)/audit)", [this](const httplib::Request &req, httplib::Response &res) {
      auto p = authenticate(req);
      if (!p) return send_json(res, 401, {{"error", "unauthenticated"}});
      if (p->role != "sysadmin") return send_json(res, 403, {{"error", "forbidden"}});
      long firm_id = std::stol(req.matches[1]);
      pqxx::connection c(conninfo_);
      pqxx::work tx(c);
      auto rows = tx.exec_params( // EXPECT: ok
          "SELECT at, actor_id, action FROM audit_log WHERE firm_id = $1 ORDER BY at DESC LIMIT 500", firm_id);
      json out = json::array();
      for (const auto &row : rows)
        out.push_back({row[0].as<std::string>(), row[1].as<long>(), row[2].as<std::string>()});
      send_json(res, 200, out);
    });

    svr.Post("/api/logout", [this](const httplib::Request &req, httplib::Response &res) {
      std::string token = cookie_value(req.get_header_value("Cookie"), "lc_session");
      if (!token.empty()) {
        std::lock_guard<std::mutex> lk(redis_.mu());
        ReplyPtr r(static_cast<redisReply *>(redisCommand(redis_.raw(), "DEL session:%s", token.c_str()))); // EXPECT: ok
      }
      res.set_header("Set-Cookie", "lc_session=; Max-Age=0; Path=/; Secure; HttpOnly");
      res.status = 204;
    });
  }

private:
  std::string conninfo_;
  Redis &redis_;
};

// --------------------------------------------------------------------------
// Internal docketing API (Crow)
// --------------------------------------------------------------------------
class DocketApi {
public:
  explicit DocketApi(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  // Service-to-service callers present a key; we store only its digest.
  std::optional<std::string> service_for(const crow::request &req) {
    const std::string &key = req.get_header_value("X-Service-Key");
    if (key.empty()) return std::nullopt;
    pqxx::connection c(conninfo_);
    pqxx::work tx(c);
    auto r = tx.exec_params( // EXPECT: ok
        "SELECT service_name FROM service_keys WHERE key_sha256 = encode(digest($1, 'sha256'), 'hex') "
        "AND revoked_at IS NULL",
        key);
    if (r.empty()) return std::nullopt;
    return r[0][0].as<std::string>();
  }

  void mount(crow::SimpleApp &app) {
    CROW_ROUTE(app, "/internal/matters/<int>/deadlines")
    ([this](const crow::request &req, int matter_id) {
      auto svc = service_for(req);
      if (!svc) return crow::response(401);
      pqxx::connection c(conninfo_);
      pqxx::work tx(c);
      auto rows = tx.exec_params( // EXPECT: ok
          "SELECT id, due_on, rule_ref, acknowledged FROM deadlines WHERE matter_id = $1 ORDER BY due_on",
          matter_id);
      json out = json::array();
      for (const auto &row : rows)
        out.push_back({{"id", row[0].as<long>()},
                       {"due_on", row[1].as<std::string>()},
                       {"rule", row[2].as<std::string>()},
                       {"ack", row[3].as<bool>()}});
      return crow::response(200, out.dump());
    });

    CROW_ROUTE(app, "/internal/deadlines/<int>/ack")
        .methods(crow::HTTPMethod::Post)([this](const crow::request &req, int deadline_id) {
          auto svc = service_for(req);
          if (!svc || *svc != "docket-scheduler") return crow::response(403);
          pqxx::connection c(conninfo_);
          pqxx::work tx(c);
          tx.exec_params0("UPDATE deadlines SET acknowledged = true, acked_by_service = $2 WHERE id = $1", // EXPECT: ok
                          deadline_id, *svc);
          tx.commit();
          return crow::response(204);
        });

    // Used by the Outlook calendar plugin to pull the signed-in attorney's
    // upcoming deadlines. The plugin sends the attorney's id in a header.
    CROW_ROUTE(app, "/internal/reminders/mine")
    ([this](const crow::request &req) {
      const std::string &uid = req.get_header_value("X-User-Id");
      if (uid.empty()) return crow::response(400);
      const char *days = req.url_params.get("days");
      int horizon = days ? std::atoi(days) : 14;
      pqxx::connection c(conninfo_);
      pqxx::work tx(c);
      auto rows = tx.exec_params( // EXPECT: identity
          "SELECT d.due_on, m.caption, d.rule_ref FROM deadlines d "
          "JOIN matter_team t ON t.matter_id = d.matter_id JOIN matters m ON m.id = d.matter_id "
          "WHERE t.user_id = $1 AND d.due_on <= current_date + $2::int ORDER BY d.due_on",
          std::stol(uid), horizon);
      json out = json::array();
      for (const auto &row : rows)
        out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
      return crow::response(200, out.dump());
    });
  }

private:
  std::string conninfo_;
};

} // namespace counsel

int main() {
  const char *pg = std::getenv("COUNSEL_PG");
  std::string conninfo = pg ? pg : "dbname=counsel";
  counsel::Redis redis("127.0.0.1", 6379);

  counsel::PortalApi portal(conninfo, redis);
  httplib::Server svr;
  portal.mount(svr);

  counsel::DocketApi docket(conninfo);
  crow::SimpleApp internal;
  docket.mount(internal);

  svr.listen("0.0.0.0", 8443);
  return 0;
}
