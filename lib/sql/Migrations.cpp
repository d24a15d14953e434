#include "Migrations.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace prodready::sql {

std::string SchemaError::str() const {
  std::string R = File;
  if (Line)
    R += ":" + std::to_string(Line);
  return R + ": " + Message;
}

static std::string lower(std::string S) {
  for (char &C : S)
    C = static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  return S;
}

static bool endsWith(const std::string &S, const std::string &Suf) {
  return S.size() >= Suf.size() && S.compare(S.size() - Suf.size(), Suf.size(), Suf) == 0;
}

/// Numbers at the start of \p S, separated by '.', '_', '-' (stops at the
/// first component that is not a number). "2023-01-01-000000_x" -> 2023,1,1,0.
static std::vector<unsigned long long> leadingVersion(const std::string &S, size_t &End) {
  std::vector<unsigned long long> V;
  size_t I = 0;
  while (I < S.size() && std::isdigit(static_cast<unsigned char>(S[I]))) {
    unsigned long long N = 0;
    size_t Digits = 0;
    while (I < S.size() && std::isdigit(static_cast<unsigned char>(S[I]))) {
      if (Digits < 19)
        N = N * 10 + static_cast<unsigned>(S[I] - '0');
      ++Digits, ++I;
    }
    V.push_back(N);
    End = I;
    if (I + 1 < S.size() && (S[I] == '.' || S[I] == '_' || S[I] == '-') &&
        std::isdigit(static_cast<unsigned char>(S[I + 1])))
      ++I;
    else
      break;
  }
  return V;
}

MigrationFile classifyMigration(const std::string &Path) {
  MigrationFile M;
  M.Path = Path;
  fs::path P(Path);
  std::string Name = P.filename().string();
  std::string LName = lower(Name);
  size_t End = 0;
  if (LName == "schema.sql" || LName == "structure.sql") {
    M.Kind = MigrationKind::Dump;
    return M;
  }
  if (LName == "up.sql" || LName == "down.sql") {
    M.Kind = MigrationKind::FolderUp;
    M.Skip = LName == "down.sql";
    M.Version = leadingVersion(P.parent_path().filename().string(), End);
    return M;
  }
  if (endsWith(LName, ".down.sql") || endsWith(LName, "_down.sql")) {
    M.Kind = MigrationKind::GolangMigrateUp;
    M.Skip = true;
    M.Version = leadingVersion(Name, End);
    return M;
  }
  if (endsWith(LName, ".up.sql") || endsWith(LName, "_up.sql")) {
    M.Kind = MigrationKind::GolangMigrateUp;
    M.Version = leadingVersion(Name, End);
    return M;
  }
  // Flyway: V<version>__desc.sql, U<version>__desc.sql, R__desc.sql.
  size_t Sep = Name.find("__");
  if (Sep != std::string::npos && Sep >= 1) {
    char K = Name[0];
    std::string Ver = Name.substr(1, Sep - 1);
    if ((K == 'R' || K == 'r') && Sep == 1) {
      M.Kind = MigrationKind::FlywayRepeatable;
      return M;
    }
    if ((K == 'V' || K == 'v' || K == 'U' || K == 'u') && !Ver.empty() &&
        std::isdigit(static_cast<unsigned char>(Ver[0]))) {
      M.Kind = MigrationKind::FlywayVersioned;
      M.Skip = K == 'U' || K == 'u';
      M.Version = leadingVersion(Ver, End);
      return M;
    }
  }
  M.Kind = MigrationKind::Plain;
  M.Version = leadingVersion(Name, End);
  return M;
}

void orderMigrations(std::vector<MigrationFile> &Files) {
  auto Rank = [](const MigrationFile &M) {
    if (M.Kind == MigrationKind::Dump)
      return 0;
    if (M.Kind == MigrationKind::FlywayRepeatable)
      return 2;
    return 1;
  };
  std::stable_sort(Files.begin(), Files.end(), [&](const MigrationFile &A, const MigrationFile &B) {
    if (Rank(A) != Rank(B))
      return Rank(A) < Rank(B);
    // Files with a version come before files without one.
    if (A.Version.empty() != B.Version.empty())
      return !A.Version.empty();
    if (A.Version != B.Version)
      return A.Version < B.Version;
    return A.Path < B.Path;
  });
}

static std::string trim(std::string_view S) {
  size_t B = 0, E = S.size();
  while (B < E && std::isspace(static_cast<unsigned char>(S[B])))
    ++B;
  while (E > B && std::isspace(static_cast<unsigned char>(S[E - 1])))
    --E;
  return std::string(S.substr(B, E - B));
}

std::string upSection(std::string_view Text, bool &HadMarkers) {
  HadMarkers = false;
  std::string Out;
  Out.reserve(Text.size());
  // Mode: 0 = no markers seen (keep), 1 = in Up (keep), 2 = in Down (blank).
  int Mode = 0;
  bool InDollar = false;
  size_t I = 0;
  while (I <= Text.size()) {
    size_t E = Text.find('\n', I);
    if (E == std::string_view::npos)
      E = Text.size();
    std::string_view Line = Text.substr(I, E - I);
    std::string T = lower(trim(Line));
    bool Blank = false;
    if (!InDollar && T.rfind("--", 0) == 0) {
      std::string C = trim(T.substr(2));
      if (C == "+goose up" || C == "migrate:up" || C == "+migrate up" ||
          C.rfind("+goose up ", 0) == 0 || C.rfind("migrate:up ", 0) == 0 ||
          C.rfind("+migrate up ", 0) == 0) {
        HadMarkers = true;
        Mode = 1;
        Blank = true;
      } else if (C == "+goose down" || C == "migrate:down" || C == "+migrate down" ||
                 C.rfind("+goose down ", 0) == 0 || C.rfind("migrate:down ", 0) == 0 ||
                 C.rfind("+migrate down ", 0) == 0) {
        HadMarkers = true;
        Mode = 2;
        Blank = true;
      }
    }
    if (!InDollar && !T.empty() && T[0] == '\\')
      Blank = true; // psql meta-command (\connect, \restrict, \set ...)
    if (Mode == 2)
      Blank = true;
    if (!Blank) {
      // Track $$ bodies so a "\" or marker inside a function body is kept.
      size_t Count = 0, P = 0;
      while ((P = Line.find("$$", P)) != std::string_view::npos)
        ++Count, P += 2;
      if (Count % 2)
        InDollar = !InDollar;
      Out.append(Line.data(), Line.size());
    }
    if (E < Text.size())
      Out += '\n';
    I = E + 1;
    if (E == Text.size())
      break;
  }
  return Out;
}

static bool readFile(const std::string &Path, std::string &Out) {
  std::ifstream In(Path, std::ios::binary);
  if (!In)
    return false;
  std::ostringstream SS;
  SS << In.rdbuf();
  Out = SS.str();
  return true;
}

static bool isSqlFile(const fs::path &P) { return lower(P.extension().string()) == ".sql"; }

std::vector<SqlSource> loadMigrations(const std::vector<std::string> &Paths,
                                      std::vector<SchemaError> &Errors) {
  std::vector<SqlSource> Out;
  for (const std::string &Root : Paths) {
    if (Root.empty())
      continue;
    std::error_code EC;
    std::vector<MigrationFile> Files;
    if (fs::is_directory(Root, EC)) {
      std::vector<MigrationFile> All;
      fs::recursive_directory_iterator It(Root, fs::directory_options::skip_permission_denied, EC), End;
      for (; !EC && It != End; It.increment(EC)) {
        if (It.depth() > 3) {
          It.disable_recursion_pending();
          continue;
        }
        if (!It->is_regular_file(EC) || !isSqlFile(It->path()))
          continue;
        All.push_back(classifyMigration(It->path().string()));
      }
      if (EC)
        Errors.push_back({Root, 0, "cannot list folder: " + EC.message()});
      // A top-level dump wins over migrations next to it.
      std::vector<MigrationFile> Dumps;
      for (auto &M : All)
        if (M.Kind == MigrationKind::Dump && fs::path(M.Path).parent_path() == fs::path(Root))
          Dumps.push_back(M);
      Files = Dumps.empty() ? All : Dumps;
    } else if (fs::exists(Root, EC)) {
      Files.push_back(classifyMigration(Root));
      Files.back().Skip = false; // an explicitly named file is always applied
    } else {
      Errors.push_back({Root, 0, "schema path does not exist"});
      continue;
    }
    orderMigrations(Files);
    for (auto &M : Files) {
      if (M.Skip)
        continue;
      std::string Text;
      if (!readFile(M.Path, Text)) {
        Errors.push_back({M.Path, 0, "cannot read migration file"});
        continue;
      }
      bool Markers = false;
      SqlSource S;
      S.File = M.Path;
      S.Text = upSection(Text, Markers);
      Out.push_back(std::move(S));
    }
  }
  return Out;
}

} // namespace prodready::sql
