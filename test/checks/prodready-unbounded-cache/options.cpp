// Options: extra container types and shrink methods, facts export, bad values.
// RUN: %check_prodready %s prodready-unbounded-cache %t
// RUN: %check_prodready -check-suffix=OPT %s prodready-unbounded-cache %t \
// RUN:   -config="{CheckOptions: {prodready-unbounded-cache.ExtraContainerTypes: '::acme::Ring=deque;::acme::Lru=map', prodready-unbounded-cache.ExtraShrinkMethods: 'evictOldest'}}"
// RUN: rm -rf %t.facts
// RUN: %check_prodready -frontends=module %s prodready-unbounded-cache %t \
// RUN:   -config="{CheckOptions: {prodready-unbounded-cache.ExportFacts: '%t.facts'}}"
// RUN: cat %t.facts/*.cache-facts.json | FileCheck -check-prefix=FACTS %s
// RUN: %check_prodready -check-suffix=CFG -expect-config-error -frontends=module %s prodready-unbounded-cache %t \
// RUN:   -config="{CheckOptions: {prodready-unbounded-cache.ExternalGlobals: 'sometimes'}}"
#include <map>
#include <string>
#include <vector>

namespace acme {
template <class T> class Ring {
public:
  void push_back(const T &);
  void pop_front();
  unsigned size() const;
};
template <class K, class V> class Lru {
public:
  V &operator[](const K &);
  void evictOldest();
};
} // namespace acme

static acme::Ring<int> s_ring;
// CHECK-MESSAGES-OPT: :[[@LINE-1]]:24: warning: 's_ring' (static acme::Ring) grows in 'r1' and is never trimmed or size-capped; filled from parameter 'x' [CWE-770]
void r1(int x) { s_ring.push_back(x); }

// evictOldest is a shrink only through ExtraShrinkMethods.
static acme::Lru<std::string, int> s_lru;
void l1(const std::string &k) { s_lru[k] = 1; }
void l2() { s_lru.evictOldest(); }

static std::map<std::string, int> s_plain;
// CHECK-MESSAGES: :[[@LINE-1]]:35: warning: 's_plain' (static std::map) grows in 'p1' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
// CHECK-MESSAGES-OPT: :[[@LINE-2]]:35: warning: 's_plain' (static std::map) grows in 'p1'
void p1(const std::string &k) { s_plain[k] = 1; }

static std::vector<int> s_trimmed;
void t1(int x) { s_trimmed.push_back(x); }
void t2() { s_trimmed.pop_back(); }

// FACTS-DAG: "prodready-cache-facts": 1
// FACTS-DAG: "name": "s_plain"
// FACTS-DAG: "storage": "global"
// FACTS-DAG: "method": "operator[]"
// FACTS-DAG: "name": "s_trimmed"
// FACTS-DAG: "method": "pop_back"
