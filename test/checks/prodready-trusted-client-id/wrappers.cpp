// SQL wrappers of the service itself (statement text and values handed to a
// helper that runs them), role checks that only name a kind of customer, and
// lookups of public rows that gate a write.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -I/usr/include/postgresql
#include <hiredis/hiredis.h>
#include <httplib.h>
#include <libpq-fe.h>
#include <pqxx/pqxx>
#include <sqlite3.h>

#include <cstdarg>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct Principal {
  long user_id = 0;
  std::string role;
  // A role test written as a method of the principal.
  bool isAgent() const { return role == "agent" || role == "admin"; }
  // Not one: every customer holds this role.
  bool isCustomer() const { return role == "customer"; }
};
std::optional<Principal> authenticate(const httplib::Request &req);

PGconn *pg;
sqlite3 *lite;
pqxx::connection *conn;

// libpq wrapper: the values arrive as one braced list.
std::unique_ptr<PGresult, decltype(&PQclear)> pg_exec(const std::string &sql,
                                                      const std::vector<std::string> &params) {
  std::vector<const char *> values;
  for (const auto &p : params)
    values.push_back(p.c_str());
  return {PQexecParams(pg, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                       nullptr, nullptr, 0),
          &PQclear};
}

// sqlite3 wrapper: the values arrive as a parameter pack.
static void bind_one(sqlite3_stmt *st, int i, long v) { sqlite3_bind_int64(st, i, v); }
static void bind_one(sqlite3_stmt *st, int i, const std::string &v) {
  sqlite3_bind_text(st, i, v.c_str(), -1, SQLITE_TRANSIENT);
}
template <typename... Args> int query(const std::string &sql, const Args &...args) {
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(lite, sql.c_str(), -1, &st, nullptr);
  int idx = 1;
  (bind_one(st, idx++, args), ...);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc;
}

// redis wrapper over redisvCommand: format first, values after it.
redisContext *rc;
redisReply *redis(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  void *r = redisvCommand(rc, fmt, ap);
  va_end(ap);
  return static_cast<redisReply *>(r);
}

bool owns_device(const Principal &p, long device) {
  return query("SELECT 1 FROM devices WHERE id = ? AND owner_id = ?", device, p.user_id) != 0;
}

void routes(httplib::Server &srv) {
  srv.Post("/devices/state", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me)
      return;
    std::vector<long> ids = {std::stol(req.get_param_value("device_id")), std::stol(req.get_param_value("other_id"))};
    // Checking the first element says nothing of the others.
    if (!owns_device(*me, ids.front())) {
      res.status = 403;
      return;
    }
    for (long device_id : ids)
      redis("HGETALL device:%ld", device_id);
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: object id 'device_id' from query parameter 'device_id' of 'POST /devices/state' reaches 'redis' (redis access)
    // Negative: the caller's own key.
    redis("LRANGE notifications:%ld 0 9", me->user_id);
  });

  // Negative: the scene is looked up scoped to the caller and the answer
  // tested; its steps are read by the same id.
  srv.Post(R"(/scenes/(\d+)/run)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me)
      return;
    long scene = std::stol(req.matches[1]);
    pqxx::work tx(*conn);
    auto found = tx.exec_params("SELECT id FROM scenes WHERE id = $1 AND owner_id = $2", scene, me->user_id);
    if (found.empty()) {
      res.status = 404;
      return;
    }
    tx.exec_params("SELECT device_id, command FROM scene_steps WHERE scene_id = $1", scene);
  });

  srv.Get(R"(/policies/(\d+)/payments)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me)
      return;
    std::string policy = req.matches[1];
    auto r = pg_exec("SELECT amount FROM payments WHERE policy_id = $1", {policy});
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: object id 'policy' from route parameter of 'GET /policies/(\d+)/payments' reaches 'pg_exec' (SELECT … FROM payments)
    // Negative: the wrapper's second value scopes the rows to the caller.
    auto own = pg_exec("SELECT amount FROM payments WHERE policy_id = $1 AND customer_id = $2",
                       {policy, std::to_string(me->user_id)});
    // Negative: no client value selects anything.
    auto all = pg_exec("SELECT code FROM products WHERE active", {});
  });

  srv.Delete(R"(/devices/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me)
      return;
    long device = std::stol(req.matches[1]);
    query("DELETE FROM devices WHERE id = ?", device);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'device' from route parameter of 'DELETE /devices/(\d+)' reaches 'query' (DELETE … FROM devices)
    // Negative: `?2` is the caller.
    query("DELETE FROM devices WHERE id = ? AND owner_id = ?", device, me->user_id);
  });

  // A role naming a kind of customer is not an authorization check.
  srv.Put(R"(/applications/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me || me->role != "candidate") {
      res.status = 403;
      return;
    }
    pqxx::work tx(*conn);
    tx.exec_params("UPDATE applications SET letter = $1 WHERE id = $2", req.body,
                   std::stol(req.matches[1]));
    // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: object id 'std::stol(req.matches[1])' from route parameter of 'PUT /applications/(\d+)' reaches 'tx.exec_params' (UPDATE applications)
  });

  // Negative: a back-office role is.
  srv.Delete(R"(/applications/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me || me->role != "hr") {
      res.status = 403;
      return;
    }
    pqxx::work tx(*conn);
    tx.exec_params("DELETE FROM applications WHERE id = $1", std::stol(req.matches[1]));
  });

  // Negative: the posting is looked up among published ones first; the
  // application hangs off a public object.
  srv.Post(R"(/jobs/(\d+)/apply)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me)
      return;
    long posting = std::stol(req.matches[1]);
    pqxx::work tx(*conn);
    auto open = tx.exec_params("SELECT 1 FROM postings WHERE id = $1 AND status = 'published'", posting);
    if (open.empty()) {
      res.status = 404;
      return;
    }
    tx.exec_params("INSERT INTO applications (posting_id, candidate_id) VALUES ($1, $2)", posting,
                   me->user_id);
  });

  // The same write without the lookup.
  srv.Post(R"(/jobs/(\d+)/bookmark)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me)
      return;
    long posting = std::stol(req.matches[1]);
    pqxx::work tx(*conn);
    auto open = tx.exec_params("SELECT 1 FROM postings WHERE id = $1 AND status = 'published'", posting);
    tx.exec_params("INSERT INTO bookmarks (posting_id, user_id) VALUES ($1, $2)", posting, me->user_id);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'posting' from route parameter of 'POST /jobs/(\d+)/bookmark' reaches 'tx.exec_params' (INSERT INTO bookmarks)
  });

  // Negative: staff only, through the principal's own role method.
  srv.Post(R"(/admin/reservations/(\d+)/close)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me || !me->isAgent()) {
      res.status = 403;
      return;
    }
    pqxx::work tx(*conn);
    tx.exec_params("UPDATE reservations SET status = 'closed' WHERE id = $1", std::stol(req.matches[1]));
  });

  srv.Post(R"(/reservations/(\d+)/cancel)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me || !me->isCustomer()) {
      res.status = 403;
      return;
    }
    pqxx::work tx(*conn);
    tx.exec_params("UPDATE reservations SET status = 'cancelled' WHERE id = $1", std::stol(req.matches[1]));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'std::stol(req.matches[1])' from route parameter of 'POST /reservations/(\d+)/cancel' reaches 'tx.exec_params' (UPDATE reservations)
  });
}
