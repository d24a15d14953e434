//===- ContainerModel.cpp - container types as data -----------------------===//
#include "ContainerModel.h"
#include "text/Words.h"

#include <algorithm>
#include <cctype>

namespace prodready::cache {
namespace {

using model::Entry;
using model::ModelError;
using nlohmann::json;

ModelError errorAt(const Entry &E, const std::string &Member, const std::string &Msg) {
  return ModelError{E.File, E.Pointer + (Member.empty() ? "" : "/" + Member), Msg};
}

/// Reads an optional list of strings; returns false (and reports) on a type error.
bool readList(const Entry &E, const char *Key, std::set<std::string> &Out, bool &Present,
              std::vector<ModelError> &Errors) {
  Present = false;
  auto It = E.Value->find(Key);
  if (It == E.Value->end())
    return true;
  if (!It->is_array()) {
    Errors.push_back(errorAt(E, Key, "expected an array of method names"));
    return false;
  }
  Present = true;
  Out.clear();
  for (const auto &V : *It) {
    if (!V.is_string()) {
      Errors.push_back(errorAt(E, Key, "expected an array of method names"));
      return false;
    }
    Out.insert(V.get<std::string>());
  }
  return true;
}

bool readWords(const Entry &E, const char *Key, std::vector<std::string> &Out,
               std::vector<ModelError> &Errors) {
  auto It = E.Value->find(Key);
  if (It == E.Value->end() || !It->is_array()) {
    Errors.push_back(errorAt(E, Key, "expected an array of strings"));
    return false;
  }
  for (const auto &V : *It) {
    if (!V.is_string()) {
      Errors.push_back(errorAt(E, Key, "expected an array of strings"));
      return false;
    }
    Out.push_back(V.get<std::string>());
  }
  return true;
}

std::string optString(const Entry &E, const char *Key) {
  auto It = E.Value->find(Key);
  return (It != E.Value->end() && It->is_string()) ? It->get<std::string>() : std::string();
}

using SectionFn = std::function<std::vector<Entry>(std::string_view)>;

std::shared_ptr<ContainerModel> buildFrom(const SectionFn &Section,
                                          std::vector<ModelError> &Errors);

} // namespace

// Friend-free construction: the builder fills the private maps through this
// small accessor struct.
struct ContainerModelBuilder {
  static std::shared_ptr<ContainerModel> run(const SectionFn &Section,
                                             std::vector<ModelError> &Errors);
};

namespace {
std::shared_ptr<ContainerModel> buildFrom(const SectionFn &Section,
                                          std::vector<ModelError> &Errors) {
  return ContainerModelBuilder::run(Section, Errors);
}
} // namespace

std::vector<const ConditionalGrowth *>
ContainerType::conditionalGrowth(std::string_view Method) const {
  std::vector<const ConditionalGrowth *> R;
  for (const auto &C : GrowWhenArg)
    if (C.Method == Method)
      R.push_back(&C);
  return R;
}

std::string ContainerModel::normalizeName(std::string_view Q) {
  std::string S(Q);
  if (S.rfind("::", 0) == 0)
    S = S.substr(2);
  // Drop inline/implementation namespaces of the standard libraries.
  static const char *const Inline[] = {"__1::", "__cxx11::", "__debug::", "_V2::", "__cxx1998::"};
  for (const char *I : Inline) {
    size_t P;
    while ((P = S.find(I)) != std::string::npos)
      S.erase(P, std::char_traits<char>::length(I));
  }
  // pmr containers are std::pmr::X; keep them as is.
  return "::" + S;
}

bool ContainerModel::matchesNamePattern(std::string_view Name,
                                        const std::vector<std::string> &Patterns) {
  for (const auto &P : Patterns) {
    if (!P.empty() && P.back() == '*') {
      std::string_view Prefix(P.data(), P.size() - 1);
      if (Name.substr(0, Prefix.size()) == Prefix)
        return true;
    } else if (Name == P) {
      return true;
    }
  }
  return false;
}

std::string ContainerModel::matchWord(std::string_view Identifier,
                                      const std::vector<std::string> &Words) {
  std::vector<std::string> Parts = text::identifierWords(Identifier);
  for (const auto &W : Words)
    for (const auto &P : Parts)
      if (P == W || P == W + "s" || P + "s" == W)
        return W;
  return {};
}

const ContainerType *ContainerModel::find(std::string_view Q) const {
  std::string N = normalizeName(Q);
  auto It = Types.find(N);
  return It == Types.end() ? nullptr : &It->second;
}

int ContainerModel::wrapperArg(std::string_view Q) const {
  auto It = Wrappers.find(normalizeName(Q));
  return It == Wrappers.end() ? -1 : It->second;
}

std::vector<int> ContainerModel::shrinkParams(std::string_view F) const {
  auto It = ShrinkFns.find(normalizeName(F));
  return It == ShrinkFns.end() ? std::vector<int>{} : It->second;
}

bool ContainerModel::isReadOnlyFunction(std::string_view F) const {
  return ReadOnlyFns.count(normalizeName(F)) != 0;
}

int ContainerModel::oneTimeCallParam(std::string_view F) const {
  auto It = OneTimeCalls.find(normalizeName(F));
  return It == OneTimeCalls.end() ? -1 : It->second;
}

void ContainerModel::addTypes(const std::vector<std::string> &Specs,
                              std::vector<std::string> &Errors) {
  for (const auto &S : Specs) {
    auto Eq = S.find('=');
    std::string Name = S.substr(0, Eq);
    std::string Kind = Eq == std::string::npos ? "map" : S.substr(Eq + 1);
    auto K = Kinds.find(Kind);
    if (Name.empty() || K == Kinds.end()) {
      Errors.push_back("'" + S + "': expected '::qualified::Name=kind' with kind one of "
                       "map, set, sequence, deque, forward-list");
      continue;
    }
    ContainerType T = K->second;
    T.Name = normalizeName(Name);
    T.File = "<option>";
    Types[T.Name] = std::move(T);
  }
}

void ContainerModel::addShrinkMethods(const std::vector<std::string> &Methods) {
  for (auto &KV : Types)
    for (const auto &M : Methods)
      KV.second.Shrink.insert(M);
}

std::shared_ptr<ContainerModel> ContainerModelBuilder::run(const SectionFn &Section,
                                                           std::vector<ModelError> &Errors) {
  auto CM = std::make_shared<ContainerModel>();
  auto ReadCommon = [&](const Entry &E, ContainerType &T) {
    bool Present = false;
    std::set<std::string> L;
    if (readList(E, "grow", L, Present, Errors) && Present)
      T.Grow = L;
    if (readList(E, "shrink", L, Present, Errors) && Present)
      T.Shrink = L;
    if (readList(E, "size", L, Present, Errors) && Present)
      T.Size = L;
    auto Fix = E.Value->find("cap-fix");
    if (Fix != E.Value->end()) {
      if (Fix->is_string())
        T.CapFix = Fix->get<std::string>();
      else
        Errors.push_back(errorAt(E, "cap-fix", "expected a string"));
    }
    if (auto A = optString(E, "cap-advice"); !A.empty())
      T.CapAdvice = A;
    if (auto N = optString(E, "note"); !N.empty())
      T.Note = N;
    auto KA = E.Value->find("key-args");
    if (KA != E.Value->end()) {
      if (!KA->is_object()) {
        Errors.push_back(errorAt(E, "key-args", "expected {\"method\": argument-index}"));
      } else {
        for (auto It = KA->begin(); It != KA->end(); ++It)
          if (It.value().is_number_integer())
            T.KeyArgs[It.key()] = It.value().get<int>();
          else
            Errors.push_back(errorAt(E, "key-args/" + It.key(), "expected an argument index"));
      }
    }
    auto K = E.Value->find("keyed");
    if (K != E.Value->end() && K->is_boolean())
      T.Keyed = K->get<bool>();
    auto GW = E.Value->find("grow-when-arg");
    if (GW != E.Value->end()) {
      if (!GW->is_array()) {
        Errors.push_back(errorAt(E, "grow-when-arg", "expected an array"));
      } else {
        T.GrowWhenArg.clear();
        for (const auto &C : *GW) {
          if (!C.is_object() || !C.contains("method") || !C["method"].is_string() ||
              !C.contains("param") || !C["param"].is_number_integer()) {
            Errors.push_back(errorAt(E, "grow-when-arg",
                                     "each rule needs \"method\" (string) and \"param\" (integer)"));
            continue;
          }
          ConditionalGrowth G;
          G.Method = C["method"].get<std::string>();
          G.Param = C["param"].get<int>();
          if (C.contains("value") && C["value"].is_number_integer())
            G.Value = C["value"].get<long long>();
          if (C.contains("absent") && C["absent"].is_boolean())
            G.WhenAbsent = C["absent"].get<bool>();
          T.GrowWhenArg.push_back(G);
        }
      }
    }
    auto B = E.Value->find("bounded-unless-ctor-arg");
    if (B != E.Value->end()) {
      if (!B->is_object() || !B->contains("param") || !(*B)["param"].is_number_integer())
        Errors.push_back(errorAt(E, "bounded-unless-ctor-arg", "expected {\"param\": N, \"value\": V}"));
      else {
        T.BoundedUnlessCtorParam = (*B)["param"].get<int>();
        if (B->contains("value") && (*B)["value"].is_number_integer())
          T.BoundedUnlessCtorValue = (*B)["value"].get<long long>();
      }
    }
  };

  for (const Entry &E : Section("container-kinds")) {
    if (!E.Value->is_object()) {
      Errors.push_back(errorAt(E, "", "expected an object"));
      continue;
    }
    std::string Kind = optString(E, "kind");
    if (Kind.empty()) {
      Errors.push_back(errorAt(E, "kind", "missing \"kind\" (string)"));
      continue;
    }
    ContainerType T;
    T.Kind = Kind;
    T.File = E.File;
    ReadCommon(E, T);
    CM->Kinds[Kind] = std::move(T);
  }
  for (const Entry &E : Section("container-types")) {
    if (!E.Value->is_object()) {
      Errors.push_back(errorAt(E, "", "expected an object"));
      continue;
    }
    std::string Name = optString(E, "name"), Kind = optString(E, "kind");
    if (Name.empty()) {
      Errors.push_back(errorAt(E, "name", "missing \"name\" (fully qualified type name)"));
      continue;
    }
    auto K = CM->Kinds.find(Kind);
    if (K == CM->Kinds.end()) {
      Errors.push_back(errorAt(E, "kind", "unknown container kind '" + Kind +
                                              "' (known: map, set, sequence, deque, forward-list)"));
      continue;
    }
    ContainerType T = K->second;
    T.Name = ContainerModel::normalizeName(Name);
    T.File = E.File;
    T.Note.clear();
    ReadCommon(E, T);
    CM->Types[T.Name] = std::move(T);
  }
  for (const Entry &E : Section("container-wrappers")) {
    std::string Name = E.Value->is_object() ? optString(E, "name") : "";
    auto A = E.Value->is_object() ? E.Value->find("arg") : E.Value->end();
    if (Name.empty() || A == E.Value->end() || !A->is_number_integer()) {
      Errors.push_back(errorAt(E, "", "expected {\"name\": \"::ns::T\", \"arg\": N}"));
      continue;
    }
    CM->Wrappers[ContainerModel::normalizeName(Name)] = A->get<int>();
  }
  for (const Entry &E : Section("container-shrink-functions")) {
    std::string Name = E.Value->is_object() ? optString(E, "name") : "";
    auto P = E.Value->is_object() ? E.Value->find("param") : E.Value->end();
    if (Name.empty() || P == E.Value->end() || !P->is_number_integer()) {
      Errors.push_back(errorAt(E, "", "expected {\"name\": \"::ns::f\", \"param\": N}"));
      continue;
    }
    CM->ShrinkFns[ContainerModel::normalizeName(Name)].push_back(P->get<int>());
  }
  for (const Entry &E : Section("container-one-time-calls")) {
    std::string Name = E.Value->is_object() ? optString(E, "name") : "";
    auto P = E.Value->is_object() ? E.Value->find("param") : E.Value->end();
    if (Name.empty() || P == E.Value->end() || !P->is_number_integer()) {
      Errors.push_back(errorAt(E, "", "expected {\"name\": \"::ns::f\", \"param\": N}"));
      continue;
    }
    CM->OneTimeCalls[ContainerModel::normalizeName(Name)] = P->get<int>();
  }
  for (const Entry &E : Section("container-readonly-functions")) {
    std::string Name = E.Value->is_object() ? optString(E, "name") : "";
    if (Name.empty()) {
      Errors.push_back(errorAt(E, "name", "expected {\"name\": \"::ns::f\"}"));
      continue;
    }
    CM->ReadOnlyFns.insert(ContainerModel::normalizeName(Name));
  }
  auto Words = [&](const char *SectionName, const char *Key, std::vector<std::string> &Out) {
    for (const Entry &E : Section(SectionName)) {
      if (!E.Value->is_object()) {
        Errors.push_back(errorAt(E, "", "expected an object"));
        continue;
      }
      readWords(E, Key, Out, Errors);
    }
  };
  Words("cache-name-hints", "words", CM->CacheWords);
  Words("long-lived-owner-hints", "words", CM->OwnerWords);
  Words("request-scoped-owner-hints", "words", CM->ScopedWords);
  Words("init-function-hints", "names", CM->InitNames);
  Words("ttl-field-hints", "words", CM->TtlWords);
  return CM;
}

std::shared_ptr<ContainerModel> ContainerModel::build(const model::Model &M,
                                                      std::vector<ModelError> &Errors) {
  return buildFrom([&](std::string_view S) { return M.section(S); }, Errors);
}

std::shared_ptr<ContainerModel>
ContainerModel::fromJson(const std::vector<std::pair<std::string, json>> &Docs,
                         std::vector<ModelError> &Errors) {
  return buildFrom(
      [&](std::string_view S) {
        std::vector<Entry> R;
        for (const auto &D : Docs) {
          auto It = D.second.find(std::string(S));
          if (It == D.second.end() || !It->is_array())
            continue;
          for (size_t I = 0; I < It->size(); ++I) {
            Entry E;
            E.Value = &(*It)[I];
            E.File = D.first;
            E.Pointer = "/" + std::string(S) + "/" + std::to_string(I);
            R.push_back(E);
          }
        }
        return R;
      },
      Errors);
}

} // namespace prodready::cache
