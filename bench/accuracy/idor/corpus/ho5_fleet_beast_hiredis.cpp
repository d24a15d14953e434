// Held-out (fifth set): a fleet telematics API on Boost.Beast. Live positions
// and commands go through Redis (hiredis), trips and vehicles are in SQLite,
// daily exports are CSV files on disk. Written before scoring, check and model
// unchanged.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

namespace fleet {

static redisContext *redis;
static sqlite3 *db;

struct Principal {
  long user_id = 0;
  long fleet_id = 0;
  std::string role; // "driver", "dispatcher", "support"
};

struct Forbidden : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Route {
  std::vector<std::string> segs;
  std::map<std::string, std::string> query;
};

Route parse_target(beast::string_view target);

static std::string cookie_value(const Request &req, const std::string &name) {
  std::string all(req[http::field::cookie]);
  auto pos = all.find(name + "=");
  if (pos == std::string::npos)
    return "";
  auto end = all.find(';', pos);
  return all.substr(pos + name.size() + 1, end == std::string::npos ? std::string::npos : end - pos - name.size() - 1);
}

// Resolves the opaque "sid" cookie through the session hash in Redis.
static std::optional<Principal> session(const Request &req) {
  std::string sid = cookie_value(req, "sid");
  if (sid.empty())
    return std::nullopt;
  auto *r = static_cast<redisReply *>(redisCommand(redis, "HMGET session:%s user fleet role", sid.c_str())); // EXPECT: ok
  if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3 || r->element[0]->type != REDIS_REPLY_STRING) {
    if (r)
      freeReplyObject(r);
    return std::nullopt;
  }
  Principal p;
  p.user_id = std::stol(r->element[0]->str);
  p.fleet_id = std::stol(r->element[1]->str);
  p.role = r->element[2]->str;
  freeReplyObject(r);
  return p;
}

static bool vehicle_in_fleet(const std::string &vin, long fleet) {
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(db, "SELECT 1 FROM vehicles WHERE vin = ? AND fleet_id = ?", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, vin.c_str(), -1, SQLITE_TRANSIENT); // EXPECT: ok
  sqlite3_bind_int64(st, 2, fleet);                            // EXPECT: ok
  bool found = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return found;
}

static Response reply(const Request &req, http::status st, std::string body) {
  Response res{st, req.version()};
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

static std::string reply_string(redisReply *r) {
  std::string out = (r && r->type == REDIS_REPLY_STRING) ? r->str : "";
  if (r)
    freeReplyObject(r);
  return out;
}

// GET /vehicles/<vin>/position: fleet membership checked first.
Response position(const Request &req, const Principal &me, const std::string &vin) {
  if (!vehicle_in_fleet(vin, me.fleet_id))
    return reply(req, http::status::not_found, "{}");
  auto *r = static_cast<redisReply *>(redisCommand(redis, "HGET pos:%s latlon", vin.c_str())); // EXPECT: ok
  return reply(req, http::status::ok, reply_string(r));
}

// GET /vehicles/<vin>/track: legacy live track, no fleet check.
Response track(const Request &req, const Principal &me, const std::string &vin) {
  (void)me;
  auto *r = static_cast<redisReply *>(redisCommand(redis, "LRANGE track:%s 0 99", vin.c_str())); // EXPECT: idor
  nlohmann::json pts = nlohmann::json::array();
  if (r && r->type == REDIS_REPLY_ARRAY)
    for (size_t i = 0; i < r->elements; ++i)
      pts.push_back(r->element[i]->str);
  if (r)
    freeReplyObject(r);
  return reply(req, http::status::ok, pts.dump());
}

// GET /vehicles/<vin>/trips?limit=N: trip history, nothing ties the vehicle to the caller.
Response trips(const Request &req, const Principal &me, const Route &rt) {
  (void)me;
  const std::string &vin = rt.segs.at(1);
  int limit = rt.query.count("limit") ? std::stoi(rt.query.at("limit")) : 50;
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(db, "SELECT id, started_at, km FROM trips WHERE vin = ? ORDER BY started_at DESC LIMIT ?", -1,
                     &st, nullptr);
  sqlite3_bind_text(st, 1, vin.c_str(), -1, SQLITE_TRANSIENT); // EXPECT: idor
  sqlite3_bind_int(st, 2, limit);                              // EXPECT: ok
  nlohmann::json out = nlohmann::json::array();
  while (sqlite3_step(st) == SQLITE_ROW)
    out.push_back(sqlite3_column_int64(st, 0));
  sqlite3_finalize(st);
  return reply(req, http::status::ok, out.dump());
}

// POST /vehicles/<vin>/immobilize: dispatchers of the vehicle's fleet only.
Response immobilize(const Request &req, const Principal &me, const std::string &vin) {
  if (me.role != "dispatcher" || !vehicle_in_fleet(vin, me.fleet_id))
    return reply(req, http::status::forbidden, "{}");
  auto *r = static_cast<redisReply *>(redisCommand(redis, "PUBLISH cmd:%s immobilize", vin.c_str())); // EXPECT: ok
  if (r)
    freeReplyObject(r);
  return reply(req, http::status::accepted, "{}");
}

// POST /vehicles/<vin>/doors: checks the path VIN, sends to the VIN of the body.
Response doors(const Request &req, const Principal &me, const std::string &vin) {
  if (!vehicle_in_fleet(vin, me.fleet_id))
    return reply(req, http::status::forbidden, "{}");
  auto body = nlohmann::json::parse(req.body());
  std::string target = body.value("vin", vin);
  std::string action = body.value("action", "lock");
  auto *r = static_cast<redisReply *>(redisCommand(redis, "PUBLISH cmd:%s %s", target.c_str(), action.c_str())); // EXPECT: idor
  if (r)
    freeReplyObject(r);
  return reply(req, http::status::accepted, "{}");
}

// PUT /vehicles/<vin>/speed-alert: guarded by a throwing helper.
static void require_vehicle(const Principal &me, const std::string &vin) {
  if (!vehicle_in_fleet(vin, me.fleet_id))
    throw Forbidden("vehicle " + vin);
}
Response speed_alert(const Request &req, const Principal &me, const std::string &vin) {
  require_vehicle(me, vin);
  int kmh = nlohmann::json::parse(req.body()).at("kmh").get<int>();
  auto *r = static_cast<redisReply *>(redisCommand(redis, "HSET alerts:%s speed %d", vin.c_str(), kmh)); // EXPECT: ok
  if (r)
    freeReplyObject(r);
  return reply(req, http::status::no_content, "");
}

// GET /drivers/me/hours: the caller's own driving hours.
Response my_hours(const Request &req, const Principal &me) {
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(db, "SELECT day, minutes FROM driving_hours WHERE driver_id = ?", -1, &st, nullptr);
  sqlite3_bind_int64(st, 1, me.user_id); // EXPECT: ok
  nlohmann::json out = nlohmann::json::object();
  while (sqlite3_step(st) == SQLITE_ROW)
    out[reinterpret_cast<const char *>(sqlite3_column_text(st, 0))] = sqlite3_column_int(st, 1);
  sqlite3_finalize(st);
  return reply(req, http::status::ok, out.dump());
}

// GET /drivers/hours: the mobile app names the driver in a header.
Response hours_by_header(const Request &req, const Principal &me) {
  (void)me;
  long driver = std::stol(std::string(req["X-Driver-Id"]));
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(db, "SELECT day, minutes FROM driving_hours WHERE driver_id = ?", -1, &st, nullptr);
  sqlite3_bind_int64(st, 1, driver); // EXPECT: identity
  int rows = 0;
  while (sqlite3_step(st) == SQLITE_ROW)
    ++rows;
  sqlite3_finalize(st);
  return reply(req, http::status::ok, std::to_string(rows));
}

// GET /vehicles: the fleet comes from an unsigned preference cookie.
Response vehicles(const Request &req) {
  std::string fleet_cookie = cookie_value(req, "fleet");
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(db, "SELECT vin, plate FROM vehicles WHERE fleet_id = ?", -1, &st, nullptr);
  sqlite3_bind_int64(st, 1, std::stoll(fleet_cookie)); // EXPECT: identity
  nlohmann::json out = nlohmann::json::array();
  while (sqlite3_step(st) == SQLITE_ROW)
    out.push_back(reinterpret_cast<const char *>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  return reply(req, http::status::ok, out.dump());
}

// POST /trips/<id>/note: load the trip's fleet and compare before the update.
Response trip_note(const Request &req, const Principal &me, long trip) {
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(db, "SELECT fleet_id FROM trips WHERE id = ?", -1, &st, nullptr);
  sqlite3_bind_int64(st, 1, trip); // EXPECT: ok
  long owner = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  if (owner != me.fleet_id)
    return reply(req, http::status::not_found, "{}");
  sqlite3_prepare_v2(db, "UPDATE trips SET note = ? WHERE id = ?", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, req.body().c_str(), -1, SQLITE_TRANSIENT); // EXPECT: ok
  sqlite3_bind_int64(st, 2, trip);                                     // EXPECT: ok
  sqlite3_step(st);
  sqlite3_finalize(st);
  return reply(req, http::status::no_content, "");
}

// DELETE /trips/<id>: platform support staff only.
Response delete_trip(const Request &req, const Principal &me, long trip) {
  if (me.role != "support")
    throw Forbidden("support only");
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(db, "DELETE FROM trips WHERE id = ?", -1, &st, nullptr);
  sqlite3_bind_int64(st, 1, trip); // EXPECT: ok
  sqlite3_step(st);
  sqlite3_finalize(st);
  return reply(req, http::status::no_content, "");
}

// GET /exports/<vin>?day=YYYY-MM-DD&fleet=N: the membership check uses the fleet of the query.
Response export_csv(const Request &req, const Principal &me, const Route &rt) {
  (void)me;
  const std::string &vin = rt.segs.at(1);
  long fleet = std::stol(rt.query.at("fleet"));
  if (!vehicle_in_fleet(vin, fleet))
    return reply(req, http::status::not_found, "{}");
  std::ifstream csv("/srv/fleet/exports/" + vin + "/" + rt.query.at("day") + ".csv"); // EXPECT: idor
  std::stringstream ss;
  ss << csv.rdbuf();
  return reply(req, http::status::ok, ss.str());
}

// GET /positions?vins=A,B,C: batch lookup, foreign vehicles skipped.
Response positions(const Request &req, const Principal &me, const Route &rt) {
  std::stringstream list(rt.query.count("vins") ? rt.query.at("vins") : "");
  nlohmann::json out = nlohmann::json::object();
  std::string vin;
  while (std::getline(list, vin, ',')) {
    if (!vehicle_in_fleet(vin, me.fleet_id))
      continue;
    auto *r = static_cast<redisReply *>(redisCommand(redis, "HGET pos:%s latlon", vin.c_str())); // EXPECT: ok
    out[vin] = reply_string(r);
  }
  return reply(req, http::status::ok, out.dump());
}

// GET /drivers/<id>/last-position: the driver's current vehicle, unchecked.
Response driver_position(const Request &req, const Principal &me, const std::string &driver) {
  (void)me;
  auto *r = static_cast<redisReply *>(redisCommand(redis, "HGET driverpos:%s latlon", driver.c_str())); // EXPECT: idor
  return reply(req, http::status::ok, reply_string(r));
}

Response handle(const Request &req) {
  Route rt = parse_target(req.target());
  if (rt.segs.size() == 1 && rt.segs[0] == "vehicles")
    return vehicles(req);
  auto me = session(req);
  if (!me)
    return reply(req, http::status::unauthorized, "{}");
  try {
    const auto &s = rt.segs;
    if (s.size() == 3 && s[0] == "vehicles" && s[2] == "position")
      return position(req, *me, s[1]);
    if (s.size() == 3 && s[0] == "vehicles" && s[2] == "track")
      return track(req, *me, s[1]);
    if (s.size() == 3 && s[0] == "vehicles" && s[2] == "trips")
      return trips(req, *me, rt);
    if (s.size() == 3 && s[0] == "vehicles" && s[2] == "immobilize")
      return immobilize(req, *me, s[1]);
    if (s.size() == 3 && s[0] == "vehicles" && s[2] == "doors")
      return doors(req, *me, s[1]);
    if (s.size() == 3 && s[0] == "vehicles" && s[2] == "speed-alert")
      return speed_alert(req, *me, s[1]);
    if (s.size() == 3 && s[0] == "drivers" && s[1] == "me")
      return my_hours(req, *me);
    if (s.size() == 2 && s[0] == "drivers" && s[1] == "hours")
      return hours_by_header(req, *me);
    if (s.size() == 3 && s[0] == "drivers" && s[2] == "last-position")
      return driver_position(req, *me, s[1]);
    if (s.size() == 3 && s[0] == "trips" && s[2] == "note")
      return trip_note(req, *me, std::stol(s[1]));
    if (s.size() == 2 && s[0] == "trips" && req.method() == http::verb::delete_)
      return delete_trip(req, *me, std::stol(s[1]));
    if (s.size() == 2 && s[0] == "exports")
      return export_csv(req, *me, rt);
    if (s.size() == 1 && s[0] == "positions")
      return positions(req, *me, rt);
  } catch (const Forbidden &) {
    return reply(req, http::status::forbidden, "{}");
  }
  return reply(req, http::status::not_found, "{}");
}

} // namespace fleet
