//===- LocalMutation.h - may a local variable be modified? ------*- C++ -*-===//
//
// A conservative "is this local variable ever modified in its function" test
// that looks at the function body only. clang's ExprMutationAnalyzer answers
// the same question more precisely, but its matchers ask for ancestors, which
// makes clang build the parent map of the whole translation unit (every
// system header included): measured at ~11% of a SQL-heavy TU's analysis.
// Here a ParentMap over the one body is enough.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_AST_LOCALMUTATION_H
#define PRODREADY_LIB_AST_LOCALMUTATION_H

namespace clang {
class Stmt;
class VarDecl;
} // namespace clang

namespace prodready::ast {

/// False only when every use of \p VD inside \p Body is a read: converted to
/// an rvalue, passed by value or by const reference / pointer-to-const, a
/// const member function called on it, or bound to a const reference. Any
/// other use (assignment, ++/--, address taken, non-const reference or
/// pointer, non-const member call, capture by reference into a lambda that
/// writes it, an unknown context) counts as a possible modification.
bool mayBeModified(const clang::VarDecl *VD, const clang::Stmt *Body);

} // namespace prodready::ast

#endif
