// ridealong: parent portal (Boost.Beast, cookie sessions in Redis) and the
// driver / dispatcher handlers hosted in the userver transport service.
// Rosters, routes and notifications are in Postgres (libpq).
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <userver.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using json = nlohmann::json;

namespace ridealong {

// ---------------------------------------------------------------- postgres plumbing

struct PgResult {
  PGresult *r = nullptr;
  explicit PgResult(PGresult *res) : r(res) {}
  PgResult(PgResult &&o) noexcept : r(o.r) { o.r = nullptr; }
  ~PgResult() { if (r) PQclear(r); }
  bool ok() const { return r && (PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK); }
  int rows() const { return ok() ? PQntuples(r) : 0; }
  std::string at(int row, int col) const { return PQgetvalue(r, row, col); }
  long affected() const { return ok() ? std::atol(PQcmdTuples(r)) : 0; }
};

static PgResult pq(PGconn *c, const char *sql, const std::vector<std::string> &args) {
  std::vector<const char *> vals;
  for (const auto &a : args) vals.push_back(a.c_str());
  return PgResult(PQexecParams(c, sql, static_cast<int>(vals.size()), nullptr, vals.data(), nullptr, nullptr, 0));
}

static bool numeric(const std::string &s) {
  return !s.empty() && s.size() < 12 && s.find_first_not_of("0123456789") == std::string::npos;
}

// ---------------------------------------------------------------- parent portal (Beast)

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

static Response reply(const Request &req, http::status st, std::string body = {}) {
  Response res{st, req.version()};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

static std::string cookieValue(const Request &req, const std::string &name) {
  auto it = req.find(http::field::cookie);
  if (it == req.end()) return {};
  std::string all(it->value());
  std::regex re("(?:^|;\\s*)" + name + "=([^;]+)");
  std::smatch m;
  return std::regex_search(all, m, re) ? m[1].str() : std::string{};
}

class ParentPortal {
public:
  ParentPortal(PGconn *db, redisContext *redis) : db_(db), redis_(redis) {}

  Response handle(const Request &req) {
    auto parent = sessionParent(cookieValue(req, "ra_sid")); // EXPECT: ok
    if (!parent) return reply(req, http::status::unauthorized);
    std::string target(req.target());
    std::string path = target.substr(0, target.find('?'));
    std::smatch m;
    static const std::regex studentRe("^/parent/students/(\\d+)/(route|attendance|pickup)$");
    static const std::regex routeLiveRe("^/parent/routes/(\\d+)/live$");
    static const std::regex stopRe("^/parent/stops/(\\d+)/students$");
    static const std::regex notifRe("^/parent/notifications/(\\d+)/read$");

    if (path == "/parent/students") return children(req, *parent);
    if (path == "/parent/notifications") return notifications(req, *parent);
    if (path == "/parent/sms-optin" && req.method() == http::verb::put) return smsOptIn(req, *parent);
    if (std::regex_match(path, m, studentRe)) {
      if (m[2] == "route") return studentRoute(req, *parent, m[1]);
      if (m[2] == "attendance") return attendance(req, *parent, m[1]);
      if (req.method() == http::verb::put) return updatePickup(req, *parent, m[1]);
    }
    if (std::regex_match(path, m, routeLiveRe)) return liveBus(req, *parent, m[1]);
    if (std::regex_match(path, m, stopRe)) return stopStudents(req, *parent, m[1]);
    if (std::regex_match(path, m, notifRe) && req.method() == http::verb::post) return markRead(req, *parent, m[1]);
    return reply(req, http::status::not_found);
  }

private:
  std::optional<std::string> sessionParent(const std::string &sid) {
    if (sid.size() != 40) return std::nullopt;
    auto *r = static_cast<redisReply *>(redisCommand(redis_, "GET parent_sess:%s", sid.c_str())); // EXPECT: ok
    std::optional<std::string> out;
    if (r && r->type == REDIS_REPLY_STRING) out = std::string(r->str, r->len);
    if (r) freeReplyObject(r);
    return out;
  }

  bool isGuardian(const std::string &parent, const std::string &student) {
    auto r = pq(db_, "SELECT 1 FROM guardianships WHERE parent_id = $1 AND student_id = $2 AND revoked_at IS NULL", // EXPECT: ok
                {parent, student});
    return r.rows() == 1;
  }

  // attendance is opened up to the family's school so siblings' carers can check
  bool sameSchool(const std::string &parent, const std::string &student) {
    auto r = pq(db_, // EXPECT: ok
                "SELECT 1 FROM students s WHERE s.id = $1 AND s.school_id IN ("
                "SELECT c.school_id FROM students c JOIN guardianships g ON g.student_id = c.id WHERE g.parent_id = $2)",
                {student, parent});
    return r.rows() > 0;
  }

  Response children(const Request &req, const std::string &parent) {
    auto r = pq(db_, // EXPECT: ok
                "SELECT s.id, s.first_name, s.grade, r.name FROM students s JOIN guardianships g ON g.student_id = s.id "
                "LEFT JOIN routes r ON r.id = s.route_id WHERE g.parent_id = $1 AND g.revoked_at IS NULL",
                {parent});
    json out = json::array();
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({{"id", r.at(i, 0)}, {"name", r.at(i, 1)}, {"grade", r.at(i, 2)}, {"route", r.at(i, 3)}});
    return reply(req, http::status::ok, out.dump());
  }

  Response studentRoute(const Request &req, const std::string &parent, const std::string &student) {
    if (!isGuardian(parent, student)) return reply(req, http::status::not_found); // EXPECT: ok
    auto r = pq(db_, // EXPECT: ok
                "SELECT r.name, st.name, st.lat, st.lon, rs.am_time::text, rs.pm_time::text FROM students s "
                "JOIN routes r ON r.id = s.route_id JOIN route_stops rs ON rs.route_id = r.id AND rs.stop_id = s.stop_id "
                "JOIN stops st ON st.id = s.stop_id WHERE s.id = $1",
                {student});
    if (r.rows() == 0) return reply(req, http::status::not_found);
    json j{{"route", r.at(0, 0)}, {"stop", r.at(0, 1)}, {"lat", r.at(0, 2)},
           {"lon", r.at(0, 3)},   {"am", r.at(0, 4)},   {"pm", r.at(0, 5)}};
    return reply(req, http::status::ok, j.dump());
  }

  Response attendance(const Request &req, const std::string &parent, const std::string &student) {
    if (!sameSchool(parent, student)) return reply(req, http::status::not_found); // EXPECT: ok
    auto r = pq(db_, // EXPECT: idor
                "SELECT scanned_at::text, direction, stop_name, bus_no FROM boarding_scans "
                "WHERE student_id = $1 AND scanned_at > now() - interval '14 days' ORDER BY scanned_at DESC",
                {student});
    json out = json::array();
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({{"at", r.at(i, 0)}, {"dir", r.at(i, 1)}, {"stop", r.at(i, 2)}, {"bus", r.at(i, 3)}});
    return reply(req, http::status::ok, out.dump());
  }

  Response updatePickup(const Request &req, const std::string &parent, const std::string &student) {
    auto body = json::parse(req.body(), nullptr, false);
    if (!body.is_object()) return reply(req, http::status::bad_request);
    std::string note = body.value("pickup_note", std::string{});
    std::string stop = body.contains("stop_id") ? std::to_string(body["stop_id"].get<long>()) : std::string{};
    if (!stop.empty() && !isGuardian(parent, student)) return reply(req, http::status::forbidden); // EXPECT: ok
    // an empty $3 keeps the current stop
    auto r = pq(db_, // EXPECT: idor
                "UPDATE students SET pickup_note = $2, stop_id = COALESCE(NULLIF($3, '')::bigint, stop_id), "
                "updated_at = now() WHERE id = $1",
                {student, note, stop});
    return reply(req, r.affected() ? http::status::no_content : http::status::not_found);
  }

  Response liveBus(const Request &req, const std::string &parent, const std::string &route) {
    auto rides = pq(db_, // EXPECT: ok
                    "SELECT 1 FROM students s JOIN guardianships g ON g.student_id = s.id "
                    "WHERE s.route_id = $1 AND g.parent_id = $2 AND g.revoked_at IS NULL LIMIT 1",
                    {route, parent});
    if (rides.rows() == 0) return reply(req, http::status::forbidden);
    auto *r = static_cast<redisReply *>(redisCommand(redis_, "HGETALL bus:pos:%s", route.c_str())); // EXPECT: ok
    json j = json::object();
    if (r && r->type == REDIS_REPLY_ARRAY)
      for (size_t i = 0; i + 1 < r->elements; i += 2) j[r->element[i]->str] = r->element[i + 1]->str;
    if (r) freeReplyObject(r);
    return reply(req, http::status::ok, j.dump());
  }

  // "who else waits at my stop" card on the dashboard
  Response stopStudents(const Request &req, const std::string &, const std::string &stop) {
    auto r = pq(db_, // EXPECT: idor
                "SELECT s.first_name, s.last_name, s.grade, sc.name FROM students s JOIN schools sc ON sc.id = s.school_id "
                "WHERE s.stop_id = $1 AND s.active ORDER BY s.last_name",
                {stop});
    json out = json::array();
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({{"first", r.at(i, 0)}, {"last", r.at(i, 1)}, {"grade", r.at(i, 2)}, {"school", r.at(i, 3)}});
    return reply(req, http::status::ok, out.dump());
  }

  Response notifications(const Request &req, const std::string &parent) {
    auto *r = static_cast<redisReply *>(redisCommand(redis_, "LRANGE notif:%s 0 49", parent.c_str())); // EXPECT: ok
    json out = json::array();
    if (r && r->type == REDIS_REPLY_ARRAY)
      for (size_t i = 0; i < r->elements; ++i) out.push_back(json::parse(r->element[i]->str, nullptr, false));
    if (r) freeReplyObject(r);
    return reply(req, http::status::ok, out.dump());
  }

  Response markRead(const Request &req, const std::string &parent, const std::string &id) {
    auto r = pq(db_, "UPDATE notifications SET read_at = now() WHERE id = $1 AND parent_id = $2 AND read_at IS NULL", // EXPECT: ok
                {id, parent});
    return reply(req, r.affected() ? http::status::no_content : http::status::not_found);
  }

  Response smsOptIn(const Request &req, const std::string &sessionParentId) {
    std::string parent = sessionParentId;
    // the v2 mobile app keeps the parent id it was provisioned with
    auto hdr = req["X-Parent-Id"];
    if (!hdr.empty()) parent = std::string(hdr);
    auto body = json::parse(req.body(), nullptr, false);
    bool optIn = body.is_object() && body.value("sms", false);
    std::string phone = body.is_object() ? body.value("phone", std::string{}) : std::string{};
    pq(db_, "UPDATE parents SET sms_opt_in = $2, sms_phone = NULLIF($3, '') WHERE id = $1", // EXPECT: identity
       {parent, optIn ? "true" : "false", phone});
    return reply(req, http::status::no_content);
  }

  PGconn *db_;
  redisContext *redis_;
};

void serveParents(tcp::socket socket, ParentPortal &portal) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    Request req;
    http::read(socket, buffer, req, ec);
    if (ec) break;
    auto res = portal.handle(req);
    http::write(socket, res, ec);
    if (ec || !res.keep_alive()) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

// ---------------------------------------------------------------- transport (userver)

using userver::server::handlers::HttpHandlerBase;
using userver::server::http::HttpRequest;
using userver::server::http::HttpStatus;
using userver::server::request::RequestContext;

// filled in by the jwt auth checker that static_config.yaml enables for every
// handler under /driver and /dispatch
struct StaffPrincipal {
  std::string staff_id;
  std::string role; // driver | dispatcher | district_admin
  std::string district_id;
};

PGconn *transportDb(); // pooled connection for the current task
redisContext *pushQueue();

static std::string forbid(const HttpRequest &request) {
  request.SetResponseStatus(HttpStatus::kForbidden);
  return R"({"error":"forbidden"})";
}

class DriverManifestHandler final : public HttpHandlerBase {
public:
  std::string HandleRequestThrow(const HttpRequest &, RequestContext &context) const override {
    const auto &staff = context.GetData<StaffPrincipal>("staff");
    auto r = pq(transportDb(), // EXPECT: ok
                "SELECT s.id, s.first_name, s.last_name, st.name FROM routes r JOIN students s ON s.route_id = r.id "
                "JOIN stops st ON st.id = s.stop_id WHERE r.driver_id = $1 AND s.active ORDER BY st.sequence",
                {staff.staff_id});
    json out = json::array();
    for (int i = 0; i < r.rows(); ++i) out.push_back({{"id", r.at(i, 0)}, {"name", r.at(i, 1) + " " + r.at(i, 2)}, {"stop", r.at(i, 3)}});
    return out.dump();
  }
};

class BoardingScanHandler final : public HttpHandlerBase {
public:
  std::string HandleRequestThrow(const HttpRequest &request, RequestContext &context) const override {
    const auto &staff = context.GetData<StaffPrincipal>("staff");
    const auto &student = request.GetPathArg("student_id");
    const auto &direction = request.GetArg("direction");
    auto r = pq(transportDb(), // EXPECT: ok
                "INSERT INTO boarding_scans (student_id, direction, bus_no, stop_name, scanned_at, scanned_by) "
                "SELECT s.id, $3, r.bus_no, st.name, now(), $2 FROM students s JOIN routes r ON r.id = s.route_id "
                "JOIN stops st ON st.id = s.stop_id WHERE s.id = $1 AND r.driver_id = $2",
                {student, staff.staff_id, direction == "off" ? "off" : "on"});
    if (r.affected() == 0) return forbid(request);
    return R"({"recorded":true})";
  }
};

static bool onDriverRoute(const std::string &driver, const std::string &student) {
  auto r = pq(transportDb(), "SELECT 1 FROM students s JOIN routes r ON r.id = s.route_id WHERE s.id = $1 AND r.driver_id = $2", // EXPECT: ok
              {student, driver});
  return r.rows() == 1;
}

class StudentMedicalHandler final : public HttpHandlerBase {
public:
  std::string HandleRequestThrow(const HttpRequest &request, RequestContext &context) const override {
    const auto &staff = context.GetData<StaffPrincipal>("staff");
    const auto &student = request.GetPathArg("student_id");
    if (staff.role != "driver" || !onDriverRoute(staff.staff_id, student)) return forbid(request); // EXPECT: ok
    auto r = pq(transportDb(), "SELECT allergies, medication, emergency_plan FROM student_medical WHERE student_id = $1", // EXPECT: ok
                {student});
    if (r.rows() == 0) return "{}";
    return json{{"allergies", r.at(0, 0)}, {"medication", r.at(0, 1)}, {"plan", r.at(0, 2)}}.dump();
  }
};

// drivers call guardians when a child is not at the stop
class StudentGuardiansHandler final : public HttpHandlerBase {
public:
  std::string HandleRequestThrow(const HttpRequest &request, RequestContext &context) const override {
    const auto &staff = context.GetData<StaffPrincipal>("staff");
    if (staff.role != "driver" && staff.role != "dispatcher") return forbid(request);
    auto r = pq(transportDb(), // EXPECT: idor
                "SELECT p.full_name, p.phone, g.relationship FROM guardianships g JOIN parents p ON p.id = g.parent_id "
                "WHERE g.student_id = $1 AND g.revoked_at IS NULL",
                {request.GetPathArg("student_id")});
    json out = json::array();
    for (int i = 0; i < r.rows(); ++i) out.push_back({{"name", r.at(i, 0)}, {"phone", r.at(i, 1)}, {"relation", r.at(i, 2)}});
    return out.dump();
  }
};

class EndShiftHandler final : public HttpHandlerBase {
public:
  std::string HandleRequestThrow(const HttpRequest &request, RequestContext &) const override {
    // the tablet is shared between drivers on split shifts
    const auto &driver = request.GetHeader("X-Driver-Id");
    const auto &odometer = request.GetArg("odometer");
    if (driver.empty() || !numeric(odometer)) return forbid(request);
    auto r = pq(transportDb(), // EXPECT: identity
                "UPDATE driver_shifts SET ended_at = now(), odometer_end = $2 WHERE driver_id = $1 AND ended_at IS NULL",
                {driver, odometer});
    return json{{"closed", r.affected()}}.dump();
  }
};

class RouteNotifyHandler final : public HttpHandlerBase {
public:
  std::string HandleRequestThrow(const HttpRequest &request, RequestContext &context) const override {
    const auto &staff = context.GetData<StaffPrincipal>("staff");
    if (staff.role != "dispatcher" && staff.role != "district_admin") return forbid(request);
    const auto &route = request.GetPathArg("route_id");
    auto body = json::parse(request.RequestBody(), nullptr, false);
    std::string text = body.is_object() ? body.value("message", std::string{}) : std::string{};
    auto r = pq(transportDb(), // EXPECT: ok
                "INSERT INTO notifications (parent_id, kind, body, created_at) "
                "SELECT DISTINCT g.parent_id, 'route_delay', $2, now() FROM students s "
                "JOIN guardianships g ON g.student_id = s.id JOIN routes r ON r.id = s.route_id "
                "WHERE s.route_id = $1 AND r.district_id = $3 RETURNING id, parent_id",
                {route, text, staff.district_id});
    for (int i = 0; i < r.rows(); ++i) {
      json n{{"id", r.at(i, 0)}, {"kind", "route_delay"}, {"body", text}};
      auto *rep = redisCommand(pushQueue(), "LPUSH notif:%s %s", r.at(i, 1).c_str(), n.dump().c_str()); // EXPECT: ok
      if (rep) freeReplyObject(rep);
    }
    return json{{"notified", r.rows()}}.dump();
  }
};

class StopUpdateHandler final : public HttpHandlerBase {
public:
  std::string HandleRequestThrow(const HttpRequest &request, RequestContext &context) const override {
    const auto &staff = context.GetData<StaffPrincipal>("staff");
    if (staff.role != "dispatcher" && staff.role != "district_admin") return forbid(request);
    auto body = json::parse(request.RequestBody(), nullptr, false);
    if (!body.is_object()) return forbid(request);
    auto r = pq(transportDb(), // EXPECT: idor
                "UPDATE stops SET name = COALESCE(NULLIF($2, ''), name), lat = $3::float8, lon = $4::float8 WHERE id = $1",
                {request.GetPathArg("stop_id"), body.value("name", std::string{}),
                 std::to_string(body.value("lat", 0.0)), std::to_string(body.value("lon", 0.0))});
    if (r.affected() == 0) {
      request.SetResponseStatus(HttpStatus::kNotFound);
      return "{}";
    }
    return R"({"updated":true})";
  }
};

class RosterExportHandler final : public HttpHandlerBase {
public:
  std::string HandleRequestThrow(const HttpRequest &request, RequestContext &context) const override {
    const auto &staff = context.GetData<StaffPrincipal>("staff");
    if (staff.role != "dispatcher" && staff.role != "district_admin") return forbid(request);
    const auto &school = request.GetPathArg("school_id");
    if (!numeric(school)) return forbid(request);
    auto r = pq(transportDb(), // EXPECT: ok
                "SELECT s.id, s.last_name, s.first_name, s.grade, r.name, st.name FROM students s "
                "JOIN schools sc ON sc.id = s.school_id LEFT JOIN routes r ON r.id = s.route_id "
                "LEFT JOIN stops st ON st.id = s.stop_id WHERE sc.id = $1 AND sc.district_id = $2 AND s.active",
                {school, staff.district_id});
    if (r.rows() == 0) {
      request.SetResponseStatus(HttpStatus::kNotFound);
      return {};
    }
    std::string csv = "id,last,first,grade,route,stop\n";
    for (int i = 0; i < r.rows(); ++i)
      for (int c = 0; c < 6; ++c) csv += r.at(i, c) + (c == 5 ? "\n" : ",");
    return csv;
  }
};

} // namespace ridealong

int main() {
  PGconn *db = PQconnectdb("host=pg-transport.internal dbname=ridealong user=portal");
  redisContext *redis = redisConnect("redis-sessions.internal", 6379);
  ridealong::ParentPortal portal(db, redis);
  boost::asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc, {tcp::v4(), 8443}};
  for (;;) {
    tcp::socket socket{ioc};
    acceptor.accept(socket);
    ridealong::serveParents(std::move(socket), portal);
  }
}
