// RUN: %check_prodready %s prodready-unindexed-query %t \
// RUN:   -config="{CheckOptions: {prodready-unindexed-query.SchemaPaths: '%S/Inputs/golang', prodready-unindexed-query.SmallTables: 'countries'}}" \
// RUN:   -- -- -I/usr/include/postgresql
// RUN: %check_prodready -check-suffix=STRICT %s prodready-unindexed-query %t \
// RUN:   -config="{CheckOptions: {prodready-unindexed-query.SchemaPaths: '%S/Inputs/golang'}}" \
// RUN:   -- -- -I/usr/include/postgresql

#include <libpq-fe.h>
#include <string>

// The project's own wrappers, marked as taking SQL.
void runQuery(PGconn *c, [[clang::annotate("prodready::sql")]] const char *sql);
[[clang::annotate("prodready::sql")]] void runAll(const std::string &sql, int retries);

void f(PGconn *c) {
  // SmallTables: a lookup table, scanning it is fine (reported without the option).
  PQexec(c, "SELECT * FROM countries WHERE name = 'France'");
  // CHECK-MESSAGES-STRICT: :[[@LINE-1]]:44: warning: query reads every row of table 'countries': countries.name has no index [CWE-1067]

  runQuery(c, "SELECT * FROM orders WHERE total > 1000");
  // CHECK-MESSAGES: :[[@LINE-1]]:43: warning: query reads every row of table 'orders': orders.total has no index [CWE-1067]
  // CHECK-MESSAGES-STRICT: :[[@LINE-2]]:43: warning: query reads every row of table 'orders': orders.total has no index [CWE-1067]

  runAll("DELETE FROM users WHERE deleted_at < now()", 3);
  // CHECK-MESSAGES: :[[@LINE-1]]:35: warning: query reads every row of table 'users': users.deleted_at has no index [CWE-1067]
  // CHECK-MESSAGES-STRICT: :[[@LINE-2]]:35: warning: query reads every row of table 'users': users.deleted_at has no index [CWE-1067]

  // Accepted scans: a marker inside the SQL, or NOLINT.
  runQuery(c, "SELECT count(*) FROM orders -- prodready:accept-scan (nightly report)");
  runQuery(c, "SELECT count(*) FROM users"); // NOLINT(prodready-unindexed-query)

  // Broken SQL that is fully known is reported, not guessed at.
  PQexec(c, "SELECT * FROM users WHERE id = = 1");
  // CHECK-MESSAGES: :[[@LINE-1]]:45: warning: SQL statement cannot be parsed as postgresql, so it was not checked for unindexed access: syntax error at or near "=" [prodready-unindexed-query]
  // CHECK-MESSAGES-STRICT: :[[@LINE-2]]:45: warning: SQL statement cannot be parsed as postgresql{{.*}}
}
