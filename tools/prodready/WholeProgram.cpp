//===- WholeProgram.cpp - sweep judgements that need every TU -------------===//
//
// prodready-unbounded-cache can only prove, from one file, what that file can
// see completely (see docs/checks/prodready-unbounded-cache.md). Its per-TU
// facts (container identity by USR, growth/shrink/escape sites, the owner
// class's member functions) are published to the sweep, which merges them
// across all TUs here and reports the containers that grow somewhere and
// shrink nowhere in the whole program -- and that no single TU reported.
//
//===----------------------------------------------------------------------===//
#include "tools/prodready/SweepSupport.h"

#include "lib/cache/CacheFacts.h"
#include "lib/report/AtomicFile.h"

#include <iostream>
#include <set>

namespace rep = prodready::report;

namespace prodready::tool {

static const char *CacheCheck = "prodready-unbounded-cache";

void addWholeProgramFindings(const SweepSetup &Setup, rep::Report &Report) {
  std::vector<cache::TUFacts> TUs;
  for (const auto &F : Setup.Facts) {
    if (F.value("kind", "") != CacheCheck)
      continue;
    try {
      TUs.push_back(cache::TUFacts::fromJson(F.at("facts")));
    } catch (const std::exception &E) {
      std::cerr << "prodready sweep: warning: ignoring malformed " << CacheCheck
                << " facts: " << E.what() << "\n";
    }
  }
  if (TUs.empty())
    return;
  // Containers already reported by a TU: by declaration line.
  std::set<std::pair<std::string, unsigned>> Reported;
  for (const rep::Finding &F : Report.Findings)
    if (F.Check == CacheCheck)
      Reported.insert({F.Loc.File, F.Loc.Line});

  cache::DecisionOptions Opts; // the check's defaults
  for (const cache::ContainerFacts &C : cache::combine(TUs)) {
    cache::Verdict V = cache::decide(C, Opts, /*WholeProgram=*/true);
    if (!V.Report || Reported.count({C.Decl.File, C.Decl.Line}))
      continue;
    std::set<std::string> Files;
    for (const auto &G : C.Growth)
      Files.insert(G.Loc.File);
    for (const auto &S : C.Shrinks)
      Files.insert(S.Loc.File);
    rep::Finding F;
    F.Check = CacheCheck;
    F.Level = "warning";
    F.Message = cache::message(C, V) + " (whole program: " + std::to_string(TUs.size()) +
                " translation units) [CWE-770]";
    F.Loc.File = C.Decl.File;
    F.Loc.Line = C.Decl.Line;
    F.Loc.Column = C.Decl.Column;
    F.TranslationUnit = "<whole program>";
    // The declaration's line, masked like every snippet (fingerprints use it).
    std::string Text;
    if (rep::readFile(C.Decl.File, Text)) {
      size_t B = 0;
      for (unsigned L = 1; L < C.Decl.Line && B != std::string::npos; ++L) {
        B = Text.find('\n', B);
        if (B != std::string::npos)
          ++B;
      }
      if (B != std::string::npos) {
        F.Loc.Offset = static_cast<unsigned>(B + (C.Decl.Column ? C.Decl.Column - 1 : 0));
        F.Snippet = rep::maskStringLiterals(Text.substr(B, Text.find('\n', B) - B));
      }
    }
    for (size_t I : V.GrowthSites) {
      if (I >= C.Growth.size())
        continue;
      const cache::GrowthSite &G = C.Growth[I];
      rep::Note N;
      N.Message = "grows here ('" + G.Method + "'" +
                  (G.Function.empty() ? std::string() : " in '" + G.Function + "'") + ")";
      N.Loc.File = G.Loc.File;
      N.Loc.Line = G.Loc.Line;
      N.Loc.Column = G.Loc.Column;
      F.Notes.push_back(N);
    }
    Report.Findings.push_back(std::move(F));
  }
}

} // namespace prodready::tool
