//===- AtomicFile.h - write files without leaving them half-written -*- C++ -*-===//
#ifndef PRODREADY_LIB_REPORT_ATOMICFILE_H
#define PRODREADY_LIB_REPORT_ATOMICFILE_H

#include <string>

namespace prodready::report {

/// Writes \p Content to a temporary file next to \p Path, then renames it over
/// \p Path (atomic on POSIX). Keeps the permissions of an existing file.
/// Returns an error message or "".
std::string writeFileAtomically(const std::string &Path, const std::string &Content);

/// Reads a whole file; returns false when it cannot be read.
bool readFile(const std::string &Path, std::string &Out);

} // namespace prodready::report

#endif
