// RUN: %check_prodready %s prodready-unindexed-query %t

// The SQL argument reaches the entry point through wrapper objects
// (lib/ast stripTextWrappers): converting constructors with one real
// argument, functional casts, temporaries. A wrapper built from more than
// one real argument is not text the check can read.
#include <string>
#include <sqlite3.h>

static const char *kSchema = R"sql(
  CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, sku TEXT, name TEXT);
  CREATE INDEX IF NOT EXISTS items_sku ON items (sku);
)sql";

struct Text {
  Text(const char *s, int flags = 0) : s(s) {}
  Text(const std::string &s) : s(s) {}
  Text(const char *s, const char *tail) : s(std::string(s) + tail) {}
  std::string s;
};
struct Outer {
  Outer(Text t) : t(t) {}
  Text t;
};

void run([[clang::annotate("prodready::sql")]] const Text &sql);
void runOuter([[clang::annotate("prodready::sql")]] Outer sql);

void setup(sqlite3 *db) { sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr); }

void use(const std::string &tail) {
  run("SELECT id FROM items WHERE name = ?");
  // CHECK-MESSAGES: :[[@LINE-1]]:35: warning: query reads every row of table 'items': items.name has no index (EXPLAIN QUERY PLAN: SCAN items) [CWE-1067]
  run(Text("SELECT id FROM items WHERE name = ?"));
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: query reads every row of table 'items': items.name has no index (EXPLAIN QUERY PLAN: SCAN items) [CWE-1067]
  run(std::string("SELECT id FROM items WHERE name = ") + "?");
  // CHECK-MESSAGES: :[[@LINE-1]]:47: warning: query reads every row of table 'items': items.name has no index (EXPLAIN QUERY PLAN: SCAN items) [CWE-1067]
  runOuter(Text("SELECT id FROM items WHERE name = 'x'"));
  // CHECK-MESSAGES: :[[@LINE-1]]:45: warning: query reads every row of table 'items': items.name has no index (EXPLAIN QUERY PLAN: SCAN items) [CWE-1067]

  // Negatives: indexed, and a wrapper built from two real arguments.
  run(Text("SELECT id FROM items WHERE sku = ?"));
  run(Text("SELECT id FROM items WHERE ", "name = ?"));
}
