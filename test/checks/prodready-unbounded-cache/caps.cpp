// Size caps guarding the growth are recognised; look-alikes are not.
// RUN: %check_prodready %s prodready-unbounded-cache %t
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

constexpr std::size_t kMax = 1000;

// ---- negatives: capped ----------------------------------------------------------

static std::map<std::string, int> s_earlyReturn;
void put1(const std::string &k) {
  if (s_earlyReturn.size() >= kMax)
    return;
  s_earlyReturn[k] = 1;
}

static std::set<std::string> s_guarded;
void put2(const std::string &k) {
  if (s_guarded.size() < kMax)
    s_guarded.insert(k);
}

static std::vector<int> s_elseBranch;
void put3(int x) {
  if (kMax <= s_elseBranch.size()) {
    throw 1;
  } else {
    s_elseBranch.push_back(x);
  }
}

static std::map<int, int> s_andChain;
bool put4(int k) { return s_andChain.size() < kMax && s_andChain.emplace(k, k).second; }

static std::vector<int> s_throwCap;
void put5(int x) {
  if (s_throwCap.size() > kMax) { throw 42; }
  s_throwCap.push_back(x);
}

static std::map<int, int> s_loopCap;
void put6(int x) {
  for (int i = 0; i < x; ++i) {
    if (s_loopCap.size() == kMax)
      break;
    s_loopCap[i] = i;
  }
}

// Full -> evict, then insert (the erase makes it silent on its own too).
static std::map<int, int> s_evict;
void put7(int k) {
  if (s_evict.size() >= kMax)
    s_evict.erase(s_evict.begin());
  s_evict[k] = k;
}

// ---- positives: not a cap ---------------------------------------------------------

// Comparing size without leaving: the growth still happens.
static std::vector<int> s_logOnly;
// CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 's_logOnly' (static std::vector) grows in 'put8' and is never trimmed or size-capped; filled from parameter 'x' [CWE-770]
int warnings;
void put8(int x) {
  if (s_logOnly.size() > kMax)
    ++warnings;
  s_logOnly.push_back(x);
}

// The size of ANOTHER container is no cap for this one.
static std::vector<int> s_other;
static std::vector<int> s_notMine;
// CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 's_notMine' (static std::vector) grows in 'put9' and is never trimmed or size-capped; filled from parameter 'x' [CWE-770]
void put9(int x) {
  if (s_other.size() >= kMax)
    return;
  s_notMine.push_back(x);
}
void trimOther() { s_other.clear(); }

// The guard goes the wrong way: grows only when already big.
static std::set<int> s_wrongWay;
// CHECK-MESSAGES: :[[@LINE-1]]:22: warning: 's_wrongWay' (static std::set) grows in 'put10' and is never erased or size-capped; keyed by parameter 'x' [CWE-770]
void put10(int x) {
  if (s_wrongWay.size() > kMax)
    s_wrongWay.insert(x);
}

// A cap after the growth does not guard it.
static std::vector<int> s_capAfter;
// CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 's_capAfter' (static std::vector) grows in 'put11' and is never trimmed or size-capped; filled from parameter 'x' [CWE-770]
void put11(int x) {
  s_capAfter.push_back(x);
  if (s_capAfter.size() >= kMax)
    return;
}

// A cap before a declaration that grows the map in its initialiser.
static std::map<std::string, int> s_declCapped;
int put12(const std::string &k) {
  if (s_declCapped.size() >= kMax)
    return 0;
  int &slot = s_declCapped[k];
  return ++slot;
}
