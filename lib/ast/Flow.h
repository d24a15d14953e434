//===- Flow.h - client-controlled values, sinks and guards in a function -*- C++ -*-===//
//
// Per-function flow of client-controlled values for request handlers:
//
//   FunctionFlow F(Handler, RequestModel, Ctx);
//   if (const Origin *O = F.clientOrigin(E)) ...   // E derives from request data
//   F.isPrincipal(E)                                // E derives from who the caller is
//   for (const SinkUse &S : F.sinks()) ...          // object accesses keyed by client data
//   F.isAuthorized(S)                               // a guard holds on every path
//
// Taint is flow-insensitive inside the function (a fixpoint over all its
// statements, nested lambdas included): copies, conversions (stoi, as<T>,
// lexical_cast, optional access... any library call of a tainted value),
// string building (+, +=, <<, append), struct fields, containers (push_back,
// operator[]), output arguments (from_chars, mg_get_var), and calls of
// functions defined in the same TU through summaries (parameter -> return,
// parameter -> unguarded sink, "is a guard"), to a bounded depth.
//
// Guards are checked over clang's CFG: a sink is authorized when every path
// from the entry to it crosses the "passed" edge of a guard condition, or a
// guard statement (a call that throws on failure). For reads, a guard that
// comes after the load also counts (load-then-check).
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_AST_FLOW_H
#define PRODREADY_LIB_AST_FLOW_H

#include "lib/ast/RequestModel.h"
#include "lib/flow/SqlKeys.h"

#include "clang/AST/Expr.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class CFG;
class CFGBlock;
class ParentMap;
class CFGStmtMap;
class VarDecl;
class FieldDecl;
class CXXMethodDecl;
} // namespace clang

namespace prodready::ast {

/// Where a client-controlled value came from, and how it got here.
struct Origin {
  const clang::Expr *Source = nullptr; ///< the request read (or the call of a helper)
  flow::SourceKind Kind = flow::SourceKind::Other;
  std::string Key;         ///< "id", "X-User-Id" (may be empty)
  bool Identity = false;   ///< a client-asserted identity (X-User-Id, user_id...)
  /// A credential the client presents (Authorization, X-Api-Key, a session
  /// cookie, `?token=`): a lookup keyed by it authenticates the caller.
  bool Credential = false;
  int Param = -1;          ///< in summaries: the parameter it stands for
  /// In summaries: the parameter that names the read (`qvar(c, name)` reads
  /// `name`); each call keys the result by its own argument.
  int KeyParam = -1;
  /// Held by a data member of the object before the function ran (see
  /// ContextInfo::ThisFields): a helper returning it needs no client argument.
  bool FromObject = false;
  /// Variables it went through, in order (for notes).
  std::vector<const clang::VarDecl *> Hops;
};

/// What a field of a user record holds once a handler has filled it in
/// (`ctx.body = json::parse(req.body())`, `ctx.customer_id =
/// session_customer(...)`): context structs handed to route functions
/// through std::function or member pointers.
struct ContextField {
  std::optional<Origin> Client;
  bool Principal = false;
  /// The framework of the handler that filled it with client data.
  const flow::HandlerSpec *Spec = nullptr;
};
struct ContextInfo {
  std::map<const clang::FieldDecl *, ContextField> Fields;
  /// Data members a handler method fills from the request before it hands
  /// over to another handler method of its object (`segs_ = path segments;
  /// handle(req, resp, me);`, the derived classes' overrides of `handle`):
  /// those methods, and the methods of the classes involved, start with them.
  std::map<const clang::FieldDecl *, Origin> ThisFields;
  /// The handler methods handed over to (canonical).
  std::set<const clang::CXXMethodDecl *> Dispatched;
  /// Parameters of functions reached only through a table or std::function
  /// (`{"GET /requests/*", &Api::getRequest}` ... `it->second(this, req,
  /// *session, ids)`): what the dispatcher passes there. Keyed by the
  /// canonical function and the parameter's index.
  std::map<std::pair<const clang::FunctionDecl *, unsigned>, ContextField> Params;
  /// Parameters of handlers that other handlers call directly and pass the
  /// principal on every such call (`return deleteComment(req, *me);` after
  /// `me = principal(req)`): the handler starts with the caller there.
  std::set<std::pair<const clang::FunctionDecl *, unsigned>> PrincipalParams;
  /// Functions called directly somewhere in user code (canonical).
  std::set<const clang::FunctionDecl *> Called;
  /// Route functions that take no request but start from client data: a
  /// parameter of a context record (`Reply publish(RequestCtx &ctx)`, called
  /// by a dispatcher with the context a handler filled), or parameters a
  /// table dispatcher passes (see Params). They are analysed as entries, with
  /// the framework of the handler that feeds them; the callers' flows leave
  /// the context parameter's accesses to them. Keyed by canonical function,
  /// the value is the definition and its framework.
  std::map<const clang::FunctionDecl *,
           std::pair<const clang::FunctionDecl *, const flow::HandlerSpec *>>
      Entries;
  /// Records some of whose fields a handler fills from the request (canonical).
  std::set<const clang::RecordDecl *> Records;
  /// True when parameter \p I of \p F is a context record and \p F is an
  /// entry of its own.
  bool entryParam(const clang::FunctionDecl *F, unsigned I) const;
};

struct FlowOptions {
  unsigned MaxHelperDepth = 2;
  /// Identity headers that a trusted gateway sets (normalised, see normaliseKey).
  std::vector<std::string> TrustedIdentityHeaders;
  /// Data members of `this` that hold client values on entry (set when a
  /// handler method calls another method of its object: `id_ = req.param(..);
  /// load();`).
  std::map<const clang::ValueDecl *, Origin> ThisFields;
  /// Types whose values are the authenticated caller (see principalTypes()):
  /// a handler or helper parameter of such a type is the principal handed in
  /// by the dispatcher (`Response get_doc(const Request &, const User &me)`).
  std::set<const clang::RecordDecl *> PrincipalTypes;
  /// Fields of context records (see contextFields()); parameters of such a
  /// type start with them.
  const ContextInfo *Contexts = nullptr;
};

/// One object access by key.
struct SinkUse {
  const clang::Expr *Call = nullptr;  ///< CallExpr or CXXConstructExpr
  const clang::Expr *Value = nullptr; ///< the argument carrying the key
  Origin From;
  std::string Kind;                   ///< sql, file, redis, orm, repository, helper
  flow::Access Acc = flow::Access::Any;
  std::string What;                   ///< "SELECT … FROM docs", "write", ...
  std::string Callee;                 ///< as written: "txn.exec_params"
  /// When the access is reported at the statement's execution
  /// (`sqlite3_step(st)`): the bind call that gave it the value.
  const clang::Expr *Bind = nullptr;
  /// For calls of helpers: the sink inside the helper.
  const clang::Expr *Inner = nullptr;
  std::string InnerCallee;            ///< as written there: "txn.exec_params", "db() <<"
  bool OwnerScoped = false;           ///< principal-bound ownership predicate / argument
  bool IdentityColumn = false;        ///< the value selects by an ownership column
  /// The sink itself says the value is a key, whatever its name at the
  /// source: the SQL compares it with a key column, the callee's parameter is
  /// named like one (`refund(const std::string &invoice_id)`), or it is part
  /// of a file path.
  bool KeyBySink = false;
  /// In a helper's summary: the parameters bound next to the key in its
  /// WHERE clause (or passed with it to a repository call). At a call that
  /// passes the principal for one of them, the access is scoped to the caller.
  std::set<int> ScopeParams;
  /// Other client values the statement compares with a WHERE column
  /// (`WHERE id = $1 AND campaign_id = $2`): when one of them is authorized
  /// (the caller may see that campaign), so is the row it scopes.
  std::vector<const clang::Expr *> ScopeValues;
};

class FunctionFlow {
public:
  FunctionFlow(const clang::FunctionDecl *FD, const RequestModel &RM, clang::ASTContext &Ctx,
               const FlowOptions &Opts, unsigned Depth = 0,
               std::map<const clang::FunctionDecl *, std::shared_ptr<FunctionFlow>> *Cache =
                   nullptr,
               bool Summary = false);
  ~FunctionFlow();

  /// Client-controlled origin of \p E, or null.
  const Origin *clientOrigin(const clang::Expr *E) const;
  /// True when \p E derives from the authenticated principal.
  bool isPrincipal(const clang::Expr *E) const;
  /// Data members of the object this method runs on that hold client values
  /// when the function ends.
  std::vector<std::pair<const clang::FieldDecl *, Origin>> thisFieldOrigins() const;

  /// Object accesses keyed by client-controlled values (guards not yet applied).
  const std::vector<SinkUse> &sinks() const { return Sinks; }
  /// True when a guard holds on every path to \p S (or, for reads, a guard
  /// follows the load).
  bool isAuthorized(const SinkUse &S) const;

  /// A principal-valued variable or expression to use in fix-its (may be null).
  const clang::VarDecl *principalVariable() const { return PrincipalVar; }

  // Summary queries (for callers).
  /// The field of parameter \p I every return of it reads (`sub` when the
  /// helper returns the `sub` claim of a token parameter), "" if none.
  std::string returnFieldOf(unsigned I) const;
  bool paramReachesReturn(unsigned I) const;
  /// Unguarded sink reached by parameter I inside this function, or null.
  const SinkUse *paramSink(unsigned I) const;
  bool isGuardFunction() const { return GuardLike; }
  /// True when the function runs SQL: it calls an SQL entry point of the
  /// model, or a helper that does.
  bool runsSql() const;
  /// True when the function sends redis commands (or calls a helper that does).
  bool runsRedis() const;
  bool returnsPrincipal() const { return ReturnsPrincipal; }

private:
  struct Impl;
  std::unique_ptr<Impl> P;
  std::vector<SinkUse> Sinks;
  const clang::VarDecl *PrincipalVar = nullptr;
  bool GuardLike = false;
  bool ReturnsPrincipal = false;
};

/// The record types principal sources return in this translation unit
/// (`User current_user(...)`, `std::optional<Session> load_session(...)`:
/// User, Session), looked up in user code only.
std::set<const clang::RecordDecl *> principalTypes(clang::ASTContext &Ctx, const RequestModel &RM);

/// The fields of user records that request handlers fill from the request
/// or the principal (`PortalCtx ctx{...}; ctx.body = json::parse(req.body());`),
/// found in handler bodies of user code and classified with their flow.
ContextInfo contextFields(clang::ASTContext &Ctx, const RequestModel &RM, const FlowOptions &Opts);

} // namespace prodready::ast

#endif
