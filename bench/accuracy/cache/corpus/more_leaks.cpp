// More shapes of per-request growth, Pistache- and Beast-style services
// reduced to plain C++ so that the corpus compiles anywhere.
#include <cstdint>
#include <deque>
#include <forward_list>
#include <iostream>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

struct Request { std::string path, user, body, ip; };

class OrderController {
public:
  void handle(const Request &r) {
    ordersByUser_[r.user].push_back(r.body);  // per user, never trimmed
    lastSeen_[r.ip] = r.path;
  }
  void forget(const std::string &ip) { lastSeen_.erase(ip); }
private:
  std::map<std::string, std::vector<std::string>> ordersByUser_; // LABEL: leak
  std::unordered_map<std::string, std::string> lastSeen_;         // LABEL: ok
};

class UploadHandler {
public:
  void handle(const Request &r) { chunks_.emplace_back(r.body); }
private:
  std::list<std::string> chunks_; // LABEL: leak
};

class TokenBlacklist {
public:
  void revoke(const std::string &jti) { revoked_.insert(jti); }
  bool revoked(const std::string &jti) const { return revoked_.count(jti) != 0; }
private:
  std::unordered_set<std::string> revoked_; // LABEL: leak (no expiry)
};

namespace {
std::deque<std::string> g_debugTrace;              // LABEL: leak
std::forward_list<std::uint64_t> g_requestIds;     // LABEL: leak
std::multimap<std::string, std::string> g_tagsByIp; // LABEL: leak
std::set<std::string> g_bannedIps;                 // LABEL: ok (loaded once)
auto g_userAgents = std::make_shared<std::set<std::string>>(); // LABEL: leak
} // namespace

void loadBans() {
  for (const char *ip : {"10.0.0.1", "10.0.0.2"})
    g_bannedIps.insert(ip);
}

static OrderController g_orders;
static UploadHandler g_uploads;
static TokenBlacklist g_blacklist;

void route(const Request &r, std::uint64_t id) {
  if (g_bannedIps.count(r.ip)) return;
  g_debugTrace.push_back(r.path);
  g_requestIds.push_front(id);
  g_tagsByIp.emplace(r.ip, r.path);
  g_userAgents->insert(r.user);
  if (r.path == "/orders") g_orders.handle(r);
  else if (r.path == "/upload") g_uploads.handle(r);
  else if (r.path == "/logout") g_blacklist.revoke(r.body);
}

int main() {
  loadBans();
  Request r;
  std::uint64_t id = 0;
  while (std::cin >> r.path >> r.user >> r.ip) {
    route(r, ++id);
    if (g_blacklist.revoked(r.user)) g_orders.forget(r.ip);
  }
}
