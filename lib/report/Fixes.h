//===- Fixes.h - apply fix-its across files without conflicts ---*- C++ -*-===//
#ifndef PRODREADY_LIB_REPORT_FIXES_H
#define PRODREADY_LIB_REPORT_FIXES_H

#include "lib/report/Finding.h"

#include <string>
#include <vector>

namespace prodready::report {

struct FixResult {
  unsigned Applied = 0;            ///< Findings whose fixes were applied.
  unsigned Conflicts = 0;          ///< Findings skipped: overlapping another fix.
  std::vector<std::string> Files;  ///< Files rewritten.
  std::vector<std::string> Errors; ///< I/O problems, out-of-range edits.
};

/// Applies the fix-its of \p Findings (and their notes' fix-its when
/// \p WithNotes). A finding's edits are applied all together or not at all:
/// when one overlaps an edit already accepted (other than an identical one,
/// e.g. the same #include inserted for two findings) the finding is skipped
/// and counted as a conflict. Files are rewritten atomically.
FixResult applyFixes(const std::vector<Finding> &Findings, bool WithNotes);

/// Applies non-overlapping \p Reps (all for one file) to \p Text; returns
/// false when an edit falls outside the text.
bool applyToText(std::string &Text, std::vector<Replacement> Reps);

} // namespace prodready::report

#endif
