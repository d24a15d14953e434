// Unit tests for lib/sql: placeholder normalisation, migration discovery and
// ordering, schema replay (DDL model), errors with file:line.
#include "lib/sql/Migrations.h"
#include "lib/sql/Parse.h"
#include "lib/sql/Schema.h"
#include "lib/sql/SchemaCache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace prodready::sql;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path P;
  TempDir() {
    P = fs::temp_directory_path() / ("prodready-sql-" + std::to_string(::getpid()) + "-" +
                                     std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::remove_all(P);
    fs::create_directories(P);
  }
  ~TempDir() { fs::remove_all(P); }
  void write(const std::string &Rel, const std::string &Text) const {
    fs::create_directories((P / Rel).parent_path());
    std::ofstream(P / Rel) << Text;
  }
};

Schema schemaOf(const std::string &Sql) {
  Schema S;
  S.apply(SqlSource{"schema.sql", 1, Sql});
  return S;
}

} // namespace

TEST(SqlParse, QuestionMarksBecomeNumberedParameters) {
  NormalizedSql N = normalizePlaceholders("SELECT * FROM t WHERE a = ? AND b = ? AND c = '?'");
  EXPECT_EQ(N.Text, "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = '?'");
  EXPECT_EQ(N.ParamCount, 2);
  // Offsets map back into the original text.
  size_t P2 = N.Text.find("$2");
  EXPECT_EQ(N.original(P2), std::string("SELECT * FROM t WHERE a = ? AND b = ? AND c = '?'").find("? AND c"));
}

TEST(SqlParse, NamedParametersReuseTheirNumberAndCastsStay) {
  NormalizedSql N = normalizePlaceholders("SELECT :id::text, :name, :id, @x FROM t -- :nope\n");
  EXPECT_EQ(N.Text, "SELECT $1::text, $2, $1, $3 FROM t -- :nope\n");
}

TEST(SqlParse, DollarQuotesAndExistingParamsAreKept) {
  NormalizedSql N = normalizePlaceholders("SELECT $1, ?, $$ ? $$, $tag$ :x $tag$");
  EXPECT_EQ(N.Text, "SELECT $1, $2, $$ ? $$, $tag$ :x $tag$");
}

TEST(SqlParse, HolesAreRemembered) {
  NormalizedSql N = normalizePlaceholders("SELECT * FROM t WHERE a = /*hole*/? AND b = ?");
  EXPECT_EQ(N.Text, "SELECT * FROM t WHERE a = $1 AND b = $2");
  EXPECT_EQ(N.HoleParams.count(1), 1u);
  EXPECT_EQ(N.HoleParams.count(2), 0u);
}

TEST(SqlParse, MySqlBackquotesBecomeDoubleQuotes) {
  NormalizedSql N = normalizePlaceholders("SELECT `a` FROM `t` WHERE x = 'it\\'s'", true);
  EXPECT_EQ(N.Text, "SELECT \"a\" FROM \"t\" WHERE x = 'it\\'s'");
}

TEST(SqlParse, ParseErrorOffsetPointsIntoOriginalText) {
  std::string Q = "SELECT * FROM t WHERE a = ? AND AND b = 1";
  ParseResult R = parseSql(Q);
  ASSERT_FALSE(R.ok());
  EXPECT_EQ(R.Error->Offset, Q.find("AND b"));
}

TEST(SqlParse, CanonicalExprIgnoresQualifiersAndTextCasts) {
  ParseResult A = parseSql("SELECT lower(u.email) FROM users u");
  ParseResult B = parseSql("SELECT lower((email)::text) FROM users");
  ASSERT_TRUE(A.ok() && B.ok());
  auto E = [](const ParseResult &R) {
    return R.Statements[0].Node["SelectStmt"]["targetList"][0]["ResTarget"]["val"];
  };
  EXPECT_EQ(canonicalExpr(E(A)), canonicalExpr(E(B)));
  EXPECT_EQ(renderExpr(E(A), true), "lower(email)");
}

TEST(SqlMigrations, ClassifiesEveryLayout) {
  EXPECT_EQ(classifyMigration("m/1_init.up.sql").Kind, MigrationKind::GolangMigrateUp);
  EXPECT_TRUE(classifyMigration("m/1_init.down.sql").Skip);
  EXPECT_EQ(classifyMigration("db/V1_1__users.sql").Kind, MigrationKind::FlywayVersioned);
  EXPECT_EQ(classifyMigration("db/V1_1__users.sql").Version, (std::vector<unsigned long long>{1, 1}));
  EXPECT_TRUE(classifyMigration("db/U2__undo.sql").Skip);
  EXPECT_EQ(classifyMigration("db/R__views.sql").Kind, MigrationKind::FlywayRepeatable);
  EXPECT_EQ(classifyMigration("m/2023-01-01-000000_create/up.sql").Kind, MigrationKind::FolderUp);
  EXPECT_TRUE(classifyMigration("m/2023-01-01-000000_create/down.sql").Skip);
  EXPECT_EQ(classifyMigration("db/structure.sql").Kind, MigrationKind::Dump);
  EXPECT_EQ(classifyMigration("m/0010_x.sql").Version, (std::vector<unsigned long long>{10}));
}

TEST(SqlMigrations, OrdersByVersionNumberNotByString) {
  std::vector<MigrationFile> F = {classifyMigration("m/10_c.sql"), classifyMigration("m/9_b.sql"),
                                  classifyMigration("m/R__v.sql"), classifyMigration("m/V2__x.sql"),
                                  classifyMigration("m/1_a.sql")};
  orderMigrations(F);
  std::vector<std::string> Names;
  for (auto &M : F)
    Names.push_back(fs::path(M.Path).filename().string());
  EXPECT_EQ(Names, (std::vector<std::string>{"1_a.sql", "V2__x.sql", "9_b.sql", "10_c.sql", "R__v.sql"}));
}

TEST(SqlMigrations, FlywayDottedVersions) {
  std::vector<MigrationFile> F = {classifyMigration("V1_10__c.sql"), classifyMigration("V1_2__b.sql"),
                                  classifyMigration("V1__a.sql")};
  orderMigrations(F);
  EXPECT_EQ(fs::path(F[0].Path).filename(), "V1__a.sql");
  EXPECT_EQ(fs::path(F[1].Path).filename(), "V1_2__b.sql");
  EXPECT_EQ(fs::path(F[2].Path).filename(), "V1_10__c.sql");
}

TEST(SqlMigrations, UpSectionsOfMarkedFiles) {
  bool M = false;
  std::string G = upSection("-- +goose Up\nCREATE TABLE a (x int);\n-- +goose Down\nDROP TABLE a;\n", M);
  EXPECT_TRUE(M);
  EXPECT_NE(G.find("CREATE TABLE a"), std::string::npos);
  EXPECT_EQ(G.find("DROP TABLE"), std::string::npos);
  // Lines are kept so errors still name the right line.
  EXPECT_EQ(std::count(G.begin(), G.end(), '\n'), 4);
  std::string D = upSection("-- migrate:up\nCREATE TABLE b (y int);\n-- migrate:down\nDROP TABLE b;\n", M);
  EXPECT_EQ(D.find("DROP TABLE"), std::string::npos);
  std::string S = upSection("-- +migrate Up\nCREATE TABLE c (z int);\n-- +migrate Down\nDROP TABLE c;\n", M);
  EXPECT_EQ(S.find("DROP TABLE"), std::string::npos);
}

TEST(SqlMigrations, PsqlMetaCommandsAreStripped) {
  bool M = false;
  std::string T = upSection("\\restrict abc\nCREATE TABLE a (x int);\n\\connect db\n", M);
  EXPECT_EQ(T.find("\\"), std::string::npos);
  EXPECT_NE(T.find("CREATE TABLE a"), std::string::npos);
}

TEST(SqlMigrations, LoadsFolderInOrderAndSkipsDown) {
  TempDir D;
  D.write("10_later.up.sql", "CREATE INDEX t_b_idx ON t (b);");
  D.write("10_later.down.sql", "DROP TABLE t;");
  D.write("9_first.up.sql", "CREATE TABLE t (a int, b int);");
  std::vector<SchemaError> E;
  auto Src = loadMigrations({D.P.string()}, E);
  ASSERT_TRUE(E.empty());
  ASSERT_EQ(Src.size(), 2u);
  EXPECT_NE(Src[0].Text.find("CREATE TABLE"), std::string::npos);
  Schema S;
  for (auto &X : Src)
    S.apply(X);
  ASSERT_NE(S.table("t"), nullptr);
  EXPECT_EQ(S.indexesOn("t").size(), 1u);
}

TEST(SqlMigrations, DumpWinsOverMigrationsBesideIt) {
  TempDir D;
  D.write("schema.sql", "CREATE TABLE a (x int);");
  D.write("migrations/1_init.sql", "CREATE TABLE b (y int);");
  std::vector<SchemaError> E;
  auto Src = loadMigrations({D.P.string()}, E);
  ASSERT_EQ(Src.size(), 1u);
  EXPECT_NE(Src[0].Text.find("TABLE a"), std::string::npos);
}

TEST(SqlMigrations, MissingPathIsReported) {
  std::vector<SchemaError> E;
  loadMigrations({"/nonexistent/prodready/migrations"}, E);
  ASSERT_EQ(E.size(), 1u);
  EXPECT_NE(E[0].str().find("does not exist"), std::string::npos);
}

TEST(SqlSchema, PrimaryKeysUniqueAndForeignKeys) {
  Schema S = schemaOf("CREATE TABLE users (id bigserial PRIMARY KEY, email text UNIQUE);\n"
                      "CREATE TABLE orders (id int, user_id int REFERENCES users(id), PRIMARY KEY (id));");
  EXPECT_EQ(S.indexesOn("users").size(), 2u);
  ASSERT_NE(S.table("orders"), nullptr);
  ASSERT_EQ(S.table("orders")->ForeignKeys.size(), 1u);
  EXPECT_EQ(S.table("orders")->ForeignKeys[0].RefTable, "users");
  // A foreign key creates no index.
  EXPECT_EQ(S.indexesOn("orders").size(), 1u);
}

TEST(SqlSchema, IndexDetails) {
  Schema S = schemaOf("CREATE TABLE u (email text, name text, deleted_at timestamptz);\n"
                      "CREATE UNIQUE INDEX u_e ON u (lower(email)) INCLUDE (name) WHERE deleted_at IS NULL;\n"
                      "CREATE INDEX u_n ON u (name text_pattern_ops);\n"
                      "CREATE INDEX u_c ON u (name COLLATE \"C\");");
  auto I = S.indexesOn("u");
  ASSERT_EQ(I.size(), 3u);
  EXPECT_EQ(I[0]->Keys[0].Text, "lower(email)");
  EXPECT_TRUE(I[0]->Keys[0].Column.empty());
  EXPECT_EQ(I[0]->Include, (std::vector<std::string>{"name"}));
  EXPECT_EQ(I[0]->WhereCanon.size(), 1u);
  EXPECT_EQ(I[1]->Keys[0].Opclass, "text_pattern_ops");
  EXPECT_EQ(I[2]->Keys[0].Column, "name");
  EXPECT_EQ(I[2]->Keys[0].Collation, "C");
}

TEST(SqlSchema, AlterRenameDrop) {
  Schema S = schemaOf("CREATE TABLE a (x int, y int);\n"
                      "CREATE INDEX a_y ON a (y);\n"
                      "ALTER TABLE a ADD COLUMN z int, ADD CONSTRAINT a_z_key UNIQUE (z);\n"
                      "ALTER TABLE a RENAME COLUMN y TO w;\n"
                      "ALTER TABLE a RENAME TO b;\n"
                      "ALTER INDEX a_y RENAME TO b_w;\n"
                      "ALTER TABLE b DROP CONSTRAINT a_z_key;\n");
  EXPECT_EQ(S.table("a"), nullptr);
  ASSERT_NE(S.table("b"), nullptr);
  EXPECT_NE(S.table("b")->column("w"), nullptr);
  auto I = S.indexesOn("b");
  ASSERT_EQ(I.size(), 1u);
  EXPECT_EQ(I[0]->Name, "b_w");
  EXPECT_EQ(I[0]->Keys[0].Column, "w");
  Schema S2 = schemaOf("CREATE TABLE a (x int, y int); CREATE INDEX ay ON a (y);\n"
                       "ALTER TABLE a DROP COLUMN y;");
  EXPECT_TRUE(S2.indexesOn("a").empty());
  Schema S3 = schemaOf("CREATE TABLE a (x int); CREATE INDEX ax ON a (x); DROP INDEX IF EXISTS ax;");
  EXPECT_TRUE(S3.indexesOn("a").empty());
  Schema S4 = schemaOf("CREATE TABLE a (x int); CREATE INDEX ax ON a (x); DROP TABLE a;");
  EXPECT_EQ(S4.table("a"), nullptr);
  EXPECT_TRUE(S4.Indexes.empty());
}

TEST(SqlSchema, MalformedStatementIsReportedWithLineAndReplayGoesOn) {
  Schema S;
  S.apply(SqlSource{"db/V3__broken.sql", 1,
                    "CREATE TABLE a (x int);\n\nCREATE TABLE b (y int,, z int);\nCREATE INDEX ax ON a (x);\n"});
  ASSERT_EQ(S.Errors.size(), 1u);
  EXPECT_EQ(S.Errors[0].File, "db/V3__broken.sql");
  EXPECT_EQ(S.Errors[0].Line, 3u);
  EXPECT_NE(S.Errors[0].str().find("db/V3__broken.sql:3:"), std::string::npos);
  EXPECT_EQ(S.indexesOn("a").size(), 1u);
}

TEST(SqlSchema, UnterminatedColumnListIsAnError) {
  for (bool MySql : {false, true}) {
    Schema S;
    S.apply(SqlSource{"db/1_init.up.sql", 1, "CREATE TABLE ok (x int);\nCREATE TABLE broken (;\n"}, MySql);
    ASSERT_EQ(S.Errors.size(), 1u) << "mysql=" << MySql;
    EXPECT_EQ(S.Errors[0].Line, 2u) << S.Errors[0].str();
    EXPECT_NE(S.table("ok"), nullptr);
  }
  Schema T;
  T.apply(SqlSource{"s.sql", 1, "CREATE TABLE broken ("});
  EXPECT_EQ(T.Errors.size(), 1u);
}

TEST(SqlSchema, SqliteAndMySqlNoiseIsTolerated) {
  Schema S = schemaOf("CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, n TEXT) WITHOUT ROWID;");
  EXPECT_TRUE(S.Errors.empty());
  EXPECT_EQ(S.indexesOn("a").size(), 1u);
  Schema M;
  M.apply(SqlSource{"m.sql", 1, "CREATE TABLE `b` (id INT UNSIGNED NOT NULL AUTO_INCREMENT, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;"}, true);
  EXPECT_TRUE(M.Errors.empty()) << (M.Errors.empty() ? "" : M.Errors[0].str());
  EXPECT_EQ(M.indexesOn("b").size(), 1u);
}

TEST(SqlSchemaCache, SameFilesAreParsedOnceAndEditsAreSeen) {
  TempDir D;
  D.write("1_init.sql", "CREATE TABLE t (a int);");
  unsigned Before = schemaBuildCount();
  auto A = loadSchema({D.P.string()}, Dialect::PostgreSQL);
  auto B = loadSchema({D.P.string()}, Dialect::PostgreSQL);
  EXPECT_EQ(A.get(), B.get());
  EXPECT_EQ(schemaBuildCount(), Before + 1);
  D.write("2_more.sql", "CREATE INDEX t_a ON t (a);");
  auto C = loadSchema({D.P.string()}, Dialect::PostgreSQL);
  EXPECT_NE(A.get(), C.get());
  EXPECT_EQ(C->S.indexesOn("t").size(), 1u);
}

// ---- MySQL index definitions --------------------------------------------------

TEST(SqlMySql, InlineKeysBecomeIndexes) {
  const char *Ddl = R"sql(/* dump */ CREATE TABLE `orders` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `user_id` INT NOT NULL,
  `sku` VARCHAR(64),
  `note` TEXT,
  `email` VARCHAR(255),
  PRIMARY KEY (`id`),
  KEY `orders_user_idx` (`user_id`, `sku`(10) DESC),
  INDEX (`sku`) USING BTREE,
  UNIQUE KEY `orders_email_uq` (`email`),
  CONSTRAINT `c_note` UNIQUE INDEX (`note`(20)),
  FULLTEXT KEY `orders_note_ft` (`note`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
ALTER TABLE orders ADD INDEX idx_note (note), ADD COLUMN status INT, ADD KEY (status);
ALTER TABLE orders ADD FULLTEXT INDEX ft2 (note);
CREATE TABLE broken (id int,,);
)sql";
  auto L = buildSchema({SqlSource{"m.sql", 1, Ddl}}, Dialect::MySQL);
  ASSERT_EQ(L->Errors.size(), 1u);
  EXPECT_EQ(L->Errors[0].Line, 16u) << L->Errors[0].str(); // lines kept after the rewrite
  std::map<std::string, std::string> Got;
  for (const Index *I : L->S.indexesOn("orders")) {
    std::string K;
    for (auto &X : I->Keys)
      K += (K.empty() ? "" : ",") + X.Text;
    Got[I->Name] = K + (I->Unique ? " unique" : "");
  }
  EXPECT_EQ(Got["orders_user_idx"], "user_id,sku");
  EXPECT_EQ(Got["sku"], "sku");
  EXPECT_EQ(Got["orders_email_uq"], "email unique");
  EXPECT_EQ(Got["c_note"], "note unique");
  EXPECT_EQ(Got["idx_note"], "note");
  EXPECT_EQ(Got["status"], "status");
  EXPECT_EQ(Got.count("orders_note_ft"), 0u); // FULLTEXT serves MATCH ... AGAINST only
  EXPECT_EQ(Got.count("ft2"), 0u);
  ASSERT_TRUE(L->S.table("orders"));
  EXPECT_TRUE(L->S.table("orders")->column("status"));

  AnalysisOptions O;
  O.D = Dialect::MySQL;
  EXPECT_TRUE(analyzeQuery(*L, "SELECT * FROM orders WHERE user_id = ?", O).Findings.empty());
  EXPECT_TRUE(analyzeQuery(*L, "SELECT * FROM orders WHERE `email` = ?", O).Findings.empty());
  EXPECT_EQ(analyzeQuery(*L, "SELECT * FROM orders WHERE id > 0 AND sku2 = 1", O).Findings.size(), 0u);
}

TEST(SqlMySql, DropIndexForms) {
  auto L = buildSchema({SqlSource{"m.sql", 1, R"sql(
CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, KEY ia (a), KEY ib (b));
ALTER TABLE t DROP INDEX ia;
DROP INDEX ib ON t;
)sql"}}, Dialect::MySQL);
  EXPECT_TRUE(L->Errors.empty()) << L->Errors[0].str();
  EXPECT_EQ(L->S.indexesOn("t").size(), 1u); // the primary key
  AnalysisOptions O;
  O.D = Dialect::MySQL;
  EXPECT_EQ(analyzeQuery(*L, "SELECT * FROM t WHERE a = 1", O).Findings.size(), 1u);
}

TEST(SqlMySql, RewriteLeavesOtherStatementsAlone) {
  std::string S = "-- KEY k (a)\nCREATE TABLE a (id int, name text);\nSELECT 'KEY (x)';\nALTER TABLE a ADD COLUMN z int;";
  EXPECT_EQ(rewriteMySqlIndexes(S), S);
}
