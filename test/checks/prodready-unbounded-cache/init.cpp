// One-time initialisation and bounded keys are not unbounded growth.
// RUN: %check_prodready %s prodready-unbounded-cache %t
#include <map>
#include <mutex>
#include <string>
#include <vector>

// ---- negatives --------------------------------------------------------------

// Filled by an init function (name from the model's init-function-hints).
static std::map<std::string, int> s_config;
void initConfig() { s_config["port"] = 8080; s_config[std::to_string(1)] = 2; }

// Filled by a function that only main calls.
static std::vector<std::string> s_plugins;
void loadPlugin(const std::string &p) { s_plugins.push_back(p); }
void loadAll() { loadPlugin("a"); loadPlugin("b"); }

// Filled under std::call_once.
static std::map<int, std::string> s_codes;
static std::once_flag s_codesOnce;
const std::string &codeName(int c) {
  std::call_once(s_codesOnce, [] {
    for (int i = 0; i < 600; ++i)
      s_codes.emplace(i, std::to_string(i));
  });
  return s_codes.at(c);
}

// Filled by a static initialiser.
static std::vector<int> s_table;
static bool s_tableReady = [] {
  for (int i = 0; i < 10; ++i)
    s_table.push_back(i * i);
  return true;
}();

// A registrar object constructed only at static-initialisation time.
static std::vector<std::string> s_handlers;
struct Registrar {
  explicit Registrar(const char *n) { s_handlers.push_back(n); }
};
static Registrar r1("one"), r2("two");

// Constant keys: the map cannot hold more than the literals.
static std::map<std::string, long> s_counters;
void countRequest() { s_counters["requests"]++; }
void countError() { s_counters["errors"] += 1; }

// Small-domain keys: an enum, a bool, a char.
enum class Status { Ok, NotFound, Error };
static std::map<Status, long> s_byStatus;
void countStatus(Status st) { ++s_byStatus[st]; }
static std::map<bool, int> s_byFlag;
void flag(bool b) { s_byFlag[b]++; }
static std::map<char, int> s_byLetter;
void letter(char c) { s_byLetter[c]++; }

// A loop over a constant array.
static constexpr const char *kMethods[] = {"GET", "POST", "PUT"};
static std::map<std::string, int> s_methodIndex;
void indexMethods(int base) {
  for (const char *m : kMethods)
    s_methodIndex[m] = base++;
}

// ---- positives ----------------------------------------------------------------

// Called from main AND from a request path: not one-time.
static std::vector<std::string> s_lines;
// CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 's_lines' (static std::vector) grows in 'appendLine' and is never trimmed or size-capped; filled from parameter 'l' [CWE-770]
void appendLine(const std::string &l) { s_lines.push_back(l); }
void onMessage(const std::string &m) { appendLine(m); }

// An init function clears, but a normal function grows afterwards.
static std::map<std::string, int> s_prefs;
// CHECK-MESSAGES: :[[@LINE-1]]:35: warning: 's_prefs' (static std::map) grows in 'setPref' and is never erased or size-capped; keyed by parameter 'k' [CWE-770]
void initPrefs() { s_prefs.clear(); }
void setPref(const std::string &k, int v) { s_prefs[k] = v; }

// A function whose address escapes may be called from anywhere.
static std::vector<int> s_ticks;
// CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 's_ticks' (static std::vector) grows in 'tick' and is never trimmed or size-capped; filled from parameter 't' [CWE-770]
void tick(int t) { s_ticks.push_back(t); }
void (*onTick)(int) = &tick;

int main() {
  initConfig();
  loadAll();
  initPrefs();
  appendLine("start");
  indexMethods(0);
  return 0;
}
