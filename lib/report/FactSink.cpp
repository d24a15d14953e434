//===- FactSink.cpp -------------------------------------------------------===//
#include "lib/report/FactSink.h"

#include <atomic>
#include <mutex>

namespace prodready::report {
namespace {
std::atomic<bool> Enabled{false};
std::mutex Mu;
std::vector<std::pair<std::string, nlohmann::json>> &store() {
  static std::vector<std::pair<std::string, nlohmann::json>> S;
  return S;
}
} // namespace

bool factsEnabled() { return Enabled.load(std::memory_order_relaxed); }
void enableFacts(bool On) { Enabled.store(On); }

void publishFacts(const std::string &Kind, nlohmann::json Facts) {
  if (!factsEnabled())
    return;
  std::lock_guard<std::mutex> L(Mu);
  store().emplace_back(Kind, std::move(Facts));
}

std::vector<std::pair<std::string, nlohmann::json>> drainFacts() {
  std::lock_guard<std::mutex> L(Mu);
  std::vector<std::pair<std::string, nlohmann::json>> Out;
  Out.swap(store());
  return Out;
}

} // namespace prodready::report
