// prodready/secret.h - read a secret at run time instead of compiling it in.
//
// Header-only, C++17, no dependencies. This is the accessor that the
// prodready-hardcoded-credential fix-it inserts:
//
//     mysql_real_connect(db, host, user, prodready::require_secret("DB_PASSWORD").c_str(), ...);
//
// prodready::require_secret("NAME") looks, in this order, at
//   1. the environment variable NAME (non-empty),
//   2. the file named by the environment variable NAME_FILE (the Docker /
//      Kubernetes "_FILE" convention; one trailing newline is stripped),
//   3. the mounted secret /run/secrets/<name> (as given, then lower-case).
// It fails loudly when none is set: it throws prodready::missing_secret (a
// std::runtime_error naming the variable, never a value), or, when
// PRODREADY_SECRET_ABORT is defined, prints that message and aborts.
//
// The value is read once per name and kept for the life of the process, so the
// returned reference (and its c_str()) stays valid and the call is cheap.
#ifndef PRODREADY_SECRET_H
#define PRODREADY_SECRET_H

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>

namespace prodready {

/// Thrown by require_secret when a secret is not configured.
class missing_secret : public std::runtime_error {
public:
  explicit missing_secret(const std::string &Name)
      : std::runtime_error("required secret '" + Name + "' is not set: set the environment "
                           "variable " + Name + ", or " + Name +
                           "_FILE to a file holding it, or mount /run/secrets/" + Name),
        name_(Name) {}
  const std::string &name() const noexcept { return name_; }

private:
  std::string name_;
};

namespace secret_detail {

inline bool read_file(const std::string &Path, std::string &Out) {
  std::ifstream In(Path, std::ios::binary);
  if (!In)
    return false;
  std::ostringstream S;
  S << In.rdbuf();
  Out = S.str();
  if (!Out.empty() && Out.back() == '\n')
    Out.pop_back();
  if (!Out.empty() && Out.back() == '\r')
    Out.pop_back();
  return true;
}

inline bool lookup(const std::string &Name, std::string &Out) {
  if (const char *V = std::getenv(Name.c_str()); V && *V) {
    Out = V;
    return true;
  }
  if (const char *F = std::getenv((Name + "_FILE").c_str()); F && *F) {
    if (read_file(F, Out) && !Out.empty())
      return true;
    // A _FILE that points nowhere is a configuration error: say so.
    return false;
  }
  std::string Lower = Name;
  for (char &C : Lower)
    C = static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  for (const std::string &P : {"/run/secrets/" + Name, "/run/secrets/" + Lower})
    if (read_file(P, Out) && !Out.empty())
      return true;
  return false;
}

} // namespace secret_detail

/// The value of secret \p Name (see the file comment); throws missing_secret
/// (or aborts with PRODREADY_SECRET_ABORT) when it is not configured.
inline const std::string &require_secret(const char *Name) {
  static std::mutex Mutex;
  static std::map<std::string, std::string> Cache;
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = Cache.find(Name);
  if (It != Cache.end())
    return It->second;
  std::string Value;
  if (!secret_detail::lookup(Name, Value)) {
#ifdef PRODREADY_SECRET_ABORT
    std::fprintf(stderr, "fatal: %s\n", missing_secret(Name).what());
    std::abort();
#else
    throw missing_secret(Name);
#endif
  }
  return Cache.emplace(Name, std::move(Value)).first->second;
}

} // namespace prodready

#endif // PRODREADY_SECRET_H
