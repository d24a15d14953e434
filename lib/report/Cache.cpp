//===- Cache.cpp - per-translation-unit result cache ----------------------===//
#include "lib/report/Cache.h"
#include "lib/report/AtomicFile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <utime.h>

namespace prodready::report {

static constexpr int CacheFormat = 1;

static bool statFile(const std::string &Path, uint64_t &Size, int64_t &MtimeNs) {
  struct stat St;
  if (::stat(Path.c_str(), &St) != 0)
    return false;
  Size = static_cast<uint64_t>(St.st_size);
  MtimeNs = static_cast<int64_t>(St.st_mtim.tv_sec) * 1000000000LL + St.st_mtim.tv_nsec;
  return true;
}

bool describeFile(const std::string &Path, Dependency &Out) {
  Out.Path = Path;
  if (!statFile(Path, Out.Size, Out.MtimeNs))
    return false;
  std::string Text;
  if (!readFile(Path, Text))
    return false;
  Out.Hash = stableHash(Text);
  return true;
}

ResultCache::ResultCache(std::string Dir, uint64_t MaxBytes)
    : Dir(std::move(Dir)), MaxBytes(MaxBytes) {}

static bool makeDirs(const std::string &Path) {
  std::string Cur;
  for (size_t I = 0; I <= Path.size(); ++I) {
    if (I == Path.size() || Path[I] == '/') {
      if (!Cur.empty() && Cur != "/") {
        struct stat St;
        if (::stat(Cur.c_str(), &St) != 0 && ::mkdir(Cur.c_str(), 0755) != 0 && errno != EEXIST)
          return false;
      }
    }
    if (I < Path.size())
      Cur += Path[I];
  }
  return true;
}

std::string ResultCache::open() {
  if (!makeDirs(Dir))
    return "cannot create cache directory '" + Dir + "'";
  return "";
}

std::string ResultCache::pathFor(const std::string &Key) const {
  return Dir + "/" + Key.substr(0, 2) + "/" + Key + ".json";
}

nlohmann::json entryToJson(const CacheEntry &E) {
  nlohmann::json Deps = nlohmann::json::array();
  for (const Dependency &D : E.Deps)
    Deps.push_back({{"path", D.Path}, {"size", D.Size}, {"mtime_ns", D.MtimeNs}, {"hash", D.Hash}});
  nlohmann::json Findings = nlohmann::json::array();
  for (const Finding &F : E.Findings)
    Findings.push_back(toJson(F));
  nlohmann::json Failures = nlohmann::json::array();
  for (const Failure &F : E.Failures)
    Failures.push_back(toJson(F));
  return {{"deps", Deps}, {"findings", Findings}, {"failures", Failures}, {"facts", E.Facts}};
}

CacheEntry entryFromJson(const nlohmann::json &J) {
  CacheEntry E;
  for (const auto &D : J.at("deps"))
    E.Deps.push_back({D.value("path", ""), D.value("size", uint64_t(0)),
                      D.value("mtime_ns", int64_t(0)), D.value("hash", "")});
  for (const auto &F : J.at("findings"))
    E.Findings.push_back(findingFromJson(F));
  for (const auto &F : J.at("failures"))
    E.Failures.push_back(failureFromJson(F));
  if (J.contains("facts") && J["facts"].is_array())
    E.Facts = J["facts"];
  return E;
}

bool ResultCache::lookup(const std::string &Key, CacheEntry &Out) {
  std::string Text;
  std::string Path = pathFor(Key);
  if (!readFile(Path, Text))
    return false;
  CacheEntry E;
  try {
    nlohmann::json J = nlohmann::json::parse(Text);
    if (J.value("format", 0) != CacheFormat)
      return false;
    E = entryFromJson(J);
  } catch (...) {
    return false; // a damaged entry is a miss
  }
  for (const Dependency &Dep : E.Deps) {
    uint64_t Size;
    int64_t Mtime;
    if (!statFile(Dep.Path, Size, Mtime))
      return false;
    if (Size != Dep.Size)
      return false;
    if (Mtime != Dep.MtimeNs) {
      Dependency Now;
      if (!describeFile(Dep.Path, Now) || Now.Hash != Dep.Hash)
        return false;
    }
  }
  ::utime(Path.c_str(), nullptr); // mark as recently used
  Out = std::move(E);
  return true;
}

void ResultCache::store(const std::string &Key, const CacheEntry &E) {
  nlohmann::json J = entryToJson(E);
  J["format"] = CacheFormat;
  std::string Path = pathFor(Key);
  std::lock_guard<std::mutex> Lock(Mu);
  makeDirs(Path.substr(0, Path.rfind('/')));
  writeFileAtomically(Path, J.dump());
}

void ResultCache::evict() {
  struct Item {
    std::string Path;
    uint64_t Size;
    int64_t Mtime;
  };
  std::vector<Item> Items;
  uint64_t Total = 0;
  DIR *Top = ::opendir(Dir.c_str());
  if (!Top)
    return;
  while (dirent *D = ::readdir(Top)) {
    std::string Sub = D->d_name;
    if (Sub == "." || Sub == ".." || Sub.size() != 2)
      continue;
    std::string SubPath = Dir + "/" + Sub;
    DIR *S = ::opendir(SubPath.c_str());
    if (!S)
      continue;
    while (dirent *E = ::readdir(S)) {
      std::string Name = E->d_name;
      if (Name.size() < 6 || Name.compare(Name.size() - 5, 5, ".json") != 0)
        continue;
      Item It{SubPath + "/" + Name, 0, 0};
      if (statFile(It.Path, It.Size, It.Mtime)) {
        Total += It.Size;
        Items.push_back(It);
      }
    }
    ::closedir(S);
  }
  ::closedir(Top);
  if (Total <= MaxBytes)
    return;
  std::sort(Items.begin(), Items.end(), [](const Item &A, const Item &B) { return A.Mtime < B.Mtime; });
  for (const Item &It : Items) {
    if (Total <= MaxBytes)
      break;
    if (std::remove(It.Path.c_str()) == 0)
      Total -= It.Size;
  }
}

} // namespace prodready::report
