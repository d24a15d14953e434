// Unit tests for lib/cache/ContainerModel (container types as data).
#include "../../lib/cache/ContainerModel.h"

#include <gtest/gtest.h>

using namespace prodready;
using namespace prodready::cache;
using nlohmann::json;

namespace {

std::shared_ptr<ContainerModel> builtin(std::vector<model::ModelError> &Errors) {
  std::vector<std::pair<std::string, json>> Docs;
  for (const auto &F : model::builtinModelFiles())
    if (F.first.find("containers") != std::string::npos)
      Docs.emplace_back(F.first, json::parse(F.second));
  EXPECT_FALSE(Docs.empty()) << "containers*.json is not embedded";
  return ContainerModel::fromJson(Docs, Errors);
}

std::string errs(const std::vector<model::ModelError> &E) {
  std::string S;
  for (const auto &X : E)
    S += X.File + ": " + X.Where + ": " + X.Message + "\n";
  return S;
}

} // namespace

TEST(CacheModel, BuiltinLoadsWithoutErrors) {
  std::vector<model::ModelError> Errors;
  auto M = builtin(Errors);
  EXPECT_TRUE(Errors.empty()) << errs(Errors);
  // The families named in issue 6 are all there.
  for (const char *N : {"::std::map", "::std::multimap", "::std::unordered_map",
                        "::std::unordered_multimap", "::std::set", "::std::unordered_set",
                        "::std::vector", "::std::deque", "::std::list", "::std::forward_list",
                        "::boost::unordered::unordered_map", "::absl::flat_hash_map",
                        "::absl::node_hash_set", "::tbb::concurrent_hash_map",
                        "::tbb::concurrent_unordered_map", "::tbb::concurrent_vector",
                        "::folly::F14FastMap", "::QHash", "::QMap", "::QList",
                        "::folly::EvictingCacheMap", "::drogon::CacheMap"})
    EXPECT_NE(M->find(N), nullptr) << N;
}

TEST(CacheModel, KindsGiveMethods) {
  std::vector<model::ModelError> Errors;
  auto M = builtin(Errors);
  const ContainerType *Map = M->find("std::unordered_map");
  ASSERT_NE(Map, nullptr);
  EXPECT_EQ(Map->Kind, "map");
  EXPECT_TRUE(Map->Keyed);
  EXPECT_TRUE(Map->isGrow("operator[]"));
  EXPECT_TRUE(Map->isGrow("try_emplace"));
  EXPECT_FALSE(Map->isGrow("find"));
  EXPECT_TRUE(Map->isShrink("erase"));
  EXPECT_TRUE(Map->isShrink("extract"));
  EXPECT_TRUE(Map->isSize("size"));
  const ContainerType *Vec = M->find("::std::vector");
  ASSERT_NE(Vec, nullptr);
  EXPECT_FALSE(Vec->Keyed);
  EXPECT_TRUE(Vec->isGrow("push_back"));
  EXPECT_FALSE(Vec->isGrow("operator[]")) << "indexing a vector never grows it";
  EXPECT_TRUE(Vec->isShrink("pop_back"));
  const ContainerType *Deq = M->find("::std::deque");
  EXPECT_NE(Deq->CapFix.find("pop_front"), std::string::npos);
  const ContainerType *FL = M->find("::std::forward_list");
  EXPECT_TRUE(FL->CapFix.empty()) << "forward_list has no size()";
  // Per-type lists replace the kind's.
  const ContainerType *QL = M->find("::QList");
  EXPECT_TRUE(QL->isGrow("append"));
  EXPECT_TRUE(QL->isShrink("removeFirst"));
  const ContainerType *TV = M->find("::tbb::concurrent_vector");
  EXPECT_TRUE(TV->isGrow("grow_by"));
  EXPECT_FALSE(TV->isShrink("erase"));
  EXPECT_EQ(M->find("::tbb::concurrent_hash_map")->keyArg("insert"), 1);
  EXPECT_EQ(Map->keyArg("emplace_hint"), 1);
  EXPECT_EQ(Map->keyArg("insert"), 0);
}

TEST(CacheModel, ConditionalAndBoundedTypes) {
  std::vector<model::ModelError> Errors;
  auto M = builtin(Errors);
  const ContainerType *Drogon = M->find("::drogon::CacheMap");
  ASSERT_NE(Drogon, nullptr);
  EXPECT_FALSE(Drogon->isGrow("insert"));
  auto C = Drogon->conditionalGrowth("insert");
  ASSERT_FALSE(C.empty());
  EXPECT_EQ(C[0]->Param, 2);
  const ContainerType *Ev = M->find("::folly::EvictingCacheMap");
  ASSERT_TRUE(Ev->BoundedUnlessCtorParam.has_value());
  EXPECT_EQ(*Ev->BoundedUnlessCtorParam, 0);
  EXPECT_EQ(Ev->BoundedUnlessCtorValue, 0);
}

TEST(CacheModel, WrappersAndFunctions) {
  std::vector<model::ModelError> Errors;
  auto M = builtin(Errors);
  EXPECT_EQ(M->wrapperArg("::std::shared_ptr"), 0);
  EXPECT_EQ(M->wrapperArg("std::unique_ptr"), 0);
  EXPECT_EQ(M->wrapperArg("::std::map"), -1);
  auto P = M->shrinkParams("::std::swap");
  EXPECT_EQ(P.size(), 2u);
  EXPECT_EQ(M->shrinkParams("::std::erase_if"), std::vector<int>{0});
  EXPECT_TRUE(M->shrinkParams("::std::sort").empty());
  EXPECT_TRUE(M->isReadOnlyFunction("::std::find_if"));
  EXPECT_FALSE(M->isReadOnlyFunction("::std::swap"));
  EXPECT_EQ(M->oneTimeCallParam("::std::call_once"), 1);
  EXPECT_EQ(M->oneTimeCallParam("::std::invoke"), -1);
  EXPECT_EQ(M->shrinkParams("::std::move"), std::vector<int>{0}) << "moved-from is emptied";
}

TEST(CacheModel, NormalizeInlineNamespaces) {
  EXPECT_EQ(ContainerModel::normalizeName("std::__1::map"), "::std::map");
  EXPECT_EQ(ContainerModel::normalizeName("::std::__cxx11::list"), "::std::list");
  EXPECT_EQ(ContainerModel::normalizeName("QHash"), "::QHash");
}

TEST(CacheModel, WordsAndPatterns) {
  std::vector<std::string> W = {"cache", "session", "seen"};
  EXPECT_EQ(ContainerModel::matchWord("g_sessions", W), "session");
  EXPECT_EQ(ContainerModel::matchWord("userCache", W), "cache");
  EXPECT_EQ(ContainerModel::matchWord("cachedValue", W), "") << "word match, not substring";
  EXPECT_TRUE(ContainerModel::matchesNamePattern("initRoutes", {"init*"}));
  EXPECT_TRUE(ContainerModel::matchesNamePattern("main", {"main"}));
  EXPECT_FALSE(ContainerModel::matchesNamePattern("domain", {"main"}));
  EXPECT_FALSE(ContainerModel::matchesNamePattern("handleInit", {"init*"}));
}

TEST(CacheModel, MalformedEntriesAreReportedWithPointer) {
  json Doc = json::parse(R"({
    "prodready-model": 1,
    "container-kinds": [{"kind": "map", "grow": ["insert"], "shrink": ["erase"], "size": ["size"]}],
    "container-types": [
      {"name": "::my::Map", "kind": "map"},
      {"name": "::my::Bad", "kind": "tree"},
      {"kind": "map"},
      {"name": "::my::Weird", "kind": "map", "grow": "insert"}
    ],
    "container-wrappers": [{"name": "::my::Ptr"}]
  })");
  std::vector<model::ModelError> Errors;
  auto M = ContainerModel::fromJson({{"user.json", Doc}}, Errors);
  EXPECT_NE(M->find("::my::Map"), nullptr);
  EXPECT_EQ(M->find("::my::Bad"), nullptr);
  ASSERT_EQ(Errors.size(), 4u) << errs(Errors);
  EXPECT_EQ(Errors[0].File, "user.json");
  EXPECT_EQ(Errors[0].Where, "/container-types/1/kind");
  EXPECT_NE(Errors[0].Message.find("tree"), std::string::npos);
  EXPECT_EQ(Errors[1].Where, "/container-types/2/name");
  EXPECT_EQ(Errors[2].Where, "/container-types/3/grow");
  EXPECT_EQ(Errors[3].Where, "/container-wrappers/0");
}

TEST(CacheModel, OptionTypesAndShrinkMethods) {
  std::vector<model::ModelError> Errors;
  auto M = builtin(Errors);
  std::vector<std::string> OptErrors;
  M->addTypes({"::acme::LruMap=map", "::acme::Ring=sequence", "::acme::Bad=tree"}, OptErrors);
  ASSERT_NE(M->find("::acme::LruMap"), nullptr);
  EXPECT_TRUE(M->find("::acme::LruMap")->isGrow("insert"));
  EXPECT_EQ(M->find("::acme::Ring")->Kind, "sequence");
  EXPECT_EQ(OptErrors.size(), 1u);
  EXPECT_FALSE(M->find("::std::map")->isShrink("evictOldest"));
  M->addShrinkMethods({"evictOldest"});
  EXPECT_TRUE(M->find("::std::map")->isShrink("evictOldest"));
}
