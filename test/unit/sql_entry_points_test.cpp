// Unit tests for lib/sql/EntryPoints: the built-in sql-entry-points model and
// the parameter-value fields (params-from, param-values-arg,
// statement-out-arg, name-arg, executes-prepared, binds).
#include "lib/sql/EntryPoints.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace prodready;
using namespace prodready::sql;

namespace {
std::string writeModel(const std::string &Name, const std::string &Text) {
  std::string Path = testing::TempDir() + "/" + Name;
  std::ofstream(Path) << Text;
  return Path;
}
} // namespace

TEST(SqlEntryPoints, BuiltinKnowsParameterValues) {
  std::vector<model::ModelError> Errors;
  auto M = model::Model::load({}, Errors);
  auto EP = SqlEntryPoints::build(*M, Errors);
  ASSERT_TRUE(Errors.empty()) << Errors[0].str();
  const SqlEntryPoint *P = EP->function("::pqxx::transaction_base::exec_params");
  ASSERT_TRUE(P);
  EXPECT_EQ(P->ParamsFrom, 1);
  P = EP->function("::pqxx::transaction_base::exec_prepared");
  ASSERT_TRUE(P);
  EXPECT_TRUE(P->ExecutesPrepared);
  EXPECT_FALSE(SqlEntryPoints::carriesSql(*P));
  EXPECT_EQ(P->NameArg, 0);
  P = EP->function("::pqxx::connection_base::prepare");
  ASSERT_TRUE(P);
  EXPECT_EQ(P->NameArg, 0);
  EXPECT_EQ(P->SqlArg, 1);
  P = EP->function("::PQexecParams");
  ASSERT_TRUE(P);
  EXPECT_EQ(P->ParamValuesArg, 4);
  P = EP->function("::sqlite3_prepare_v2");
  ASSERT_TRUE(P);
  EXPECT_EQ(P->StatementOutArg, 3);
  P = EP->function("::SQLite::Statement::bind");
  ASSERT_TRUE(P);
  EXPECT_TRUE(P->Binds);
  EXPECT_EQ(P->StatementArg, -1);
  EXPECT_EQ(P->IndexArg, 0);
  EXPECT_EQ(P->ValueArg, 1);
}

TEST(SqlEntryPoints, MalformedValueFieldsAreReported) {
  std::vector<model::ModelError> Errors;
  std::string F = writeModel("sql-bad.json", R"({"prodready-model": 1, "name": "bad", "sql-entry-points": [
    {"functions": ["::a"], "executes-prepared": true},
    {"functions": ["::b"], "binds": true, "statement-arg": 0, "value-arg": 2},
    {"functions": ["::c"], "binds": "yes", "index-arg": 1, "value-arg": 2},
    {"functions": ["::d"], "sql-arg": 0, "params-from": -1},
    {"functions": ["::e"], "sql-arg": 0, "params-from": 1}
  ]})");
  auto M = model::Model::load({F}, Errors);
  auto EP = SqlEntryPoints::build(*M, Errors);
  ASSERT_EQ(Errors.size(), 4u);
  EXPECT_NE(Errors[0].str().find("needs \"name-arg\""), std::string::npos) << Errors[0].str();
  EXPECT_NE(Errors[1].str().find("needs \"index-arg\""), std::string::npos) << Errors[1].str();
  EXPECT_NE(Errors[2].str().find("must be true or false"), std::string::npos) << Errors[2].str();
  EXPECT_NE(Errors[3].str().find("must be 0 or more"), std::string::npos) << Errors[3].str();
  EXPECT_FALSE(EP->function("::a"));
  ASSERT_TRUE(EP->function("::e"));
  EXPECT_EQ(EP->function("::e")->ParamsFrom, 1);
}
