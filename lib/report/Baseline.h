//===- Baseline.h - accepted findings, by fingerprint -----------*- C++ -*-===//
#ifndef PRODREADY_LIB_REPORT_BASELINE_H
#define PRODREADY_LIB_REPORT_BASELINE_H

#include "lib/report/Finding.h"

#include <string>
#include <vector>

namespace prodready::report {

inline constexpr int BaselineSchemaVersion = 1;

/// Writes the fingerprints of \p Findings (plus check/file/message for
/// humans reviewing the file) to \p Path. Returns an error message or "".
std::string writeBaseline(const std::string &Path, const std::vector<Finding> &Findings,
                          const std::string &Root);

/// Reads the sorted fingerprints of a baseline file. Returns an error message
/// (missing file, bad JSON, wrong version) or "".
std::string readBaseline(const std::string &Path, std::vector<std::string> &Fingerprints);

} // namespace prodready::report

#endif
