//===- SweepSupport.h - options, progress and outputs of the sweep -*- C++ -*-===//
#ifndef PRODREADY_TOOLS_SWEEPSUPPORT_H
#define PRODREADY_TOOLS_SWEEPSUPPORT_H

#include "lib/report/Cache.h"
#include "lib/report/Report.h"

#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Tooling/CompilationDatabase.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace prodready::tool {

enum class ProgressMode { Auto, Bar, Lines, None };

/// Live progress on stderr: a bar on a terminal, periodic lines otherwise.
class Progress {
public:
  Progress(ProgressMode Mode, size_t Total);
  void update(size_t DoneDelta, unsigned Findings);
  void finish();

private:
  void draw(bool Force);
  ProgressMode Mode;
  size_t Total, Done = 0;
  unsigned Findings = 0;
  std::chrono::steady_clock::time_point Start, LastLine;
  bool Drawn = false;
};

/// Output options shared by sweep and merge.
struct OutputOptions {
  std::string Json, Sarif, Html, ExportFixes, WriteBaseline, Baseline, EmitMigrations;
  bool Quiet = false;
  bool SummaryOnly = false;
  bool FixNotesInExport = false;
  /// --fail-on: default threshold and per-check overrides ("none" disables).
  std::string FailOn = "warning";
  std::map<std::string, std::string> FailOnPerCheck;
};

struct SweepSetup {
  // Inputs
  std::unique_ptr<clang::tooling::CompilationDatabase> Database;
  std::string DatabaseDir;
  std::vector<std::string> Files; ///< TUs to analyse (absolute paths).
  // clang-tidy configuration
  std::string ExtraChecks;        ///< --checks, appended to prodready-*
  std::string ConfigYaml;         ///< --config / --config-file contents
  clang::tidy::ClangTidyOptions ConfigOverride;
  bool HaveConfig = false;
  // Execution
  unsigned Jobs = 1;
  unsigned TimeoutSeconds = 0;
  bool Verbose = false;
  ProgressMode ProgressStyle = ProgressMode::Auto;
  // Cache
  bool UseCache = true;
  std::string CacheDir;
  uint64_t CacheMaxBytes = 512ull << 20;
  // Fixes
  bool Fix = false, FixNotes = false;
  // Filled by the sweep: files each TU read (for --changed-since next time).
  std::map<std::string, std::vector<report::Dependency>> DependenciesOf;
  // Filled by the sweep: facts published by checks in every TU.
  nlohmann::json Facts = nlohmann::json::array();

  std::unique_ptr<clang::tidy::ClangTidyOptionsProvider> makeOptionsProvider() const;
  /// Everything except the compiler's input files that determines a TU's
  /// results: versions, compile command, effective configuration, and the
  /// contents of files named by options (model files, schema folders).
  std::string cacheKey(const std::string &File) const;

private:
  mutable std::map<std::string, std::string> FileOptionHashes;
};

/// Runs the analysis (Sweep.cpp). Fills Report.
int runSweep(SweepSetup &Setup, report::Report &Report);

/// Judges what needs every TU's facts (WholeProgram.cpp): containers whose
/// growth and shrink sites are spread over several files. Adds findings.
void addWholeProgramFindings(const SweepSetup &Setup, report::Report &Report);

/// Writes every requested output, applies baseline and fail-on, prints the
/// text summary; returns the exit code (0/1/2).
int finishReport(report::Report &Report, const OutputOptions &Out);

/// The rules known to the built-in and user models.
std::map<std::string, report::Rule> loadAllRules(const std::string &ModelFilesSpec);

/// Writes the CREATE INDEX suggestions of prodready-unindexed-query findings
/// into one new migration in \p Dir, named after the layout used there.
/// Returns an error message or "" (and the path written in \p Written).
std::string emitMigrations(const report::Report &R, const std::string &Dir, std::string &Written);

} // namespace prodready::tool

#endif
