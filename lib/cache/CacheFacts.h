//===- CacheFacts.h - per-TU facts about long-lived containers --*- C++ -*-===//
//
// What prodready-unbounded-cache learns about one container in one
// translation unit, independent of clang so that it can be
//   - decided on here (decide(): report or stay silent, and why),
//   - turned into the diagnostic text (message()),
//   - exported as JSON (to_json / from_json, TUFacts::toJson/fromJson) and
//     combined across translation units by the sweep (combine()).
//
// Identity is the container's USR (clang's Unified Symbol Resolution string:
// equal for the same entity in every TU, distinct for internal-linkage
// entities of different files). Sites are source locations plus the name and
// USR of the enclosing function.
//
// The visibility rule (what one TU can prove) is applied in decide(), not in
// the facts: the facts record what was seen; decide() with WholeProgram=false
// only reports what cannot be touched from elsewhere (internal linkage, static
// locals, members of classes whose every member function and friend is
// defined in the TU); combine() + decide(WholeProgram=true) is the sweep's
// view once every TU's facts are merged.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_CACHE_CACHEFACTS_H
#define PRODREADY_LIB_CACHE_CACHEFACTS_H

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace prodready::cache {

inline constexpr int FactsVersion = 1;

struct Location {
  std::string File;
  unsigned Line = 0, Column = 0;
  bool operator==(const Location &O) const {
    return Line == O.Line && Column == O.Column && File == O.File;
  }
  bool operator<(const Location &O) const {
    if (File != O.File)
      return File < O.File;
    if (Line != O.Line)
      return Line < O.Line;
    return Column < O.Column;
  }
  std::string str() const; ///< "file:line:col"
};

enum class Storage {
  Global,       ///< namespace-scope variable (internal or external linkage)
  StaticLocal,  ///< function-local static
  StaticMember, ///< static data member
  Member,       ///< non-static data member
};
const char *storageName(Storage S); ///< "global", "static-local", ...
bool parseStorage(const std::string &S, Storage &Out);

/// A call/operator that adds elements.
struct GrowthSite {
  Location Loc;
  std::string Method;      ///< "insert", "operator[]", "push_back", ...
  std::string Function;    ///< Qualified name of the enclosing function ("" at namespace scope).
  std::string FunctionUSR;
  /// One-time context: constructor of the owner, init function, call_once,
  /// static initialiser. Reason says which ("constructor of 'Service'").
  bool OneTime = false;
  std::string OneTimeReason;
  /// A keyed container grown with a compile-time constant key (bounded).
  bool ConstantKey = false;
  /// Guarded by a size cap (if (c.size() >= N) return; / if (c.size() < N) grow).
  bool Capped = false;
  bool InMacro = false;
  /// The enclosing function is a request handler (or a route lambda).
  bool InHandler = false;
  std::string Handler;
  /// The key/element comes from request data; RequestKey names it
  /// ("request parameter 'id'"). KeyParam: the enclosing function's parameter
  /// the key comes from when no request model applies.
  bool FromRequest = false;
  std::string RequestKey;
  std::string KeyParam;
};

/// A call that removes elements (or replaces the whole container).
struct ShrinkSite {
  Location Loc;
  std::string Method;
  std::string Function;
  std::string FunctionUSR;
  bool OneTime = false; ///< A clear() in a constructor does not bound later growth.
};

/// A place where the container leaves our sight: bound to a non-const
/// reference/pointer, passed to an unknown function, returned by reference.
struct EscapeSite {
  Location Loc;
  std::string How; ///< "returned by non-const reference from 'registry'"
  std::string Function;
};

struct ContainerFacts {
  std::string USR;
  std::string Name;          ///< "s_userCache"
  std::string QualifiedName; ///< "UserService::cache_"
  std::string TypeName;      ///< "std::unordered_map" (model name, no arguments)
  std::string Kind;          ///< "map", "set", "sequence", "deque", "forward-list"
  Storage Store = Storage::Global;
  Location Decl;
  bool InternalLinkage = false;
  /// Declared in a header or `extern` elsewhere: other TUs can name it.
  bool Exported = false;
  /// For members: the owning class.
  std::string OwnerClass, OwnerClassUSR;
  std::string Access; ///< "public", "protected", "private" ("" for non-members)
  /// USRs of the owner's member functions and friends declared / defined in
  /// this TU: the owner is complete when every declared one is defined.
  std::vector<std::string> OwnerMethodsDeclared, OwnerMethodsDefined;
  bool OwnerLongLived = false;
  std::string OwnerLongLivedReason;
  bool OwnerRequestScoped = false;
  /// Bounded by construction (EvictingCacheMap with maxSize > 0).
  bool Bounded = false;
  std::string BoundedReason;
  std::string NameHint; ///< cache-like word in the name ("cache", "sessions")
  std::string TtlField; ///< value type has an expiry field nobody acts on
  std::string TypeNote; ///< type-specific remark from the model
  std::vector<GrowthSite> Growth;
  std::vector<ShrinkSite> Shrinks;
  std::vector<EscapeSite> Escapes;

  /// True when every declared owner method/friend is defined (members only).
  bool ownerComplete() const;
};

struct TUFacts {
  int Version = FactsVersion;
  std::string MainFile;
  std::vector<ContainerFacts> Containers;

  nlohmann::json toJson() const;
  /// Throws std::runtime_error on a version mismatch or malformed input.
  static TUFacts fromJson(const nlohmann::json &J);
};

void to_json(nlohmann::json &J, const Location &L);
void from_json(const nlohmann::json &J, Location &L);
void to_json(nlohmann::json &J, const GrowthSite &S);
void from_json(const nlohmann::json &J, GrowthSite &S);
void to_json(nlohmann::json &J, const ShrinkSite &S);
void from_json(const nlohmann::json &J, ShrinkSite &S);
void to_json(nlohmann::json &J, const EscapeSite &S);
void from_json(const nlohmann::json &J, EscapeSite &S);
void to_json(nlohmann::json &J, const ContainerFacts &F);
void from_json(const nlohmann::json &J, ContainerFacts &F);

/// How external-linkage namespace-scope variables are treated per TU.
enum class ExternalGlobals {
  Never,      ///< never reported from one TU
  Unexported, ///< reported unless declared in a header / `extern` elsewhere (default)
  Always,
};
bool parseExternalGlobals(const std::string &S, ExternalGlobals &Out);

struct DecisionOptions {
  bool ReportPublicMembers = false;
  ExternalGlobals Externals = ExternalGlobals::Unexported;
};

struct Verdict {
  bool Report = false;
  /// Why not (for debugging and the sweep's explanations): "no growth outside
  /// one-time initialisation", "erased in 'evict'", "escapes: ...",
  /// "not visible: ...".
  std::string Reason;
  /// Indexes into ContainerFacts::Growth of the sites that make it grow.
  std::vector<size_t> GrowthSites;
};

/// Applies the rules. \p WholeProgram: facts merged from every TU (the
/// sweep), so the single-TU visibility rule is lifted (completeness of the
/// owner class is still required, computed over the merged lists).
Verdict decide(const ContainerFacts &F, const DecisionOptions &Opts, bool WholeProgram = false);

/// The diagnostic text without the CWE tag, e.g.
/// "'s_userCache' (static std::unordered_map) grows in 'handleGetUser' and is
///  never erased or size-capped; grows by one entry per distinct
///  client-supplied request parameter 'id'".
std::string message(const ContainerFacts &F, const Verdict &V);

/// Instantiates a model cap-fix template: {obj} -> access prefix
/// ("s_cache." / "p->"), {max} -> the constant. Empty template -> "".
std::string capFix(const std::string &Template, const std::string &ObjPrefix,
                   const std::string &Max);

/// Merges the facts of several TUs by container USR (sites deduplicated by
/// location + method; owner method lists united). Internal-linkage
/// containers keep their own USR and so never merge across files.
std::vector<ContainerFacts> combine(const std::vector<TUFacts> &TUs);

} // namespace prodready::cache

#endif
