// Cases a single file gets wrong or right only with care.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

// A helper that only appends, taking the vector by reference: the container
// escapes into the helper, so the check stays silent (a known false
// negative of the escape rule).
static void appendTo(std::vector<std::string> &v, const std::string &s) { v.push_back(s); }
static std::vector<std::string> g_viaHelper; // LABEL: leak (missed: escape)
void onRequest(const std::string &s) { appendTo(g_viaHelper, s); }

// Erased through an iterator loop in a maintenance function.
static std::map<int, long> g_expiring; // LABEL: ok
void touch(int k, long now) { g_expiring[k] = now; }
void expire(long now) {
  for (auto it = g_expiring.begin(); it != g_expiring.end();)
    it = it->second < now - 60 ? g_expiring.erase(it) : std::next(it);
}

// remove-erase idiom.
static std::vector<int> g_live; // LABEL: ok
void add(int x) { g_live.push_back(x); }
void dropDead() { g_live.erase(std::remove(g_live.begin(), g_live.end(), -1), g_live.end()); }

// Grown in a loop with a request-controlled bound.
static std::set<std::string> g_tags; // LABEL: leak
void tag(const std::vector<std::string> &tags) {
  for (const auto &t : tags)
    g_tags.insert(t);
}

// Replaced wholesale on reload (assignment from a fresh map).
static std::map<std::string, std::string> g_settings; // LABEL: ok
void set(const std::string &k, const std::string &v) { g_settings[k] = v; }
void reload() { g_settings = std::map<std::string, std::string>{}; }

// Keys from an enum: at most as many entries as enumerators.
enum class Kind { A, B, C };
static std::map<Kind, int> g_byKind; // LABEL: ok
void count(Kind k) { g_byKind[k]++; }

// Grows only while below a limit.
static std::vector<std::string> g_firstErrors; // LABEL: ok
void firstErrors(const std::string &e) {
  if (g_firstErrors.size() < 20)
    g_firstErrors.push_back(e);
}

// Size compared, but only for logging.
static std::vector<double> g_samples; // LABEL: leak
int g_warned;
void sample(double v) {
  if (g_samples.size() > 1000000) ++g_warned;
  g_samples.push_back(v);
}

// Swapped out for processing.
static std::vector<int> g_batch; // LABEL: ok
void enqueue(int x) { g_batch.push_back(x); }
std::vector<int> takeBatch() { std::vector<int> out; out.swap(g_batch); return out; }

// Member of a value type that lives per call: not long-lived.
class Parser {
public:
  void token(const std::string &t) { tokens_.push_back(t); }
private:
  std::vector<std::string> tokens_; // LABEL: ok (per-call object)
};
int parse(const std::string &s) { Parser p; p.token(s); return 0; }

// A cache class whose eviction lives in the same file.
class ThumbnailCache {
public:
  void put(const std::string &k, std::string v) {
    if (entries_.size() >= 256) entries_.erase(entries_.begin());
    entries_[k] = std::move(v);
  }
private:
  std::map<std::string, std::string> entries_; // LABEL: ok
};
static ThumbnailCache g_thumbs;

// Counts per user id, never pruned.
class QuotaService {
public:
  int used(const std::string &user) { return ++usage_[user]; }
private:
  std::map<std::string, int> usage_; // LABEL: leak
};
static QuotaService g_quota;
