//===- Secrets.cpp - recognisers for hardcoded credentials ----------------===//

#include "Secrets.h"
#include "text/Words.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

namespace prodready::secrets {

namespace {

char lower(char C) { return static_cast<char>(std::tolower(static_cast<unsigned char>(C))); }
bool isAlpha(char C) { return std::isalpha(static_cast<unsigned char>(C)) != 0; }
bool isDigit(char C) { return std::isdigit(static_cast<unsigned char>(C)) != 0; }
bool isAlnum(char C) { return std::isalnum(static_cast<unsigned char>(C)) != 0; }
bool isUpper(char C) { return std::isupper(static_cast<unsigned char>(C)) != 0; }
bool isLower(char C) { return std::islower(static_cast<unsigned char>(C)) != 0; }
bool isSpace(char C) { return std::isspace(static_cast<unsigned char>(C)) != 0; }

std::string toLower(std::string_view S) {
  std::string R(S);
  for (char &C : R)
    C = lower(C);
  return R;
}

std::string_view trim(std::string_view S) {
  while (!S.empty() && isSpace(S.front()))
    S.remove_prefix(1);
  while (!S.empty() && isSpace(S.back()))
    S.remove_suffix(1);
  return S;
}

bool endsWith(std::string_view S, std::string_view Suffix) {
  return S.size() >= Suffix.size() && S.substr(S.size() - Suffix.size()) == Suffix;
}

std::vector<std::string> splitPhrase(std::string_view Phrase) { return text::identifierWords(Phrase); }

Span spanOf(std::string_view Whole, std::string_view Part) {
  return Span{static_cast<size_t>(Part.data() - Whole.data()), Part.size()};
}

} // namespace

//===--- Small helpers ---------------------------------------------------===//

std::string mask(std::string_view Secret) {
  size_t N = Secret.size();
  size_t Shown = N <= 4 ? 0 : N < 10 ? 2 : N < 20 ? 3 : 4;
  // Never cut a UTF-8 sequence and never show non-ASCII bytes.
  size_t I = 0;
  while (I < Shown && static_cast<unsigned char>(Secret[I]) < 0x80 &&
         std::isprint(static_cast<unsigned char>(Secret[I])))
    ++I;
  std::string R(Secret.substr(0, I));
  R += "\xE2\x80\xA6("; // U+2026 HORIZONTAL ELLIPSIS
  R += std::to_string(N);
  R += N == 1 ? " char)" : " chars)";
  return R;
}

double shannonEntropy(std::string_view S) {
  if (S.empty())
    return 0;
  size_t Counts[256] = {};
  for (unsigned char C : S)
    ++Counts[C];
  double H = 0, N = static_cast<double>(S.size());
  for (size_t C : Counts)
    if (C) {
      double P = static_cast<double>(C) / N;
      H -= P * std::log2(P);
    }
  return H;
}

std::string envVarName(std::string_view Identifier) {
  std::vector<std::string> Words = text::identifierWords(Identifier);
  std::string R;
  for (const std::string &W : Words) {
    if (!R.empty())
      R += '_';
    for (char C : W)
      R += static_cast<char>(std::toupper(static_cast<unsigned char>(C)));
  }
  if (R.empty())
    return "SECRET";
  if (isDigit(R[0]))
    R = "SECRET_" + R;
  return R;
}

bool hasAllowMarker(std::string_view Line) {
  // Both markers contain "allow": most lines do not, and they skip the regex
  // (this runs for every literal and macro of user code).
  bool Maybe = false;
  for (size_t I = 0; I + 5 <= Line.size() && !Maybe; ++I)
    Maybe = (Line[I] | 0x20) == 'a' && (Line[I + 1] | 0x20) == 'l' &&
            (Line[I + 2] | 0x20) == 'l' && (Line[I + 3] | 0x20) == 'o' &&
            (Line[I + 4] | 0x20) == 'w';
  if (!Maybe)
    return false;
  static const std::regex Re(R"(gitleaks:allow|pragma:\s*allowlist[ -]secret)",
                             std::regex::icase | std::regex::optimize);
  return std::regex_search(Line.begin(), Line.end(), Re);
}

std::optional<Span> uriPassword(std::string_view Text) {
  static const std::regex Re(R"(([A-Za-z][A-Za-z0-9+.-]*)://([^:/@\s'"]*):([^@/\s'"]+)@)",
                             std::regex::optimize);
  std::match_results<std::string_view::const_iterator> M;
  if (!std::regex_search(Text.begin(), Text.end(), M, Re))
    return std::nullopt;
  return Span{static_cast<size_t>(M.position(3)), static_cast<size_t>(M.length(3))};
}

std::optional<Span> connectionStringPassword(std::string_view Text, bool RequireOtherKeys) {
  if (auto U = uriPassword(Text))
    return U;
  static const std::regex Key(R"((^|[\s;&?,])(password|passwd|pwd|pass)\s*=\s*)",
                              std::regex::icase | std::regex::optimize);
  std::match_results<std::string_view::const_iterator> M;
  if (!std::regex_search(Text.begin(), Text.end(), M, Key))
    return std::nullopt;
  size_t Start = static_cast<size_t>(M.position(0) + M.length(0));
  if (RequireOtherKeys) {
    static const std::regex Other(R"((^|[\s;&?,])([A-Za-z_][A-Za-z0-9_ ]*)\s*=\s*[^\s;&=])",
                                  std::regex::optimize);
    int Pairs = 0;
    for (auto It = std::regex_iterator<std::string_view::const_iterator>(Text.begin(),
                                                                          Text.end(), Other);
         It != decltype(It)(); ++It)
      ++Pairs;
    if (Pairs < 2)
      return std::nullopt;
  }
  if (Start >= Text.size())
    return std::nullopt;
  char Q = Text[Start];
  if (Q == '\'' || Q == '"' || Q == '{') {
    char Close = Q == '{' ? '}' : Q;
    size_t End = Text.find(Close, Start + 1);
    if (End == std::string_view::npos)
      End = Text.size();
    if (End == Start + 1)
      return std::nullopt;
    return Span{Start + 1, End - Start - 1};
  }
  bool Semicolons = Text.find(';') != std::string_view::npos;
  size_t End = Start;
  while (End < Text.size()) {
    char C = Text[End];
    if (C == ';' || C == '&' || (!Semicolons && isSpace(C)))
      break;
    ++End;
  }
  std::string_view V = trim(Text.substr(Start, End - Start));
  if (V.empty())
    return std::nullopt;
  // "password= dbname=x": an empty value followed by the next pair.
  if (V.find('=') != std::string_view::npos && isSpace(Text[Start - 1]))
    return std::nullopt;
  return spanOf(Text, V);
}

std::optional<Span> userPwdPassword(std::string_view Text) {
  size_t Colon = Text.find(':');
  if (Colon == std::string_view::npos || Colon + 1 >= Text.size())
    return std::nullopt;
  return Span{Colon + 1, Text.size() - Colon - 1};
}

const char *valueVerdictName(ValueVerdict V) {
  switch (V) {
  case ValueVerdict::Secret: return "secret";
  case ValueVerdict::Empty: return "empty";
  case ValueVerdict::Template: return "template";
  case ValueVerdict::Weak: return "weak";
  case ValueVerdict::Prose: return "prose";
  case ValueVerdict::Identifier: return "identifier";
  case ValueVerdict::PathOrUrl: return "path-or-url";
  case ValueVerdict::LowEntropy: return "low-entropy";
  }
  return "?";
}

//===--- Knowledge -------------------------------------------------------===//

namespace {

bool compileRegex(const std::string &Src, std::regex &Out, std::string &Error,
                  bool ICase = false) {
  try {
    auto Flags = std::regex::ECMAScript | std::regex::optimize;
    if (ICase)
      Flags |= std::regex::icase;
    Out = std::regex(Src, Flags);
    return true;
  } catch (const std::regex_error &E) {
    Error = std::string("invalid regular expression '") + Src + "': " + E.what();
    return false;
  }
}

bool optBool(const model::Entry &E, const char *Key, bool Default,
             std::vector<model::ModelError> &Errs) {
  if (!E.Value->contains(Key))
    return Default;
  const auto &V = (*E.Value)[Key];
  if (!V.is_boolean()) {
    Errs.push_back(E.error("must be true or false", Key));
    return Default;
  }
  return V.get<bool>();
}

} // namespace

std::shared_ptr<Knowledge> Knowledge::fromModel(const model::Model &M,
                                                std::vector<model::ModelError> &Errors) {
  auto K = std::make_shared<Knowledge>();
  K->loadNames(M.section(NamesSection), Errors);
  K->loadIgnored(M.section(IgnoredSection), Errors);
  K->loadPlaceholders(M.section(PlaceholderSection), Errors);
  K->loadTokens(M.section(TokenSection), Errors);
  K->loadSinks(M.section(SinkSection), Errors);
  K->loadHeaders(M.section(HeaderSection), Errors);
  return K;
}

void Knowledge::loadNames(const std::vector<model::Entry> &Es,
                          std::vector<model::ModelError> &Errs) {
  for (const model::Entry &E : Es) {
    if (!E.Value->is_object()) {
      Errs.push_back(E.error("must be an object"));
      continue;
    }
    std::string Phrase, Kind;
    if (!model::getString(E, "phrase", Phrase, Errs))
      continue;
    if (!model::getString(E, "kind", Kind, Errs, /*Required=*/false))
      Kind = Phrase;
    CredentialName N;
    N.Words = splitPhrase(Phrase);
    if (N.Words.empty()) {
      Errs.push_back(E.error("phrase has no words", "phrase"));
      continue;
    }
    N.Kind = Kind.empty() ? Phrase : Kind;
    N.Compound = optBool(E, "compound", false, Errs);
    Names.push_back(std::move(N));
  }
}

void Knowledge::addCredentialName(std::string_view Phrase, std::string Kind) {
  CredentialName N;
  N.Words = splitPhrase(Phrase);
  if (N.Words.empty())
    return;
  N.Kind = std::move(Kind);
  Names.push_back(std::move(N));
}

void Knowledge::loadIgnored(const std::vector<model::Entry> &Es,
                            std::vector<model::ModelError> &Errs) {
  for (const model::Entry &E : Es) {
    if (!E.Value->is_object()) {
      Errs.push_back(E.error("must be an object"));
      continue;
    }
    std::vector<std::string> Parts;
    if (!model::getStringList(E, "parts", Parts, Errs))
      continue;
    std::string Pos = "after";
    model::getString(E, "position", Pos, Errs, /*Required=*/false);
    if (Pos != "after" && Pos != "before") {
      Errs.push_back(E.error("must be \"after\" or \"before\"", "position"));
      continue;
    }
    for (const std::string &P : Parts) {
      IgnoredPart I;
      I.Words = splitPhrase(P);
      I.Where = Pos == "after" ? IgnoredPart::After : IgnoredPart::Before;
      if (!I.Words.empty())
        Ignored.push_back(std::move(I));
    }
  }
}

void Knowledge::addIgnoredPart(std::string_view Phrase) {
  IgnoredPart I;
  I.Words = splitPhrase(Phrase);
  if (!I.Words.empty())
    Ignored.push_back(std::move(I));
}

void Knowledge::loadPlaceholders(const std::vector<model::Entry> &Es,
                                 std::vector<model::ModelError> &Errs) {
  for (const model::Entry &E : Es) {
    if (!E.Value->is_object()) {
      Errs.push_back(E.error("must be an object"));
      continue;
    }
    PlaceholderPattern P;
    std::string Cls = "template", Err;
    if (!model::getString(E, "regex", P.Source, Errs))
      continue;
    model::getString(E, "class", Cls, Errs, /*Required=*/false);
    if (Cls != "template" && Cls != "weak") {
      Errs.push_back(E.error("must be \"template\" or \"weak\"", "class"));
      continue;
    }
    P.Cls = Cls == "weak" ? PlaceholderPattern::Weak : PlaceholderPattern::Template;
    if (!compileRegex(P.Source, P.Re, Err, /*ICase=*/true)) {
      Errs.push_back(E.error(Err, "regex"));
      continue;
    }
    Placeholders.push_back(std::move(P));
  }
}

bool Knowledge::addPlaceholder(std::string_view Regex, std::string &Error) {
  PlaceholderPattern P;
  P.Source = std::string(Regex);
  if (!compileRegex(P.Source, P.Re, Error, /*ICase=*/true))
    return false;
  Placeholders.push_back(std::move(P));
  return true;
}

void Knowledge::loadTokens(const std::vector<model::Entry> &Es,
                           std::vector<model::ModelError> &Errs) {
  for (const model::Entry &E : Es) {
    if (!E.Value->is_object()) {
      Errs.push_back(E.error("must be an object"));
      continue;
    }
    TokenFormat T;
    std::string Re, Exclude, Err;
    if (!model::getString(E, "name", T.Name, Errs) || !model::getString(E, "regex", Re, Errs))
      continue;
    model::getString(E, "env", T.Env, Errs, /*Required=*/false);
    model::getStringList(E, "keywords", T.Keywords, Errs, /*Required=*/false);
    model::getInt(E, "group", T.Group, Errs, /*Required=*/false);
    if (!compileRegex(Re, T.Re, Err)) {
      Errs.push_back(E.error(Err, "regex"));
      continue;
    }
    if (T.Group < 0 || static_cast<size_t>(T.Group) > T.Re.mark_count()) {
      Errs.push_back(E.error("no such capture group in regex", "group"));
      continue;
    }
    if (model::getString(E, "exclude", Exclude, Errs, /*Required=*/false) && !Exclude.empty()) {
      std::regex X;
      if (!compileRegex(Exclude, X, Err)) {
        Errs.push_back(E.error(Err, "exclude"));
        continue;
      }
      T.Exclude = std::move(X);
    }
    if (T.Env.empty())
      T.Env = envVarName(T.Name);
    Tokens.push_back(std::move(T));
  }
}

void Knowledge::loadSinks(const std::vector<model::Entry> &Es,
                          std::vector<model::ModelError> &Errs) {
  static const std::map<std::string, ValueForm> Forms = {
      {"direct", ValueForm::Direct},
      {"connection-string", ValueForm::ConnectionString},
      {"user-password", ValueForm::UserPwd},
      {"header-line", ValueForm::HeaderLine},
      {"header-value", ValueForm::HeaderValue},
      {"redis-command", ValueForm::RedisCommand},
  };
  for (const model::Entry &E : Es) {
    if (!E.Value->is_object()) {
      Errs.push_back(E.error("must be an object"));
      continue;
    }
    Sink S;
    std::string Form = "direct";
    if (!model::getString(E, "function", S.Function, Errs) ||
        !model::getInt(E, "param", S.Param, Errs))
      continue;
    if (S.Function.rfind("::", 0) == 0)
      S.Function.erase(0, 2);
    if (S.Param < 0) {
      Errs.push_back(E.error("must be a 0-based argument index", "param"));
      continue;
    }
    model::getString(E, "param-name", S.ParamName, Errs, /*Required=*/false);
    if (!model::getString(E, "kind", S.Kind, Errs, /*Required=*/false))
      S.Kind = "credential";
    model::getString(E, "value", Form, Errs, /*Required=*/false);
    auto F = Forms.find(Form);
    if (F == Forms.end()) {
      Errs.push_back(E.error("unknown value form '" + Form +
                                 "' (direct, connection-string, user-password, "
                                 "header-line, header-value, redis-command)",
                             "value"));
      continue;
    }
    S.Form = F->second;
    if (E.Value->contains("when")) {
      const auto &W = (*E.Value)["when"];
      if (!W.is_object() || !W.contains("arg") || !W["arg"].is_number_integer() ||
          !W.contains("one-of") || !W["one-of"].is_array()) {
        Errs.push_back(E.error("must be {\"arg\": N, \"one-of\": [names]}", "when"));
        continue;
      }
      S.WhenArg = W["arg"].get<int>();
      for (const auto &N : W["one-of"])
        if (N.is_string())
          S.WhenNames.push_back(N.get<std::string>());
    }
    model::getInt(E, "name-arg", S.NameArg, Errs, /*Required=*/false);
    if (S.Form == ValueForm::HeaderValue && S.NameArg < 0) {
      Errs.push_back(E.error("a header-value sink needs \"name-arg\"", "name-arg"));
      continue;
    }
    model::getInt(E, "arity", S.Arity, Errs, /*Required=*/false);
    S.Fixable = optBool(E, "fix", true, Errs);
    model::getString(E, "env", S.Env, Errs, /*Required=*/false);
    S.Where = E.File + ": " + E.Pointer;
    Sinks.push_back(std::move(S));
  }
}

void Knowledge::loadHeaders(const std::vector<model::Entry> &Es,
                            std::vector<model::ModelError> &Errs) {
  for (const model::Entry &E : Es) {
    if (!E.Value->is_object()) {
      Errs.push_back(E.error("must be an object"));
      continue;
    }
    CredentialHeader H;
    if (!model::getString(E, "header", H.Name, Errs))
      continue;
    H.Name = toLower(H.Name);
    if (!model::getString(E, "kind", H.Kind, Errs, /*Required=*/false))
      H.Kind = "credential";
    H.Scheme = optBool(E, "scheme", false, Errs);
    Headers.push_back(std::move(H));
  }
}

NameResult Knowledge::classifyName(std::string_view Identifier) const {
  std::vector<std::string> W = text::identifierWords(Identifier);
  auto MatchAt = [&](const std::vector<std::string> &P, size_t I) {
    if (I + P.size() > W.size())
      return false;
    for (size_t J = 0; J < P.size(); ++J) {
      const std::string &A = W[I + J], &B = P[J];
      bool Last = J + 1 == P.size();
      if (A == B || (Last && A == B + "s"))
        continue;
      return false;
    }
    return true;
  };
  const CredentialName *Best = nullptr;
  size_t BestStart = 0, BestEnd = 0;
  for (const CredentialName &N : Names)
    for (size_t I = 0; I < W.size(); ++I) {
      bool Hit = MatchAt(N.Words, I);
      if (!Hit && N.Compound && N.Words.size() == 1 && W[I].size() > N.Words[0].size() &&
          (endsWith(W[I], N.Words[0]) || endsWith(W[I], N.Words[0] + "s")))
        Hit = true;
      if (!Hit)
        continue;
      size_t End = I + N.Words.size();
      if (!Best || End > BestEnd || (End == BestEnd && I < BestStart)) {
        Best = &N;
        BestStart = I;
        BestEnd = End;
      }
    }
  NameResult R;
  if (!Best)
    return R;
  for (const IgnoredPart &P : Ignored) {
    if (P.Where == IgnoredPart::After) {
      for (size_t I = BestEnd; I < W.size(); ++I)
        if (MatchAt(P.Words, I)) {
          R.Verdict = NameVerdict::AboutCredential;
          R.Kind = Best->Kind;
          return R;
        }
      // An ignored phrase that overlaps the end of the credential phrase
      // ("key id" in "access_key_id").
      for (size_t I = BestStart + 1; I < BestEnd; ++I)
        if (P.Words.size() > 1 && MatchAt(P.Words, I) && I + P.Words.size() > BestEnd) {
          R.Verdict = NameVerdict::AboutCredential;
          R.Kind = Best->Kind;
          return R;
        }
    } else if (BestStart >= P.Words.size() && MatchAt(P.Words, BestStart - P.Words.size())) {
      R.Verdict = NameVerdict::AboutCredential;
      R.Kind = Best->Kind;
      return R;
    }
  }
  R.Verdict = NameVerdict::Credential;
  R.Kind = Best->Kind;
  return R;
}

bool Knowledge::isTemplateOrWeak(std::string_view V, bool *Weak) const {
  *Weak = false;
  for (const PlaceholderPattern &P : Placeholders)
    if (P.Cls == PlaceholderPattern::Template && std::regex_search(V.begin(), V.end(), P.Re))
      return true;
  for (const PlaceholderPattern &P : Placeholders)
    if (P.Cls == PlaceholderPattern::Weak && std::regex_search(V.begin(), V.end(), P.Re)) {
      *Weak = true;
      return true;
    }
  return false;
}

ValueVerdict Knowledge::classifyValue(std::string_view Value, double MinEntropy) const {
  std::string_view V = trim(Value);
  if (V.empty())
    return ValueVerdict::Empty;
  bool Weak = false;
  if (isTemplateOrWeak(V, &Weak))
    return Weak ? ValueVerdict::Weak : ValueVerdict::Template;
  // Prose: several words separated by spaces, or a prompt/label ending in ':'.
  // A label or message ending in ':', '?' or '!' ("Password:", "Error!"),
  // but not a password that ends with a symbol ("Zq7-pl4n!").
  if (V.back() == ':' || V.back() == '?' || V.back() == '!') {
    bool Wordy = true;
    for (char C : V.substr(0, V.size() - 1))
      if (!isAlpha(C) && !isSpace(C) && C != '\'' && C != ',' && C != '-')
        Wordy = false;
    if (Wordy)
      return ValueVerdict::Prose;
  }
  {
    int Words = 0;
    bool Space = false;
    size_t I = 0;
    while (I < V.size()) {
      if (isSpace(V[I])) {
        Space = true;
        ++I;
        continue;
      }
      size_t J = I;
      bool AllAlpha = true;
      while (J < V.size() && !isSpace(V[J])) {
        if (!isAlpha(V[J]) && V[J] != '\'' && V[J] != ',' && V[J] != '.')
          AllAlpha = false;
        ++J;
      }
      if (AllAlpha && J - I >= 2)
        ++Words;
      I = J;
    }
    if (Space && Words >= 2)
      return ValueVerdict::Prose;
  }
  // Paths and URLs (a URL with a password is found by uriPassword()).
  {
    static const std::regex PathRe(
        R"(^(/|\./|\.\./|~/|[A-Za-z]:\\)|^[A-Za-z][A-Za-z0-9+.-]*://|\.(pem|key|crt|cer|der|p12|pfx|jks|json|ya?ml|txt|env|ini|conf|cfg|toml)$)",
        std::regex::icase | std::regex::optimize);
    if (std::regex_search(V.begin(), V.end(), PathRe))
      return ValueVerdict::PathOrUrl;
  }
  // Identifier-like: letters and separators only (admin, DB_PASSWORD,
  // db.password, x-api-key). Long mixed-case random letters still count as
  // secrets.
  {
    bool OnlyLetters = isAlpha(V.front());
    bool Upper = false, LowerC = false;
    for (char C : V) {
      if (isUpper(C))
        Upper = true;
      if (isLower(C))
        LowerC = true;
      if (!isAlpha(C) && C != '_' && C != '-' && C != '.' && C != ':')
        OnlyLetters = false;
    }
    // Identifiers have words of 3+ letters on average; random strings split
    // into many 1-2 letter "words" at their case changes.
    bool RandomLooking = V.size() >= 16 && Upper && LowerC && shannonEntropy(V) >= 3.5 &&
                         text::identifierWords(V).size() * 3 > V.size();
    if (OnlyLetters && !RandomLooking)
      return ValueVerdict::Identifier;
  }
  if (shannonEntropy(V) < MinEntropy)
    return ValueVerdict::LowEntropy;
  return ValueVerdict::Secret;
}

bool Knowledge::rejectedAtSink(std::string_view Value) const {
  switch (classifyValue(Value, 0.0)) {
  case ValueVerdict::Empty:
  case ValueVerdict::Template:
  case ValueVerdict::Prose:
    return true;
  default:
    return false;
  }
}

std::vector<TokenMatch> Knowledge::findTokens(std::string_view Text) const {
  std::vector<TokenMatch> R;
  for (const TokenFormat &T : Tokens) {
    if (!T.Keywords.empty()) {
      bool Any = false;
      for (const std::string &K : T.Keywords)
        if (Text.find(K) != std::string_view::npos) {
          Any = true;
          break;
        }
      if (!Any)
        continue;
    }
    for (auto It = std::regex_iterator<std::string_view::const_iterator>(Text.begin(),
                                                                          Text.end(), T.Re);
         It != decltype(It)(); ++It) {
      const auto &M = *It;
      if (!M[T.Group].matched || M.length(T.Group) == 0)
        continue;
      Span S{static_cast<size_t>(M.position(T.Group)), static_cast<size_t>(M.length(T.Group))};
      std::string_view Secret = Text.substr(S.Offset, S.Length);
      if (T.Exclude && std::regex_search(Secret.begin(), Secret.end(), *T.Exclude))
        continue;
      bool Weak = false;
      if (isTemplateOrWeak(Secret, &Weak))
        continue;
      // Skip overlaps with an earlier, more specific format.
      bool Overlap = false;
      for (const TokenMatch &O : R)
        if (S.Offset < O.Where.Offset + O.Where.Length && O.Where.Offset < S.Offset + S.Length)
          Overlap = true;
      if (!Overlap)
        R.push_back(TokenMatch{&T, S});
    }
  }
  std::sort(R.begin(), R.end(), [](const TokenMatch &A, const TokenMatch &B) {
    return A.Where.Offset < B.Where.Offset;
  });
  return R;
}

std::optional<CredentialHeader> Knowledge::credentialHeader(std::string_view Name) const {
  std::string N = toLower(trim(Name));
  for (const CredentialHeader &H : Headers)
    if (H.Name == N)
      return H;
  NameResult C = classifyName(N);
  if (C.Verdict == NameVerdict::Credential) {
    CredentialHeader H;
    H.Name = N;
    H.Scheme = false;
    H.Kind = C.Kind;
    return H;
  }
  return std::nullopt;
}

std::optional<Span> Knowledge::headerValueCredential(std::string_view Name,
                                                     std::string_view Value,
                                                     std::string *Kind) const {
  auto H = credentialHeader(Name);
  if (!H)
    return std::nullopt;
  std::string_view V = trim(Value);
  if (V.empty())
    return std::nullopt;
  if (H->Scheme) {
    static const std::regex SchemeOnly(R"(^(bearer|basic|token|digest|negotiate|apikey)$)",
                                       std::regex::icase | std::regex::optimize);
    if (std::regex_search(V.begin(), V.end(), SchemeOnly))
      return std::nullopt;
    size_t Sp = V.find(' ');
    if (Sp != std::string_view::npos) {
      std::string_view Scheme = V.substr(0, Sp);
      V = trim(V.substr(Sp + 1));
      if (Kind)
        *Kind = toLower(Scheme) == "basic" ? "basic-auth credentials"
                : toLower(Scheme) == "bearer" ? "bearer token"
                                             : H->Kind;
      if (V.empty())
        return std::nullopt;
      return spanOf(Value, V);
    }
  }
  if (Kind)
    *Kind = H->Kind;
  return spanOf(Value, V);
}

std::optional<Span> Knowledge::headerLineCredential(std::string_view Line,
                                                    std::string *Kind) const {
  size_t Colon = Line.find(':');
  if (Colon == std::string_view::npos)
    return std::nullopt;
  auto S = headerValueCredential(Line.substr(0, Colon), Line.substr(Colon + 1), Kind);
  if (S)
    S->Offset += Colon + 1;
  return S;
}

std::optional<Span> Knowledge::redisAuthPassword(std::string_view Format, int *FormatArg) const {
  if (FormatArg)
    *FormatArg = -1;
  std::string_view F = trim(Format);
  if (F.size() < 5 || toLower(F.substr(0, 4)) != "auth" || !isSpace(F[4]))
    return std::nullopt;
  // Last whitespace-separated token is the password (AUTH [user] password).
  size_t End = F.size();
  size_t Begin = F.find_last_of(" \t", End - 1);
  Begin = Begin == std::string_view::npos ? 0 : Begin + 1;
  std::string_view Tok = F.substr(Begin, End - Begin);
  if (Tok.size() == 2 && Tok[0] == '%' && (Tok[1] == 's' || Tok[1] == 'b')) {
    // Count the argument index of this conversion.
    int Arg = 0;
    for (size_t I = 0; I < static_cast<size_t>(Tok.data() - Format.data()); ++I)
      if (Format[I] == '%') {
        if (I + 1 < Format.size() && Format[I + 1] == '%') {
          ++I;
          continue;
        }
        Arg += (I + 1 < Format.size() && Format[I + 1] == 'b') ? 2 : 1;
      }
    if (FormatArg)
      *FormatArg = Arg;
    return std::nullopt;
  }
  if (Tok.find('%') != std::string_view::npos)
    return std::nullopt;
  return spanOf(Format, Tok);
}

} // namespace prodready::secrets
