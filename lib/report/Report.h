//===- Report.h - sweep reports: JSON, SARIF, HTML, fixes YAML, text -*- C++ -*-===//
#ifndef PRODREADY_LIB_REPORT_REPORT_H
#define PRODREADY_LIB_REPORT_REPORT_H

#include "lib/model/Model.h"
#include "lib/report/Finding.h"

#include <nlohmann/json.hpp>

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace prodready::report {

/// Version of the JSON report format (docs/sweep.md documents it).
inline constexpr int JsonSchemaVersion = 1;

/// What the reports say about a check (the "rules" model section).
struct Rule {
  std::string Id;
  std::string Name;        ///< Short title.
  std::string Description; ///< One paragraph: what it finds and why it matters.
  std::string Help;        ///< How to fix it.
  std::string HelpUri;     ///< Docs page, relative to the repository root.
  std::vector<std::string> Cwe; ///< e.g. "CWE-798"
  std::string Severity = "warning"; ///< "error" | "warning" | "note"
};

/// Reads the "rules" sections of \p M.
std::map<std::string, Rule> loadRules(const model::Model &M, std::vector<model::ModelError> &Errors);

/// Everything a sweep produced, in memory.
struct Report {
  std::string ToolVersion;
  std::string LlvmVersion;
  std::string Root;             ///< Findings' paths are shown relative to it.
  std::string StartedAt;        ///< ISO 8601 UTC.
  double DurationSeconds = 0;
  unsigned TranslationUnits = 0;
  unsigned FromCache = 0;
  std::vector<Finding> Findings;
  std::vector<Failure> Failures;
  /// Fingerprints that are in the baseline (empty without --baseline).
  std::vector<std::string> Baselined;
  bool HasBaseline = false;
  std::map<std::string, Rule> Rules;

  bool isNew(const Finding &F) const;
};

nlohmann::json toJson(const Report &R);
/// Reads a report written by toJson (for `prodready merge`); throws
/// std::runtime_error with a message on a malformed or incompatible file.
Report reportFromJson(const nlohmann::json &J);

void writeJson(const Report &R, std::ostream &OS);
void writeSarif(const Report &R, std::ostream &OS);
void writeHtml(const Report &R, std::ostream &OS);
/// clang-apply-replacements YAML (only findings that carry replacements;
/// notes' fixes included when \p WithNotes).
void writeFixesYaml(const Report &R, std::ostream &OS, bool WithNotes);
/// Human summary: counts per check and per top-level folder, top files,
/// failures, and the new findings themselves.
void writeText(const Report &R, std::ostream &OS, bool ListFindings);

/// Severity of a finding's check ("warning" when the rule is unknown).
std::string severityOf(const Report &R, const Finding &F);

} // namespace prodready::report

#endif
