// Unit tests for lib/model: loading, merging, errors with positions, caching.
#include "lib/model/Model.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

using namespace prodready::model;

namespace {

std::string writeTemp(const std::string &Name, const std::string &Text) {
  std::string Path = testing::TempDir() + "/" + Name;
  std::ofstream(Path) << Text;
  return Path;
}

bool anyErrorContains(const std::vector<ModelError> &Errors, const std::string &Needle) {
  for (const auto &E : Errors)
    if (E.str().find(Needle) != std::string::npos)
      return true;
  return false;
}

TEST(Model, BuiltinsLoadWithoutErrors) {
  std::vector<ModelError> Errors;
  auto M = Model::load({}, Errors);
  for (const auto &E : Errors)
    ADD_FAILURE() << E.str();
  ASSERT_TRUE(M);
  EXPECT_FALSE(builtinModelFiles().empty());
  EXPECT_EQ(M->files().size(), builtinModelFiles().size());
  EXPECT_FALSE(M->section("test-file-patterns").empty());
}

TEST(Model, UserFileEntriesFollowBuiltins) {
  std::string P = writeTemp("user-model.json", R"({
    "prodready-model": 1,
    "test-file-patterns": ["(^|/)qa/"]
  })");
  std::vector<ModelError> Errors;
  auto M = Model::load({P}, Errors);
  EXPECT_TRUE(Errors.empty());
  auto S = M->section("test-file-patterns");
  ASSERT_FALSE(S.empty());
  EXPECT_EQ(S.back().File, P);
  EXPECT_EQ(S.back().Value->get<std::string>(), "(^|/)qa/");
  EXPECT_EQ(S.back().Pointer, "/test-file-patterns/0");
}

TEST(Model, SyntaxErrorNamesFileLineAndColumn) {
  std::string P = writeTemp("broken.json", "{\n  \"prodready-model\": 1,\n  \"x\": [1,, 2]\n}\n");
  std::vector<ModelError> Errors;
  auto M = Model::load({P}, Errors);
  ASSERT_EQ(Errors.size(), 1u);
  EXPECT_EQ(Errors[0].File, P);
  EXPECT_NE(Errors[0].Where.find("line 3"), std::string::npos) << Errors[0].str();
  EXPECT_NE(Errors[0].Message.find("invalid JSON"), std::string::npos);
  // The built-ins are still there.
  EXPECT_FALSE(M->section("test-file-patterns").empty());
}

TEST(Model, MissingFileIsAnError) {
  std::vector<ModelError> Errors;
  Model::load({"/nonexistent/prodready/model.json"}, Errors);
  ASSERT_EQ(Errors.size(), 1u);
  EXPECT_TRUE(anyErrorContains(Errors, "cannot read model file"));
}

TEST(Model, VersionAndShapeAreValidated) {
  std::vector<ModelError> Errors;
  Model::load({writeTemp("noversion.json", R"({"sinks": []})")}, Errors);
  EXPECT_TRUE(anyErrorContains(Errors, "missing \"prodready-model\""));
  Errors.clear();
  Model::load({writeTemp("v9.json", R"({"prodready-model": 9})")}, Errors);
  EXPECT_TRUE(anyErrorContains(Errors, "unsupported model version 9"));
  Errors.clear();
  Model::load({writeTemp("notarray.json", R"({"prodready-model": 1, "sinks": {"a": 1}})")}, Errors);
  EXPECT_TRUE(anyErrorContains(Errors, "/sinks: a section must be a JSON array"));
  Errors.clear();
  Model::load({writeTemp("array.json", R"([1, 2])")}, Errors);
  EXPECT_TRUE(anyErrorContains(Errors, "must be a JSON object"));
}

TEST(Model, EntryAccessorsReportPointers) {
  std::string P = writeTemp("entries.json", R"({"prodready-model": 1,
    "things": [{"function": "::f", "param": "x", "names": ["a", 2]}]})");
  std::vector<ModelError> Errors;
  auto M = Model::load({P}, Errors);
  ASSERT_TRUE(Errors.empty());
  auto S = M->section("things");
  ASSERT_EQ(S.size(), 1u);
  std::string F;
  EXPECT_TRUE(getString(S[0], "function", F, Errors));
  EXPECT_EQ(F, "::f");
  int I = 0;
  EXPECT_FALSE(getInt(S[0], "param", I, Errors));
  EXPECT_TRUE(anyErrorContains(Errors, "/things/0/param: expected an integer"));
  std::vector<std::string> L;
  EXPECT_FALSE(getStringList(S[0], "names", L, Errors));
  EXPECT_TRUE(anyErrorContains(Errors, "/things/0/names/1: expected a string"));
  EXPECT_FALSE(getString(S[0], "missing", F, Errors));
  EXPECT_TRUE(anyErrorContains(Errors, "missing required member \"missing\""));
  size_t Before = Errors.size();
  EXPECT_FALSE(getString(S[0], "optional", F, Errors, /*Required=*/false));
  EXPECT_EQ(Errors.size(), Before);
}

TEST(Model, CachedParsesOncePerSpecAndRepeatsErrors) {
  std::string P = writeTemp("cached-bad.json", "{");
  std::vector<ModelError> E1, E2;
  auto A = Model::cached(P, E1);
  auto B = Model::cached(P, E2);
  EXPECT_EQ(A.get(), B.get());
  EXPECT_EQ(E1.size(), 1u);
  EXPECT_EQ(E2.size(), 1u);
}

TEST(Model, DeriveBuildsOnce) {
  std::vector<ModelError> Errors;
  auto M = Model::load({}, Errors);
  int Calls = 0;
  std::function<std::shared_ptr<int>(const Model &, std::vector<ModelError> &)> B =
      [&](const Model &, std::vector<ModelError> &Errs) {
        ++Calls;
        Errs.push_back({"f", "/x", "derived problem"});
        return std::make_shared<int>(42);
      };
  std::vector<ModelError> E1, E2;
  auto V1 = M->derive<int>("k", B, E1);
  auto V2 = M->derive<int>("k", B, E2);
  EXPECT_EQ(Calls, 1);
  EXPECT_EQ(*V1, 42);
  EXPECT_EQ(V1.get(), V2.get());
  EXPECT_EQ(E1.size(), 1u);
  EXPECT_EQ(E2.size(), 1u);
}

TEST(Model, SplitFileList) {
  EXPECT_EQ(Model::splitFileList(" a.json ; b.json,c.json;;"),
            (std::vector<std::string>{"a.json", "b.json", "c.json"}));
  EXPECT_TRUE(Model::splitFileList("").empty());
}

} // namespace
