//===- ContainerModel.h - container types as data ---------------*- C++ -*-===//
//
// The typed view of the model sections that prodready-unbounded-cache reads
// (lib/model/builtin/containers.json and user model files):
//   container-kinds             map / set / sequence / deque / forward-list:
//                               default grow, shrink and size methods, the
//                               size-cap fix template
//   container-types             fully qualified template names with a kind and
//                               optional per-type method lists (which replace
//                               the kind's lists), conditional growth
//                               (grow-when-arg) and bounded-unless-ctor-arg
//   container-wrappers          shared_ptr<T>, unique_ptr<T>, ...: look through
//   container-shrink-functions  free functions that shrink an argument
//   container-one-time-calls    std::call_once & co: the callable runs once
//   container-readonly-functions free functions that take a container by
//                               reference without keeping or changing it
//   *-hints                     word lists (cache names, owner classes, init
//                               functions, TTL fields)
// No clang here: names are plain strings such as "::std::unordered_map".
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_CACHE_CONTAINERMODEL_H
#define PRODREADY_LIB_CACHE_CONTAINERMODEL_H

#include "../model/Model.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace prodready::cache {

struct ContainerModelBuilder;

/// A growth method that grows only when an argument has a given value (or is
/// absent, i.e. defaulted): drogon::CacheMap::insert(key, value, timeout = 0).
struct ConditionalGrowth {
  std::string Method;
  int Param = 0;
  long long Value = 0;
  bool WhenAbsent = false; ///< Also (or only) when the argument is defaulted.
};

struct ContainerType {
  std::string Name;   ///< "::std::unordered_map"
  std::string Kind;   ///< "map", "set", "sequence", "deque", "forward-list"
  bool Keyed = false; ///< Growth with a constant key is bounded.
  std::set<std::string> Grow, Shrink, Size;
  std::vector<ConditionalGrowth> GrowWhenArg;
  /// Argument index of the key for growth methods whose key is not the
  /// first argument (emplace_hint: 1; tbb insert(accessor, key): 1).
  std::map<std::string, int> KeyArgs;
  int keyArg(std::string_view Method) const {
    auto It = KeyArgs.find(std::string(Method));
    return It == KeyArgs.end() ? 0 : It->second;
  }
  std::string CapFix;    ///< Template with {obj} and {max}; empty: no fix.
  std::string CapAdvice; ///< Extra advice for the note (ring buffer, ...).
  std::string Note;      ///< Type-specific remark for the message.
  /// When set, the container is bounded unless constructor argument
  /// BoundedUnlessCtorParam has the value BoundedUnlessCtorValue.
  std::optional<int> BoundedUnlessCtorParam;
  long long BoundedUnlessCtorValue = 0;
  std::string File; ///< Model file that defined it.

  bool isGrow(std::string_view Method) const { return Grow.count(std::string(Method)); }
  bool isShrink(std::string_view Method) const { return Shrink.count(std::string(Method)); }
  bool isSize(std::string_view Method) const { return Size.count(std::string(Method)); }
  /// Conditional growth rules for \p Method (empty when none).
  std::vector<const ConditionalGrowth *> conditionalGrowth(std::string_view Method) const;
};

class ContainerModel {
public:
  /// Builds the view from \p M; malformed entries go to \p Errors.
  static std::shared_ptr<ContainerModel> build(const model::Model &M,
                                               std::vector<model::ModelError> &Errors);
  /// Same from already-merged JSON documents (unit tests, tools).
  static std::shared_ptr<ContainerModel>
  fromJson(const std::vector<std::pair<std::string, nlohmann::json>> &Docs,
           std::vector<model::ModelError> &Errors);

  /// Adds user-configured types (check options): "::ns::Name=kind" items.
  /// Unknown kinds go to \p Errors.
  void addTypes(const std::vector<std::string> &Specs, std::vector<std::string> &Errors);
  /// Adds extra shrink methods for every type.
  void addShrinkMethods(const std::vector<std::string> &Methods);

  /// The container type named \p QualifiedName ("::std::map"), or null. Leading
  /// "::" is optional; inline namespaces must already be stripped
  /// (std::__1::map -> ::std::map) by the caller; see normalizeName.
  const ContainerType *find(std::string_view QualifiedName) const;
  /// Template argument index to look through for a wrapper, or -1.
  int wrapperArg(std::string_view QualifiedName) const;
  /// Parameter indexes of \p Function that it shrinks (std::erase_if: {0}).
  std::vector<int> shrinkParams(std::string_view Function) const;
  bool isReadOnlyFunction(std::string_view Function) const;
  /// Parameter index of the callable that \p Function runs once
  /// (std::call_once: 1), or -1.
  int oneTimeCallParam(std::string_view Function) const;

  const std::vector<std::string> &cacheNameWords() const { return CacheWords; }
  const std::vector<std::string> &longLivedOwnerWords() const { return OwnerWords; }
  const std::vector<std::string> &requestScopedOwnerWords() const { return ScopedWords; }
  const std::vector<std::string> &initFunctionNames() const { return InitNames; }
  const std::vector<std::string> &ttlFieldWords() const { return TtlWords; }

  /// True when \p Name matches one of \p Patterns (exact, or prefix for a
  /// pattern ending in '*').
  static bool matchesNamePattern(std::string_view Name, const std::vector<std::string> &Patterns);
  /// The first word of \p Words that occurs in \p Identifier's words (a word
  /// also matches its plural with a trailing "s"); empty if none.
  static std::string matchWord(std::string_view Identifier, const std::vector<std::string> &Words);
  /// "std::__1::map" / "std::__cxx11::list" / "map" -> "::std::map" etc.
  static std::string normalizeName(std::string_view QualifiedName);

  const std::map<std::string, ContainerType> &types() const { return Types; }

private:
  friend struct ContainerModelBuilder;
  std::map<std::string, ContainerType> Kinds; ///< kind name -> defaults
  std::map<std::string, ContainerType> Types;
  std::map<std::string, int> Wrappers;
  std::map<std::string, std::vector<int>> ShrinkFns;
  std::set<std::string> ReadOnlyFns;
  std::map<std::string, int> OneTimeCalls;
  std::vector<std::string> CacheWords, OwnerWords, ScopedWords, InitNames, TtlWords;
};

} // namespace prodready::cache

#endif
