// SOCI statements written as streams, MySQL Connector statements prepared by a
// wrapper of the service, and lookups by a secret the client holds (API keys,
// share-link tokens, device keys): the statement text is read in each case, so
// ownership predicates and secret columns count.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -I/usr/include/postgresql
#include <SQLiteCpp/SQLiteCpp.h>
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <httplib.h>
#include <libpq-fe.h>
#include <soci/soci.h>
#include <sqlite3.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

struct Principal {
  long long user_id = 0;
};
std::optional<Principal> authenticate(const httplib::Request &req);

soci::session &db();
sql::Connection &mysql();
PGconn *pg;
sqlite3 *lite;
SQLite::Database *store;

using Stmt = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;
static Stmt prepare(const std::string &q) { return Stmt(mysql().prepareStatement(q)); }

void soci_routes(httplib::Server &srv) {
  srv.Get(R"(/jobs/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) { res.status = 401; return; }
    long long id = std::stoll(req.matches[1]);
    std::string status;
    db() << "SELECT status FROM work_orders WHERE id = :id", soci::use(id), soci::into(status);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter of 'GET /jobs/(\d+)' reaches 'db() <<' (SELECT … FROM work_orders) without an authorization check
    res.set_content(status, "text/plain");
  });

  // Scoped to the caller: the second value is the principal's.
  srv.Get(R"(/my/jobs/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) { res.status = 401; return; }
    long long id = std::stoll(req.matches[1]);
    std::string status;
    db() << "SELECT status FROM work_orders WHERE id = :id AND contractor_id = :c",
        soci::use(id), soci::use(me->user_id), soci::into(status);
    res.set_content(status, "text/plain");
  });

  // Named binders, in any order.
  srv.Put(R"(/my/requests/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) { res.status = 401; return; }
    long long id = std::stoll(req.matches[1]);
    static const std::string kEdit =
        "UPDATE requests SET description = :d WHERE id = :id AND tenant_id = :t";
    soci::statement st = (db().prepare << kEdit, soci::use(me->user_id, "t"), soci::use(req.body, "d"),
                          soci::use(id, "id"));
    st.execute(true);
  });

  // A named binder puts the key on the unscoped placeholder.
  srv.Delete(R"(/requests/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) { res.status = 401; return; }
    long long id = std::stoll(req.matches[1]);
    db() << "DELETE FROM comments WHERE request_id = :r AND author_id = :a",
        soci::use(id, "r"), soci::use(id, "a");
    // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: object id 'id' from route parameter of 'DELETE /requests/(\d+)' reaches 'db() <<' (DELETE … FROM comments)
  });

  // A rowset over a prepared stream.
  srv.Get(R"(/requests/(\d+)/comments)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) { res.status = 401; return; }
    long long id = std::stoll(req.matches[1]);
    soci::rowset<soci::row> rs = (db().prepare << "SELECT body FROM comments WHERE request_id = :r",
                                  soci::use(id));
    // CHECK-MESSAGES: :[[@LINE-2]]:35: warning: object id 'id' from route parameter of 'GET /requests/(\d+)/comments' reaches 'db().prepare <<' (SELECT … FROM comments)
    for (const auto &row : rs)
      res.body += row.get<std::string>(0);
  });

  // Catalogue rows anyone may read.
  srv.Get(R"(/shifts/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    long long id = std::stoll(req.matches[1]);
    std::string role;
    db() << "SELECT role_name FROM shifts WHERE id = :id AND published = 1", soci::use(id), soci::into(role);
    res.set_content(role, "text/plain");
  });
}

void mysql_routes(httplib::Server &srv) {
  // The statement comes from the service's own prepare(): its text is known.
  srv.Put(R"(/signups/(\d+)/note)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) { res.status = 401; return; }
    long long id = std::stoll(req.matches[1]);
    Stmt upd = prepare("UPDATE signups SET note = ? WHERE id = ?");
    upd->setString(1, req.body);
    upd->setInt64(2, id);
    upd->executeUpdate();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter of 'PUT /signups/(\d+)/note' reaches 'upd->executeUpdate' (UPDATE signups)
  });

  srv.Put(R"(/my/signups/(\d+)/note)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) { res.status = 401; return; }
    long long id = std::stoll(req.matches[1]);
    Stmt upd = prepare("UPDATE signups SET note = ? WHERE id = ? AND volunteer_id = ?");
    upd->setString(1, req.body);
    upd->setInt64(2, id);
    upd->setInt64(3, me->user_id);
    upd->executeUpdate();
  });

  // Public rows: the statement says so.
  srv.Get("/shifts", [](const httplib::Request &req, httplib::Response &res) {
    Stmt st = prepare("SELECT id, role_name FROM shifts WHERE event_id = ? AND published = 1");
    st->setInt64(1, std::stoll(req.get_param_value("event")));
    Rows rs(st->executeQuery());
  });
}

// ---- lookups by a secret the client holds ----------------------------------

// The API key authenticates the caller: the row it finds is the principal.
static std::optional<long long> contractorFromKey(const httplib::Request &req) {
  const std::string header = req.get_header_value("Authorization");
  if (header.rfind("ApiKey ", 0) != 0) return std::nullopt;
  const std::string key = header.substr(7);
  const char *params[1] = {key.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT contractor_id FROM contractor_keys WHERE api_key = $1 AND NOT revoked",
                             1, nullptr, params, nullptr, nullptr, 0);
  std::optional<long long> out;
  if (PQntuples(r) == 1) out = std::atoll(PQgetvalue(r, 0, 0));
  PQclear(r);
  return out;
}

struct Kiosk {
  long long id;
  long long event_id;
};
static std::optional<Kiosk> kiosk(const httplib::Request &req) {
  const std::string key = req.get_header_value("X-Kiosk-Key");
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(lite, "SELECT id, event_id FROM kiosks WHERE device_key = ? AND active = 1", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, key.c_str(), -1, SQLITE_TRANSIENT);
  std::optional<Kiosk> out;
  if (sqlite3_step(st) == SQLITE_ROW) out = Kiosk{sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)};
  sqlite3_finalize(st);
  return out;
}

// The same through SOCI: the bearer token's row, read into() a struct, is the
// caller.
struct Member {
  long long id = 0;
  long long family_id = 0;
};
static std::optional<Member> memberForToken(const std::string &bearer) {
  std::string token = bearer.substr(7);
  Member m;
  db() << "SELECT m.id, m.family_id FROM api_tokens t JOIN members m ON m.id = t.member_id WHERE t.token = :tok",
      soci::into(m.id), soci::into(m.family_id), soci::use(token);
  if (!db().got_data()) return std::nullopt;
  return m;
}

void secret_routes(httplib::Server &srv) {
  srv.Get(R"(/albums/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = memberForToken(req.get_header_value("Authorization"));
    if (!me) { res.status = 401; return; }
    long long album = std::stoll(req.matches[1]);
    std::string title;
    db() << "SELECT title FROM albums WHERE id = :id AND family_id = :f", soci::into(title), soci::use(album),
        soci::use(me->family_id);
  });

  srv.Get("/payouts", [](const httplib::Request &req, httplib::Response &res) {
    auto me = contractorFromKey(req);
    if (!me) { res.status = 401; return; }
    std::string cid = std::to_string(*me);
    const char *params[1] = {cid.c_str()};
    PGresult *r = PQexecParams(pg, "SELECT period, amount FROM payouts WHERE contractor_id = $1", 1, nullptr,
                               params, nullptr, nullptr, 0);
    PQclear(r);
  });

  // Not the caller's: the query names whose payouts.
  srv.Get("/payouts/of", [](const httplib::Request &req, httplib::Response &res) {
    auto me = contractorFromKey(req);
    if (!me) { res.status = 401; return; }
    std::string cid = req.get_param_value("contractor_id");
    const char *params[1] = {cid.c_str()};
    PGresult *r = PQexecParams(pg, "SELECT period, amount FROM payouts WHERE contractor_id = $1", 1, nullptr,
                               params, nullptr, nullptr, 0);
    // CHECK-MESSAGES: :[[@LINE-2]]:19: warning: object id 'cid' from query parameter 'contractor_id' of 'GET /payouts/of' reaches 'PQexecParams' (SELECT … FROM payouts) without an authorization check
    PQclear(r);
  });

  srv.Get("/kiosk/roster", [](const httplib::Request &req, httplib::Response &res) {
    auto k = kiosk(req);
    if (!k) { res.status = 401; return; }
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(lite, "SELECT id FROM signups WHERE event_id = ?", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, k->event_id);
    sqlite3_step(st);
    sqlite3_finalize(st);
  });

  // A share link: the token is the capability, the rows it finds are granted.
  srv.Get(R"(/shared/([a-z0-9]+))", [](const httplib::Request &req, httplib::Response &res) {
    SQLite::Statement link(*store, "SELECT sample_id FROM share_links WHERE token = ? AND expires_at > 0");
    link.bind(1, req.matches[1].str());
    if (!link.executeStep()) { res.status = 404; return; }
    SQLite::Statement q(*store, "SELECT analyte, value FROM results WHERE sample_id = ?");
    q.bind(1, link.getColumn(0).getInt64());
    while (q.executeStep())
      res.body += q.getColumn(0).getString();
  });

  // A share link that names the sample as well: the sample id is not covered.
  srv.Get(R"(/shared/([a-z0-9]+)/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    SQLite::Statement q(*store, "SELECT analyte FROM results WHERE sample_id = ?");
    q.bind(1, std::stol(req.matches[2]));
    q.executeStep();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'std::stol(req.matches[2])' from route parameter of 'GET /shared/([a-z0-9]+)/(\d+)' reaches 'q.executeStep' (SELECT … FROM results)
  });
}
