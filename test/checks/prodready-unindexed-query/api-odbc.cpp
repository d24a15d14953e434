// RUN: %check_prodready %s prodready-unindexed-query %t \
// RUN:   -config="{CheckOptions: {prodready-unindexed-query.SchemaPaths: '%S/Inputs/golang'}}"

// ODBC (real Debian headers, unixodbc-dev): SQLExecDirect and SQLPrepare take
// the text as SQLCHAR * (unsigned char), so the literal arrives through a cast.
// ODBC is dialect-neutral: with nothing else in the translation unit the
// PostgreSQL rules apply.
#include <sql.h>
#include <sqlext.h>

#define FIND_OPEN "SELECT id FROM orders WHERE status = 'open' AND created_at > ?"

void odbc(SQLHSTMT st) {
  SQLExecDirect(st, (SQLCHAR *)"SELECT id FROM users WHERE name = ?", SQL_NTS);
  // CHECK-MESSAGES: :[[@LINE-1]]:60: warning: query reads every row of table 'users': users.name is not the leading column of index users_org_name_idx (org_id, name) [CWE-1067]
  static const char kTotals[] = "SELECT sum(total) FROM orders WHERE user_id = ?";
  SQLPrepare(st, (SQLCHAR *)kTotals, SQL_NTS);
  // CHECK-MESSAGES: :[[@LINE-2]]:70: warning: query reads every row of table 'orders': orders.user_id has no index [CWE-1067]
  SQLExecDirect(st, reinterpret_cast<SQLCHAR *>(const_cast<char *>("DELETE FROM orders WHERE status <> 'open'")), SQL_NTS);
  // CHECK-MESSAGES: :[[@LINE-1]]:94: warning: query reads every row of table 'orders': '<>' cannot use an index{{.*}} [CWE-1067]

  // Indexed look-alikes: leftmost prefix, partial index whose predicate the
  // statement implies, primary key.
  SQLExecDirect(st, (SQLCHAR *)"SELECT id FROM users WHERE org_id = ? AND name = ?", SQL_NTS);
  SQLPrepare(st, (SQLCHAR *)FIND_OPEN, SQL_NTS);
  SQLPrepare(st, (SQLCHAR *)"UPDATE orders SET status = 'x' WHERE id = ?", SQL_NTS);
}
