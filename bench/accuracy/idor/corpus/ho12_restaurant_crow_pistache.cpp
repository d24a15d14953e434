// tablewise-svc: guest reservation API (Crow, :8080) and kitchen display
// backend (Pistache, :9081) sharing one SQLite store and a Redis for sessions.
#include <crow.h>

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/router.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tablewise {

using json = nlohmann::json;
using namespace Pistache;

struct Reservation {
  int64_t id = 0;
  int64_t guest_id = 0;
  int64_t restaurant_id = 0;
  std::string slot;
  int party_size = 0;
  std::string status;
  std::string notes;
};

struct StaffMember {
  int64_t id = 0;
  int64_t restaurant_id = 0;
  std::string role;
};

static json toJson(const Reservation &r) {
  return json{{"id", r.id},          {"restaurant_id", r.restaurant_id},
              {"slot", r.slot},      {"party_size", r.party_size},
              {"status", r.status},  {"notes", r.notes}};
}

static std::optional<std::string> bearerOrCookie(const std::string &authz, const std::string &cookie) {
  const std::string pfx = "Bearer ";
  if (authz.compare(0, pfx.size(), pfx) == 0 && authz.size() > pfx.size())
    return authz.substr(pfx.size());
  auto pos = cookie.find("tw_sid=");
  if (pos == std::string::npos) return std::nullopt;
  auto end = cookie.find(';', pos);
  return cookie.substr(pos + 7, end == std::string::npos ? std::string::npos : end - pos - 7);
}

// ---------------------------------------------------------------------------
// Redis: guest sessions + a small read-through cache for reservation cards
// ---------------------------------------------------------------------------
class RedisStore {
public:
  explicit RedisStore(const char *host) : ctx_(redisConnect(host, 6379)) {}
  ~RedisStore() { if (ctx_) redisFree(ctx_); }

  std::optional<int64_t> guestForToken(const std::string &token) {
    std::lock_guard<std::mutex> lk(mu_);
    auto *r = static_cast<redisReply *>(redisCommand(ctx_, "GET tw:sess:%s", token.c_str())); // EXPECT: ok
    std::optional<int64_t> out;
    if (r && r->type == REDIS_REPLY_STRING) out = std::stoll(std::string(r->str, r->len));
    if (r) freeReplyObject(r);
    if (out) {
      auto *e = static_cast<redisReply *>(redisCommand(ctx_, "EXPIRE tw:sess:%s 1800", token.c_str())); // EXPECT: ok
      if (e) freeReplyObject(e);
    }
    return out;
  }

  std::optional<std::string> cachedCard(int64_t reservationId) {
    std::lock_guard<std::mutex> lk(mu_);
    auto *r = static_cast<redisReply *>(redisCommand(ctx_, "GET tw:resv:%lld", (long long)reservationId)); // EXPECT: idor
    std::optional<std::string> out;
    if (r && r->type == REDIS_REPLY_STRING) out = std::string(r->str, r->len);
    if (r) freeReplyObject(r);
    return out;
  }

  void putCard(int64_t reservationId, const std::string &body) {
    std::lock_guard<std::mutex> lk(mu_);
    auto *r = static_cast<redisReply *>(
        redisCommand(ctx_, "SETEX tw:resv:%lld 300 %b", (long long)reservationId, body.data(), body.size())); // EXPECT: ok
    if (r) freeReplyObject(r);
  }

  void publishBump(int64_t restaurantId, int64_t orderId) {
    std::lock_guard<std::mutex> lk(mu_);
    auto *r = static_cast<redisReply *>(
        redisCommand(ctx_, "PUBLISH kds:%lld bump:%lld", (long long)restaurantId, (long long)orderId)); // EXPECT: ok
    if (r) freeReplyObject(r);
  }

private:
  redisContext *ctx_;
  std::mutex mu_;
};

// ---------------------------------------------------------------------------
// SQLite repositories
// ---------------------------------------------------------------------------
class ReservationRepo {
public:
  explicit ReservationRepo(SQLite::Database &db) : db_(db) {}

  std::optional<Reservation> byId(int64_t id) {
    std::lock_guard<std::mutex> lk(mu_);
    SQLite::Statement q(db_, "SELECT id, guest_id, restaurant_id, slot, party_size, status, notes "
                             "FROM reservations WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt; // EXPECT: ok
    Reservation r;
    r.id = q.getColumn(0).getInt64();
    r.guest_id = q.getColumn(1).getInt64();
    r.restaurant_id = q.getColumn(2).getInt64();
    r.slot = q.getColumn(3).getString();
    r.party_size = q.getColumn(4).getInt();
    r.status = q.getColumn(5).getString();
    r.notes = q.getColumn(6).getString();
    return r;
  }

  std::vector<Reservation> upcomingForGuest(int64_t guestId) {
    std::lock_guard<std::mutex> lk(mu_);
    SQLite::Statement q(db_, "SELECT id, restaurant_id, slot, party_size, status FROM reservations "
                             "WHERE guest_id = ? AND slot >= datetime('now') ORDER BY slot");
    q.bind(1, guestId);
    std::vector<Reservation> out;
    while (q.executeStep()) { // EXPECT: ok
      Reservation r;
      r.id = q.getColumn(0).getInt64();
      r.guest_id = guestId;
      r.restaurant_id = q.getColumn(1).getInt64();
      r.slot = q.getColumn(2).getString();
      r.party_size = q.getColumn(3).getInt();
      r.status = q.getColumn(4).getString();
      out.push_back(r);
    }
    return out;
  }

  int64_t create(int64_t guestId, int64_t restaurantId, const std::string &slot, int party) {
    std::lock_guard<std::mutex> lk(mu_);
    SQLite::Statement ins(db_, "INSERT INTO reservations(guest_id, restaurant_id, slot, party_size, status) "
                               "VALUES(?, ?, ?, ?, 'booked')");
    ins.bind(1, guestId);
    ins.bind(2, restaurantId);
    ins.bind(3, slot);
    ins.bind(4, party);
    ins.exec(); // EXPECT: ok
    return db_.getLastInsertRowid();
  }

  SQLite::Database &db() { return db_; }
  std::mutex &mutex() { return mu_; }

private:
  SQLite::Database &db_;
  std::mutex mu_;
};

// ---------------------------------------------------------------------------
// Guest API (Crow)
// ---------------------------------------------------------------------------
class GuestApi {
public:
  GuestApi(ReservationRepo &repo, RedisStore &redis) : repo_(repo), redis_(redis) {}

  std::optional<int64_t> sessionGuest(const crow::request &req) {
    auto tok = bearerOrCookie(req.get_header_value("Authorization"), req.get_header_value("Cookie"));
    if (!tok || tok->empty()) return std::nullopt;
    return redis_.guestForToken(*tok);
  }

  void install(crow::SimpleApp &app) {
    CROW_ROUTE(app, "/api/restaurants/<int>/availability")([this](const crow::request &req, int restaurantId) {
      const char *day = req.url_params.get("day");
      std::lock_guard<std::mutex> lk(repo_.mutex());
      SQLite::Statement q(repo_.db(), "SELECT slot, seats_left FROM availability WHERE restaurant_id = ? AND day = ?");
      q.bind(1, restaurantId);
      q.bind(2, day ? day : "");
      json slots = json::array();
      while (q.executeStep()) // EXPECT: ok
        slots.push_back({{"slot", q.getColumn(0).getString()}, {"left", q.getColumn(1).getInt()}});
      return crow::response(slots.dump());
    });

    CROW_ROUTE(app, "/api/reservations").methods(crow::HTTPMethod::Post)([this](const crow::request &req) {
      auto gid = sessionGuest(req);
      if (!gid) return crow::response(401);
      auto body = json::parse(req.body, nullptr, false);
      if (body.is_discarded() || !body.contains("restaurant_id")) return crow::response(400);
      int party = body.value("party_size", 2);
      if (party < 1 || party > 12) return crow::response(400, "party size");
      auto id = repo_.create(*gid, body["restaurant_id"].get<int64_t>(), body.value("slot", ""), party); // EXPECT: ok
      return crow::response(201, json{{"id", id}}.dump());
    });

    CROW_ROUTE(app, "/api/me/reservations")([this](const crow::request &req) {
      auto gid = sessionGuest(req);
      if (!gid) return crow::response(401);
      json arr = json::array();
      for (auto &r : repo_.upcomingForGuest(*gid)) arr.push_back(toJson(r)); // EXPECT: ok
      return crow::response(arr.dump());
    });

    CROW_ROUTE(app, "/api/reservations/<int>")([this](const crow::request &req, int id) {
      auto gid = sessionGuest(req);
      if (!gid) return crow::response(401);
      if (auto hit = redis_.cachedCard(id)) return crow::response(*hit); // EXPECT: idor
      auto r = repo_.byId(id); // EXPECT: ok
      if (!r || r->guest_id != *gid) return crow::response(404);
      auto card = toJson(*r).dump();
      redis_.putCard(id, card); // EXPECT: ok
      return crow::response(card);
    });

    CROW_ROUTE(app, "/api/reservations/<int>/cancel").methods(crow::HTTPMethod::Post)(
        [this](const crow::request &req, int id) {
          auto gid = sessionGuest(req);
          if (!gid) return crow::response(401);
          std::lock_guard<std::mutex> lk(repo_.mutex());
          SQLite::Statement up(repo_.db(), "UPDATE reservations SET status = 'cancelled' "
                                           "WHERE id = ? AND guest_id = ? AND status = 'booked'");
          up.bind(1, id);
          up.bind(2, *gid);
          int n = up.exec(); // EXPECT: ok
          return n == 1 ? crow::response(204) : crow::response(404);
        });

    // Concierge desk annotates bookings on behalf of guests through this route too.
    CROW_ROUTE(app, "/api/reservations/<int>/notes").methods(crow::HTTPMethod::Patch)(
        [this](const crow::request &req, int id) {
          auto sess = sessionGuest(req);
          if (!sess) return crow::response(401);
          auto body = json::parse(req.body, nullptr, false);
          if (body.is_discarded()) return crow::response(400);
          int64_t onBehalfOf = body.contains("guest_id") ? body["guest_id"].get<int64_t>() : *sess;
          std::string notes = body.value("notes", "");
          if (notes.size() > 500) notes.resize(500);
          std::lock_guard<std::mutex> lk(repo_.mutex());
          SQLite::Statement up(repo_.db(), "UPDATE reservations SET notes = ? WHERE id = ? AND guest_id = ?");
          up.bind(1, notes);
          up.bind(2, id);
          up.bind(3, onBehalfOf);
          return up.exec() ? crow::response(204) : crow::response(404); // EXPECT: identity
        });

    CROW_ROUTE(app, "/api/reservations/<int>/orders")([this](const crow::request &req, int id) {
      auto gid = sessionGuest(req);
      if (!gid) return crow::response(401);
      json items = json::array();
      const char *tab = req.url_params.get("tab");
      std::lock_guard<std::mutex> lk(repo_.mutex());
      if (tab) {
        // walk-in tabs that were later attached to a booking
        SQLite::Statement q(repo_.db(), "SELECT item, qty, status FROM kitchen_orders WHERE tab_id = ?");
        q.bind(1, static_cast<int64_t>(std::stoll(tab)));
        while (q.executeStep()) // EXPECT: idor
          items.push_back({{"item", q.getColumn(0).getString()}, {"qty", q.getColumn(1).getInt()},
                           {"status", q.getColumn(2).getString()}});
        return crow::response(items.dump());
      }
      SQLite::Statement q(repo_.db(), "SELECT k.item, k.qty, k.status FROM kitchen_orders k "
                                      "JOIN reservations r ON r.id = k.reservation_id "
                                      "WHERE r.id = ? AND r.guest_id = ?");
      q.bind(1, id);
      q.bind(2, *gid);
      while (q.executeStep()) // EXPECT: ok
        items.push_back({{"item", q.getColumn(0).getString()}, {"qty", q.getColumn(1).getInt()},
                         {"status", q.getColumn(2).getString()}});
      return crow::response(items.dump());
    });

    CROW_ROUTE(app, "/api/receipts")([this](const crow::request &req) {
      auto gid = sessionGuest(req);
      if (!gid) return crow::response(401);
      const char *rid = req.url_params.get("reservation");
      if (!rid) return crow::response(400);
      int64_t reservationId = std::stoll(rid);
      int64_t restaurant = 0;
      {
        std::lock_guard<std::mutex> lk(repo_.mutex());
        SQLite::Statement q(repo_.db(), "SELECT restaurant_id FROM reservations WHERE id = ? AND guest_id = ?");
        q.bind(1, reservationId);
        q.bind(2, *gid);
        if (!q.executeStep()) return crow::response(404); // EXPECT: ok
        restaurant = q.getColumn(0).getInt64();
      }
      const std::string path = "/var/lib/tablewise/receipts/" + std::to_string(restaurant) + "/" +
                               std::to_string(reservationId) + ".txt";
      std::ifstream in(path); // EXPECT: ok
      if (!in) return crow::response(404);
      std::stringstream ss;
      ss << in.rdbuf();
      return crow::response(ss.str());
    });
  }

private:
  ReservationRepo &repo_;
  RedisStore &redis_;
};

// ---------------------------------------------------------------------------
// Kitchen display / host stand API (Pistache)
// ---------------------------------------------------------------------------
class KdsApi {
public:
  using StaffHandler = void (KdsApi::*)(const Rest::Request &, Http::ResponseWriter &, const StaffMember &);

  KdsApi(ReservationRepo &repo, RedisStore &redis) : repo_(repo), redis_(redis) {}

  void setup(Rest::Router &router) {
    Rest::Routes::Get(router, "/kds/orders", guarded(&KdsApi::listOrders));
    Rest::Routes::Put(router, "/kds/orders/:id/status", guarded(&KdsApi::setStatus));
    Rest::Routes::Post(router, "/kds/orders/:id/void", guarded(&KdsApi::voidOrder));
    Rest::Routes::Get(router, "/kds/reservations/:id", guarded(&KdsApi::hostView));
    Rest::Routes::Post(router, "/kds/reservations/:id/seat", guarded(&KdsApi::seat));
    Rest::Routes::Get(router, "/kds/tickets/:id", guarded(&KdsApi::ticket));
    // expo screen polls this from the pass; runs on the kitchen VLAN
    Rest::Routes::Get(router, "/kds/expo/:id", Rest::Routes::bind(&KdsApi::expo, this));
  }

private:
  std::optional<StaffMember> staffForKey(const std::string &key) {
    std::lock_guard<std::mutex> lk(repo_.mutex());
    SQLite::Statement q(repo_.db(), "SELECT s.id, s.restaurant_id, s.role FROM staff_keys k "
                                    "JOIN staff s ON s.id = k.staff_id WHERE k.api_key = ? AND k.revoked = 0");
    q.bind(1, key);
    if (!q.executeStep()) return std::nullopt; // EXPECT: ok
    return StaffMember{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString()};
  }

  Rest::Route::Handler guarded(StaffHandler h) {
    return [this, h](const Rest::Request &req, Http::ResponseWriter resp) {
      auto key = req.headers().tryGetRaw("X-Staff-Key");
      auto staff = key ? staffForKey(key->value()) : std::nullopt;
      if (!staff) resp.send(Http::Code::Unauthorized);
      else (this->*h)(req, resp, *staff);
      return Rest::Route::Result::Ok;
    };
  }

  void listOrders(const Rest::Request &req, Http::ResponseWriter &resp, const StaffMember &s) {
    std::string station = req.query().get("station").value_or("all");
    std::lock_guard<std::mutex> lk(repo_.mutex());
    SQLite::Statement q(repo_.db(), "SELECT id, item, qty, station, status FROM kitchen_orders "
                                    "WHERE restaurant_id = ? AND (station = ? OR ? = 'all') AND status != 'done'");
    q.bind(1, s.restaurant_id);
    q.bind(2, station);
    q.bind(3, station);
    json arr = json::array();
    while (q.executeStep()) // EXPECT: ok
      arr.push_back({{"id", q.getColumn(0).getInt64()}, {"item", q.getColumn(1).getString()},
                     {"qty", q.getColumn(2).getInt()}, {"station", q.getColumn(3).getString()},
                     {"status", q.getColumn(4).getString()}});
    resp.send(Http::Code::Ok, arr.dump());
  }

  void setStatus(const Rest::Request &req, Http::ResponseWriter &resp, const StaffMember &s) {
    auto orderId = req.param(":id").as<int64_t>();
    auto body = json::parse(req.body(), nullptr, false);
    std::string status = body.is_object() ? body.value("status", "") : "";
    if (status != "firing" && status != "ready" && status != "done")
      return void(resp.send(Http::Code::Bad_Request, "status"));
    int n = 0;
    {
      std::lock_guard<std::mutex> lk(repo_.mutex());
      SQLite::Statement up(repo_.db(), "UPDATE kitchen_orders SET status = ? WHERE id = ? AND restaurant_id = ?");
      up.bind(1, status);
      up.bind(2, orderId);
      up.bind(3, s.restaurant_id);
      n = up.exec(); // EXPECT: ok
    }
    if (n == 0) return void(resp.send(Http::Code::Not_Found));
    if (status == "ready") redis_.publishBump(s.restaurant_id, orderId); // EXPECT: ok
    resp.send(Http::Code::No_Content);
  }

  void voidOrder(const Rest::Request &req, Http::ResponseWriter &resp, const StaffMember &s) {
    if (s.role != "manager" && s.role != "owner") return void(resp.send(Http::Code::Forbidden));
    auto orderId = req.param(":id").as<int64_t>();
    std::lock_guard<std::mutex> lk(repo_.mutex());
    SQLite::Statement up(repo_.db(), "UPDATE kitchen_orders SET status = 'void', voided_by = ? WHERE id = ?");
    up.bind(1, s.id);
    up.bind(2, orderId);
    up.exec(); // EXPECT: idor
    resp.send(Http::Code::No_Content);
  }

  void hostView(const Rest::Request &req, Http::ResponseWriter &resp, const StaffMember &s) {
    auto id = req.param(":id").as<int64_t>();
    auto r = repo_.byId(id); // EXPECT: ok
    if (!r || r->restaurant_id != s.restaurant_id) return void(resp.send(Http::Code::Not_Found));
    json j = toJson(*r);
    j["guest_id"] = r->guest_id;
    resp.send(Http::Code::Ok, j.dump());
  }

  void seat(const Rest::Request &req, Http::ResponseWriter &resp, const StaffMember &s) {
    auto id = req.param(":id").as<int64_t>();
    // group accounts cover several locations; host tablets send the one they sit at
    int64_t location = s.restaurant_id;
    if (auto loc = req.headers().tryGetRaw("X-Location")) location = std::stoll(loc->value());
    auto table = req.query().get("table").value_or("");
    std::lock_guard<std::mutex> lk(repo_.mutex());
    SQLite::Statement up(repo_.db(), "UPDATE reservations SET status = 'seated', table_no = ? "
                                     "WHERE id = ? AND restaurant_id = ?");
    up.bind(1, table);
    up.bind(2, id);
    up.bind(3, location);
    if (up.exec() == 0) { // EXPECT: identity
      resp.send(Http::Code::Not_Found);
      return;
    }
    resp.send(Http::Code::No_Content);
  }

  void ticket(const Rest::Request &req, Http::ResponseWriter &resp, const StaffMember &) {
    auto id = req.param(":id").as<int64_t>();
    std::ifstream f("/var/lib/tablewise/tickets/" + std::to_string(id) + ".txt"); // EXPECT: idor
    if (!f) return void(resp.send(Http::Code::Not_Found));
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    resp.send(Http::Code::Ok, text);
  }

  void expo(const Rest::Request &req, Http::ResponseWriter resp) {
    auto id = req.param(":id").as<int64_t>();
    std::lock_guard<std::mutex> lk(repo_.mutex());
    SQLite::Statement q(repo_.db(), "SELECT o.item, o.qty, o.status, o.allergy_note, r.notes FROM kitchen_orders o "
                                    "LEFT JOIN reservations r ON r.id = o.reservation_id WHERE o.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) { // EXPECT: idor
      resp.send(Http::Code::Not_Found);
      return;
    }
    json j{{"item", q.getColumn(0).getString()}, {"qty", q.getColumn(1).getInt()},
           {"status", q.getColumn(2).getString()}, {"allergy", q.getColumn(3).getString()},
           {"guest_notes", q.getColumn(4).getString()}};
    resp.send(Http::Code::Ok, j.dump());
  }

  ReservationRepo &repo_;
  RedisStore &redis_;
};

} // namespace tablewise

int main() {
  SQLite::Database db("/var/lib/tablewise/tablewise.db", SQLite::OPEN_READWRITE);
  tablewise::ReservationRepo repo(db);
  tablewise::RedisStore redis("127.0.0.1");

  Pistache::Rest::Router router;
  tablewise::KdsApi kds(repo, redis);
  kds.setup(router);
  Pistache::Http::Endpoint kdsServer(Pistache::Address(Pistache::Ipv4::any(), Pistache::Port(9081)));
  kdsServer.init(Pistache::Http::Endpoint::options().threads(2));
  kdsServer.setHandler(router.handler());
  std::thread kdsThread([&] { kdsServer.serve(); });

  crow::SimpleApp app;
  tablewise::GuestApi guests(repo, redis);
  guests.install(app);
  // app.port(8080).multithreaded().run() in the real Crow build
  kdsThread.join();
  return 0;
}
