// prodready-sql-verdict: runs lib/sql on (schema, query) cases and prints the
// verdicts as JSON. Used by the differential tests (differential.py) and for
// trying the analysis by hand:
//   prodready-sql-verdict --dialect postgresql --schema migrations/ --query "SELECT ..."
//   prodready-sql-verdict --corpus cases.json     (array of {id, dialect, schema, query, bound?})
#include "lib/sql/SchemaCache.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

using namespace prodready::sql;
using nlohmann::json;

static json findingsJson(const QueryAnalysis &A) {
  json J = json::object();
  J["findings"] = json::array();
  for (auto &F : A.Findings)
    J["findings"].push_back({{"table", F.Table}, {"alias", F.Alias}, {"offset", F.Offset},
                             {"reason", F.Reason}, {"suggestion", F.Suggestion}, {"plan", F.Plan}});
  if (A.Error)
    J["error"] = A.Error->Message, J["error_offset"] = A.Error->Offset;
  J["skipped"] = A.Skipped;
  J["ddl"] = A.IsDDL;
  return J;
}

int main(int argc, char **argv) {
  std::string DialectS = "postgresql", Corpus;
  std::vector<std::string> Schemas, Queries;
  for (int I = 1; I < argc; ++I) {
    std::string A = argv[I];
    auto next = [&]() -> std::string {
      if (I + 1 >= argc) {
        std::cerr << "missing value for " << A << "\n";
        std::exit(2);
      }
      return argv[++I];
    };
    if (A == "--dialect") DialectS = next();
    else if (A == "--schema") Schemas.push_back(next());
    else if (A == "--query") Queries.push_back(next());
    else if (A == "--corpus") Corpus = next();
    else {
      std::cerr << "usage: prodready-sql-verdict [--dialect D] [--schema PATH]... [--query SQL]... | --corpus FILE\n";
      return 2;
    }
  }
  if (!Corpus.empty()) {
    std::ifstream In(Corpus);
    json Cases = json::parse(In, nullptr, false);
    if (!Cases.is_array()) {
      std::cerr << "corpus must be a JSON array\n";
      return 2;
    }
    json Out = json::array();
    for (auto &C : Cases) {
      Dialect D = parseDialect(C.value("dialect", "postgresql")).value_or(Dialect::PostgreSQL);
      SqlSource Src{"<schema:" + C.value("id", "") + ">", 1, C.value("schema", "")};
      auto L = buildSchema({Src}, D);
      AnalysisOptions O;
      if (C.contains("bound") && C["bound"].is_object())
        for (auto It = C["bound"].begin(); It != C["bound"].end(); ++It)
          if (It.value().is_string())
            O.Bound[It.key()] = It.value().get<std::string>();
      json R = findingsJson(analyzeQuery(*L, C.value("query", ""), O));
      R["id"] = C.value("id", "");
      for (auto &E : L->Errors)
        R["schema_errors"].push_back(E.str());
      // Re-check with every suggestion applied (the suggestion must be right).
      std::string Extra;
      for (auto &F : R["findings"])
        if (!F["suggestion"].get<std::string>().empty())
          Extra += F["suggestion"].get<std::string>() + "\n";
      if (!Extra.empty()) {
        auto L2 = buildSchema({Src, SqlSource{"<suggested>", 1, Extra}}, D);
        R["after_suggestion"] = findingsJson(analyzeQuery(*L2, C.value("query", ""), O));
      }
      Out.push_back(R);
    }
    std::cout << Out.dump(1) << "\n";
    return 0;
  }
  Dialect D = parseDialect(DialectS).value_or(Dialect::PostgreSQL);
  auto L = loadSchema(Schemas, D);
  for (auto &E : L->Errors)
    std::cerr << E.str() << "\n";
  json Out = json::array();
  for (auto &Q : Queries)
    Out.push_back(findingsJson(analyzeQuery(*L, Q, AnalysisOptions())));
  std::cout << Out.dump(1) << "\n";
  return 0;
}
