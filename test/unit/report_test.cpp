// Unit tests for lib/report: fingerprints, masking, dedup, outputs, baseline,
// cache (validation and eviction), fix application.
#include "lib/report/AtomicFile.h"
#include "lib/report/Baseline.h"
#include "lib/report/Cache.h"
#include "lib/report/Fixes.h"
#include "lib/report/Report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace prodready::report;

namespace {

std::string tempDir(const std::string &Name) {
  std::string D = testing::TempDir() + "/prodready-report-" + Name + "-" + std::to_string(getpid());
  std::string Cmd = "rm -rf '" + D + "' && mkdir -p '" + D + "'";
  EXPECT_EQ(std::system(Cmd.c_str()), 0);
  return D;
}

Finding finding(const std::string &File, unsigned Offset, const std::string &Snippet,
                const std::string &Check = "prodready-x") {
  Finding F;
  F.Check = Check;
  F.Level = "warning";
  F.Message = "msg";
  F.Loc = {File, Offset, 1, 1};
  F.Snippet = Snippet;
  return F;
}

TEST(Report, FingerprintIgnoresLineShiftsAndWhitespace) {
  std::vector<Finding> A{finding("/r/src/a.cpp", 10, "  call(x);")};
  std::vector<Finding> B{finding("/r/src/a.cpp", 99, "call(x);   ")};
  B[0].Loc.Line = 40;
  computeFingerprints(A, "/r");
  computeFingerprints(B, "/r");
  EXPECT_EQ(A[0].Fingerprint, B[0].Fingerprint);
  EXPECT_EQ(A[0].Fingerprint.size(), 32u);
}

TEST(Report, FingerprintDistinguishesCheckFileAndRepeats) {
  std::vector<Finding> F{finding("/r/a.cpp", 1, "x();"), finding("/r/a.cpp", 50, "x();"),
                         finding("/r/b.cpp", 1, "x();"), finding("/r/a.cpp", 1, "x();", "other")};
  computeFingerprints(F, "/r");
  std::set<std::string> All;
  for (auto &X : F)
    All.insert(X.Fingerprint);
  EXPECT_EQ(All.size(), 4u);
  // The same root-relative file under another checkout root: same fingerprint.
  std::vector<Finding> G{finding("/other/a.cpp", 1, "x();")};
  computeFingerprints(G, "/other");
  EXPECT_EQ(G[0].Fingerprint, F[0].Fingerprint);
}

TEST(Report, MaskStringLiteralsHidesSecrets) {
  std::string M = maskStringLiterals(R"(const char *pw = "hunter2-is-secret"; char c = '"';)");
  EXPECT_EQ(M.find("hunter2"), std::string::npos) << M;
  EXPECT_NE(M.find("\"hu\xE2\x80\xA6(17)\""), std::string::npos) << M;
  EXPECT_NE(M.find("'\"'"), std::string::npos) << M;
  EXPECT_EQ(maskStringLiterals(R"(f("a\"bcdef"))").find("bcdef"), std::string::npos);
  EXPECT_EQ(maskStringLiterals(R"(f(""))"), R"(f(""))");
}

TEST(Report, DeduplicateKeepsOnePerLocation) {
  std::vector<Finding> F{finding("/r/h.h", 5, "x"), finding("/r/h.h", 5, "x"),
                         finding("/r/h.h", 6, "x")};
  deduplicate(F);
  EXPECT_EQ(F.size(), 2u);
}

TEST(Report, FindingJsonRoundTrip) {
  Finding F = finding("/r/a.cpp", 3, "s");
  F.Notes.push_back({"note", {"/r/b.cpp", 7, 2, 3}, {{"/r/b.cpp", 7, 1, "y"}}});
  F.Fix.push_back({"/r/a.cpp", 3, 2, "zz"});
  Finding G = findingFromJson(toJson(F));
  EXPECT_EQ(toJson(F), toJson(G));
}

Report sample() {
  Report R;
  R.ToolVersion = "0.1.0";
  R.Root = "/r";
  R.TranslationUnits = 2;
  Rule Ru;
  Ru.Id = "prodready-x";
  Ru.Name = "X";
  Ru.Description = "d";
  Ru.Help = "h";
  Ru.Cwe = {"CWE-798"};
  Ru.Severity = "error";
  R.Rules[Ru.Id] = Ru;
  R.Findings = {finding("/r/src/a.cpp", 3, "a"), finding("/r/lib/b.cpp", 4, "b", "misc-y")};
  R.Findings[0].Fix.push_back({"/r/src/a.cpp", 3, 1, "q"});
  computeFingerprints(R.Findings, R.Root);
  R.Failures.push_back({"/r/src/c.cpp", "parse-error", "c.cpp:1: expected ';'"});
  return R;
}

TEST(Report, JsonRoundTripAndSchema) {
  Report R = sample();
  nlohmann::json J = toJson(R);
  EXPECT_EQ(J["schema_version"], JsonSchemaVersion);
  EXPECT_EQ(J["findings"][0]["file"], "src/a.cpp");
  EXPECT_EQ(J["findings"][0]["severity"], "error");
  EXPECT_EQ(J["findings"][1]["severity"], "warning"); // unknown rule
  Report Back = reportFromJson(J);
  EXPECT_EQ(Back.Findings.size(), 2u);
  EXPECT_EQ(Back.Failures.size(), 1u);
  EXPECT_THROW(reportFromJson(nlohmann::json{{"schema_version", 99}}), std::runtime_error);
  EXPECT_THROW(reportFromJson(nlohmann::json::array()), std::runtime_error);
}

TEST(Report, SarifHasRulesCweFixesAndFingerprints) {
  Report R = sample();
  std::ostringstream OS;
  writeSarif(R, OS);
  nlohmann::json S = nlohmann::json::parse(OS.str());
  EXPECT_EQ(S["version"], "2.1.0");
  auto &Run = S["runs"][0];
  auto &Rules = Run["tool"]["driver"]["rules"];
  ASSERT_EQ(Rules.size(), 2u);
  EXPECT_EQ(Rules[0]["properties"]["tags"][1], "external/cwe/cwe-798");
  EXPECT_EQ(Rules[0]["name"], "ProdreadyX");
  EXPECT_TRUE(Rules[1].contains("help")); // rules of other checks get help too
  auto &Res = Run["results"];
  ASSERT_EQ(Res.size(), 2u);
  EXPECT_EQ(Res[0]["level"], "error");
  EXPECT_EQ(Res[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "src/a.cpp");
  EXPECT_TRUE(Res[0]["partialFingerprints"].contains("prodready/v1"));
  EXPECT_EQ(Res[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"], "q");
  EXPECT_EQ(Run["invocations"][0]["executionSuccessful"], false);
}

TEST(Report, BaselineMarksOldFindingsAndTextSaysSo) {
  Report R = sample();
  std::string D = tempDir("baseline");
  ASSERT_EQ(writeBaseline(D + "/b.json", {R.Findings[0]}, R.Root), "");
  ASSERT_EQ(readBaseline(D + "/b.json", R.Baselined), "");
  R.HasBaseline = true;
  EXPECT_FALSE(R.isNew(R.Findings[0]));
  EXPECT_TRUE(R.isNew(R.Findings[1]));
  std::ostringstream OS;
  writeText(R, OS, true);
  EXPECT_NE(OS.str().find("2 findings (1 new, 1 in baseline)"), std::string::npos) << OS.str();
  EXPECT_EQ(OS.str().find("src/a.cpp:1:1"), std::string::npos) << "baselined finding listed";
  std::vector<std::string> Ignored;
  EXPECT_NE(readBaseline(D + "/missing.json", Ignored), "");
  std::ofstream(D + "/bad.json") << "[1,2";
  EXPECT_NE(readBaseline(D + "/bad.json", Ignored).find("not valid JSON"), std::string::npos);
}

TEST(Report, HtmlIsSelfContainedWithChartAndNoRawSecret) {
  Report R = sample();
  R.Findings[0].Snippet = maskStringLiterals(R"(auto k = "sk_live_abcdefghijklmnop";)");
  std::ostringstream OS;
  writeHtml(R, OS);
  std::string H = OS.str();
  EXPECT_NE(H.find("<svg"), std::string::npos);
  EXPECT_EQ(H.find("<script src"), std::string::npos);
  EXPECT_EQ(H.find("<link"), std::string::npos);
  EXPECT_EQ(H.find("abcdefghijklmnop"), std::string::npos);
  EXPECT_NE(H.find("Translation units not analysed"), std::string::npos);
}

TEST(Report, FixesYamlQuotesAndSkipsFixlessFindings) {
  Report R = sample();
  R.Findings[0].Fix[0].Text = "it's\n";
  std::ostringstream OS;
  writeFixesYaml(R, OS, false);
  std::string Y = OS.str();
  EXPECT_NE(Y.find("ReplacementText: 'it''s\n\n'"), std::string::npos) << Y;
  EXPECT_EQ(Y.find("misc-y"), std::string::npos);
}

TEST(Fixes, AppliesNonOverlappingAndSkipsConflicts) {
  std::string D = tempDir("fixes");
  std::string File = D + "/f.cpp";
  std::ofstream(File) << "0123456789";
  Finding A = finding(File, 0, "");
  A.Fix = {{File, 1, 2, "AB"}, {File, 0, 0, "#include <x>\n"}};
  Finding B = finding(File, 0, "");
  B.Fix = {{File, 2, 3, "conflict"}};
  Finding C = finding(File, 0, "");
  C.Fix = {{File, 0, 0, "#include <x>\n"}, {File, 8, 1, "Z"}}; // shares the include
  Finding N = finding(File, 0, "");
  N.Notes.push_back({"n", {}, {{File, 9, 1, "N"}}});
  FixResult R = applyFixes({A, B, C, N}, /*WithNotes=*/false);
  EXPECT_EQ(R.Applied, 2u);
  EXPECT_EQ(R.Conflicts, 1u);
  std::string Text;
  ASSERT_TRUE(readFile(File, Text));
  EXPECT_EQ(Text, "#include <x>\n0AB34567Z9");
  // Notes' fix-its only with WithNotes (on a fresh copy of the original).
  std::ofstream(File) << "0123456789";
  FixResult R2 = applyFixes({N}, /*WithNotes=*/true);
  EXPECT_EQ(R2.Applied, 1u);
  ASSERT_TRUE(readFile(File, Text));
  EXPECT_EQ(Text, "012345678N");
}

TEST(Fixes, OutOfRangeIsAnErrorAndLeavesFileAlone) {
  std::string D = tempDir("fixrange");
  std::string File = D + "/f.cpp";
  std::ofstream(File) << "abc";
  Finding A = finding(File, 0, "");
  A.Fix = {{File, 10, 1, "x"}};
  FixResult R = applyFixes({A}, false);
  EXPECT_EQ(R.Errors.size(), 1u);
  std::string Text;
  readFile(File, Text);
  EXPECT_EQ(Text, "abc");
}

TEST(Cache, HitMissOnDependencyChangeAndEviction) {
  std::string D = tempDir("cache");
  std::string Dep = D + "/h.h";
  std::ofstream(Dep) << "int x;";
  ResultCache C(D + "/c", 1 << 20);
  ASSERT_EQ(C.open(), "");
  CacheEntry E;
  Dependency Dp;
  ASSERT_TRUE(describeFile(Dep, Dp));
  E.Deps.push_back(Dp);
  E.Findings.push_back(finding(Dep, 1, "x"));
  C.store("00aa", E);
  CacheEntry Out;
  ASSERT_TRUE(C.lookup("00aa", Out));
  EXPECT_EQ(Out.Findings.size(), 1u);
  EXPECT_FALSE(C.lookup("00ab", Out));
  // Same content, new mtime: still a hit (content hash).
  sleep(1);
  std::ofstream(Dep) << "int x;";
  EXPECT_TRUE(C.lookup("00aa", Out));
  // Changed content: miss.
  std::ofstream(Dep) << "int y;";
  EXPECT_FALSE(C.lookup("00aa", Out));
  // Eviction to a tiny bound removes entries.
  ResultCache Small(D + "/c", 10);
  Small.evict();
  EXPECT_FALSE(Small.lookup("00aa", Out));
}

TEST(AtomicFile, ReplacesAndKeepsMode) {
  std::string D = tempDir("atomic");
  std::string P = D + "/x.sh";
  std::ofstream(P) << "old";
  ::chmod(P.c_str(), 0755);
  ASSERT_EQ(writeFileAtomically(P, "new"), "");
  std::string T;
  readFile(P, T);
  EXPECT_EQ(T, "new");
  struct stat St;
  ::stat(P.c_str(), &St);
  EXPECT_EQ(St.st_mode & 0777, 0755u);
  EXPECT_NE(writeFileAtomically("/nonexistent-dir/x", "y"), "");
}

} // namespace
