// Growth keyed or filled by request data, and growth reached from handlers.
// RUN: %check_prodready %s prodready-unbounded-cache %t
#include <httplib.h>

#include <map>
#include <set>
#include <string>
#include <vector>

static std::map<std::string, std::string> s_userCache;
// CHECK-MESSAGES: :[[@LINE-1]]:43: warning: 's_userCache' (static std::map) grows in 'lambda for GET /user' and is never erased or size-capped; grows by one entry per distinct client-supplied query parameter 'user_id' [CWE-770]

static std::set<std::string> s_seenAgents;
// CHECK-MESSAGES: :[[@LINE-1]]:30: warning: 's_seenAgents' (static std::set) grows in 'handleAgent' and is never erased or size-capped; grows by one entry per distinct client-supplied header 'User-Agent' [CWE-770]

static std::vector<std::string> s_bodies;
// CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 's_bodies' (static std::vector) grows in 'archive' and is never trimmed or size-capped; reached from request handler 'handleUpload', filled from parameter 'body' [CWE-770]

static std::map<std::string, int> s_hitsByPath;
// CHECK-MESSAGES: :[[@LINE-1]]:35: warning: 's_hitsByPath' (static std::map) grows in 'lambda for GET /count' and is never erased or size-capped; grows by one entry per distinct client-supplied request path [CWE-770]

void handleAgent(const httplib::Request &req, httplib::Response &res) {
  s_seenAgents.insert(req.get_header_value("User-Agent"));
  res.set_content("ok", "text/plain");
}

void archive(const std::string &body) { s_bodies.push_back(body); }
void handleUpload(const httplib::Request &req, httplib::Response &res) {
  archive(req.body);
  res.status = 201;
}

// ---- negatives ----------------------------------------------------------------------

// Keyed by request data but bounded by a cap.
static std::map<std::string, int> s_capped;
void handleCapped(const httplib::Request &req, httplib::Response &) {
  if (s_capped.size() >= 10000)
    return;
  s_capped[req.get_param_value("q")]++;
}

// A handler that counts by a constant key.
static std::map<std::string, long> s_metrics;
void handleMetrics(const httplib::Request &, httplib::Response &) { s_metrics["requests"]++; }

// An init-named function reached from a handler is not one-time.
static std::vector<std::string> s_warm;
// CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 's_warm' (static std::vector) grows in 'initEntry' and is never trimmed or size-capped; reached from request handler 'handleWarm', filled from parameter 'k' [CWE-770]
void initEntry(const std::string &k) { s_warm.push_back(k); }
void handleWarm(const httplib::Request &req, httplib::Response &) { initEntry(req.path); }

int main() {
  httplib::Server svr;
  svr.Get("/user", [](const httplib::Request &req, httplib::Response &res) {
    auto id = req.get_param_value("user_id");
    auto &v = s_userCache[id];
    res.set_content(v, "text/plain");
  });
  svr.Get("/count", [&](const httplib::Request &req, httplib::Response &) { s_hitsByPath[req.path] += 1; });
  svr.Get("/agent", handleAgent);
  svr.Post("/upload", handleUpload);
  svr.Get("/capped", handleCapped);
  svr.Get("/metrics", handleMetrics);
  svr.Get("/warm", handleWarm);
  svr.listen("0.0.0.0", 8080);
}
