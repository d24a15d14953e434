// Boost (real headers), Abseil, TBB, folly, Qt and Drogon (stand-ins with the
// real names, Inputs/fake_thirdparty.h).
// RUN: %check_prodready %s prodready-unbounded-cache %t
#include <boost/unordered_map.hpp>
#include <boost/unordered_set.hpp>
#include <string>
#include "Inputs/fake_thirdparty.h"

static boost::unordered_map<std::string, int> s_boost;
// CHECK-MESSAGES: :[[@LINE-1]]:47: warning: 's_boost' (static boost::unordered::unordered_map) grows in 'b1' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
void b1(const std::string &k) { s_boost[k] = 1; }

static boost::unordered_set<int> s_boostSet;
void b2(int k) { s_boostSet.insert(k); }
void b3(int k) { s_boostSet.erase(k); }

static absl::flat_hash_map<std::string, int> s_absl;
// CHECK-MESSAGES: :[[@LINE-1]]:46: warning: 's_absl' (static absl::flat_hash_map) grows in 'a1' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
void a1(const std::string &k) { s_absl.try_emplace(k, 1); }

static absl::node_hash_set<long> s_abslSet;
void a2(long k) {
  if (s_abslSet.size() < 500)
    s_abslSet.insert(k);
}

static tbb::concurrent_hash_map<std::string, int> s_tbb;
// CHECK-MESSAGES: :[[@LINE-1]]:51: warning: 's_tbb' (static tbb::concurrent_hash_map) grows in 't1' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
void t1(tbb::concurrent_hash_map<std::string, int>::accessor &a, const std::string &k) { s_tbb.insert(a, k); }

static tbb::concurrent_unordered_map<int, int> s_tbbU;
void t2(int k) { s_tbbU.insert({k, k}); }
void t3(int k) { s_tbbU.unsafe_erase(k); }

static tbb::concurrent_vector<int> s_tbbV;
// CHECK-MESSAGES: :[[@LINE-1]]:36: warning: 's_tbbV' (static tbb::concurrent_vector) grows in 't4' and is never trimmed or size-capped; filled from parameter 'x' [CWE-770]
void t4(int x) { s_tbbV.push_back(x); }

static folly::F14FastMap<long, int> s_f14;
// CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 's_f14' (static folly::F14FastMap) grows in 'f1' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
void f1(long k) { s_f14[k]++; }

// EvictingCacheMap: bounded by its maxSize, except 0 (unlimited).
static folly::EvictingCacheMap<std::string, int> s_evictUnbounded(0);
// CHECK-MESSAGES: :[[@LINE-1]]:50: warning: 's_evictUnbounded' (static folly::EvictingCacheMap) grows in 'f2' and is never erased or size-capped; keyed by parameter 'k' (constructed with maxSize 0, which means unlimited) [CWE-770]
void f2(const std::string &k) { s_evictUnbounded.set(k, 1); }
static folly::EvictingCacheMap<std::string, int> s_evictBounded(1000);
void f3(const std::string &k) { s_evictBounded.set(k, 1); }

static QHash<QList<int> *, int> s_qhashPtrKeys;
// CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 's_qhashPtrKeys' (static QHash) grows in 'q1' and is never erased or size-capped; keyed by parameter 'p' [CWE-770]
void q1(QList<int> *p) { s_qhashPtrKeys.insert(p, 1); }

static QList<int> s_qlist;
// CHECK-MESSAGES: :[[@LINE-1]]:19: warning: 's_qlist' (static QList) grows in 'q2' and is never trimmed or size-capped; filled from parameter 'x' [CWE-770]
void q2(int x) { s_qlist << x; }

static QHash<int, int> s_qhashRemoved;
void q3(int k) { s_qhashRemoved[k] = 1; }
void q4(int k) { s_qhashRemoved.remove(k); }

// Drogon CacheMap: entries inserted without a timeout never expire.
static drogon::CacheMap<std::string, int> s_drogon;
// CHECK-MESSAGES: :[[@LINE-1]]:43: warning: 's_drogon' (static drogon::CacheMap) grows in 'd1' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
void d1(const std::string &k) { s_drogon.insert(k, 1); }
static drogon::CacheMap<std::string, int> s_drogonTimed;
void d2(const std::string &k) { s_drogonTimed.insert(k, 1, 600); }
