//===- UnboundedCacheCheck.h - long-lived containers that only grow -*- C++ -*-===//
//
// prodready-unbounded-cache: a namespace-scope / static / static-local
// container, or a data member of a long-lived object, that grows outside
// one-time initialisation and that nothing in the translation unit ever
// shrinks or size-caps (CWE-770, CWE-400, CWE-401). See
// docs/checks/prodready-unbounded-cache.md.
//
// The check gathers per-container facts (lib/cache/CacheFacts.h) in one walk
// over the translation unit, asks cache::decide() whether this TU can prove
// the growth unbounded, and reports at the declaration with a note at every
// growth site. With ExportFacts set, the facts are also written as JSON for
// the sweep to combine across translation units.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_CHECKS_UNBOUNDEDCACHECHECK_H
#define PRODREADY_CHECKS_UNBOUNDEDCACHECHECK_H

#include "checks/ProdReadyCheck.h"
#include "lib/cache/CacheFacts.h"
#include "lib/cache/ContainerModel.h"

#include <memory>
#include <string>

namespace prodready {

class UnboundedCacheCheck : public ProdReadyCheck {
public:
  UnboundedCacheCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  std::shared_ptr<const cache::ContainerModel> containers();

  // Options (docs/checks/prodready-unbounded-cache.md, "Options").
  std::string MaxEntries;          ///< constant put into the cap fix-it
  std::string ExtraContainerTypes; ///< "::ns::Type=kind;..."
  std::string ExtraShrinkMethods;  ///< "evictOldest;purge"
  std::string LongLivedOwners;     ///< extra class-name words: long-lived
  std::string RequestScopedOwners; ///< extra class-name words: per request
  std::string ExternalGlobals;     ///< never | unexported | always
  bool ReportPublicMembers;
  std::string ExportFacts;         ///< directory for per-TU facts JSON
};

} // namespace prodready

#endif
