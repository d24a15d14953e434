//===- StringRecovery.h - recover string values from the AST ----*- C++ -*-===//
//
// Several checks need the text of a string that the program builds at compile
// time: SQL statements, connection strings, credential values. This helper
// follows an expression back to the string literals it is made of:
//   - string literals (incl. adjacent-literal concatenation and raw strings),
//   - constexpr / const / static const variables (char arrays, const char *,
//     std::string, std::string_view) with a literal initialiser,
//   - literals written through a macro (#define DB_PASS "...") — reported as
//     coming from a macro so fix-its can stay away,
//   - std::string / std::string_view construction, implicit conversions,
//     `operator+` chains and `+=` is NOT followed (that is flow, not recovery),
//   - c_str()/data() on a recovered string.
// Anything dynamic becomes a hole: the text gets Placeholder in its place and
// `Complete` is false.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_AST_STRINGRECOVERY_H
#define PRODREADY_LIB_AST_STRINGRECOVERY_H

#include "clang/AST/Expr.h"

#include <string>
#include <vector>

namespace clang {
class ASTContext;
class StringLiteral;
class VarDecl;
} // namespace clang

namespace prodready::ast {

struct StringPiece {
  /// The literal this piece of text came from; null for a hole.
  const clang::StringLiteral *Literal = nullptr;
  /// The expression that stood for this piece at the use site (the literal
  /// itself, a DeclRefExpr to a constant, the dynamic expression of a hole).
  const clang::Expr *Origin = nullptr;
  /// When the literal was reached through a variable, that variable.
  const clang::VarDecl *ViaVariable = nullptr;
  /// True when the literal was spelled inside a macro expansion.
  bool FromMacro = false;
  /// Offset and length of this piece in RecoveredString::Text.
  size_t Offset = 0, Length = 0;
};

struct RecoveredString {
  std::string Text;
  std::vector<StringPiece> Pieces;
  bool Complete = true; ///< False when any part is dynamic.
  bool empty() const { return Pieces.empty(); }
  /// The piece that covers \p Offset in Text, or null.
  const StringPiece *pieceAt(size_t Offset) const;
};

struct RecoveryOptions {
  /// Inserted for every dynamic part.
  std::string Placeholder = "?";
  /// Maximum depth of variable/expression hops.
  unsigned MaxDepth = 8;
  /// Also follow a non-const local variable (`std::string sql = "..." + ...;`)
  /// when nothing in its function modifies it after the initialiser
  /// (ast::mayBeModified decides, conservatively). Off by default.
  bool FollowUnmodifiedLocals = false;
};

/// Recovers the compile-time string value of \p E. Returns an empty result
/// (no pieces) when nothing of E is a string literal.
RecoveredString recoverString(const clang::Expr *E, const clang::ASTContext &Ctx,
                              const RecoveryOptions &Opts = {});

/// How far stripTextWrappers() looks through wrapper objects.
struct TextWrapperPolicy {
  /// Maximum number of wrappers removed.
  unsigned MaxSteps = 8;
  /// Look through `T(x)` written as a functional cast.
  bool FunctionalCasts = true;
  /// Stop at std::basic_string / basic_string_view constructions (left to
  /// recoverString, which records them as pieces).
  bool StopAtStringClasses = true;
  /// Do not enter a constructor call written as `T(a)` / `T{a}` in the
  /// source (CXXTemporaryObjectExpr); copies and moves are still entered.
  bool SkipTemporaryObjects = false;
  /// Only enter a converting constructor whose argument can carry text (a
  /// literal, a variable, a string operation or conversion), so an object
  /// built from e.g. an integer is not looked through.
  bool RequireTextArgument = false;
};

/// Looks through what wraps a text expression at a call site: implicit
/// casts, temporaries, cleanups, copies/moves, and converting constructors
/// with one real argument (the rest defaulted) of wrapper classes such as
/// sql::SQLString, QString, pqxx::zview, beast's string_param. Returns the
/// innermost expression reached (E itself when nothing wraps it).
const clang::Expr *stripTextWrappers(const clang::Expr *E, const TextWrapperPolicy &Policy = {});

/// The text of a (narrow or UTF-8) string literal; empty for wide literals.
std::string literalText(const clang::StringLiteral *SL);

} // namespace prodready::ast

#endif
