// Order service: database access layer.
#include <cstdlib>
#include <map>
#include <string>
#include <mysql/mysql.h>
#include <libpq-fe.h>
#include <pqxx/pqxx>

namespace orders {

static const char kDbHost[] = "orders-db.internal";
static const char kDbUser[] = "orders_rw";
static const char kDbPassword[] = "Qm8!rT2#vx"; // @tp
static const char *kDbPasswordEnv = "ORDERS_DB_PASSWORD";
static const char *kReplicaConn = "host=replica.internal user=ro password=R3pl1ca-ro dbname=orders"; // @tp
static const char *kAnalyticsUrl = "postgresql://analytics:An4lyt1cs-Pw@warehouse:5432/events"; // @tp
static const char *kMigrationsConn = "host=db user=migrate dbname=orders sslmode=require";

struct DbSettings {
  std::string host = "orders-db.internal";
  std::string user = "orders_rw";
  std::string password;
  std::string password_file = "/run/secrets/orders_db";
  int pool_size = 8;
};

MYSQL *openLegacy() {
  MYSQL *m = mysql_init(nullptr);
  if (!mysql_real_connect(m, kDbHost, kDbUser, kDbPassword, "orders", 3306, nullptr, 0))
    return nullptr;
  return m;
}

MYSQL *openReporting() {
  MYSQL *m = mysql_init(nullptr);
  mysql_real_connect(m, "reporting.internal", "report", "rep0rt!ng", "reports", 3306, nullptr, 0); // @tp
  return m;
}

MYSQL *openFromEnv() {
  MYSQL *m = mysql_init(nullptr);
  const char *pw = std::getenv(kDbPasswordEnv);
  mysql_real_connect(m, kDbHost, kDbUser, pw, "orders", 3306, nullptr, 0);
  return m;
}

PGconn *openReplica() { return PQconnectdb(kReplicaConn); }

PGconn *openAdmin() {
  return PQsetdbLogin("db", "5432", nullptr, nullptr, "orders", "admin", "adm1n-Pg-99"); // @tp
}

PGconn *openMigrations() { return PQconnectdb(kMigrationsConn); }

void analytics() {
  pqxx::connection c(kAnalyticsUrl);
  pqxx::connection local("dbname=orders user=orders host=/var/run/postgresql");
  (void)c;
  (void)local;
}

std::map<std::string, std::string> defaults() {
  return {{"db_host", "orders-db.internal"},
          {"db_password", "d3fault-Pw-1"}, // @tp
          {"db_password_env", "ORDERS_DB_PASSWORD"},
          {"db_user", "orders_rw"}};
}

std::string describe(const DbSettings &s) {
  return "connecting to " + s.host + " as " + s.user + " (password from " + s.password_file + ")";
}

} // namespace orders
