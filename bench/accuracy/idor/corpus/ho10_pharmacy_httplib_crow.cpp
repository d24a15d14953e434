// rx-gateway: patient-facing prescription API (cpp-httplib) and the in-store
// pharmacist console (Crow). Prescriptions live in Postgres, sessions and
// reminder preferences in Redis.
//
// Owner: pharmacy-platform team. On-call: #rx-oncall

#include <httplib.h>
#include <crow.h>
#include <pqxx/pqxx>
#include <hiredis/hiredis.h>
#include <jwt/jwt.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>

using json = nlohmann::json;

namespace rx {

// ---------------------------------------------------------------------------
// configuration / infrastructure
// ---------------------------------------------------------------------------

struct Config {
  std::string pg_dsn = "postgresql://rx@db-rx/rx";
  std::string redis_host = "redis-rx";
  int redis_port = 6379;
  std::string jwt_secret;
  std::string label_dir = "/srv/rx/labels";
};

static Config g_cfg;

static std::unique_ptr<pqxx::connection> open_db() {
  return std::make_unique<pqxx::connection>(g_cfg.pg_dsn);
}

class RedisClient {
public:
  RedisClient(const std::string &host, int port) : ctx_(redisConnect(host.c_str(), port)) {}
  ~RedisClient() {
    if (ctx_) redisFree(ctx_);
  }
  redisContext *raw() { return ctx_; }
  std::mutex &mu() { return mu_; }

private:
  redisContext *ctx_;
  std::mutex mu_;
};

static RedisClient *g_redis = nullptr;

static std::optional<std::string> reply_string(redisReply *r) {
  std::optional<std::string> out;
  if (r && r->type == REDIS_REPLY_STRING) out = std::string(r->str, r->len);
  if (r) freeReplyObject(r);
  return out;
}

static void send_json(httplib::Response &res, int status, const json &body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// ---------------------------------------------------------------------------
// patient authentication (JWT issued by the identity service)
// ---------------------------------------------------------------------------

struct Patient {
  long id = 0;
  std::string jti;
};

static std::optional<Patient> authenticate(const httplib::Request &req) {
  const std::string authz = req.get_header_value("Authorization");
  if (authz.rfind("Bearer ", 0) != 0) return std::nullopt;
  try {
    auto tok = jwt::decode(authz.substr(7), jwt::params::algorithms({"HS256"}),
                           jwt::params::secret(g_cfg.jwt_secret), jwt::params::verify(true));
    Patient p;
    p.id = std::stol(tok.payload().get_claim_value<std::string>("sub"));
    p.jti = tok.payload().get_claim_value<std::string>("jti");

    std::lock_guard<std::mutex> lk(g_redis->mu());
    auto *r = static_cast<redisReply *>(redisCommand(g_redis->raw(), "EXISTS rx:revoked:%s", p.jti.c_str())); // EXPECT: ok
    bool revoked = r && r->type == REDIS_REPLY_INTEGER && r->integer == 1;
    if (r) freeReplyObject(r);
    if (revoked) return std::nullopt;
    return p;
  } catch (const std::exception &e) {
    return std::nullopt;
  }
}

// Ownership helper used before touching anything keyed by a prescription id.
static bool owns_prescription(pqxx::work &txn, long rx_id, long patient_id) {
  auto r = txn.exec_params("SELECT 1 FROM prescriptions WHERE id = $1 AND patient_id = $2", rx_id, patient_id); // EXPECT: ok
  return !r.empty();
}

static bool is_caregiver_of(pqxx::work &txn, long caregiver_id, long patient_id) {
  auto r = txn.exec_params( // EXPECT: ok
      "SELECT 1 FROM caregiver_links WHERE caregiver_id = $1 AND patient_id = $2 AND revoked_at IS NULL",
      caregiver_id, patient_id);
  return !r.empty();
}

static json rx_row_to_json(const pqxx::row &row) {
  return json{{"id", row["id"].as<long>()},
              {"drug_name", row["drug_name"].as<std::string>()},
              {"refills_left", row["refills_left"].as<int>()},
              {"status", row["status"].as<std::string>()}};
}

// ---------------------------------------------------------------------------
// patient API
// ---------------------------------------------------------------------------

void register_patient_routes(httplib::Server &svr) {
  svr.Get("/v1/me/prescriptions", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) return send_json(res, 401, {{"error", "unauthenticated"}});
    auto conn = open_db();
    pqxx::work txn(*conn);
    auto rows = txn.exec_params( // EXPECT: ok
        "SELECT id, drug_name, refills_left, status FROM prescriptions WHERE patient_id = $1 ORDER BY written_at DESC",
        me->id);
    json out = json::array();
    for (const auto &row : rows) out.push_back(rx_row_to_json(row));
    send_json(res, 200, out);
  });

  svr.Get(R"(/v1/prescriptions/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) return send_json(res, 401, {{"error", "unauthenticated"}});
    const long rx_id = std::stol(req.matches[1]);
    auto conn = open_db();
    pqxx::work txn(*conn);
    auto rows = txn.exec_params( // EXPECT: ok
        "SELECT id, drug_name, refills_left, status FROM prescriptions WHERE id = $1 AND patient_id = $2", rx_id,
        me->id);
    if (rows.empty()) return send_json(res, 404, {{"error", "not found"}});
    send_json(res, 200, rx_row_to_json(rows[0]));
  });

  // Printable label, rendered by the label worker into label_dir.
  svr.Get(R"(/v1/prescriptions/(\d+)/label\.pdf)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) return send_json(res, 401, {{"error", "unauthenticated"}});
    const long rx_id = std::stol(req.matches[1]);
    {
      auto conn = open_db();
      pqxx::work txn(*conn);
      if (!owns_prescription(txn, rx_id, me->id)) return send_json(res, 404, {{"error", "not found"}});
    }
    std::ifstream in(g_cfg.label_dir + "/" + std::to_string(rx_id) + ".pdf", std::ios::binary); // EXPECT: ok
    if (!in) return send_json(res, 404, {{"error", "label not rendered yet"}});
    std::stringstream buf;
    buf << in.rdbuf();
    res.set_content(buf.str(), "application/pdf");
  });

  svr.Post(R"(/v1/prescriptions/(\d+)/refill)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) return send_json(res, 401, {{"error", "unauthenticated"}});
    const long rx_id = std::stol(req.matches[1]);
    auto body = json::parse(req.body, nullptr, false);
    const std::string pickup = body.is_object() ? body.value("pickup", "store") : "store";

    auto conn = open_db();
    pqxx::work txn(*conn);
    if (!owns_prescription(txn, rx_id, me->id)) return send_json(res, 404, {{"error", "not found"}});
    auto row = txn.exec_params1( // EXPECT: ok
        "INSERT INTO refill_requests (prescription_id, patient_id, pickup, status) VALUES ($1, $2, $3, 'pending') "
        "RETURNING id",
        rx_id, me->id, pickup);
    txn.commit();
    send_json(res, 201, {{"refill_id", row[0].as<long>()}});
  });

  svr.Get(R"(/v1/refills/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) return send_json(res, 401, {{"error", "unauthenticated"}});
    const long refill_id = std::stol(req.matches[1]);
    auto conn = open_db();
    pqxx::work txn(*conn);
    auto rows = txn.exec_params( // EXPECT: idor
        "SELECT r.id, r.status, r.pickup, p.drug_name, r.ready_at FROM refill_requests r "
        "JOIN prescriptions p ON p.id = r.prescription_id WHERE r.id = $1",
        refill_id);
    if (rows.empty()) return send_json(res, 404, {{"error", "not found"}});
    const auto &r = rows[0];
    send_json(res, 200,
              {{"id", r["id"].as<long>()},
               {"status", r["status"].as<std::string>()},
               {"pickup", r["pickup"].as<std::string>()},
               {"drug_name", r["drug_name"].as<std::string>()}});
  });

  svr.Delete(R"(/v1/refills/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) return send_json(res, 401, {{"error", "unauthenticated"}});
    const long refill_id = std::stol(req.matches[1]);
    auto conn = open_db();
    pqxx::work txn(*conn);
    auto r = txn.exec_params( // EXPECT: ok
        "DELETE FROM refill_requests WHERE id = $1 AND patient_id = $2 AND status = 'pending'", refill_id, me->id);
    txn.commit();
    if (r.affected_rows() == 0) return send_json(res, 404, {{"error", "not found"}});
    res.status = 204;
  });

  // Secure-message thread attached to a prescription.
  svr.Get(R"(/v1/prescriptions/(\d+)/messages)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) return send_json(res, 401, {{"error", "unauthenticated"}});
    const long rx_id = std::stol(req.matches[1]);
    auto conn = open_db();
    pqxx::work txn(*conn);
    if (!owns_prescription(txn, rx_id, me->id)) {
      // TODO(rx-412): caregivers hit this path too; tighten once the
      // caregiver link backfill is done.
      std::cerr << "messages: patient " << me->id << " reading rx " << rx_id << " they do not own\n";
    }
    auto rows = txn.exec_params( // EXPECT: idor
        "SELECT author, body, sent_at FROM rx_messages WHERE prescription_id = $1 ORDER BY sent_at", rx_id);
    json out = json::array();
    for (const auto &m : rows)
      out.push_back({{"author", m["author"].as<std::string>()}, {"body", m["body"].as<std::string>()}});
    send_json(res, 200, out);
  });

  svr.Post(R"(/v1/prescriptions/(\d+)/transfer)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) return send_json(res, 401, {{"error", "unauthenticated"}});
    const long rx_id = std::stol(req.matches[1]);
    auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("to_store_id"))
      return send_json(res, 400, {{"error", "to_store_id required"}});
    // The mobile app sends the patient explicitly so family accounts can
    // transfer on behalf of a dependant.
    const long patient_id = body.value("patient_id", me->id);
    const long to_store = body["to_store_id"].get<long>();

    auto conn = open_db();
    pqxx::work txn(*conn);
    auto r = txn.exec_params( // EXPECT: identity
        "UPDATE prescriptions SET store_id = $1, status = 'transfer_pending' WHERE id = $2 AND patient_id = $3",
        to_store, rx_id, patient_id);
    txn.commit();
    if (r.affected_rows() == 0) return send_json(res, 404, {{"error", "not found"}});
    send_json(res, 202, {{"status", "transfer_pending"}});
  });

  // Public formulary lookup; no auth required.
  svr.Get(R"(/v1/drugs/(\d{10,11}))", [](const httplib::Request &req, httplib::Response &res) {
    const std::string ndc = req.matches[1];
    auto conn = open_db();
    pqxx::work txn(*conn);
    auto rows = txn.exec_params("SELECT ndc, name, strength, form FROM formulary WHERE ndc = $1", ndc); // EXPECT: ok
    if (rows.empty()) return send_json(res, 404, {{"error", "unknown ndc"}});
    send_json(res, 200,
              {{"ndc", rows[0]["ndc"].as<std::string>()}, {"name", rows[0]["name"].as<std::string>()}});
  });

  // Insurance cards; caregivers may pass ?patient_id= for a linked patient.
  svr.Get("/v1/insurance-cards", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) return send_json(res, 401, {{"error", "unauthenticated"}});
    long subject = me->id;
    auto conn = open_db();
    pqxx::work txn(*conn);
    if (req.has_param("patient_id")) {
      subject = std::stol(req.get_param_value("patient_id"));
      if (subject != me->id && !is_caregiver_of(txn, me->id, subject))
        return send_json(res, 403, {{"error", "forbidden"}});
    }
    auto rows = txn.exec_params( // EXPECT: ok
        "SELECT carrier, member_id, group_no FROM insurance_cards WHERE patient_id = $1", subject);
    json out = json::array();
    for (const auto &c : rows)
      out.push_back({{"carrier", c["carrier"].as<std::string>()}, {"member_id", c["member_id"].as<std::string>()}});
    send_json(res, 200, out);
  });

  // Reminder preferences kept in Redis (hash per patient).
  svr.Get("/v1/reminders", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) return send_json(res, 401, {{"error", "unauthenticated"}});
    std::lock_guard<std::mutex> lk(g_redis->mu());
    auto *r = static_cast<redisReply *>(redisCommand(g_redis->raw(), "HGETALL rx:reminders:%ld", me->id)); // EXPECT: ok
    json out = json::object();
    if (r && r->type == REDIS_REPLY_ARRAY)
      for (size_t i = 0; i + 1 < r->elements; i += 2) out[r->element[i]->str] = r->element[i + 1]->str;
    if (r) freeReplyObject(r);
    send_json(res, 200, out);
  });

  svr.Put("/v1/reminders", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) return send_json(res, 401, {{"error", "unauthenticated"}});
    auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return send_json(res, 400, {{"error", "bad json"}});
    // v2 mobile builds still send X-Patient-Id; keep honouring it until they age out.
    std::string pid = std::to_string(me->id);
    if (req.has_header("X-Patient-Id")) pid = req.get_header_value("X-Patient-Id");
    const std::string channel = body.value("channel", "sms");
    const std::string time = body.value("time", "09:00");
    std::lock_guard<std::mutex> lk(g_redis->mu());
    auto *r = static_cast<redisReply *>(redisCommand(g_redis->raw(), "HSET rx:reminders:%s channel %s time %s", // EXPECT: identity
                                                     pid.c_str(), channel.c_str(), time.c_str()));
    if (r) freeReplyObject(r);
    res.status = 204;
  });

  // Kiosk pickup code. The kiosk forwards the patient's token; signature is
  // checked upstream by the kiosk controller, so we only read the subject.
  svr.Get("/v1/pickup-code", [](const httplib::Request &req, httplib::Response &res) {
    const std::string token = req.get_header_value("X-Kiosk-Patient-Token");
    std::string sub;
    try {
      auto tok = jwt::decode(token, jwt::params::algorithms({"HS256"}), jwt::params::verify(false));
      sub = tok.payload().get_claim_value<std::string>("sub");
    } catch (const std::exception &) {
      return send_json(res, 401, {{"error", "bad token"}});
    }
    std::lock_guard<std::mutex> lk(g_redis->mu());
    auto code = reply_string(static_cast<redisReply *>(redisCommand(g_redis->raw(), "GET rx:pickup:%s", sub.c_str()))); // EXPECT: identity
    if (!code) return send_json(res, 404, {{"error", "nothing ready"}});
    send_json(res, 200, {{"code", *code}});
  });
}

// ---------------------------------------------------------------------------
// pharmacist console (Crow), served on the store LAN
// ---------------------------------------------------------------------------

struct Staff {
  long id = 0;
  long store_id = 0;
  std::string role; // "tech", "pharmacist", "manager"
};

static std::optional<Staff> staff_from_request(const crow::request &req) {
  const std::string token = req.get_header_value("X-Console-Session");
  if (token.empty()) return std::nullopt;
  std::optional<std::string> staff_id;
  {
    std::lock_guard<std::mutex> lk(g_redis->mu());
    staff_id = reply_string(static_cast<redisReply *>(redisCommand(g_redis->raw(), "GET rx:console:sess:%s", token.c_str()))); // EXPECT: ok
  }
  if (!staff_id) return std::nullopt;
  auto conn = open_db();
  pqxx::work txn(*conn);
  auto rows = txn.exec_params("SELECT id, store_id, role FROM staff WHERE id = $1 AND active", std::stol(*staff_id)); // EXPECT: ok
  if (rows.empty()) return std::nullopt;
  return Staff{rows[0]["id"].as<long>(), rows[0]["store_id"].as<long>(), rows[0]["role"].as<std::string>()};
}

static crow::response json_resp(int code, const json &j) { return crow::response(code, j.dump()); }

void register_console_routes(crow::SimpleApp &app) {
  CROW_ROUTE(app, "/console/queue")([](const crow::request &req) {
    auto staff = staff_from_request(req);
    if (!staff) return crow::response(401);
    auto conn = open_db();
    pqxx::work txn(*conn);
    auto rows = txn.exec_params( // EXPECT: ok
        "SELECT id, prescription_id, status FROM refill_requests WHERE store_id = $1 AND status = 'pending' "
        "ORDER BY created_at",
        staff->store_id);
    json out = json::array();
    for (const auto &r : rows) out.push_back({{"id", r["id"].as<long>()}, {"status", r["status"].as<std::string>()}});
    return json_resp(200, out);
  });

  CROW_ROUTE(app, "/console/refills/<int>/approve").methods(crow::HTTPMethod::Post)([](const crow::request &req,
                                                                                      int refill_id) {
    auto staff = staff_from_request(req);
    if (!staff) return crow::response(401);
    if (staff->role != "pharmacist") return crow::response(403, "pharmacist sign-off required");
    auto conn = open_db();
    pqxx::work txn(*conn);
    auto r = txn.exec_params( // EXPECT: ok
        "UPDATE refill_requests SET status = 'approved', approved_by = $1 WHERE id = $2 AND store_id = $3",
        staff->id, refill_id, staff->store_id);
    txn.commit();
    return crow::response(r.affected_rows() ? 204 : 404);
  });

  CROW_ROUTE(app, "/console/refills/<int>/notes").methods(crow::HTTPMethod::Post)([](const crow::request &req,
                                                                                    int refill_id) {
    auto staff = staff_from_request(req);
    if (!staff) return crow::response(401);
    auto conn = open_db();
    pqxx::work txn(*conn);
    auto owner = txn.exec_params("SELECT store_id FROM refill_requests WHERE id = $1", refill_id); // EXPECT: ok
    if (owner.empty() || owner[0][0].as<long>() != staff->store_id) return crow::response(404);
    txn.exec_params("INSERT INTO refill_notes (refill_id, staff_id, body) VALUES ($1, $2, $3)", refill_id, // EXPECT: ok
                    staff->id, req.body);
    txn.commit();
    return crow::response(201);
  });

  CROW_ROUTE(app, "/console/patients/<int>/history")([](const crow::request &req, int patient_id) {
    auto staff = staff_from_request(req);
    if (!staff) return crow::response(401);
    if (staff->role != "pharmacist" && staff->role != "manager") return crow::response(403);
    auto conn = open_db();
    pqxx::work txn(*conn);
    auto rows = txn.exec_params( // EXPECT: ok
        "SELECT d.drug_name, d.qty, d.dispensed_at FROM dispenses d WHERE d.patient_id = $1 AND d.store_id = $2 "
        "ORDER BY d.dispensed_at DESC LIMIT 200",
        patient_id, staff->store_id);
    json out = json::array();
    for (const auto &r : rows) out.push_back({{"drug", r["drug_name"].as<std::string>()}, {"qty", r["qty"].as<int>()}});
    return json_resp(200, out);
  });

  // Controlled-substance dispense log for a store (DEA audits).
  CROW_ROUTE(app, "/console/stores/<int>/dispense-log")([](const crow::request &req, int store_id) {
    auto staff = staff_from_request(req);
    if (!staff) return crow::response(401);
    if (staff->role != "manager" && staff->role != "pharmacist") return crow::response(403);
    const char *since = req.url_params.get("since");
    auto conn = open_db();
    pqxx::work txn(*conn);
    auto rows = txn.exec_params( // EXPECT: idor
        "SELECT patient_id, drug_name, schedule, qty, dispensed_at FROM dispenses "
        "WHERE store_id = $1 AND schedule IN ('II','III','IV') AND dispensed_at >= $2",
        store_id, std::string(since ? since : "1970-01-01"));
    json out = json::array();
    for (const auto &r : rows)
      out.push_back({{"patient_id", r["patient_id"].as<long>()}, {"drug", r["drug_name"].as<std::string>()}});
    return json_resp(200, out);
  });

  // Void a prescription (data-entry errors). Supervisors only.
  CROW_ROUTE(app, "/console/prescriptions/<int>/void").methods(crow::HTTPMethod::Post)([](const crow::request &req,
                                                                                         int rx_id) {
    auto staff = staff_from_request(req);
    if (!staff) return crow::response(401);
    if (req.get_header_value("X-Console-Role") != "supervisor") return crow::response(403);
    auto conn = open_db();
    pqxx::work txn(*conn);
    txn.exec_params("UPDATE prescriptions SET status = 'void', voided_by = $1 WHERE id = $2", staff->id, rx_id); // EXPECT: idor
    txn.commit();
    return crow::response(204);
  });
}

} // namespace rx

int main() {
  if (const char *s = std::getenv("RX_JWT_SECRET")) rx::g_cfg.jwt_secret = s;
  if (const char *d = std::getenv("RX_PG_DSN")) rx::g_cfg.pg_dsn = d;
  rx::RedisClient redis(rx::g_cfg.redis_host, rx::g_cfg.redis_port);
  rx::g_redis = &redis;

  httplib::Server api;
  rx::register_patient_routes(api);

  crow::SimpleApp console;
  rx::register_console_routes(console);

  api.listen("0.0.0.0", 8080);
  return 0;
}
