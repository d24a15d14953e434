//===- PreparedStatements.h - statements prepared and run by name -*- C++ -*-===//
//
// Client libraries let code prepare a statement under a name in one place and
// run it by that name elsewhere, passing the parameter values there:
//
//   conn.prepare("find_user", "SELECT ... WHERE email LIKE $1");   // libpqxx
//   txn.exec_prepared("find_user", "%" + q + "%");
//   PQprepare(conn, kFind, "SELECT ...", 1, nullptr);               // libpq
//   PQexecPrepared(conn, kFind, 1, values, nullptr, nullptr, 0);
//
// PreparedStatementIndex links the two by name within a translation unit (the
// name may be a literal, a constexpr/static const variable or a #define).
// Which calls prepare and which execute is the caller's knowledge (model
// data); this helper only records calls and links them. Used by
// prodready-unindexed-query (bound LIKE patterns, "executed here" notes), and
// meant for any check that needs the values a prepared statement runs with.
//
// Also small helpers to read parameter values at a call site.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_AST_PREPAREDSTATEMENTS_H
#define PRODREADY_LIB_AST_PREPAREDSTATEMENTS_H

#include "clang/AST/Expr.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
class VarDecl;
} // namespace clang

namespace prodready::ast {

/// A statement prepared under a name.
struct NamedPrepare {
  std::string Name;
  const clang::CallExpr *Call = nullptr;
  const clang::Expr *Sql = nullptr; ///< The SQL argument (as written).
};

/// A statement executed by name.
struct NamedExecution {
  std::string Name;
  const clang::CallExpr *Call = nullptr;
};

class PreparedStatementIndex {
public:
  /// Records \p Call preparing \p Sql under the name given by \p NameArg (an
  /// argument of the call, see callArgument()). False when the name is not a
  /// compile-time constant (then nothing is recorded).
  bool addPrepare(const clang::CallExpr *Call, const clang::Expr *NameArg, const clang::Expr *Sql,
                  const clang::ASTContext &Ctx);
  /// Records \p Call executing the statement named by \p NameArg.
  bool addExecution(const clang::CallExpr *Call, const clang::Expr *NameArg,
                    const clang::ASTContext &Ctx);

  /// The executions of the statement \p Prepare prepared, in source order of
  /// recording. Empty when the name was prepared more than once with
  /// different SQL text in the translation unit (ambiguous).
  std::vector<const NamedExecution *> executionsOf(const clang::CallExpr *Prepare) const;
  /// The prepare call an execution runs, or null (unknown or ambiguous).
  const NamedPrepare *prepareOf(const clang::CallExpr *Execution) const;

  void clear();

private:
  std::vector<NamedPrepare> Prepares;
  std::vector<NamedExecution> Executions;
  std::map<std::string, std::vector<std::string>> TextsByName; ///< Name -> distinct SQL texts.
};

/// The compile-time value of a string expression (literal, constant
/// variable, macro), or nullopt when any part of it is only known at run time.
std::optional<std::string> constantString(const clang::Expr *E, const clang::ASTContext &Ctx);

/// Argument \p Index of \p Call as the callee \p Fn counts its parameters (a
/// member operator call lists the object as its first argument), or null.
const clang::Expr *callArgument(const clang::CallExpr *Call, const clang::FunctionDecl *Fn, unsigned Index);

/// The variable an argument names: `st`, `&st`, `q` in `q.bind(...)`; null
/// for anything else.
const clang::VarDecl *namedVariable(const clang::Expr *E);

/// The elements of a local or constant array passed as \p E (`values` in
/// PQexecParams(..., values, ...)), when it is initialised from a brace list
/// and not written to element by element, or a braced list written in place
/// (`{id.c_str(), uid.c_str()}`, a `std::vector` or `initializer_list` built
/// at the call); empty otherwise.
std::vector<const clang::Expr *> arrayElements(const clang::Expr *E, const clang::ASTContext &Ctx);

/// The elements of a braced list written in place (`{id, std::to_string(uid)}`
/// building a vector, an initializer_list or an array); empty otherwise.
std::vector<const clang::Expr *> bracedElements(const clang::Expr *E);

} // namespace prodready::ast

#endif
