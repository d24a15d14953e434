// Namespace-scope statics, anonymous namespaces, static locals: every
// container kind and growth form; shrinks anywhere silence.
// RUN: %check_prodready %s prodready-unbounded-cache %t
#include <algorithm>
#include <deque>
#include <forward_list>
#include <list>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

static std::unordered_map<std::string, int> s_userCache;
// CHECK-MESSAGES: :[[@LINE-1]]:45: warning: 's_userCache' (static std::unordered_map) grows in 'getUser' and is never erased or size-capped; keyed by parameter 'id' [CWE-770]
int getUser(const std::string &id) { return s_userCache[id]; }

namespace {
std::map<int, std::string> names;
// CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'names' (static std::map) grows in 'remember' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
std::set<std::string> seenTokens;
// CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'seenTokens' (static std::set) grows in 'markSeen' and is never erased or size-capped; keyed by parameter 'tok' [CWE-770]
std::vector<std::string> recentEvents;
// CHECK-MESSAGES: :[[@LINE-1]]:26: warning: 'recentEvents' (static std::vector) grows in 'record' and is never trimmed or size-capped; filled from parameter 'e' [CWE-770]
std::deque<int> latencies;
// CHECK-MESSAGES: :[[@LINE-1]]:17: warning: 'latencies' (static std::deque) grows in 'sample' and is never trimmed or size-capped; filled from parameter 'ms' [CWE-770]
std::list<std::string> history;
// CHECK-MESSAGES: :[[@LINE-1]]:24: warning: 'history' (static std::list) grows in 'log' and is never trimmed or size-capped; filled from parameter 's' [CWE-770]
std::forward_list<int> pendingIds;
// CHECK-MESSAGES: :[[@LINE-1]]:24: warning: 'pendingIds' (static std::forward_list) grows in 'queueId' and is never trimmed or size-capped; filled from parameter 'id' [CWE-770]
std::unordered_set<long> visited;
// CHECK-MESSAGES: :[[@LINE-1]]:26: warning: 'visited' (static std::unordered_set) grows in 'visit' and is never erased or size-capped; keyed by parameter 'n' [CWE-770]
std::multimap<std::string, int> hits;
// CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 'hits' (static std::multimap) grows in 'hit' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
std::map<std::string, std::string> kv;
// CHECK-MESSAGES: :[[@LINE-1]]:36: warning: 'kv' (static std::map) grows in 'put1', 'put2' and 3 more functions and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
} // namespace

void remember(int k, std::string v) { names.emplace(k, std::move(v)); }
bool markSeen(const std::string &tok) { return seenTokens.insert(tok).second; }
void record(const std::string &e) { recentEvents.push_back(e); }
void sample(int ms) { latencies.emplace_back(ms); }
void log(const std::string &s) { history.push_front(s); }
void queueId(int id) { pendingIds.emplace_front(id); }
void visit(long n) { visited.emplace(n); }
void hit(const std::string &k) { hits.insert({k, 1}); }
void put1(const std::string &k) { kv.try_emplace(k, "x"); }
void put2(const std::string &k) { kv.insert_or_assign(k, "y"); }
void put3(const std::string &k) { kv.emplace_hint(kv.end(), k, "z"); }
void put4(const std::string &k) { kv.insert(std::make_pair(k, "w")); }
void put5(std::map<std::string, std::string> &other) { kv.merge(other); }

int counter(int key) {
  static std::map<int, int> memo;
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'memo' (static local std::map) grows in 'counter' and is never erased or size-capped; keyed by parameter 'key' [CWE-770]
  return ++memo[key];
}

// ---- negatives: something shrinks it somewhere ------------------------------

static std::map<std::string, int> erasedElsewhere;
int g1(const std::string &k) { return erasedElsewhere[k]; }
void evict(const std::string &k) { erasedElsewhere.erase(k); }

static std::vector<int> clearedOnFlush;
void add(int x) { clearedOnFlush.push_back(x); }
void flush() { clearedOnFlush.clear(); }

static std::deque<int> window;
void push(int x) {
  window.push_back(x);
  window.pop_front();
}

static std::unordered_map<std::string, int> swapped;
void note(const std::string &k) { swapped[k] = 1; }
std::unordered_map<std::string, int> takeAll() {
  std::unordered_map<std::string, int> Out;
  Out.swap(swapped);
  return Out;
}

static std::vector<int> stdSwapped;
void add2(int x) { stdSwapped.push_back(x); }
void reset2() {
  std::vector<int> Empty;
  std::swap(stdSwapped, Empty);
}

static std::map<int, int> erasedIf;
void add3(int x) { erasedIf[x] = x; }
void prune3() {
  for (auto It = erasedIf.begin(); It != erasedIf.end();)
    It = It->second < 0 ? erasedIf.erase(It) : std::next(It);
}

static std::vector<int> removeErase;
void add4(int x) { removeErase.push_back(x); }
void prune4() { removeErase.erase(std::remove(removeErase.begin(), removeErase.end(), 0), removeErase.end()); }

static std::map<int, int> reassigned;
void add5(int x) { reassigned[x] = x; }
void reset5() { reassigned = {}; }

static std::set<int> extracted;
void add6(int x) { extracted.insert(x); }
int take6() { return extracted.extract(extracted.begin()).value(); }

static std::vector<int> exchanged;
void add7(int x) { exchanged.push_back(x); }
std::vector<int> drain7() { return std::exchange(exchanged, {}); }

static std::vector<int> movedOut;
void add8(int x) { movedOut.push_back(x); }
std::vector<int> drain8() { return std::move(movedOut); }

static std::list<int> popped;
void add9(int x) { popped.push_back(x); }
int next9() { int v = popped.front(); popped.pop_front(); return v; }

// Read-only uses are not growth.
static std::map<std::string, int> readOnly = {{"a", 1}};
int look(const std::string &k) {
  auto It = readOnly.find(k);
  return It == readOnly.end() ? 0 : It->second + (int)readOnly.count(k) + (int)readOnly.size();
}

// Indexing a vector never grows it.
static std::vector<int> fixedSlots(16);
void setSlot(int i, int v) { fixedSlots[i] = v; }

// A const container cannot grow; a local one dies with its function.
static const std::vector<int> kPrimes = {2, 3, 5};
int localOnly(int n) {
  std::vector<int> v;
  for (int i = 0; i < n; ++i)
    v.push_back(i);
  return (int)v.size();
}
