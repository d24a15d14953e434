//===- SweepSupport.cpp - options, progress and outputs of the sweep ------===//
#include "tools/prodready/SweepSupport.h"

#include "lib/model/Model.h"
#include "lib/report/AtomicFile.h"
#include "lib/report/Baseline.h"

#include "clang/Basic/Version.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <unistd.h>

namespace rep = prodready::report;

namespace prodready::tool {

// ---------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------

Progress::Progress(ProgressMode M, size_t Total)
    : Mode(M), Total(Total), Start(std::chrono::steady_clock::now()), LastLine(Start) {
  if (Mode == ProgressMode::Auto)
    Mode = ::isatty(2) ? ProgressMode::Bar : ProgressMode::Lines;
}

static std::string clock(double S) {
  int T = static_cast<int>(S + 0.5);
  char Buf[32];
  std::snprintf(Buf, sizeof(Buf), "%d:%02d", T / 60, T % 60);
  return Buf;
}

void Progress::update(size_t DoneDelta, unsigned F) {
  Done += DoneDelta;
  Findings = F;
  draw(false);
}

void Progress::draw(bool Force) {
  if (Mode == ProgressMode::None || Total == 0)
    return;
  auto Now = std::chrono::steady_clock::now();
  double Elapsed = std::chrono::duration<double>(Now - Start).count();
  double Eta = Done ? Elapsed / Done * (Total - Done) : 0;
  if (Mode == ProgressMode::Bar) {
    const int Width = 30;
    int Filled = static_cast<int>(Width * Done / Total);
    std::cerr << "\r[" << std::string(Filled, '=') << (Filled < Width ? ">" : "")
              << std::string(Width - Filled - (Filled < Width ? 1 : 0), ' ') << "] " << Done
              << "/" << Total << " files, " << Findings << " findings, " << clock(Elapsed)
              << " elapsed, ETA " << (Done ? clock(Eta) : std::string("?")) << "   " << std::flush;
    Drawn = true;
    return;
  }
  // Lines: at most every 10 s, and at the end.
  if (!Force && Done != Total && Now - LastLine < std::chrono::seconds(10))
    return;
  LastLine = Now;
  std::cerr << "prodready sweep: " << Done << "/" << Total << " files, " << Findings
            << " findings, " << clock(Elapsed) << " elapsed"
            << (Done && Done < Total ? ", ETA " + clock(Eta) : std::string()) << "\n";
}

void Progress::finish() {
  if (Mode == ProgressMode::Bar && Drawn)
    std::cerr << "\n";
}

// ---------------------------------------------------------------------------
// Configuration and cache keys
// ---------------------------------------------------------------------------

std::unique_ptr<clang::tidy::ClangTidyOptionsProvider> SweepSetup::makeOptionsProvider() const {
  clang::tidy::ClangTidyGlobalOptions Global;
  clang::tidy::ClangTidyOptions Defaults = clang::tidy::ClangTidyOptions::getDefaults();
  Defaults.Checks = "-*,prodready-*";
  // Findings in the project's own headers count (system headers never do);
  // they are de-duplicated across the TUs that include them. A .clang-tidy
  // HeaderFilterRegex narrows this.
  Defaults.HeaderFilterRegex = ".*";
  clang::tidy::ClangTidyOptions Override;
  if (HaveConfig)
    Override = ConfigOverride;
  if (!ExtraChecks.empty())
    Override.Checks = (Override.Checks ? *Override.Checks + "," : std::string("prodready-*,")) +
                      ExtraChecks;
  return std::make_unique<clang::tidy::FileOptionsProvider>(
      std::move(Global), std::move(Defaults), std::move(Override),
      llvm::vfs::getRealFileSystem());
}

/// Hash of a file or, recursively, a folder's files (sorted), or "missing".
static std::string hashPathContents(const std::string &Path) {
  if (llvm::sys::fs::is_directory(Path)) {
    std::vector<std::string> Files;
    std::error_code EC;
    for (llvm::sys::fs::recursive_directory_iterator It(Path, EC), End; It != End && !EC;
         It.increment(EC))
      if (llvm::sys::fs::is_regular_file(It->path()))
        Files.push_back(It->path());
    std::sort(Files.begin(), Files.end());
    std::string All;
    for (const std::string &F : Files) {
      std::string T;
      rep::readFile(F, T);
      All += F + "\n" + rep::stableHash(T) + "\n";
    }
    return rep::stableHash(All);
  }
  std::string T;
  if (!rep::readFile(Path, T))
    return "missing";
  return rep::stableHash(T);
}

std::string SweepSetup::cacheKey(const std::string &File) const {
  auto Provider = makeOptionsProvider();
  clang::tidy::ClangTidyOptions Opts = Provider->getOptions(File);
  std::string Key = "prodready " PRODREADY_VERSION "\n" + clang::getClangFullVersion() + "\n";
  Key += File + "\n";
  for (const auto &Cmd : Database->getCompileCommands(File)) {
    Key += Cmd.Directory + "\n";
    for (const std::string &A : Cmd.CommandLine)
      Key += A + "\x1f";
    Key += "\n";
  }
  Key += clang::tidy::configurationAsText(Opts);
  // Options that name files (schema folders, model files): their contents.
  for (const auto &KV : Opts.CheckOptions) {
    llvm::StringRef Name = KV.getKey();
    if (!(Name.ends_with("Paths") || Name.ends_with("Path") || Name.ends_with("Files") ||
          Name.ends_with("File")))
      continue;
    for (const std::string &P : model::Model::splitFileList(KV.getValue().Value)) {
      // Resolved like the checks do: as given (absolute or from the working
      // directory), else against the checked file's folder and its parents.
      std::string Abs = P;
      if (!llvm::sys::path::is_absolute(P)) {
        llvm::SmallString<256> S(P);
        llvm::sys::fs::make_absolute(S);
        Abs = std::string(S);
        if (!llvm::sys::fs::exists(Abs)) {
          for (llvm::StringRef Dir = llvm::sys::path::parent_path(File); !Dir.empty();
               Dir = llvm::sys::path::parent_path(Dir)) {
            llvm::SmallString<256> C(Dir);
            llvm::sys::path::append(C, P);
            if (llvm::sys::fs::exists(C)) {
              Abs = std::string(C);
              break;
            }
          }
        }
      }
      auto It = FileOptionHashes.find(Abs);
      if (It == FileOptionHashes.end())
        It = FileOptionHashes.emplace(Abs, hashPathContents(Abs)).first;
      Key += Name.str() + "=" + Abs + ":" + It->second + "\n";
    }
  }
  return rep::stableHash(Key);
}

std::map<std::string, rep::Rule> loadAllRules(const std::string &ModelFilesSpec) {
  std::vector<model::ModelError> Errors;
  auto M = model::Model::cached(ModelFilesSpec, Errors);
  auto Rules = rep::loadRules(*M, Errors);
  for (const auto &E : Errors)
    std::cerr << "prodready: warning: invalid prodready model: " << E.str() << "\n";
  return Rules;
}

// ---------------------------------------------------------------------------
// Migrations
// ---------------------------------------------------------------------------

std::string emitMigrations(const rep::Report &R, const std::string &Dir, std::string &Written) {
  // The suggestions: every CREATE INDEX statement in the check's messages/notes.
  std::regex Stmt(R"((CREATE\s+(UNIQUE\s+)?INDEX\s[^;]*);?)", std::regex::icase);
  std::regex NameRe(
      R"(CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?("?[\w.]+"?))",
      std::regex::icase);
  std::vector<std::string> Creates;
  std::set<std::string> Seen;
  for (const rep::Finding &F : R.Findings) {
    if (F.Check != "prodready-unindexed-query")
      continue;
    std::vector<std::string> Texts{F.Message};
    for (const rep::Note &N : F.Notes)
      Texts.push_back(N.Message);
    for (const std::string &T : Texts)
      for (std::sregex_iterator It(T.begin(), T.end(), Stmt), End; It != End; ++It) {
        std::string S = (*It)[1].str();
        while (!S.empty() && (S.back() == ' ' || S.back() == '\''))
          S.pop_back();
        if (Seen.insert(S).second)
          Creates.push_back(S);
      }
  }
  if (Creates.empty())
    return "no index suggestions to write (no prodready-unindexed-query findings with a CREATE INDEX note)";
  if (!llvm::sys::fs::is_directory(Dir))
    return "--emit-migrations: '" + Dir + "' is not a directory";

  // The layout in use, from the existing migration names.
  std::regex GoMigrate(R"(^(\d+)_.*\.up\.sql$)"), Flyway(R"(^V(\d+)(?:[._]\d+)*__.*\.sql$)"),
      Plain(R"(^(\d+)[_-].*\.sql$)"), FolderMig(R"(^(\d+)[_-].*$)");
  enum { None, Go, Fly, PlainSql, Folder } Layout = None;
  unsigned long long MaxNum = 0;
  size_t Width = 0;
  std::string Marker; // goose / dbmate / sql-migrate markers
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC; It.increment(EC)) {
    std::string Name = llvm::sys::path::filename(It->path()).str();
    std::smatch M;
    auto Take = [&](const std::string &Num) {
      unsigned long long V = std::stoull(Num.substr(0, 18));
      if (V >= MaxNum) {
        MaxNum = V;
        Width = Num.size();
      }
    };
    if (std::regex_match(Name, M, GoMigrate)) {
      Layout = Go;
      Take(M[1]);
    } else if (std::regex_match(Name, M, Flyway)) {
      Layout = Fly;
      Take(M[1]);
    } else if (std::regex_match(Name, M, Plain)) {
      if (Layout == None || Layout == PlainSql)
        Layout = PlainSql;
      Take(M[1]);
      std::string Text;
      rep::readFile(It->path(), Text);
      for (const char *Mk : {"-- +goose Up", "-- migrate:up", "-- +migrate Up"})
        if (Text.find(Mk) != std::string::npos)
          Marker = Mk;
    } else if (llvm::sys::fs::is_directory(It->path()) && std::regex_match(Name, M, FolderMig)) {
      if (Layout == None)
        Layout = Folder;
      Take(M[1]);
    }
  }
  std::string Next;
  if (Width >= 12) { // timestamp versions: use the current UTC time
    char Buf[32];
    std::time_t T = std::time(nullptr);
    std::strftime(Buf, sizeof(Buf), "%Y%m%d%H%M%S", std::gmtime(&T));
    Next = Buf;
  } else {
    Next = std::to_string(MaxNum + 1);
    if (Next.size() < Width)
      Next = std::string(Width - Next.size(), '0') + Next;
  }
  std::string Up, Down;
  for (const std::string &C : Creates) {
    Up += C + ";\n";
    std::smatch M;
    if (std::regex_search(C, M, NameRe))
      Down += "DROP INDEX IF EXISTS " + M[1].str() + ";\n";
  }
  std::string Header = "-- Indexes suggested by prodready-unindexed-query (prodready sweep --emit-migrations).\n";
  std::vector<std::pair<std::string, std::string>> Out;
  switch (Layout) {
  case Go:
    Out = {{Next + "_prodready_indexes.up.sql", Header + Up},
           {Next + "_prodready_indexes.down.sql", Down}};
    break;
  case Fly:
    Out = {{"V" + Next + "__prodready_indexes.sql", Header + Up}};
    break;
  case Folder: {
    std::string Sub = Dir + "/" + Next + "_prodready_indexes";
    llvm::sys::fs::create_directories(Sub);
    Out = {{Next + "_prodready_indexes/up.sql", Header + Up},
           {Next + "_prodready_indexes/down.sql", Down}};
    break;
  }
  case PlainSql:
    if (Marker == "-- +goose Up")
      Out = {{Next + "_prodready_indexes.sql",
              "-- +goose Up\n" + Header + Up + "\n-- +goose Down\n" + Down}};
    else if (Marker == "-- migrate:up")
      Out = {{Next + "_prodready_indexes.sql",
              "-- migrate:up\n" + Header + Up + "\n-- migrate:down\n" + Down}};
    else if (Marker == "-- +migrate Up")
      Out = {{Next + "_prodready_indexes.sql",
              "-- +migrate Up\n" + Header + Up + "\n-- +migrate Down\n" + Down}};
    else
      Out = {{Next + "_prodready_indexes.sql", Header + Up}};
    break;
  case None:
    Out = {{"prodready_indexes.sql", Header + Up}};
    break;
  }
  for (auto &[Name, Text] : Out) {
    std::string Path = Dir + "/" + Name;
    if (llvm::sys::fs::exists(Path))
      return "--emit-migrations: '" + Path + "' already exists";
    std::string Err = rep::writeFileAtomically(Path, Text);
    if (!Err.empty())
      return Err;
    Written += (Written.empty() ? "" : ", ") + Path;
  }
  return "";
}

// ---------------------------------------------------------------------------
// Outputs and exit code
// ---------------------------------------------------------------------------

static int levelRank(const std::string &L) {
  if (L == "error")
    return 3;
  if (L == "warning")
    return 2;
  if (L == "note")
    return 1;
  return 100; // "none": never fails
}

static bool writeOutput(const std::string &Path, const std::string &What,
                        const std::function<void(std::ostream &)> &Writer) {
  std::ostringstream SS;
  Writer(SS);
  if (Path == "-") {
    std::cout << SS.str();
    return true;
  }
  std::string Err = rep::writeFileAtomically(Path, SS.str());
  if (!Err.empty()) {
    std::cerr << "prodready: error: cannot write " << What << ": " << Err << "\n";
    return false;
  }
  return true;
}

int finishReport(rep::Report &R, const OutputOptions &O) {
  bool Ok = true;
  if (!O.Baseline.empty()) {
    std::string Err = rep::readBaseline(O.Baseline, R.Baselined);
    if (!Err.empty()) {
      std::cerr << "prodready: error: " << Err << "\n";
      return 2;
    }
    R.HasBaseline = true;
  }
  if (!O.Json.empty())
    Ok &= writeOutput(O.Json, "JSON report", [&](std::ostream &S) { rep::writeJson(R, S); });
  if (!O.Sarif.empty())
    Ok &= writeOutput(O.Sarif, "SARIF report", [&](std::ostream &S) { rep::writeSarif(R, S); });
  if (!O.Html.empty())
    Ok &= writeOutput(O.Html, "HTML report", [&](std::ostream &S) { rep::writeHtml(R, S); });
  if (!O.ExportFixes.empty())
    Ok &= writeOutput(O.ExportFixes, "fixes", [&](std::ostream &S) {
      rep::writeFixesYaml(R, S, O.FixNotesInExport);
    });
  if (!O.WriteBaseline.empty()) {
    std::string Err = rep::writeBaseline(O.WriteBaseline, R.Findings, R.Root);
    if (!Err.empty()) {
      std::cerr << "prodready: error: cannot write baseline: " << Err << "\n";
      Ok = false;
    }
  }
  if (!O.EmitMigrations.empty()) {
    std::string Written;
    std::string Err = emitMigrations(R, O.EmitMigrations, Written);
    if (!Err.empty())
      std::cerr << "prodready: " << Err << "\n";
    else
      std::cerr << "prodready: wrote " << Written << "\n";
  }
  if (!O.Quiet)
    rep::writeText(R, std::cout, !O.SummaryOnly);

  if (!Ok)
    return 2;
  bool Fail = false;
  for (const rep::Finding &F : R.Findings) {
    if (!R.isNew(F))
      continue;
    std::string Threshold = O.FailOn;
    auto It = O.FailOnPerCheck.find(F.Check);
    if (It != O.FailOnPerCheck.end())
      Threshold = It->second;
    if (levelRank(rep::severityOf(R, F)) >= levelRank(Threshold))
      Fail = true;
  }
  return Fail ? 1 : 0;
}

} // namespace prodready::tool
