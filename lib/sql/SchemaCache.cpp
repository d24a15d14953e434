#include "SchemaCache.h"

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>

namespace fs = std::filesystem;

namespace prodready::sql {

static std::atomic<unsigned> Builds{0};

unsigned schemaBuildCount() { return Builds.load(); }

std::shared_ptr<LoadedSchema> buildSchema(const std::vector<SqlSource> &Sources, Dialect D) {
  ++Builds;
  auto L = std::make_shared<LoadedSchema>();
  L->D = D == Dialect::Auto ? Dialect::PostgreSQL : D;
  for (auto &Src : Sources)
    L->S.apply(Src, L->D == Dialect::MySQL, /*ReportErrors=*/L->D != Dialect::SQLite);
  if (L->D == Dialect::SQLite) {
    L->Db = std::make_unique<SqliteDatabase>();
    L->Db->replay(Sources, L->Errors);
  }
  L->Errors.insert(L->Errors.end(), L->S.Errors.begin(), L->S.Errors.end());
  return L;
}

static void stampPath(const std::string &P, std::string &Key) {
  std::error_code EC;
  auto stampFile = [&](const fs::path &F) {
    auto T = fs::last_write_time(F, EC);
    auto Size = fs::file_size(F, EC);
    Key += F.string() + "@" + std::to_string(T.time_since_epoch().count()) + ":" + std::to_string(Size) + ";";
  };
  if (fs::is_directory(P, EC)) {
    std::vector<fs::path> Files;
    fs::recursive_directory_iterator It(P, fs::directory_options::skip_permission_denied, EC), End;
    for (; !EC && It != End; It.increment(EC))
      if (It->is_regular_file(EC))
        Files.push_back(It->path());
    std::sort(Files.begin(), Files.end());
    for (auto &F : Files)
      stampFile(F);
  } else if (fs::exists(P, EC)) {
    stampFile(P);
  } else {
    Key += P + "@missing;";
  }
}

std::shared_ptr<LoadedSchema> loadSchema(const std::vector<std::string> &Paths, Dialect D,
                                         const std::vector<SqlSource> &Extra) {
  std::string Key = std::string(dialectName(D)) + "|";
  for (auto &P : Paths)
    stampPath(P, Key);
  Key += "|";
  for (auto &E : Extra)
    Key += std::to_string(std::hash<std::string>()(E.File + ":" + std::to_string(E.FirstLine) + ":" + E.Text)) + ",";

  static std::mutex Mutex;
  static std::map<std::string, std::shared_ptr<LoadedSchema>> Cache;
  {
    std::lock_guard<std::mutex> Lock(Mutex);
    auto It = Cache.find(Key);
    if (It != Cache.end())
      return It->second;
  }
  std::vector<SchemaError> Errors;
  std::vector<SqlSource> Sources = loadMigrations(Paths, Errors);
  Sources.insert(Sources.end(), Extra.begin(), Extra.end());
  auto L = buildSchema(Sources, D);
  L->Errors.insert(L->Errors.begin(), Errors.begin(), Errors.end());
  std::lock_guard<std::mutex> Lock(Mutex);
  if (Cache.size() >= 32)
    Cache.clear(); // bounded: a long sweep over many TUs with in-code schemas
  Cache[Key] = L;
  return L;
}

QueryAnalysis analyzeQuery(LoadedSchema &L, std::string_view Sql, const AnalysisOptions &Opts) {
  AnalysisOptions O = Opts;
  O.D = L.D;
  if (L.D == Dialect::SQLite && L.Db)
    return analyzeWithSqlite(L.S, *L.Db, Sql, O);
  return analyzeWithRules(L.S, Sql, O);
}

} // namespace prodready::sql
