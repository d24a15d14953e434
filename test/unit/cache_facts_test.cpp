// Unit tests for lib/cache/CacheFacts (decision, message, JSON, combine).
#include "../../lib/cache/CacheFacts.h"

#include <gtest/gtest.h>

using namespace prodready::cache;

namespace {

GrowthSite grow(std::string Fn, unsigned Line, std::string Method = "insert") {
  GrowthSite G;
  G.Loc = {"a.cpp", Line, 5};
  G.Method = std::move(Method);
  G.Function = std::move(Fn);
  G.FunctionUSR = "c:@F@" + G.Function;
  return G;
}

ContainerFacts staticMap() {
  ContainerFacts F;
  F.USR = "c:a.cpp@s_userCache";
  F.Name = "s_userCache";
  F.QualifiedName = "s_userCache";
  F.TypeName = "std::unordered_map";
  F.Kind = "map";
  F.Store = Storage::Global;
  F.InternalLinkage = true;
  F.Decl = {"a.cpp", 3, 40};
  F.Growth.push_back(grow("handleGetUser", 10, "operator[]"));
  return F;
}

ContainerFacts member() {
  ContainerFacts F;
  F.USR = "c:@S@SessionService@FI@sessions_";
  F.Name = "sessions_";
  F.TypeName = "std::map";
  F.Kind = "map";
  F.Store = Storage::Member;
  F.OwnerClass = "SessionService";
  F.Access = "private";
  F.OwnerLongLived = true;
  F.OwnerMethodsDeclared = {"m1", "m2"};
  F.OwnerMethodsDefined = {"m1", "m2"};
  F.Growth.push_back(grow("SessionService::login", 20));
  return F;
}

} // namespace

TEST(CacheFacts, ReportsGrowingStatic) {
  auto F = staticMap();
  Verdict V = decide(F, {});
  EXPECT_TRUE(V.Report) << V.Reason;
  ASSERT_EQ(V.GrowthSites.size(), 1u);
  EXPECT_EQ(message(F, V), "'s_userCache' (static std::unordered_map) grows in 'handleGetUser' "
                           "and is never erased or size-capped");
}

TEST(CacheFacts, ShrinkAnywhereSilences) {
  auto F = staticMap();
  F.Shrinks.push_back({{"a.cpp", 30, 3}, "erase", "evict", "", false});
  Verdict V = decide(F, {});
  EXPECT_FALSE(V.Report);
  EXPECT_NE(V.Reason.find("evict"), std::string::npos);
}

TEST(CacheFacts, OneTimeShrinkDoesNotBound) {
  auto F = staticMap();
  F.Shrinks.push_back({{"a.cpp", 30, 3}, "clear", "init", "", true});
  EXPECT_TRUE(decide(F, {}).Report);
}

TEST(CacheFacts, OneTimeConstantKeyAndCappedGrowthDoNotCount) {
  auto F = staticMap();
  F.Growth[0].OneTime = true;
  EXPECT_FALSE(decide(F, {}).Report);
  F.Growth[0].OneTime = false;
  F.Growth[0].ConstantKey = true;
  EXPECT_FALSE(decide(F, {}).Report);
  F.Growth[0].ConstantKey = false;
  F.Growth[0].Capped = true;
  EXPECT_FALSE(decide(F, {}).Report);
  // A second, uncapped site is enough.
  F.Growth.push_back(grow("handleOther", 12));
  Verdict V = decide(F, {});
  EXPECT_TRUE(V.Report);
  EXPECT_EQ(V.GrowthSites, std::vector<size_t>{1});
}

TEST(CacheFacts, EscapeSilences) {
  auto F = staticMap();
  F.Escapes.push_back({{"a.cpp", 40, 1}, "passed by non-const reference to 'fill'", "x"});
  Verdict V = decide(F, {});
  EXPECT_FALSE(V.Report);
  EXPECT_NE(V.Reason.find("fill"), std::string::npos);
}

TEST(CacheFacts, BoundedSilences) {
  auto F = staticMap();
  F.Bounded = true;
  F.BoundedReason = "EvictingCacheMap with maxSize 100";
  EXPECT_FALSE(decide(F, {}).Report);
}

TEST(CacheFacts, ExternalGlobalsVisibility) {
  auto F = staticMap();
  F.InternalLinkage = false;
  EXPECT_TRUE(decide(F, {}).Report) << "unexported external global: default reports";
  F.Exported = true;
  EXPECT_FALSE(decide(F, {}).Report);
  DecisionOptions Always;
  Always.Externals = ExternalGlobals::Always;
  EXPECT_TRUE(decide(F, Always).Report);
  DecisionOptions Never;
  Never.Externals = ExternalGlobals::Never;
  F.Exported = false;
  EXPECT_FALSE(decide(F, Never).Report);
  EXPECT_TRUE(decide(F, Never, /*WholeProgram=*/true).Report);
  ExternalGlobals E;
  EXPECT_TRUE(parseExternalGlobals("always", E));
  EXPECT_FALSE(parseExternalGlobals("sometimes", E));
}

TEST(CacheFacts, MemberVisibilityRule) {
  auto F = member();
  EXPECT_TRUE(decide(F, {}).Report);
  F.OwnerMethodsDefined = {"m1"};
  Verdict V = decide(F, {});
  EXPECT_FALSE(V.Report);
  EXPECT_NE(V.Reason.find("defined elsewhere"), std::string::npos);
  F = member();
  F.Access = "public";
  EXPECT_FALSE(decide(F, {}).Report);
  DecisionOptions Pub;
  Pub.ReportPublicMembers = true;
  EXPECT_TRUE(decide(F, Pub).Report);
  F = member();
  F.OwnerLongLived = false;
  EXPECT_FALSE(decide(F, {}).Report);
  F.OwnerLongLived = true;
  F.OwnerRequestScoped = true;
  EXPECT_FALSE(decide(F, {}).Report);
  // Static members need no long-lived owner.
  F = member();
  F.Store = Storage::StaticMember;
  F.OwnerLongLived = false;
  EXPECT_TRUE(decide(F, {}).Report);
}

TEST(CacheFacts, MessageEscalations) {
  auto F = staticMap();
  F.Growth[0].FromRequest = true;
  F.Growth[0].RequestKey = "request parameter 'id'";
  EXPECT_EQ(message(F, decide(F, {})),
            "'s_userCache' (static std::unordered_map) grows in 'handleGetUser' and is never "
            "erased or size-capped; grows by one entry per distinct client-supplied request "
            "parameter 'id'");
  F = staticMap();
  F.Growth[0].InHandler = true;
  F.Growth[0].Handler = "lambda in main";
  F.Growth[0].KeyParam = "key";
  EXPECT_NE(message(F, decide(F, {})).find("reached from request handler 'lambda in main', keyed by parameter 'key'"),
            std::string::npos);
  F = staticMap();
  F.NameHint = "cache";
  EXPECT_NE(message(F, decide(F, {})).find("; named like a cache"), std::string::npos);
  F.TtlField = "expires_at";
  EXPECT_NE(message(F, decide(F, {})).find("entries carry 'expires_at' but nothing ever expires them"),
            std::string::npos);
  auto M = member();
  M.Kind = "sequence";
  M.TypeName = "std::vector";
  M.Growth.push_back(grow("SessionService::a", 21));
  M.Growth.push_back(grow("SessionService::b", 22));
  M.Growth.push_back(grow("SessionService::login", 23));
  EXPECT_EQ(message(M, decide(M, {})),
            "'sessions_' (std::vector member of 'SessionService') grows in "
            "'SessionService::login', 'SessionService::a' and 1 more function and is never "
            "trimmed or size-capped");
}

TEST(CacheFacts, CapFixTemplate) {
  EXPECT_EQ(capFix("if ({obj}size() >= {max}) {obj}erase({obj}begin());", "s_cache.", "10000"),
            "if (s_cache.size() >= 10000) s_cache.erase(s_cache.begin());");
  EXPECT_EQ(capFix("if ({obj}size() >= {max}) {obj}pop_front();", "p->", "kMax"),
            "if (p->size() >= kMax) p->pop_front();");
  EXPECT_EQ(capFix("", "x.", "1"), "");
}

TEST(CacheFacts, JsonRoundTrip) {
  TUFacts T;
  T.MainFile = "a.cpp";
  auto F = member();
  F.Shrinks.push_back({{"a.cpp", 30, 3}, "clear", "SessionService::SessionService", "u", true});
  F.Escapes.push_back({{"a.cpp", 31, 3}, "how", "fn"});
  F.Growth[0].FromRequest = true;
  F.Growth[0].RequestKey = "header 'X-Id'";
  T.Containers.push_back(F);
  T.Containers.push_back(staticMap());
  nlohmann::json J = T.toJson();
  EXPECT_EQ(J["prodready-cache-facts"], 1);
  TUFacts R = TUFacts::fromJson(nlohmann::json::parse(J.dump()));
  ASSERT_EQ(R.Containers.size(), 2u);
  EXPECT_EQ(R.MainFile, "a.cpp");
  const auto &G = R.Containers[0];
  EXPECT_EQ(G.Store, Storage::Member);
  EXPECT_EQ(G.OwnerMethodsDeclared, F.OwnerMethodsDeclared);
  EXPECT_EQ(G.Growth[0].RequestKey, "header 'X-Id'");
  EXPECT_TRUE(G.Shrinks[0].OneTime);
  EXPECT_EQ(G.Escapes[0].How, "how");
  EXPECT_EQ(R.toJson(), J);
}

TEST(CacheFacts, JsonRejectsWrongVersionAndStorage) {
  EXPECT_THROW(TUFacts::fromJson(nlohmann::json{{"prodready-cache-facts", 2}}), std::runtime_error);
  EXPECT_THROW(TUFacts::fromJson(nlohmann::json::array()), std::runtime_error);
  nlohmann::json J = TUFacts{}.toJson();
  J["containers"] = nlohmann::json::array({{{"storage", "heap"}}});
  EXPECT_THROW(TUFacts::fromJson(J), std::exception);
}

TEST(CacheFacts, CombineAcrossTranslationUnits) {
  // TU a.cpp: declares both methods, defines login (grows) only.
  auto A = member();
  A.OwnerMethodsDefined = {"m1"};
  // TU b.cpp: defines m2, which erases.
  auto B = member();
  B.Growth.clear();
  B.OwnerMethodsDefined = {"m2"};
  EXPECT_FALSE(decide(A, {}).Report) << "a.cpp alone cannot see m2";
  std::vector<ContainerFacts> C = combine({TUFacts{1, "a.cpp", {A}}, TUFacts{1, "b.cpp", {B}}});
  ASSERT_EQ(C.size(), 1u);
  EXPECT_TRUE(C[0].ownerComplete());
  EXPECT_TRUE(decide(C[0], {}, true).Report);
  B.Shrinks.push_back({{"b.cpp", 9, 3}, "erase", "SessionService::m2", "m2", false});
  C = combine({TUFacts{1, "a.cpp", {A}}, TUFacts{1, "b.cpp", {B}}});
  EXPECT_FALSE(decide(C[0], {}, true).Report);
  // The same growth site seen from two TUs (a header) is counted once.
  C = combine({TUFacts{1, "a.cpp", {A}}, TUFacts{1, "c.cpp", {A}}});
  EXPECT_EQ(C[0].Growth.size(), 1u);
  // Different USRs (internal linkage in two files) never merge.
  auto S1 = staticMap(), S2 = staticMap();
  S2.USR = "c:b.cpp@s_userCache";
  EXPECT_EQ(combine({TUFacts{1, "a.cpp", {S1}}, TUFacts{1, "b.cpp", {S2}}}).size(), 2u);
}
