// Plugin/route registries filled at start-up, and their per-request cousins.
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

using Handler = std::function<int(const std::string &)>;

static std::map<std::string, Handler> &routes() {
  static std::map<std::string, Handler> table; // LABEL: ok (registration at start-up only)
  return table;
}

struct RouteRegistrar {
  RouteRegistrar(const char *path, Handler h) { routes().emplace(path, std::move(h)); }
};
static RouteRegistrar r1("/health", [](const std::string &) { return 200; });
static RouteRegistrar r2("/ready", [](const std::string &) { return 200; });

class PluginManager {
public:
  static PluginManager &get() { static PluginManager m; return m; }
  void load(const std::string &name) { plugins_.push_back(name); }
  void onEvent(const std::string &e) { events_.push_back(e); }
  std::size_t count() const { return plugins_.size() + events_.size(); }
private:
  std::vector<std::string> plugins_; // LABEL: ok (loaded at start)
  std::vector<std::string> events_;  // LABEL: leak
};

static std::set<std::string> g_knownHosts; // LABEL: ok (call_once)
static std::once_flag g_hostsOnce;
bool knownHost(const std::string &h) {
  std::call_once(g_hostsOnce, [] {
    for (const char *x : {"a.example", "b.example"})
      g_knownHosts.insert(x);
  });
  return g_knownHosts.count(h) != 0;
}

static std::map<std::string, std::shared_ptr<int>> g_connections; // LABEL: leak
std::shared_ptr<int> connect(const std::string &dsn) {
  auto &c = g_connections[dsn];
  if (!c) c = std::make_shared<int>(1);
  return c;
}

static std::vector<std::string> g_auditTrail; // LABEL: ok (flushed)
void audit(const std::string &line) {
  g_auditTrail.push_back(line);
  if (g_auditTrail.size() > 100) {
    // pretend to write them out
    g_auditTrail.clear();
  }
}

int dispatch(const std::string &path, const std::string &body) {
  PluginManager::get().onEvent(path);
  audit(path);
  auto it = routes().find(path);
  return it == routes().end() ? 404 : it->second(body);
}

int main() {
  PluginManager::get().load("auth");
  PluginManager::get().load("metrics");
  std::string line;
  int rc = 0;
  while (std::getline(std::cin, line))
    rc += dispatch(line, "") + (knownHost(line) ? 1 : 0) + (connect(line) ? 1 : 0);
  return rc;
}
