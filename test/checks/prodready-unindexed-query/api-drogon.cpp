// RUN: %check_prodready %s prodready-unindexed-query %t \
// RUN:   -config="{CheckOptions: {prodready-unindexed-query.SchemaPaths: '%S/Inputs/golang', prodready-unindexed-query.Dialect: postgresql}}" \
// RUN:   -- -- -I%S/Inputs/include

// Drogon's ORM client (not in Debian: Inputs/include/drogon_orm_stub.h).
// The SQL is the first argument; bound arguments follow it (after the two
// callbacks for execSqlAsync).
#include "drogon_orm_stub.h"

using drogon::orm::DbClientPtr;

void queries(const DbClientPtr &db, const std::string &q, int org) {
  db->execSqlSync("SELECT id FROM users WHERE name = $1", q);
  // CHECK-MESSAGES: :[[@LINE-1]]:47: warning: query reads every row of table 'users': users.name is not the leading column of index users_org_name_idx (org_id, name) [CWE-1067]
  db->execSqlAsync(
      "SELECT id FROM orders WHERE user_id = $1", [](const drogon::orm::Result &) {},
      [](const drogon::orm::DrogonDbException &) {}, org);
  // CHECK-MESSAGES: :[[@LINE-2]]:36: warning: query reads every row of table 'orders': orders.user_id has no index [CWE-1067]
  auto f = db->execSqlAsyncFuture("SELECT * FROM users WHERE org_id = $1 AND name LIKE $2", org, "%" + q);
  auto t = db->execSqlCoro("SELECT * FROM users WHERE email LIKE $1", q + "%");
  // CHECK-MESSAGES: :[[@LINE-1]]:55: warning: query reads every row of table 'users': users.email has no index [CWE-1067]

  // Indexed look-alikes.
  db->execSqlSync("SELECT id FROM users WHERE org_id = $1 AND name = $2", org, q);
  db->execSqlSync("SELECT id FROM users WHERE lower(email) = lower($1)", q);
  db->execSqlAsync("SELECT * FROM orders WHERE id = $1", [](const drogon::orm::Result &) {},
                   [](const drogon::orm::DrogonDbException &) {}, org);
}
