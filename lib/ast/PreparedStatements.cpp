//===- PreparedStatements.cpp - statements prepared and run by name -------===//
#include "lib/ast/PreparedStatements.h"
#include "lib/ast/StringRecovery.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"

#include <algorithm>

using namespace clang;

namespace prodready::ast {

std::optional<std::string> constantString(const Expr *E, const ASTContext &Ctx) {
  if (!E)
    return std::nullopt;
  RecoveredString R = recoverString(stripTextWrappers(E), Ctx);
  if (R.empty() || !R.Complete)
    return std::nullopt;
  return R.Text;
}

bool PreparedStatementIndex::addPrepare(const CallExpr *Call, const Expr *NameArg, const Expr *Sql,
                                        const ASTContext &Ctx) {
  std::optional<std::string> Name = constantString(NameArg, Ctx);
  if (!Name)
    return false;
  for (const NamedPrepare &P : Prepares)
    if (P.Call == Call)
      return true;
  Prepares.push_back({*Name, Call, Sql});
  // The SQL text, as far as it is known, tells re-preparations apart.
  std::string Text;
  if (Sql) {
    RecoveryOptions O;
    O.Placeholder = "\x1A";
    Text = recoverString(stripTextWrappers(Sql), Ctx, O).Text;
  }
  auto &Texts = TextsByName[*Name];
  if (std::find(Texts.begin(), Texts.end(), Text) == Texts.end())
    Texts.push_back(Text);
  return true;
}

bool PreparedStatementIndex::addExecution(const CallExpr *Call, const Expr *NameArg, const ASTContext &Ctx) {
  std::optional<std::string> Name = constantString(NameArg, Ctx);
  if (!Name)
    return false;
  for (const NamedExecution &X : Executions)
    if (X.Call == Call)
      return true;
  Executions.push_back({*Name, Call});
  return true;
}

std::vector<const NamedExecution *> PreparedStatementIndex::executionsOf(const CallExpr *Prepare) const {
  std::vector<const NamedExecution *> Out;
  auto P = std::find_if(Prepares.begin(), Prepares.end(), [&](const NamedPrepare &X) { return X.Call == Prepare; });
  if (P == Prepares.end())
    return Out;
  auto T = TextsByName.find(P->Name);
  if (T == TextsByName.end() || T->second.size() != 1)
    return Out; // the same name prepared with different statements: which one runs is not known
  for (const NamedExecution &X : Executions)
    if (X.Name == P->Name)
      Out.push_back(&X);
  return Out;
}

const NamedPrepare *PreparedStatementIndex::prepareOf(const CallExpr *Execution) const {
  auto X = std::find_if(Executions.begin(), Executions.end(),
                        [&](const NamedExecution &E) { return E.Call == Execution; });
  if (X == Executions.end())
    return nullptr;
  auto T = TextsByName.find(X->Name);
  if (T == TextsByName.end() || T->second.size() != 1)
    return nullptr;
  for (const NamedPrepare &P : Prepares)
    if (P.Name == X->Name)
      return &P;
  return nullptr;
}

void PreparedStatementIndex::clear() {
  Prepares.clear();
  Executions.clear();
  TextsByName.clear();
}

const Expr *callArgument(const CallExpr *Call, const FunctionDecl *Fn, unsigned Index) {
  if (!Call)
    return nullptr;
  if (isa<CXXOperatorCallExpr>(Call) && Fn && isa<CXXMethodDecl>(Fn))
    ++Index;
  if (Index >= Call->getNumArgs() || isa<CXXDefaultArgExpr>(Call->getArg(Index)))
    return nullptr;
  return Call->getArg(Index);
}

const VarDecl *namedVariable(const Expr *E) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
    E = UO->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return dyn_cast<VarDecl>(DRE->getDecl());
  return nullptr;
}

std::vector<const Expr *> bracedElements(const Expr *E) {
  for (int I = 0; I < 8 && E; ++I) {
    E = E->IgnoreParenImpCasts();
    if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(E))
      E = M->getSubExpr();
    else if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(E))
      E = B->getSubExpr();
    else if (const auto *F = dyn_cast<CXXFunctionalCastExpr>(E))
      E = F->getSubExpr();
    else if (const auto *S = dyn_cast<CXXStdInitializerListExpr>(E))
      E = S->getSubExpr();
    else if (const auto *C = dyn_cast<CXXConstructExpr>(E)) {
      // One argument, besides defaulted ones (the allocator).
      unsigned N = 0;
      for (const Expr *A : C->arguments())
        N += !isa<CXXDefaultArgExpr>(A);
      if (N != 1 || C->getNumArgs() == 0)
        return {};
      E = C->getArg(0);
    } else if (const auto *L = dyn_cast<InitListExpr>(E)) {
      return std::vector<const Expr *>(L->inits().begin(), L->inits().end());
    } else {
      return {};
    }
  }
  return {};
}

std::vector<const Expr *> arrayElements(const Expr *E, const ASTContext &Ctx) {
  if (auto B = bracedElements(E); !B.empty())
    return B;
  const VarDecl *VD = namedVariable(E);
  if (!VD || !VD->getType()->isArrayType() || !VD->getInit())
    return {};
  const auto *ILE = dyn_cast<InitListExpr>(VD->getInit()->IgnoreParenImpCasts());
  if (!ILE)
    return {};
  if (VD->isLocalVarDecl()) {
    const auto *FD = dyn_cast_or_null<FunctionDecl>(VD->getParentFunctionOrMethod());
    if (!FD || !FD->getBody())
      return {};
    // Element stores (values[0] = ...), or the array handed to a parameter
    // that may write its elements (const char **), make the initialiser not
    // the value. (ExprMutationAnalyzer counts every decay to a pointer.)
    using namespace clang::ast_matchers;
    auto Ref = ignoringParenImpCasts(declRefExpr(to(varDecl(equalsNode(VD)))));
    auto Writes = match(
        findAll(expr(anyOf(
            binaryOperator(isAssignmentOperator(), hasLHS(ignoringParenImpCasts(arraySubscriptExpr(hasBase(Ref))))),
            unaryOperator(hasOperatorName("&"), hasUnaryOperand(ignoringParenImpCasts(arraySubscriptExpr(hasBase(Ref))))),
            callExpr(forEachArgumentWithParam(
                Ref, parmVarDecl(hasType(pointerType(pointee(unless(isConstQualified())))))))))),
        *FD->getBody(), const_cast<ASTContext &>(Ctx));
    if (!Writes.empty())
      return {};
  } else if (!VD->getType().isConstQualified() &&
             !VD->getType()->getAsArrayTypeUnsafe()->getElementType().isConstQualified()) {
    return {};
  }
  std::vector<const Expr *> Out;
  for (unsigned I = 0; I < ILE->getNumInits(); ++I)
    Out.push_back(ILE->getInit(I));
  return Out;
}

} // namespace prodready::ast
