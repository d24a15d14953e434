// Held-out cases: written after the check's rules were frozen (the check was
// not tuned on this file). Labels are the truth for a long-running service.
#include <algorithm>
#include <functional>
#include <iostream>
#include <list>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

class PriceEndpoint {
public:
  void onQuote(const std::string &sym, double px) { quotes_.push_back({sym, px}); }
private:
  std::vector<std::pair<std::string, double>> quotes_; // LABEL: leak
};
static PriceEndpoint g_prices;

class ObjectPool {
public:
  ~ObjectPool() { all_.clear(); }
  int *make() { all_.push_back(std::make_unique<int>(0)); return all_.back().get(); }
private:
  std::vector<std::unique_ptr<int>> all_; // LABEL: leak (only the destructor clears)
};
static ObjectPool g_pool;

class LruCache {
public:
  void put(const std::string &k, int v) {
    auto it = index_.find(k);
    if (it != index_.end()) order_.erase(it->second);
    order_.push_front({k, v});
    index_[k] = order_.begin();
    if (order_.size() > 128) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }
private:
  std::list<std::pair<std::string, int>> order_;                                  // LABEL: ok
  std::unordered_map<std::string, std::list<std::pair<std::string, int>>::iterator> index_; // LABEL: ok
};
static LruCache g_lru;

class Crawler {
public:
  void crawl(const std::string &start) {
    frontier_.push(start);
    while (!frontier_.empty()) {
      auto u = frontier_.front();
      frontier_.pop();
      if (!visited_.insert(u).second) continue;
      frontier_.push(u + "/next");
    }
  }
private:
  std::queue<std::string> frontier_; // LABEL: ok (drained)
  std::set<std::string> visited_;    // LABEL: leak
};
static Crawler g_crawler;

class TimerService {
public:
  void record(int id) { live_[id] = 1; }
  void onTimer() { live_.clear(); }
private:
  std::map<int, int> live_; // LABEL: ok
};
static TimerService g_timers;

static std::map<std::thread::id, int> g_perThread;  // LABEL: ok (bounded by threads)
void perThread() { g_perThread[std::this_thread::get_id()]++; }

static std::map<int, long> g_byStatus;  // LABEL: ok (HTTP status codes: a few dozen)
void status(int code) { g_byStatus[code]++; }

static std::vector<std::string> g_breadcrumbs; // LABEL: leak
void trail(const std::string &page) {
  for (int i = 0; i < 3; ++i)
    g_breadcrumbs.push_back(page + std::to_string(i));
}

struct Conn { int fd; bool closed; };
static std::vector<std::unique_ptr<Conn>> g_conns; // LABEL: ok
void accept(int fd) { g_conns.push_back(std::make_unique<Conn>(Conn{fd, false})); }
void reap() {
  g_conns.erase(std::remove_if(g_conns.begin(), g_conns.end(), [](auto &c) { return c->closed; }),
                g_conns.end());
}

static std::unordered_map<std::string, std::function<void()>> g_listeners; // LABEL: leak
void subscribe(const std::string &topic, std::function<void()> f) { g_listeners[topic] = std::move(f); }

int main() {
  std::string line;
  int n = 0;
  while (std::getline(std::cin, line)) {
    g_prices.onQuote(line, 1.0);
    g_pool.make();
    g_lru.put(line, n);
    g_crawler.crawl(line);
    g_timers.record(n);
    if (n % 100 == 0) { g_timers.onTimer(); reap(); }
    perThread();
    status(200);
    trail(line);
    accept(n);
    subscribe(line, [] {});
    ++n;
  }
}
