//===- Fixes.cpp - apply fix-its across files without conflicts -----------===//
#include "lib/report/Fixes.h"
#include "lib/report/AtomicFile.h"

#include <algorithm>
#include <map>

namespace prodready::report {

static bool overlaps(const Replacement &A, const Replacement &B) {
  if (A.File != B.File)
    return false;
  if (A.Length == 0 && B.Length == 0)
    return A.Offset == B.Offset; // two insertions at one point: order undefined
  unsigned AEnd = A.Offset + A.Length, BEnd = B.Offset + B.Length;
  if (A.Length == 0)
    return A.Offset > B.Offset && A.Offset < BEnd;
  if (B.Length == 0)
    return B.Offset > A.Offset && B.Offset < AEnd;
  return A.Offset < BEnd && B.Offset < AEnd;
}

bool applyToText(std::string &Text, std::vector<Replacement> Reps) {
  std::sort(Reps.begin(), Reps.end(), [](const Replacement &A, const Replacement &B) {
    return A.Offset > B.Offset || (A.Offset == B.Offset && A.Length > B.Length);
  });
  for (const Replacement &R : Reps) {
    if (R.Offset > Text.size() || R.Offset + R.Length > Text.size())
      return false;
    Text.replace(R.Offset, R.Length, R.Text);
  }
  return true;
}

FixResult applyFixes(const std::vector<Finding> &Findings, bool WithNotes) {
  FixResult Result;
  std::map<std::string, std::vector<Replacement>> Accepted;
  for (const Finding &F : Findings) {
    std::vector<Replacement> Set = F.Fix;
    if (WithNotes)
      for (const Note &N : F.Notes)
        Set.insert(Set.end(), N.Fix.begin(), N.Fix.end());
    std::sort(Set.begin(), Set.end());
    Set.erase(std::unique(Set.begin(), Set.end()), Set.end());
    if (Set.empty())
      continue;
    bool Conflict = false;
    std::vector<Replacement> Fresh;
    for (const Replacement &R : Set) {
      auto &Acc = Accepted[R.File];
      if (std::find(Acc.begin(), Acc.end(), R) != Acc.end())
        continue; // identical edit already accepted (e.g. the same #include)
      for (const Replacement &A : Acc)
        Conflict |= overlaps(A, R);
      for (const Replacement &A : Fresh)
        Conflict |= overlaps(A, R);
      Fresh.push_back(R);
    }
    if (Conflict) {
      ++Result.Conflicts;
      continue;
    }
    for (const Replacement &R : Fresh)
      Accepted[R.File].push_back(R);
    ++Result.Applied;
  }
  for (auto &[File, Reps] : Accepted) {
    if (Reps.empty())
      continue;
    std::string Text;
    if (!readFile(File, Text)) {
      Result.Errors.push_back("cannot read '" + File + "'");
      continue;
    }
    if (!applyToText(Text, Reps)) {
      Result.Errors.push_back("fix-its out of range for '" + File + "' (file changed since the sweep?)");
      continue;
    }
    std::string Err = writeFileAtomically(File, Text);
    if (!Err.empty())
      Result.Errors.push_back(Err);
    else
      Result.Files.push_back(File);
  }
  return Result;
}

} // namespace prodready::report
