//===- ProdReadyCheck.h - common base of the prodready checks ---*- C++ -*-===//
//
// Every prodready check derives from ProdReadyCheck. It adds, on top of
// clang-tidy's ClangTidyCheck:
//  - the merged API model (built-ins + `prodready.ModelFiles`), loaded once per
//    process, with model-file errors reported as configuration errors;
//  - validation of the check's own options: an option under the check's prefix
//    that storeOptions() does not write is reported as unknown (with a "did you
//    mean"), because clang-tidy silently ignores misspelt options;
//  - helpers to read `[[clang::annotate("prodready::...")]]` markers.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_CHECKS_PRODREADYCHECK_H
#define PRODREADY_CHECKS_PRODREADYCHECK_H

#include "../lib/model/Model.h"

#include "clang-tidy/ClangTidyCheck.h"

#include <memory>
#include <string>
#include <vector>

namespace clang {
class Decl;
}

namespace prodready {

/// Name of the global option that adds user model files.
inline constexpr const char *ModelFilesOption = "prodready.ModelFiles";

class ProdReadyCheck : public clang::tidy::ClangTidyCheck {
public:
  ProdReadyCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context);

  bool isLanguageVersionSupported(const clang::LangOptions &LangOpts) const override;

  /// Called by the module right after construction: reports unknown options
  /// under this check's prefix and unknown `prodready.*` globals.
  void validateOptions();

protected:
  /// The merged model. Never null: on errors, the files that loaded are used
  /// and each error is reported once per translation unit as a configuration
  /// diagnostic naming the file and position.
  const model::Model &model();

  /// A typed view of the model (see model::Model::derive); errors from the
  /// builder are reported like model errors.
  template <class T>
  std::shared_ptr<const T>
  deriveModel(const std::string &Key,
              const std::function<std::shared_ptr<T>(const model::Model &,
                                                     std::vector<model::ModelError> &)> &B) {
    std::vector<model::ModelError> Errors;
    auto R = model().derive<T>(Key, B, Errors);
    reportModelErrors(Errors);
    return R;
  }

  void reportModelErrors(const std::vector<model::ModelError> &Errors);

  /// A boolean option of this check. Read as text (true/false, 1/0, on/off,
  /// yes/no, any case): the integral OptionsView::get<bool>/store<bool>
  /// specialisations are mangled differently by GCC and Clang, so a module built
  /// with GCC cannot bind to the ones clang-tidy exports. Any other value is a
  /// configuration error and \p Default is used.
  bool boolOption(llvm::StringRef LocalName, bool Default);

  /// The text boolOption() reads back, for storeOptions().
  static llvm::StringRef boolText(bool V) { return V ? "true" : "false"; }

  /// Raw value of a global (non check-prefixed) option such as prodready.ModelFiles.
  std::string globalOption(llvm::StringRef Key, llvm::StringRef Default = "") const;

private:
  const clang::tidy::ClangTidyOptions &getCurrentOptions() const;
  clang::tidy::ClangTidyContext *TidyContext;
  std::shared_ptr<const model::Model> Model;
};

/// The items of a list-valued option: split at any character of
/// \p Separators, trimmed, empty items dropped.
std::vector<std::string> splitOptionList(llvm::StringRef Value, llvm::StringRef Separators = ";");

/// True when \p D (a function, parameter, field, variable...) carries
/// `[[clang::annotate("prodready::<What>")]]`. For a function, redeclarations
/// are searched too.
bool hasProdReadyAnnotation(const clang::Decl *D, llvm::StringRef What);

} // namespace prodready

#endif
