// Memoisation helpers of a pricing library.
#include <cmath>
#include <cstdint>
#include <iostream>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

namespace {
std::unordered_map<std::uint64_t, double> g_fibMemo; // LABEL: leak
std::map<std::pair<int, int>, double> g_rateTable; // LABEL: ok (init only)
std::unordered_map<std::string, double> g_fxCache; // LABEL: ok (capped)
constexpr std::size_t kMaxFx = 512;
} // namespace

double fib(std::uint64_t n) {
  if (n < 2) return (double)n;
  auto it = g_fibMemo.find(n);
  if (it != g_fibMemo.end()) return it->second;
  double v = fib(n - 1) + fib(n - 2);
  g_fibMemo[n] = v;
  return v;
}

void initRates() {
  for (int a = 0; a < 10; ++a)
    for (int b = 0; b < 10; ++b)
      g_rateTable[{a, b}] = std::pow(1.01, a * b);
}

double fx(const std::string &pair) {
  auto it = g_fxCache.find(pair);
  if (it != g_fxCache.end()) return it->second;
  double v = 1.0;
  if (g_fxCache.size() >= kMaxFx)
    return v;
  g_fxCache.emplace(pair, v);
  return v;
}

double score(const std::string &sym) {
  static std::map<std::string, double> memo; // LABEL: leak
  auto [it, inserted] = memo.try_emplace(sym, 0.0);
  if (inserted) it->second = (double)sym.size();
  return it->second;
}

double level(int severity) {
  static std::map<int, double> byLevel; // LABEL: ok (constant keys)
  if (byLevel.empty()) {
    byLevel[0] = 0.1;
    byLevel[1] = 0.5;
    byLevel[2] = 0.9;
  }
  auto it = byLevel.find(severity);
  return it == byLevel.end() ? 0.0 : it->second;
}

int main() {
  initRates();
  std::string sym;
  double total = 0;
  while (std::cin >> sym)
    total += fib(sym.size()) + fx(sym) + score(sym) + level((int)sym.size());
  return (int)total;
}
