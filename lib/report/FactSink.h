//===- FactSink.h - per-TU facts handed from checks to the sweep -*- C++ -*-===//
//
// Some questions cannot be answered from one translation unit (is this
// container erased in another file?). A check that can say what it saw
// publishes it here as JSON under a kind name at the end of each TU; the
// sweep enables the sink in its workers, collects the facts with each TU's
// results (and caches them), and combines them across all TUs. Outside the
// sweep (clang-tidy, the plugin) the sink is disabled and publishing costs
// nothing.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_REPORT_FACTSINK_H
#define PRODREADY_LIB_REPORT_FACTSINK_H

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace prodready::report {

bool factsEnabled();
void enableFacts(bool On);
/// Records \p Facts under \p Kind (no-op unless enabled).
void publishFacts(const std::string &Kind, nlohmann::json Facts);
/// Returns and clears what was published since the last drain.
std::vector<std::pair<std::string, nlohmann::json>> drainFacts();

} // namespace prodready::report

#endif
