// castline-api: podcast hosting backend.
//   * port 8080 (cpp-httplib): public catalogue + creator/listener API
//   * port 8091 (CivetWeb):    ops console + legacy v0 endpoints kept for old apps
// Storage: PostgreSQL (libpqxx) for catalogue/analytics, Redis for sessions,
// playback positions and upload bookkeeping.

#include <civetweb.h>
#include <hiredis/hiredis.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

using json = nlohmann::json;

namespace castline {

struct Principal {
  long user_id = 0;
  std::string role;
  bool is_staff() const { return role == "staff" || role == "admin"; }
};

static std::string pg_dsn() {
  const char *d = std::getenv("CASTLINE_PG");
  return d ? d : "dbname=castline user=castline host=/var/run/postgresql";
}

static const char *kExportDir = "/var/lib/castline/exports/";

class RedisHandle {
public:
  RedisHandle() : ctx_(redisConnect("127.0.0.1", 6379)) {}
  ~RedisHandle() {
    if (ctx_) redisFree(ctx_);
  }
  redisContext *get() { return ctx_; }

private:
  redisContext *ctx_;
};

static thread_local RedisHandle t_redis;

static std::optional<std::string> take_string(redisReply *r) {
  std::optional<std::string> out;
  if (r && r->type == REDIS_REPLY_STRING) out = std::string(r->str, r->len);
  if (r) freeReplyObject(r);
  return out;
}

// Session values are written by the auth service as "<uid>:<role>".
static std::optional<Principal> principal_for_token(const std::string &token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  redisReply *r = (redisReply *)redisCommand(t_redis.get(), "GET castline:sess:%s", token.c_str()); // EXPECT: ok
  auto v = take_string(r);
  if (!v) return std::nullopt;
  Principal p;
  auto colon = v->find(':');
  p.user_id = std::stol(v->substr(0, colon));
  p.role = colon == std::string::npos ? "listener" : v->substr(colon + 1);
  return p;
}

static std::optional<Principal> authenticate(const httplib::Request &req) {
  auto hdr = req.get_header_value("Authorization");
  if (hdr.rfind("Bearer ", 0) != 0) return std::nullopt;
  return principal_for_token(hdr.substr(7));
}

static void send_json(httplib::Response &res, const json &body, int status = 200) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

static void fail(httplib::Response &res, int status, const std::string &msg) {
  send_json(res, json{{"error", msg}}, status);
}

static long path_id(const httplib::Request &req, size_t idx = 1) {
  return std::stol(req.matches[idx].str());
}

// Owner, or a collaborator with the editor role.
static bool can_edit_show(pqxx::transaction_base &tx, long show_id, long user_id) {
  auto r = tx.exec_params("SELECT 1 FROM shows s " // EXPECT: ok
                          "LEFT JOIN show_collaborators c ON c.show_id = s.id AND c.user_id = $2 "
                          "WHERE s.id = $1 AND (s.owner_id = $2 OR c.role = 'editor')",
                          show_id, user_id);
  return !r.empty();
}

static json episode_row(const pqxx::row &row) {
  json j;
  j["id"] = row["id"].as<long>();
  j["title"] = row["title"].c_str();
  j["duration_s"] = row["duration_s"].is_null() ? 0 : row["duration_s"].as<int>();
  j["status"] = row["status"].c_str();
  return j;
}

// ---------------------------------------------------------------------------
// public catalogue
// ---------------------------------------------------------------------------
static void register_catalogue(httplib::Server &svr) {
  svr.Get("/v1/shows", [](const httplib::Request &req, httplib::Response &res) {
    int limit = 25;
    if (req.has_param("limit")) limit = std::clamp(std::stoi(req.get_param_value("limit")), 1, 100);
    std::string category = req.get_param_value("category");
    pqxx::connection c(pg_dsn());
    pqxx::read_transaction tx(c);
    auto rows = tx.exec_params("SELECT id, title, author_name, artwork_url FROM shows " // EXPECT: ok
                               "WHERE published AND ($1 = '' OR category = $1) "
                               "ORDER BY subscriber_count DESC LIMIT $2",
                               category, limit);
    json out = json::array();
    for (const auto &r : rows)
      out.push_back({{"id", r["id"].as<long>()}, {"title", r["title"].c_str()},
                     {"author", r["author_name"].c_str()}, {"artwork", r["artwork_url"].c_str()}});
    send_json(res, out);
  });

  svr.Get(R"(/v1/shows/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    long show_id = path_id(req);
    pqxx::connection c(pg_dsn());
    pqxx::read_transaction tx(c);
    auto rows = tx.exec_params("SELECT id, title, description, author_name, rss_slug FROM shows " // EXPECT: ok
                               "WHERE id = $1 AND published",
                               show_id);
    if (rows.empty()) return fail(res, 404, "show not found");
    const auto &r = rows[0];
    send_json(res, {{"id", show_id}, {"title", r["title"].c_str()},
                    {"description", r["description"].c_str()}, {"author", r["author_name"].c_str()},
                    {"rss", std::string("https://feeds.castline.fm/") + r["rss_slug"].c_str()}});
  });

  svr.Get(R"(/v1/shows/(\d+)/episodes)", [](const httplib::Request &req, httplib::Response &res) {
    long show_id = path_id(req);
    pqxx::connection c(pg_dsn());
    pqxx::read_transaction tx(c);
    auto rows = tx.exec_params("SELECT e.id, e.title, e.duration_s, e.status FROM episodes e " // EXPECT: ok
                               "JOIN shows s ON s.id = e.show_id "
                               "WHERE e.show_id = $1 AND s.published AND e.status = 'published' "
                               "ORDER BY e.published_at DESC",
                               show_id);
    json out = json::array();
    for (const auto &r : rows) out.push_back(episode_row(r));
    send_json(res, out);
  });

  // Audio is public for published episodes; drafts only stream to the show team.
  svr.Get(R"(/v1/episodes/(\d+)/audio)", [](const httplib::Request &req, httplib::Response &res) {
    long ep = path_id(req);
    pqxx::connection c(pg_dsn());
    pqxx::read_transaction tx(c);
    auto rows = tx.exec_params("SELECT e.audio_path, e.status, e.show_id, s.published " // EXPECT: ok
                               "FROM episodes e JOIN shows s ON s.id = e.show_id WHERE e.id = $1",
                               ep);
    if (rows.empty()) return fail(res, 404, "not found");
    std::string audio_path = rows[0]["audio_path"].c_str();
    bool is_public = std::string(rows[0]["status"].c_str()) == "published" && rows[0]["published"].as<bool>();
    if (!is_public) {
      auto p = authenticate(req);
      if (!p || !(p->is_staff() || can_edit_show(tx, rows[0]["show_id"].as<long>(), p->user_id)))
        return fail(res, 404, "not found");
    }
    std::ifstream in(audio_path, std::ios::binary); // EXPECT: ok
    if (!in) return fail(res, 410, "audio missing");
    std::ostringstream buf;
    buf << in.rdbuf();
    res.set_content(buf.str(), "audio/mpeg");
  });
}

// ---------------------------------------------------------------------------
// creator API
// ---------------------------------------------------------------------------
static void register_creator(httplib::Server &svr) {
  svr.Get("/v1/me/shows", [](const httplib::Request &req, httplib::Response &res) {
    auto p = authenticate(req);
    if (!p) return fail(res, 401, "login required");
    pqxx::connection c(pg_dsn());
    pqxx::read_transaction tx(c);
    auto rows = tx.exec_params("SELECT id, title, published FROM shows WHERE owner_id = $1 ORDER BY id", // EXPECT: ok
                               p->user_id);
    json out = json::array();
    for (const auto &r : rows)
      out.push_back({{"id", r["id"].as<long>()}, {"title", r["title"].c_str()}, {"published", r["published"].as<bool>()}});
    send_json(res, out);
  });

  svr.Get(R"(/v1/episodes/(\d+)/draft)", [](const httplib::Request &req, httplib::Response &res) {
    auto p = authenticate(req);
    if (!p) return fail(res, 401, "login required");
    long ep = path_id(req);
    pqxx::connection c(pg_dsn());
    pqxx::read_transaction tx(c);
    auto owner = tx.exec_params("SELECT show_id FROM episodes WHERE id = $1", ep); // EXPECT: ok
    if (owner.empty() || !can_edit_show(tx, owner[0][0].as<long>(), p->user_id))
      return fail(res, 404, "not found");
    auto rows = tx.exec_params("SELECT id, title, description, duration_s, status, show_notes " // EXPECT: ok
                               "FROM episodes WHERE id = $1",
                               ep);
    json j = episode_row(rows[0]);
    j["description"] = rows[0]["description"].c_str();
    j["show_notes"] = rows[0]["show_notes"].c_str();
    send_json(res, j);
  });

  svr.Put(R"(/v1/episodes/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto p = authenticate(req);
    if (!p) return fail(res, 401, "login required");
    long ep = path_id(req);
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return fail(res, 400, "bad json");
    pqxx::connection c(pg_dsn());
    pqxx::work tx(c);
    auto r = tx.exec_params("UPDATE episodes SET title = $1, description = $2, updated_at = now() " // EXPECT: idor
                            "WHERE id = $3",
                            body.value("title", std::string()), body.value("description", std::string()), ep);
    tx.commit();
    if (r.affected_rows() == 0) return fail(res, 404, "not found");
    send_json(res, {{"id", ep}, {"updated", true}});
  });

  svr.Delete(R"(/v1/shows/(\d+)/episodes/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto p = authenticate(req);
    if (!p) return fail(res, 401, "login required");
    long show_id = path_id(req, 1);
    long ep = path_id(req, 2);
    pqxx::connection c(pg_dsn());
    pqxx::work tx(c);
    if (!can_edit_show(tx, show_id, p->user_id)) return fail(res, 403, "forbidden");
    auto r = tx.exec_params("DELETE FROM episodes WHERE id = $1 AND show_id = $2", ep, show_id); // EXPECT: ok
    tx.commit();
    res.status = r.affected_rows() ? 204 : 404;
  });

  // Body: {"show_id": 12, "publish_at": "..."}
  svr.Post(R"(/v1/episodes/(\d+)/publish)", [](const httplib::Request &req, httplib::Response &res) {
    auto p = authenticate(req);
    if (!p) return fail(res, 401, "login required");
    long ep = path_id(req);
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.contains("show_id")) return fail(res, 400, "show_id required");
    long show_id = body["show_id"].get<long>();
    pqxx::connection c(pg_dsn());
    pqxx::work tx(c);
    if (!can_edit_show(tx, show_id, p->user_id)) return fail(res, 403, "forbidden");
    tx.exec_params("UPDATE episodes SET status = 'published', published_at = COALESCE($2::timestamptz, now()) " // EXPECT: idor
                   "WHERE id = $1",
                   ep, body.value("publish_at", std::string("now")));
    tx.commit();
    send_json(res, {{"id", ep}, {"status", "published"}});
  });

  svr.Get(R"(/v1/shows/(\d+)/analytics)", [](const httplib::Request &req, httplib::Response &res) {
    auto p = authenticate(req);
    if (!p) return fail(res, 401, "login required");
    long show_id = path_id(req);
    pqxx::connection c(pg_dsn());
    pqxx::read_transaction tx(c);
    if (!p->is_staff() && !can_edit_show(tx, show_id, p->user_id)) return fail(res, 403, "forbidden");
    auto rows = tx.exec_params("SELECT day, SUM(downloads) AS dl, SUM(unique_listeners) AS ul " // EXPECT: ok
                               "FROM episode_stats st JOIN episodes e ON e.id = st.episode_id "
                               "WHERE e.show_id = $1 GROUP BY day ORDER BY day DESC LIMIT 90",
                               show_id);
    json out = json::array();
    for (const auto &r : rows) out.push_back({{"day", r["day"].c_str()}, {"downloads", r["dl"].as<long>()}, {"listeners", r["ul"].as<long>()}});
    send_json(res, out);
  });

  svr.Get(R"(/v1/episodes/(\d+)/analytics)", [](const httplib::Request &req, httplib::Response &res) {
    auto p = authenticate(req);
    if (!p) return fail(res, 401, "login required");
    long ep = path_id(req);
    pqxx::connection c(pg_dsn());
    pqxx::read_transaction tx(c);
    auto rows = tx.exec_params("SELECT day, downloads, unique_listeners, top_country, avg_listen_pct " // EXPECT: idor
                               "FROM episode_stats WHERE episode_id = $1 ORDER BY day DESC",
                               ep);
    json out = json::array();
    for (const auto &r : rows)
      out.push_back({{"day", r["day"].c_str()}, {"downloads", r["downloads"].as<long>()},
                     {"listeners", r["unique_listeners"].as<long>()}, {"top_country", r["top_country"].c_str()},
                     {"completion", r["avg_listen_pct"].as<double>()}});
    send_json(res, out);
  });

  svr.Post(R"(/v1/shows/(\d+)/collaborators)", [](const httplib::Request &req, httplib::Response &res) {
    auto p = authenticate(req);
    if (!p) return fail(res, 401, "login required");
    long show_id = path_id(req);
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return fail(res, 400, "bad json");
    pqxx::connection c(pg_dsn());
    pqxx::work tx(c);
    auto show = tx.exec_params("SELECT owner_id FROM shows WHERE id = $1", show_id); // EXPECT: ok
    if (show.empty()) return fail(res, 404, "not found");
    if (show[0][0].as<long>() != p->user_id) return fail(res, 403, "only the owner can manage the team");
    tx.exec_params("INSERT INTO show_collaborators(show_id, user_id, role) VALUES ($1, $2, $3) " // EXPECT: ok
                   "ON CONFLICT (show_id, user_id) DO UPDATE SET role = EXCLUDED.role",
                   show_id, body.value("user_id", 0L), body.value("role", std::string("viewer")));
    tx.commit();
    send_json(res, {{"ok", true}}, 201);
  });

  svr.Get("/v1/exports/([A-Za-z0-9_.-]+)", [](const httplib::Request &req, httplib::Response &res) {
    auto p = authenticate(req);
    if (!p) return fail(res, 401, "login required");
    std::string name = req.matches[1].str();
    if (name.find("..") != std::string::npos) return fail(res, 400, "bad name");
    std::ifstream in(std::string(kExportDir) + name); // EXPECT: idor
    if (!in) return fail(res, 404, "export not ready");
    std::stringstream ss;
    ss << in.rdbuf();
    res.set_content(ss.str(), "text/csv");
  });

  svr.Get("/v1/uploads/([a-f0-9-]{36})", [](const httplib::Request &req, httplib::Response &res) {
    auto p = authenticate(req);
    if (!p) return fail(res, 401, "login required");
    std::string upload_id = req.matches[1].str();
    redisReply *r = (redisReply *)redisCommand(t_redis.get(), "HGETALL castline:upload:%s", upload_id.c_str()); // EXPECT: idor
    json out = json::object();
    if (r && r->type == REDIS_REPLY_ARRAY) {
      for (size_t i = 0; i + 1 < r->elements; i += 2)
        out[r->element[i]->str] = r->element[i + 1]->str; // state, bytes, signed_put_url, ...
    }
    if (r) freeReplyObject(r);
    if (out.empty()) return fail(res, 404, "unknown upload");
    send_json(res, out);
  });
}

// ---------------------------------------------------------------------------
// listener API
// ---------------------------------------------------------------------------
static void register_listener(httplib::Server &svr) {
  svr.Get(R"(/v1/users/(\d+)/subscriptions)", [](const httplib::Request &req, httplib::Response &res) {
    auto p = authenticate(req);
    if (!p) return fail(res, 401, "login required");
    long uid = path_id(req);
    if (uid != p->user_id && !p->is_staff()) return fail(res, 403, "forbidden");
    pqxx::connection c(pg_dsn());
    pqxx::read_transaction tx(c);
    auto rows = tx.exec_params("SELECT s.id, s.title FROM subscriptions sub JOIN shows s ON s.id = sub.show_id " // EXPECT: ok
                               "WHERE sub.user_id = $1 ORDER BY sub.created_at DESC",
                               uid);
    json out = json::array();
    for (const auto &r : rows) out.push_back({{"id", r["id"].as<long>()}, {"title", r["title"].c_str()}});
    send_json(res, out);
  });

  svr.Post("/v1/subscriptions", [](const httplib::Request &req, httplib::Response &res) {
    auto p = authenticate(req);
    if (!p) return fail(res, 401, "login required");
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.contains("show_id")) return fail(res, 400, "show_id required");
    pqxx::connection c(pg_dsn());
    pqxx::work tx(c);
    auto r = tx.exec_params("INSERT INTO subscriptions(user_id, show_id) " // EXPECT: ok
                            "SELECT $1, id FROM shows WHERE id = $2 AND published ON CONFLICT DO NOTHING",
                            p->user_id, body["show_id"].get<long>());
    tx.commit();
    send_json(res, {{"subscribed", r.affected_rows() > 0}}, 201);
  });

  // The Android app posts {"user_id":..,"body":..}; web sends the same shape.
  svr.Post(R"(/v1/episodes/(\d+)/comments)", [](const httplib::Request &req, httplib::Response &res) {
    long ep = path_id(req);
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.contains("user_id")) return fail(res, 400, "user_id required");
    long author = body["user_id"].get<long>();
    std::string text = body.value("body", std::string());
    if (text.empty() || text.size() > 2000) return fail(res, 400, "comment length");
    pqxx::connection c(pg_dsn());
    pqxx::work tx(c);
    auto r = tx.exec_params("INSERT INTO comments(episode_id, author_id, body) VALUES ($1, $2, $3) RETURNING id", // EXPECT: identity
                            ep, author, text);
    tx.commit();
    send_json(res, {{"id", r[0][0].as<long>()}}, 201);
  });

  svr.Get("/v1/playback", [](const httplib::Request &req, httplib::Response &res) {
    auto p = authenticate(req);
    if (!p) return fail(res, 401, "login required");
    redisReply *r = (redisReply *)redisCommand(t_redis.get(), "HGETALL castline:pos:%ld", p->user_id); // EXPECT: ok
    json out = json::object();
    if (r && r->type == REDIS_REPLY_ARRAY)
      for (size_t i = 0; i + 1 < r->elements; i += 2) out[r->element[i]->str] = std::atoi(r->element[i + 1]->str);
    if (r) freeReplyObject(r);
    send_json(res, out);
  });

  // Players sync position every 15s; kept header-based so the car/TV clients
  // that cannot do OAuth still work.
  svr.Put(R"(/v1/playback/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    std::string listener = req.get_header_value("X-Listener-Id");
    if (listener.empty()) return fail(res, 400, "missing listener");
    long ep = path_id(req);
    int seconds = std::atoi(req.body.c_str());
    redisReply *r = (redisReply *)redisCommand(t_redis.get(), "HSET castline:pos:%s %ld %d", listener.c_str(), ep, seconds); // EXPECT: identity
    if (r) freeReplyObject(r);
    res.status = 204;
  });
}

// ---------------------------------------------------------------------------
// CivetWeb: ops console + legacy v0
// ---------------------------------------------------------------------------
static std::optional<Principal> civet_principal(struct mg_connection *conn) {
  const char *cookie = mg_get_header(conn, "Cookie");
  if (!cookie) return std::nullopt;
  char token[160];
  if (mg_get_cookie(cookie, "castline_sess", token, sizeof token) <= 0) return std::nullopt;
  return principal_for_token(token);
}

static void civet_json(struct mg_connection *conn, int status, const json &j) {
  std::string s = j.dump();
  mg_printf(conn, "HTTP/1.1 %d OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", status, s.size(), s.c_str());
}

static std::string read_body(struct mg_connection *conn) {
  std::string body;
  char buf[4096];
  int n;
  while ((n = mg_read(conn, buf, sizeof buf)) > 0) body.append(buf, n);
  return body;
}

// POST /ops/shows/<id>/takedown
static int ops_takedown(struct mg_connection *conn, void *) {
  auto p = civet_principal(conn);
  if (!p || !p->is_staff()) {
    mg_send_http_error(conn, 403, "%s", "staff only");
    return 403;
  }
  const mg_request_info *ri = mg_get_request_info(conn);
  long show_id = std::strtol(ri->local_uri + std::strlen("/ops/shows/"), nullptr, 10);
  json body = json::parse(read_body(conn), nullptr, false);
  std::string reason = body.is_object() ? body.value("reason", std::string("policy")) : "policy";
  pqxx::connection c(pg_dsn());
  pqxx::work tx(c);
  tx.exec_params("UPDATE shows SET published = false, takedown_reason = $2, takedown_by = $3 WHERE id = $1", // EXPECT: ok
                 show_id, reason, p->user_id);
  tx.commit();
  civet_json(conn, 200, {{"show", show_id}, {"published", false}});
  return 200;
}

// GET /ops/listeners/<id>
static int ops_listener(struct mg_connection *conn, void *) {
  auto p = civet_principal(conn);
  if (!p || !p->is_staff()) {
    mg_send_http_error(conn, 403, "%s", "staff only");
    return 403;
  }
  const mg_request_info *ri = mg_get_request_info(conn);
  long uid = std::strtol(ri->local_uri + std::strlen("/ops/listeners/"), nullptr, 10);
  pqxx::connection c(pg_dsn());
  pqxx::read_transaction tx(c);
  auto rows = tx.exec_params("SELECT email, display_name, country, created_at FROM users WHERE id = $1", uid); // EXPECT: ok
  if (rows.empty()) {
    mg_send_http_error(conn, 404, "%s", "no such user");
    return 404;
  }
  civet_json(conn, 200, {{"email", rows[0]["email"].c_str()}, {"name", rows[0]["display_name"].c_str()},
                         {"country", rows[0]["country"].c_str()}, {"since", rows[0]["created_at"].c_str()}});
  return 200;
}

// GET /v0/me/notifications   (iOS <= 3.2; the gateway used to inject X-Castline-User)
static int legacy_notifications(struct mg_connection *conn, void *) {
  const char *uid = mg_get_header(conn, "X-Castline-User");
  if (!uid) {
    mg_send_http_error(conn, 401, "%s", "no user");
    return 401;
  }
  pqxx::connection c(pg_dsn());
  pqxx::read_transaction tx(c);
  auto rows = tx.exec_params("SELECT id, kind, payload, read_at FROM notifications WHERE user_id = $1 " // EXPECT: identity
                             "ORDER BY id DESC LIMIT 50",
                             std::stol(uid));
  json out = json::array();
  for (const auto &r : rows)
    out.push_back({{"id", r["id"].as<long>()}, {"kind", r["kind"].c_str()}, {"payload", r["payload"].c_str()}});
  civet_json(conn, 200, out);
  return 200;
}

// POST /v0/me/email-prefs  body: digest=weekly&marketing=0
static int legacy_email_prefs(struct mg_connection *conn, void *) {
  const char *uid = mg_get_header(conn, "X-Castline-User");
  if (!uid) {
    mg_send_http_error(conn, 401, "%s", "no user");
    return 401;
  }
  std::string form = read_body(conn);
  char digest[32] = "weekly", marketing[8] = "0";
  mg_get_var(form.c_str(), form.size(), "digest", digest, sizeof digest);
  mg_get_var(form.c_str(), form.size(), "marketing", marketing, sizeof marketing);
  pqxx::connection c(pg_dsn());
  pqxx::work tx(c);
  tx.exec_params("UPDATE user_prefs SET digest = $2, marketing_opt_in = $3 WHERE user_id = $1", // EXPECT: identity
                 std::stol(uid), std::string(digest), std::string(marketing) == "1");
  tx.commit();
  civet_json(conn, 200, {{"ok", true}});
  return 200;
}

} // namespace castline

int main() {
  using namespace castline;
  const char *opts[] = {"listening_ports", "127.0.0.1:8091", "num_threads", "4", nullptr};
  mg_init_library(0);
  struct mg_callbacks cb;
  std::memset(&cb, 0, sizeof cb);
  struct mg_context *ops = mg_start(&cb, nullptr, opts);
  if (!ops) {
    std::cerr << "civetweb failed to start\n";
    return 1;
  }
  mg_set_request_handler(ops, "/ops/shows/", ops_takedown, nullptr);
  mg_set_request_handler(ops, "/ops/listeners/", ops_listener, nullptr);
  mg_set_request_handler(ops, "/v0/me/notifications", legacy_notifications, nullptr);
  mg_set_request_handler(ops, "/v0/me/email-prefs", legacy_email_prefs, nullptr);

  httplib::Server svr;
  register_catalogue(svr);
  register_creator(svr);
  register_listener(svr);
  svr.set_exception_handler([](const httplib::Request &, httplib::Response &res, std::exception_ptr) {
    fail(res, 500, "internal error");
  });
  std::cout << "castline-api listening on :8080\n";
  svr.listen("0.0.0.0", 8080);
  mg_stop(ops);
  mg_exit_library();
  return 0;
}
