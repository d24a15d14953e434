// A session service in the style of a cpp-httplib backend.
#include <httplib.h>

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

struct Session {
  std::string user;
  std::chrono::steady_clock::time_point expires_at;
};

class SessionStore {
public:
  void put(const std::string &token, Session s) {
    std::lock_guard<std::mutex> g(mu_);
    sessions_[token] = std::move(s);
  }
  bool valid(const std::string &token) {
    std::lock_guard<std::mutex> g(mu_);
    auto it = sessions_.find(token);
    return it != sessions_.end() && it->second.expires_at > std::chrono::steady_clock::now();
  }
private:
  std::mutex mu_;
  std::unordered_map<std::string, Session> sessions_; // LABEL: leak (expiry checked, never erased)
};

class RateLimiter {
public:
  bool allow(const std::string &ip) {
    auto now = std::chrono::steady_clock::now();
    auto &q = hits_[ip];
    while (!q.empty() && now - q.front() > std::chrono::seconds(60))
      q.pop_front();
    q.push_back(now);
    return q.size() < 100;
  }
  void sweep() {
    for (auto it = hits_.begin(); it != hits_.end();)
      it = it->second.empty() ? hits_.erase(it) : std::next(it);
  }
private:
  std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> hits_; // LABEL: ok (swept)
};

static SessionStore g_sessions;
static RateLimiter g_limiter;
static std::vector<std::string> g_accessLog; // LABEL: leak
static std::map<std::string, int> g_loginFailures; // LABEL: ok (reset on success)

int main() {
  httplib::Server svr;
  svr.Post("/login", [](const httplib::Request &req, httplib::Response &res) {
    auto user = req.get_param_value("user");
    if (!g_limiter.allow(req.remote_addr)) { res.status = 429; return; }
    if (req.get_param_value("password") != "x") {
      g_loginFailures[user]++;
      res.status = 401;
      return;
    }
    g_loginFailures.erase(user);
    g_sessions.put(req.get_param_value("token"), Session{user, std::chrono::steady_clock::now()});
  });
  svr.Get("/me", [](const httplib::Request &req, httplib::Response &res) {
    g_accessLog.push_back(req.path + " " + req.remote_addr);
    res.status = g_sessions.valid(req.get_header_value("X-Token")) ? 200 : 401;
  });
  svr.listen("0.0.0.0", 8080);
}
