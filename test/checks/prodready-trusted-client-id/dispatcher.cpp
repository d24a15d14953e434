// A dispatcher that authenticates once and hands the principal and the parsed
// path to per-route functions (real Boost.Beast, sqlite3 and hiredis headers):
// principal types, handlers followed from the dispatcher, helpers scoped by
// the parameter they bind next to the key, yes/no repository questions, role
// flags inside || conditions.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs
#include <boost/beast/http.hpp>
#include <hiredis/hiredis.h>
#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

static sqlite3 *db;
static redisContext *redis;

struct Principal {
  long user_id = 0;
  long fleet_id = 0;
  bool fleet_admin = false;
};
// Resolves the session cookie: a principal source by its name. Its return
// type makes `const Principal &` parameters principals too.
std::optional<Principal> session(const Request &req);
std::vector<std::string> split_path(boost::beast::string_view target);

class FleetDao {
public:
  bool vehicleInFleet(const std::string &vin, long fleet); // a question, not an access
  void retire(const std::string &vin);
};
static FleetDao fleets;

static Response ok(const Request &req) { return Response{http::status::ok, req.version()}; }

// Scoped by the fleet bound next to the vehicle; `author` is only stored.
static void add_note(const std::string &vin, long fleet, long author, const std::string &text) {
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(db, "UPDATE vehicles SET note = ?, note_by = ? WHERE vin = ? AND fleet_id = ?", -1, &st,
                     nullptr);
  sqlite3_bind_text(st, 1, text.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, author);
  sqlite3_bind_text(st, 3, vin.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 4, fleet);
  sqlite3_step(st);
  sqlite3_finalize(st);
}

// No check: the vehicle comes from the dispatcher's parsed path.
Response track(const Request &req, const Principal &me, const std::string &vin) {
  (void)me;
  redisReply *r = static_cast<redisReply *>(redisCommand(redis, "LRANGE track:%s 0 99", vin.c_str()));
  freeReplyObject(r);
  return ok(req);
}

// Membership question before the access.
Response position(const Request &req, const Principal &me, const std::string &vin) {
  if (!fleets.vehicleInFleet(vin, me.fleet_id))
    return Response{http::status::not_found, req.version()};
  redisReply *r = static_cast<redisReply *>(redisCommand(redis, "HGET pos:%s latlon", vin.c_str()));
  freeReplyObject(r);
  return ok(req);
}

// Role flag as one operand of ||.
Response retire(const Request &req, const std::optional<Principal> &me, const std::string &vin) {
  if (!me || !me->fleet_admin)
    return Response{http::status::forbidden, req.version()};
  fleets.retire(vin);
  return ok(req);
}

Response handle(const Request &req) {
  auto me = session(req);
  if (!me)
    return Response{http::status::unauthorized, req.version()};
  std::vector<std::string> segs = split_path(req.target());
  if (segs.size() == 3 && segs[2] == "track")
    return track(req, *me, segs[1]);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: object id 'segs' from request path reaches 'track' (redis access) without an authorization check
  if (segs.size() == 3 && segs[2] == "position")
    return position(req, *me, segs[1]);
  if (segs.size() == 3 && segs[2] == "retire")
    return retire(req, me, segs[1]);
  if (segs.size() == 3 && segs[2] == "note") {
    // The caller's fleet is bound next to the vehicle: scoped.
    add_note(segs[1], me->fleet_id, me->user_id, req.body());
    // The caller only as the author: the fleet comes from the client.
    add_note(segs[1], std::stol(segs[0]), me->user_id, req.body());
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'segs' from request path reaches 'add_note' (UPDATE vehicles) without an authorization check
  }
  return Response{http::status::not_found, req.version()};
}
