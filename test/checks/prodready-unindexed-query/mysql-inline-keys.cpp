// RUN: %check_prodready %s prodready-unindexed-query %t \
// RUN:   -config="{CheckOptions: {prodready-unindexed-query.SchemaPaths: '%S/Inputs/mysql-keys'}}"

// MySQL index definitions inside CREATE TABLE (KEY, INDEX, UNIQUE KEY,
// FULLTEXT) and in ALTER TABLE ... ADD KEY / DROP INDEX, through the MySQL
// Connector/C++ and the MariaDB C API (real Debian headers).
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/statement.h>
#include <mysql/mysql.h>

#include <cstring>

void connector(sql::Connection *con, sql::Statement *st) {
  // UNIQUE KEY, leading column of KEY (region, last_name(20)), ALTER ADD KEY.
  con->prepareStatement("SELECT id FROM customers WHERE email = ?");
  con->prepareStatement("SELECT id FROM customers WHERE region = ? AND last_name = ?");
  st->executeQuery("SELECT * FROM invoices WHERE customer_id = 7");
  // Not the leading column; a FULLTEXT index does not serve '='.
  con->prepareStatement("SELECT id FROM customers WHERE last_name = ?");
  // CHECK-MESSAGES: :[[@LINE-1]]:57: warning: query reads every row of table 'customers': customers.last_name is not the leading column of index customers_region_name (region, last_name) [CWE-1067]
  st->executeQuery("SELECT id FROM customers WHERE bio = 'x'");
  // CHECK-MESSAGES: :[[@LINE-1]]:52: warning: query reads every row of table 'customers': customers.bio has no index [CWE-1067]
}

void c_api(MYSQL *my, MYSQL_STMT *stmt) {
  // INDEX (state) was dropped by ALTER TABLE ... DROP INDEX.
  mysql_query(my, "SELECT id FROM invoices WHERE state = 'open'");
  // CHECK-MESSAGES: :[[@LINE-1]]:50: warning: query reads every row of table 'invoices': invoices.state has no index [CWE-1067]
  const char *q = "SELECT id FROM invoices WHERE paid_at > ?";
  mysql_stmt_prepare(stmt, q, std::strlen(q));
  // CHECK-MESSAGES: :[[@LINE-2]]:50: warning: query reads every row of table 'invoices': invoices.paid_at has no index [CWE-1067]
  static const char kByCustomer[] = "SELECT total FROM invoices WHERE customer_id = ?";
  mysql_real_query(my, kByCustomer, sizeof kByCustomer - 1);
  mysql_real_query(my, "SELECT * FROM invoices WHERE total = 3", 38);
  // CHECK-MESSAGES: :[[@LINE-1]]:54: warning: query reads every row of table 'invoices': invoices.total has no index [CWE-1067]
}
