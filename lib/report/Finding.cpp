//===- Finding.cpp - sweep finding records --------------------------------===//
#include "lib/report/Finding.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace prodready::report {

bool Replacement::operator<(const Replacement &O) const {
  return std::tie(File, Offset, Length, Text) < std::tie(O.File, O.Offset, O.Length, O.Text);
}
bool Replacement::operator==(const Replacement &O) const {
  return std::tie(File, Offset, Length, Text) == std::tie(O.File, O.Offset, O.Length, O.Text);
}

static nlohmann::json locJson(const Location &L) {
  return {{"file", L.File}, {"offset", L.Offset}, {"line", L.Line}, {"column", L.Column}};
}
static Location locFrom(const nlohmann::json &J) {
  Location L;
  L.File = J.value("file", "");
  L.Offset = J.value("offset", 0u);
  L.Line = J.value("line", 0u);
  L.Column = J.value("column", 0u);
  return L;
}
static nlohmann::json fixJson(const std::vector<Replacement> &Fix) {
  nlohmann::json A = nlohmann::json::array();
  for (const Replacement &R : Fix)
    A.push_back({{"file", R.File}, {"offset", R.Offset}, {"length", R.Length}, {"text", R.Text}});
  return A;
}
static std::vector<Replacement> fixFrom(const nlohmann::json &J) {
  std::vector<Replacement> Out;
  if (!J.is_array())
    return Out;
  for (const auto &R : J)
    Out.push_back({R.value("file", ""), R.value("offset", 0u), R.value("length", 0u),
                   R.value("text", "")});
  return Out;
}

nlohmann::json toJson(const Finding &F) {
  nlohmann::json Notes = nlohmann::json::array();
  for (const Note &N : F.Notes)
    Notes.push_back({{"message", N.Message}, {"location", locJson(N.Loc)}, {"fix", fixJson(N.Fix)}});
  return {{"check", F.Check},
          {"level", F.Level},
          {"message", F.Message},
          {"location", locJson(F.Loc)},
          {"notes", Notes},
          {"fix", fixJson(F.Fix)},
          {"snippet", F.Snippet},
          {"fingerprint", F.Fingerprint},
          {"translation_unit", F.TranslationUnit}};
}

Finding findingFromJson(const nlohmann::json &J) {
  Finding F;
  F.Check = J.value("check", "");
  F.Level = J.value("level", "warning");
  F.Message = J.value("message", "");
  if (J.contains("location"))
    F.Loc = locFrom(J["location"]);
  if (J.contains("notes"))
    for (const auto &N : J["notes"])
      F.Notes.push_back({N.value("message", ""),
                         N.contains("location") ? locFrom(N["location"]) : Location{},
                         N.contains("fix") ? fixFrom(N["fix"]) : std::vector<Replacement>{}});
  if (J.contains("fix"))
    F.Fix = fixFrom(J["fix"]);
  F.Snippet = J.value("snippet", "");
  F.Fingerprint = J.value("fingerprint", "");
  F.TranslationUnit = J.value("translation_unit", "");
  return F;
}

nlohmann::json toJson(const Failure &F) {
  return {{"translation_unit", F.TranslationUnit}, {"kind", F.Kind}, {"message", F.Message}};
}
Failure failureFromJson(const nlohmann::json &J) {
  return {J.value("translation_unit", ""), J.value("kind", ""), J.value("message", "")};
}

std::string stableHash(const std::string &Data) {
  uint64_t A = 0xcbf29ce484222325ULL, B = 0x84222325cbf29ce4ULL;
  for (unsigned char C : Data) {
    A = (A ^ C) * 0x100000001b3ULL;
    B = (B ^ (C + 0x9e)) * 0x100000001b3ULL;
    B ^= B >> 29;
  }
  static const char *Hex = "0123456789abcdef";
  std::string Out;
  for (uint64_t V : {A, B})
    for (int I = 60; I >= 0; I -= 4)
      Out += Hex[(V >> I) & 0xf];
  return Out;
}

std::string normaliseWhitespace(const std::string &S) {
  std::string Out;
  bool Space = false;
  for (char C : S) {
    if (C == ' ' || C == '\t' || C == '\r' || C == '\n') {
      Space = !Out.empty();
      continue;
    }
    if (Space)
      Out += ' ';
    Space = false;
    Out += C;
  }
  return Out;
}

std::string maskStringLiterals(const std::string &Line) {
  std::string Out;
  size_t I = 0;
  while (I < Line.size()) {
    char C = Line[I];
    if (C == '/' && I + 1 < Line.size() && Line[I + 1] == '/') {
      // Comments are kept but may also hold secrets in quotes: mask those too.
      Out += Line.substr(I, 2);
      I += 2;
      continue;
    }
    if (C == '\'' ) { // character literal: copy verbatim
      size_t J = I + 1;
      while (J < Line.size() && Line[J] != '\'') {
        if (Line[J] == '\\')
          ++J;
        ++J;
      }
      Out += Line.substr(I, std::min(Line.size(), J + 1) - I);
      I = J + 1;
      continue;
    }
    if (C != '"') {
      Out += C;
      ++I;
      continue;
    }
    size_t J = I + 1;
    std::string Body;
    while (J < Line.size() && Line[J] != '"') {
      if (Line[J] == '\\' && J + 1 < Line.size()) {
        Body += Line.substr(J, 2);
        J += 2;
        continue;
      }
      Body += Line[J++];
    }
    Out += '"';
    if (Body.size() <= 2)
      Out += std::string(Body.size(), '*');
    else
      Out += Body.substr(0, 2) + "\xE2\x80\xA6(" + std::to_string(Body.size()) + ")";
    Out += '"';
    I = J + 1;
  }
  return Out;
}

std::string relativePath(const std::string &File, const std::string &Root) {
  if (Root.empty())
    return File;
  std::string R = Root;
  if (R.back() != '/')
    R += '/';
  if (File.compare(0, R.size(), R) == 0)
    return File.substr(R.size());
  return File;
}

void computeFingerprints(std::vector<Finding> &Findings, const std::string &Root) {
  // Ordinals are assigned in file-offset order so they do not depend on the
  // order in which translation units finished.
  std::vector<size_t> Order(Findings.size());
  for (size_t I = 0; I < Order.size(); ++I)
    Order[I] = I;
  std::stable_sort(Order.begin(), Order.end(), [&](size_t A, size_t B) {
    const Finding &X = Findings[A], &Y = Findings[B];
    return std::tie(X.Loc.File, X.Loc.Offset, X.Check, X.Message) <
           std::tie(Y.Loc.File, Y.Loc.Offset, Y.Check, Y.Message);
  });
  std::map<std::string, unsigned> Seen;
  for (size_t I : Order) {
    Finding &F = Findings[I];
    // No line numbers, no message text: only what moves with the code.
    std::string Base = F.Check + "\n" + relativePath(F.Loc.File, Root) + "\n" +
                       normaliseWhitespace(F.Snippet);
    unsigned N = Seen[Base]++;
    F.Fingerprint = stableHash(Base + "\n" + std::to_string(N));
  }
}

void deduplicate(std::vector<Finding> &Findings) {
  std::set<std::tuple<std::string, std::string, unsigned, std::string>> Seen;
  std::vector<Finding> Out;
  for (Finding &F : Findings)
    if (Seen.insert({F.Check, F.Loc.File, F.Loc.Offset, F.Message}).second)
      Out.push_back(std::move(F));
  Findings = std::move(Out);
}

} // namespace prodready::report
