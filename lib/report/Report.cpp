//===- Report.cpp - sweep reports -----------------------------------------===//
#include "lib/report/Report.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <stdexcept>

namespace prodready::report {

std::map<std::string, Rule> loadRules(const model::Model &M,
                                      std::vector<model::ModelError> &Errors) {
  std::map<std::string, Rule> Rules;
  for (const model::Entry &E : M.section("rules")) {
    Rule R;
    if (!model::getString(E, "id", R.Id, Errors))
      continue;
    model::getString(E, "name", R.Name, Errors);
    model::getString(E, "description", R.Description, Errors);
    model::getString(E, "help", R.Help, Errors);
    model::getString(E, "help-uri", R.HelpUri, Errors, false);
    model::getStringList(E, "cwe", R.Cwe, Errors, false);
    model::getString(E, "severity", R.Severity, Errors, false);
    if (R.Severity != "error" && R.Severity != "warning" && R.Severity != "note") {
      Errors.push_back(E.error("severity must be error, warning or note", "severity"));
      R.Severity = "warning";
    }
    Rules[R.Id] = R;
  }
  return Rules;
}

bool Report::isNew(const Finding &F) const {
  if (!HasBaseline)
    return true;
  return !std::binary_search(Baselined.begin(), Baselined.end(), F.Fingerprint);
}

std::string severityOf(const Report &R, const Finding &F) {
  if (F.Level == "error")
    return "error";
  auto It = R.Rules.find(F.Check);
  return It == R.Rules.end() ? "warning" : It->second.Severity;
}

nlohmann::json toJson(const Report &R) {
  nlohmann::json Findings = nlohmann::json::array();
  for (const Finding &F : R.Findings) {
    nlohmann::json J = toJson(F);
    J["file"] = relativePath(F.Loc.File, R.Root);
    J["severity"] = severityOf(R, F);
    J["new"] = R.isNew(F);
    Findings.push_back(J);
  }
  nlohmann::json Failures = nlohmann::json::array();
  for (const Failure &F : R.Failures)
    Failures.push_back(toJson(F));
  return {{"schema_version", JsonSchemaVersion},
          {"tool", {{"name", "prodready"}, {"version", R.ToolVersion}, {"llvm", R.LlvmVersion}}},
          {"root", R.Root},
          {"started_at", R.StartedAt},
          {"duration_seconds", R.DurationSeconds},
          {"translation_units", R.TranslationUnits},
          {"from_cache", R.FromCache},
          {"baseline", R.HasBaseline},
          {"findings", Findings},
          {"failures", Failures}};
}

Report reportFromJson(const nlohmann::json &J) {
  if (!J.is_object() || !J.contains("schema_version"))
    throw std::runtime_error("not a prodready JSON report (no schema_version)");
  int V = J["schema_version"].get<int>();
  if (V != JsonSchemaVersion)
    throw std::runtime_error("unsupported report schema_version " + std::to_string(V) +
                             " (this prodready reads " + std::to_string(JsonSchemaVersion) + ")");
  Report R;
  R.ToolVersion = J["tool"].value("version", "");
  R.LlvmVersion = J["tool"].value("llvm", "");
  R.Root = J.value("root", "");
  R.StartedAt = J.value("started_at", "");
  R.DurationSeconds = J.value("duration_seconds", 0.0);
  R.TranslationUnits = J.value("translation_units", 0u);
  R.FromCache = J.value("from_cache", 0u);
  for (const auto &F : J.at("findings"))
    R.Findings.push_back(findingFromJson(F));
  for (const auto &F : J.at("failures"))
    R.Failures.push_back(failureFromJson(F));
  return R;
}

void writeJson(const Report &R, std::ostream &OS) { OS << toJson(R).dump(2) << "\n"; }

// ---------------------------------------------------------------------------
// SARIF 2.1.0
// ---------------------------------------------------------------------------

static nlohmann::json sarifLocation(const Report &R, const Location &L) {
  nlohmann::json Region = {{"startLine", std::max(1u, L.Line)}};
  if (L.Column)
    Region["startColumn"] = L.Column;
  return {{"physicalLocation",
           {{"artifactLocation", {{"uri", relativePath(L.File, R.Root)}, {"uriBaseId", "SRCROOT"}}},
            {"region", Region}}}};
}

static std::string sarifLevel(const std::string &Severity) {
  return Severity == "error" ? "error" : Severity == "note" ? "note" : "warning";
}

void writeSarif(const Report &R, std::ostream &OS) {
  // Rules: every rule the model knows plus any check that produced a finding.
  std::vector<std::string> RuleIds;
  for (const auto &KV : R.Rules)
    RuleIds.push_back(KV.first);
  for (const Finding &F : R.Findings)
    if (!R.Rules.count(F.Check) &&
        std::find(RuleIds.begin(), RuleIds.end(), F.Check) == RuleIds.end())
      RuleIds.push_back(F.Check);
  std::map<std::string, size_t> RuleIndex;
  nlohmann::json Rules = nlohmann::json::array();
  for (const std::string &Id : RuleIds) {
    RuleIndex[Id] = Rules.size();
    auto It = R.Rules.find(Id);
    // SARIF wants a PascalCase identifier as the rule name.
    std::string Pascal;
    bool Up = true;
    for (char C : Id) {
      if (!std::isalnum(static_cast<unsigned char>(C))) {
        Up = true;
        continue;
      }
      Pascal += Up ? static_cast<char>(std::toupper(static_cast<unsigned char>(C))) : C;
      Up = false;
    }
    nlohmann::json Rule = {{"id", Id}, {"name", Pascal}};
    if (It != R.Rules.end()) {
      const report::Rule &Ru = It->second;
      Rule["shortDescription"] = {{"text", (Ru.Name.empty() ? Id : Ru.Name) + "."}};
      Rule["fullDescription"] = {{"text", Ru.Description}};
      Rule["help"] = {{"text", Ru.Help}, {"markdown", Ru.Help}};
      nlohmann::json Tags = nlohmann::json::array({"security"});
      for (const std::string &C : Ru.Cwe) {
        std::string Num = C.rfind("CWE-", 0) == 0 ? C.substr(4) : C;
        Tags.push_back("external/cwe/cwe-" + Num);
      }
      Rule["properties"] = {{"tags", Tags}, {"problem.severity", Ru.Severity}};
      Rule["defaultConfiguration"] = {{"level", sarifLevel(Ru.Severity)}};
    } else {
      // A clang-tidy check run alongside (--checks): point at its docs.
      std::string Text = "clang-tidy check " + Id + ".";
      std::string Help = "See the clang-tidy documentation of " + Id + ".";
      Rule["shortDescription"] = {{"text", Text}};
      Rule["fullDescription"] = {{"text", Text}};
      Rule["help"] = {{"text", Help}, {"markdown", Help}};
      Rule["defaultConfiguration"] = {{"level", "warning"}};
    }
    Rules.push_back(Rule);
  }

  nlohmann::json Results = nlohmann::json::array();
  for (const Finding &F : R.Findings) {
    nlohmann::json Res = {{"ruleId", F.Check},
                          {"ruleIndex", RuleIndex[F.Check]},
                          {"level", sarifLevel(severityOf(R, F))},
                          {"message", {{"text", F.Message}}},
                          {"locations", nlohmann::json::array({sarifLocation(R, F.Loc)})},
                          {"partialFingerprints", {{"prodready/v1", F.Fingerprint}}}};
    if (R.HasBaseline)
      Res["baselineState"] = R.isNew(F) ? "new" : "unchanged";
    if (!F.Notes.empty()) {
      nlohmann::json Related = nlohmann::json::array();
      int Id = 0;
      for (const Note &N : F.Notes) {
        if (N.Loc.File.empty())
          continue;
        nlohmann::json L = sarifLocation(R, N.Loc);
        L["id"] = Id++;
        L["message"] = {{"text", N.Message}};
        Related.push_back(L);
      }
      if (!Related.empty())
        Res["relatedLocations"] = Related;
    }
    if (!F.Fix.empty()) {
      std::map<std::string, nlohmann::json> ByFile;
      for (const Replacement &Rep : F.Fix) {
        auto &Changes = ByFile[Rep.File];
        if (Changes.is_null())
          Changes = nlohmann::json::array();
        Changes.push_back({{"deletedRegion", {{"charOffset", Rep.Offset}, {"charLength", Rep.Length}}},
                           {"insertedContent", {{"text", Rep.Text}}}});
      }
      nlohmann::json Artifacts = nlohmann::json::array();
      for (auto &KV : ByFile)
        Artifacts.push_back({{"artifactLocation", {{"uri", relativePath(KV.first, R.Root)},
                                                   {"uriBaseId", "SRCROOT"}}},
                             {"replacements", KV.second}});
      Res["fixes"] = nlohmann::json::array(
          {{{"description", {{"text", "prodready fix-it"}}}, {"artifactChanges", Artifacts}}});
    }
    Results.push_back(Res);
  }

  nlohmann::json Notifications = nlohmann::json::array();
  for (const Failure &F : R.Failures)
    Notifications.push_back({{"level", "error"},
                             {"message", {{"text", F.Kind + ": " + F.Message}}},
                             {"locations", nlohmann::json::array({sarifLocation(R, {F.TranslationUnit, 0, 1, 0})})}});

  std::string RootUri = "file://" + R.Root + (R.Root.empty() || R.Root.back() == '/' ? "" : "/");
  nlohmann::json Run = {
      {"tool",
       {{"driver",
         {{"name", "prodready"},
          {"semanticVersion", R.ToolVersion},
          {"version", R.ToolVersion},
          {"informationUri", "https://github.com/prodready/prodready"},
          {"rules", Rules}}}}},
      {"originalUriBaseIds", {{"SRCROOT", {{"uri", RootUri}}}}},
      {"results", Results},
      {"invocations",
       nlohmann::json::array({{{"executionSuccessful", R.Failures.empty()},
                               {"toolExecutionNotifications", Notifications}}})}};
  nlohmann::json Doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", nlohmann::json::array({Run})}};
  OS << Doc.dump(2) << "\n";
}

// ---------------------------------------------------------------------------
// clang-apply-replacements YAML
// ---------------------------------------------------------------------------

static std::string yamlQuote(const std::string &S) {
  std::string Out = "'";
  for (char C : S) {
    if (C == '\'')
      Out += "''";
    else if (C == '\n')
      Out += "\n\n"; // YAML single-quoted scalars fold one newline into a space
    else
      Out += C;
  }
  return Out + "'";
}

void writeFixesYaml(const Report &R, std::ostream &OS, bool WithNotes) {
  OS << "---\nMainSourceFile:  ''\nDiagnostics:\n";
  for (const Finding &F : R.Findings) {
    std::vector<Replacement> Reps = F.Fix;
    if (WithNotes)
      for (const Note &N : F.Notes)
        Reps.insert(Reps.end(), N.Fix.begin(), N.Fix.end());
    if (Reps.empty())
      continue;
    OS << "  - DiagnosticName:  " << F.Check << "\n"
       << "    DiagnosticMessage:\n"
       << "      Message:         " << yamlQuote(F.Message) << "\n"
       << "      FilePath:        " << yamlQuote(F.Loc.File) << "\n"
       << "      FileOffset:      " << F.Loc.Offset << "\n"
       << "      Replacements:\n";
    for (const Replacement &Rep : Reps)
      OS << "        - FilePath:        " << yamlQuote(Rep.File) << "\n"
         << "          Offset:          " << Rep.Offset << "\n"
         << "          Length:          " << Rep.Length << "\n"
         << "          ReplacementText: " << yamlQuote(Rep.Text) << "\n";
    OS << "    Level:           " << (F.Level == "error" ? "Error" : "Warning") << "\n";
  }
  OS << "...\n";
}

// ---------------------------------------------------------------------------
// Text summary
// ---------------------------------------------------------------------------

static std::string topFolder(const std::string &Rel) {
  auto P = Rel.find('/');
  return P == std::string::npos ? "." : Rel.substr(0, P);
}

void writeText(const Report &R, std::ostream &OS, bool ListFindings) {
  std::map<std::string, unsigned> ByCheck, ByFolder, ByFile;
  unsigned New = 0;
  for (const Finding &F : R.Findings) {
    if (!R.isNew(F))
      continue;
    ++New;
    std::string Rel = relativePath(F.Loc.File, R.Root);
    ++ByCheck[F.Check];
    ++ByFolder[topFolder(Rel)];
    ++ByFile[Rel];
  }
  if (ListFindings) {
    for (const Finding &F : R.Findings) {
      if (!R.isNew(F))
        continue;
      OS << relativePath(F.Loc.File, R.Root) << ":" << F.Loc.Line << ":" << F.Loc.Column << ": "
         << severityOf(R, F) << ": " << F.Message << " [" << F.Check << "]\n";
      if (!F.Snippet.empty())
        OS << "    " << normaliseWhitespace(F.Snippet) << "\n";
    }
    if (New)
      OS << "\n";
  }
  OS << "prodready sweep: " << R.TranslationUnits << " translation units ("
     << R.FromCache << " from cache), " << R.Findings.size() << " findings";
  if (R.HasBaseline)
    OS << " (" << New << " new, " << R.Findings.size() - New << " in baseline)";
  OS << ", " << R.Failures.size() << " failed, " << std::fixed;
  OS.precision(1);
  OS << R.DurationSeconds << "s\n";
  auto Table = [&](const char *Title, const std::map<std::string, unsigned> &M, size_t Limit) {
    if (M.empty())
      return;
    std::vector<std::pair<std::string, unsigned>> V(M.begin(), M.end());
    std::stable_sort(V.begin(), V.end(), [](auto &A, auto &B) { return A.second > B.second; });
    OS << "  " << Title << ":\n";
    for (size_t I = 0; I < V.size() && I < Limit; ++I)
      OS << "    " << V[I].second << "\t" << V[I].first << "\n";
  };
  Table("by check", ByCheck, 100);
  Table("by folder", ByFolder, 20);
  Table("top files", ByFile, 10);
  for (const Failure &F : R.Failures)
    OS << "  FAILED " << relativePath(F.TranslationUnit, R.Root) << " (" << F.Kind
       << "): " << F.Message << "\n";
}

// ---------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------

static std::string esc(const std::string &S) {
  std::string O;
  for (char C : S) {
    switch (C) {
    case '&': O += "&amp;"; break;
    case '<': O += "&lt;"; break;
    case '>': O += "&gt;"; break;
    case '"': O += "&quot;"; break;
    default: O += C;
    }
  }
  return O;
}

static void barChart(std::ostream &OS, const std::string &Title,
                     const std::map<std::string, unsigned> &Counts) {
  if (Counts.empty())
    return;
  unsigned Max = 1;
  for (auto &KV : Counts)
    Max = std::max(Max, KV.second);
  const int RowH = 22, LabelW = 300, BarW = 360;
  int H = static_cast<int>(Counts.size()) * RowH + 10;
  OS << "<h3>" << esc(Title) << "</h3>\n<svg role=\"img\" width=\"" << LabelW + BarW + 60
     << "\" height=\"" << H << "\" xmlns=\"http://www.w3.org/2000/svg\">\n";
  int Y = 5;
  for (auto &KV : Counts) {
    int W = static_cast<int>(static_cast<double>(KV.second) / Max * BarW);
    OS << "<text x=\"0\" y=\"" << Y + 15 << "\" font-size=\"13\">" << esc(KV.first) << "</text>"
       << "<rect x=\"" << LabelW << "\" y=\"" << Y + 3 << "\" width=\"" << std::max(W, 2)
       << "\" height=\"16\" fill=\"#c0392b\"/>"
       << "<text x=\"" << LabelW + W + 6 << "\" y=\"" << Y + 15 << "\" font-size=\"13\">"
       << KV.second << "</text>\n";
    Y += RowH;
  }
  OS << "</svg>\n";
}

void writeHtml(const Report &R, std::ostream &OS) {
  std::map<std::string, unsigned> ByCheck, ByFolder;
  std::map<std::string, std::map<std::string, std::vector<const Finding *>>> Groups;
  for (const Finding &F : R.Findings) {
    std::string Rel = relativePath(F.Loc.File, R.Root);
    ++ByCheck[F.Check];
    ++ByFolder[topFolder(Rel)];
    Groups[F.Check][topFolder(Rel)].push_back(&F);
  }
  OS << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>prodready report</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
        "h1{margin-bottom:0}.meta{color:#666}"
        "details{margin:.4em 0}summary{cursor:pointer;font-weight:600}"
        ".f{border-left:4px solid #c0392b;padding:.3em .8em;margin:.6em 0;background:#fafafa}"
        ".f.old{border-color:#999}.loc{font-family:monospace;color:#555}"
        "pre{background:#f0f0f0;padding:.4em;overflow-x:auto}"
        ".note{color:#555;margin-left:1em}.fix{color:#1e7b34}"
        ".fail{color:#b00}</style></head><body>\n";
  OS << "<h1>prodready report</h1><p class=\"meta\">" << R.TranslationUnits
     << " translation units, " << R.Findings.size() << " findings, " << R.Failures.size()
     << " failed &middot; prodready " << esc(R.ToolVersion) << " &middot; "
     << esc(R.StartedAt) << "</p>\n";
  barChart(OS, "Findings per check", ByCheck);
  barChart(OS, "Findings per folder", ByFolder);
  for (auto &[Check, Folders] : Groups) {
    auto RI = R.Rules.find(Check);
    OS << "<h2>" << esc(Check) << "</h2>\n";
    if (RI != R.Rules.end())
      OS << "<p>" << esc(RI->second.Description) << "</p><p><b>Fix:</b> "
         << esc(RI->second.Help) << "</p>\n";
    for (auto &[Folder, List] : Folders) {
      OS << "<details open><summary>" << esc(Folder) << " (" << List.size() << ")</summary>\n";
      for (const Finding *F : List) {
        // Secrets: messages are masked by the checks, snippets by the sweep.
        OS << "<div class=\"f" << (R.isNew(*F) ? "" : " old") << "\"><div class=\"loc\">"
           << esc(relativePath(F->Loc.File, R.Root)) << ":" << F->Loc.Line << ":" << F->Loc.Column
           << (R.isNew(*F) ? "" : " (baseline)") << "</div><div>" << esc(F->Message) << "</div>";
        if (!F->Snippet.empty())
          OS << "<pre>" << esc(F->Snippet) << "</pre>";
        for (const Note &N : F->Notes)
          OS << "<div class=\"note\">note: " << esc(N.Message)
             << (N.Loc.Line ? " <span class=\"loc\">(" + esc(relativePath(N.Loc.File, R.Root)) +
                                  ":" + std::to_string(N.Loc.Line) + ")</span>"
                            : "")
             << "</div>";
        for (const Replacement &Rep : F->Fix)
          OS << "<div class=\"fix\">fix: replace " << Rep.Length << " bytes with <code>"
             << esc(Rep.Text) << "</code></div>";
        OS << "</div>\n";
      }
      OS << "</details>\n";
    }
  }
  if (!R.Failures.empty()) {
    OS << "<h2>Translation units not analysed</h2><ul>";
    for (const Failure &F : R.Failures)
      OS << "<li class=\"fail\">" << esc(relativePath(F.TranslationUnit, R.Root)) << " ("
         << esc(F.Kind) << "): " << esc(F.Message) << "</li>";
    OS << "</ul>\n";
  }
  OS << "</body></html>\n";
}

} // namespace prodready::report
