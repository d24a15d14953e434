//===- TrustedClientIdCheck.h - prodready-trusted-client-id ----*- C++ -*-===//
//
// Finds object IDs the client sent (route/query/body/header values) that reach
// an object access (SQL statement, repository/DAO call, file, redis key) in an
// HTTP handler with no authorization check on every path (IDOR, CWE-639), and
// identities asserted by the client (X-User-Id, body "user_id") used to select
// whose data is read or written (CWE-290).
//
// Thin: handlers and sources come from lib/ast/RequestModel, the flow and the
// guard dominance from lib/ast/Flow, all API knowledge from model files
// (web.json, auth.json, sinks.json). See docs/checks/prodready-trusted-client-id.md.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_CHECKS_TRUSTEDCLIENTIDCHECK_H
#define PRODREADY_CHECKS_TRUSTEDCLIENTIDCHECK_H

#include "checks/ProdReadyCheck.h"
#include "lib/ast/Flow.h"
#include "lib/ast/RequestModel.h"

#include <map>
#include <set>
#include <optional>
#include <regex>
#include <vector>

namespace prodready {

class TrustedClientIdCheck : public ProdReadyCheck {
public:
  TrustedClientIdCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;

private:
  void analyseHandler(const ast::HandlerInfo &H, clang::ASTContext &Ctx);
  /// The flow options of this TU (options, principal types).
  ast::FlowOptions flowOptions() const;
  void report(const ast::HandlerInfo &H, const ast::FunctionFlow &F, const ast::SinkUse &S,
              clang::ASTContext &Ctx);

  // Options.
  std::string AuthorizationFunction;
  std::string PrincipalExpression;
  std::string TrustedIdentityHeaders;
  std::string PublicRoutes;
  std::string AuthorizationFilters;
  unsigned MaxHelperDepth;
  std::vector<std::string> AuthFilterNames; ///< last components of AuthorizationFilters
  std::vector<std::string> TrustedIdentityKeys; ///< TrustedIdentityHeaders, normalised once
  /// Frameworks whose middleware (httplib pre-routing handler) calls an
  /// authorization filter: their handlers count as authorized.
  std::set<std::string> FilteredFrameworks;
  /// Function templates already analysed through one of their instantiations
  /// (a template handler is analysed once, on its first instantiation).
  std::set<const clang::FunctionDecl *> AnalysedTemplates;
  /// Types principal sources return in this TU (ast::principalTypes).
  std::set<const clang::RecordDecl *> PrincipalTypes;
  /// Context records handlers fill in for route functions they call through
  /// std::function or a table (ast::contextFields).
  ast::ContextInfo Contexts;
  bool isAuthorizationFilter(llvm::StringRef Name) const;

  std::optional<std::regex> PublicRoutesRe;
  std::shared_ptr<const ast::RequestModel> RM;
  clang::ASTContext *Ctx = nullptr;
  std::vector<ast::HandlerInfo> Handlers;
  std::map<const clang::FunctionDecl *, ast::RouteInfo> Routes;
};

} // namespace prodready

#endif
