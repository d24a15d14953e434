// A job server: queues that are drained, histories that are not.
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

struct Job { int id; std::string payload; };

class JobServer {
public:
  void submit(Job j) {
    std::lock_guard<std::mutex> g(mu_);
    pending_.push_back(j);
    byId_[j.id] = j.payload;
    submittedIds_.insert(j.id);
  }
  bool next(Job &out) {
    std::lock_guard<std::mutex> g(mu_);
    if (pending_.empty()) return false;
    out = pending_.front();
    pending_.pop_front();
    byId_.erase(out.id);
    completed_.push_back(out.id);
    return true;
  }
private:
  std::mutex mu_;
  std::deque<Job> pending_;                    // LABEL: ok (drained)
  std::unordered_map<int, std::string> byId_;  // LABEL: ok (erased)
  std::unordered_set<int> submittedIds_;       // LABEL: leak
  std::vector<int> completed_;                 // LABEL: leak
};

class RecentErrors {
public:
  void add(const std::string &e) {
    errors_.push_back(e);
    if (errors_.size() > 50) errors_.pop_front();
  }
private:
  std::list<std::string> errors_; // LABEL: ok (ring)
};

class Metrics {
public:
  void observe(const std::string &route, double ms) {
    latency_[route].push_back(ms);
  }
  void reset() { latency_.clear(); }
private:
  std::map<std::string, std::vector<double>> latency_; // LABEL: ok (reset)
};

struct PriorityDispatcher {
  std::priority_queue<int> q; // public, LABEL: ok (popped)
  void push(int x) { q.push(x); }
  int pop() { int v = q.top(); q.pop(); return v; }
};

static JobServer g_server;
static RecentErrors g_errors;
static Metrics g_metrics;
static PriorityDispatcher g_dispatch;

int main(int argc, char **) {
  for (int i = 0; i < argc * 1000; ++i)
    g_server.submit({i, "x"});
  Job j;
  while (g_server.next(j)) {
    g_errors.add(j.payload);
    g_metrics.observe("/jobs", 1.0);
    g_dispatch.push(j.id);
  }
  g_metrics.reset();
  return g_dispatch.pop();
}
