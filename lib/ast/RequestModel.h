//===- RequestModel.h - HTTP handlers and client-controlled sources -*- C++ -*-===//
//
// Which functions are HTTP request handlers, and which expressions inside them
// read data the client controls (route/query/form parameters, headers, cookies,
// the body). Everything framework-specific comes from model sections (see
// lib/flow/FlowModel.h for the typed form and lib/model/builtin/web*.json):
//
//   request-handlers     request type of each framework (+ response type and
//                        the "forbidden" statement used by fix-its)
//   route-registrations  calls that register a handler for a route
//                        (httplib Server::Get, Pistache Routes::Get, ...)
//   request-sources      members of request types that return client data
//
// Usage (from a check):
//
//   auto RM = ast::RequestModel::get(model(), Errors);      // cached per Model
//   if (auto H = RM->handlerOf(FD))                           // FD: function or
//     ...H->RequestParam...                                   // lambda operator()
//   if (auto S = RM->sourceOf(E))                             // E: any expression
//     ...S->Kind, S->Key...
//
// "Is this value derived from request data?" (taint through copies,
// conversions, string building, fields, same-TU helpers) is answered by
// lib/ast/Flow.h, which builds on this.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_AST_REQUESTMODEL_H
#define PRODREADY_LIB_AST_REQUESTMODEL_H

#include "../flow/FlowModel.h"
#include "../model/Model.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class CallExpr;
class CXXRecordDecl;
class ParmVarDecl;
class Stmt;
} // namespace clang

namespace prodready::ast {

/// A request handler: a named function or the call operator of a lambda.
struct HandlerInfo {
  const clang::FunctionDecl *Function = nullptr;
  /// The parameter whose type is the framework's request type (may be null
  /// for callbacks recognised only through their registration).
  const clang::ParmVarDecl *RequestParam = nullptr;
  /// A request the function declares and fills from the network itself
  /// (`http::request<...> req; http::read(sock, buf, req);`), when it takes
  /// none as a parameter.
  const clang::VarDecl *RequestVar = nullptr;
  /// True when \p V is the request (parameter or local).
  bool isRequest(const clang::VarDecl *V) const {
    return V && (V == RequestParam || V == RequestVar);
  }
  /// The parameter of the framework's response type, when there is one.
  const clang::ParmVarDecl *ResponseParam = nullptr;
  /// The model entry for the framework (never null).
  const flow::HandlerSpec *Spec = nullptr;
};

/// A registration of a handler: `svr.Get("/docs/:id", [&](...){...})`.
struct RouteInfo {
  std::string Method; ///< "GET", "POST"... (empty when unknown)
  std::string Path;   ///< "/docs/:id" (empty when not a literal)
  const clang::CallExpr *Call = nullptr;
  /// Filters/middleware named in the registration (Drogon constraint strings).
  std::vector<std::string> Filters;
  /// Middleware for every route of the framework (see RouteSpec::Middleware).
  bool Middleware = false;
  std::string Framework;
};

/// A read of client-controlled data.
struct RequestSource {
  flow::SourceKind Kind = flow::SourceKind::Other;
  /// The name the client used: "id", "X-User-Id", the route segment...
  /// Empty when it is not a literal.
  std::string Key;
  /// The argument that names it (`mg_get_var(qs, len, name, ...)`), when the
  /// source takes one: a helper that reads the name it is given
  /// (`qvar(c, "claim")`) keys its result by its caller's literal.
  const clang::Expr *KeyExpr = nullptr;
  /// The framework entry that matched.
  const flow::SourceSpec *Spec = nullptr;
};

class RequestModel {
public:
  /// The request model derived from \p M, built once per Model.
  static std::shared_ptr<const RequestModel> get(const model::Model &M,
                                                 std::vector<model::ModelError> &Errors);

  explicit RequestModel(std::shared_ptr<const flow::FlowModel> FM) : FM(std::move(FM)) {}

  /// When \p FD (a function or a lambda's operator()) takes a framework
  /// request type, the handler description.
  std::optional<HandlerInfo> handlerOf(const clang::FunctionDecl *FD) const;

  /// When \p Call registers a route handler (per route-registrations), the
  /// route and the expression that denotes the handler (lambda, function,
  /// member pointer inside std::bind/Routes::bind...). Handler is the
  /// function that will run.
  std::optional<RouteInfo> routeOf(const clang::CallExpr *Call,
                                   const clang::FunctionDecl **Handler) const;

  /// When \p E reads client-controlled data directly (a member of a request
  /// object listed in request-sources, or a free function such as mg_get_var),
  /// what it reads. Sub-expressions are not searched: `req.body` is a source,
  /// `json::parse(req.body)` is not (Flow propagates that).
  std::optional<RequestSource> sourceOf(const clang::Expr *E) const;

  /// True when \p T (references, cv, pointers stripped) is a request type
  /// of any framework in the model, or derives from one.
  bool isRequestType(clang::QualType T) const;

  const flow::FlowModel &flowModel() const { return *FM; }

private:
  const flow::HandlerSpec *handlerSpecFor(clang::QualType T) const;
  bool readRequest(const clang::FunctionDecl *FD, HandlerInfo &H) const;
  static void readConstraints(const clang::Expr *E, RouteInfo &Info);
  static void chainedHandler(const clang::CallExpr *Call, RouteInfo &Info,
                             const clang::FunctionDecl **Handler);
  std::shared_ptr<const flow::FlowModel> FM;
};

/// Fully qualified name of \p D without a leading "::" and without inline
/// namespaces ("httplib::Server::Get", "std::basic_ifstream").
std::string qualifiedName(const clang::NamedDecl *D);

/// True when the record \p RD or one of its bases has qualified name \p Name
/// (leading "::" ignored).
bool isOrDerivesFrom(const clang::CXXRecordDecl *RD, llvm::StringRef Name);

} // namespace prodready::ast

#endif
