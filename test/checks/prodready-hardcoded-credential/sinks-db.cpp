// RUN: %check_prodready %s prodready-hardcoded-credential %t -- -- -I/usr/include/postgresql

// Credential sinks of database client APIs, against the real Debian headers.
#include <cstdlib>
#include <string>
#include <mysql/mysql.h>
#include <cppconn/driver.h>
#include <mysql_driver.h>
#include <libpq-fe.h>
#include <pqxx/pqxx>
#include <sqlite3.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <soci/soci.h>

// SQLCipher's sqlite3_key is not in Debian's sqlite3.h; declared as SQLCipher does.
extern "C" int sqlite3_key(sqlite3 *db, const void *pKey, int nKey);

const char *host();
std::string passwordFromVault();

void mysql_c(MYSQL *m) {
  mysql_real_connect(m, "db", "app", "Zq7-pl4n!", "app", 3306, nullptr, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: hardcoded password 'Zq…(9 chars)' passed to 'mysql_real_connect' parameter 'passwd' [CWE-798]
  mysql_real_connect(m, "db", "app", "guest", "app", 3306, nullptr, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: hardcoded password 'gu…(5 chars)' passed to 'mysql_real_connect' parameter 'passwd' [CWE-798]
  mysql_change_user(m, "app", "s3cr3t!x", "app");
  // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: hardcoded password 's3…(8 chars)' passed to 'mysql_change_user' parameter 'passwd' [CWE-798]

  // Negatives: run-time values, empty, null, templates.
  mysql_real_connect(m, "db", "app", std::getenv("MYSQL_PASSWORD"), "app", 0, nullptr, 0);
  mysql_real_connect(m, "db", "app", "", "app", 0, nullptr, 0);
  mysql_real_connect(m, "db", "app", nullptr, "app", 0, nullptr, 0);
  mysql_real_connect(m, "db", "app", "${MYSQL_PASSWORD}", "app", 0, nullptr, 0);
  mysql_real_connect(m, "db", "s3cr3t!user", passwordFromVault().c_str(), "app", 0, nullptr, 0);
}

void mysql_cpp() {
  sql::mysql::MySQL_Driver *d = sql::mysql::get_mysql_driver_instance();
  d->connect("tcp://db:3306", "app", "Lm9#vQ2x");
  // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: hardcoded password 'Lm…(8 chars)' passed to 'sql::mysql::MySQL_Driver::connect' parameter 'password' [CWE-798]
  sql::Driver *base = d;
  base->connect("tcp://db:3306", "app", "Wk2$zzQa");
  // CHECK-MESSAGES: :[[@LINE-1]]:41: warning: hardcoded password 'Wk…(8 chars)' passed to 'sql::Driver::connect' parameter 'password' [CWE-798]
  base->connect("tcp://db:3306", "app", passwordFromVault());
}

void libpq() {
  PQsetdbLogin("db", "5432", nullptr, nullptr, "app", "app", "pG-9vvx2");
  // CHECK-MESSAGES: :[[@LINE-1]]:62: warning: hardcoded password 'pG…(8 chars)' passed to 'PQsetdbLogin' parameter 'pwd' [CWE-798]
  PQconnectdb("host=db user=app password=Hx7qLm2 dbname=app");
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: hardcoded password in connection string 'Hx…(7 chars)' passed to 'PQconnectdb' parameter 'conninfo' [CWE-798]
  PQconnectdb("postgresql://app:Ur1-kk9Z@db:5432/app");
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: hardcoded password in connection string 'Ur…(8 chars)' passed to 'PQconnectdb' parameter 'conninfo' [CWE-798]

  // Negatives: no password, password from the environment or a .pgpass.
  PQconnectdb("host=db user=app dbname=app");
  PQconnectdb("host=db user=app password=${PGPASSWORD} dbname=app");
  PQconnectdb("postgresql://app@db:5432/app");
  PQsetdbLogin("db", "5432", nullptr, nullptr, "app", "app", std::getenv("PGPASSWORD"));
  std::string conn = std::string("host=db password=") + std::getenv("PGPASSWORD");
  PQconnectdb(conn.c_str());
}

static const char kConnInfo[] = "host=db user=app password=Qz8-mmR1 dbname=app";
// CHECK-MESSAGES: :[[@LINE-1]]:33: warning: hardcoded password in connection string 'Qz…(8 chars)' passed to 'pqxx::basic_connection_base' parameter 'opt' [CWE-798]

void pqxx_soci() {
  pqxx::connection c(kConnInfo);
  pqxx::connection lazy{std::string("dbname=app user=app")};
  soci::session s("postgresql", "dbname=app user=app password=So9ci-xx");
  // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: hardcoded password in connection string 'So…(8 chars)' passed to 'soci::session' parameter 'connectString' [CWE-798]
  soci::session s2("postgresql", "dbname=app user=app");
}

void sqlite(sqlite3 *db, SQLite::Database &d) {
  sqlite3_key(db, "k3y-Mat3rial", 12);
  // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: hardcoded database encryption key 'k3y…(12 chars)' passed to 'sqlite3_key' parameter 'pKey' [CWE-321]
  d.key("cipher-Pa55");
  // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: hardcoded database encryption key 'cip…(11 chars)' passed to 'SQLite::Database::key' parameter 'aKey' [CWE-321]
  d.key(std::getenv("SQLITE_KEY"));
  sqlite3_open("app.db", &db); // a file name is not a credential
}
