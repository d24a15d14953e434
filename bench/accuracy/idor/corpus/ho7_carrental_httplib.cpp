// Car rental booking API: customers browse the vehicle catalogue, reserve cars,
// attach additional drivers and work with short-lived price quotes.
// cpp-httplib front end, JWT bearer auth, Postgres via libpqxx, quotes kept in Redis.
#include <httplib.h>
#include <hiredis/hiredis.h>
#include <jwt/jwt.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using json = nlohmann::json;

namespace rental {

struct Principal {
  long customer_id = 0;
  std::string role;
  bool isAgent() const { return role == "agent" || role == "admin"; }
};

struct Reservation {
  long id = 0;
  long customer_id = 0;
  long vehicle_id = 0;
  std::string pickup;
  std::string dropoff;
  std::string status;
};

static std::string jwtSecret() {
  const char* s = std::getenv("RENTAL_JWT_SECRET");
  return s ? s : "";
}

static pqxx::connection& db() {
  thread_local pqxx::connection conn{std::getenv("RENTAL_PG_DSN") ? std::getenv("RENTAL_PG_DSN") : ""};
  return conn;
}

static redisContext* cache() {
  thread_local redisContext* ctx = redisConnect("127.0.0.1", 6379);
  return ctx;
}

void audit(const std::string& action, long objectId, long actor, bool flag);

std::optional<Principal> authenticate(const httplib::Request& req) {
  const auto header = req.get_header_value("Authorization");
  if (header.rfind("Bearer ", 0) != 0) return std::nullopt;
  std::error_code ec;
  auto token = jwt::decode(header.substr(7), jwt::params::algorithms({"HS256"}), ec,
                           jwt::params::secret(jwtSecret()), jwt::params::verify(true));
  if (ec) return std::nullopt;
  Principal p;
  p.customer_id = std::stol(token.payload().get_claim_value<std::string>("sub"));
  p.role = token.payload().has_claim("role") ? token.payload().get_claim_value<std::string>("role")
                                             : std::string("customer");
  return p;
}

using AuthedHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const Principal&)>;

httplib::Server::Handler withAuth(AuthedHandler inner) {
  return [inner](const httplib::Request& req, httplib::Response& res) {
    auto who = authenticate(req);
    if (!who) {
      res.status = 401;
      return;
    }
    inner(req, res, *who);
  };
}

static json toJson(const Reservation& r) {
  return json{{"id", r.id}, {"vehicle_id", r.vehicle_id}, {"pickup", r.pickup},
              {"dropoff", r.dropoff}, {"status", r.status}};
}

class ReservationStore {
 public:
  std::optional<Reservation> byId(long id) {
    pqxx::work w{db()};
    auto rows = w.exec_params(
        "SELECT id, customer_id, vehicle_id, pickup, dropoff, status FROM reservations WHERE id = $1", id);
    if (rows.empty()) return std::nullopt;
    return fromRow(rows[0]);
  }

  std::vector<Reservation> forCustomer(long customerId) {
    pqxx::work w{db()};
    std::vector<Reservation> out;
    for (const auto& row : w.exec_params(
             "SELECT id, customer_id, vehicle_id, pickup, dropoff, status FROM reservations "
             "WHERE customer_id = $1 ORDER BY pickup DESC",
             customerId))
      out.push_back(fromRow(row));
    return out;
  }

  bool isOwnedBy(long id, long customerId) {
    pqxx::work w{db()};
    auto r = w.exec_params("SELECT 1 FROM reservations WHERE id = $1 AND customer_id = $2", id, customerId);
    return !r.empty();
  }

  void extend(long id, const std::string& newDropoff) {
    pqxx::work w{db()};
    w.exec_params0("UPDATE reservations SET dropoff = $1 WHERE id = $2", newDropoff, id);
    w.commit();
  }

  long create(long customerId, long vehicleId, const std::string& pickup, const std::string& dropoff) {
    pqxx::work w{db()};
    auto row = w.exec_params1(
        "INSERT INTO reservations(customer_id, vehicle_id, pickup, dropoff, status) "
        "VALUES ($1, $2, $3, $4, 'booked') RETURNING id",
        customerId, vehicleId, pickup, dropoff);
    w.commit();
    return row[0].as<long>();
  }

  bool cancelOwned(long id, long customerId) {
    pqxx::work w{db()};
    auto r = w.exec_params0(
        "UPDATE reservations SET status = 'cancelled' WHERE id = $1 AND customer_id = $2 AND status = 'booked'",
        id, customerId);
    w.commit();
    return r.affected_rows() == 1;
  }

 private:
  static Reservation fromRow(const pqxx::row& row) {
    Reservation r;
    r.id = row["id"].as<long>();
    r.customer_id = row["customer_id"].as<long>();
    r.vehicle_id = row["vehicle_id"].as<long>();
    r.pickup = row["pickup"].as<std::string>();
    r.dropoff = row["dropoff"].as<std::string>();
    r.status = row["status"].as<std::string>();
    return r;
  }
};

static std::map<std::string, std::string> hashReply(redisReply* reply) {
  std::map<std::string, std::string> out;
  if (reply && reply->type == REDIS_REPLY_ARRAY) {
    for (size_t i = 0; i + 1 < reply->elements; i += 2)
      out[reply->element[i]->str] = reply->element[i + 1]->str;
  }
  if (reply) freeReplyObject(reply);
  return out;
}

static std::string newQuoteId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::ostringstream os;
  os << std::hex << rng() << rng();
  return os.str();
}

void registerRoutes(httplib::Server& svr, ReservationStore& store) {
  // Public catalogue.
  svr.Get("/vehicles", [](const httplib::Request& req, httplib::Response& res) {
    const std::string location = req.get_param_value("location");
    const int page = req.has_param("page") ? std::stoi(req.get_param_value("page")) : 0;
    pqxx::work w{db()};
    auto rows = w.exec_params(  // EXPECT: ok
        "SELECT id, make, model, daily_rate FROM vehicles WHERE location = $1 AND active "
        "ORDER BY id LIMIT 50 OFFSET $2",
        location, page * 50);
    json out = json::array();
    for (const auto& r : rows)
      out.push_back({{"id", r[0].as<long>()}, {"make", r[1].c_str()}, {"model", r[2].c_str()},
                     {"daily_rate", r[3].as<double>()}});
    res.set_content(out.dump(), "application/json");
  });

  svr.Get(R"(/vehicles/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    const long vehicleId = std::stol(req.matches[1]);
    pqxx::work w{db()};
    auto rows = w.exec_params("SELECT make, model, seats, daily_rate FROM vehicles WHERE id = $1", vehicleId);  // EXPECT: ok
    if (rows.empty()) {
      res.status = 404;
      return;
    }
    res.set_content(json{{"make", rows[0][0].c_str()}, {"model", rows[0][1].c_str()},
                         {"seats", rows[0][2].as<int>()}, {"daily_rate", rows[0][3].as<double>()}}
                        .dump(),
                    "application/json");
  });

  svr.Get("/reservations", withAuth([&store](const httplib::Request&, httplib::Response& res, const Principal& p) {
    json out = json::array();
    for (const auto& r : store.forCustomer(p.customer_id)) out.push_back(toJson(r));  // EXPECT: ok
    res.set_content(out.dump(), "application/json");
  }));

  svr.Get("/reservations/summary", withAuth([&store](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    std::stringstream ids(req.get_param_value("ids"));
    std::string tok;
    json out = json::array();
    while (std::getline(ids, tok, ',')) {
      auto r = store.byId(std::stol(tok));  // EXPECT: ok
      if (r && r->customer_id == p.customer_id) out.push_back(toJson(*r));
    }
    res.set_content(out.dump(), "application/json");
  }));

  svr.Get(R"(/reservations/(\d+))", withAuth([&store](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    auto r = store.byId(std::stol(req.matches[1]));  // EXPECT: ok
    if (!r || r->customer_id != p.customer_id) {
      res.status = 404;
      return;
    }
    res.set_content(toJson(*r).dump(), "application/json");
  }));

  svr.Post("/reservations", withAuth([&store](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    auto body = json::parse(req.body);
    const long vehicleId = body.at("vehicle_id").get<long>();
    {
      pqxx::work w{db()};
      auto v = w.exec_params("SELECT 1 FROM vehicles WHERE id = $1 AND active", vehicleId);  // EXPECT: ok
      if (v.empty()) {
        res.status = 422;
        return;
      }
    }
    long id = store.create(p.customer_id, vehicleId, body.at("pickup").get<std::string>(),  // EXPECT: ok
                           body.at("dropoff").get<std::string>());
    res.status = 201;
    res.set_content(json{{"id", id}}.dump(), "application/json");
  }));

  svr.Post(R"(/reservations/(\d+)/extend)", withAuth([&store](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    const long rid = std::stol(req.matches[1]);
    const std::string until = json::parse(req.body).at("until").get<std::string>();
    const bool owner = store.isOwnedBy(rid, p.customer_id);  // EXPECT: ok
    audit("reservation.extend", rid, p.customer_id, owner);
    store.extend(rid, until);  // EXPECT: idor
    res.status = 204;
  }));

  svr.Delete(R"(/reservations/(\d+))", withAuth([&store](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    if (!store.cancelOwned(std::stol(req.matches[1]), p.customer_id)) {  // EXPECT: ok
      res.status = 404;
      return;
    }
    res.status = 204;
  }));

  svr.Post(R"(/reservations/(\d+)/drivers)", withAuth([&store](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    const long rid = std::stol(req.matches[1]);
    auto r = store.byId(rid);  // EXPECT: ok
    if (!r || r->customer_id != p.customer_id) {
      res.status = 404;
      return;
    }
    const long profileId = json::parse(req.body).at("driver_profile_id").get<long>();
    pqxx::work w{db()};
    auto prof = w.exec_params(  // EXPECT: idor
        "SELECT full_name, license_no, license_expiry FROM driver_profiles WHERE id = $1", profileId);
    if (prof.empty()) {
      res.status = 422;
      return;
    }
    w.exec_params0("UPDATE reservations SET second_driver = $1, second_license = $2 WHERE id = $3",  // EXPECT: ok
                   prof[0][0].c_str(), prof[0][1].c_str(), rid);
    w.commit();
    res.set_content(json{{"driver", prof[0][0].c_str()}, {"license_expiry", prof[0][2].c_str()}}.dump(),
                    "application/json");
  }));

  svr.Get(R"(/reservations/(\d+)/damage)", withAuth([](const httplib::Request& req, httplib::Response& res, const Principal&) {
    pqxx::work w{db()};
    json out = json::array();
    for (const auto& row : w.exec_params(  // EXPECT: idor
             "SELECT reported_at, panel, severity, photo_url FROM damage_reports WHERE reservation_id = $1",
             std::stol(req.matches[1])))
      out.push_back({{"at", row[0].c_str()}, {"panel", row[1].c_str()}, {"severity", row[2].as<int>()},
                     {"photo", row[3].c_str()}});
    res.set_content(out.dump(), "application/json");
  }));

  // Live position while the car is out; the app passes the vehicle it is tracking.
  svr.Get(R"(/reservations/(\d+)/location)", withAuth([&store](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    auto r = store.byId(std::stol(req.matches[1]));  // EXPECT: ok
    if (!r || r->customer_id != p.customer_id || r->status != "active") {
      res.status = 404;
      return;
    }
    const std::string vehicle = req.has_param("vehicle") ? req.get_param_value("vehicle") : std::to_string(r->vehicle_id);
    auto pos = hashReply(static_cast<redisReply*>(redisCommand(cache(), "HGETALL telematics:%s", vehicle.c_str())));  // EXPECT: idor
    res.set_content(json{{"lat", pos["lat"]}, {"lon", pos["lon"]}, {"fuel", pos["fuel"]}, {"at", pos["ts"]}}.dump(),
                    "application/json");
  }));

  // Quotes live for 15 minutes in Redis.
  svr.Post("/quotes", withAuth([](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    auto body = json::parse(req.body);
    const long vehicleId = body.at("vehicle_id").get<long>();
    const int days = body.value("days", 1);
    double rate = 0;
    {
      pqxx::work w{db()};
      rate = w.exec_params1("SELECT daily_rate FROM vehicles WHERE id = $1", vehicleId)[0].as<double>();  // EXPECT: ok
    }
    const std::string qid = newQuoteId();
    const std::string total = std::to_string(rate * days);
    freeReplyObject(redisCommand(cache(), "HSET quote:%s customer %ld vehicle %ld total %s days %d",  // EXPECT: ok
                                 qid.c_str(), p.customer_id, vehicleId, total.c_str(), days));
    freeReplyObject(redisCommand(cache(), "EXPIRE quote:%s 900", qid.c_str()));  // EXPECT: ok
    res.status = 201;
    res.set_content(json{{"quote", qid}, {"total", total}}.dump(), "application/json");
  }));

  svr.Get(R"(/quotes/([0-9a-f]+))", withAuth([](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    const std::string qid = req.matches[1];
    auto q = hashReply(static_cast<redisReply*>(redisCommand(cache(), "HGETALL quote:%s", qid.c_str())));  // EXPECT: ok
    if (q.empty() || q["customer"] != std::to_string(p.customer_id)) {
      res.status = 404;
      return;
    }
    res.set_content(json{{"vehicle", q["vehicle"]}, {"total", q["total"]}, {"days", q["days"]}}.dump(),
                    "application/json");
  }));

  svr.Post(R"(/quotes/([0-9a-f]+)/accept)", withAuth([&store](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    const std::string qid = req.matches[1];
    auto q = hashReply(static_cast<redisReply*>(redisCommand(cache(), "HGETALL quote:%s", qid.c_str())));  // EXPECT: idor
    if (q.empty() || q["vehicle"].empty()) {
      res.status = 410;
      return;
    }
    auto body = json::parse(req.body);
    long id = store.create(p.customer_id, std::stol(q["vehicle"]), body.at("pickup").get<std::string>(),  // EXPECT: ok
                           body.at("dropoff").get<std::string>());
    freeReplyObject(redisCommand(cache(), "DEL quote:%s", qid.c_str()));  // EXPECT: idor
    res.set_content(json{{"reservation", id}, {"total", q["total"]}}.dump(), "application/json");
  }));

  svr.Get("/loyalty", withAuth([](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    long cid = p.customer_id;
    if (req.has_param("customer")) cid = std::stol(req.get_param_value("customer"));
    pqxx::work w{db()};
    auto rows = w.exec_params("SELECT points, tier FROM loyalty WHERE customer_id = $1", cid);  // EXPECT: identity
    if (rows.empty()) {
      res.set_content(R"({"points":0,"tier":"basic"})", "application/json");
      return;
    }
    res.set_content(json{{"points", rows[0][0].as<long>()}, {"tier", rows[0][1].c_str()}}.dump(), "application/json");
  }));

  svr.Get("/me/driver-profiles", withAuth([](const httplib::Request&, httplib::Response& res, const Principal& p) {
    pqxx::work w{db()};
    json out = json::array();
    for (const auto& row : w.exec_params("SELECT id, full_name FROM driver_profiles WHERE owner_id = $1", p.customer_id))  // EXPECT: ok
      out.push_back({{"id", row[0].as<long>()}, {"name", row[1].c_str()}});
    res.set_content(out.dump(), "application/json");
  }));

  svr.Put("/me/preferences", withAuth([](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    auto body = json::parse(req.body);
    const long cid = body.value("customer_id", p.customer_id);
    pqxx::work w{db()};
    w.exec_params0(  // EXPECT: identity
        "UPDATE customer_prefs SET child_seat = $1, default_location = $2 WHERE customer_id = $3",
        body.value("child_seat", false), body.value("default_location", std::string()), cid);
    w.commit();
    res.status = 204;
  }));

  // Counter staff.
  svr.Get("/admin/reservations", withAuth([&store](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    if (!p.isAgent()) {
      res.status = 403;
      return;
    }
    json out = json::array();
    for (const auto& r : store.forCustomer(std::stol(req.get_param_value("customer_id"))))  // EXPECT: ok
      out.push_back(toJson(r));
    res.set_content(out.dump(), "application/json");
  }));

  svr.Post(R"(/admin/reservations/(\d+)/close)", withAuth([](const httplib::Request& req, httplib::Response& res, const Principal& p) {
    if (!p.isAgent()) {
      res.status = 403;
      return;
    }
    auto body = json::parse(req.body);
    pqxx::work w{db()};
    w.exec_params0("UPDATE reservations SET status = 'closed', odometer_in = $1 WHERE id = $2",  // EXPECT: ok
                   body.at("odometer").get<long>(), std::stol(req.matches[1]));
    w.commit();
    res.status = 204;
  }));
}

}  // namespace rental

int main() {
  httplib::Server svr;
  rental::ReservationStore store;
  rental::registerRoutes(svr, store);
  svr.listen("0.0.0.0", 8080);
}
