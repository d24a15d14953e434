// RUN: %check_prodready %s prodready-unindexed-query %t \
// RUN:   -config="{CheckOptions: {prodready-unindexed-query.SchemaPaths: '%S/Inputs/mysql'}}"

// MySQL (best effort): backquotes, AUTO_INCREMENT, ENGINE=... are understood;
// the PostgreSQL index rules are applied.
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/statement.h>
#include <mysql/mysql.h>

void f(sql::Connection *con, sql::Statement *st, MYSQL *my) {
  con->prepareStatement("SELECT id FROM `products` WHERE `sku` = ?");
  con->prepareStatement("SELECT id FROM products WHERE category_id = ?");
  // CHECK-MESSAGES: :[[@LINE-1]]:56: warning: query reads every row of table 'products': products.category_id has no index [CWE-1067]
  st->executeQuery("SELECT * FROM products WHERE id = 3");
  mysql_query(my, "SELECT * FROM products WHERE name LIKE '%phone%'");
  // CHECK-MESSAGES: :[[@LINE-1]]:49: warning: query reads every row of table 'products': leading wildcard in LIKE '%phone%' (name LIKE '%phone%') [CWE-1067]
}
