//===- ProdReadyCheck.cpp - common base of the prodready checks -----------===//
#include "checks/ProdReadyCheck.h"

#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclBase.h"
#include "llvm/ADT/StringExtras.h"

#include <set>

using namespace clang;
using namespace clang::tidy;

namespace prodready {

/// The `prodready.*` global options any check may read.
static const char *const KnownGlobalOptions[] = {ModelFilesOption};

ProdReadyCheck::ProdReadyCheck(llvm::StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), TidyContext(Context) {}

bool ProdReadyCheck::isLanguageVersionSupported(const LangOptions &LangOpts) const {
  return LangOpts.CPlusPlus;
}

std::string ProdReadyCheck::globalOption(llvm::StringRef Key, llvm::StringRef Default) const {
  const auto &Opts = getCurrentOptions();
  auto It = Opts.CheckOptions.find(Key);
  if (It == Opts.CheckOptions.end())
    return Default.str();
  return It->second.Value;
}

bool ProdReadyCheck::boolOption(llvm::StringRef LocalName, bool Default) {
  std::string Raw = Options.get(LocalName, "").str();
  llvm::StringRef V = llvm::StringRef(Raw).trim();
  if (V.empty())
    return Default;
  for (const char *T : {"true", "1", "on", "yes"})
    if (V.equals_insensitive(T))
      return true;
  for (const char *F : {"false", "0", "off", "no"})
    if (V.equals_insensitive(F))
      return false;
  configurationDiag("invalid value '%0' for boolean option '%1.%2' (expected true or false); "
                    "using %3",
                    clang::DiagnosticIDs::Error)
      << V << getID() << LocalName << boolText(Default);
  return Default;
}

const ClangTidyOptions &ProdReadyCheck::getCurrentOptions() const {
  return TidyContext->getOptions();
}

const model::Model &ProdReadyCheck::model() {
  if (!Model) {
    std::vector<model::ModelError> Errors;
    Model = model::Model::cached(globalOption(ModelFilesOption), Errors);
    reportModelErrors(Errors);
  }
  return *Model;
}

void ProdReadyCheck::reportModelErrors(const std::vector<model::ModelError> &Errors) {
  for (const model::ModelError &E : Errors)
    configurationDiag("invalid prodready model: %0", clang::DiagnosticIDs::Error) << E.str();
}

/// Closest known option name, for "did you mean" hints.
static std::string closest(llvm::StringRef Name, const std::set<std::string> &Known) {
  std::string Best;
  unsigned BestDist = ~0u;
  for (const std::string &K : Known) {
    unsigned D = Name.edit_distance(K, /*AllowReplacements=*/true);
    if (D < BestDist) {
      BestDist = D;
      Best = K;
    }
  }
  return BestDist <= std::max<size_t>(2, Name.size() / 3) ? Best : std::string();
}

void ProdReadyCheck::validateOptions() {
  ClangTidyOptions::OptionMap Stored;
  storeOptions(Stored);
  std::string CheckName = getID().str();
  std::string Prefix = CheckName + ".";
  std::set<std::string> Known;
  for (const auto &KV : Stored)
    Known.insert(llvm::StringRef(KV.getKey()).drop_front(Prefix.size()).str());

  for (const auto &KV : getCurrentOptions().CheckOptions) {
    llvm::StringRef Key = KV.getKey();
    if (Key.starts_with(Prefix)) {
      llvm::StringRef Local = Key.drop_front(Prefix.size());
      if (Known.count(Local.str()))
        continue;
      std::string Hint = closest(Local, Known);
      std::string KnownList;
      for (const std::string &K : Known)
        KnownList += (KnownList.empty() ? "" : ", ") + K;
      if (!Hint.empty())
        configurationDiag("unknown option '%0'; did you mean '%1'?", clang::DiagnosticIDs::Error) << Key << (Prefix + Hint);
      else
        configurationDiag("unknown option '%0' (options of %1: %2)", clang::DiagnosticIDs::Error)
            << Key << CheckName << (KnownList.empty() ? "none" : KnownList);
    } else if (Key.starts_with("prodready.")) {
      bool IsKnown = false;
      for (const char *G : KnownGlobalOptions)
        IsKnown |= Key == G;
      if (!IsKnown)
        configurationDiag("unknown global option '%0' (known: %1)", clang::DiagnosticIDs::Error)
            << Key << ModelFilesOption;
    }
  }
  // Load the model now so that malformed model files are reported even when
  // the check never matches anything in this translation unit.
  (void)model();
}

std::vector<std::string> splitOptionList(llvm::StringRef Value, llvm::StringRef Separators) {
  std::vector<std::string> Out;
  while (true) {
    size_t Cut = Value.find_first_of(Separators);
    llvm::StringRef Item = Value.take_front(Cut).trim();
    if (!Item.empty())
      Out.push_back(Item.str());
    if (Cut == llvm::StringRef::npos)
      return Out;
    Value = Value.drop_front(Cut + 1);
  }
}

bool hasProdReadyAnnotation(const Decl *D, llvm::StringRef What) {
  if (!D)
    return false;
  auto Has = [&](const Decl *X) {
    for (const auto *A : X->specific_attrs<AnnotateAttr>()) {
      llvm::StringRef Ann = A->getAnnotation();
      if (Ann.consume_front("prodready::") && Ann == What)
        return true;
    }
    return false;
  };
  if (const auto *FD = llvm::dyn_cast<FunctionDecl>(D)) {
    for (const FunctionDecl *R : FD->redecls())
      if (Has(R))
        return true;
    return false;
  }
  if (const auto *PD = llvm::dyn_cast<ParmVarDecl>(D)) {
    // Parameters: look at the same parameter in every redeclaration.
    if (Has(PD))
      return true;
    if (const auto *FD = llvm::dyn_cast_or_null<FunctionDecl>(PD->getDeclContext())) {
      unsigned Idx = PD->getFunctionScopeIndex();
      for (const FunctionDecl *R : FD->redecls())
        if (Idx < R->getNumParams() && Has(R->getParamDecl(Idx)))
          return true;
    }
    return false;
  }
  return Has(D);
}

} // namespace prodready
