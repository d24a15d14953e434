// Volunteer coordination for a regional food-bank network: volunteers sign up for shifts,
// log hours and fetch certificates; coordinators confirm rosters and approve hours.
// Main API on POCO HTTPServer (MySQL Connector/C++); on-site kiosks on CivetWeb with a local SQLite store.
#include <CivetServer.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_driver.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using json = nlohmann::json;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

namespace shifts {

struct Volunteer {
  int64_t id = 0, org_id = 0;
  std::string role;  // "volunteer" | "coordinator"
};

struct HoursEntry {
  int64_t id = 0, volunteer_id = 0, shift_id = 0;
  double hours = 0;
  bool approved = false;
};

struct Forbidden : std::runtime_error { Forbidden() : std::runtime_error("forbidden") {} };

using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;
static sql::Connection& mysql() {
  thread_local std::unique_ptr<sql::Connection> con([] {
    const char* pw = std::getenv("SHIFTS_DB_PASSWORD");
    sql::Connection* c = sql::mysql::get_mysql_driver_instance()->connect("tcp://127.0.0.1:3306", "shifts", pw ? pw : "");
    c->setSchema("shifts");
    return c;
  }());
  return *con;
}

static Stmt prepare(const std::string& q) { return Stmt(mysql().prepareStatement(q)); }

static bool coordinatesShift(const Volunteer& me, int64_t shiftId) {
  if (me.role != "coordinator") return false;
  Stmt st = prepare("SELECT 1 FROM shifts WHERE id = ? AND org_id = ?");
  st->setInt64(1, shiftId);
  st->setInt64(2, me.org_id);
  Rows rs(st->executeQuery());  // EXPECT: ok
  return rs->next();
}

static bool canSeeSignup(const Volunteer& me, int64_t signupId) {
  Stmt st = prepare("SELECT 1 FROM signups s JOIN shifts sh ON sh.id = s.shift_id WHERE s.id = ? AND sh.org_id = ?");
  st->setInt64(1, signupId);
  st->setInt64(2, me.org_id);
  Rows rs(st->executeQuery());  // EXPECT: ok
  return rs->next();
}

class HoursRepo {
  const std::string kSelect = "SELECT id, volunteer_id, shift_id, hours, approved_by IS NOT NULL AS approved FROM hours_log";
  static HoursEntry fromRow(sql::ResultSet& rs) {
    return {rs.getInt64("id"), rs.getInt64("volunteer_id"), rs.getInt64("shift_id"),
            static_cast<double>(rs.getDouble("hours")), rs.getBoolean("approved")};
  }

 public:
  std::optional<HoursEntry> find(int64_t id) {
    Stmt st = prepare(kSelect + " WHERE id = ?");
    st->setInt64(1, id);
    Rows rs(st->executeQuery());
    if (!rs->next()) return std::nullopt;
    return fromRow(*rs);
  }
  std::vector<HoursEntry> forVolunteer(int64_t volunteerId) {
    Stmt st = prepare(kSelect + " WHERE volunteer_id = ?");
    st->setInt64(1, volunteerId);
    Rows rs(st->executeQuery());
    std::vector<HoursEntry> out;
    while (rs->next()) out.push_back(fromRow(*rs));
    return out;
  }
  void insert(int64_t volunteerId, int64_t shiftId, double hours) {
    Stmt st = prepare("INSERT INTO hours_log(volunteer_id, shift_id, hours) VALUES (?, ?, ?)");
    st->setInt64(1, volunteerId);
    st->setInt64(2, shiftId);
    st->setDouble(3, hours);
    st->executeUpdate();
  }
  void remove(int64_t id) {
    Stmt st = prepare("DELETE FROM hours_log WHERE id = ?");
    st->setInt64(1, id);
    st->executeUpdate();
  }
};

static json toJson(const HoursEntry& h) {
  return {{"id", h.id}, {"shift", h.shift_id}, {"hours", h.hours}, {"approved", h.approved}};
}

// ---- POCO API ---------------------------------------------------------------

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    try {
      auto me = authenticate(req);
      if (!me) return send(resp, HTTPResponse::HTTP_UNAUTHORIZED, {{"error", "login required"}});
      Poco::URI(req.getURI()).getPathSegments(segs_);
      handle(req, resp, *me);
    } catch (const Forbidden&) {
      send(resp, HTTPResponse::HTTP_FORBIDDEN, {{"error", "forbidden"}});
    } catch (const std::exception& e) {
      send(resp, HTTPResponse::HTTP_BAD_REQUEST, {{"error", e.what()}});
    }
  }

 protected:
  std::vector<std::string> segs_;
  virtual void handle(HTTPServerRequest& req, HTTPServerResponse& resp, const Volunteer& me) = 0;

  static std::optional<Volunteer> authenticate(const HTTPServerRequest& req) {
    const std::string auth = req.get("Authorization", "");
    if (auth.rfind("Bearer ", 0) != 0) return std::nullopt;
    Stmt st = prepare("SELECT v.id, v.org_id, v.role FROM sessions s JOIN volunteers v ON v.id = s.volunteer_id "
                      "WHERE s.token = ? AND s.expires_at > NOW()");
    st->setString(1, auth.substr(7));
    Rows rs(st->executeQuery());  // EXPECT: ok
    if (!rs->next()) return std::nullopt;
    return Volunteer{rs->getInt64(1), rs->getInt64(2), rs->getString(3)};
  }
  static json body(HTTPServerRequest& req) {
    std::string s;
    Poco::StreamCopier::copyToString(req.stream(), s);
    return json::parse(s);
  }
  static void send(HTTPServerResponse& resp, HTTPResponse::HTTPStatus st, const json& j) {
    resp.setStatus(st);
    resp.setContentType("application/json");
    resp.send() << j.dump();
  }
  static void sendPdf(HTTPServerResponse& resp, std::istream& in) {
    resp.setContentType("application/pdf");
    Poco::StreamCopier::copyStream(in, resp.send());
  }
  int64_t idAt(size_t i) const { return std::stoll(segs_.at(i)); }
};

class PublicShiftsHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    std::string event = "0";
    for (const auto& kv : Poco::URI(req.getURI()).getQueryParameters()) if (kv.first == "event") event = kv.second;
    Stmt st = prepare("SELECT id, role_name, starts_at, ends_at, capacity FROM shifts WHERE event_id = ? AND published = 1");
    st->setInt64(1, std::stoll(event));
    Rows rs(st->executeQuery());  // EXPECT: ok
    json out = json::array();
    while (rs->next())
      out.push_back({{"id", rs->getInt64(1)}, {"role", rs->getString(2).asStdString()}, {"starts", rs->getString(3).asStdString()}});
    resp.setContentType("application/json");
    resp.send() << out.dump();
  }
};

class SignupsHandler : public ApiHandler {
  void handle(HTTPServerRequest& req, HTTPServerResponse& resp, const Volunteer& me) override {
    const std::string& m = req.getMethod();
    if (segs_[0] == "me") {
      Stmt st = prepare("SELECT s.id, s.shift_id, s.status FROM signups s WHERE s.volunteer_id = ?");
      st->setInt64(1, me.id);
      Rows rs(st->executeQuery());  // EXPECT: ok
      json out = json::array();
      while (rs->next()) out.push_back({{"id", rs->getInt64(1)}, {"shift", rs->getInt64(2)}, {"status", rs->getString(3).asStdString()}});
      return send(resp, HTTPResponse::HTTP_OK, out);
    }
    if (segs_[0] == "shifts" && segs_.size() == 3 && segs_[2] == "confirm") {
      const int64_t shiftId = idAt(1);
      if (!coordinatesShift(me, shiftId)) throw Forbidden();
      std::vector<int64_t> ids;
      for (const auto& v : body(req).at("signups")) ids.push_back(v.get<int64_t>());
      for (int64_t sid : ids) {
        Stmt st = prepare("UPDATE signups SET status = 'confirmed', confirmed_by = ? WHERE id = ?");
        st->setInt64(1, me.id);
        st->setInt64(2, sid);
        st->executeUpdate();  // EXPECT: idor
      }
      return send(resp, HTTPResponse::HTTP_OK, {{"confirmed", ids.size()}});
    }
    if (m == "POST" && segs_.size() == 1) {
      const int64_t shiftId = body(req).at("shift_id").get<int64_t>();
      Stmt cap = prepare("SELECT capacity - (SELECT COUNT(*) FROM signups WHERE shift_id = ?) FROM shifts WHERE id = ? AND published = 1");
      cap->setInt64(1, shiftId);
      cap->setInt64(2, shiftId);
      Rows rs(cap->executeQuery());  // EXPECT: ok
      if (!rs->next() || rs->getInt(1) <= 0) return send(resp, HTTPResponse::HTTP_CONFLICT, {{"error", "shift full"}});
      Stmt ins = prepare("INSERT INTO signups(shift_id, volunteer_id, status) VALUES (?, ?, 'pending')");
      ins->setInt64(1, shiftId);
      ins->setInt64(2, me.id);
      ins->executeUpdate();  // EXPECT: ok
      return send(resp, HTTPResponse::HTTP_CREATED, {{"shift", shiftId}});
    }
    const int64_t id = idAt(1);
    if (m == "PUT") {
      json b = body(req);
      if (b.contains("shift_id")) {
        Stmt own = prepare("SELECT volunteer_id FROM signups WHERE id = ?");
        own->setInt64(1, id);
        Rows rs(own->executeQuery());  // EXPECT: ok
        if (!rs->next() || rs->getInt64(1) != me.id) throw Forbidden();
        Stmt upd = prepare("UPDATE signups SET shift_id = ?, status = 'pending' WHERE id = ?");
        upd->setInt64(1, b["shift_id"].get<int64_t>());
        upd->setInt64(2, id);
        upd->executeUpdate();  // EXPECT: ok
      }
      if (b.contains("note")) {
        Stmt upd = prepare("UPDATE signups SET note = ? WHERE id = ?");
        upd->setString(1, b["note"].get<std::string>());
        upd->setInt64(2, id);
        upd->executeUpdate();  // EXPECT: idor
      }
      return send(resp, HTTPResponse::HTTP_OK, {{"id", id}});
    }
    if (segs_.size() == 3 && segs_[2] == "contact") {
      if (!canSeeSignup(me, id)) std::clog << "contact lookup outside org by volunteer " << me.id << "\n";
      Stmt st = prepare("SELECT v.display_name, v.phone FROM signups s JOIN volunteers v ON v.id = s.volunteer_id WHERE s.id = ?");
      st->setInt64(1, id);
      Rows rs(st->executeQuery());  // EXPECT: idor
      if (!rs->next()) return send(resp, HTTPResponse::HTTP_NOT_FOUND, {});
      return send(resp, HTTPResponse::HTTP_OK, {{"name", rs->getString(1).asStdString()}, {"phone", rs->getString(2).asStdString()}});
    }
    send(resp, HTTPResponse::HTTP_NOT_FOUND, {});
  }
};

class HoursHandler : public ApiHandler {
  HoursRepo repo_;
  void handle(HTTPServerRequest& req, HTTPServerResponse& resp, const Volunteer& me) override {
    const std::string& m = req.getMethod();
    if (segs_[0] == "me") {
      json out = json::array();
      for (const auto& h : repo_.forVolunteer(me.id)) out.push_back(toJson(h));  // EXPECT: ok
      return send(resp, HTTPResponse::HTTP_OK, out);
    }
    if (m == "POST" && segs_.size() == 1) {
      json b = body(req);
      // team leads log hours for everyone in their crew
      const int64_t volunteerId = b.value("volunteer_id", me.id);
      repo_.insert(volunteerId, b.at("shift_id").get<int64_t>(), b.at("hours").get<double>());  // EXPECT: identity
      return send(resp, HTTPResponse::HTTP_CREATED, {{"volunteer", volunteerId}});
    }
    const int64_t id = idAt(1);
    if (m == "DELETE") {
      auto h = repo_.find(id);  // EXPECT: ok
      if (!h || h->volunteer_id != me.id) return send(resp, HTTPResponse::HTTP_NOT_FOUND, {});
      if (h->approved) return send(resp, HTTPResponse::HTTP_CONFLICT, {{"error", "already approved"}});
      repo_.remove(id);  // EXPECT: ok
      return send(resp, HTTPResponse::HTTP_OK, {{"deleted", id}});
    }
    auto h = repo_.find(id);  // EXPECT: idor
    if (!h) return send(resp, HTTPResponse::HTTP_NOT_FOUND, {});
    send(resp, HTTPResponse::HTTP_OK, toJson(*h));
  }
};

class ProfileHandler : public ApiHandler {
  void handle(HTTPServerRequest& req, HTTPServerResponse& resp, const Volunteer& me) override {
    if (segs_[0] == "profile" && req.getMethod() == "POST") {
      Poco::Net::HTMLForm form(req, req.stream());
      const std::string who = form.get("volunteer_id", std::to_string(me.id));
      Stmt st = prepare("UPDATE volunteers SET phone = ?, emergency_contact = ?, tshirt_size = ? WHERE id = ?");
      st->setString(1, form.get("phone", ""));
      st->setString(2, form.get("emergency_contact", ""));
      st->setString(3, form.get("tshirt_size", "M"));
      st->setInt64(4, std::stoll(who));
      st->executeUpdate();  // EXPECT: identity
      return send(resp, HTTPResponse::HTTP_OK, {{"updated", who}});
    }
    if (segs_[0] == "certificates") {
      if (idAt(1) != me.id) throw Forbidden();
      std::ifstream in("/srv/shifts/certificates/" + std::to_string(me.id) + ".pdf", std::ios::binary);  // EXPECT: ok
      return sendPdf(resp, in);
    }
    if (segs_[0] == "waivers") {
      std::ifstream in("/srv/shifts/waivers/signup-" + segs_.at(1) + ".pdf", std::ios::binary);  // EXPECT: idor
      return sendPdf(resp, in);
    }
    send(resp, HTTPResponse::HTTP_NOT_FOUND, {});
  }
};

class Router : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest& req) override {
    const std::string p = Poco::URI(req.getURI()).getPath();
    if (p.rfind("/shifts", 0) == 0 && p.find("/confirm") == std::string::npos) return new PublicShiftsHandler;
    if (p.rfind("/signups", 0) == 0 || p == "/me/signups" || p.rfind("/shifts/", 0) == 0) return new SignupsHandler;
    if (p.rfind("/hours", 0) == 0 || p == "/me/hours") return new HoursHandler;
    return new ProfileHandler;
  }
};

// ---- CivetWeb kiosk ------------------------------------------------------------

class KioskHandler : public CivetHandler {
 public:
  explicit KioskHandler(sqlite3* local) : local_(local) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    auto k = kiosk(conn);
    if (!k) return reply(conn, 401, R"({"error":"unknown kiosk"})");
    const std::string uri = mg_get_request_info(conn)->local_uri;
    std::string param;
    if (uri == "/kiosk/roster") {
      Stmt st = prepare("SELECT s.id, v.display_name, sh.role_name FROM signups s JOIN shifts sh ON sh.id = s.shift_id "
                        "JOIN volunteers v ON v.id = s.volunteer_id WHERE sh.event_id = ? AND s.status = 'confirmed'");
      st->setInt64(1, k->event_id);
      Rows rs(st->executeQuery());  // EXPECT: ok
      json out = json::array();
      while (rs->next()) out.push_back({{"signup", rs->getInt64(1)}, {"name", rs->getString(2).asStdString()}});
      return reply(conn, 200, out.dump());
    }
    if (uri == "/kiosk/checkins" && CivetServer::getParam(conn, "event", param)) {
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(local_, "SELECT id, signup_id, in_at, out_at FROM checkins WHERE event_id = ?", -1, &st, nullptr);
      sqlite3_bind_int64(st, 1, std::stoll(param));
      json out = json::array();
      while (sqlite3_step(st) == SQLITE_ROW)  // EXPECT: idor
        out.push_back({{"id", sqlite3_column_int64(st, 0)}, {"signup", sqlite3_column_int64(st, 1)}});
      sqlite3_finalize(st);
      return reply(conn, 200, out.dump());
    }
    if (uri == "/kiosk/volunteer" && CivetServer::getParam(conn, "id", param)) {
      Stmt st = prepare("SELECT display_name, emergency_contact, medical_notes FROM volunteers WHERE id = ?");
      st->setInt64(1, std::stoll(param));
      Rows rs(st->executeQuery());  // EXPECT: idor
      if (!rs->next()) return reply(conn, 404, "{}");
      return reply(conn, 200, json{{"name", rs->getString(1).asStdString()}, {"emergency", rs->getString(2).asStdString()},
                                   {"medical", rs->getString(3).asStdString()}}.dump());
    }
    if (uri == "/kiosk/photo" && CivetServer::getParam(conn, "checkin", param)) {
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(local_, "SELECT event_id FROM checkins WHERE id = ?", -1, &st, nullptr);
      sqlite3_bind_int64(st, 1, std::stoll(param));
      const bool mine = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == k->event_id;  // EXPECT: ok
      sqlite3_finalize(st);
      if (!mine) return reply(conn, 404, "{}");
      FILE* f = std::fopen(("/var/lib/kiosk/photos/" + std::to_string(std::stoll(param)) + ".jpg").c_str(), "rb");  // EXPECT: ok
      if (!f) return reply(conn, 404, "{}");
      mg_printf(conn, "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nConnection: close\r\n\r\n");
      char buf[8192]; size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) mg_write(conn, buf, n);
      std::fclose(f);
      return true;
    }
    return reply(conn, 404, "{}");
  }

  bool handlePost(CivetServer*, mg_connection* conn) override {
    auto k = kiosk(conn);
    if (!k) return reply(conn, 401, R"({"error":"unknown kiosk"})");
    const std::string uri = mg_get_request_info(conn)->local_uri;
    std::string param;
    if (uri == "/kiosk/checkin" && CivetServer::getParam(conn, "signup", param)) {
      Stmt st = prepare("SELECT sh.event_id FROM signups s JOIN shifts sh ON sh.id = s.shift_id WHERE s.id = ?");
      st->setInt64(1, std::stoll(param));
      Rows rs(st->executeQuery());  // EXPECT: ok
      if (!rs->next() || rs->getInt64(1) != k->event_id) return reply(conn, 403, R"({"error":"not on this event"})");
      sqlite3_stmt* ins = nullptr;
      sqlite3_prepare_v2(local_, "INSERT INTO checkins(signup_id, event_id, kiosk_id, in_at) VALUES (?, ?, ?, strftime('%s','now'))", -1, &ins, nullptr);
      sqlite3_bind_int64(ins, 1, std::stoll(param));
      sqlite3_bind_int64(ins, 2, k->event_id);
      sqlite3_bind_int64(ins, 3, k->id);
      const int rc = sqlite3_step(ins);  // EXPECT: ok
      sqlite3_finalize(ins);
      return reply(conn, rc == SQLITE_DONE ? 201 : 500, "{}");
    }
    if (uri == "/kiosk/checkout" && CivetServer::getParam(conn, "checkin", param)) {
      sqlite3_stmt* upd = nullptr;
      sqlite3_prepare_v2(local_, "UPDATE checkins SET out_at = strftime('%s','now') WHERE id = ?", -1, &upd, nullptr);
      sqlite3_bind_int64(upd, 1, std::stoll(param));
      sqlite3_step(upd);  // EXPECT: idor
      sqlite3_finalize(upd);
      return reply(conn, 200, "{}");
    }
    return reply(conn, 404, "{}");
  }

 private:
  struct Kiosk { int64_t id; int64_t event_id; };
  sqlite3* local_;

  std::optional<Kiosk> kiosk(mg_connection* conn) {
    const char* key = CivetServer::getHeader(conn, "X-Kiosk-Key");
    if (!key) return std::nullopt;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(local_, "SELECT id, event_id FROM kiosks WHERE device_key = ? AND active = 1", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    std::optional<Kiosk> out;
    if (sqlite3_step(st) == SQLITE_ROW) out = Kiosk{sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)};  // EXPECT: ok
    sqlite3_finalize(st);
    return out;
  }

  static bool reply(mg_connection* conn, int status, const std::string& body) {
    mg_printf(conn, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
              status, mg_get_response_code_text(conn, status), body.size());
    mg_write(conn, body.data(), body.size());
    return true;
  }
};

}  // namespace shifts

int main() {
  sqlite3* local = nullptr;
  sqlite3_open("/var/lib/kiosk/kiosk.db", &local);
  const char* opts[] = {"listening_ports", "8091", nullptr};
  CivetServer kioskServer(opts);
  shifts::KioskHandler kiosk(local);
  kioskServer.addHandler("/kiosk/", kiosk);
  Poco::Net::ServerSocket socket(8090);
  Poco::Net::HTTPServer server(new shifts::Router, socket, new Poco::Net::HTTPServerParams);
  server.start();
  std::cin.get();
  server.stop();
}
