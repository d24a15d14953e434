//===- Cache.h - per-translation-unit result cache --------------*- C++ -*-===//
//
// The sweep caches each translation unit's findings under a key made of
// everything that can change them except the files the compiler reads
// (prodready and LLVM versions, the compile command, the effective
// configuration, the model and schema files). The files the compiler read
// (main file and every header) are recorded in the entry with size, mtime and
// content hash: a lookup re-checks them (a stat each, a hash only when the
// stat differs), like ccache's direct mode. A header edit is thus a miss.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_REPORT_CACHE_H
#define PRODREADY_LIB_REPORT_CACHE_H

#include "lib/report/Finding.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace prodready::report {

struct Dependency {
  std::string Path;
  uint64_t Size = 0;
  int64_t MtimeNs = 0;
  std::string Hash; ///< stableHash of the content
};

/// Describes \p Path as it is now; false when it cannot be read.
bool describeFile(const std::string &Path, Dependency &Out);

struct CacheEntry {
  std::vector<Dependency> Deps;
  std::vector<Finding> Findings;
  std::vector<Failure> Failures;
  /// Facts checks published for the sweep (FactSink): [{"kind", "facts"}].
  nlohmann::json Facts = nlohmann::json::array();
};

/// One TU's results as JSON: the cache file's body and the line a sweep
/// worker sends to its parent. entryFromJson throws on malformed input.
nlohmann::json entryToJson(const CacheEntry &E);
CacheEntry entryFromJson(const nlohmann::json &J);

class ResultCache {
public:
  /// \p MaxBytes bounds the directory size; older entries are evicted.
  ResultCache(std::string Dir, uint64_t MaxBytes);

  /// Creates the directory; returns an error message or "".
  std::string open();

  /// True and fills \p Out when an entry for \p Key exists and all its
  /// dependencies are unchanged.
  bool lookup(const std::string &Key, CacheEntry &Out);
  void store(const std::string &Key, const CacheEntry &Entry);
  /// Removes least recently used entries until the directory fits MaxBytes.
  void evict();

  const std::string &dir() const { return Dir; }

private:
  std::string pathFor(const std::string &Key) const;
  std::string Dir;
  uint64_t MaxBytes;
  std::mutex Mu;
};

} // namespace prodready::report

#endif
