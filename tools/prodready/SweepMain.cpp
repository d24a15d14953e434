//===- SweepMain.cpp - command lines of `prodready sweep` and `merge` -----===//
#include "tools/prodready/Sweep.h"
#include "tools/prodready/SweepSupport.h"

#include "lib/model/Model.h"
#include "lib/report/AtomicFile.h"
#include "lib/report/Fixes.h"

#include "clang/Basic/Version.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstdio>
#include <iostream>
#include <set>
#include <thread>

namespace rep = prodready::report;

namespace prodready::tool {
namespace {

const char *SweepHelp =
    R"(usage: prodready sweep -p <build dir | compile_commands.json> [options] [paths/globs...]

Runs the prodready checks over every translation unit of a compilation
database, in parallel, and writes reports. Only TUs under the given paths (or
matching the globs) are analysed when some are given.

analysis:
  -p <path>                 build directory with compile_commands.json, or the file
  -j <N>                    parallel workers (default: number of cores)
  --checks=<glob>           extra clang-tidy checks to run besides prodready-*
  --config=<yaml>           clang-tidy configuration on top of .clang-tidy files
  --config-file=<file>      the same, read from a file
  --timeout=<seconds>       give up on a TU after this long (reported as failed)
  --shard=K/N               analyse only the K-th of N stable shards of the TUs
  --changed-since=<rev>     only TUs changed since a git revision (and, with a
                            cache, TUs including a changed header)
outputs (several allowed; '-' is stdout):
  --json=<file>             JSON report (schema: docs/sweep.md)
  --sarif=<file>            SARIF 2.1.0 (GitHub code scanning)
  --html=<file>             self-contained HTML report
  --export-fixes=<file>     clang-apply-replacements YAML
  --summary-only            text output: counts only, no finding list
  --quiet                   no text output and no progress
  --progress=auto|bar|lines|none
gate:
  --write-baseline=<file>   record current findings (fingerprints survive line shifts)
  --baseline=<file>         report only findings not in the baseline
  --fail-on=<level>[,<check>=<level>...]
                            exit 1 when a new finding is at least <level>
                            (error|warning|note|none; default warning)
fixes and migrations:
  --fix                     apply the fix-its of all findings, without conflicts
  --fix-notes               also apply fix-its attached to notes
  --emit-migrations=<dir>   write the suggested CREATE INDEX statements as a new
                            migration in <dir>, named in the layout used there
cache:
  --no-cache                analyse everything, read and write no cache
  --cache-dir=<dir>         default: <build dir>/.prodready-cache
  --cache-max-mb=<N>        size bound of the cache (default 512)

exit status: 0 nothing new, 1 new findings at/above --fail-on, 2 usage, configuration or tool error
)";

const char *MergeHelp =
    R"(usage: prodready merge <report.json>... [outputs and gate options of sweep]

Combines JSON reports of several sweeps (e.g. CI shards run with --shard K/N)
into one set of outputs, de-duplicating findings seen by several shards.
Accepts --json, --sarif, --html, --export-fixes, --baseline, --write-baseline,
--fail-on, --summary-only, --quiet.
)";

int usageError(const std::string &Msg, const char *Help) {
  std::cerr << "prodready: error: " << Msg << "\n\n" << Help;
  return 2;
}

/// Splits "--name=value" or "--name value" (advancing I).
bool takeValue(int Argc, const char **Argv, int &I, llvm::StringRef Name, std::string &Out) {
  llvm::StringRef A(Argv[I]);
  if (A.consume_front(Name)) {
    if (A.consume_front("=")) {
      Out = A.str();
      return true;
    }
    if (A.empty() && I + 1 < Argc) {
      Out = Argv[++I];
      return true;
    }
    // Short options also take their value attached: -j2, -pbuild.
    if (!A.empty() && Name.size() == 2) {
      Out = A.str();
      return true;
    }
  }
  return false;
}

bool parseFailOn(const std::string &Spec, OutputOptions &O, std::string &Err) {
  static const std::set<std::string> Levels = {"error", "warning", "note", "none"};
  for (const std::string &Part : model::Model::splitFileList(Spec)) {
    auto Eq = Part.find('=');
    std::string Level = Eq == std::string::npos ? Part : Part.substr(Eq + 1);
    if (!Levels.count(Level)) {
      Err = "--fail-on: unknown level '" + Level + "' (error, warning, note, none)";
      return false;
    }
    if (Eq == std::string::npos)
      O.FailOn = Level;
    else
      O.FailOnPerCheck[Part.substr(0, Eq)] = Level;
  }
  return true;
}

/// Parses options shared by sweep and merge. Returns 1 when consumed, 0 when
/// not an output option, -1 on error (Err set).
int parseOutputOption(int Argc, const char **Argv, int &I, OutputOptions &O, std::string &Err) {
  std::string V;
  llvm::StringRef A(Argv[I]);
  if (takeValue(Argc, Argv, I, "--json", O.Json) || takeValue(Argc, Argv, I, "--sarif", O.Sarif) ||
      takeValue(Argc, Argv, I, "--html", O.Html) ||
      takeValue(Argc, Argv, I, "--export-fixes", O.ExportFixes) ||
      takeValue(Argc, Argv, I, "--write-baseline", O.WriteBaseline) ||
      takeValue(Argc, Argv, I, "--baseline", O.Baseline) ||
      takeValue(Argc, Argv, I, "--emit-migrations", O.EmitMigrations))
    return 1;
  if (takeValue(Argc, Argv, I, "--fail-on", V))
    return parseFailOn(V, O, Err) ? 1 : -1;
  if (A == "--quiet" || A == "-q") {
    O.Quiet = true;
    return 1;
  }
  if (A == "--summary-only") {
    O.SummaryOnly = true;
    return 1;
  }
  return 0;
}

std::string gitToplevel() {
  FILE *P = ::popen("git rev-parse --show-toplevel 2>/dev/null", "r");
  if (!P)
    return "";
  char Buf[4096];
  std::string Out;
  while (fgets(Buf, sizeof(Buf), P))
    Out += Buf;
  ::pclose(P);
  while (!Out.empty() && (Out.back() == '\n' || Out.back() == '\r'))
    Out.pop_back();
  return Out;
}

bool gitChangedFiles(const std::string &Rev, const std::string &Root, std::set<std::string> &Out,
                     std::string &Err) {
  if (Rev.find_first_of("'\"`$;&|<>\\ ") != std::string::npos) {
    Err = "--changed-since: unsafe revision '" + Rev + "'";
    return false;
  }
  std::string Cmd = "git -C '" + Root + "' diff --name-only '" + Rev + "' -- 2>&1";
  FILE *P = ::popen(Cmd.c_str(), "r");
  if (!P) {
    Err = "cannot run git";
    return false;
  }
  char Buf[4096];
  std::string All;
  while (fgets(Buf, sizeof(Buf), P))
    All += Buf;
  int Status = ::pclose(P);
  if (Status != 0) {
    Err = "--changed-since: git diff failed: " + All;
    return false;
  }
  size_t Pos = 0;
  while (Pos < All.size()) {
    size_t E = All.find('\n', Pos);
    if (E == std::string::npos)
      E = All.size();
    std::string L = All.substr(Pos, E - Pos);
    if (!L.empty())
      Out.insert(Root + "/" + L);
    Pos = E + 1;
  }
  return true;
}

bool matchesFilters(const std::string &File, const std::vector<std::string> &Filters) {
  if (Filters.empty())
    return true;
  for (const std::string &F : Filters) {
    llvm::SmallString<256> Abs(F);
    llvm::sys::fs::make_absolute(Abs);
    llvm::sys::path::remove_dots(Abs, true);
    std::string A(Abs);
    if (File == A || (llvm::StringRef(File).starts_with(A + "/")))
      return true;
    if (F.find_first_of("*?[") != std::string::npos) {
      auto G = llvm::GlobPattern::create(A);
      if (G && G->match(File))
        return true;
      auto GR = llvm::GlobPattern::create(F);
      if (GR && GR->match(File))
        return true;
    }
  }
  return false;
}

} // namespace

int sweepMain(int Argc, const char **Argv) {
  SweepSetup Setup;
  OutputOptions Out;
  std::string DbPath, ConfigFile, Shard, ChangedSince, V;
  std::vector<std::string> Filters;
  bool NoCache = false;
  Setup.Jobs = std::max(1u, std::thread::hardware_concurrency());
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    std::string Err;
    int R = parseOutputOption(Argc, Argv, I, Out, Err);
    if (R < 0)
      return usageError(Err, SweepHelp);
    if (R > 0)
      continue;
    if (A == "-h" || A == "--help") {
      std::cout << SweepHelp;
      return 0;
    }
    if (takeValue(Argc, Argv, I, "-p", DbPath) || takeValue(Argc, Argv, I, "--config-file", ConfigFile) ||
        takeValue(Argc, Argv, I, "--config", Setup.ConfigYaml) ||
        takeValue(Argc, Argv, I, "--checks", Setup.ExtraChecks) ||
        takeValue(Argc, Argv, I, "--shard", Shard) ||
        takeValue(Argc, Argv, I, "--changed-since", ChangedSince) ||
        takeValue(Argc, Argv, I, "--cache-dir", Setup.CacheDir))
      continue;
    if (takeValue(Argc, Argv, I, "-j", V) || takeValue(Argc, Argv, I, "--jobs", V)) {
      char *End = nullptr;
      long N = std::strtol(V.c_str(), &End, 10);
      if (!End || *End || N < 1 || N > 1024)
        return usageError("-j: expected a number of jobs, got '" + V + "'", SweepHelp);
      Setup.Jobs = static_cast<unsigned>(N);
      continue;
    }
    if (takeValue(Argc, Argv, I, "--timeout", V)) {
      char *End = nullptr;
      long N = std::strtol(V.c_str(), &End, 10);
      if (!End || *End || N < 0)
        return usageError("--timeout: expected seconds, got '" + V + "'", SweepHelp);
      Setup.TimeoutSeconds = static_cast<unsigned>(N);
      continue;
    }
    if (takeValue(Argc, Argv, I, "--cache-max-mb", V)) {
      char *End = nullptr;
      long N = std::strtol(V.c_str(), &End, 10);
      if (!End || *End || N < 1)
        return usageError("--cache-max-mb: expected a size in MiB, got '" + V + "'", SweepHelp);
      Setup.CacheMaxBytes = static_cast<uint64_t>(N) << 20;
      continue;
    }
    if (takeValue(Argc, Argv, I, "--progress", V)) {
      if (V == "auto") Setup.ProgressStyle = ProgressMode::Auto;
      else if (V == "bar") Setup.ProgressStyle = ProgressMode::Bar;
      else if (V == "lines") Setup.ProgressStyle = ProgressMode::Lines;
      else if (V == "none") Setup.ProgressStyle = ProgressMode::None;
      else return usageError("--progress: expected auto, bar, lines or none", SweepHelp);
      continue;
    }
    if (A == "--no-cache") { NoCache = true; continue; }
    if (A == "--fix") { Setup.Fix = true; continue; }
    if (A == "--fix-notes") { Setup.Fix = Setup.FixNotes = true; Out.FixNotesInExport = true; continue; }
    if (A == "--verbose") { Setup.Verbose = true; continue; }
    if (A.starts_with("-"))
      return usageError("unknown option '" + A.str() + "'", SweepHelp);
    Filters.push_back(A.str());
  }
  if (Out.Quiet)
    Setup.ProgressStyle = ProgressMode::None;
  if (DbPath.empty())
    return usageError("missing -p <build dir or compile_commands.json>", SweepHelp);

  // The compilation database.
  std::string Err;
  if (llvm::sys::fs::is_directory(DbPath)) {
    Setup.DatabaseDir = DbPath;
    if (!llvm::sys::fs::exists(DbPath + "/compile_commands.json"))
      return usageError("no compile_commands.json in '" + DbPath +
                            "' (configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON, or use bear)",
                        SweepHelp);
    Setup.Database = clang::tooling::JSONCompilationDatabase::loadFromFile(
        DbPath + "/compile_commands.json", Err, clang::tooling::JSONCommandLineSyntax::AutoDetect);
  } else if (llvm::sys::fs::exists(DbPath)) {
    Setup.DatabaseDir = llvm::sys::path::parent_path(DbPath).str();
    Setup.Database = clang::tooling::JSONCompilationDatabase::loadFromFile(
        DbPath, Err, clang::tooling::JSONCommandLineSyntax::AutoDetect);
  } else {
    return usageError("'" + DbPath + "' does not exist", SweepHelp);
  }
  if (!Setup.Database)
    return usageError("invalid compilation database '" + DbPath + "': " + Err, SweepHelp);
  if (Setup.DatabaseDir.empty())
    Setup.DatabaseDir = ".";
  {
    llvm::SmallString<256> D(Setup.DatabaseDir);
    llvm::sys::fs::make_absolute(D);
    Setup.DatabaseDir = std::string(D);
  }

  // Configuration.
  if (!ConfigFile.empty()) {
    std::string Text;
    if (!rep::readFile(ConfigFile, Text))
      return usageError("cannot read --config-file '" + ConfigFile + "'", SweepHelp);
    Setup.ConfigYaml = Text;
  }
  if (!Setup.ConfigYaml.empty()) {
    auto Parsed = clang::tidy::parseConfiguration(llvm::MemoryBufferRef(Setup.ConfigYaml, "--config"));
    if (!Parsed)
      return usageError("invalid --config: " + Parsed.getError().message(), SweepHelp);
    Setup.ConfigOverride = *Parsed;
    Setup.HaveConfig = true;
  }
  Setup.UseCache = !NoCache;
  if (Setup.CacheDir.empty())
    Setup.CacheDir = Setup.DatabaseDir + "/.prodready-cache";

  rep::Report Report;
  Report.ToolVersion = PRODREADY_VERSION;
  Report.LlvmVersion = clang::getClangFullVersion();
  Report.Root = gitToplevel();
  if (Report.Root.empty()) {
    llvm::SmallString<256> Cwd;
    llvm::sys::fs::current_path(Cwd);
    Report.Root = std::string(Cwd);
  }
  {
    char Buf[32];
    std::time_t T = std::time(nullptr);
    std::strftime(Buf, sizeof(Buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&T));
    Report.StartedAt = Buf;
  }

  // The translation units.
  std::set<std::string> Unique;
  for (const std::string &F : Setup.Database->getAllFiles()) {
    llvm::SmallString<256> Abs(F);
    llvm::sys::fs::make_absolute(Abs);
    llvm::sys::path::remove_dots(Abs, true);
    if (matchesFilters(std::string(Abs), Filters))
      Unique.insert(std::string(Abs));
  }
  if (!Filters.empty() && Unique.empty())
    return usageError("no translation unit in the compilation database matches the given paths", SweepHelp);
  std::vector<std::string> Files(Unique.begin(), Unique.end());
  // Database paths may be relative to the database directory: keep them as the
  // database spells them for lookups.
  if (!Shard.empty()) {
    unsigned K = 0, N = 0;
    if (std::sscanf(Shard.c_str(), "%u/%u", &K, &N) != 2 || N == 0 || K < 1 || K > N)
      return usageError("--shard: expected K/N with 1 <= K <= N, got '" + Shard + "'", SweepHelp);
    std::vector<std::string> Mine;
    for (const std::string &F : Files) {
      std::string H = rep::stableHash(rep::relativePath(F, Report.Root));
      unsigned long long V = std::stoull(H.substr(0, 12), nullptr, 16);
      if (V % N == K - 1)
        Mine.push_back(F);
    }
    Files = Mine;
  }
  if (!ChangedSince.empty()) {
    std::set<std::string> Changed;
    if (!gitChangedFiles(ChangedSince, Report.Root, Changed, Err)) {
      std::cerr << "prodready: error: " << Err << "\n";
      return 2;
    }
    // With a cache, a TU whose recorded dependencies include a changed file
    // is affected too (a header edit).
    std::vector<std::string> Affected;
    rep::ResultCache Cache(Setup.CacheDir, Setup.CacheMaxBytes);
    for (const std::string &F : Files) {
      bool Hit = Changed.count(F) > 0;
      if (!Hit && Setup.UseCache) {
        std::string DepsText;
        if (rep::readFile(Setup.CacheDir + "/deps/" + rep::stableHash(F) + ".txt", DepsText)) {
          for (const std::string &C : Changed)
            if (DepsText.find(C + "\n") != std::string::npos) {
              Hit = true;
              break;
            }
        }
      }
      if (Hit)
        Affected.push_back(F);
    }
    Files = Affected;
  }
  Setup.Files = Files;

  runSweep(Setup, Report);

  // Remember each TU's dependencies for --changed-since.
  if (Setup.UseCache) {
    llvm::sys::fs::create_directories(Setup.CacheDir + "/deps");
    for (const auto &[File, Deps] : Setup.DependenciesOf) {
      if (Deps.empty())
        continue;
      std::string Text;
      for (const auto &D : Deps)
        Text += D.Path + "\n";
      rep::writeFileAtomically(Setup.CacheDir + "/deps/" + rep::stableHash(File) + ".txt", Text);
    }
  }

  Report.Rules = loadAllRules("");
  if (Setup.Fix) {
    rep::FixResult FR = rep::applyFixes(Report.Findings, Setup.FixNotes);
    std::cerr << "prodready: applied the fixes of " << FR.Applied << " findings in "
              << FR.Files.size() << " files";
    if (FR.Conflicts)
      std::cerr << "; skipped " << FR.Conflicts << " conflicting";
    std::cerr << "\n";
    for (const std::string &E : FR.Errors)
      std::cerr << "prodready: error: " << E << "\n";
    if (!FR.Errors.empty())
      return 2;
  }
  int Code = finishReport(Report, Out);
  if (Code == 0 && !Report.Failures.empty())
    Code = 2;
  return Code;
}

int mergeMain(int Argc, const char **Argv) {
  OutputOptions Out;
  std::vector<std::string> Inputs;
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    std::string Err;
    int R = parseOutputOption(Argc, Argv, I, Out, Err);
    if (R < 0)
      return usageError(Err, MergeHelp);
    if (R > 0)
      continue;
    if (A == "-h" || A == "--help") {
      std::cout << MergeHelp;
      return 0;
    }
    if (A.starts_with("-"))
      return usageError("unknown option '" + A.str() + "'", MergeHelp);
    Inputs.push_back(A.str());
  }
  if (Inputs.empty())
    return usageError("no reports to merge", MergeHelp);
  rep::Report Merged;
  Merged.ToolVersion = PRODREADY_VERSION;
  Merged.LlvmVersion = clang::getClangFullVersion();
  std::set<std::string> Fingerprints;
  for (const std::string &In : Inputs) {
    std::string Text;
    if (!rep::readFile(In, Text)) {
      std::cerr << "prodready: error: cannot read '" << In << "'\n";
      return 2;
    }
    try {
      rep::Report R = rep::reportFromJson(nlohmann::json::parse(Text));
      if (Merged.Root.empty())
        Merged.Root = R.Root;
      if (Merged.StartedAt.empty() || R.StartedAt < Merged.StartedAt)
        Merged.StartedAt = R.StartedAt;
      Merged.DurationSeconds = std::max(Merged.DurationSeconds, R.DurationSeconds);
      Merged.TranslationUnits += R.TranslationUnits;
      Merged.FromCache += R.FromCache;
      for (auto &F : R.Findings)
        if (Fingerprints.insert(F.Fingerprint).second)
          Merged.Findings.push_back(std::move(F));
      for (auto &F : R.Failures)
        Merged.Failures.push_back(std::move(F));
    } catch (const std::exception &E) {
      std::cerr << "prodready: error: '" << In << "': " << E.what() << "\n";
      return 2;
    }
  }
  std::stable_sort(Merged.Findings.begin(), Merged.Findings.end(),
                   [](const rep::Finding &A, const rep::Finding &B) {
                     return std::tie(A.Loc.File, A.Loc.Line, A.Loc.Column, A.Check) <
                            std::tie(B.Loc.File, B.Loc.Line, B.Loc.Column, B.Check);
                   });
  Merged.Rules = loadAllRules("");
  int Code = finishReport(Merged, Out);
  if (Code == 0 && !Merged.Failures.empty())
    Code = 2;
  return Code;
}

} // namespace prodready::tool
