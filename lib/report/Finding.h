//===- Finding.h - sweep finding records ------------------------*- C++ -*-===//
//
// The sweep's unit of output: one diagnostic of one check, with its notes and
// fix-its, in a form independent of clang (so reports, baselines and caches
// are plain data, unit-testable, and can be merged across machines).
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_REPORT_FINDING_H
#define PRODREADY_LIB_REPORT_FINDING_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace prodready::report {

/// A text edit: replace Length bytes at Offset of File with Text.
struct Replacement {
  std::string File;
  unsigned Offset = 0;
  unsigned Length = 0;
  std::string Text;
  bool operator<(const Replacement &O) const;
  bool operator==(const Replacement &O) const;
};

/// A position in a file. Line/Column are 1-based; Offset is the byte offset.
struct Location {
  std::string File; ///< Absolute path (empty for file-less diagnostics).
  unsigned Offset = 0;
  unsigned Line = 0;
  unsigned Column = 0;
};

struct Note {
  std::string Message;
  Location Loc;
  std::vector<Replacement> Fix;
};

struct Finding {
  std::string Check;     ///< e.g. prodready-hardcoded-credential, clang-diagnostic-error
  std::string Level;     ///< "warning" | "error"
  std::string Message;   ///< Without the trailing " [check]".
  Location Loc;
  std::vector<Note> Notes;
  std::vector<Replacement> Fix; ///< Fix-its attached to the warning itself.
  std::string Snippet;   ///< The source line, secrets masked.
  std::string Fingerprint; ///< Stable identity (see computeFingerprints).
  std::string TranslationUnit; ///< The TU in which it was found.
};

/// A translation unit the sweep could not analyse (parse error, crash...).
struct Failure {
  std::string TranslationUnit;
  std::string Kind;    ///< "parse-error" | "crash" | "timeout" | "no-command"
  std::string Message;
};

nlohmann::json toJson(const Finding &F);
Finding findingFromJson(const nlohmann::json &J);
nlohmann::json toJson(const Failure &F);
Failure failureFromJson(const nlohmann::json &J);

/// Stable 128-bit hash as 32 hex digits (FNV-1a, two lanes). Not for
/// security: for fingerprints and cache keys.
std::string stableHash(const std::string &Data);

/// Collapses whitespace runs to one space and trims.
std::string normaliseWhitespace(const std::string &S);

/// Replaces the contents of string literals in \p Line with a masked form
/// ("ab…(12)") so that a snippet never shows a secret.
std::string maskStringLiterals(const std::string &Line);

/// Sets Fingerprint of every finding: hash of check + file (relative to
/// \p Root) + whitespace-normalised snippet + the ordinal among findings with
/// the same triple (in file-offset order). Line numbers do not enter, so a line shift keeps it.
void computeFingerprints(std::vector<Finding> &Findings, const std::string &Root);

/// Removes findings with the same check, location and message (a header seen
/// from several translation units), keeping the first.
void deduplicate(std::vector<Finding> &Findings);

/// Path of \p File relative to \p Root when inside it, else unchanged.
std::string relativePath(const std::string &File, const std::string &Root);

} // namespace prodready::report

#endif
