/*
 * boxoffice-svc
 *
 * Primary ticketing API (cpprestsdk listener, hand-rolled router) plus the
 * fan-to-fan resale controller that was ported from the old Drogon app and
 * still runs in-process. Everything talks to the same Postgres cluster:
 * inventory through SOCI, tickets/auth through plain libpq (hot path, no ORM),
 * resale through Drogon's DbClient.
 */
#include <cpprest/http_listener.h>
#include <cpprest/json.h>
#include <cpprest/uri.h>

#include <drogon.h>

#include <libpq-fe.h>
#include <soci/soci.h>

#include <openssl/sha.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

using namespace web;
using namespace web::http;
using namespace web::http::experimental::listener;

namespace boxoffice {

// ---------------------------------------------------------------------------
// db plumbing
// ---------------------------------------------------------------------------

static soci::connection_pool *g_pool = nullptr;
static const char *kPgConnInfo = "host=pg-tickets dbname=tickets user=boxoffice";

struct PgConn {
  PGconn *c;
  PgConn() : c(PQconnectdb(kPgConnInfo)) {}
  ~PgConn() { PQfinish(c); }
};

struct PgResult {
  PGresult *r;
  explicit PgResult(PGresult *r) : r(r) {}
  ~PgResult() { PQclear(r); }
  bool ok() const { return PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK; }
  int rows() const { return PQntuples(r); }
  std::string get(int row, int col) const { return PQgetvalue(r, row, col); }
};

static std::string hex_sha256(const std::string &s) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char *>(s.data()), s.size(), d);
  static const char *hx = "0123456789abcdef";
  std::string out;
  for (unsigned char b : d) {
    out.push_back(hx[b >> 4]);
    out.push_back(hx[b & 15]);
  }
  return out;
}

// ---------------------------------------------------------------------------
// request context + auth
// ---------------------------------------------------------------------------

struct Customer {
  long id = 0;
  bool staff = false;
};

struct Ctx {
  http_request req;
  std::vector<std::string> seg;          // decoded path segments
  std::map<std::string, std::string> qs; // query string
  std::optional<Customer> who;
};

static std::optional<Customer> resolve_bearer(const http_request &req) {
  auto it = req.headers().find("Authorization");
  if (it == req.headers().end() || it->second.rfind("Bearer ", 0) != 0) return std::nullopt;
  const std::string digest = hex_sha256(it->second.substr(7));
  PgConn pg;
  const char *vals[] = {digest.c_str()};
  PgResult res(PQexecParams(pg.c, // EXPECT: ok
                            "SELECT c.id, c.is_staff FROM api_tokens t JOIN customers c ON c.id = t.customer_id "
                            "WHERE t.token_hash = $1 AND t.expires_at > now()",
                            1, nullptr, vals, nullptr, nullptr, 0));
  if (!res.ok() || res.rows() != 1) return std::nullopt;
  return Customer{std::stol(res.get(0, 0)), res.get(0, 1) == "t"};
}

static void reply_json(Ctx &c, status_code code, const json::value &v) { c.req.reply(code, v); }
static void reply_err(Ctx &c, status_code code, const std::string &msg) {
  json::value v;
  v["error"] = json::value::string(msg);
  c.req.reply(code, v);
}

static bool ticket_owned_by(PGconn *pg, const std::string &ticket_id, long customer_id) {
  const std::string cid = std::to_string(customer_id);
  const char *vals[] = {ticket_id.c_str(), cid.c_str()};
  PgResult res(PQexecParams(pg, "SELECT 1 FROM tickets WHERE id = $1 AND customer_id = $2 AND status = 'valid'", 2, // EXPECT: ok
                            nullptr, vals, nullptr, nullptr, 0));
  return res.ok() && res.rows() == 1;
}

// ---------------------------------------------------------------------------
// handlers
// ---------------------------------------------------------------------------

// GET /events/{id}  (public)
static void get_event(Ctx &c) {
  soci::session sql(*g_pool);
  const long event_id = std::stol(c.seg[1]);
  std::string name, venue, starts_at;
  sql << "SELECT name, venue, starts_at FROM events WHERE id = :id AND published", soci::use(event_id), // EXPECT: ok
      soci::into(name), soci::into(venue), soci::into(starts_at);
  if (!sql.got_data()) return reply_err(c, status_codes::NotFound, "no such event");
  json::value v;
  v["name"] = json::value::string(name);
  v["venue"] = json::value::string(venue);
  v["starts_at"] = json::value::string(starts_at);
  reply_json(c, status_codes::OK, v);
}

// GET /events/{id}/seats  (public seat map)
static void get_seats(Ctx &c) {
  PgConn pg;
  const char *vals[] = {c.seg[1].c_str()};
  PgResult res(PQexecParams(pg.c, "SELECT section, row_label, seat_no, state FROM seats WHERE event_id = $1", 1, // EXPECT: ok
                            nullptr, vals, nullptr, nullptr, 0));
  json::value arr = json::value::array();
  for (int i = 0; i < res.rows(); ++i) {
    json::value s;
    s["section"] = json::value::string(res.get(i, 0));
    s["seat"] = json::value::string(res.get(i, 1) + res.get(i, 2));
    s["state"] = json::value::string(res.get(i, 3));
    arr[i] = s;
  }
  reply_json(c, status_codes::OK, arr);
}

// POST /holds  {event_id, seat_ids: [...]}
static void create_hold(Ctx &c) {
  auto body = c.req.extract_json().get();
  const long event_id = body.at("event_id").as_number().to_int64();
  std::vector<long> seat_ids;
  for (const auto &s : body.at("seat_ids").as_array()) seat_ids.push_back(s.as_number().to_int64());
  const long cust = c.who->id;
  soci::session sql(*g_pool);
  soci::transaction tr(sql);
  long hold_id = 0;
  sql << "INSERT INTO holds (event_id, customer_id, expires_at) VALUES (:e, :c, now() + interval '10 minutes') " // EXPECT: ok
         "RETURNING id",
      soci::use(event_id), soci::use(cust), soci::into(hold_id);
  for (long seat : seat_ids) {
    sql << "UPDATE seats SET state = 'held', hold_id = :h WHERE event_id = :e AND id = :s AND state = 'free'", // EXPECT: ok
        soci::use(hold_id), soci::use(event_id), soci::use(seat);
  }
  tr.commit();
  json::value v;
  v["hold_id"] = json::value::number(static_cast<int64_t>(hold_id));
  reply_json(c, status_codes::Created, v);
}

// GET /holds/{id}
static void get_hold(Ctx &c) {
  soci::session sql(*g_pool);
  const long hold_id = std::stol(c.seg[1]);
  const long cust = c.who->id;
  std::string status, expires_at;
  sql << "SELECT status, expires_at FROM holds WHERE id = :id AND customer_id = :c", soci::use(hold_id), // EXPECT: ok
      soci::use(cust), soci::into(status), soci::into(expires_at);
  if (!sql.got_data()) return reply_err(c, status_codes::NotFound, "no such hold");
  json::value v;
  v["status"] = json::value::string(status);
  v["expires_at"] = json::value::string(expires_at);
  reply_json(c, status_codes::OK, v);
}

// DELETE /holds/{id}  -- release seats early
static void release_hold(Ctx &c) {
  soci::session sql(*g_pool);
  const long hold_id = std::stol(c.seg[1]);
  sql << "UPDATE holds SET status = 'released' WHERE id = :id AND status = 'active'", soci::use(hold_id); // EXPECT: idor
  c.req.reply(status_codes::NoContent);
}

// POST /holds/{id}/checkout
static void checkout_hold(Ctx &c) {
  soci::session sql(*g_pool);
  long hold_id = std::stol(c.seg[1]);
  long owner = 0;
  std::string status;
  soci::statement load = (sql.prepare << "SELECT customer_id, status FROM holds WHERE id = :id FOR UPDATE",
                          soci::use(hold_id), soci::into(owner), soci::into(status));
  soci::transaction tr(sql);
  load.execute(true); // EXPECT: ok
  if (!load.got_data() || owner != c.who->id) return reply_err(c, status_codes::NotFound, "no such hold");
  if (status != "active") return reply_err(c, status_codes::Conflict, "hold expired");
  sql << "INSERT INTO tickets (event_id, seat_id, customer_id, barcode, status) " // EXPECT: ok
         "SELECT s.event_id, s.id, :c, encode(gen_random_bytes(16), 'hex'), 'valid' FROM seats s WHERE s.hold_id = :h",
      soci::use(owner), soci::use(hold_id);
  sql << "UPDATE holds SET status = 'converted' WHERE id = :h", soci::use(hold_id); // EXPECT: ok
  tr.commit();
  c.req.reply(status_codes::OK);
}

// GET /tickets/{id}/barcode -- what the gate scanners read
static void ticket_barcode(Ctx &c) {
  PgConn pg;
  const char *vals[] = {c.seg[1].c_str()};
  PgResult res(PQexecParams(pg.c, "SELECT barcode, status FROM tickets WHERE id = $1", 1, nullptr, vals, nullptr, // EXPECT: idor
                            nullptr, 0));
  if (!res.ok() || res.rows() != 1) return reply_err(c, status_codes::NotFound, "no such ticket");
  json::value v;
  v["barcode"] = json::value::string(res.get(0, 0));
  v["status"] = json::value::string(res.get(0, 1));
  reply_json(c, status_codes::OK, v);
}

// POST /tickets/{id}/transfer  {to_email}
static void transfer_ticket(Ctx &c) {
  auto body = c.req.extract_json().get();
  const std::string to_email = body.at("to_email").as_string();
  const std::string &ticket_id = c.seg[1];
  PgConn pg;
  if (!ticket_owned_by(pg.c, ticket_id, c.who->id)) return reply_err(c, status_codes::NotFound, "no such ticket");
  const char *vals[] = {to_email.c_str(), ticket_id.c_str()};
  PgResult res(PQexecParams(pg.c, // EXPECT: ok
                            "UPDATE tickets SET customer_id = (SELECT id FROM customers WHERE email = $1), "
                            "barcode = encode(gen_random_bytes(16), 'hex') WHERE id = $2",
                            2, nullptr, vals, nullptr, nullptr, 0));
  c.req.reply(res.ok() ? status_codes::OK : status_codes::BadRequest);
}

// GET /my/tickets[?customer_id=]  -- the box-office terminal reuses this
// endpoint and passes the customer it is serving.
static void my_tickets(Ctx &c) {
  std::string cust = std::to_string(c.who->id);
  if (auto it = c.qs.find("customer_id"); it != c.qs.end()) cust = it->second;
  PgConn pg;
  const char *vals[] = {cust.c_str()};
  PgResult res(PQexecParams(pg.c, // EXPECT: identity
                            "SELECT t.id, e.name, t.barcode FROM tickets t JOIN events e ON e.id = t.event_id "
                            "WHERE t.customer_id = $1 AND t.status = 'valid'",
                            1, nullptr, vals, nullptr, nullptr, 0));
  json::value arr = json::value::array();
  for (int i = 0; i < res.rows(); ++i) {
    json::value t;
    t["id"] = json::value::string(res.get(i, 0));
    t["event"] = json::value::string(res.get(i, 1));
    t["barcode"] = json::value::string(res.get(i, 2));
    arr[i] = t;
  }
  reply_json(c, status_codes::OK, arr);
}

// POST /admin/events/{id}/cancel
static void admin_cancel_event(Ctx &c) {
  if (!c.who->staff) return reply_err(c, status_codes::Forbidden, "staff only");
  soci::session sql(*g_pool);
  const long event_id = std::stol(c.seg[2]);
  sql << "UPDATE events SET status = 'cancelled' WHERE id = :id", soci::use(event_id); // EXPECT: ok
  c.req.reply(status_codes::NoContent);
}

// GET /admin/events/{id}/attendees[?format=csv]
static void admin_attendees(Ctx &c) {
  soci::session sql(*g_pool);
  const long event_id = std::stol(c.seg[2]);
  auto fmt = c.qs.count("format") ? c.qs["format"] : std::string("json");
  if (fmt == "csv") {
    // streamed straight to the promoter's spreadsheet import
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT c.email, c.full_name, s.section, s.seat_no FROM tickets t " // EXPECT: idor
                                                 "JOIN customers c ON c.id = t.customer_id JOIN seats s ON s.id = t.seat_id "
                                                 "WHERE t.event_id = :e",
                                  soci::use(event_id));
    std::string csv = "email,name,section,seat\n";
    for (const auto &r : rs)
      csv += r.get<std::string>(0) + "," + r.get<std::string>(1) + "," + r.get<std::string>(2) + "," +
             std::to_string(r.get<int>(3)) + "\n";
    c.req.reply(status_codes::OK, csv, "text/csv");
    return;
  }
  if (!c.who->staff) return reply_err(c, status_codes::Forbidden, "staff only");
  int count = 0;
  sql << "SELECT count(*) FROM tickets WHERE event_id = :e AND status = 'valid'", soci::use(event_id), // EXPECT: ok
      soci::into(count);
  json::value v;
  v["attendees"] = json::value::number(count);
  reply_json(c, status_codes::OK, v);
}

// ---------------------------------------------------------------------------
// router
// ---------------------------------------------------------------------------

struct Route {
  method verb;
  std::regex pattern;
  bool needs_auth;
  std::function<void(Ctx &)> fn;
};

static const std::vector<Route> &routes() {
  static const std::vector<Route> table = {
      {methods::GET, std::regex(R"(^/events/\d+$)"), false, get_event},
      {methods::GET, std::regex(R"(^/events/\d+/seats$)"), false, get_seats},
      {methods::POST, std::regex(R"(^/holds$)"), true, create_hold},
      {methods::GET, std::regex(R"(^/holds/\d+$)"), true, get_hold},
      {methods::DEL, std::regex(R"(^/holds/\d+$)"), true, release_hold},
      {methods::POST, std::regex(R"(^/holds/\d+/checkout$)"), true, checkout_hold},
      {methods::GET, std::regex(R"(^/tickets/\d+/barcode$)"), true, ticket_barcode},
      {methods::POST, std::regex(R"(^/tickets/\d+/transfer$)"), true, transfer_ticket},
      {methods::GET, std::regex(R"(^/my/tickets$)"), true, my_tickets},
      {methods::POST, std::regex(R"(^/admin/events/\d+/cancel$)"), true, admin_cancel_event},
      {methods::GET, std::regex(R"(^/admin/events/\d+/attendees$)"), true, admin_attendees},
  };
  return table;
}

static void dispatch(http_request req) {
  const std::string path = uri::decode(req.relative_uri().path());
  for (const auto &r : routes()) {
    if (r.verb != req.method() || !std::regex_match(path, r.pattern)) continue;
    Ctx c{req, uri::split_path(path), {}, std::nullopt};
    c.qs = uri::split_query(req.relative_uri().query());
    if (r.needs_auth) {
      c.who = resolve_bearer(req);
      if (!c.who) return reply_err(c, status_codes::Unauthorized, "login required");
    }
    try {
      r.fn(c);
    } catch (const std::exception &e) {
      reply_err(c, status_codes::InternalError, "internal error");
    }
    return;
  }
  req.reply(status_codes::NotFound);
}

} // namespace boxoffice

// ---------------------------------------------------------------------------
// resale marketplace (Drogon)
// ---------------------------------------------------------------------------

namespace resale {
using namespace drogon;

struct Listing {
  using PrimaryKeyType = int64_t;
  int64_t id = 0;
  int64_t ticket_id = 0;
  int64_t seller_id = 0;
  int64_t buyer_id = 0;
  int price_cents = 0;
};

static orm::DbClientPtr g_db;
static orm::DbClientPtr db() { return g_db; }

static HttpResponsePtr status(HttpStatusCode code, const std::string &body = "") {
  auto r = HttpResponse::newHttpResponse();
  r->setStatusCode(code);
  r->setBody(body);
  return r;
}

class ResaleController : public HttpController<ResaleController> {
public:
  METHOD_LIST_BEGIN
  ADD_METHOD_TO(ResaleController::getListing, "/resale/listings/{1}", Get);
  ADD_METHOD_TO(ResaleController::createListing, "/resale/listings", Post, "LoginFilter");
  ADD_METHOD_TO(ResaleController::setPrice, "/resale/listings/{1}/price", Post, "LoginFilter");
  ADD_METHOD_TO(ResaleController::withdraw, "/resale/listings/{1}", Delete, "LoginFilter");
  ADD_METHOD_TO(ResaleController::buyerInfo, "/resale/listings/{1}/buyer", Get, "LoginFilter");
  ADD_METHOD_TO(ResaleController::payouts, "/resale/payouts", Get, "LoginFilter");
  METHOD_LIST_END

  void getListing(const HttpRequestPtr &req, std::function<void(const HttpResponsePtr &)> &&cb, int64_t id) {
    orm::Mapper<Listing> mapper;
    Listing l = mapper.findByPrimaryKey(id); // EXPECT: ok
    cb(status(k200OK, "{\"ticket_id\":" + std::to_string(l.ticket_id) + ",\"price_cents\":" +
                           std::to_string(l.price_cents) + "}"));
  }

  void createListing(const HttpRequestPtr &req, std::function<void(const HttpResponsePtr &)> &&cb) {
    const long me = req->session()->get<long>("customer_id");
    const std::string ticket = req->getParameter("ticket_id");
    const std::string price = req->getParameter("price_cents");
    auto owned = db()->execSqlSync("SELECT 1 FROM tickets WHERE id = $1 AND customer_id = $2 AND status = 'valid'", // EXPECT: ok
                                   ticket, me);
    if (owned.size() != 1) return cb(status(k404NotFound));
    db()->execSqlSync("INSERT INTO resale_listings (ticket_id, seller_id, price_cents) VALUES ($1, $2, $3)", ticket, // EXPECT: ok
                      me, price);
    cb(status(k200OK));
  }

  void setPrice(const HttpRequestPtr &req, std::function<void(const HttpResponsePtr &)> &&cb, int64_t id) {
    const long me = req->session()->get<long>("customer_id");
    const std::string price = req->getParameter("price_cents");
    auto r = db()->execSqlSync("UPDATE resale_listings SET price_cents = $1 WHERE id = $2 AND seller_id = $3 " // EXPECT: ok
                               "AND buyer_id IS NULL",
                               price, id, me);
    cb(status(r.affectedRows() ? k200OK : k404NotFound));
  }

  void withdraw(const HttpRequestPtr &req, std::function<void(const HttpResponsePtr &)> &&cb, int64_t id) {
    orm::Mapper<Listing> mapper;
    if (mapper.deleteByPrimaryKey(id) == 0) return cb(status(k404NotFound)); // EXPECT: idor
    cb(status(k200OK));
  }

  void buyerInfo(const HttpRequestPtr &req, std::function<void(const HttpResponsePtr &)> &&cb, int64_t id) {
    const long me = req->session()->get<long>("customer_id");
    orm::Mapper<Listing> mapper;
    Listing l = mapper.findByPrimaryKey(id); // EXPECT: ok
    if (l.seller_id != me) return cb(status(k403Forbidden));
    auto r = db()->execSqlSync("SELECT display_name FROM customers WHERE id = $1", l.buyer_id); // EXPECT: ok
    cb(status(k200OK, r.size() ? "sold" : "unsold"));
  }

  // Payout ledger; the seller dashboard sets a `seller` cookie on login.
  void payouts(const HttpRequestPtr &req, std::function<void(const HttpResponsePtr &)> &&cb) {
    const std::string seller = req->getCookie("seller");
    auto r = db()->execSqlSync("SELECT amount_cents, paid_at, iban_last4 FROM payouts WHERE seller_id = $1 " // EXPECT: identity
                               "ORDER BY paid_at DESC",
                               seller);
    cb(status(k200OK, std::to_string(r.size()) + " payouts"));
  }
};

} // namespace resale

int main() {
  soci::connection_pool pool(8);
  for (size_t i = 0; i < 8; ++i) pool.at(i).open("postgresql", boxoffice::kPgConnInfo);
  boxoffice::g_pool = &pool;

  http_listener listener("http://0.0.0.0:8080");
  listener.support(boxoffice::dispatch);
  listener.open().wait();
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}
