// ironworks-members — membership backend for the IronWorks gym chain.
//
//  * Member app API (Pistache, :9080): members, class bookings, payments,
//    guest passes, progress photos.
//  * Front-desk staff console (CivetWeb, :9443): card check-in, lockers,
//    staff notes, refunds and shift clock-in.
//
// Each club is a tenant (gym_id). Data lives in one SQLite database per
// region; member uploads live on local disk under /var/lib/ironworks.
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/router.h>

#include <CivetServer.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

using namespace Pistache;
using json = nlohmann::json;

namespace ironworks {

static const std::string kDbPath = "/var/lib/ironworks/members.db";
static const std::string kUploadRoot = "/var/lib/ironworks/uploads/";
static const std::string kWaiverRoot = "/var/lib/ironworks/waivers/";

struct RequestCtx {
  int64_t member_id = 0;
  int64_t gym_id = 0;
  std::string role; // member | trainer | staff
};

static std::string slurp(std::ifstream &in) {
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ===========================================================================
// Member app API (Pistache)
// ===========================================================================
class MemberApi {
public:
  explicit MemberApi(SQLite::Database &db) : db_(db) {}

  void routes(Rest::Router &r) {
    using namespace Rest;
    Routes::Get(r, "/v1/me", Routes::bind(&MemberApi::me, this));
    Routes::Get(r, "/v1/members/:id/membership", Routes::bind(&MemberApi::membership, this));
    Routes::Get(r, "/v1/members/:id/checkins", Routes::bind(&MemberApi::checkins, this));
    Routes::Get(r, "/v1/members/:id/waiver", Routes::bind(&MemberApi::waiver, this));
    Routes::Get(r, "/v1/members/:id/progress-photos/:n", Routes::bind(&MemberApi::progressPhoto, this));
    Routes::Get(r, "/v1/members/:id/payment-methods", Routes::bind(&MemberApi::paymentMethods, this));
    Routes::Put(r, "/v1/members/:id/freeze", Routes::bind(&MemberApi::freeze, this));
    Routes::Post(r, "/v1/classes/:id/bookings", Routes::bind(&MemberApi::book, this));
    Routes::Delete(r, "/v1/bookings/:id", Routes::bind(&MemberApi::cancelBooking, this));
    Routes::Get(r, "/v1/payments", Routes::bind(&MemberApi::payments, this));
    Routes::Post(r, "/v1/guest-passes", Routes::bind(&MemberApi::issueGuestPass, this));
    Routes::Post(r, "/v1/trainers/:id/reviews", Routes::bind(&MemberApi::reviewTrainer, this));
  }

private:
  std::optional<RequestCtx> auth(const Rest::Request &req) {
    auto h = req.headers().tryGetRaw("Authorization");
    if (!h) return std::nullopt;
    const std::string &v = h->value();
    if (v.rfind("Bearer ", 0) != 0) return std::nullopt;
    SQLite::Statement q(db_, "SELECT member_id, gym_id, role FROM api_tokens "
                             "WHERE token = ? AND expires_at > strftime('%s','now')");
    q.bind(1, v.substr(7));
    if (!q.executeStep()) return std::nullopt; // EXPECT: ok
    RequestCtx ctx;
    ctx.member_id = q.getColumn(0).getInt64();
    ctx.gym_id = q.getColumn(1).getInt64();
    ctx.role = q.getColumn(2).getString();
    return ctx;
  }

  // Members may see themselves; staff may see members of their own club.
  bool canViewMember(const RequestCtx &ctx, int64_t member_id) {
    if (member_id == ctx.member_id) return true;
    if (ctx.role != "staff") return false;
    SQLite::Statement q(db_, "SELECT 1 FROM members WHERE id = ? AND gym_id = ?");
    q.bind(1, member_id);
    q.bind(2, ctx.gym_id);
    return q.executeStep(); // EXPECT: ok
  }

  void me(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx) { resp.send(Http::Code::Unauthorized); return; }
    SQLite::Statement q(db_, "SELECT first_name, last_name, plan, status FROM members WHERE id = ?");
    q.bind(1, ctx->member_id);
    if (!q.executeStep()) { resp.send(Http::Code::Not_Found); return; } // EXPECT: ok
    json out = {{"first_name", q.getColumn(0).getString()},
                {"last_name", q.getColumn(1).getString()},
                {"plan", q.getColumn(2).getString()},
                {"status", q.getColumn(3).getString()}};
    resp.send(Http::Code::Ok, out.dump());
  }

  void membership(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx) { resp.send(Http::Code::Unauthorized); return; }
    int64_t id = req.param(":id").as<int64_t>();
    SQLite::Statement q(db_, "SELECT gym_id, plan, renews_on, status FROM members WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) { resp.send(Http::Code::Not_Found); return; } // EXPECT: ok
    int64_t gym = q.getColumn(0).getInt64();
    bool allowed = gym == ctx->gym_id && (ctx->role == "staff" || id == ctx->member_id);
    if (!allowed) { resp.send(Http::Code::Not_Found); return; }
    json out = {{"plan", q.getColumn(1).getString()},
                {"renews_on", q.getColumn(2).getString()},
                {"status", q.getColumn(3).getString()}};
    resp.send(Http::Code::Ok, out.dump());
  }

  void checkins(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx) { resp.send(Http::Code::Unauthorized); return; }
    int64_t id = req.param(":id").as<int64_t>();
    SQLite::Statement q(db_, "SELECT c.at, g.name FROM checkins c JOIN gyms g ON g.id = c.gym_id "
                             "WHERE c.member_id = ? ORDER BY c.at DESC LIMIT 100");
    q.bind(1, id);
    json out = json::array();
    while (q.executeStep()) { // EXPECT: idor
      out.push_back({{"at", q.getColumn(0).getString()}, {"club", q.getColumn(1).getString()}});
    }
    resp.send(Http::Code::Ok, out.dump());
  }

  void waiver(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx) { resp.send(Http::Code::Unauthorized); return; }
    int64_t id = req.param(":id").as<int64_t>();
    if (!canViewMember(*ctx, id)) { resp.send(Http::Code::Forbidden); return; }
    std::ifstream in(kWaiverRoot + std::to_string(id) + ".pdf", std::ios::binary); // EXPECT: ok
    if (!in) { resp.send(Http::Code::Not_Found); return; }
    resp.headers().add<Http::Header::ContentType>(MIME(Application, OctetStream));
    resp.send(Http::Code::Ok, slurp(in));
  }

  void progressPhoto(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx) { resp.send(Http::Code::Unauthorized); return; }
    auto member = req.param(":id").as<std::string>();
    auto n = req.param(":n").as<int>();
    std::string path = kUploadRoot + "progress/" + member + "/" + std::to_string(n) + ".jpg";
    std::ifstream in(path, std::ios::binary); // EXPECT: idor
    if (!in) { resp.send(Http::Code::Not_Found); return; }
    resp.headers().add<Http::Header::ContentType>(MIME(Image, Jpeg));
    resp.send(Http::Code::Ok, slurp(in));
  }

  void paymentMethods(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx) { resp.send(Http::Code::Unauthorized); return; }
    int64_t id = req.param(":id").as<int64_t>();
    if (ctx->role != "staff" && id != ctx->member_id) { resp.send(Http::Code::Forbidden); return; }
    SQLite::Statement q(db_, "SELECT brand, last4, exp_month, exp_year FROM payment_methods WHERE member_id = ?");
    q.bind(1, id);
    json out = json::array();
    while (q.executeStep()) { // EXPECT: idor
      out.push_back({{"brand", q.getColumn(0).getString()},
                     {"last4", q.getColumn(1).getString()},
                     {"exp", std::to_string(q.getColumn(2).getInt()) + "/" + std::to_string(q.getColumn(3).getInt())}});
    }
    resp.send(Http::Code::Ok, out.dump());
  }

  void freeze(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx) { resp.send(Http::Code::Unauthorized); return; }
    if (ctx->role != "staff") { resp.send(Http::Code::Forbidden); return; }
    int64_t id = req.param(":id").as<int64_t>();
    if (!canViewMember(*ctx, id)) { resp.send(Http::Code::Not_Found); return; }
    auto body = json::parse(req.body(), nullptr, false);
    std::string until = body.is_object() ? body.value("until", std::string()) : std::string();
    SQLite::Statement u(db_, "UPDATE members SET status = 'frozen', frozen_until = ? WHERE id = ?");
    u.bind(1, until);
    u.bind(2, id);
    u.exec(); // EXPECT: ok
    resp.send(Http::Code::No_Content);
  }

  void book(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx) { resp.send(Http::Code::Unauthorized); return; }
    int64_t class_id = req.param(":id").as<int64_t>();
    SQLite::Statement cls(db_, "SELECT capacity, (SELECT COUNT(*) FROM bookings b WHERE b.class_id = c.id) "
                               "FROM classes c WHERE c.id = ? AND c.gym_id = ?");
    cls.bind(1, class_id);
    cls.bind(2, ctx->gym_id);
    if (!cls.executeStep()) { resp.send(Http::Code::Not_Found); return; } // EXPECT: ok
    if (cls.getColumn(1).getInt() >= cls.getColumn(0).getInt()) {
      resp.send(Http::Code::Conflict, R"({"error":"class full"})");
      return;
    }
    SQLite::Statement ins(db_, "INSERT INTO bookings (class_id, member_id, created_at) VALUES (?, ?, strftime('%s','now'))");
    ins.bind(1, class_id);
    ins.bind(2, ctx->member_id);
    ins.exec(); // EXPECT: ok
    resp.send(Http::Code::Created, json{{"booking_id", db_.getLastInsertRowid()}}.dump());
  }

  void cancelBooking(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx) { resp.send(Http::Code::Unauthorized); return; }
    int64_t booking_id = req.param(":id").as<int64_t>();
    SQLite::Statement del(db_, "DELETE FROM bookings WHERE id = ? AND member_id = ?");
    del.bind(1, booking_id);
    del.bind(2, ctx->member_id);
    int n = del.exec(); // EXPECT: ok
    resp.send(n ? Http::Code::No_Content : Http::Code::Not_Found);
  }

  // Staff may look up any member of their club; members get their own list.
  void payments(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx) { resp.send(Http::Code::Unauthorized); return; }
    int64_t member = ctx->member_id;
    auto qp = req.query().get("member_id");
    if (qp && ctx->role == "staff") member = std::stoll(*qp);
    SQLite::Statement q(db_, "SELECT p.paid_at, p.amount_cents, p.description FROM payments p "
                             "JOIN members m ON m.id = p.member_id WHERE p.member_id = ? AND m.gym_id = ?");
    q.bind(1, member);
    q.bind(2, ctx->gym_id);
    json out = json::array();
    while (q.executeStep()) { // EXPECT: ok
      out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getString()});
    }
    resp.send(Http::Code::Ok, out.dump());
  }

  // The mobile app sends the sponsoring member so family-plan members can
  // issue passes from the primary account holder's allowance.
  void issueGuestPass(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx) { resp.send(Http::Code::Unauthorized); return; }
    auto body = json::parse(req.body(), nullptr, false);
    if (!body.is_object()) { resp.send(Http::Code::Bad_Request); return; }
    int64_t sponsor = body.value("sponsor_member_id", ctx->member_id);
    std::string guest = body.value("guest_name", std::string());
    SQLite::Statement ins(db_, "INSERT INTO guest_passes (sponsor_member_id, gym_id, guest_name, valid_on) "
                               "VALUES (?, ?, ?, date('now'))");
    ins.bind(1, sponsor);
    ins.bind(2, ctx->gym_id);
    ins.bind(3, guest);
    ins.exec(); // EXPECT: identity
    resp.send(Http::Code::Created);
  }

  void reviewTrainer(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx) { resp.send(Http::Code::Unauthorized); return; }
    int64_t trainer = req.param(":id").as<int64_t>();
    auto body = json::parse(req.body(), nullptr, false);
    if (!body.is_object()) { resp.send(Http::Code::Bad_Request); return; }
    SQLite::Statement ins(db_, "INSERT INTO trainer_reviews (trainer_id, author_member_id, stars, text) VALUES (?, ?, ?, ?)");
    ins.bind(1, trainer);
    ins.bind(2, ctx->member_id);
    ins.bind(3, body.value("stars", 5));
    ins.bind(4, body.value("text", std::string()));
    ins.exec(); // EXPECT: ok
    resp.send(Http::Code::Created);
  }

  SQLite::Database &db_;
};

// ===========================================================================
// Front-desk staff console (CivetWeb, raw sqlite3)
// ===========================================================================
struct StaffUser {
  int64_t id = 0;
  int64_t gym_id = 0;
  std::string role; // desk | manager
};

static sqlite3 *g_desk_db = nullptr;

static void reply(mg_connection *conn, int status, const std::string &body) {
  mg_printf(conn, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n", status,
            body.size());
  mg_write(conn, body.data(), body.size());
}

static std::optional<StaffUser> lookupStaff(mg_connection *conn) {
  std::string sid;
  if (CivetServer::getCookie(conn, "ws_staff", sid) <= 0) return std::nullopt;
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(g_desk_db, "SELECT staff_id, gym_id, role FROM staff_sessions WHERE sid = ? AND expires_at > strftime('%s','now')", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, sid.c_str(), -1, SQLITE_TRANSIENT);
  std::optional<StaffUser> out;
  if (sqlite3_step(st) == SQLITE_ROW) { // EXPECT: ok
    out = StaffUser{sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                    reinterpret_cast<const char *>(sqlite3_column_text(st, 2))};
  }
  sqlite3_finalize(st);
  return out;
}

// Prepared here, stepped by the caller.
static sqlite3_stmt *prepareCardLookup(const std::string &barcode, int64_t gym_id) {
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(g_desk_db, "SELECT id, status, first_name FROM members WHERE card_barcode = ? AND gym_id = ?", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, barcode.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, gym_id);
  return st;
}

class CardCheckinHandler : public CivetHandler {
public:
  bool handlePost(CivetServer *, mg_connection *conn) override {
    auto staff = lookupStaff(conn);
    if (!staff) { reply(conn, 401, R"({"error":"login"})"); return true; }
    std::string barcode;
    if (!CivetServer::getParam(conn, "card", barcode)) { reply(conn, 400, R"({"error":"card"})"); return true; }
    sqlite3_stmt *st = prepareCardLookup(barcode, staff->gym_id);
    if (sqlite3_step(st) != SQLITE_ROW) { // EXPECT: ok
      sqlite3_finalize(st);
      reply(conn, 404, R"({"error":"unknown card"})");
      return true;
    }
    int64_t member_id = sqlite3_column_int64(st, 0);
    std::string status = reinterpret_cast<const char *>(sqlite3_column_text(st, 1));
    std::string first = reinterpret_cast<const char *>(sqlite3_column_text(st, 2));
    sqlite3_finalize(st);
    if (status != "active") { reply(conn, 409, json{{"status", status}}.dump()); return true; }

    sqlite3_stmt *ins = nullptr;
    sqlite3_prepare_v2(g_desk_db, "INSERT INTO checkins (member_id, gym_id, at) VALUES (?, ?, strftime('%s','now'))", -1, &ins, nullptr);
    sqlite3_bind_int64(ins, 1, member_id);
    sqlite3_bind_int64(ins, 2, staff->gym_id);
    sqlite3_step(ins); // EXPECT: ok
    sqlite3_finalize(ins);
    reply(conn, 200, json{{"welcome", first}}.dump());
    return true;
  }
};

class LockerHandler : public CivetHandler {
public:
  bool handleGet(CivetServer *, mg_connection *conn) override {
    auto staff = lookupStaff(conn);
    if (!staff) { reply(conn, 401, R"({"error":"login"})"); return true; }
    std::string locker;
    CivetServer::getParam(conn, "locker", locker);
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(g_desk_db, "SELECT member_id, expires_on FROM lockers WHERE number = ? AND gym_id = ?", -1, &st, nullptr);
    sqlite3_bind_int(st, 1, std::atoi(locker.c_str()));
    sqlite3_bind_int64(st, 2, staff->gym_id);
    json out = json::object();
    if (sqlite3_step(st) == SQLITE_ROW) { // EXPECT: ok
      out["member_id"] = sqlite3_column_int64(st, 0);
      out["expires_on"] = reinterpret_cast<const char *>(sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    reply(conn, 200, out.dump());
    return true;
  }
};

class StaffNotesHandler : public CivetHandler {
public:
  bool handleGet(CivetServer *, mg_connection *conn) override {
    auto staff = lookupStaff(conn);
    if (!staff) { reply(conn, 401, R"({"error":"login"})"); return true; }
    std::string member;
    if (!CivetServer::getParam(conn, "member_id", member)) { reply(conn, 400, "{}"); return true; }
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(g_desk_db, "SELECT note, author_staff_id, created_at FROM staff_notes WHERE member_id = ? ORDER BY created_at DESC", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, std::stoll(member));
    json out = json::array();
    while (sqlite3_step(st) == SQLITE_ROW) { // EXPECT: idor
      out.push_back({reinterpret_cast<const char *>(sqlite3_column_text(st, 0)), sqlite3_column_int64(st, 1),
                     sqlite3_column_int64(st, 2)});
    }
    sqlite3_finalize(st);
    reply(conn, 200, out.dump());
    return true;
  }
};

// Wall-mounted shift tablet. The tablet app remembers which staff member
// tapped their badge and sends it along.
class ClockInHandler : public CivetHandler {
public:
  bool handlePost(CivetServer *, mg_connection *conn) override {
    const char *staff_hdr = CivetServer::getHeader(conn, "X-Staff-Id");
    const char *gym_hdr = CivetServer::getHeader(conn, "X-Gym-Id");
    if (!staff_hdr || !gym_hdr) { reply(conn, 400, R"({"error":"missing badge"})"); return true; }
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(g_desk_db, "INSERT INTO shifts (staff_id, gym_id, clock_in) VALUES (?, ?, strftime('%s','now'))", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, std::atoll(staff_hdr));
    sqlite3_bind_int64(st, 2, std::atoll(gym_hdr));
    int rc = sqlite3_step(st); // EXPECT: identity
    sqlite3_finalize(st);
    reply(conn, rc == SQLITE_DONE ? 201 : 500, "{}");
    return true;
  }
};

class RefundHandler : public CivetHandler {
public:
  bool handlePost(CivetServer *, mg_connection *conn) override {
    auto staff = lookupStaff(conn);
    if (!staff) { reply(conn, 401, R"({"error":"login"})"); return true; }
    if (staff->role != "manager") { reply(conn, 403, R"({"error":"managers only"})"); return true; }
    std::string payment;
    if (!CivetServer::getParam(conn, "payment_id", payment)) { reply(conn, 400, "{}"); return true; }
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(g_desk_db, "UPDATE payments SET refunded_at = strftime('%s','now'), refunded_by = ? "
                                  "WHERE id = ? AND member_id IN (SELECT id FROM members WHERE gym_id = ?)", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, staff->id);
    sqlite3_bind_int64(st, 2, std::stoll(payment));
    sqlite3_bind_int64(st, 3, staff->gym_id);
    sqlite3_step(st); // EXPECT: ok
    int changed = sqlite3_changes(g_desk_db);
    sqlite3_finalize(st);
    reply(conn, changed ? 200 : 404, "{}");
    return true;
  }
};

} // namespace ironworks

int main() {
  using namespace ironworks;
  SQLite::Database db(kDbPath, SQLite::OPEN_READWRITE);
  sqlite3_open_v2(kDbPath.c_str(), &g_desk_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);

  std::vector<std::string> opts = {"listening_ports", "9443s", "ssl_certificate", "/etc/ironworks/desk.pem"};
  CivetServer desk(opts);
  CardCheckinHandler checkin;
  LockerHandler lockers;
  StaffNotesHandler notes;
  ClockInHandler clock;
  RefundHandler refunds;
  desk.addHandler("/desk/checkin", checkin);
  desk.addHandler("/desk/lockers", lockers);
  desk.addHandler("/desk/notes", notes);
  desk.addHandler("/desk/clock-in", clock);
  desk.addHandler("/desk/refunds", refunds);

  Rest::Router router;
  MemberApi api(db);
  api.routes(router);
  Http::Endpoint endpoint(Address(Ipv4::any(), Port(9080)));
  endpoint.init(Http::Endpoint::options().threads(4));
  endpoint.setHandler(router.handler());
  endpoint.serve();
  return 0;
}
