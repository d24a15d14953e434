// Session store and recent-search list.
#include "app.h"

#include <deque>
#include <mutex>
#include <random>
#include <unordered_map>

namespace docshare {
namespace {

std::mutex g_mu;

// DEFECT (prodready-unbounded-cache): a session is added at every login and
// never removed -- no logout, no expiry, no cap.
std::unordered_map<std::string, int64_t> g_sessions;

// Correct look-alike: the recent-search list is capped.
constexpr size_t kMaxRecent = 100;
std::deque<std::string> g_recent_searches;

std::string random_token() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char kHex[] = "0123456789abcdef";
  std::string t;
  for (int i = 0; i < 32; ++i)
    t += kHex[rng() % 16];
  return t;
}

} // namespace

std::string start_session(int64_t user_id) {
  std::lock_guard<std::mutex> lock(g_mu);
  std::string token = random_token();
  g_sessions[token] = user_id;
  return token;
}

std::optional<int64_t> session_user(const std::string &token) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_sessions.find(token);
  if (it == g_sessions.end())
    return std::nullopt;
  return it->second;
}

void remember_recent_search(const std::string &query) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_recent_searches.size() >= kMaxRecent)
    g_recent_searches.pop_front();
  g_recent_searches.push_back(query);
}

} // namespace docshare
