// RUN: %check_prodready %s prodready-unindexed-query %t

// LIKE ? with the pattern bound in visible code: sqlite3_bind_text and
// SQLiteCpp Statement::bind. SQLite's planner is handed the bound value
// (a run-time part becomes 'x'); a value only known at run time keeps
// today's verdict.
#include <string>
#include <sqlite3.h>
#include <SQLiteCpp/SQLiteCpp.h>

static const char *kSchema = R"sql(
  CREATE TABLE IF NOT EXISTS tags (id INTEGER PRIMARY KEY, label TEXT COLLATE NOCASE, raw TEXT);
  CREATE INDEX IF NOT EXISTS tags_label ON tags (label);
)sql";

void setup(sqlite3 *db) { sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr); }

void c_api(sqlite3 *db, const std::string &q) {
  sqlite3_stmt *a = nullptr;
  sqlite3_prepare_v2(db, "SELECT id FROM tags WHERE label LIKE ?", -1, &a, nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:53: warning: query reads every row of table 'tags': leading wildcard in the LIKE pattern '%…%' bound to $1 (label LIKE $1) (EXPLAIN QUERY PLAN: SCAN tags USING COVERING INDEX tags_label) [CWE-1067]
  std::string contains = "%" + q + "%";
  sqlite3_bind_text(a, 1, contains.c_str(), -1, SQLITE_TRANSIENT);

  // Prefix pattern: the planner searches the NOCASE index.
  sqlite3_stmt *b = nullptr;
  sqlite3_prepare_v2(db, "SELECT id FROM tags WHERE label LIKE ?1", -1, &b, nullptr);
  sqlite3_bind_text(b, 1, (q + "%").c_str(), -1, SQLITE_TRANSIENT);

  // A literal pattern.
  sqlite3_stmt *c = nullptr;
  sqlite3_prepare_v2(db, "SELECT id FROM tags WHERE label LIKE :p", -1, &c, nullptr);
  sqlite3_bind_text(c, sqlite3_bind_parameter_index(c, ":p"), "ab%", -1, SQLITE_STATIC);
  // (index only known at run time: not linked; unknown pattern, the index is not used)
  // CHECK-MESSAGES: :[[@LINE-3]]:53: warning: query reads every row of table 'tags': {{.*}}only known at run time{{.*}} [CWE-1067]

  // Unknown binding: today's verdict.
  sqlite3_stmt *d = nullptr;
  sqlite3_prepare_v2(db, "SELECT id FROM tags WHERE label LIKE ?", -1, &d, nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:53: warning: query reads every row of table 'tags': {{.*}}only known at run time{{.*}} [CWE-1067]
  sqlite3_bind_text(d, 1, q.c_str(), -1, SQLITE_TRANSIENT);

  // Bound to two different patterns: not one known pattern.
  sqlite3_stmt *e = nullptr;
  sqlite3_prepare_v2(db, "SELECT id FROM tags WHERE label LIKE ?", -1, &e, nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:53: warning: query reads every row of table 'tags': {{.*}}only known at run time{{.*}} [CWE-1067]
  sqlite3_bind_text(e, 1, "ab%", -1, SQLITE_STATIC);
  sqlite3_bind_text(e, 1, "%ab", -1, SQLITE_STATIC);
}

void cpp_api(SQLite::Database &db, const std::string &q) {
  SQLite::Statement a(db, "SELECT id FROM tags WHERE label LIKE :q");
  // CHECK-MESSAGES: :[[@LINE-1]]:54: warning: query reads every row of table 'tags': leading wildcard in the LIKE pattern '%…' bound to $1 (label LIKE $1) (EXPLAIN QUERY PLAN: SCAN tags USING COVERING INDEX tags_label) [CWE-1067]
  a.bind(":q", "%" + q);

  SQLite::Statement b(db, "SELECT id FROM tags WHERE label LIKE ?");
  b.bind(1, q + "%");

  // A prefix pattern on a column without a NOCASE index: SQLite scans.
  SQLite::Statement c(db, "SELECT id FROM tags WHERE raw LIKE ?");
  // CHECK-MESSAGES: :[[@LINE-1]]:54: warning: query reads every row of table 'tags': tags.raw has no index (EXPLAIN QUERY PLAN: SCAN tags) [CWE-1067]
  c.bind(1, "ab%");
}
