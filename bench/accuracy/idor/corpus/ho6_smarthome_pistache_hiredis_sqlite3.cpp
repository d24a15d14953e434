// Smart-home cloud API: households register devices, read live state and telemetry, queue
// commands, run scenes and automations; hubs push telemetry using their own device tokens.
// Pistache REST router; device registry in SQLite (sqlite3 C API); live state and queues in Redis.

#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/router.h>
#include <sqlite3.h>

#include <cstdarg>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace Pistache;
using json = nlohmann::json;

namespace hub {

std::string sha256_hex(const std::string& input);  // from the shared crypto utility library

struct Caller {
  long user_id = 0;
  long household_id = 0;
  std::string household_role;  // owner | member
  std::string staff_role;      // empty for customers, "support" for staff
};

struct Forbidden : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct AutomationSpec {
  std::string name;
  std::vector<long> device_ids;
  json trigger;
  json action;
};

struct PushRegistration {
  long user_id;
  std::string token;
  std::string platform;
};

using Row = std::map<std::string, std::string>;

class Sqlite {
 public:
  explicit Sqlite(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot open registry");
  }
  ~Sqlite() { sqlite3_close(db_); }

  template <typename... Args>
  std::vector<Row> query(const std::string& sql, const Args&... args) {
    std::lock_guard<std::mutex> lock(mu_);
    sqlite3_stmt* st = prepare(sql);
    int idx = 1;
    (bind_one(st, idx++, args), ...);
    std::vector<Row> rows;
    while (sqlite3_step(st) == SQLITE_ROW) {
      Row row;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const unsigned char* txt = sqlite3_column_text(st, c);
        row[sqlite3_column_name(st, c)] = txt ? reinterpret_cast<const char*>(txt) : "";
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return rows;
  }

  template <typename... Args>
  int exec(const std::string& sql, const Args&... args) {
    std::lock_guard<std::mutex> lock(mu_);
    sqlite3_stmt* st = prepare(sql);
    int idx = 1;
    (bind_one(st, idx++, args), ...);
    const int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
    return sqlite3_changes(db_);
  }

  long long last_insert_id() { return sqlite3_last_insert_rowid(db_); }

 private:
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
    return st;
  }
  static void bind_one(sqlite3_stmt* st, int i, long v) { sqlite3_bind_int64(st, i, v); }
  static void bind_one(sqlite3_stmt* st, int i, int v) { sqlite3_bind_int(st, i, v); }
  static void bind_one(sqlite3_stmt* st, int i, const std::string& v) { sqlite3_bind_text(st, i, v.c_str(), -1, SQLITE_TRANSIENT); }

  sqlite3* db_ = nullptr;
  std::mutex mu_;
};

using Reply = std::unique_ptr<redisReply, void (*)(void*)>;

json reply_to_json(const redisReply* r) {
  if (!r) return nullptr;
  switch (r->type) {
    case REDIS_REPLY_STRING: case REDIS_REPLY_STATUS: return std::string(r->str, r->len);
    case REDIS_REPLY_INTEGER: return r->integer;
    case REDIS_REPLY_ARRAY: {
      json arr = json::array();
      for (size_t i = 0; i < r->elements; ++i) arr.push_back(reply_to_json(r->element[i]));
      return arr;
    }
    default: return nullptr;
  }
}

class HubApi {
 public:
  HubApi(Sqlite& db, redisContext* redis) : db_(db), redis_(redis) {}

  void routes(Rest::Router& r) {
    using namespace Rest;
    Routes::Get(r, "/v1/devices", user(&HubApi::listDevices));
    Routes::Get(r, "/v1/devices/:id", user(&HubApi::getDevice));
    Routes::Put(r, "/v1/devices/:id/name", user(&HubApi::renameDevice));
    Routes::Delete(r, "/v1/devices/:id", user(&HubApi::removeDevice));
    Routes::Post(r, "/v1/devices/:id/commands", user(&HubApi::sendCommand));
    Routes::Get(r, "/v1/devices/:id/telemetry", user(&HubApi::telemetry));
    Routes::Post(r, "/v1/device-state/batch", user(&HubApi::batchState));
    Routes::Post(r, "/v1/automations", user(&HubApi::createAutomation));
    Routes::Put(r, "/v1/automations/:id", user(&HubApi::updateAutomation));
    Routes::Post(r, "/v1/scenes/:id/activate", user(&HubApi::activateScene));
    Routes::Get(r, "/v1/notifications", user(&HubApi::notifications));
    Routes::Put(r, "/v1/push-token", user(&HubApi::registerPushToken));
    Routes::Get(r, "/v1/support/devices/:id", user(&HubApi::supportDevice));
    Routes::Get(r, "/v1/firmware/:model", Routes::bind(&HubApi::firmwareInfo, this));
    Routes::Post(r, "/v1/ingest", Routes::bind(&HubApi::ingest, this));
    Routes::Post(r, "/v1/devices/:id/heartbeat", Routes::bind(&HubApi::heartbeat, this));
  }

 private:
  using UserHandler = void (HubApi::*)(const Rest::Request&, Http::ResponseWriter&, const Caller&);

  Rest::Route::Handler user(UserHandler h) {
    return [this, h](const Rest::Request& req, Http::ResponseWriter res) {
      auto caller = authenticate(req);
      if (!caller) {
        res.send(Http::Code::Unauthorized, R"({"error":"invalid api key"})");
        return Rest::Route::Result::Ok;
      }
      try {
        (this->*h)(req, res, *caller);
      } catch (const Forbidden& e) {
        res.send(Http::Code::Forbidden, json{{"error", e.what()}}.dump());
      } catch (const json::exception& e) {
        res.send(Http::Code::Bad_Request, json{{"error", e.what()}}.dump());
      }
      return Rest::Route::Result::Ok;
    };
  }

  Reply redis(const char* fmt, ...) {
    std::lock_guard<std::mutex> lock(redis_mu_);
    va_list ap;
    va_start(ap, fmt);
    void* raw = redisvCommand(redis_, fmt, ap);
    va_end(ap);
    return Reply(static_cast<redisReply*>(raw), freeReplyObject);
  }

  std::optional<Caller> authenticate(const Rest::Request& req) {
    auto key = req.headers().tryGetRaw("X-Api-Key");
    if (!key) return std::nullopt;
    auto rows = db_.query( // EXPECT: ok
        "SELECT k.user_id, m.household_id, m.role, u.staff_role FROM api_keys k "
        "JOIN users u ON u.id = k.user_id JOIN household_members m ON m.user_id = k.user_id "
        "WHERE k.key_hash = ? AND k.revoked = 0",
        sha256_hex(key->value()));
    if (rows.empty()) return std::nullopt;
    return Caller{std::stol(rows[0]["user_id"]), std::stol(rows[0]["household_id"]), rows[0]["role"], rows[0]["staff_role"]};
  }

  std::optional<long> authenticateDevice(const Rest::Request& req) {
    auto token = req.headers().tryGetRaw("X-Device-Token");
    if (!token) return std::nullopt;
    auto rows = db_.query("SELECT id FROM devices WHERE token_hash = ? AND decommissioned = 0", sha256_hex(token->value())); // EXPECT: ok
    if (rows.empty()) return std::nullopt;
    return std::stol(rows[0]["id"]);
  }

  bool ownsDevice(const Caller& c, long device_id) {
    return !db_.query("SELECT 1 FROM devices WHERE id = ? AND household_id = ?", device_id, c.household_id).empty(); // EXPECT: ok
  }

  void assertDeviceAccess(const Caller& c, long device_id) {
    if (!ownsDevice(c, device_id)) throw Forbidden("device is not part of your household");
  }

  void listDevices(const Rest::Request&, Http::ResponseWriter& res, const Caller& c) {
    auto rows = db_.query("SELECT id, name, model, firmware FROM devices WHERE household_id = ? ORDER BY name", c.household_id); // EXPECT: ok
    json out = json::array();
    for (auto& r : rows) out.push_back(r);
    res.send(Http::Code::Ok, out.dump());
  }

  void getDevice(const Rest::Request& req, Http::ResponseWriter& res, const Caller& c) {
    const long id = req.param(":id").as<long>();
    auto rows = db_.query("SELECT id, household_id, name, model, firmware FROM devices WHERE id = ?", id); // EXPECT: ok
    if (rows.empty() || std::stol(rows[0]["household_id"]) != c.household_id) {
      res.send(Http::Code::Not_Found);
      return;
    }
    json out = rows[0];
    auto state = redis("HGETALL device:%ld:state", id); // EXPECT: ok
    out["state"] = reply_to_json(state.get());
    res.send(Http::Code::Ok, out.dump());
  }

  void renameDevice(const Rest::Request& req, Http::ResponseWriter& res, const Caller& c) {
    const long id = req.param(":id").as<long>();
    const std::string name = json::parse(req.body()).at("name").get<std::string>();
    int n = db_.exec("UPDATE devices SET name = ? WHERE id = ? AND household_id = ?", name, id, c.household_id); // EXPECT: ok
    res.send(n ? Http::Code::No_Content : Http::Code::Not_Found);
  }

  void removeDevice(const Rest::Request& req, Http::ResponseWriter& res, const Caller& c) {
    if (c.household_role != "owner") throw Forbidden("only the household owner can remove devices");
    const long id = req.param(":id").as<long>();
    db_.exec("DELETE FROM devices WHERE id = ?", id); // EXPECT: idor
    redis("DEL device:%ld:state telemetry:%ld cmdq:%ld", id, id, id); // EXPECT: idor
    res.send(Http::Code::No_Content);
  }

  void sendCommand(const Rest::Request& req, Http::ResponseWriter& res, const Caller& c) {
    const long id = req.param(":id").as<long>();
    auto body = json::parse(req.body());
    if (!ownsDevice(c, id)) throw Forbidden("device is not part of your household");
    json cmd = {{"op", body.at("op")}, {"args", body.value("args", json::object())}, {"issued_by", c.user_id}};
    auto r = redis("RPUSH cmdq:%ld %s", id, cmd.dump().c_str()); // EXPECT: ok
    res.send(Http::Code::Created, json{{"queued", r ? r->integer : 0}}.dump());
  }

  void telemetry(const Rest::Request& req, Http::ResponseWriter& res, const Caller& c) {
    const long id = req.param(":id").as<long>();
    assertDeviceAccess(c, id);
    int limit = 100;
    if (auto l = req.query().get("limit")) limit = std::max(1, std::min(1000, std::stoi(*l)));
    auto r = redis("LRANGE telemetry:%ld 0 %d", id, limit - 1); // EXPECT: ok
    res.send(Http::Code::Ok, reply_to_json(r.get()).dump());
  }

  void batchState(const Rest::Request& req, Http::ResponseWriter& res, const Caller& c) {
    auto ids = json::parse(req.body()).at("device_ids").get<std::vector<long>>();
    if (ids.empty()) {
      res.send(Http::Code::Ok, "{}");
      return;
    }
    if (!ownsDevice(c, ids.front())) throw Forbidden("device is not part of your household");
    json out = json::object();
    for (long id : ids) {
      auto r = redis("HGETALL device:%ld:state", id); // EXPECT: idor
      out[std::to_string(id)] = reply_to_json(r.get());
    }
    res.send(Http::Code::Ok, out.dump());
  }

  void createAutomation(const Rest::Request& req, Http::ResponseWriter& res, const Caller& c) {
    auto body = json::parse(req.body());
    AutomationSpec spec{body.at("name").get<std::string>(), body.at("device_ids").get<std::vector<long>>(),
                        body.at("trigger"), body.at("action")};
    for (long d : spec.device_ids)
      if (!ownsDevice(c, d)) throw Forbidden("device " + std::to_string(d) + " is not part of your household");
    db_.exec("INSERT INTO automations (household_id, name, trigger_json, action_json) VALUES (?, ?, ?, ?)", c.household_id, spec.name, spec.trigger.dump(), spec.action.dump()); // EXPECT: ok
    const long aid = static_cast<long>(db_.last_insert_id());
    for (long d : spec.device_ids) redis("SADD automation:%ld:devices %ld", aid, d); // EXPECT: ok
    res.send(Http::Code::Created, json{{"id", aid}}.dump());
  }

  void updateAutomation(const Rest::Request& req, Http::ResponseWriter& res, const Caller& c) {
    const long aid = req.param(":id").as<long>();
    auto body = json::parse(req.body());
    const long device = body.at("device_id").get<long>();
    if (!ownsDevice(c, device)) throw Forbidden("device is not part of your household");
    db_.exec("UPDATE automations SET action_json = ?, updated_by = ? WHERE id = ?", body.at("action").dump(), c.user_id, aid); // EXPECT: idor
    redis("SADD automation:%ld:devices %ld", aid, device); // EXPECT: idor
    res.send(Http::Code::No_Content);
  }

  void activateScene(const Rest::Request& req, Http::ResponseWriter& res, const Caller& c) {
    const long sid = req.param(":id").as<long>();
    auto scene = db_.query("SELECT id, name FROM scenes WHERE id = ? AND household_id = ?", sid, c.household_id); // EXPECT: ok
    if (scene.empty()) {
      res.send(Http::Code::Not_Found);
      return;
    }
    auto steps = db_.query("SELECT device_id, command FROM scene_steps WHERE scene_id = ? ORDER BY position", sid); // EXPECT: ok
    for (auto& step : steps)
      redis("RPUSH cmdq:%s %s", step["device_id"].c_str(), step["command"].c_str()); // EXPECT: ok
    res.send(Http::Code::Ok, json{{"scene", scene[0]["name"]}, {"steps", steps.size()}}.dump());
  }

  void notifications(const Rest::Request& req, Http::ResponseWriter& res, const Caller& c) {
    long uid = c.user_id;
    if (auto q = req.query().get("user_id")) uid = std::stol(*q);
    auto r = redis("LRANGE notifications:%ld 0 49", uid); // EXPECT: identity
    res.send(Http::Code::Ok, reply_to_json(r.get()).dump());
  }

  void registerPushToken(const Rest::Request& req, Http::ResponseWriter& res, const Caller&) {
    auto body = json::parse(req.body());
    PushRegistration reg{body.at("user_id").get<long>(), body.at("token").get<std::string>(), body.value("platform", "fcm")};
    redis("HSET push_tokens:%ld %s %s", reg.user_id, reg.platform.c_str(), reg.token.c_str()); // EXPECT: identity
    res.send(Http::Code::No_Content);
  }

  void supportDevice(const Rest::Request& req, Http::ResponseWriter& res, const Caller& c) {
    if (c.staff_role != "support") throw Forbidden("support staff only");
    auto rows = db_.query("SELECT id, household_id, name, model, firmware, last_error FROM devices WHERE id = ?", req.param(":id").as<long>()); // EXPECT: ok
    if (rows.empty()) {
      res.send(Http::Code::Not_Found);
      return;
    }
    res.send(Http::Code::Ok, json(rows[0]).dump());
  }

  void firmwareInfo(const Rest::Request& req, Http::ResponseWriter res) {
    auto model = req.param(":model").as<std::string>();
    auto rows = db_.query("SELECT model, latest_version, release_notes, published_at FROM firmware_releases WHERE model = ?", model); // EXPECT: ok
    if (rows.empty()) {
      res.send(Http::Code::Not_Found);
      return;
    }
    res.send(Http::Code::Ok, json(rows[0]).dump());
  }

  void ingest(const Rest::Request& req, Http::ResponseWriter res) {
    auto device = authenticateDevice(req);
    if (!device) {
      res.send(Http::Code::Unauthorized);
      return;
    }
    json sample = json::parse(req.body(), nullptr, false);
    if (sample.is_discarded()) {
      res.send(Http::Code::Bad_Request);
      return;
    }
    sample["ts"] = static_cast<long>(std::time(nullptr));
    redis("LPUSH telemetry:%ld %s", *device, sample.dump().c_str()); // EXPECT: ok
    res.send(Http::Code::Accepted);
  }

  void heartbeat(const Rest::Request& req, Http::ResponseWriter res) {
    auto device = authenticateDevice(req);
    if (!device) {
      res.send(Http::Code::Unauthorized);
      return;
    }
    const long id = req.param(":id").as<long>();
    redis("HSET device:%ld:state last_seen %ld", id, static_cast<long>(std::time(nullptr))); // EXPECT: idor
    res.send(Http::Code::No_Content);
  }

  Sqlite& db_;
  redisContext* redis_;
  std::mutex redis_mu_;
};

}  // namespace hub

int main() {
  hub::Sqlite db("/var/lib/hub/registry.db");
  redisContext* redis = redisConnect("127.0.0.1", 6379);
  if (!redis || redis->err) return 1;
  hub::HubApi api(db, redis);
  Rest::Router router;
  api.routes(router);
  Http::Endpoint server(Address(Ipv4::any(), Port(9080)));
  server.init(Http::Endpoint::options().threads(4));
  server.setHandler(router.handler());
  server.serve();
  redisFree(redis);
  return 0;
}
