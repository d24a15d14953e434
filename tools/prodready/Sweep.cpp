//===- Sweep.cpp - prodready sweep: whole-codebase runs, reports, CI gate -===//
//
// The parent process reads the compilation database, answers what it can from
// the result cache, and hands the remaining translation units to N forked
// worker processes. Workers are long-lived (the model, schema and check
// caches are built once per worker, not per file) and report each TU's
// results as one JSON line; a worker that crashes or times out costs only the
// TU it was on: the parent records the failure and starts a new worker.
//
//===----------------------------------------------------------------------===//
#include "tools/prodready/Sweep.h"
#include "tools/prodready/SweepSupport.h"

#include "lib/report/AtomicFile.h"
#include "lib/report/Baseline.h"
#include "lib/report/Cache.h"
#include "lib/report/FactSink.h"
#include "lib/report/Fixes.h"
#include "lib/report/Report.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Basic/Version.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <poll.h>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace clang;
using namespace clang::tidy;
namespace rep = prodready::report;

namespace prodready::tool {
namespace {

// ---------------------------------------------------------------------------
// Recording file system: which files did the compiler read for this TU?
// ---------------------------------------------------------------------------
class RecordingFS : public llvm::vfs::ProxyFileSystem {
public:
  explicit RecordingFS(llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS)
      : ProxyFileSystem(std::move(FS)) {}
  llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>> openFileForRead(const llvm::Twine &Path) override {
    auto R = ProxyFileSystem::openFileForRead(Path);
    if (R) {
      llvm::SmallString<256> Abs(Path.str());
      llvm::sys::fs::make_absolute(Abs);
      llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
      Read.insert(std::string(Abs));
    }
    return R;
  }
  std::set<std::string> Read;
};

// ---------------------------------------------------------------------------
// Converting clang-tidy's diagnostics into findings.
// ---------------------------------------------------------------------------
class SourceCache {
public:
  const std::string &text(const std::string &File) {
    auto It = Files.find(File);
    if (It == Files.end()) {
      std::string T;
      rep::readFile(File, T);
      It = Files.emplace(File, std::move(T)).first;
    }
    return It->second;
  }
  void clear() { Files.clear(); }

  rep::Location locate(const std::string &File, unsigned Offset) {
    rep::Location L;
    L.File = File;
    L.Offset = Offset;
    if (File.empty())
      return L;
    const std::string &T = text(File);
    unsigned Line = 1, Col = 1;
    for (size_t I = 0; I < T.size() && I < Offset; ++I) {
      if (T[I] == '\n') {
        ++Line;
        Col = 1;
      } else {
        ++Col;
      }
    }
    L.Line = Line;
    L.Column = Col;
    return L;
  }

  std::string lineAt(const std::string &File, unsigned Offset) {
    const std::string &T = text(File);
    if (Offset > T.size())
      return "";
    size_t B = T.rfind('\n', Offset == 0 ? 0 : Offset - 1);
    B = (B == std::string::npos || Offset == 0) ? 0 : B + 1;
    size_t E = T.find('\n', Offset);
    if (E == std::string::npos)
      E = T.size();
    return T.substr(B, E - B);
  }

private:
  std::map<std::string, std::string> Files;
};

std::string absolutePath(const std::string &P, const std::string &Base = "") {
  llvm::SmallString<256> S(P);
  if (!llvm::sys::path::is_absolute(S)) {
    if (!Base.empty()) {
      llvm::SmallString<256> B(Base);
      llvm::sys::path::append(B, S);
      S = B;
    } else {
      llvm::sys::fs::make_absolute(S);
    }
  }
  llvm::sys::path::remove_dots(S, true);
  return std::string(S);
}

std::vector<rep::Replacement> convertFix(const llvm::StringMap<tooling::Replacements> &Fix,
                                         const std::string &BuildDir) {
  std::vector<rep::Replacement> Out;
  for (const auto &KV : Fix)
    for (const tooling::Replacement &R : KV.second)
      Out.push_back({absolutePath(R.getFilePath().str(), BuildDir), R.getOffset(), R.getLength(),
                     R.getReplacementText().str()});
  return Out;
}

/// Runs clang-tidy on one TU; fills findings/failures and, when \p WantDeps
/// (only the cache uses them), the dependencies: every file read, hashed.
void analyseOne(ClangTidyContext &Context, const tooling::CompilationDatabase &DB,
                const std::string &File, bool WantDeps, rep::CacheEntry &Out) {
  auto Real = llvm::vfs::getRealFileSystem();
  llvm::IntrusiveRefCntPtr<RecordingFS> Rec(new RecordingFS(Real));
  llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> Overlay(
      new llvm::vfs::OverlayFileSystem(Rec));
  std::vector<ClangTidyError> Errors =
      runClangTidy(Context, DB, {File}, Overlay, /*ApplyAnyFix=*/false);

  SourceCache Sources;
  std::string ParseErrors;
  for (const ClangTidyError &E : Errors) {
    std::string Name = E.DiagnosticName;
    const std::string &BuildDir = E.BuildDirectory;
    std::string Path = E.Message.FilePath.empty() ? "" : absolutePath(E.Message.FilePath, BuildDir);
    if (Name == "clang-diagnostic-error" || (E.DiagLevel == ClangTidyError::Error &&
                                             Name.rfind("clang-diagnostic", 0) == 0)) {
      if (!ParseErrors.empty())
        ParseErrors += "; ";
      rep::Location L = Sources.locate(Path, E.Message.FileOffset);
      ParseErrors += (Path.empty() ? "" : llvm::sys::path::filename(Path).str() + ":" +
                                              std::to_string(L.Line) + ": ") +
                     E.Message.Message;
      continue;
    }
    if (Name.rfind("clang-diagnostic", 0) == 0)
      continue; // compiler warnings are not ours to report
    rep::Finding F;
    F.Check = Name;
    F.Level = E.DiagLevel == ClangTidyError::Error ? "error" : "warning";
    F.Message = E.Message.Message;
    F.Loc = Sources.locate(Path, E.Message.FileOffset);
    F.Fix = convertFix(E.Message.Fix, BuildDir);
    F.TranslationUnit = File;
    if (!Path.empty())
      F.Snippet = rep::maskStringLiterals(Sources.lineAt(Path, E.Message.FileOffset));
    for (const tooling::DiagnosticMessage &N : E.Notes) {
      std::string NP = N.FilePath.empty() ? "" : absolutePath(N.FilePath, BuildDir);
      F.Notes.push_back({N.Message, Sources.locate(NP, N.FileOffset), convertFix(N.Fix, BuildDir)});
    }
    Out.Findings.push_back(std::move(F));
  }
  if (!ParseErrors.empty()) {
    if (ParseErrors.size() > 2000)
      ParseErrors = ParseErrors.substr(0, 2000) + "...";
    Out.Failures.push_back({File, "parse-error", ParseErrors});
  }
  // Hashing every header the TU read costs several percent of the analysis
  // (megabytes per TU): skip it when no cache will store it.
  for (const std::string &P : WantDeps ? Rec->Read : std::set<std::string>()) {
    rep::Dependency D;
    if (rep::describeFile(P, D))
      Out.Deps.push_back(D);
  }
}

// ---------------------------------------------------------------------------
// Worker processes.
// ---------------------------------------------------------------------------
bool writeAll(int Fd, const std::string &S) {
  size_t Done = 0;
  while (Done < S.size()) {
    ssize_t N = ::write(Fd, S.data() + Done, S.size() - Done);
    if (N < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    Done += static_cast<size_t>(N);
  }
  return true;
}

struct Worker {
  pid_t Pid = -1;
  int ToWorker = -1;   // parent writes TU indices
  int FromWorker = -1; // parent reads JSON lines
  std::string Buffer;
  long Current = -1;   // TU index in flight
  std::chrono::steady_clock::time_point Started;
};

[[noreturn]] void workerLoop(int In, int Out, const SweepSetup &Setup,
                             const std::vector<std::string> &Files) {
  std::signal(SIGPIPE, SIG_DFL);
  rep::enableFacts(true);
  std::string Line;
  char C;
  while (true) {
    Line.clear();
    while (true) {
      ssize_t N = ::read(In, &C, 1);
      if (N <= 0)
        _exit(0);
      if (C == '\n')
        break;
      Line += C;
    }
    long Index = std::stol(Line);
    rep::CacheEntry Entry;
    // A fresh context per TU: clang-tidy's context maps diagnostic IDs to
    // check names and must not outlive the DiagnosticIDs of one run. What is
    // worth keeping across TUs (model, schema) is cached process-wide.
    ClangTidyContext Context(Setup.makeOptionsProvider());
    rep::drainFacts();
    analyseOne(Context, *Setup.Database, Files[Index], Setup.UseCache, Entry);
    for (auto &[Kind, Facts] : rep::drainFacts())
      Entry.Facts.push_back({{"kind", Kind}, {"facts", std::move(Facts)}});
    nlohmann::json J = rep::entryToJson(Entry);
    J["index"] = Index;
    if (!writeAll(Out, J.dump() + "\n"))
      _exit(1);
  }
}

Worker spawnWorker(const SweepSetup &Setup, const std::vector<std::string> &Files,
                   const std::vector<Worker> &Others) {
  int ToW[2], FromW[2];
  if (::pipe(ToW) != 0 || ::pipe(FromW) != 0) {
    std::perror("prodready sweep: pipe");
    std::exit(2);
  }
  std::cout.flush();
  std::cerr.flush();
  pid_t Pid = ::fork();
  if (Pid < 0) {
    std::perror("prodready sweep: fork");
    std::exit(2);
  }
  if (Pid == 0) {
    ::close(ToW[1]);
    ::close(FromW[0]);
    for (const Worker &O : Others) {
      ::close(O.ToWorker);
      ::close(O.FromWorker);
    }
    // Workers keep their stderr (clang's own messages) quiet: results go
    // through the pipe and parse errors are reported by the parent.
    int DevNull = ::open("/dev/null", O_WRONLY);
    if (DevNull >= 0 && !Setup.Verbose) {
      ::dup2(DevNull, 2);
      ::dup2(DevNull, 1);
    }
    workerLoop(ToW[0], FromW[1], Setup, Files);
  }
  ::close(ToW[0]);
  ::close(FromW[1]);
  Worker W;
  W.Pid = Pid;
  W.ToWorker = ToW[1];
  W.FromWorker = FromW[0];
  return W;
}

std::string describeStatus(int Status) {
  if (WIFSIGNALED(Status))
    return std::string("worker crashed with signal ") + strsignal(WTERMSIG(Status));
  if (WIFEXITED(Status))
    return "worker exited with status " + std::to_string(WEXITSTATUS(Status));
  return "worker stopped";
}

} // namespace

// ---------------------------------------------------------------------------
// The sweep.
// ---------------------------------------------------------------------------

int runSweep(SweepSetup &Setup, rep::Report &Report) {
  const std::vector<std::string> &Files = Setup.Files;
  auto T0 = std::chrono::steady_clock::now();
  Report.TranslationUnits = static_cast<unsigned>(Files.size());
  std::vector<rep::CacheEntry> Results(Files.size());
  std::vector<bool> Done(Files.size(), false);
  std::vector<std::string> Keys(Files.size());
  Progress Prog(Setup.ProgressStyle, Files.size());

  std::unique_ptr<rep::ResultCache> Cache;
  if (Setup.UseCache) {
    Cache = std::make_unique<rep::ResultCache>(Setup.CacheDir, Setup.CacheMaxBytes);
    std::string Err = Cache->open();
    if (!Err.empty()) {
      std::cerr << "prodready sweep: warning: " << Err << "; continuing without the cache\n";
      Cache.reset();
    }
  }
  // Findings so far, counted once even when a header is seen from many TUs.
  std::set<std::string> Distinct;
  unsigned FindingsSoFar = 0;
  auto Count = [&](const rep::CacheEntry &E) {
    for (const rep::Finding &F : E.Findings)
      Distinct.insert(F.Check + "\n" + F.Loc.File + "\n" + std::to_string(F.Loc.Offset) + "\n" +
                      F.Message);
    FindingsSoFar = static_cast<unsigned>(Distinct.size());
  };
  std::vector<long> Todo;
  for (size_t I = 0; I < Files.size(); ++I) {
    if (Cache)
      Keys[I] = Setup.cacheKey(Files[I]);
    if (Cache && Cache->lookup(Keys[I], Results[I])) {
      Done[I] = true;
      ++Report.FromCache;
      Count(Results[I]);
      Prog.update(1, FindingsSoFar);
      continue;
    }
    Todo.push_back(static_cast<long>(I));
  }

  size_t NextTodo = 0;
  unsigned NWorkers = std::min<unsigned>(Setup.Jobs, static_cast<unsigned>(Todo.size()));
  std::vector<Worker> Workers;
  auto Dispatch = [&](Worker &W) {
    if (NextTodo >= Todo.size()) {
      W.Current = -1;
      return;
    }
    W.Current = Todo[NextTodo++];
    W.Started = std::chrono::steady_clock::now();
    W.Buffer.clear();
    if (!writeAll(W.ToWorker, std::to_string(W.Current) + "\n"))
      W.Current = -1; // the worker is gone; the poll loop notices
  };
  auto Retire = [&](Worker &W) {
    ::close(W.ToWorker);
    ::close(W.FromWorker);
    int Status = 0;
    ::waitpid(W.Pid, &Status, 0);
    return Status;
  };
  auto Finish = [&](long Index, rep::CacheEntry Entry, bool Store) {
    if (Store && Cache)
      Cache->store(Keys[Index], Entry);
    Count(Entry);
    Results[Index] = std::move(Entry);
    Done[Index] = true;
    Prog.update(1, FindingsSoFar);
  };

  for (unsigned I = 0; I < NWorkers; ++I) {
    Workers.push_back(spawnWorker(Setup, Files, Workers));
    Dispatch(Workers.back());
  }

  while (true) {
    std::vector<pollfd> Fds;
    std::vector<size_t> Which;
    for (size_t I = 0; I < Workers.size(); ++I)
      if (Workers[I].Current >= 0) {
        Fds.push_back({Workers[I].FromWorker, POLLIN, 0});
        Which.push_back(I);
      }
    if (Fds.empty())
      break;
    int N = ::poll(Fds.data(), Fds.size(), 500);
    if (N < 0 && errno != EINTR)
      break;
    auto Now = std::chrono::steady_clock::now();
    for (size_t K = 0; K < Fds.size(); ++K) {
      Worker &W = Workers[Which[K]];
      bool Dead = false;
      if (Fds[K].revents & (POLLIN | POLLHUP | POLLERR)) {
        char Buf[65536];
        ssize_t R = ::read(W.FromWorker, Buf, sizeof(Buf));
        if (R > 0) {
          W.Buffer.append(Buf, static_cast<size_t>(R));
          size_t NL;
          while ((NL = W.Buffer.find('\n')) != std::string::npos) {
            std::string Line = W.Buffer.substr(0, NL);
            W.Buffer.erase(0, NL + 1);
            rep::CacheEntry E;
            try {
              E = rep::entryFromJson(nlohmann::json::parse(Line));
            } catch (const std::exception &Ex) {
              E.Failures.push_back({Files[W.Current], "crash",
                                    std::string("unreadable worker result: ") + Ex.what()});
            }
            Finish(W.Current, std::move(E), /*Store=*/true);
            Dispatch(W);
          }
        } else if (R == 0 || (R < 0 && errno != EINTR && errno != EAGAIN)) {
          Dead = true;
        }
      }
      if (!Dead && W.Current >= 0 && Setup.TimeoutSeconds > 0 &&
          Now - W.Started > std::chrono::seconds(Setup.TimeoutSeconds)) {
        ::kill(W.Pid, SIGKILL);
        Retire(W);
        rep::CacheEntry E;
        E.Failures.push_back({Files[W.Current], "timeout",
                              "analysis took longer than " + std::to_string(Setup.TimeoutSeconds) +
                                  "s (--timeout)"});
        Finish(W.Current, std::move(E), false);
        W = spawnWorker(Setup, Files, Workers);
        Dispatch(W);
        continue;
      }
      if (Dead) {
        int Status = Retire(W);
        if (W.Current >= 0) {
          rep::CacheEntry E;
          E.Failures.push_back({Files[W.Current], "crash", describeStatus(Status)});
          Finish(W.Current, std::move(E), false);
        }
        W = spawnWorker(Setup, Files, Workers);
        Dispatch(W);
      }
    }
  }
  for (Worker &W : Workers)
    if (W.Pid > 0)
      Retire(W);
  Prog.finish();
  if (Cache)
    Cache->evict();

  for (size_t I = 0; I < Files.size(); ++I) {
    for (auto &F : Results[I].Findings)
      Report.Findings.push_back(std::move(F));
    for (auto &F : Results[I].Failures)
      Report.Failures.push_back(std::move(F));
    for (auto &F : Results[I].Facts)
      Setup.Facts.push_back(std::move(F));
    Setup.DependenciesOf[Files[I]] = std::move(Results[I].Deps);
  }
  addWholeProgramFindings(Setup, Report);
  rep::deduplicate(Report.Findings);
  rep::computeFingerprints(Report.Findings, Report.Root);
  std::stable_sort(Report.Findings.begin(), Report.Findings.end(),
                   [](const rep::Finding &A, const rep::Finding &B) {
                     return std::tie(A.Loc.File, A.Loc.Line, A.Loc.Column, A.Check) <
                            std::tie(B.Loc.File, B.Loc.Line, B.Loc.Column, B.Check);
                   });
  Report.DurationSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - T0).count();
  return 0;
}

} // namespace prodready::tool
