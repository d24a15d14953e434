// RUN: %check_prodready %s prodready-unindexed-query %t \
// RUN:   -config="{CheckOptions: {prodready-unindexed-query.SchemaPaths: '%S/Inputs/golang'}}" -- -- -I/usr/include/postgresql

// Schema: Inputs/golang (golang-migrate: N_name.up.sql, numeric order, .down.sql ignored).
#include <libpq-fe.h>
#include <string>

#define FIND_BY_NAME "SELECT id FROM users WHERE name = $1"

static const char *const kByStatus = "SELECT * FROM orders WHERE status = $1";
// CHECK-MESSAGES: :[[@LINE-1]]:66: warning: query reads every row of table 'orders': orders.status has no index [CWE-1067]

void positives(PGconn *c, const char *const *params) {
  PQexec(c, "SELECT * FROM users WHERE email = 'a@b.c'");
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: query reads every row of table 'users': users.email has no index [CWE-1067]

  PQexecParams(c, "SELECT id FROM users "
                  "WHERE created_at > $1", 1, nullptr, params, nullptr, nullptr, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: query reads every row of table 'users': users.created_at has no index [CWE-1067]

  PQexec(c, FIND_BY_NAME);
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: query reads every row of table 'users': users.name is not the leading column of index users_org_name_idx (org_id, name) [CWE-1067]

  // Reported inside the constant's literal (above), where the predicate is written.
  PQprepare(c, "by_status", kByStatus, 1, nullptr);

  PQexec(c, R"sql(
      SELECT o.id FROM users u
      JOIN orders o ON o.user_id = u.id
      WHERE u.id = 42)sql");
  // CHECK-MESSAGES: :[[@LINE-2]]:24: warning: query reads every row of table 'orders': orders.user_id has no index (foreign key): the join reads every row of orders [CWE-1067]

  PQexec(c, "SELECT * FROM users WHERE name LIKE '%son'");
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: query reads every row of table 'users': leading wildcard in LIKE '%son' (name LIKE '%son') [CWE-1067]

  PQexec(c, "SELECT * FROM users WHERE org_id <> 3");
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: query reads every row of table 'users': '<>' cannot use an index (org_id <> 3) [CWE-1067]

  PQexec(c, "SELECT * FROM users WHERE upper(email) = 'X'");
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: query reads every row of table 'users': upper(email) has no expression index{{.*}}

  PQexec(c, "SELECT * FROM users WHERE id = 1 OR name = 'x'");
  // CHECK-MESSAGES: :[[@LINE-1]]:47: warning: query reads every row of table 'users': OR needs an index for every branch, and 'name = 'x'' has none [CWE-1067]

  std::string q = std::string("SELECT count(*) ") +
                  "FROM orders";
  PQexec(c, q.c_str());
  // CHECK-MESSAGES: :[[@LINE-2]]:25: warning: query reads every row of table 'orders': no WHERE clause: every row of orders is read [CWE-1067]
}

void negatives(PGconn *c, const std::string &dynamicWhere) {
  // Primary key, leftmost prefix of a composite, expression index, partial
  // index whose predicate the query implies, LIMIT without ORDER BY.
  PQexec(c, "SELECT * FROM users WHERE id = 7");
  PQexec(c, "SELECT * FROM users WHERE org_id = 7 AND name = 'x'");
  PQexec(c, "SELECT * FROM users WHERE org_id = 7");
  PQexec(c, "SELECT * FROM users WHERE lower(email) = lower('A@b.c')");
  PQexec(c, "SELECT * FROM orders WHERE status = 'open' AND created_at > now() - interval '1 day'");
  PQexec(c, "SELECT * FROM users LIMIT 10");
  PQexec(c, "SELECT * FROM users ORDER BY id DESC LIMIT 10");
  PQexec(c, "SELECT * FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = $1");
  PQexec(c, "INSERT INTO users (email) VALUES ('x')");
  PQexec(c, "UPDATE users SET name = 'n' WHERE id = 3");
  // Not a table of the schema, a statement only known at run time, DDL.
  PQexec(c, "SELECT * FROM pg_stat_activity WHERE state = 'idle'");
  PQexec(c, ("SELECT * FROM users WHERE " + dynamicWhere).c_str());
  // Schema statements run from C++ count as schema too: this index serves the
  // query below it.
  PQexec(c, "CREATE INDEX CONCURRENTLY IF NOT EXISTS countries_name_idx ON countries (name)");
  PQexec(c, "SELECT code FROM countries WHERE name = 'France'");
  // Accepted on purpose.
  PQexec(c, "SELECT * FROM countries /* prodready:accept-scan */");
  PQexec(c, "SELECT * FROM countries"); // NOLINT(prodready-unindexed-query)
}
