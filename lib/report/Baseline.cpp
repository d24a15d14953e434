//===- Baseline.cpp - accepted findings, by fingerprint -------------------===//
#include "lib/report/Baseline.h"
#include "lib/report/AtomicFile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace prodready::report {

std::string writeBaseline(const std::string &Path, const std::vector<Finding> &Findings,
                          const std::string &Root) {
  nlohmann::json Entries = nlohmann::json::array();
  for (const Finding &F : Findings)
    Entries.push_back({{"fingerprint", F.Fingerprint},
                       {"check", F.Check},
                       {"file", relativePath(F.Loc.File, Root)},
                       {"message", F.Message}});
  nlohmann::json Doc = {{"schema_version", BaselineSchemaVersion},
                        {"tool", "prodready"},
                        {"findings", Entries}};
  return writeFileAtomically(Path, Doc.dump(2) + "\n");
}

std::string readBaseline(const std::string &Path, std::vector<std::string> &Fingerprints) {
  std::ifstream In(Path);
  if (!In)
    return "cannot read baseline file '" + Path + "'";
  std::stringstream SS;
  SS << In.rdbuf();
  nlohmann::json J;
  try {
    J = nlohmann::json::parse(SS.str());
  } catch (const std::exception &E) {
    return "baseline file '" + Path + "' is not valid JSON: " + E.what();
  }
  if (!J.is_object() || J.value("schema_version", 0) != BaselineSchemaVersion ||
      !J.contains("findings") || !J["findings"].is_array())
    return "baseline file '" + Path + "' is not a prodready baseline (schema_version " +
           std::to_string(BaselineSchemaVersion) + ")";
  for (const auto &E : J["findings"])
    if (E.is_object() && E.contains("fingerprint") && E["fingerprint"].is_string())
      Fingerprints.push_back(E["fingerprint"].get<std::string>());
  std::sort(Fingerprints.begin(), Fingerprints.end());
  return "";
}

} // namespace prodready::report
