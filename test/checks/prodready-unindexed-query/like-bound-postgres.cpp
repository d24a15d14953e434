// RUN: %check_prodready %s prodready-unindexed-query %t -- -- -I/usr/include/postgresql

// LIKE $n with the pattern passed in visible code (libpq parameter arrays,
// libpqxx exec_params arguments), and libpqxx/libpq statements prepared by
// name and executed elsewhere: the values at exec_prepared are the pattern,
// and the warning names the execution site.
#include <libpq-fe.h>
#include <pqxx/pqxx>
#include <string>

static const char *kSchema = R"sql(
  CREATE TABLE IF NOT EXISTS users (id bigserial PRIMARY KEY, email text, name text, nick text);
  CREATE INDEX IF NOT EXISTS users_name_idx ON users (name text_pattern_ops);
  CREATE INDEX IF NOT EXISTS users_nick_idx ON users (nick);
)sql";

void setup(PGconn *c) { PQexec(c, kSchema); }

void libpq(PGconn *c, const std::string &q) {
  std::string contains = "%" + q + "%";
  const char *v1[1] = {contains.c_str()};
  PQexecParams(c, "SELECT id FROM users WHERE name LIKE $1", 1, nullptr, v1, nullptr, nullptr, 0);
  // CHECK-NOTES: :[[@LINE-1]]:47: warning: query reads every row of table 'users': leading wildcard in the LIKE pattern '%…%' bound to $1 (name LIKE $1) [CWE-1067]
  // CHECK-NOTES: :[[@LINE-2]]:47: note: add an index: CREATE EXTENSION IF NOT EXISTS pg_trgm;
  // CHECK-NOTES: :[[@LINE-3]]:47: note: add an index: CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_trgm_idx ON users USING gin (name gin_trgm_ops);

  // Prefix: text_pattern_ops serves it; a plain index does not.
  std::string prefix = q + "%";
  const char *v2[] = {prefix.c_str()};
  PQexecParams(c, "SELECT id FROM users WHERE name LIKE $1", 1, nullptr, v2, nullptr, nullptr, 0);
  PQexecParams(c, "SELECT id FROM users WHERE nick LIKE $1", 1, nullptr, v2, nullptr, nullptr, 0);
  // CHECK-NOTES: :[[@LINE-1]]:47: warning: query reads every row of table 'users': LIKE prefix match on users.nick needs an index with text_pattern_ops or COLLATE "C"{{.*}} [CWE-1067]
  // CHECK-NOTES: :[[@LINE-2]]:47: note: add an index: CREATE INDEX CONCURRENTLY IF NOT EXISTS users_nick_pattern_idx ON users (nick text_pattern_ops);

  // Values written after the initialiser: not known.
  const char *v3[1] = {"ab%"};
  v3[0] = q.c_str();
  PQexecParams(c, "SELECT id FROM users WHERE name LIKE $1", 1, nullptr, v3, nullptr, nullptr, 0);
  // CHECK-NOTES: :[[@LINE-1]]:47: warning: query reads every row of table 'users': {{.*}}only known at run time{{.*}} [CWE-1067]
  // CHECK-NOTES: :[[@LINE-2]]:47: note: add an index: CREATE EXTENSION IF NOT EXISTS pg_trgm;
  // CHECK-NOTES: :[[@LINE-3]]:47: note: add an index: {{.*}}gin_trgm_ops{{.*}}
}

void libpqxx(pqxx::work &txn, const std::string &q) {
  txn.exec_params("SELECT id FROM users WHERE name LIKE $1", "%" + q);
  // CHECK-NOTES: :[[@LINE-1]]:47: warning: query reads every row of table 'users': leading wildcard in the LIKE pattern '%…' bound to $1 (name LIKE $1) [CWE-1067]
  // CHECK-NOTES: :[[@LINE-2]]:47: note: add an index: CREATE EXTENSION IF NOT EXISTS pg_trgm;
  // CHECK-NOTES: :[[@LINE-3]]:47: note: add an index: {{.*}}gin_trgm_ops{{.*}}
  txn.exec_params("SELECT id FROM users WHERE name LIKE $1", q + "%");
  // LIKE 'abc' without a wildcard is an equality the name index serves.
  txn.exec_params("SELECT id FROM users WHERE email = $1 AND name LIKE $2", q, "abc");
}

// ---- prepared by name, executed elsewhere --------------------------------------
static const std::string kSearch = "search_users";
constexpr const char *kByPrefix = "users_by_prefix";

void prepare(pqxx::connection &conn) {
  conn.prepare(kSearch, "SELECT id FROM users WHERE name LIKE $1");
  // CHECK-NOTES: :[[@LINE-1]]:53: warning: query reads every row of table 'users': leading wildcard in the LIKE pattern '%…%' bound to $1 (name LIKE $1) [CWE-1067]
  // CHECK-NOTES: :[[@LINE-2]]:53: note: add an index: CREATE EXTENSION IF NOT EXISTS pg_trgm;
  // CHECK-NOTES: :[[@LINE-3]]:53: note: add an index: {{.*}}gin_trgm_ops{{.*}}
  // CHECK-NOTES: :[[@LINE+13]]:3: note: prepared statement 'search_users' is executed here
  conn.prepare(kByPrefix, "SELECT id FROM users WHERE name LIKE $1");
  conn.prepare("by_nick", "SELECT id FROM users WHERE nick = $1");
  conn.prepare("by_email", "SELECT id FROM users WHERE email = $1");
  // CHECK-NOTES: :[[@LINE-1]]:56: warning: query reads every row of table 'users': users.email has no index [CWE-1067]
  // CHECK-NOTES: :[[@LINE-2]]:56: note: add an index: {{.*}}
  // CHECK-NOTES: :[[@LINE+8]]:3: note: prepared statement 'by_email' is executed here
  // CHECK-NOTES: :[[@LINE+8]]:3: note: prepared statement 'by_email' is executed here
}

void run(pqxx::work &txn, const std::string &q) {
  txn.exec_prepared(kByPrefix, q + "%");
  txn.exec_prepared("by_nick", q);
  txn.exec_prepared(kSearch, "%" + q + "%");
  txn.exec_prepared("by_email", q);
  txn.exec_prepared("by_email", "a@b.c");
}

void libpq_prepared(PGconn *c, const std::string &q) {
#define BY_NICK "by_nick_prefix"
  PQprepare(c, BY_NICK, "SELECT id FROM users WHERE nick LIKE $1", 1, nullptr);
  // CHECK-NOTES: :[[@LINE-1]]:53: warning: query reads every row of table 'users': LIKE prefix match on users.nick needs an index with text_pattern_ops or COLLATE "C"{{.*}} [CWE-1067]
  // CHECK-NOTES: :[[@LINE-2]]:53: note: add an index: CREATE INDEX CONCURRENTLY IF NOT EXISTS users_nick_pattern_idx ON users (nick text_pattern_ops);
  // CHECK-NOTES: :[[@LINE+3]]:3: note: prepared statement 'by_nick_prefix' is executed here
  std::string p = q + "%";
  const char *v[] = {p.c_str()};
  PQexecPrepared(c, BY_NICK, 1, v, nullptr, nullptr, 0);
  // Prepared under a name nothing executes: judged as today (unknown pattern).
  PQprepare(c, "unused", "SELECT id FROM users WHERE nick = $1", 1, nullptr);
}
