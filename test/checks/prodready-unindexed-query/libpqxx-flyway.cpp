// RUN: %check_prodready %s prodready-unindexed-query %t \
// RUN:   -config="{CheckOptions: {prodready-unindexed-query.SchemaPaths: '%S/Inputs/flyway'}}"

// Schema: Inputs/flyway (V1 < V1_1 < V1_10 < V2 by version, U2 undo ignored,
// R__ repeatable last). V2 renames accounts.plan to tier.
#include <pqxx/pqxx>
#include <string>

constexpr const char *kByTier = "SELECT id FROM accounts WHERE tier = $1";
// CHECK-MESSAGES: :[[@LINE-1]]:64: warning: query reads every row of table 'accounts': accounts.tier is not the leading column of index accounts_region_plan_idx (region, tier) [CWE-1067]

void positives(pqxx::connection &conn, pqxx::work &txn, int account) {
  txn.exec(kByTier);

  txn.exec_params("SELECT * FROM sessions WHERE account_id = $1", account);
  // CHECK-MESSAGES: :[[@LINE-1]]:49: warning: query reads every row of table 'sessions': sessions.account_id has no index [CWE-1067]

  // std::string built with + across lines, from a local nobody modifies.
  std::string sql = "SELECT token FROM sessions "
                    "WHERE expires_at < now() " +
                    std::string("ORDER BY expires_at");
  txn.exec(sql);
  // CHECK-MESSAGES: :[[@LINE-3]]:28: warning: query reads every row of table 'sessions': sessions.expires_at has no index [CWE-1067]

  conn.prepare("find_login", "SELECT * FROM accounts WHERE lower(login) = lower($1)");
  // CHECK-MESSAGES: :[[@LINE-1]]:60: warning: query reads every row of table 'accounts': lower(login) has no expression index{{.*}}
}

void negatives(pqxx::work &txn, const std::string &login, std::string built) {
  // Unique index from V1_1 (the U2 undo migration that drops it is ignored).
  txn.exec_params("SELECT * FROM accounts WHERE login = $1", login);
  // Leftmost prefix of (region, tier); the renamed column still indexed.
  txn.exec("SELECT * FROM accounts WHERE region = 'eu' AND tier = 'pro'");
  txn.exec("SELECT * FROM accounts WHERE region = 'eu'");
  // Covering primary keys.
  txn.exec("SELECT * FROM sessions WHERE token = 'abc'");
  txn.exec("SELECT s.token FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token = 'x'");
  // A local that is modified is not followed: its text is not known.
  built = "SELECT * FROM sessions WHERE expires_at < now()";
  built += " AND account_id = 1";
  txn.exec(built);
}
