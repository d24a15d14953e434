// Data members: reported when the owner is long-lived and every member
// function (and friend) is defined in this translation unit.
// RUN: %check_prodready %s prodready-unbounded-cache %t
// RUN: %check_prodready -check-suffix=PUB %s prodready-unbounded-cache %t \
// RUN:   -config="{CheckOptions: {prodready-unbounded-cache.ReportPublicMembers: true, prodready-unbounded-cache.LongLivedOwners: 'Thing', prodready-unbounded-cache.RequestScopedOwners: 'Cache'}}"
#include <map>
#include <memory>
#include <string>
#include <vector>

// Long-lived by its name (service/controller/handler/repository/...).
class UserService {
public:
  int lookup(const std::string &id) { return cache_[id]; }
private:
  std::map<std::string, int> cache_;
  // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: 'cache_' (std::map member of 'UserService') grows in 'UserService::lookup' and is never erased or size-capped; keyed by parameter 'id' [CWE-770]
  // CHECK-MESSAGES-PUB: :[[@LINE-2]]:30: warning: 'cache_' (std::map member of 'UserService') grows in 'UserService::lookup'
};

// Long-lived because a static instance exists.
class Audit {
public:
  void add(const std::string &e) { events_.push_back(e); }
private:
  std::vector<std::string> events_;
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'events_' (std::vector member of 'Audit') grows in 'Audit::add' and is never trimmed or size-capped; filled from parameter 'e' [CWE-770]
  // CHECK-MESSAGES-PUB: :[[@LINE-2]]:28: warning: 'events_'
};
static Audit gAudit;

// Long-lived because it is a singleton.
class Registry {
public:
  static Registry &instance() { static Registry R; return R; }
  void put(int k, int v) { items_.emplace(k, v); }
private:
  Registry() = default;
  std::map<int, int> items_;
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: 'items_' (std::map member of 'Registry') grows in 'Registry::put' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
  // CHECK-MESSAGES-PUB: :[[@LINE-2]]:22: warning: 'items_'
};

// Long-lived because main owns it for the whole run.
struct Tracker {
  void seen(long id) { ids.push_back(id); }
private:
  std::vector<long> ids;
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'ids' (std::vector member of 'Tracker') grows in 'Tracker::seen' and is never trimmed or size-capped; filled from parameter 'id' [CWE-770]
  // CHECK-MESSAGES-PUB: :[[@LINE-2]]:21: warning: 'ids'
};

// Static data member: long-lived whatever the class.
class Stats {
public:
  static void count(const std::string &k) { byKey_[k]++; }
private:
  static std::map<std::string, long> byKey_;
  // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: 'byKey_' (static member std::map) grows in 'Stats::count' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
  // CHECK-MESSAGES-PUB: :[[@LINE-2]]:38: warning: 'byKey_'
};
std::map<std::string, long> Stats::byKey_;

// ---- negatives ------------------------------------------------------------------

// Eviction in another member function.
class SessionManager {
public:
  void login(const std::string &tok) { sessions_[tok] = 1; }
  void logout(const std::string &tok) { sessions_.erase(tok); }
private:
  std::map<std::string, int> sessions_;
};

// Filled only in the constructor.
class RouteTable {
public:
  RouteTable() {
    routes_.push_back("/a");
    routes_.push_back("/b");
  }
  bool has(const std::string &r) const {
    for (auto &x : routes_) if (x == r) return true;
    return false;
  }
private:
  std::vector<std::string> routes_;
};

// A member function defined in another file could erase: stay silent.
class PartialService {
public:
  void add(int x) { xs_.push_back(x); }
  void trim(); // defined elsewhere
private:
  std::vector<int> xs_;
};

// A friend defined elsewhere could erase.
class FriendlyCache {
  friend void purge(FriendlyCache &);
public:
  void add(int x) { xs_.push_back(x); }
private:
  std::vector<int> xs_;
};

// Request-scoped owners die with the request.
class RequestContext {
public:
  void addHeader(const std::string &h) { headers_.push_back(h); }
private:
  std::vector<std::string> headers_;
};

// An owner with no evidence of living long (a value type).
class Point3 {
public:
  void add(double v) { coords_.push_back(v); }
private:
  std::vector<double> coords_;
};

// A public data member can be trimmed by anyone: silent unless
// ReportPublicMembers (PUB run), and the name marks the owner long-lived
// only through LongLivedOwners=Thing.
struct SharedThing {
  std::vector<int> items;
  // CHECK-MESSAGES-PUB: :[[@LINE-1]]:20: warning: 'items' (std::vector member of 'SharedThing') grows in 'SharedThing::add' and is never trimmed or size-capped; filled from parameter 'x' [CWE-770]
  void add(int x) { items.push_back(x); }
};

// RequestScopedOwners=Cache turns this one off in the PUB run only.
class UserSessionCache {
public:
  void put(const std::string &k) { keys_.push_back(k); }
private:
  std::vector<std::string> keys_;
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'keys_' (std::vector member of 'UserSessionCache') grows in 'UserSessionCache::put' and is never trimmed or size-capped; filled from parameter 'k' [CWE-770]
};

int main(int argc, char **argv) {
  Tracker t;
  // Called in a loop: once per iteration, not one-time initialisation.
  for (int i = 0; i < argc; ++i) {
    t.seen(i);
    Registry::instance().put(i, 2);
    gAudit.add(argv[i]);
  }
  return 0;
}
