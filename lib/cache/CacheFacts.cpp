//===- CacheFacts.cpp - per-TU facts about long-lived containers ----------===//
#include "CacheFacts.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace prodready::cache {

using nlohmann::json;

std::string Location::str() const {
  return File + ":" + std::to_string(Line) + ":" + std::to_string(Column);
}

const char *storageName(Storage S) {
  switch (S) {
  case Storage::Global:
    return "global";
  case Storage::StaticLocal:
    return "static-local";
  case Storage::StaticMember:
    return "static-member";
  case Storage::Member:
    return "member";
  }
  return "global";
}

bool parseStorage(const std::string &S, Storage &Out) {
  for (Storage C : {Storage::Global, Storage::StaticLocal, Storage::StaticMember, Storage::Member})
    if (S == storageName(C)) {
      Out = C;
      return true;
    }
  return false;
}

bool parseExternalGlobals(const std::string &S, ExternalGlobals &Out) {
  if (S == "never")
    Out = ExternalGlobals::Never;
  else if (S == "unexported")
    Out = ExternalGlobals::Unexported;
  else if (S == "always")
    Out = ExternalGlobals::Always;
  else
    return false;
  return true;
}

bool ContainerFacts::ownerComplete() const {
  std::set<std::string> Defined(OwnerMethodsDefined.begin(), OwnerMethodsDefined.end());
  for (const auto &D : OwnerMethodsDeclared)
    if (!Defined.count(D))
      return false;
  return true;
}

// ---- JSON ------------------------------------------------------------------

namespace {
template <class T> void opt(const json &J, const char *K, T &Out) {
  auto It = J.find(K);
  if (It != J.end() && !It->is_null())
    It->get_to(Out);
}
} // namespace

void to_json(json &J, const Location &L) {
  J = json{{"file", L.File}, {"line", L.Line}, {"column", L.Column}};
}
void from_json(const json &J, Location &L) {
  opt(J, "file", L.File);
  opt(J, "line", L.Line);
  opt(J, "column", L.Column);
}

void to_json(json &J, const GrowthSite &S) {
  J = json{{"loc", S.Loc},           {"method", S.Method},
           {"function", S.Function}, {"function_usr", S.FunctionUSR},
           {"one_time", S.OneTime},  {"one_time_reason", S.OneTimeReason},
           {"constant_key", S.ConstantKey}, {"capped", S.Capped},
           {"in_macro", S.InMacro},  {"in_handler", S.InHandler},
           {"handler", S.Handler},   {"from_request", S.FromRequest},
           {"request_key", S.RequestKey}, {"key_param", S.KeyParam}};
}
void from_json(const json &J, GrowthSite &S) {
  opt(J, "loc", S.Loc);
  opt(J, "method", S.Method);
  opt(J, "function", S.Function);
  opt(J, "function_usr", S.FunctionUSR);
  opt(J, "one_time", S.OneTime);
  opt(J, "one_time_reason", S.OneTimeReason);
  opt(J, "constant_key", S.ConstantKey);
  opt(J, "capped", S.Capped);
  opt(J, "in_macro", S.InMacro);
  opt(J, "in_handler", S.InHandler);
  opt(J, "handler", S.Handler);
  opt(J, "from_request", S.FromRequest);
  opt(J, "request_key", S.RequestKey);
  opt(J, "key_param", S.KeyParam);
}

void to_json(json &J, const ShrinkSite &S) {
  J = json{{"loc", S.Loc},
           {"method", S.Method},
           {"function", S.Function},
           {"function_usr", S.FunctionUSR},
           {"one_time", S.OneTime}};
}
void from_json(const json &J, ShrinkSite &S) {
  opt(J, "loc", S.Loc);
  opt(J, "method", S.Method);
  opt(J, "function", S.Function);
  opt(J, "function_usr", S.FunctionUSR);
  opt(J, "one_time", S.OneTime);
}

void to_json(json &J, const EscapeSite &S) {
  J = json{{"loc", S.Loc}, {"how", S.How}, {"function", S.Function}};
}
void from_json(const json &J, EscapeSite &S) {
  opt(J, "loc", S.Loc);
  opt(J, "how", S.How);
  opt(J, "function", S.Function);
}

void to_json(json &J, const ContainerFacts &F) {
  J = json{{"usr", F.USR},
           {"name", F.Name},
           {"qualified_name", F.QualifiedName},
           {"type", F.TypeName},
           {"kind", F.Kind},
           {"storage", storageName(F.Store)},
           {"decl", F.Decl},
           {"internal_linkage", F.InternalLinkage},
           {"exported", F.Exported},
           {"owner_class", F.OwnerClass},
           {"owner_class_usr", F.OwnerClassUSR},
           {"access", F.Access},
           {"owner_methods_declared", F.OwnerMethodsDeclared},
           {"owner_methods_defined", F.OwnerMethodsDefined},
           {"owner_long_lived", F.OwnerLongLived},
           {"owner_long_lived_reason", F.OwnerLongLivedReason},
           {"owner_request_scoped", F.OwnerRequestScoped},
           {"bounded", F.Bounded},
           {"bounded_reason", F.BoundedReason},
           {"name_hint", F.NameHint},
           {"ttl_field", F.TtlField},
           {"type_note", F.TypeNote},
           {"growth", F.Growth},
           {"shrinks", F.Shrinks},
           {"escapes", F.Escapes}};
}
void from_json(const json &J, ContainerFacts &F) {
  opt(J, "usr", F.USR);
  opt(J, "name", F.Name);
  opt(J, "qualified_name", F.QualifiedName);
  opt(J, "type", F.TypeName);
  opt(J, "kind", F.Kind);
  std::string S = "global";
  opt(J, "storage", S);
  if (!parseStorage(S, F.Store))
    throw std::runtime_error("unknown storage '" + S + "'");
  opt(J, "decl", F.Decl);
  opt(J, "internal_linkage", F.InternalLinkage);
  opt(J, "exported", F.Exported);
  opt(J, "owner_class", F.OwnerClass);
  opt(J, "owner_class_usr", F.OwnerClassUSR);
  opt(J, "access", F.Access);
  opt(J, "owner_methods_declared", F.OwnerMethodsDeclared);
  opt(J, "owner_methods_defined", F.OwnerMethodsDefined);
  opt(J, "owner_long_lived", F.OwnerLongLived);
  opt(J, "owner_long_lived_reason", F.OwnerLongLivedReason);
  opt(J, "owner_request_scoped", F.OwnerRequestScoped);
  opt(J, "bounded", F.Bounded);
  opt(J, "bounded_reason", F.BoundedReason);
  opt(J, "name_hint", F.NameHint);
  opt(J, "ttl_field", F.TtlField);
  opt(J, "type_note", F.TypeNote);
  opt(J, "growth", F.Growth);
  opt(J, "shrinks", F.Shrinks);
  opt(J, "escapes", F.Escapes);
}

json TUFacts::toJson() const {
  return json{{"prodready-cache-facts", Version}, {"main_file", MainFile}, {"containers", Containers}};
}

TUFacts TUFacts::fromJson(const json &J) {
  if (!J.is_object())
    throw std::runtime_error("cache facts: expected a JSON object");
  auto V = J.find("prodready-cache-facts");
  if (V == J.end() || !V->is_number_integer() || V->get<int>() != FactsVersion)
    throw std::runtime_error("cache facts: expected \"prodready-cache-facts\": " +
                             std::to_string(FactsVersion));
  TUFacts T;
  T.Version = FactsVersion;
  opt(J, "main_file", T.MainFile);
  try {
    opt(J, "containers", T.Containers);
  } catch (const nlohmann::json::exception &E) {
    throw std::runtime_error(std::string("cache facts: ") + E.what());
  }
  return T;
}

// ---- decision ----------------------------------------------------------------

Verdict decide(const ContainerFacts &F, const DecisionOptions &Opts, bool WholeProgram) {
  Verdict V;
  if (F.Bounded) {
    V.Reason = "bounded: " + F.BoundedReason;
    return V;
  }
  for (size_t I = 0; I < F.Growth.size(); ++I) {
    const GrowthSite &G = F.Growth[I];
    if (!G.OneTime && !G.ConstantKey && !G.Capped)
      V.GrowthSites.push_back(I);
  }
  if (V.GrowthSites.empty()) {
    V.Reason = F.Growth.empty() ? "never grows"
                                : "no growth outside one-time initialisation, constant keys "
                                  "or size caps";
    return V;
  }
  for (const ShrinkSite &S : F.Shrinks)
    if (!S.OneTime) {
      V.Reason = "shrinks ('" + S.Method + "'" +
                 (S.Function.empty() ? std::string() : " in '" + S.Function + "'") + ")";
      V.GrowthSites.clear();
      return V;
    }
  if (!F.Escapes.empty()) {
    V.Reason = "escapes: " + F.Escapes.front().How;
    V.GrowthSites.clear();
    return V;
  }
  auto Silent = [&](std::string Why) {
    V.Reason = std::move(Why);
    V.GrowthSites.clear();
    return V;
  };
  switch (F.Store) {
  case Storage::StaticLocal:
    break;
  case Storage::Global:
    if (F.InternalLinkage || WholeProgram)
      break;
    if (Opts.Externals == ExternalGlobals::Never)
      return Silent("not visible: external linkage");
    if (Opts.Externals == ExternalGlobals::Unexported && F.Exported)
      return Silent("not visible: declared outside this file");
    break;
  case Storage::Member:
  case Storage::StaticMember:
    if (F.Access == "public" && !Opts.ReportPublicMembers)
      return Silent("not visible: public member");
    if (!F.ownerComplete())
      return Silent("not visible: a member function or friend of '" + F.OwnerClass +
                    "' is defined elsewhere");
    if (F.Store == Storage::Member) {
      if (F.OwnerRequestScoped)
        return Silent("owner '" + F.OwnerClass + "' is request-scoped");
      if (!F.OwnerLongLived)
        return Silent("owner '" + F.OwnerClass + "' is not known to be long-lived");
    }
    break;
  }
  V.Report = true;
  return V;
}

// ---- message -----------------------------------------------------------------

namespace {
std::string describeStorage(const ContainerFacts &F) {
  switch (F.Store) {
  case Storage::Global:
    return (F.InternalLinkage ? "static " : "global ") + F.TypeName;
  case Storage::StaticLocal:
    return "static local " + F.TypeName;
  case Storage::StaticMember:
    return "static member " + F.TypeName;
  case Storage::Member:
    return F.TypeName + " member of '" + F.OwnerClass + "'";
  }
  return F.TypeName;
}

std::string neverShrinks(const std::string &Kind) {
  if (Kind == "sequence" || Kind == "deque" || Kind == "forward-list")
    return "is never trimmed or size-capped";
  return "is never erased or size-capped";
}
} // namespace

std::string message(const ContainerFacts &F, const Verdict &V) {
  std::vector<std::string> Fns;
  for (size_t I : V.GrowthSites) {
    const std::string &Fn = F.Growth[I].Function.empty() ? std::string("<global scope>")
                                                         : F.Growth[I].Function;
    if (std::find(Fns.begin(), Fns.end(), Fn) == Fns.end())
      Fns.push_back(Fn);
  }
  std::string M = "'" + F.Name + "' (" + describeStorage(F) + ") grows in ";
  for (size_t I = 0; I < Fns.size() && I < 2; ++I) {
    if (I)
      M += Fns.size() == 2 ? " and " : ", ";
    M += "'" + Fns[I] + "'";
  }
  if (Fns.size() > 2)
    M += " and " + std::to_string(Fns.size() - 2) + " more function" +
         (Fns.size() > 3 ? "s" : "");
  M += " and " + neverShrinks(F.Kind);

  // Escalation: request data first, then handler reachability, then the name.
  const GrowthSite *Req = nullptr, *Handler = nullptr, *Param = nullptr;
  for (size_t I : V.GrowthSites) {
    const GrowthSite &G = F.Growth[I];
    if (G.FromRequest && !Req)
      Req = &G;
    if (G.InHandler && !Handler)
      Handler = &G;
    if (!G.KeyParam.empty() && !Param)
      Param = &G;
  }
  bool Keyed = F.Kind == "map" || F.Kind == "set";
  if (Req) {
    std::string What = Req->RequestKey.empty() ? std::string("request data") : Req->RequestKey;
    M += Keyed ? "; grows by one entry per distinct client-supplied " + What
               : "; grows with every request (filled from " + What + ")";
  } else if (Handler) {
    M += "; reached from request handler '" + Handler->Handler + "'";
    if (Param)
      M += (Keyed ? ", keyed by parameter '" : ", filled from parameter '") + Param->KeyParam + "'";
  } else if (Param) {
    M += (Keyed ? "; keyed by parameter '" : "; filled from parameter '") + Param->KeyParam + "'";
  }
  if (!F.TtlField.empty())
    M += "; entries carry '" + F.TtlField + "' but nothing ever expires them";
  else if (!F.NameHint.empty() && !Req && !Handler && !Param)
    M += "; named like a cache ('" + F.NameHint + "')";
  return M;
}

std::string capFix(const std::string &Template, const std::string &ObjPrefix,
                   const std::string &Max) {
  std::string Out;
  for (size_t I = 0; I < Template.size();) {
    if (Template.compare(I, 5, "{obj}") == 0) {
      Out += ObjPrefix;
      I += 5;
    } else if (Template.compare(I, 5, "{max}") == 0) {
      Out += Max;
      I += 5;
    } else {
      Out += Template[I++];
    }
  }
  return Out;
}

// ---- combine -------------------------------------------------------------------

std::vector<ContainerFacts> combine(const std::vector<TUFacts> &TUs) {
  std::map<std::string, ContainerFacts> ByUSR;
  std::vector<std::string> Order;
  auto AddUnique = [](auto &Into, const auto &From, auto Key) {
    for (const auto &X : From) {
      bool Dup = false;
      for (const auto &Y : Into)
        if (Key(X) == Key(Y)) {
          Dup = true;
          break;
        }
      if (!Dup)
        Into.push_back(X);
    }
  };
  auto Strs = [](std::vector<std::string> &Into, const std::vector<std::string> &From) {
    for (const auto &S : From)
      if (std::find(Into.begin(), Into.end(), S) == Into.end())
        Into.push_back(S);
  };
  for (const TUFacts &TU : TUs)
    for (const ContainerFacts &F : TU.Containers) {
      std::string Key = F.USR.empty() ? F.Decl.str() + "#" + F.Name : F.USR;
      auto It = ByUSR.find(Key);
      if (It == ByUSR.end()) {
        ByUSR.emplace(Key, F);
        Order.push_back(Key);
        continue;
      }
      ContainerFacts &M = It->second;
      auto SiteKey = [](const auto &S) { return S.Loc.str() + "#" + S.Method; };
      AddUnique(M.Growth, F.Growth, SiteKey);
      AddUnique(M.Shrinks, F.Shrinks, SiteKey);
      AddUnique(M.Escapes, F.Escapes,
                [](const EscapeSite &S) { return S.Loc.str() + "#" + S.How; });
      Strs(M.OwnerMethodsDeclared, F.OwnerMethodsDeclared);
      Strs(M.OwnerMethodsDefined, F.OwnerMethodsDefined);
      M.Exported = M.Exported || F.Exported;
      M.Bounded = M.Bounded || F.Bounded;
      if (M.BoundedReason.empty())
        M.BoundedReason = F.BoundedReason;
      if (!M.OwnerLongLived && F.OwnerLongLived) {
        M.OwnerLongLived = true;
        M.OwnerLongLivedReason = F.OwnerLongLivedReason;
      }
      M.OwnerRequestScoped = M.OwnerRequestScoped || F.OwnerRequestScoped;
      if (M.TtlField.empty())
        M.TtlField = F.TtlField;
    }
  std::vector<ContainerFacts> R;
  for (const auto &K : Order)
    R.push_back(std::move(ByUSR[K]));
  return R;
}

} // namespace prodready::cache
