//===- LocalMutation.cpp - may a local variable be modified? --------------===//
#include "lib/ast/LocalMutation.h"

#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/Stmt.h"

using namespace clang;

namespace prodready::ast {
namespace {

/// A parameter type through which the callee cannot modify the argument:
/// by value, const reference, or pointer to const.
bool readOnlyParameter(QualType T) {
  if (const auto *RT = T->getAs<ReferenceType>())
    return RT->getPointeeType().isConstQualified();
  if (const auto *PT = T->getAs<PointerType>())
    return PT->getPointeeType().isConstQualified();
  return true;
}

/// The parameter of \p FD that argument \p ArgIdx of a call binds to, if known.
const ParmVarDecl *parameterFor(const FunctionDecl *FD, unsigned ArgIdx) {
  if (!FD || ArgIdx >= FD->getNumParams())
    return nullptr;
  return FD->getParamDecl(ArgIdx);
}

class Uses : public RecursiveASTVisitor<Uses> {
public:
  Uses(const VarDecl *VD, const Stmt *Body) : VD(VD), PM(const_cast<Stmt *>(Body)) {}

  bool shouldVisitLambdaBody() const { return true; }

  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (DRE->getDecl() == VD && !readOnlyUse(DRE))
      Modified = true;
    return !Modified;
  }

  bool Modified = false;

private:
  /// Whether the value \p E (a use of VD, or an lvalue that still denotes it)
  /// is only read by its context.
  bool readOnlyUse(const Expr *E) {
    for (unsigned Depth = 0; Depth < 16; ++Depth) {
      const Stmt *P = PM.getParent(E);
      if (!P)
        return false;
      if (const auto *PE = dyn_cast<ParenExpr>(P)) {
        E = PE;
        continue;
      }
      if (const auto *ICE = dyn_cast<ImplicitCastExpr>(P)) {
        switch (ICE->getCastKind()) {
        case CK_LValueToRValue:
          return true;
        case CK_ArrayToPointerDecay:
        case CK_NoOp:
        case CK_DerivedToBase:
        case CK_UncheckedDerivedToBase:
          // The result still denotes the variable (or its elements): judged
          // by where it goes, unless it has become const.
          if (isConstView(ICE->getType()))
            return true;
          E = ICE;
          continue;
        default:
          return true; // a conversion to another type reads the value
        }
      }
      if (const auto *ME = dyn_cast<MemberExpr>(P)) {
        if (ME->getBase()->IgnoreParenImpCasts() != E->IgnoreParenImpCasts())
          return true;
        if (const auto *MD = dyn_cast<CXXMethodDecl>(ME->getMemberDecl()))
          return MD->isConst() || MD->isStatic();
        return false; // a data member reached through it
      }
      if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(P))
        return readOnlyCallArgument(OC, E);
      if (const auto *CE = dyn_cast<CallExpr>(P))
        return readOnlyCallArgument(CE, E);
      if (const auto *CCE = dyn_cast<CXXConstructExpr>(P)) {
        for (unsigned I = 0; I < CCE->getNumArgs(); ++I)
          if (CCE->getArg(I) == E) {
            const ParmVarDecl *PD = parameterFor(CCE->getConstructor(), I);
            return PD && readOnlyParameter(PD->getType());
          }
        return false;
      }
      if (const auto *BO = dyn_cast<BinaryOperator>(P)) {
        if (BO->isAssignmentOp() || BO->isCompoundAssignmentOp())
          return BO->getLHS() != E;
        return true;
      }
      if (const auto *UO = dyn_cast<UnaryOperator>(P)) {
        if (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf)
          return UO->getOpcode() == UO_AddrOf && isConstView(UO->getType());
        if (UO->getOpcode() == UO_Deref) {
          E = UO; // *p = ... writes the pointee, which is what a char* holds
          continue;
        }
        return true;
      }
      if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(P)) {
        E = ASE; // s[i] = ... writes the element
        continue;
      }
      if (const auto *DS = dyn_cast<DeclStmt>(P)) {
        for (const Decl *D : DS->decls())
          if (const auto *Other = dyn_cast<VarDecl>(D))
            if (Other->getInit() == E)
              return !Other->getType()->isReferenceType() || isConstView(Other->getType());
        return false;
      }
      if (isa<ReturnStmt>(P))
        return true; // returned by value: reference-returning functions bind below via NoOp
      if (isa<ExprWithCleanups>(P) || isa<MaterializeTemporaryExpr>(P) || isa<CXXBindTemporaryExpr>(P)) {
        E = cast<Expr>(P);
        continue;
      }
      if (isa<IfStmt>(P) || isa<WhileStmt>(P) || isa<ForStmt>(P) || isa<SwitchStmt>(P) ||
          isa<ConditionalOperator>(P) || isa<CompoundStmt>(P))
        return true;
      return false; // unknown context: assume it may write
    }
    return false;
  }

  /// \p E is an argument (or the object) of a call: read-only when the
  /// parameter it binds to cannot modify it.
  bool readOnlyCallArgument(const CallExpr *CE, const Expr *E) {
    const FunctionDecl *FD = CE->getDirectCallee();
    if (!FD)
      return false;
    unsigned Shift = 0;
    if (const auto *MD = dyn_cast<CXXMethodDecl>(FD); MD && isa<CXXOperatorCallExpr>(CE) && !MD->isStatic()) {
      // Member operator: argument 0 is the object.
      if (CE->getArg(0) == E)
        return MD->isConst();
      Shift = 1;
    }
    for (unsigned I = Shift; I < CE->getNumArgs(); ++I)
      if (CE->getArg(I) == E) {
        const ParmVarDecl *PD = parameterFor(FD, I - Shift);
        return PD && readOnlyParameter(PD->getType());
      }
    return CE->getCallee() == E; // calling through it reads it
  }

  static bool isConstView(QualType T) {
    if (const auto *RT = T->getAs<ReferenceType>())
      return RT->getPointeeType().isConstQualified();
    if (const auto *PT = T->getAs<PointerType>())
      return PT->getPointeeType().isConstQualified();
    return T.isConstQualified();
  }

  const VarDecl *VD;
  ParentMap PM;
};

} // namespace

bool mayBeModified(const VarDecl *VD, const Stmt *Body) {
  if (!VD || !Body)
    return true;
  Uses U(VD, Body);
  U.TraverseStmt(const_cast<Stmt *>(Body));
  return U.Modified;
}

} // namespace prodready::ast
