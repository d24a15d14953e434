// Typedefs, alias templates, smart-pointer wrappers, class templates.
// RUN: %check_prodready %s prodready-unbounded-cache %t
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

typedef std::map<std::string, int> NameTable;
using IdList = std::vector<long>;
template <class V> using StrMap = std::unordered_map<std::string, V>;

static NameTable s_names;
// CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 's_names' (static std::map) grows in 'addName' and is never erased or size-capped; keyed by parameter 'n' [CWE-770]
void addName(const std::string &n) { s_names[n] = 1; }

static IdList s_ids;
// CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 's_ids' (static std::vector) grows in 'addId' and is never trimmed or size-capped; filled from parameter 'id' [CWE-770]
void addId(long id) { s_ids.push_back(id); }

static StrMap<double> s_prices;
// CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 's_prices' (static std::unordered_map) grows in 'price' and is never erased or size-capped; keyed by parameter 'sku' [CWE-770]
void price(const std::string &sku, double p) { s_prices.emplace(sku, p); }

// Through std::shared_ptr / std::unique_ptr.
static auto s_shared = std::make_shared<std::map<int, int>>();
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 's_shared' (static std::map) grows in 'share' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
void share(int k) { (*s_shared)[k] = k; }

class EventHandler {
public:
  void on(const std::string &e) { log_->push_back(e); }
private:
  std::unique_ptr<std::vector<std::string>> log_ = std::make_unique<std::vector<std::string>>();
  // CHECK-MESSAGES: :[[@LINE-1]]:45: warning: 'log_' (std::vector member of 'EventHandler') grows in 'EventHandler::on' and is never trimmed or size-capped; filled from parameter 'e' [CWE-770]
};

// A class template, instantiated twice: reported once, at the template.
template <class K> class LookupCache {
public:
  void put(const K &k, int v) { m_[k] = v; }
private:
  std::map<K, int> m_;
  // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'm_' (std::map member of 'LookupCache') grows in 'LookupCache::put' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
};
static LookupCache<std::string> gByName;
static LookupCache<long> gById;
void use() { gByName.put("a", 1); gById.put(2, 3); }

// A function template with a static local.
template <class T> void remember(const T &x) {
  static std::vector<T> seen;
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 'seen' (static local std::vector) grows in 'remember' and is never trimmed or size-capped; filled from parameter 'x' [CWE-770]
  seen.push_back(x);
}
void use2() { remember(1); remember(std::string("x")); }

// ---- negatives ----------------------------------------------------------------

// A template that evicts.
template <class K> class BoundedCache {
public:
  void put(const K &k) {
    if (m_.size() >= 100)
      m_.erase(m_.begin());
    m_[k] = 1;
  }
private:
  std::map<K, int> m_;
};
static BoundedCache<int> gBounded;
void use3() { gBounded.put(1); }

// A reference member does not own the container.
class View {
public:
  explicit View(std::vector<int> &v) : v_(v) {}
  void add(int x) { v_.push_back(x); }
private:
  std::vector<int> &v_;
};
