// The cap fix-it (a note, applied with --fix-notes) and that the result compiles.
// RUN: %check_prodready -fix-notes %s prodready-unbounded-cache %t \
// RUN:   -config="{CheckOptions: {prodready-unbounded-cache.MaxEntries: 'kMaxEntries'}}"
// RUN: %clangxx -std=c++17 -fsyntax-only %t.cpp
#include <cstddef>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

constexpr std::size_t kMaxEntries = 4096;

static std::map<std::string, int> s_cache;
// CHECK-MESSAGES: :[[@LINE-1]]:35: warning: 's_cache' (static std::map) grows in 'get' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
int get(const std::string &k) {
  int &v = s_cache[k];
  // CHECK-FIXES: {{^}}  if (s_cache.size() >= kMaxEntries) s_cache.erase(s_cache.begin());{{$}}
  // CHECK-FIXES-NEXT: {{^}}  int &v = s_cache[k];{{$}}
  return v;
}

static std::deque<std::string> s_events;
// CHECK-MESSAGES: :[[@LINE-1]]:32: warning: 's_events' (static std::deque) grows in 'event' and 'event2' and is never trimmed or size-capped; filled from parameter 'e' [CWE-770]
void event(const std::string &e) {
    s_events.push_back(e);
    // CHECK-FIXES: {{^}}    if (s_events.size() >= kMaxEntries) s_events.pop_front();{{$}}
    // CHECK-FIXES-NEXT: {{^}}    s_events.push_back(e);{{$}}
}
void event2(const std::string &e) { if (!e.empty()) { s_events.emplace_front(e); } }
// CHECK-FIXES: {{^}}void event2(const std::string &e) { if (!e.empty()) { if (s_events.size() >= kMaxEntries) s_events.pop_front(); s_events.emplace_front(e); } }{{$}}

class Service {
public:
  void add(int x) {
    items_->push_back(x);
    // CHECK-FIXES: {{^}}    if (items_->size() >= kMaxEntries) items_->erase(items_->begin());{{$}}
  }
private:
  std::shared_ptr<std::vector<int>> items_ = std::make_shared<std::vector<int>>();
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'items_' (std::vector member of 'Service') grows in 'Service::add' and is never trimmed or size-capped; filled from parameter 'x' [CWE-770]
};

static std::list<int> s_list;
// CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 's_list' (static std::list) grows in 'l1' and is never trimmed or size-capped; filled from parameter 'x' [CWE-770]
int l1(int x) { return s_list.push_back(x), (int)s_list.size(); }
// CHECK-FIXES: {{^}}int l1(int x) { if (s_list.size() >= kMaxEntries) s_list.pop_front(); return s_list.push_back(x), (int)s_list.size(); }{{$}}

// No fix inside a macro, nor when the growth is the body of an unbraced loop.
#define REMEMBER(x) s_macro.insert(x)
static std::set<int> s_macro;
// CHECK-MESSAGES: :[[@LINE-1]]:22: warning: 's_macro' (static std::set) grows in 'm1' and is never erased or size-capped; keyed by parameter 'x' [CWE-770]
void m1(int x) { REMEMBER(x); }
// CHECK-FIXES: {{^}}void m1(int x) { REMEMBER(x); }{{$}}

static std::vector<int> s_loop;
// CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 's_loop' (static std::vector) grows in 'fill' and is never trimmed or size-capped; filled from parameter 'n' [CWE-770]
void fill(int n) {
  for (int i = 0; i < n; ++i)
    s_loop.push_back(n);
  // CHECK-FIXES: {{^}}    s_loop.push_back(n);{{$}}
}
