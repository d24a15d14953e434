// RUN: %check_prodready %s prodready-unindexed-query %t \
// RUN:   -config="{CheckOptions: {prodready-unindexed-query.SchemaPaths: '%S/Inputs/sqlite'}}"

// Schema: Inputs/sqlite (plain ordered files); SQLite's own planner decides.
#include <sqlite3.h>
#include <SQLiteCpp/SQLiteCpp.h>

void positives(sqlite3 *db, SQLite::Database &cpp) {
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(db, "SELECT id FROM notes WHERE title = ?", -1, &st, nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:54: warning: query reads every row of table 'notes': notes.title has no index (EXPLAIN QUERY PLAN: SCAN notes) [CWE-1067]

  sqlite3_exec(db, "DELETE FROM tags WHERE note_id = 3", nullptr, nullptr, nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:44: warning: query reads every row of table 'tags': tags.note_id has no index (EXPLAIN QUERY PLAN: SCAN tags) [CWE-1067]

  SQLite::Statement q(cpp, "SELECT * FROM notes n JOIN tags t ON t.note_id = n.id WHERE n.owner_id = :owner");
  // CHECK-MESSAGES: :[[@LINE-1]]:66: warning: query reads every row of table 'tags': tags.note_id has no index (foreign key): the join reads every row of tags (EXPLAIN QUERY PLAN: SCAN t) [CWE-1067]

  cpp.exec("UPDATE notes SET body = '' WHERE created_at < '2020'");
  // CHECK-MESSAGES: :[[@LINE-1]]:46: warning: query reads every row of table 'notes': notes.created_at is not the leading column of index notes_owner_created (owner_id, created_at){{.*}} [CWE-1067]
}

void negatives(sqlite3 *db, SQLite::Database &cpp) {
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(db, "SELECT * FROM notes WHERE id = ?", -1, &st, nullptr);
  sqlite3_prepare_v2(db, "SELECT * FROM notes WHERE owner_id = ? AND created_at > ?", -1, &st, nullptr);
  sqlite3_prepare_v2(db, "SELECT * FROM notes WHERE lower(title) = lower(?)", -1, &st, nullptr);
  SQLite::Statement a(cpp, "SELECT * FROM notes ORDER BY id DESC LIMIT 20");
  SQLite::Statement b(cpp, "SELECT * FROM notes LIMIT 20");
  cpp.exec("INSERT INTO tags (note_id, label) VALUES (1, 'x')");
  // Not in the schema: SQLite says "no such table"; not a syntax problem of ours.
  sqlite3_exec(db, "SELECT * FROM sqlite_stat1 WHERE tbl = 'x'", nullptr, nullptr, nullptr);
}
