// Unit tests for lib/sql analysis: PostgreSQL index-usability rules, the
// SQLite planner verdicts, suggestions (which must fix the finding).
#include "lib/sql/Analysis.h"
#include "lib/sql/SchemaCache.h"
#include "lib/sql/Sqlite.h"

#include <gtest/gtest.h>

using namespace prodready::sql;

namespace {

const char *PgSchema = R"sql(
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text, org_id int,
                    code text COLLATE "C", deleted_at timestamptz, created_at timestamptz, active boolean);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users(id), status text,
                     total int, created_at timestamptz);
CREATE TABLE countries (code text PRIMARY KEY, name text);
CREATE INDEX users_org_name_idx ON users (org_id, name);
CREATE INDEX users_lower_email_idx ON users (lower(email));
CREATE INDEX users_name_pattern_idx ON users (name text_pattern_ops);
CREATE INDEX users_code_idx ON users (code);
CREATE INDEX orders_status_open_idx ON orders (status) WHERE status = 'open';
CREATE INDEX users_created_idx ON users (created_at) WHERE deleted_at IS NULL;
)sql";

struct Pg {
  std::shared_ptr<LoadedSchema> L = buildSchema({SqlSource{"schema.sql", 1, PgSchema}}, Dialect::PostgreSQL);
  AnalysisOptions O;
  QueryAnalysis operator()(const std::string &Q) { return analyzeQuery(*L, Q, O); }
};

std::string reasons(const QueryAnalysis &A) {
  std::string R;
  for (auto &F : A.Findings)
    R += F.Alias + ": " + F.Reason + "\n";
  return R;
}

} // namespace

TEST(SqlRules, SchemaHasNoErrors) {
  Pg P;
  EXPECT_TRUE(P.L->Errors.empty());
}

TEST(SqlRules, EqualityOnUnindexedColumn) {
  Pg P;
  std::string Q = "SELECT * FROM users WHERE email = $1";
  auto A = P(Q);
  ASSERT_EQ(A.Findings.size(), 1u);
  EXPECT_EQ(A.Findings[0].Table, "users");
  EXPECT_EQ(A.Findings[0].Reason, "users.email has no index");
  EXPECT_EQ(A.Findings[0].Offset, Q.find("email ="));
  EXPECT_EQ(A.Findings[0].Suggestion, "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);");
}

TEST(SqlRules, PrimaryKeyAndLeadingPrefixServe) {
  Pg P;
  EXPECT_TRUE(P("SELECT * FROM users WHERE id = ?").Findings.empty());
  EXPECT_TRUE(P("SELECT * FROM users WHERE org_id = ? AND name > 'a'").Findings.empty());
  EXPECT_TRUE(P("SELECT * FROM users WHERE org_id IN (1, 2, 3)").Findings.empty());
  EXPECT_TRUE(P("SELECT * FROM users WHERE org_id = ANY($1)").Findings.empty());
  EXPECT_TRUE(P("SELECT * FROM users WHERE id BETWEEN 1 AND 10").Findings.empty());
}

TEST(SqlRules, NonLeadingColumnOfComposite) {
  Pg P;
  auto A = P("SELECT * FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = 1 AND u.org_id IS NULL");
  EXPECT_TRUE(A.Findings.empty()) << reasons(A);
  auto B = P("SELECT id FROM users WHERE created_at > now() - interval '1 day' AND org_id > 0 AND email <> ''");
  EXPECT_TRUE(B.Findings.empty()) << reasons(B); // org_id range is the leading column
}

TEST(SqlRules, UnusableOperators) {
  Pg P;
  auto A = P("SELECT * FROM users WHERE org_id <> 3");
  ASSERT_EQ(A.Findings.size(), 1u);
  EXPECT_NE(A.Findings[0].Reason.find("'<>' cannot use an index"), std::string::npos);
  EXPECT_TRUE(A.Findings[0].Suggestion.empty());
  auto B = P("SELECT * FROM users WHERE org_id NOT IN (1, 2)");
  ASSERT_EQ(B.Findings.size(), 1u);
  EXPECT_NE(B.Findings[0].Reason.find("NOT IN"), std::string::npos);
}

TEST(SqlRules, LikeRules) {
  Pg P;
  // text_pattern_ops serves a prefix match.
  EXPECT_TRUE(P("SELECT * FROM users WHERE name LIKE 'ab%'").Findings.empty());
  // COLLATE "C" column serves it too.
  EXPECT_TRUE(P("SELECT * FROM users WHERE code LIKE 'ab%'").Findings.empty());
  auto Lead = P("SELECT * FROM users WHERE name LIKE '%ab'");
  ASSERT_EQ(Lead.Findings.size(), 1u);
  EXPECT_NE(Lead.Findings[0].Reason.find("leading wildcard"), std::string::npos);
  EXPECT_NE(Lead.Findings[0].Suggestion.find("gin (name gin_trgm_ops)"), std::string::npos);
  auto ILike = P("SELECT * FROM users WHERE email ILIKE 'x%'");
  ASSERT_EQ(ILike.Findings.size(), 1u);
  EXPECT_NE(ILike.Findings[0].Reason.find("ILIKE"), std::string::npos);
}

TEST(SqlRules, LikePrefixNeedsPatternOpsWithDefaultCollation) {
  auto L = buildSchema({SqlSource{"s.sql", 1, "CREATE TABLE t (a text); CREATE INDEX t_a ON t (a);"}},
                       Dialect::PostgreSQL);
  auto A = analyzeQuery(*L, "SELECT * FROM t WHERE a LIKE 'x%'", {});
  ASSERT_EQ(A.Findings.size(), 1u);
  EXPECT_NE(A.Findings[0].Reason.find("text_pattern_ops"), std::string::npos);
  EXPECT_EQ(A.Findings[0].Suggestion, "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_idx ON t (a text_pattern_ops);");
  // An exact LIKE (no wildcard) is an equality: the plain index serves it.
  EXPECT_TRUE(analyzeQuery(*L, "SELECT * FROM t WHERE a LIKE 'x'", {}).Findings.empty());
}

TEST(SqlRules, ExpressionIndexes) {
  Pg P;
  EXPECT_TRUE(P("SELECT * FROM users WHERE lower(email) = lower($1)").Findings.empty());
  auto A = P("SELECT * FROM users WHERE upper(email) = $1");
  ASSERT_EQ(A.Findings.size(), 1u);
  EXPECT_NE(A.Findings[0].Reason.find("upper(email) has no expression index"), std::string::npos);
  EXPECT_EQ(A.Findings[0].Suggestion,
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_upper_email_idx ON users (upper(email));");
  auto B = P("SELECT * FROM users WHERE org_id + 1 = 5");
  ASSERT_EQ(B.Findings.size(), 1u);
  EXPECT_NE(B.Findings[0].Suggestion.find("((org_id + 1))"), std::string::npos);
}

TEST(SqlRules, PartialIndexesNeedTheirPredicate) {
  Pg P;
  EXPECT_TRUE(P("SELECT * FROM orders WHERE status = 'open'").Findings.empty());
  auto A = P("SELECT * FROM orders WHERE status = $1");
  ASSERT_EQ(A.Findings.size(), 1u);
  EXPECT_NE(A.Findings[0].Reason.find("partial index orders_status_open_idx"), std::string::npos);
  EXPECT_TRUE(P("SELECT * FROM users WHERE created_at > $1 AND deleted_at IS NULL").Findings.empty());
  EXPECT_EQ(P("SELECT * FROM users WHERE created_at > $1").Findings.size(), 1u);
}

TEST(SqlRules, SoftDeleteSuggestionIsPartial) {
  Pg P;
  auto A = P("SELECT * FROM orders WHERE total = $1 AND user_id = $2 AND created_at IS NULL");
  ASSERT_EQ(A.Findings.size(), 1u);
  auto B = P("SELECT * FROM users WHERE email = $1 AND deleted_at IS NULL");
  ASSERT_EQ(B.Findings.size(), 1u);
  EXPECT_EQ(B.Findings[0].Suggestion,
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email) WHERE deleted_at IS NULL;");
}

TEST(SqlRules, OrNeedsEveryBranchIndexed) {
  Pg P;
  EXPECT_TRUE(P("SELECT * FROM users WHERE id = 1 OR org_id = 2").Findings.empty());
  auto A = P("SELECT * FROM users WHERE id = 1 OR email = 'x'");
  ASSERT_EQ(A.Findings.size(), 1u);
  EXPECT_NE(A.Findings[0].Reason.find("every branch"), std::string::npos);
  EXPECT_NE(A.Findings[0].Suggestion.find("users_email_idx"), std::string::npos);
}

TEST(SqlRules, JoinInnerSideNeedsIndexOnJoinColumn) {
  Pg P;
  std::string Q = "SELECT o.* FROM users u JOIN orders o ON o.user_id = u.id WHERE u.org_id = $1";
  auto A = P(Q);
  ASSERT_EQ(A.Findings.size(), 1u);
  EXPECT_EQ(A.Findings[0].Alias, "o");
  EXPECT_EQ(A.Findings[0].Reason, "orders.user_id has no index (foreign key): the join reads every row of orders");
  EXPECT_EQ(A.Findings[0].Offset, Q.find("o.user_id"));
  EXPECT_EQ(A.Findings[0].Suggestion,
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_user_id_idx ON orders (user_id);");
  // The other direction probes users by its primary key.
  EXPECT_TRUE(P("SELECT * FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = $1").Findings.empty());
  EXPECT_TRUE(P("SELECT * FROM orders o LEFT JOIN users u USING (id) WHERE o.id = $1").Findings.empty());
}

TEST(SqlRules, NoWhereAndLimitRules) {
  Pg P;
  auto A = P("SELECT count(*) FROM users");
  ASSERT_EQ(A.Findings.size(), 1u);
  EXPECT_NE(A.Findings[0].Reason.find("no WHERE clause"), std::string::npos);
  EXPECT_TRUE(P("SELECT * FROM users LIMIT 10").Findings.empty());
  EXPECT_TRUE(P("SELECT * FROM users ORDER BY id DESC LIMIT 10").Findings.empty());
  EXPECT_TRUE(P("SELECT * FROM users WHERE org_id = $1 ORDER BY name LIMIT 10").Findings.empty());
  auto B = P("SELECT * FROM orders ORDER BY created_at DESC LIMIT 20");
  ASSERT_EQ(B.Findings.size(), 1u);
  EXPECT_EQ(B.Findings[0].Suggestion,
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at DESC);");
  EXPECT_EQ(P("SELECT * FROM orders ORDER BY created_at").Findings.size(), 1u);
}

TEST(SqlRules, UpdateDeleteInsertSelectSubqueriesCtes) {
  Pg P;
  EXPECT_EQ(P("UPDATE orders SET total = 0 WHERE status = $1").Findings.size(), 1u);
  EXPECT_TRUE(P("DELETE FROM orders WHERE id = $1").Findings.empty());
  EXPECT_TRUE(P("INSERT INTO orders (user_id, total) VALUES ($1, $2)").Findings.empty());
  EXPECT_EQ(P("INSERT INTO orders (user_id) SELECT id FROM users WHERE email = $1").Findings.size(), 1u);
  auto A = P("SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 100)");
  ASSERT_EQ(A.Findings.size(), 1u);
  EXPECT_EQ(A.Findings[0].Table, "orders");
  EXPECT_TRUE(P("WITH x AS (SELECT id FROM users WHERE id = 1) SELECT * FROM x").Findings.empty());
  EXPECT_TRUE(P("SELECT * FROM users WHERE id = 1 UNION SELECT * FROM users WHERE org_id = 2").Findings.empty());
}

TEST(SqlRules, SmallTablesAndUnknownTables) {
  Pg P;
  EXPECT_EQ(P("SELECT * FROM countries WHERE name = $1").Findings.size(), 1u);
  P.O.SmallTables = {"countries"};
  EXPECT_TRUE(P("SELECT * FROM countries WHERE name = $1").Findings.empty());
  EXPECT_TRUE(P("SELECT * FROM not_in_schema WHERE x = 1").Findings.empty());
}

TEST(SqlRules, HolesAreNeverGuessedIntoFindings) {
  Pg P;
  auto A = P("SELECT * FROM users WHERE /*hole*/?");
  EXPECT_TRUE(A.Findings.empty());
  EXPECT_TRUE(A.Skipped);
  auto B = P("SELECT * FROM users WHERE id = 1 AND /*hole*/?");
  EXPECT_TRUE(B.Findings.empty());
  // A hole in a value position is just a parameter.
  EXPECT_EQ(P("SELECT * FROM users WHERE email = /*hole*/?").Findings.size(), 1u);
}

TEST(SqlRules, UnparsableSqlIsAnErrorNotACrash) {
  Pg P;
  auto A = P("SELEC * FROM users");
  ASSERT_TRUE(A.Error.has_value());
  EXPECT_EQ(A.Error->Offset, 0u);
  EXPECT_TRUE(P("CREATE INDEX x ON users (email)").IsDDL);
}

TEST(SqlRules, SuggestionsFixTheFinding) {
  Pg P;
  const char *Queries[] = {
      "SELECT * FROM users WHERE email = $1 AND created_at > $2",
      "SELECT * FROM users WHERE upper(name) = $1",
      "SELECT * FROM orders WHERE total > 5 ORDER BY total LIMIT 3",
      "SELECT * FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id = 3",
      "SELECT * FROM users WHERE email LIKE '%x%'",
      "SELECT * FROM orders WHERE status = 'x' OR total = 3",
  };
  for (const char *Q : Queries) {
    auto A = P(Q);
    ASSERT_FALSE(A.Findings.empty()) << Q;
    std::string Added;
    for (auto &F : A.Findings) {
      ASSERT_FALSE(F.Suggestion.empty()) << Q << ": " << F.Reason;
      Added += F.Suggestion + "\n";
    }
    auto L2 = buildSchema({SqlSource{"schema.sql", 1, PgSchema}, SqlSource{"fix.sql", 1, Added}}, Dialect::PostgreSQL);
    EXPECT_TRUE(analyzeQuery(*L2, Q, {}).Findings.empty()) << Q << "\n" << Added;
  }
}

// ---- SQLite -----------------------------------------------------------------

namespace {
const char *LiteSchema = R"sql(
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, name TEXT, org_id INTEGER);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), title TEXT);
CREATE INDEX users_org_name ON users (org_id, name);
CREATE INDEX users_lower_email ON users (lower(email));
)sql";

struct Lite {
  std::shared_ptr<LoadedSchema> L = buildSchema({SqlSource{"schema.sql", 1, LiteSchema}}, Dialect::SQLite);
  QueryAnalysis operator()(const std::string &Q) { return analyzeQuery(*L, Q, {}); }
};
} // namespace

TEST(SqlSqlite, ReadPlanLoosely) {
  auto A = readPlan({{2, 0, "SCAN t"}, {3, 0, "SEARCH u USING INDEX i (a=?)"},
                     {4, 0, "SCAN TABLE v AS w"}, {5, 0, "SEARCH x USING AUTOMATIC COVERING INDEX (c=?)"},
                     {6, 0, "SCAN CONSTANT ROW"}, {7, 0, "SCAN (subquery-1)"}, {8, 0, "USE TEMP B-TREE FOR ORDER BY"}});
  ASSERT_EQ(A.size(), 4u);
  EXPECT_TRUE(A[0].Scan);
  EXPECT_TRUE(A[1].Search && A[1].UsingIndex && !A[1].Automatic);
  EXPECT_EQ(A[2].Name, "w");
  EXPECT_TRUE(A[3].Automatic);
}

TEST(SqlSqlite, PlannerVerdicts) {
  Lite Q;
  EXPECT_TRUE(Q.L->Errors.empty());
  EXPECT_TRUE(Q("SELECT * FROM users WHERE id = ?").Findings.empty());
  EXPECT_TRUE(Q("SELECT * FROM users WHERE org_id = ? AND name = :n").Findings.empty());
  EXPECT_TRUE(Q("SELECT * FROM users WHERE lower(email) = ?").Findings.empty());
  auto A = Q("SELECT * FROM users WHERE email = ?");
  ASSERT_EQ(A.Findings.size(), 1u);
  EXPECT_NE(A.Findings[0].Reason.find("users.email has no index"), std::string::npos);
  EXPECT_NE(A.Findings[0].Reason.find("SCAN users"), std::string::npos);
  EXPECT_EQ(A.Findings[0].Suggestion, "CREATE INDEX IF NOT EXISTS users_email_idx ON users (email);");
  auto B = Q("SELECT * FROM users WHERE name = ?");
  ASSERT_EQ(B.Findings.size(), 1u);
  EXPECT_NE(B.Findings[0].Reason.find("not the leading column"), std::string::npos);
}

TEST(SqlSqlite, AutomaticIndexIsAFinding) {
  Lite Q;
  auto A = Q("SELECT * FROM users u JOIN posts p ON p.user_id = u.id WHERE u.org_id = ?");
  ASSERT_EQ(A.Findings.size(), 1u) << reasons(A);
  EXPECT_EQ(A.Findings[0].Table, "posts");
  EXPECT_NE(A.Findings[0].Reason.find("posts.user_id has no index"), std::string::npos);
  EXPECT_EQ(A.Findings[0].Suggestion, "CREATE INDEX IF NOT EXISTS posts_user_id_idx ON posts (user_id);");
}

TEST(SqlSqlite, LimitWithoutOrderAndSmallTables) {
  Lite Q;
  EXPECT_TRUE(Q("SELECT * FROM users LIMIT 5").Findings.empty());
  EXPECT_TRUE(Q("SELECT * FROM users ORDER BY id LIMIT 5").Findings.empty());
  EXPECT_EQ(Q("SELECT count(*) FROM posts").Findings.size(), 1u);
  AnalysisOptions O;
  O.SmallTables = {"posts"};
  EXPECT_TRUE(analyzeQuery(*Q.L, "SELECT count(*) FROM posts", O).Findings.empty());
}

TEST(SqlSqlite, SuggestionIsVerifiedByThePlanner) {
  Lite Q;
  auto A = Q("SELECT * FROM posts WHERE title = ? AND user_id > ?");
  ASSERT_EQ(A.Findings.size(), 1u);
  EXPECT_EQ(A.Findings[0].Suggestion, "CREATE INDEX IF NOT EXISTS posts_title_user_id_idx ON posts (title, user_id);");
  // The savepoint was rolled back: the schema is unchanged.
  EXPECT_EQ(Q("SELECT * FROM posts WHERE title = ? AND user_id > ?").Findings.size(), 1u);
}

TEST(SqlSqlite, ErrorsCarryFileAndLine) {
  auto L = buildSchema({SqlSource{"m/002_bad.sql", 10, "CREATE TABLE a (x int);\nCREATE TABLEE b (y int);\n"}},
                       Dialect::SQLite);
  ASSERT_FALSE(L->Errors.empty());
  EXPECT_EQ(L->Errors[0].File, "m/002_bad.sql");
  EXPECT_EQ(L->Errors[0].Line, 11u);
  auto A = analyzeQuery(*L, "SELECT * FROM nosuch WHERE x = 1", {});
  ASSERT_TRUE(A.Error.has_value());
  EXPECT_NE(A.Error->Message.find("no such table"), std::string::npos);
}

TEST(SqlSqlite, SplitKeepsTriggerBodies) {
  auto S = splitSqliteStatements("CREATE TABLE a(x);\nCREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; SELECT 2; END;\nSELECT 3");
  ASSERT_EQ(S.size(), 3u);
}

// Cases the differential test against PostgreSQL taught us.
TEST(SqlRules, LessonsFromTheRealPlanner) {
  Pg P;
  // x NOT BETWEEN a AND b is two range scans (x < a OR x > b) of the same index.
  EXPECT_TRUE(P("SELECT * FROM users WHERE org_id NOT BETWEEN 1 AND 5").Findings.empty());
  // An anchored regular expression is a prefix match: served like LIKE 'ab%'
  // by an index with a "C" collation; unanchored or case-insensitive is not.
  EXPECT_TRUE(P("SELECT * FROM users WHERE code ~ '^ab'").Findings.empty());
  EXPECT_EQ(P("SELECT * FROM users WHERE code ~ 'ab'").Findings.size(), 1u);
  EXPECT_EQ(P("SELECT * FROM users WHERE code ~* '^ab'").Findings.size(), 1u);
  // A cast on the column needs an expression index, even to text.
  auto A = P("SELECT * FROM users WHERE org_id::text = $1");
  ASSERT_EQ(A.Findings.size(), 1u);
  EXPECT_NE(A.Findings[0].Reason.find("has no expression index"), std::string::npos);
  // No redundant suggestion for an OR branch that already has its index.
  auto B = P("SELECT * FROM users WHERE id = 1 OR email = 'x'");
  ASSERT_EQ(B.Findings.size(), 1u);
  EXPECT_EQ(B.Findings[0].Suggestion.find("users_id_idx"), std::string::npos);
}

// ---- LIKE with a pattern bound in visible C++ code ----------------------------

TEST(SqlBoundLike, PostgresLeadingWildcardAndPrefix) {
  Pg P;
  const std::string H(1, BoundHole);
  // Unknown binding: today's verdict (no usable prefix).
  auto U = P("SELECT * FROM users WHERE name LIKE $1");
  ASSERT_EQ(U.Findings.size(), 1u);
  EXPECT_NE(U.Findings[0].Reason.find("only known at run time"), std::string::npos);
  // "%" + x + "%": a leading wildcard, said with the pattern.
  P.O.Bound["1"] = "%" + H + "%";
  auto A = P("SELECT * FROM users WHERE name LIKE $1");
  ASSERT_EQ(A.Findings.size(), 1u) << reasons(A);
  EXPECT_EQ(A.Findings[0].Reason.find("leading wildcard in the LIKE pattern '%\u2026%' bound to $1"), 0u)
      << A.Findings[0].Reason;
  EXPECT_NE(A.Findings[0].Suggestion.find("gin_trgm_ops"), std::string::npos);
  // x + "%": a prefix; users.name has a text_pattern_ops index.
  P.O.Bound["1"] = H + "%";
  EXPECT_TRUE(P("SELECT * FROM users WHERE name LIKE $1").Findings.empty());
  P.O.Bound["1"] = "ab%";
  EXPECT_TRUE(P("SELECT * FROM users WHERE name LIKE ?").Findings.empty());
  // A prefix on a column with a plain index: text_pattern_ops is suggested.
  P.O.Bound.clear();
  P.O.Bound[":e"] = "ab" + H;
  auto B = P("SELECT * FROM users WHERE email LIKE :e");
  ASSERT_EQ(B.Findings.size(), 1u) << reasons(B);
  EXPECT_EQ(B.Findings[0].Suggestion,
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email text_pattern_ops);");
  // Only a run-time value: unknown, as before.
  P.O.Bound[":e"] = H;
  auto C = P("SELECT * FROM users WHERE email LIKE :e");
  ASSERT_EQ(C.Findings.size(), 1u);
  EXPECT_NE(C.Findings[0].Reason.find("only known at run time"), std::string::npos);
}

TEST(SqlBoundLike, SqliteGetsTheValue) {
  auto L = buildSchema({SqlSource{"schema.sql", 1, R"sql(
    CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT COLLATE NOCASE, raw TEXT);
    CREATE INDEX tags_label ON tags (label);
  )sql"}}, Dialect::SQLite);
  AnalysisOptions O;
  const std::string H(1, BoundHole);
  const std::string Q = "SELECT id FROM tags WHERE label LIKE ?";
  // Unknown: SQLite cannot use the index for a parameter it has not seen.
  EXPECT_EQ(analyzeQuery(*L, Q, O).Findings.size(), 1u);
  O.Bound["1"] = H + "%";
  EXPECT_TRUE(analyzeQuery(*L, Q, O).Findings.empty()) << reasons(analyzeQuery(*L, Q, O));
  O.Bound["1"] = "%" + H;
  auto A = analyzeQuery(*L, Q, O);
  ASSERT_EQ(A.Findings.size(), 1u);
  EXPECT_NE(A.Findings[0].Reason.find("leading wildcard"), std::string::npos) << A.Findings[0].Reason;
  EXPECT_NE(A.Findings[0].Reason.find("SCAN tags"), std::string::npos);
  O.Bound.clear();
  O.Bound[":p"] = "ab%";
  EXPECT_TRUE(analyzeQuery(*L, "SELECT id FROM tags WHERE label LIKE :p", O).Findings.empty());
}
