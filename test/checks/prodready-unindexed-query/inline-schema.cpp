// RUN: %check_prodready %s prodready-unindexed-query %t

// No SchemaPaths: the schema is what this translation unit creates itself.
#include <sqlite3.h>

static const char *kSchema = R"sql(
  CREATE TABLE IF NOT EXISTS jobs (id INTEGER PRIMARY KEY, queue TEXT NOT NULL, state TEXT NOT NULL, run_at INTEGER);
  CREATE INDEX IF NOT EXISTS jobs_queue_state ON jobs (queue, state);
)sql";

void setup(sqlite3 *db) { sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr); }

void work(sqlite3 *db) {
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(db, "SELECT id FROM jobs WHERE queue = ? AND state = 'ready'", -1, &st, nullptr);
  sqlite3_prepare_v2(db, "SELECT id FROM jobs WHERE run_at < ?", -1, &st, nullptr);
  // CHECK-NOTES: :[[@LINE-1]]:53: warning: query reads every row of table 'jobs': jobs.run_at has no index (EXPLAIN QUERY PLAN: SCAN jobs) [CWE-1067]
  // CHECK-NOTES: :[[@LINE-2]]:53: note: add an index: CREATE INDEX IF NOT EXISTS jobs_run_at_idx ON jobs (run_at);
  sqlite3_prepare_v2(db, "SELECT id FROM jobs WHERE state = 'ready'", -1, &st, nullptr);
  // CHECK-NOTES: :[[@LINE-1]]:53: warning: query reads every row of table 'jobs': jobs.state is not the leading column of index jobs_queue_state (queue, state) (EXPLAIN QUERY PLAN: SCAN jobs USING COVERING INDEX jobs_queue_state) [CWE-1067]
  // CHECK-NOTES: :[[@LINE-2]]:53: note: add an index: CREATE INDEX IF NOT EXISTS jobs_state_idx ON jobs (state);
}
