// Containers handed out by non-const reference/pointer leave this file's
// sight; accessors private to the file and local aliases do not.
// RUN: %check_prodready %s prodready-unbounded-cache %t
#include <map>
#include <string>
#include <vector>
#include "Inputs/escape_api.h"

// ---- negatives: escapes -----------------------------------------------------------

// A public accessor declared in a header: another file may erase.
static std::map<std::string, int> s_shared;
std::map<std::string, int> &sharedMap() { return s_shared; }
void grow1(const std::string &k) { s_shared[k] = 1; }

// Passed by non-const reference to a function we cannot see.
static std::vector<int> s_passed;
void grow2(int x) { s_passed.push_back(x); fillMore(s_passed); }

// Address taken and stored.
static std::vector<int> s_addr;
std::vector<int> *g_ptr;
void grow3(int x) { s_addr.push_back(x); g_ptr = &s_addr; }

// A member handed out by a public getter.
class Service {
public:
  std::vector<int> &items() { return items_; }
  void add(int x) { items_.push_back(x); }
private:
  std::vector<int> items_;
};
static Service gService;

// An external global declared in a header.
std::vector<std::string> g_exportedLog;
void grow4(const std::string &s) { g_exportedLog.push_back(s); }

// ---- positives ------------------------------------------------------------------------

// Read through a const reference: still ours.
static std::map<int, int> s_constRef;
// CHECK-MESSAGES: :[[@LINE-1]]:27: warning: 's_constRef' (static std::map) grows in 'grow5' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
int sum(const std::map<int, int> &m) { return (int)m.size(); }
void grow5(int k) { s_constRef[k] = sum(s_constRef); }

// A file-local accessor (Meyers singleton): its callers grow the map.
static std::map<std::string, std::string> &registry() {
  static std::map<std::string, std::string> r;
  // CHECK-MESSAGES: :[[@LINE-1]]:45: warning: 'r' (static local std::map) grows in 'remember' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
  return r;
}
void remember(const std::string &k, const std::string &v) { registry()[k] = v; }

// A local reference alias.
static std::vector<std::string> s_viaAlias;
// CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 's_viaAlias' (static std::vector) grows in 'grow6' and is never trimmed or size-capped [CWE-770]
void grow6(const std::string &s) {
  auto &log = s_viaAlias;
  log.push_back(s + "!");
}

// An external global defined here and declared nowhere else (default
// ExternalGlobals=unexported).
std::vector<int> g_unexported;
// CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'g_unexported' (global std::vector) grows in 'grow7' and is never trimmed or size-capped; filled from parameter 'x' [CWE-770]
void grow7(int x) { g_unexported.push_back(x); }
