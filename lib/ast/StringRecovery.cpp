//===- StringRecovery.cpp - recover string values from the AST ------------===//
#include "lib/ast/StringRecovery.h"
#include "lib/ast/LocalMutation.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace prodready::ast {

std::string literalText(const StringLiteral *SL) {
  if (!SL || SL->getCharByteWidth() != 1)
    return {};
  return SL->getString().str();
}

const StringPiece *RecoveredString::pieceAt(size_t Offset) const {
  for (const StringPiece &P : Pieces)
    if (Offset >= P.Offset && Offset < P.Offset + P.Length)
      return &P;
  return nullptr;
}

namespace {

/// True for types that hold string text: char arrays, pointers to const char,
/// and class types named like the standard string classes (basic_string,
/// basic_string_view) -- recognised by their template name, not by spelling.
bool isStringLike(QualType T) {
  T = T.getNonReferenceType().getCanonicalType();
  if (const auto *AT = T->getAsArrayTypeUnsafe())
    return AT->getElementType()->isCharType();
  if (const auto *PT = T->getAs<PointerType>())
    return PT->getPointeeType()->isCharType();
  if (const auto *RD = T->getAsCXXRecordDecl()) {
    const IdentifierInfo *II = RD->getIdentifier();
    if (!II)
      return false;
    llvm::StringRef N = II->getName();
    return N == "basic_string" || N == "basic_string_view";
  }
  return false;
}

/// Whether a variable's value can be taken from its initialiser: constants
/// only (constexpr, const-qualified object, or a pointer to const char that
/// is itself const or has static storage).
bool isConstantVariable(const VarDecl *VD) {
  if (!VD || !VD->getInit())
    return false;
  if (VD->isConstexpr())
    return true;
  QualType T = VD->getType();
  if (T.isConstQualified())
    return true;
  if (const auto *AT = T->getAsArrayTypeUnsafe())
    return AT->getElementType().isConstQualified();
  if (const auto *PT = T->getAs<PointerType>())
    return PT->getPointeeType().isConstQualified() && VD->hasGlobalStorage();
  return false;
}

class Recoverer {
public:
  Recoverer(const ASTContext &Ctx, const RecoveryOptions &Opts) : Ctx(Ctx), Opts(Opts) {}

  RecoveredString Result;

  void visit(const Expr *E, const VarDecl *Via, unsigned Depth) {
    if (!E) {
      hole(E);
      return;
    }
    if (Depth > Opts.MaxDepth) {
      hole(E);
      return;
    }
    E = E->IgnoreParenImpCasts();

    if (const auto *SL = dyn_cast<StringLiteral>(E)) {
      literal(SL, Via);
      return;
    }
    if (const auto *UDL = dyn_cast<UserDefinedLiteral>(E)) {
      if (UDL->getLiteralOperatorKind() == UserDefinedLiteral::LOK_String) {
        visit(UDL->getArg(0), Via, Depth + 1);
        return;
      }
    }
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(E)) {
      visit(EWC->getSubExpr(), Via, Depth + 1);
      return;
    }
    if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E)) {
      visit(MTE->getSubExpr(), Via, Depth + 1);
      return;
    }
    if (const auto *BTE = dyn_cast<CXXBindTemporaryExpr>(E)) {
      visit(BTE->getSubExpr(), Via, Depth + 1);
      return;
    }
    if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(E)) {
      visit(FC->getSubExpr(), Via, Depth + 1);
      return;
    }
    if (const auto *CE = dyn_cast<CastExpr>(E)) {
      visit(CE->getSubExpr(), Via, Depth + 1);
      return;
    }
    if (const auto *CCE = dyn_cast<CXXConstructExpr>(E)) {
      // std::string(const char*), string(string&&), string_view(const char*):
      // one real argument, the rest defaulted.
      if (isStringLike(CCE->getType()) && CCE->getNumArgs() >= 1 &&
          isStringLike(CCE->getArg(0)->getType())) {
        bool RestDefaulted = true;
        for (unsigned I = 1; I < CCE->getNumArgs(); ++I)
          RestDefaulted &= isa<CXXDefaultArgExpr>(CCE->getArg(I));
        if (RestDefaulted) {
          visit(CCE->getArg(0), Via, Depth + 1);
          return;
        }
      }
      hole(E);
      return;
    }
    if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(E)) {
      if (OCE->getOperator() == OO_Plus && OCE->getNumArgs() == 2 &&
          isStringLike(OCE->getType())) {
        visit(OCE->getArg(0), Via, Depth + 1);
        visit(OCE->getArg(1), Via, Depth + 1);
        return;
      }
      hole(E);
      return;
    }
    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(E)) {
      // c_str()/data() of a string object give its text.
      if (const auto *MD = MCE->getMethodDecl()) {
        if (MD->getIdentifier() && MCE->getNumArgs() == 0 &&
            (MD->getName() == "c_str" || MD->getName() == "data") &&
            isStringLike(MCE->getImplicitObjectArgument()->getType())) {
          visit(MCE->getImplicitObjectArgument(), Via, Depth + 1);
          return;
        }
      }
      hole(E);
      return;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
        if (isConstantVariable(VD) && isStringLike(VD->getType())) {
          visit(VD->getInit(), VD, Depth + 1);
          return;
        }
        if (Opts.FollowUnmodifiedLocals && isUnmodifiedLocal(VD)) {
          visit(VD->getInit(), VD, Depth + 1);
          return;
        }
      }
      hole(E);
      return;
    }
    if (const auto *ILE = dyn_cast<InitListExpr>(E)) {
      // char kPass[] = {"..."}; std::string s{"..."};
      if (ILE->getNumInits() == 1) {
        visit(ILE->getInit(0), Via, Depth + 1);
        return;
      }
    }
    hole(E);
  }

private:
  /// A local string variable with an initialiser that its function never
  /// modifies (no assignment, +=, non-const call, non-const reference taken).
  bool isUnmodifiedLocal(const VarDecl *VD) const {
    if (!VD->isLocalVarDecl() || !VD->getInit() || VD->getType()->isReferenceType() ||
        VD->isStaticLocal() || !isStringLike(VD->getType()))
      return false;
    const auto *FD = dyn_cast_or_null<FunctionDecl>(VD->getParentFunctionOrMethod());
    if (!FD || !FD->getBody())
      return false;
    return !mayBeModified(VD, FD->getBody());
  }

  void literal(const StringLiteral *SL, const VarDecl *Via) {
    if (SL->getCharByteWidth() != 1) {
      hole(SL);
      return;
    }
    StringPiece P;
    P.Literal = SL;
    P.Origin = SL;
    P.ViaVariable = Via;
    P.FromMacro = SL->getBeginLoc().isMacroID();
    P.Offset = Result.Text.size();
    llvm::StringRef S = SL->getString();
    Result.Text += S.str();
    P.Length = S.size();
    Result.Pieces.push_back(P);
  }

  void hole(const Expr *E) {
    StringPiece P;
    P.Origin = E;
    P.Offset = Result.Text.size();
    Result.Text += Opts.Placeholder;
    P.Length = Opts.Placeholder.size();
    Result.Pieces.push_back(P);
    Result.Complete = false;
  }

  const ASTContext &Ctx;
  const RecoveryOptions &Opts;
};

/// A converting constructor's argument that can carry text.
bool canCarryText(const Expr *A) {
  A = A->IgnoreParenImpCasts();
  return isa<StringLiteral>(A) || isa<DeclRefExpr>(A) || isa<CXXConstructExpr>(A) ||
         isa<MaterializeTemporaryExpr>(A) || isa<CXXBindTemporaryExpr>(A) ||
         isa<CXXOperatorCallExpr>(A) || isa<CXXMemberCallExpr>(A) || isa<ExprWithCleanups>(A) ||
         isa<CastExpr>(A);
}

} // namespace

const Expr *stripTextWrappers(const Expr *E, const TextWrapperPolicy &Policy) {
  for (unsigned Step = 0; E && Step < Policy.MaxSteps; ++Step) {
    E = E->IgnoreParenImpCasts();
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(E)) {
      E = EWC->getSubExpr();
      continue;
    }
    if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E)) {
      E = MTE->getSubExpr();
      continue;
    }
    if (const auto *BTE = dyn_cast<CXXBindTemporaryExpr>(E)) {
      E = BTE->getSubExpr();
      continue;
    }
    if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(E); FC && Policy.FunctionalCasts) {
      E = FC->getSubExpr();
      continue;
    }
    const auto *CCE = dyn_cast<CXXConstructExpr>(E);
    if (!CCE || CCE->getNumArgs() == 0 || !CCE->getConstructor())
      break;
    if (Policy.StopAtStringClasses && isStringLike(CCE->getType()))
      break;
    const CXXConstructorDecl *Ctor = CCE->getConstructor();
    if (Ctor->isCopyOrMoveConstructor()) {
      if (CCE->getNumArgs() != 1)
        break;
      E = CCE->getArg(0);
      continue;
    }
    if (Policy.SkipTemporaryObjects && isa<CXXTemporaryObjectExpr>(CCE))
      break;
    bool RestDefaulted = true;
    for (unsigned I = 1; I < CCE->getNumArgs(); ++I)
      RestDefaulted &= isa<CXXDefaultArgExpr>(CCE->getArg(I));
    if (!RestDefaulted || (Policy.RequireTextArgument && !canCarryText(CCE->getArg(0))))
      break;
    E = CCE->getArg(0);
  }
  return E;
}

RecoveredString recoverString(const Expr *E, const ASTContext &Ctx,
                              const RecoveryOptions &Opts) {
  Recoverer R(Ctx, Opts);
  R.visit(E, nullptr, 0);
  // Nothing literal at all: report "no string" rather than a lone hole.
  bool AnyLiteral = false;
  for (const StringPiece &P : R.Result.Pieces)
    AnyLiteral |= P.Literal != nullptr;
  if (!AnyLiteral)
    return RecoveredString{};
  return std::move(R.Result);
}

} // namespace prodready::ast
