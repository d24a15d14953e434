// How a service authenticates decides what the principal is: lookups keyed
// by a credential the client presents (a hashed bearer token, a session id in
// a header, an API key) answer who the caller is. Real cpp-httplib, cpprest,
// Crow stubs, libpq, libpqxx, hiredis, SQLiteCpp and cpp-jwt headers.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -I/usr/include/postgresql
#include <cpprest/http_listener.h>
#include <crow.h>
#include <hiredis/hiredis.h>
#include <httplib.h>
#include <jwt/jwt.hpp>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <libpq-fe.h>
#include <mysql_driver.h>
#include <openssl/sha.h>
#include <pqxx/pqxx>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace web::http;

PGconn *pg();
redisContext *rc();
pqxx::connection &conn();

// Hex of a SHA-256 through a digit table: the hash of the client's token is
// still the client's token.
static std::string sha_hex(const std::string &s) {
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

struct Customer {
  long id = 0;
  bool staff = false;
};

struct Ctx {
  http_request req;
  std::vector<std::string> seg;
  std::optional<Customer> who;
};

// Not named as a principal source: its lookup by the token's hash makes it one.
static std::optional<Customer> resolve_bearer(const http_request &req) {
  auto it = req.headers().find("Authorization");
  if (it == req.headers().end())
    return std::nullopt;
  const std::string digest = sha_hex(it->second.substr(7));
  const char *vals[] = {digest.c_str()};
  PGresult *r = PQexecParams(pg(), "SELECT customer_id FROM api_tokens WHERE token_hash = $1", 1, nullptr, vals,
                             nullptr, nullptr, 0);
  if (PQntuples(r) != 1)
    return std::nullopt;
  return Customer{std::stol(PQgetvalue(r, 0, 0)), false};
}

// Negative: the hold is scoped to the caller the dispatcher resolved.
static void get_hold(Ctx &c) {
  const std::string hold = c.seg[1];
  const std::string me = std::to_string(c.who->id);
  const char *vals[] = {hold.c_str(), me.c_str()};
  PQexecParams(pg(), "SELECT status FROM holds WHERE id = $1 AND customer_id = $2", 2, nullptr, vals, nullptr,
               nullptr, 0);
}

// Positive: no check at all.
static void release_hold(Ctx &c) {
  const char *vals[] = {c.seg[1].c_str()};
  PQexecParams(pg(), "UPDATE holds SET status = 'released' WHERE id = $1", 1, nullptr, vals, nullptr, nullptr, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: object id 'c.seg[1].c_str()' from request path reaches 'PQexecParams' (UPDATE holds)
}

struct Route {
  std::function<void(Ctx &)> fn;
};

static void dispatch(http_request req) {
  static const std::vector<Route> table = {{get_hold}, {release_hold}};
  for (const auto &r : table) {
    Ctx c{req, uri::split_path(req.relative_uri().path()), std::nullopt};
    c.who = resolve_bearer(req);
    if (!c.who)
      return;
    r.fn(c);
  }
}

// A console that keeps staff sessions in Redis, keyed by the session id the
// browser sends in a header.
struct Staff {
  long id = 0;
  long store_id = 0;
  std::string role;
};

static std::optional<Staff> staff_of(const crow::request &req) {
  const std::string token = req.get_header_value("X-Console-Session");
  auto *r = static_cast<redisReply *>(redisCommand(rc(), "GET console:sess:%s", token.c_str()));
  if (!r || r->type != REDIS_REPLY_STRING)
    return std::nullopt;
  const long staff_id = std::stol(std::string(r->str, r->len));
  pqxx::work txn(conn());
  auto rows = txn.exec_params("SELECT id, store_id, role FROM staff WHERE id = $1", staff_id);
  if (rows.empty())
    return std::nullopt;
  return Staff{rows[0][0].as<long>(), rows[0][1].as<long>(), rows[0][2].as<std::string>()};
}

void console(crow::SimpleApp &app) {
  // Negative: refills of the caller's own store.
  CROW_ROUTE(app, "/console/refills/<int>/approve")([](const crow::request &req, int refill_id) {
    auto staff = staff_of(req);
    if (!staff)
      return crow::response(401);
    pqxx::work txn(conn());
    txn.exec_params("UPDATE refills SET approved_by = $1 WHERE id = $2 AND store_id = $3", staff->id, refill_id,
                    staff->store_id);
    return crow::response(204);
  });

  // Negative: a pharmacist role check for an object of the caller's store.
  CROW_ROUTE(app, "/console/patients/<int>/history")([](const crow::request &req, int patient_id) {
    auto staff = staff_of(req);
    if (!staff)
      return crow::response(401);
    if (staff->role != "pharmacist")
      return crow::response(403);
    pqxx::work txn(conn());
    txn.exec_params("SELECT drug FROM dispenses WHERE patient_id = $1 AND store_id = $2", patient_id,
                    staff->store_id);
    return crow::response(200);
  });

  // Positive: the role check is for the caller's own store; the client picks
  // another store by its id.
  CROW_ROUTE(app, "/console/stores/<int>/log")([](const crow::request &req, int store_id) {
    auto staff = staff_of(req);
    if (!staff)
      return crow::response(401);
    if (staff->role != "manager")
      return crow::response(403);
    pqxx::work txn(conn());
    txn.exec_params("SELECT patient_id, drug FROM dispenses WHERE store_id = $1", store_id);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'store_id' from route parameter 'store_id' of 'GET /console/stores/<int>/log' reaches 'txn.exec_params'
    return crow::response(200);
  });
}

struct User {
  long id;
};
std::optional<User> authenticate(const httplib::Request &req);
static bool is_caregiver_of(pqxx::work &txn, long caregiver, long patient) {
  auto r = txn.exec_params("SELECT 1 FROM caregiver_links WHERE caregiver_id = $1 AND patient_id = $2", caregiver,
                           patient);
  return !r.empty();
}

void patient_api(httplib::Server &svr) {
  // Negative: the caller by default; another patient only when the caller
  // cares for them.
  svr.Get("/v1/insurance-cards", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me)
      return;
    long subject = me->id;
    pqxx::work txn(conn());
    if (req.has_param("patient_id")) {
      subject = std::stol(req.get_param_value("patient_id"));
      if (subject != me->id && !is_caregiver_of(txn, me->id, subject)) {
        res.status = 403;
        return;
      }
    }
    txn.exec_params("SELECT carrier FROM insurance_cards WHERE patient_id = $1", subject);
  });

  // Positive: the same default, and the override is never checked.
  svr.Get("/v1/prescriptions", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me)
      return;
    long subject = me->id;
    if (req.has_param("patient_id"))
      subject = std::stol(req.get_param_value("patient_id"));
    pqxx::work txn(conn());
    txn.exec_params("SELECT drug FROM prescriptions WHERE patient_id = $1", subject);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'subject' from query parameter 'patient_id' of 'GET /v1/prescriptions' reaches 'txn.exec_params'
  });

  // Positive: a token decoded with verification turned off is whatever the
  // client wrote; its subject is a claimed identity.
  svr.Get("/v1/pickup-code", [](const httplib::Request &req, httplib::Response &res) {
    auto tok = jwt::decode(req.get_header_value("X-Kiosk-Token"), jwt::params::algorithms({"HS256"}),
                           jwt::params::verify(false));
    const std::string sub = tok.payload().get_claim_value<std::string>("sub");
    redisCommand(rc(), "GET pickup:%s", sub.c_str());
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: client-asserted identity 'sub' from header 'X-Kiosk-Token.sub' of 'GET /v1/pickup-code' selects whose data 'redisCommand'
  });

  // Negative: the same token verified (the default).
  svr.Get("/v2/pickup-code", [](const httplib::Request &req, httplib::Response &res) {
    std::error_code ec;
    auto tok = jwt::decode(req.get_header_value("X-Kiosk-Token"), jwt::params::algorithms({"HS256"}), ec,
                           jwt::params::secret("k"));
    if (ec)
      return;
    const std::string sub = tok.payload().get_claim_value<std::string>("sub");
    redisCommand(rc(), "GET pickup:%s", sub.c_str());
  });
}

// The organisation the client selects, returned only when the caller is a
// member of it (a bound statement run into a smart pointer, its answer
// tested): a verified value, not the client's word.
sql::Connection &mysql();
struct Member {
  long user_id;
};
std::optional<Member> current_member(const httplib::Request &req);

static std::optional<int64_t> active_org(const httplib::Request &req, const Member &me) {
  const int64_t org = std::stoll(req.get_header_value("X-Org-Id"));
  std::unique_ptr<sql::PreparedStatement> ps(
      mysql().prepareStatement("SELECT 1 FROM org_members WHERE user_id = ? AND org_id = ?"));
  ps->setInt64(1, me.user_id);
  ps->setInt64(2, org);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  if (!rs->next())
    return std::nullopt;
  return org;
}

void org_api(httplib::Server &svr) {
  // Negative: the organisation was checked against the caller.
  svr.Get("/v1/org/invoices", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_member(req);
    if (!me)
      return;
    auto org = active_org(req, *me);
    if (!org) {
      res.status = 403;
      return;
    }
    std::unique_ptr<sql::PreparedStatement> ps(mysql().prepareStatement("SELECT total FROM invoices WHERE org_id = ?"));
    ps->setInt64(1, *org);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  });

  // Positive: the header taken as is.
  svr.Get("/v2/org/invoices", [](const httplib::Request &req, httplib::Response &res) {
    std::unique_ptr<sql::PreparedStatement> ps(mysql().prepareStatement("SELECT total FROM invoices WHERE org_id = ?"));
    ps->setInt64(1, std::stoll(req.get_header_value("X-Org-Id")));
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: client-asserted identity 'X-Org-Id' from header 'X-Org-Id' of 'GET /v2/org/invoices' selects whose data 'ps->executeQuery'
  });
}
