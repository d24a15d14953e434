// RUN: %check_prodready %s prodready-unindexed-query %t

// A statement wrapper class whose constructor parameter is marked as SQL:
// the statements are checked where the wrapper is constructed.
#include <sqlite3.h>

static const char *kSchema = R"sql(
  CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, author TEXT NOT NULL, title TEXT);
  CREATE INDEX IF NOT EXISTS notes_author ON notes (author);
)sql";

struct Stmt {
  sqlite3_stmt *s = nullptr;
  Stmt(sqlite3 *db, [[clang::annotate("prodready::sql")]] const char *sql) {
    sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
  }
};

// The same shape without the marker: not known to be SQL, not checked.
struct Unmarked {
  Unmarked(sqlite3 *, const char *) {}
};

void setup(sqlite3 *db) { sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr); }

void use(sqlite3 *db) {
  Stmt a(db, "SELECT id FROM notes WHERE id = ?");
  Stmt b(db, "SELECT id FROM notes WHERE author = ?");
  Stmt c(db, "SELECT id FROM notes WHERE title = ?");
  // CHECK-NOTES: :[[@LINE-1]]:42: warning: query reads every row of table 'notes': notes.title has no index (EXPLAIN QUERY PLAN: SCAN notes) [CWE-1067]
  // CHECK-NOTES: :[[@LINE-2]]:42: note: add an index: CREATE INDEX IF NOT EXISTS notes_title_idx ON notes (title);
  Unmarked d(db, "SELECT id FROM notes WHERE title = ?");
}
