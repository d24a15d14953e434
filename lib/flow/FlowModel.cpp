//===- FlowModel.cpp ------------------------------------------------------===//
#include "FlowModel.h"
#include "SqlKeys.h"
#include "text/Words.h"

#include <algorithm>
#include <cctype>

namespace prodready::flow {

using model::Entry;
using model::ModelError;

const char *describe(SourceKind K) {
  switch (K) {
  case SourceKind::RouteParameter: return "route parameter";
  case SourceKind::QueryParameter: return "query parameter";
  case SourceKind::Header: return "header";
  case SourceKind::Cookie: return "cookie";
  case SourceKind::Body: return "request body";
  case SourceKind::Path: return "request path";
  case SourceKind::Other: break;
  }
  return "request data";
}

std::optional<SourceKind> parseSourceKind(std::string_view S) {
  if (S == "route-parameter") return SourceKind::RouteParameter;
  if (S == "query-parameter") return SourceKind::QueryParameter;
  if (S == "header") return SourceKind::Header;
  if (S == "cookie") return SourceKind::Cookie;
  if (S == "body") return SourceKind::Body;
  if (S == "path") return SourceKind::Path;
  if (S == "other") return SourceKind::Other;
  return std::nullopt;
}

const char *describe(Access A) {
  switch (A) {
  case Access::Read: return "read";
  case Access::Write: return "write";
  case Access::Any: break;
  }
  return "access";
}

std::string_view stripGlobal(std::string_view Q) {
  if (Q.substr(0, 2) == "::")
    Q.remove_prefix(2);
  return Q;
}

std::string normaliseKey(std::string_view Key) {
  std::string Out;
  for (char C : Key)
    if (std::isalnum(static_cast<unsigned char>(C)))
      Out += static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  return Out;
}

bool isIdLikeName(std::string_view Name) {
  auto Words = text::words(Name);
  if (Words.empty())
    return false;
  static const char *const Last[] = {"id", "ids", "uuid", "guid", "key", "slug", "pk",
                                     "uid", "filename", "file", "path", "handle", "ref",
                                     "number", "no", "num"};
  const std::string &W = Words.back();
  for (const char *L : Last)
    if (W == L)
      return true;
  // "docid", "userid", "orderid" written as one word.
  if (Words.size() == 1 && W.size() > 2 &&
      (W.compare(W.size() - 2, 2, "id") == 0 || W.compare(W.size() - 3, 3, "ids") == 0) &&
      W != "paid" && W != "valid" && W != "invalid" && W != "android" && W != "void" &&
      W != "avoid" && W != "grid" && W != "fluid" && W != "liquid" && W != "rapid" &&
      W != "hybrid" && W != "ids")
    return true;
  return false;
}

bool SinkSpec::isValueArg(int I) const {
  if (ValuesFrom >= 0 && I >= ValuesFrom)
    return true;
  return std::find(ValueArgs.begin(), ValueArgs.end(), I) != ValueArgs.end();
}

static std::optional<std::regex> compileRegex(const Entry &E, std::string_view Key,
                                              std::vector<ModelError> &Errors) {
  std::string Pattern;
  if (!model::getString(E, Key, Pattern, Errors, /*Required=*/false) || Pattern.empty())
    return std::nullopt;
  try {
    return std::regex(Pattern, std::regex::ECMAScript | std::regex::icase |
                                   std::regex::optimize);
  } catch (const std::regex_error &Ex) {
    Errors.push_back(E.error(std::string("invalid regular expression: ") + Ex.what(), Key));
    return std::nullopt;
  }
}

static bool getIntList(const Entry &E, const char *Key, std::vector<int> &Out,
                       std::vector<ModelError> &Errors) {
  auto It = E.Value->find(Key);
  if (It == E.Value->end())
    return true;
  if (!It->is_array()) {
    Errors.push_back(E.error("expected an array of integers", Key));
    return false;
  }
  for (const auto &V : *It) {
    if (!V.is_number_integer()) {
      Errors.push_back(E.error("expected an array of integers", Key));
      return false;
    }
    Out.push_back(V.get<int>());
  }
  return true;
}

static std::vector<std::string> functionsOf(const Entry &E, std::vector<ModelError> &Errors) {
  std::vector<std::string> Fns;
  std::string One;
  if (model::getString(E, "function", One, Errors, false) && !One.empty())
    Fns.push_back(std::string(stripGlobal(One)));
  std::vector<std::string> Many;
  if (model::getStringList(E, "functions", Many, Errors, false))
    for (auto &F : Many)
      Fns.push_back(std::string(stripGlobal(F)));
  return Fns;
}

static Access parseAccess(const Entry &E, std::vector<ModelError> &Errors) {
  std::string A = "any";
  model::getString(E, "access", A, Errors, false);
  if (A == "read") return Access::Read;
  if (A == "write") return Access::Write;
  if (A != "any")
    Errors.push_back(E.error("access must be read, write or any", "access"));
  return Access::Any;
}

std::shared_ptr<FlowModel> FlowModel::build(const model::Model &M,
                                            std::vector<ModelError> &Errors) {
  auto FM = std::make_shared<FlowModel>();

  for (const Entry &E : M.section("request-handlers")) {
    HandlerSpec H;
    model::getString(E, "framework", H.Framework, Errors);
    if (!model::getString(E, "request-type", H.RequestType, Errors))
      continue;
    H.RequestType = std::string(stripGlobal(H.RequestType));
    model::getString(E, "response-type", H.ResponseType, Errors, false);
    H.ResponseType = std::string(stripGlobal(H.ResponseType));
    model::getString(E, "forbidden", H.Forbidden, Errors, false);
    std::string RP;
    if (model::getString(E, "route-parameters", RP, Errors, false) && !RP.empty()) {
      if (RP == "extra-parameters")
        H.ExtraParamsAreRouteParams = true;
      else
        Errors.push_back(E.error("route-parameters must be 'extra-parameters'", "route-parameters"));
    }
    model::getStringList(E, "template-args", H.TemplateArgs, Errors, false);
    model::getStringList(E, "readers", H.Readers, Errors, false);
    for (auto &R : H.Readers)
      R = std::string(stripGlobal(R));
    auto En = E.Value->find("enabled");
    if (En != E.Value->end() && En->is_boolean())
      H.Enabled = En->get<bool>();
    FM->AnyReaders = FM->AnyReaders || (H.Enabled && !H.Readers.empty());
    FM->Handlers.push_back(std::move(H));
  }

  for (const Entry &E : M.section("route-registrations")) {
    RouteSpec R;
    model::getString(E, "framework", R.Framework, Errors);
    if (!model::getString(E, "function", R.Function, Errors))
      continue;
    R.Function = std::string(stripGlobal(R.Function));
    model::getString(E, "method", R.Method, Errors, false);
    model::getInt(E, "route-arg", R.RouteArg, Errors, false);
    std::string HA;
    auto HIt = E.Value->find("handler-arg");
    if (HIt != E.Value->end() && HIt->is_string()) {
      HA = HIt->get<std::string>();
      if (HA == "chained")
        R.HandlerChained = true;
      else
        Errors.push_back(E.error("handler-arg must be an index or \"chained\"", "handler-arg"));
    } else {
      model::getInt(E, "handler-arg", R.HandlerArg, Errors, false);
    }
    model::getInt(E, "constraints-arg", R.ConstraintsArg, Errors, false);
    auto MIt = E.Value->find("middleware");
    if (MIt != E.Value->end() && MIt->is_boolean())
      R.Middleware = MIt->get<bool>();
    FM->Routes.push_back(std::move(R));
  }

  for (const Entry &E : M.section("request-sources")) {
    SourceSpec S;
    model::getString(E, "framework", S.Framework, Errors, false);
    model::getString(E, "type", S.Type, Errors, false);
    model::getString(E, "function", S.Function, Errors, false);
    model::getString(E, "member", S.Member, Errors, false);
    S.Type = std::string(stripGlobal(S.Type));
    S.Function = std::string(stripGlobal(S.Function));
    if (S.Function.empty() && (S.Type.empty() || S.Member.empty())) {
      Errors.push_back(E.error("needs either 'function' or both 'type' and 'member'"));
      continue;
    }
    std::string Kind;
    if (model::getString(E, "kind", Kind, Errors)) {
      auto K = parseSourceKind(Kind);
      if (!K) {
        Errors.push_back(E.error("unknown kind '" + Kind +
                                     "' (route-parameter, query-parameter, header, "
                                     "cookie, body, path, other)",
                                 "kind"));
        continue;
      }
      S.Kind = *K;
    }
    model::getInt(E, "key-arg", S.KeyArg, Errors, false);
    FM->Sources.push_back(std::move(S));
  }

  for (const Entry &E : M.section("data-sinks")) {
    SinkSpec Base;
    model::getString(E, "kind", Base.Kind, Errors);
    getIntList(E, "value-args", Base.ValueArgs, Errors);
    model::getInt(E, "values-from", Base.ValuesFrom, Errors, false);
    model::getInt(E, "sql-arg", Base.SqlArg, Errors, false);
    model::getInt(E, "statement-arg", Base.StatementArg, Errors, false);
    model::getStringList(E, "executed-by", Base.ExecutedBy, Errors, false);
    for (auto &X : Base.ExecutedBy)
      X = std::string(stripGlobal(X));
    Base.Acc = parseAccess(E, Errors);
    std::string Ctor;
    model::getString(E, "constructor-of", Ctor, Errors, false);
    auto Fns = functionsOf(E, Errors);
    if (Fns.empty() && Ctor.empty()) {
      Errors.push_back(E.error("needs 'function', 'functions' or 'constructor-of'"));
      continue;
    }
    if (Base.ValueArgs.empty() && Base.ValuesFrom < 0 && Base.SqlArg < 0) {
      Errors.push_back(E.error("needs 'value-args', 'values-from' or 'sql-arg'"));
      continue;
    }
    if (!Ctor.empty()) {
      SinkSpec S = Base;
      S.ConstructorOf = std::string(stripGlobal(Ctor));
      FM->Sinks.push_back(std::move(S));
    }
    for (auto &F : Fns) {
      SinkSpec S = Base;
      S.Function = F;
      FM->Sinks.push_back(std::move(S));
    }
  }

  for (const Entry &E : M.section("sql-streams")) {
    SqlStreamSpec S;
    bool Ok = model::getStringList(E, "statement-operators", S.StatementOperators, Errors) &&
              model::getStringList(E, "chain-operators", S.ChainOperators, Errors) &&
              model::getStringList(E, "binds", S.Binds, Errors);
    if (!Ok || S.StatementOperators.empty() || S.ChainOperators.empty() || S.Binds.empty()) {
      Errors.push_back(E.error("needs non-empty 'statement-operators', 'chain-operators' and 'binds'"));
      continue;
    }
    for (auto *L : {&S.StatementOperators, &S.ChainOperators, &S.Binds})
      for (auto &F : *L)
        F = std::string(stripGlobal(F));
    S.Acc = parseAccess(E, Errors);
    FM->SqlStreams.push_back(std::move(S));
  }

  for (const Entry &E : M.section("repository-sinks")) {
    auto T = compileRegex(E, "object-type-regex", Errors);
    auto Me = compileRegex(E, "method-regex", Errors);
    auto W = compileRegex(E, "write-regex", Errors);
    if (!T || !Me) {
      Errors.push_back(E.error("needs 'object-type-regex' and 'method-regex'"));
      continue;
    }
    FM->Repositories.push_back({*T, *Me, W ? *W : std::regex("$^")});
  }

  for (const Entry &E : M.section("principal-sources")) {
    PrincipalSpec P;
    model::getString(E, "function", P.Function, Errors, false);
    P.Function = std::string(stripGlobal(P.Function));
    P.FunctionRegex = compileRegex(E, "function-regex", Errors);
    model::getString(E, "member-of", P.MemberOf, Errors, false);
    P.MemberOf = std::string(stripGlobal(P.MemberOf));
    model::getString(E, "member", P.Member, Errors, false);
    model::getString(E, "what", P.What, Errors, false);
    if (P.What.empty())
      P.What = "the authenticated principal";
    auto U = E.Value->find("unless-argument");
    if (U != E.Value->end()) {
      if (!U->is_object() || !U->contains("function") || !(*U)["function"].is_string() ||
          !U->contains("literal") || !(*U)["literal"].is_string()) {
        Errors.push_back(E.error("unless-argument needs string 'function' and 'literal'", "unless-argument"));
        continue;
      }
      P.UnlessFunction = std::string(stripGlobal((*U)["function"].get<std::string>()));
      P.UnlessLiteral = (*U)["literal"].get<std::string>();
    }
    if (P.Function.empty() && !P.FunctionRegex && P.MemberOf.empty()) {
      Errors.push_back(E.error("needs 'function', 'function-regex' or 'member-of'"));
      continue;
    }
    FM->Principals.push_back(std::move(P));
  }

  for (const Entry &E : M.section("authorization-guards")) {
    GuardSpec G;
    model::getString(E, "function", G.Function, Errors, false);
    G.Function = std::string(stripGlobal(G.Function));
    G.FunctionRegex = compileRegex(E, "function-regex", Errors);
    auto R = E.Value->find("role");
    if (R != E.Value->end() && R->is_boolean())
      G.Role = R->get<bool>();
    if (G.Function.empty() && !G.FunctionRegex) {
      Errors.push_back(E.error("needs 'function' or 'function-regex'"));
      continue;
    }
    FM->Guards.push_back(std::move(G));
  }

  for (const Entry &E : M.section("client-identity")) {
    std::vector<std::string> H, F;
    model::getStringList(E, "headers", H, Errors, false);
    model::getStringList(E, "fields", F, Errors, false);
    for (auto &X : H)
      FM->IdentityHeaders.push_back(normaliseKey(X));
    for (auto &X : F)
      FM->IdentityFields.push_back(normaliseKey(X));
    if (auto R = compileRegex(E, "header-regex", Errors))
      FM->IdentityHeaderRegexes.push_back(*R);
    if (auto R = compileRegex(E, "credential-cookie-regex", Errors))
      FM->CredentialCookieRegexes.push_back(*R);
    if (auto R = compileRegex(E, "credential-header-regex", Errors))
      FM->CredentialHeaderRegexes.push_back(*R);
  }

  for (const Entry &E : M.section("public-rows")) {
    auto C = compileRegex(E, "column-regex", Errors);
    auto V = compileRegex(E, "value-regex", Errors);
    if (C && V)
      FM->PublicRowPredicates.push_back({*C, *V});
    else if (!E.Value->contains("column-regex") || !E.Value->contains("value-regex"))
      Errors.push_back(E.error("needs 'column-regex' and 'value-regex'"));
  }

  for (const Entry &E : M.section("role-attributes"))
    if (auto R = compileRegex(E, "regex", Errors))
      FM->RoleAttributes.push_back(*R);
    else
      Errors.push_back(E.error("needs 'regex'"));

  for (const Entry &E : M.section("end-user-roles"))
    if (auto R = compileRegex(E, "regex", Errors))
      FM->EndUserRoles.push_back(*R);
    else
      Errors.push_back(E.error("needs 'regex'"));

  for (const Entry &E : M.section("secret-columns"))
    if (auto R = compileRegex(E, "regex", Errors))
      FM->SecretColumns.push_back(*R);
    else
      Errors.push_back(E.error("needs 'regex'"));

  for (const Entry &E : M.section("message-authentication")) {
    std::string Type, Compare;
    model::getString(E, "member-of", Type, Errors, false);
    model::getString(E, "compare", Compare, Errors, false);
    auto R = compileRegex(E, "function-regex", Errors);
    if (Type.empty() && Compare.empty() && !R) {
      if (!E.Value->is_object() || !E.Value->contains("function-regex")) // (a bad regex is reported)
        Errors.push_back(E.error("needs 'member-of', 'function-regex' or 'compare'"));
      continue;
    }
    if (!Type.empty())
      FM->MacTypes.emplace_back(stripGlobal(Type));
    if (!Compare.empty())
      FM->MacCompares.emplace_back(stripGlobal(Compare));
    if (R)
      FM->MacFunctions.push_back(*R);
  }

  for (const Entry &E : M.section("ownership-columns")) {
    std::string R;
    if (!model::getString(E, "regex", R, Errors))
      continue;
    try {
      std::regex Test(R);
    } catch (const std::regex_error &Ex) {
      Errors.push_back(E.error(std::string("invalid regular expression: ") + Ex.what(), "regex"));
      continue;
    }
    FM->OwnerColumns = FM->OwnerColumns.empty() ? R : FM->OwnerColumns + "|" + R;
  }
  FM->OwnerColumnRegex =
      std::regex(FM->OwnerColumns.empty() ? defaultOwnerColumns() : FM->OwnerColumns,
                 std::regex::ECMAScript | std::regex::icase);
  return FM;
}

std::shared_ptr<const FlowModel> FlowModel::get(const model::Model &M,
                                                std::vector<ModelError> &Errors) {
  return M.derive<FlowModel>("prodready.flow", &FlowModel::build, Errors);
}

const SinkSpec *FlowModel::sinkForFunction(std::string_view Q) const {
  Q = stripGlobal(Q);
  for (const auto &S : Sinks)
    if (!S.Function.empty() && S.Function == Q)
      return &S;
  return nullptr;
}

FlowModel::StreamRole FlowModel::streamRole(std::string_view Q, const SqlStreamSpec **Spec) const {
  Q = stripGlobal(Q);
  auto In = [&](const std::vector<std::string> &L) {
    return std::find(L.begin(), L.end(), Q) != L.end();
  };
  for (const auto &S : SqlStreams) {
    StreamRole R = In(S.StatementOperators) ? StreamRole::Statement
                   : In(S.ChainOperators)   ? StreamRole::Chain
                   : In(S.Binds)            ? StreamRole::Bind
                                            : StreamRole::None;
    if (R != StreamRole::None) {
      if (Spec)
        *Spec = &S;
      return R;
    }
  }
  return StreamRole::None;
}

const SinkSpec *FlowModel::sinkForConstructor(std::string_view Q) const {
  Q = stripGlobal(Q);
  for (const auto &S : Sinks)
    if (!S.ConstructorOf.empty() && S.ConstructorOf == Q)
      return &S;
  return nullptr;
}

std::optional<Access> FlowModel::repositoryCall(std::string_view ObjectType,
                                                std::string_view Method) const {
  std::string T(ObjectType), Me(Method);
  // Only the last component of the type name matters.
  auto Pos = T.rfind("::");
  if (Pos != std::string::npos)
    T = T.substr(Pos + 2);
  for (const auto &R : Repositories) {
    if (!std::regex_search(T, R.ObjectType) || !std::regex_search(Me, R.Method))
      continue;
    return std::regex_search(Me, R.Write) ? Access::Write : Access::Read;
  }
  return std::nullopt;
}

const PrincipalSpec *FlowModel::principalFunction(std::string_view Qualified,
                                                  std::string_view Name) const {
  Qualified = stripGlobal(Qualified);
  std::string N(Name);
  for (const auto &P : Principals) {
    if (!P.Function.empty() && P.Function == Qualified)
      return &P;
    if (P.FunctionRegex && !N.empty() && std::regex_search(N, *P.FunctionRegex))
      return &P;
  }
  return nullptr;
}

const PrincipalSpec *FlowModel::principalMember(std::string_view QualifiedType,
                                                std::string_view Member) const {
  QualifiedType = stripGlobal(QualifiedType);
  for (const auto &P : Principals)
    if (!P.MemberOf.empty() && P.MemberOf == QualifiedType &&
        (P.Member.empty() || P.Member == Member))
      return &P;
  return nullptr;
}

const GuardSpec *FlowModel::guardFunction(std::string_view Qualified,
                                          std::string_view Name) const {
  Qualified = stripGlobal(Qualified);
  std::string N(Name);
  for (const auto &G : Guards) {
    if (!G.Function.empty() && G.Function == Qualified)
      return &G;
    if (G.FunctionRegex && !N.empty() && std::regex_search(N, *G.FunctionRegex))
      return &G;
  }
  return nullptr;
}

/// True when any of \p Rs matches (somewhere in) \p Text.
static bool anySearch(const std::vector<std::regex> &Rs, std::string_view Text) {
  std::string N(Text);
  return std::any_of(Rs.begin(), Rs.end(), [&](const std::regex &R) { return std::regex_search(N, R); });
}

bool FlowModel::isEndUserRole(std::string_view Name) const { return anySearch(EndUserRoles, Name); }

bool FlowModel::isRoleAttribute(std::string_view Name) const { return anySearch(RoleAttributes, Name); }

bool FlowModel::isSecretColumn(std::string_view Column) const {
  std::string L(Column);
  std::transform(L.begin(), L.end(), L.begin(), [](unsigned char C) { return std::tolower(C); });
  return !L.empty() && anySearch(SecretColumns, L);
}

bool FlowModel::isSecretName(std::string_view Name) const {
  return isSecretColumn(text::snakeCase(Name));
}

bool FlowModel::isMacType(std::string_view QualifiedType) const {
  return std::find(MacTypes.begin(), MacTypes.end(), stripGlobal(QualifiedType)) != MacTypes.end();
}

bool FlowModel::isMacFunction(std::string_view Name) const {
  return !Name.empty() && anySearch(MacFunctions, Name);
}

bool FlowModel::isMacCompare(std::string_view Qualified) const {
  return std::find(MacCompares.begin(), MacCompares.end(), stripGlobal(Qualified)) != MacCompares.end();
}

bool FlowModel::isIdentityHeader(std::string_view Header) const {
  auto N = normaliseKey(Header);
  if (std::find(IdentityHeaders.begin(), IdentityHeaders.end(), N) != IdentityHeaders.end())
    return true;
  std::string L(Header);
  for (char &C : L)
    C = static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  return anySearch(IdentityHeaderRegexes, L);
}

bool FlowModel::isOwnershipName(std::string_view Name) const {
  std::string N;
  for (char C : Name)
    N += static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  if (N.rfind("get", 0) == 0 && N.size() > 3) // accessors: getOwnerId(), get_owner()
    N.erase(0, N[3] == '_' ? 4 : 3);
  return std::regex_search(N, OwnerColumnRegex);
}

bool FlowModel::selectsPublicRows(
    const std::vector<std::pair<std::string, std::string>> &WhereConstants) const {
  for (const auto &[Column, Value] : WhereConstants)
    for (const auto &P : PublicRowPredicates)
      if (std::regex_search(Column, P.Column) && std::regex_search(Value, P.Value))
        return true;
  return false;
}

bool FlowModel::isCredentialCookie(std::string_view Name) const {
  return anySearch(CredentialCookieRegexes, Name);
}

bool FlowModel::isCredentialHeader(std::string_view Name) const {
  std::string L(Name);
  for (char &C : L)
    C = static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  return anySearch(CredentialHeaderRegexes, L);
}

bool FlowModel::isIdentityField(std::string_view Field) const {
  auto N = normaliseKey(Field);
  return std::find(IdentityFields.begin(), IdentityFields.end(), N) != IdentityFields.end();
}

} // namespace prodready::flow
