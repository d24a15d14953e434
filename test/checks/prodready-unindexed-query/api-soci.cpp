// RUN: %check_prodready %s prodready-unindexed-query %t \
// RUN:   -config="{CheckOptions: {prodready-unindexed-query.SchemaPaths: '%S/Inputs/golang'}}"

// SOCI (real Debian headers): `sql << "..."`, `sql.once << "..."` and
// `sql.prepare << "..."`. SOCI is dialect-neutral: with nothing else in the
// translation unit the PostgreSQL rules apply.
#include <soci/soci.h>
#include <string>

void soci_queries(soci::session &sql, const std::string &email) {
  int id = 0;
  std::string name;
  sql << "SELECT id FROM users WHERE email = :e", soci::use(email), soci::into(id);
  // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: query reads every row of table 'users': users.email has no index [CWE-1067]
  sql.once << "DELETE FROM orders WHERE user_id = :id", soci::use(id);
  // CHECK-MESSAGES: :[[@LINE-1]]:41: warning: query reads every row of table 'orders': orders.user_id has no index [CWE-1067]
  soci::statement st = (sql.prepare << "SELECT name FROM users WHERE org_id + 1 = :o", soci::use(id), soci::into(name));
  // CHECK-MESSAGES: :[[@LINE-1]]:77: warning: query reads every row of table 'users': {{.*}}org_id{{.*}} [CWE-1067]

  // Indexed look-alikes.
  sql << "SELECT id FROM users WHERE lower(email) = lower(:e)", soci::use(email), soci::into(id);
  sql.once << "SELECT id FROM users WHERE id = :id", soci::use(id), soci::into(id);
  soci::statement st2 = (sql.prepare << "SELECT name FROM users WHERE org_id = :o AND name = :n",
                         soci::use(id), soci::use(name), soci::into(name));
}
