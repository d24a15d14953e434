#include "Analysis.h"
#include "Sqlite.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

namespace prodready::sql {

using nlohmann::json;

namespace {

std::string lower(std::string S) {
  for (char &C : S)
    C = static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  return S;
}

//===----------------------------------------------------------------------===//
// The access model of one SELECT/UPDATE/DELETE level ("scope").
//===----------------------------------------------------------------------===//

enum class OpKind {
  Eq,         ///< = , IN (...), = ANY(...), bare boolean column
  Range,      ///< < > <= >= BETWEEN
  IsNull,     ///< IS NULL
  IsNotNull,  ///< IS NOT NULL
  LikeExact,  ///< LIKE 'abc' (no wildcard)
  LikePrefix, ///< LIKE 'abc%'
  LikeAny,    ///< LIKE '%abc', LIKE $1, ILIKE, regex: trigram index only
  GinOp,      ///< @> <@ && @@ : gin/gist only
  Unusable,   ///< <>, NOT IN, NOT LIKE, NOT BETWEEN, NOT (...)
};

struct Restriction {
  int Ref = -1;
  OpKind Op = OpKind::Unusable;
  json Key;              ///< The indexed side (column or expression).
  std::string KeyCanon;
  std::string Column;    ///< When Key is a plain column.
  std::string Reason;    ///< For Unusable / LikeAny.
  std::string Canon;     ///< canonicalExpr of the whole conjunct.
  std::string Text;      ///< Rendered conjunct.
  int Location = -1;
  bool IsOr = false;
  std::vector<std::vector<Restriction>> OrBranches; ///< One restriction per branch.
  int OrFailBranch = -1;
};

struct JoinEdge {
  int A = -1, B = -1;
  std::string ColA, ColB;
  bool AProbesB = true, BProbesA = true; ///< Which side may be the probed (inner) one.
  int LocA = -1, LocB = -1;
};

struct OrderKey {
  int Ref = -1;
  std::string Canon;
  std::string Column;
  json Key;
  bool Desc = false;
};

struct TableRef {
  std::string Table; ///< Schema name; "" for virtual refs.
  std::string Alias;
  int Location = -1;
  bool Virtual = false; ///< Subquery, CTE, function, unknown table.
  bool Nullable = false;
  const sql::Table *Tab = nullptr;
};

struct Scope {
  std::vector<TableRef> Refs;
  std::vector<Restriction> Restrictions;
  std::vector<JoinEdge> Joins;
  std::vector<OrderKey> Order;
  bool OrderKnown = true;
  bool HasWhere = false;
  bool HasLimit = false;
  bool Uncertain = false;
  std::string UncertainWhy;
  int StmtLocation = 0;
};

struct Ctx {
  const Schema &S;
  const NormalizedSql &Norm;
  std::vector<Scope> Scopes;
  std::set<std::string> CteNames;
  const BoundValues *Bound = nullptr;
};

void collectScopes(Ctx &C, const json &Stmt, const std::set<std::string> &OuterCtes);

bool isHole(const Ctx &C, const json &N) {
  return nodeType(N) == "ParamRef" && C.Norm.HoleParams.count(nodeBody(N).value("number", 0));
}

/// Which refs of \p Sc an expression uses. Unresolvable column references
/// make Unknown true. SubLinks are analysed as their own scopes.
void refsOf(Ctx &C, Scope &Sc, const json &N, std::set<int> &Refs, bool &Unknown, bool &Hole) {
  if (N.is_array()) {
    for (auto &E : N)
      refsOf(C, Sc, E, Refs, Unknown, Hole);
    return;
  }
  if (!N.is_object())
    return;
  std::string T = nodeType(N);
  if (T == "ColumnRef") {
    auto F = stringList(nodeBody(N).value("fields", json::array()));
    if (F.empty() || F.back() == "*")
      return;
    if (F.size() >= 2) {
      std::string Q = lower(F[F.size() - 2]);
      for (size_t I = 0; I < Sc.Refs.size(); ++I)
        if (lower(Sc.Refs[I].Alias) == Q) {
          Refs.insert(static_cast<int>(I));
          return;
        }
      return; // outer reference: a constant at this level
    }
    std::string Col = lower(F.back());
    int Found = -1, Candidates = 0;
    bool AnyUnknownColumns = false;
    for (size_t I = 0; I < Sc.Refs.size(); ++I) {
      const TableRef &R = Sc.Refs[I];
      if (!R.Tab || !R.Tab->ColumnsKnown) {
        AnyUnknownColumns = true;
        continue;
      }
      if (R.Tab->column(Col)) {
        Found = static_cast<int>(I);
        ++Candidates;
      }
    }
    if (Candidates == 1 && !AnyUnknownColumns) {
      Refs.insert(Found);
      return;
    }
    if (Sc.Refs.size() == 1 && Candidates == 0 && AnyUnknownColumns) {
      Refs.insert(0);
      return;
    }
    if (Candidates == 0 && !AnyUnknownColumns)
      return; // outer reference (correlated subquery) or a column that does not exist
    Unknown = true;
    return;
  }
  if (T == "ParamRef") {
    if (isHole(C, N))
      Hole = true;
    return;
  }
  if (T == "SubLink") {
    // The subquery is its own scope; its testexpr belongs to this one.
    const json &B = nodeBody(N);
    if (B.contains("testexpr"))
      refsOf(C, Sc, B["testexpr"], Refs, Unknown, Hole);
    return;
  }
  for (auto It = N.begin(); It != N.end(); ++It)
    refsOf(C, Sc, It.value(), Refs, Unknown, Hole);
}

void collectSubLinks(Ctx &C, const json &N) {
  if (N.is_array()) {
    for (auto &E : N)
      collectSubLinks(C, E);
    return;
  }
  if (!N.is_object())
    return;
  if (nodeType(N) == "SubLink") {
    const json &B = nodeBody(N);
    if (B.contains("subselect"))
      collectScopes(C, B["subselect"], C.CteNames);
    if (B.contains("testexpr"))
      collectSubLinks(C, B["testexpr"]);
    return;
  }
  for (auto It = N.begin(); It != N.end(); ++It)
    collectSubLinks(C, It.value());
}

std::string opOf(const json &AExprBody) {
  auto Op = stringList(AExprBody.value("name", json::array()));
  return Op.empty() ? "" : Op.back();
}

bool isColumn(const json &N, std::string &Col) {
  if (nodeType(N) != "ColumnRef")
    return false;
  auto F = stringList(nodeBody(N).value("fields", json::array()));
  if (F.empty() || F.back() == "*")
    return false;
  Col = lower(F.back());
  return true;
}

/// Prefix of a LIKE pattern before the first wildcard; Exact when none.
std::string likePrefix(const std::string &P, bool &Exact) {
  std::string R;
  Exact = true;
  for (size_t I = 0; I < P.size(); ++I) {
    if (P[I] == '\\' && I + 1 < P.size()) {
      R += P[++I];
      continue;
    }
    if (P[I] == '%' || P[I] == '_') {
      Exact = false;
      break;
    }
    R += P[I];
  }
  return R;
}

/// True for a regular expression that starts with ^ and a literal character.
bool anchoredPrefix(const std::string &Re) {
  if (Re.size() < 2 || Re[0] != '^')
    return false;
  char C = Re[1];
  return std::isalnum(static_cast<unsigned char>(C)) || C == '_' || C == '-' || C == ' ';
}

/// The value bound to a parameter used as a LIKE pattern, when the C++ code
/// shows it and it has a known part (null otherwise: today's "unknown").
const std::string *boundLikePattern(const Ctx &C, const json &N) {
  if (!C.Bound || nodeType(N) != "ParamRef" || isHole(C, N))
    return nullptr;
  const std::string *V = boundValue(*C.Bound, C.Norm, nodeBody(N).value("number", 0));
  if (!V || V->find_first_not_of(BoundHole) == std::string::npos)
    return nullptr;
  return V;
}

/// A bound pattern for messages: run-time parts shown as "…".
std::string displayPattern(const std::string &P) {
  std::string R;
  for (char Ch : P)
    R += Ch == BoundHole ? std::string("\u2026") : std::string(1, Ch);
  return R;
}

/// Classifies one conjunct into a restriction / join edge / nothing.
void classify(Ctx &C, Scope &Sc, const json &E, bool FromOuterJoinOn, int NullableSide,
              std::vector<Restriction> *OrOut = nullptr);

Restriction makeRestriction(int Ref, OpKind Op, const json &Key, const json &Whole) {
  Restriction R;
  R.Ref = Ref;
  R.Op = Op;
  R.Key = Key;
  R.KeyCanon = canonicalExpr(Key);
  isColumn(Key, R.Column);
  R.Canon = canonicalExpr(Whole);
  R.Text = renderExpr(Whole);
  R.Location = nodeLocation(Key) >= 0 ? nodeLocation(Key) : nodeLocation(Whole);
  return R;
}

/// Returns true and fills \p R when \p E restricts a single ref.
bool restrictionOf(Ctx &C, Scope &Sc, const json &E, Restriction &R, JoinEdge *Edge, bool &Uncertain) {
  std::string T = nodeType(E);
  const json &B = nodeBody(E);
  auto single = [&](const json &N, int &Ref) {
    std::set<int> Refs;
    bool Unknown = false, Hole = false;
    refsOf(C, Sc, N, Refs, Unknown, Hole);
    if (Unknown)
      Uncertain = true;
    if (Refs.size() == 1 && !Unknown) {
      Ref = *Refs.begin();
      return 1;
    }
    return Refs.empty() && !Unknown ? 0 : 2;
  };
  if (T == "A_Expr") {
    std::string Kind = B.value("kind", "");
    std::string Op = opOf(B);
    const json &L = B.value("lexpr", json::object());
    const json &Rr = B.value("rexpr", json::object());
    int LRef = -1, RRef = -1;
    int LN = single(L, LRef), RN = single(Rr, RRef);
    const json *Key = nullptr;
    int Ref = -1;
    bool Swapped = false;
    if (LN == 1 && RN == 0)
      Key = &L, Ref = LRef;
    else if (LN == 0 && RN == 1 && Kind == "AEXPR_OP")
      Key = &Rr, Ref = RRef, Swapped = true;
    else if (LN == 1 && RN == 1 && LRef != RRef && Kind == "AEXPR_OP" && Op == "=" && Edge) {
      std::string CA, CB;
      if (isColumn(L, CA) && isColumn(Rr, CB)) {
        Edge->A = LRef, Edge->B = RRef, Edge->ColA = CA, Edge->ColB = CB;
        Edge->LocA = nodeLocation(L), Edge->LocB = nodeLocation(Rr);
      }
      return false;
    }
    if (!Key)
      return false;
    (void)Swapped;
    OpKind K = OpKind::Unusable;
    std::string Why;
    if (Kind == "AEXPR_OP") {
      if (Op == "=")
        K = OpKind::Eq;
      else if (Op == "<" || Op == ">" || Op == "<=" || Op == ">=")
        K = OpKind::Range;
      else if (Op == "<>" || Op == "!=")
        Why = "'<>' cannot use an index";
      else if (Op == "@>" || Op == "<@" || Op == "&&" || Op == "@@")
        K = OpKind::GinOp, Why = "'" + Op + "' needs a GIN or GiST index";
      else if (Op == "~" && nodeType(Rr) == "A_Const" && nodeBody(Rr).contains("sval") &&
               anchoredPrefix(nodeBody(Rr)["sval"].value("sval", "")))
        K = OpKind::LikePrefix; // '^abc...': a prefix, like LIKE 'abc%'
      else if (Op == "~" || Op == "~*")
        K = OpKind::LikeAny, Why = "a regular expression match without a literal ^prefix cannot use a btree index";
      else if (Op == "!~" || Op == "!~*")
        Why = "a negated regular expression cannot use an index";
      else
        Why = "operator '" + Op + "' cannot use a btree index";
    } else if (Kind == "AEXPR_OP_ANY") {
      if (Op == "=")
        K = OpKind::Eq;
      else if (Op == "<" || Op == ">" || Op == "<=" || Op == ">=")
        K = OpKind::Range;
      else
        Why = "'" + Op + " ANY' cannot use an index";
    } else if (Kind == "AEXPR_OP_ALL") {
      if (Op == "<" || Op == ">" || Op == "<=" || Op == ">=")
        K = OpKind::Range;
      else
        Why = "'" + Op + " ALL' cannot use an index";
    } else if (Kind == "AEXPR_IN") {
      if (Op == "=")
        K = OpKind::Eq;
      else
        Why = "NOT IN cannot use an index";
    } else if (Kind == "AEXPR_BETWEEN" || Kind == "AEXPR_BETWEEN_SYM") {
      K = OpKind::Range;
    } else if (Kind == "AEXPR_NOT_BETWEEN" || Kind == "AEXPR_NOT_BETWEEN_SYM") {
      // x NOT BETWEEN a AND b is x < a OR x > b: two range scans of the same index.
      K = OpKind::Range;
    } else if (Kind == "AEXPR_LIKE") {
      if (Op == "!~~") {
        Why = "NOT LIKE cannot use an index";
      } else if (nodeType(Rr) == "A_Const" && nodeBody(Rr).contains("sval")) {
        std::string P = nodeBody(Rr)["sval"].value("sval", "");
        bool Exact = false;
        std::string Pre = likePrefix(P, Exact);
        if (Exact)
          K = OpKind::LikeExact;
        else if (Pre.empty())
          K = OpKind::LikeAny, Why = "leading wildcard in LIKE '" + P + "'";
        else
          K = OpKind::LikePrefix;
      } else if (const std::string *BV = boundLikePattern(C, Rr)) {
        // A pattern bound in visible C++ code: known text, BoundHole for run-time parts.
        std::string Shown = displayPattern(*BV);
        std::string Param = "$" + std::to_string(nodeBody(Rr).value("number", 0));
        if (!BV->empty() && (BV->front() == '%' || BV->front() == '_'))
          K = OpKind::LikeAny,
          Why = "leading wildcard in the LIKE pattern '" + Shown + "' bound to " + Param;
        else if (BV->find_first_of(std::string("%_") + BoundHole) == std::string::npos)
          K = OpKind::LikeExact;
        else if (BV->front() != BoundHole || BV->find_first_of("%_") != std::string::npos)
          K = OpKind::LikePrefix; // 'abc%', x + '%': a prefix (a run-time start is taken as text)
        else
          K = OpKind::LikeAny, Why = "LIKE with a pattern only known at run time has no usable prefix";
      } else {
        K = OpKind::LikeAny, Why = "LIKE with a pattern only known at run time has no usable prefix";
      }
    } else if (Kind == "AEXPR_ILIKE") {
      if (Op == "!~~*")
        Why = "NOT ILIKE cannot use an index";
      else
        K = OpKind::LikeAny, Why = "ILIKE cannot use a btree index";
    } else if (Kind == "AEXPR_DISTINCT" || Kind == "AEXPR_NOT_DISTINCT") {
      Why = "IS [NOT] DISTINCT FROM cannot use an index";
    } else if (Kind == "AEXPR_SIMILAR") {
      K = OpKind::LikeAny, Why = "SIMILAR TO cannot use a btree index";
    } else {
      return false;
    }
    R = makeRestriction(Ref, K, *Key, E);
    R.Reason = Why;
    return true;
  }
  if (T == "NullTest") {
    const json &Arg = B.value("arg", json::object());
    int Ref = -1;
    if (single(Arg, Ref) != 1)
      return false;
    R = makeRestriction(Ref, B.value("nulltesttype", "") == "IS_NOT_NULL" ? OpKind::IsNotNull : OpKind::IsNull,
                        Arg, E);
    return true;
  }
  if (T == "ColumnRef") { // WHERE active
    int Ref = -1;
    if (single(E, Ref) != 1)
      return false;
    R = makeRestriction(Ref, OpKind::Eq, E, E);
    return true;
  }
  if (T == "BoolExpr" && B.value("boolop", "") == "NOT_EXPR") {
    const json &Args = B.value("args", json::array());
    if (Args.size() == 1 && nodeType(Args[0]) == "ColumnRef") { // WHERE NOT deleted
      int Ref = -1;
      if (single(Args[0], Ref) != 1)
        return false;
      R = makeRestriction(Ref, OpKind::Eq, Args[0], E);
      return true;
    }
    int Ref = -1;
    if (single(E, Ref) != 1)
      return false;
    R = makeRestriction(Ref, OpKind::Unusable, Args.empty() ? E : Args[0], E);
    R.Reason = "a negated condition (NOT ...) cannot use an index";
    return true;
  }
  if (T == "SubLink") {
    const json &SB = B;
    std::string Kind = SB.value("subLinkType", "");
    if (Kind == "ANY_SUBLINK" && SB.contains("testexpr")) { // col IN (SELECT ...)
      const json &TE = SB["testexpr"];
      int Ref = -1;
      if (single(TE, Ref) != 1)
        return false;
      R = makeRestriction(Ref, OpKind::Eq, TE, E);
      return true;
    }
    return false;
  }
  if (T == "TypeCast" || T == "FuncCall") { // WHERE is_active(x) / x::bool
    int Ref = -1;
    if (single(E, Ref) != 1)
      return false;
    R = makeRestriction(Ref, OpKind::Eq, E, E);
    return true;
  }
  return false;
}

void flattenAnd(const json &E, std::vector<const json *> &Out) {
  if (nodeType(E) == "BoolExpr" && nodeBody(E).value("boolop", "") == "AND_EXPR") {
    auto It = nodeBody(E).find("args");
    if (It != nodeBody(E).end() && It->is_array())
      for (auto &A : *It)
        flattenAnd(A, Out);
    return;
  }
  if (!E.is_null())
    Out.push_back(&E);
}

void classify(Ctx &C, Scope &Sc, const json &E, bool OuterOn, int NullableSide, std::vector<Restriction> *) {
  std::vector<const json *> Conj;
  flattenAnd(E, Conj);
  for (const json *P : Conj) {
    if (isHole(C, *P)) {
      Sc.Uncertain = true;
      Sc.UncertainWhy = "part of the condition is built at run time";
      continue;
    }
    if (nodeType(*P) == "BoolExpr" && nodeBody(*P).value("boolop", "") == "OR_EXPR") {
      // OR: every branch must be served by some index of the same table.
      Restriction Or;
      Or.IsOr = true;
      Or.Canon = canonicalExpr(*P);
      Or.Text = renderExpr(*P);
      Or.Location = nodeLocation(*P);
      bool Ok = true;
      for (auto &Branch : nodeBody(*P).value("args", json::array())) {
        if (isHole(C, Branch)) {
          Sc.Uncertain = true;
          Sc.UncertainWhy = "part of the condition is built at run time";
          Ok = false;
          break;
        }
        std::vector<const json *> BConj;
        flattenAnd(Branch, BConj);
        std::vector<Restriction> BR;
        for (const json *BP : BConj) {
          Restriction R;
          bool Unc = false;
          if (restrictionOf(C, Sc, *BP, R, nullptr, Unc))
            BR.push_back(std::move(R));
          if (Unc)
            Ok = false;
        }
        if (BR.empty()) {
          Ok = false;
          break;
        }
        Or.OrBranches.push_back(std::move(BR));
      }
      if (!Ok || Or.OrBranches.empty())
        continue;
      int Ref = Or.OrBranches[0][0].Ref;
      for (auto &Br : Or.OrBranches)
        for (auto &R : Br)
          if (R.Ref != Ref)
            Ok = false;
      if (!Ok)
        continue; // an OR across tables filters after the join
      Or.Ref = Ref;
      if (Or.Location < 0)
        Or.Location = Or.OrBranches[0][0].Location;
      Sc.Restrictions.push_back(std::move(Or));
      continue;
    }
    Restriction R;
    JoinEdge Edge;
    bool Unc = false;
    if (restrictionOf(C, Sc, *P, R, &Edge, Unc)) {
      // In LEFT JOIN ... ON, a condition on the preserved side does not filter it.
      if (OuterOn && R.Ref != NullableSide && NullableSide >= 0)
        continue;
      Sc.Restrictions.push_back(std::move(R));
    } else if (Edge.A >= 0) {
      if (OuterOn && NullableSide >= 0) {
        Edge.AProbesB = Edge.B == NullableSide;
        Edge.BProbesA = Edge.A == NullableSide;
      }
      Sc.Joins.push_back(Edge);
    }
  }
}

void addFromItem(Ctx &C, Scope &Sc, const json &Item, std::vector<std::pair<json, std::pair<bool, int>>> &Quals,
                 bool Nullable) {
  std::string T = nodeType(Item);
  const json &B = nodeBody(Item);
  if (T == "RangeVar") {
    TableRef R;
    R.Table = lower(B.value("relname", ""));
    R.Alias = R.Table;
    if (B.contains("alias") && B["alias"].is_object())
      R.Alias = B["alias"].value("aliasname", R.Table);
    R.Location = B.value("location", -1);
    R.Nullable = Nullable;
    bool SchemaQualifiedOther = B.contains("schemaname") && lower(B.value("schemaname", "")) != "public" &&
                                lower(B.value("schemaname", "")) != "main";
    if (C.CteNames.count(R.Table) || SchemaQualifiedOther) {
      R.Virtual = true;
    } else {
      R.Tab = C.S.table(R.Table);
      if (!R.Tab)
        R.Virtual = true;
    }
    Sc.Refs.push_back(R);
    return;
  }
  if (T == "JoinExpr") {
    std::string JT = B.value("jointype", "JOIN_INNER");
    bool LeftNull = JT == "JOIN_RIGHT" || JT == "JOIN_FULL";
    bool RightNull = JT == "JOIN_LEFT" || JT == "JOIN_FULL";
    size_t Before = Sc.Refs.size();
    addFromItem(C, Sc, B.value("larg", json::object()), Quals, Nullable || LeftNull);
    size_t Mid = Sc.Refs.size();
    addFromItem(C, Sc, B.value("rarg", json::object()), Quals, Nullable || RightNull);
    int NullableSide = -1;
    if (JT == "JOIN_LEFT" && Sc.Refs.size() == Mid + 1)
      NullableSide = static_cast<int>(Mid);
    else if (JT == "JOIN_RIGHT" && Mid == Before + 1)
      NullableSide = static_cast<int>(Before);
    bool Outer = JT != "JOIN_INNER";
    if (B.contains("quals"))
      Quals.push_back({B["quals"], {Outer, NullableSide}});
    // USING (col): an equality join on the same column name.
    auto Using = stringList(B.value("usingClause", json::array()));
    for (auto &Col : Using) {
      if (Mid == Before + 1 && Sc.Refs.size() == Mid + 1) {
        JoinEdge E;
        E.A = static_cast<int>(Before), E.B = static_cast<int>(Mid);
        E.ColA = E.ColB = lower(Col);
        E.LocA = E.LocB = Sc.Refs[Mid].Location;
        if (Outer && NullableSide >= 0) {
          E.AProbesB = E.B == NullableSide;
          E.BProbesA = E.A == NullableSide;
        }
        Sc.Joins.push_back(E);
      }
    }
    return;
  }
  if (T == "RangeSubselect") {
    if (B.contains("subquery"))
      collectScopes(C, B["subquery"], C.CteNames);
    TableRef R;
    R.Virtual = true;
    if (B.contains("alias") && B["alias"].is_object())
      R.Alias = B["alias"].value("aliasname", "");
    Sc.Refs.push_back(R);
    return;
  }
  // RangeFunction, VALUES lists, table samples...
  TableRef R;
  R.Virtual = true;
  if (B.is_object() && B.contains("alias") && B["alias"].is_object())
    R.Alias = B["alias"].value("aliasname", "");
  Sc.Refs.push_back(R);
}

void finishScope(Ctx &C, Scope &Sc, const json *Where,
                 const std::vector<std::pair<json, std::pair<bool, int>>> &Quals, const json *Sort,
                 bool HasLimit) {
  Sc.HasWhere = Where && !Where->is_null();
  Sc.HasLimit = HasLimit;
  for (auto &Q : Quals)
    classify(C, Sc, Q.first, Q.second.first, Q.second.second);
  if (Where)
    classify(C, Sc, *Where, false, -1);
  if (Sort) {
    for (auto &S : *Sort) {
      const json &SB = nodeBody(S);
      const json &N = SB.value("node", json::object());
      std::set<int> Refs;
      bool Unknown = false, Hole = false;
      refsOf(C, Sc, N, Refs, Unknown, Hole);
      if (Refs.size() != 1 || Unknown || Hole) {
        Sc.OrderKnown = false;
        continue;
      }
      OrderKey K;
      K.Ref = *Refs.begin();
      K.Key = N;
      K.Canon = canonicalExpr(N);
      isColumn(N, K.Column);
      K.Desc = SB.value("sortby_dir", "") == "SORTBY_DESC";
      Sc.Order.push_back(std::move(K));
    }
  }
  if (Where)
    collectSubLinks(C, *Where);
  for (auto &Q : Quals)
    collectSubLinks(C, Q.first);
}

void collectCtes(Ctx &C, const json &B, std::set<std::string> &Names) {
  if (!B.contains("withClause"))
    return;
  const json &W = B["withClause"];
  for (auto &Cte : W.value("ctes", json::array())) {
    const json &CB = nodeBody(Cte);
    Names.insert(lower(CB.value("ctename", "")));
  }
  std::set<std::string> Saved = C.CteNames;
  C.CteNames.insert(Names.begin(), Names.end());
  for (auto &Cte : W.value("ctes", json::array())) {
    const json &CB = nodeBody(Cte);
    if (CB.contains("ctequery"))
      collectScopes(C, CB["ctequery"], C.CteNames);
  }
  C.CteNames = Saved;
}

void collectScopes(Ctx &C, const json &Stmt, const std::set<std::string> &OuterCtes) {
  std::string T = nodeType(Stmt);
  const json &B = nodeBody(Stmt);
  if (!B.is_object())
    return;
  std::set<std::string> SavedCtes = C.CteNames;
  C.CteNames = OuterCtes;
  std::set<std::string> Names;
  collectCtes(C, B, Names);
  C.CteNames.insert(Names.begin(), Names.end());
  if (T == "SelectStmt") {
    std::string Op = B.value("op", "SETOP_NONE");
    if (Op != "SETOP_NONE") {
      if (B.contains("larg"))
        collectScopes(C, json{{"SelectStmt", B["larg"]}}, C.CteNames);
      if (B.contains("rarg"))
        collectScopes(C, json{{"SelectStmt", B["rarg"]}}, C.CteNames);
      C.CteNames = SavedCtes;
      return;
    }
    if (!B.contains("fromClause")) {
      // SELECT without FROM: only its subqueries access tables.
      if (B.contains("whereClause"))
        collectSubLinks(C, B["whereClause"]);
      if (B.contains("targetList"))
        collectSubLinks(C, B["targetList"]);
      C.CteNames = SavedCtes;
      return;
    }
    Scope Sc;
    std::vector<std::pair<json, std::pair<bool, int>>> Quals;
    for (auto &F : B["fromClause"])
      addFromItem(C, Sc, F, Quals, false);
    const json *Where = B.contains("whereClause") ? &B["whereClause"] : nullptr;
    const json *Sort = B.contains("sortClause") ? &B["sortClause"] : nullptr;
    bool Limit = B.contains("limitCount") && !(nodeType(B["limitCount"]) == "A_Const" && nodeBody(B["limitCount"]).value("isnull", false));
    size_t Index = C.Scopes.size();
    C.Scopes.push_back(Scope());
    finishScope(C, Sc, Where, Quals, Sort, Limit);
    if (B.contains("targetList"))
      collectSubLinks(C, B["targetList"]);
    C.Scopes[Index] = std::move(Sc);
  } else if (T == "UpdateStmt" || T == "DeleteStmt") {
    Scope Sc;
    std::vector<std::pair<json, std::pair<bool, int>>> Quals;
    if (B.contains("relation"))
      addFromItem(C, Sc, json{{"RangeVar", B["relation"]}}, Quals, false);
    const char *Extra = T == "UpdateStmt" ? "fromClause" : "usingClause";
    if (B.contains(Extra))
      for (auto &F : B[Extra])
        addFromItem(C, Sc, F, Quals, false);
    const json *Where = B.contains("whereClause") ? &B["whereClause"] : nullptr;
    size_t Index = C.Scopes.size();
    C.Scopes.push_back(Scope());
    finishScope(C, Sc, Where, Quals, nullptr, false);
    if (B.contains("targetList"))
      collectSubLinks(C, B["targetList"]);
    C.Scopes[Index] = std::move(Sc);
  } else if (T == "InsertStmt") {
    if (B.contains("selectStmt"))
      collectScopes(C, B["selectStmt"], C.CteNames);
  } else if (T == "ExplainStmt") {
    if (B.contains("query"))
      collectScopes(C, B["query"], C.CteNames);
  }
  C.CteNames = SavedCtes;
}

//===----------------------------------------------------------------------===//
// Index usability (PostgreSQL planner rules).
//===----------------------------------------------------------------------===//

bool isPatternOps(const std::string &Opclass) {
  return Opclass == "text_pattern_ops" || Opclass == "varchar_pattern_ops" || Opclass == "bpchar_pattern_ops";
}
bool isTrgm(const std::string &Opclass) { return Opclass == "gin_trgm_ops" || Opclass == "gist_trgm_ops"; }
bool isCCollation(const std::string &C) { return C == "C" || C == "POSIX" || C == "c" || C == "posix"; }

/// Can index key \p K of index \p I serve restriction \p R?
bool keyServes(const Index &I, const IndexKey &K, const Restriction &R, const Table *Tab) {
  if (R.IsOr || K.Canon != R.KeyCanon)
    return false;
  if (I.Method == "btree") {
    switch (R.Op) {
    case OpKind::Eq:
    case OpKind::Range:
    case OpKind::IsNull:
    case OpKind::IsNotNull:
    case OpKind::LikeExact:
      return !isTrgm(K.Opclass);
    case OpKind::LikePrefix: {
      if (isPatternOps(K.Opclass))
        return true;
      std::string Coll = K.Collation;
      if (Coll.empty() && Tab && !R.Column.empty())
        if (const Column *Col = Tab->column(R.Column))
          Coll = Col->Collation;
      return isCCollation(Coll);
    }
    default:
      return false;
    }
  }
  if (I.Method == "hash")
    return R.Op == OpKind::Eq && I.Keys.size() == 1;
  if (I.Method == "gin" || I.Method == "gist") {
    if (isTrgm(K.Opclass))
      return R.Op == OpKind::LikeAny || R.Op == OpKind::LikePrefix || R.Op == OpKind::LikeExact;
    return R.Op == OpKind::GinOp;
  }
  if (I.Method == "brin")
    return R.Op == OpKind::Eq || R.Op == OpKind::Range;
  return false;
}

/// Does the query (its restrictions on this ref) imply the partial-index predicate?
bool impliesPredicate(const Index &I, const std::vector<const Restriction *> &Rs) {
  for (auto &Need : I.WhereCanon) {
    bool Found = false;
    for (auto *R : Rs)
      if (R->Canon == Need)
        Found = true;
    if (!Found)
      return false;
  }
  return true;
}

/// Does some index serve at least one restriction of ref \p Ref (plus an
/// optional extra equality \p ExtraEqCol, the join column when probed)?
bool refServed(const Schema &S, const TableRef &TR, const std::vector<const Restriction *> &Rs,
               const std::string &ExtraEqCol = "") {
  std::vector<const Restriction *> All = Rs;
  Restriction Extra;
  if (!ExtraEqCol.empty()) {
    json Ref = {{"ColumnRef", {{"fields", json::array({{{"String", {{"sval", ExtraEqCol}}}}})}}}};
    Extra = makeRestriction(-1, OpKind::Eq, Ref, Ref);
    All.push_back(&Extra);
  }
  for (const Index *I : S.indexesOn(TR.Table)) {
    if (I->Keys.empty() || !impliesPredicate(*I, Rs))
      continue;
    const IndexKey &Lead = I->Keys[0];
    bool MultiKey = I->Method == "gin" || I->Method == "gist" || I->Method == "brin";
    for (const Restriction *R : All) {
      if (R->IsOr)
        continue;
      if (keyServes(*I, Lead, *R, TR.Tab))
        return true;
      if (MultiKey)
        for (auto &K : I->Keys)
          if (keyServes(*I, K, *R, TR.Tab))
            return true;
    }
  }
  // OR restrictions: every branch needs an index of its own (BitmapOr).
  for (const Restriction *R : Rs) {
    if (!R->IsOr)
      continue;
    bool AllBranches = true;
    for (auto &Br : R->OrBranches) {
      std::vector<const Restriction *> BrPtrs;
      for (auto &X : Br)
        BrPtrs.push_back(&X);
      // A branch may also use the restrictions outside the OR (partial indexes).
      std::vector<const Restriction *> Ctx = BrPtrs;
      for (auto *O : Rs)
        if (!O->IsOr)
          Ctx.push_back(O);
      bool BranchOk = false;
      for (const Index *I : S.indexesOn(TR.Table)) {
        if (I->Keys.empty() || !impliesPredicate(*I, Ctx))
          continue;
        for (auto *X : BrPtrs)
          if (keyServes(*I, I->Keys[0], *X, TR.Tab))
            BranchOk = true;
        if (I->Method == "gin" || I->Method == "gist")
          for (auto &K : I->Keys)
            for (auto *X : BrPtrs)
              if (keyServes(*I, K, *X, TR.Tab))
                BranchOk = true;
      }
      if (!BranchOk)
        AllBranches = false;
    }
    if (AllBranches)
      return true;
  }
  return false;
}

/// Is the ORDER BY of the scope served by a btree index of ref \p Ref
/// (after equality-restricted leading keys)?
bool orderServed(const Schema &S, const Scope &Sc, int Ref, const std::vector<const Restriction *> &Rs) {
  if (Sc.Order.empty() || !Sc.OrderKnown)
    return false;
  for (auto &K : Sc.Order)
    if (K.Ref != Ref)
      return false;
  bool Desc = Sc.Order[0].Desc;
  for (auto &K : Sc.Order)
    if (K.Desc != Desc)
      return false;
  const TableRef &TR = Sc.Refs[static_cast<size_t>(Ref)];
  for (const Index *I : S.indexesOn(TR.Table)) {
    if (I->Method != "btree" || !impliesPredicate(*I, Rs))
      continue;
    size_t KI = 0, OI = 0;
    while (KI < I->Keys.size() && OI < Sc.Order.size()) {
      if (I->Keys[KI].Canon == Sc.Order[OI].Canon) {
        ++KI, ++OI;
        continue;
      }
      bool EqFixed = false;
      for (auto *R : Rs)
        if (!R->IsOr && R->Op == OpKind::Eq && R->KeyCanon == I->Keys[KI].Canon)
          EqFixed = true;
      if (!EqFixed)
        break;
      ++KI;
    }
    if (OI == Sc.Order.size())
      return true;
  }
  return false;
}

//===----------------------------------------------------------------------===//
// Reasons and suggestions.
//===----------------------------------------------------------------------===//

std::string qualified(const TableRef &TR, const std::string &What) { return TR.Table + "." + What; }

std::string keyText(const Restriction &R, const TableRef &TR) {
  if (!R.Column.empty())
    return qualified(TR, R.Column);
  return renderExpr(R.Key, true);
}

std::string explain(const Schema &S, const TableRef &TR, const Restriction &R) {
  if (R.IsOr) {
    for (auto &Br : R.OrBranches)
      for (auto &X : Br) {
        std::vector<const Restriction *> One{&X};
        if (!refServed(S, TR, One))
          return "OR needs an index for every branch, and '" + X.Text + "' has none";
      }
    return "OR needs an index for every branch";
  }
  if (R.Op == OpKind::Unusable || R.Op == OpKind::LikeAny || R.Op == OpKind::GinOp)
    return R.Reason + " (" + R.Text + ")";
  auto Indexes = S.indexesOn(TR.Table);
  if (R.Column.empty()) {
    std::string E = renderExpr(R.Key, true);
    return E + " has no expression index: an index on the column cannot serve a function, cast or arithmetic on it";
  }
  if (R.Op == OpKind::LikePrefix) {
    for (auto *I : Indexes)
      for (auto &K : I->Keys)
        if (&K == &I->Keys[0] && K.Canon == R.KeyCanon && I->Method == "btree")
          return "LIKE prefix match on " + qualified(TR, R.Column) +
                 " needs an index with text_pattern_ops or COLLATE \"C\" (index " + I->Name +
                 " uses the database collation)";
  }
  for (auto *I : Indexes) {
    if (!I->Keys.empty() && I->Keys[0].Canon == R.KeyCanon && !I->WhereCanon.empty())
      return "partial index " + I->Name + " on " + qualified(TR, R.Column) +
             " does not apply: the statement does not imply its WHERE " + renderExpr(I->Where, true);
    for (size_t K = 1; K < I->Keys.size(); ++K)
      if (I->Keys[K].Canon == R.KeyCanon) {
        std::string Cols;
        for (size_t J = 0; J < I->Keys.size(); ++J)
          Cols += (J ? ", " : "") + I->Keys[J].Text;
        return qualified(TR, R.Column) + " is not the leading column of index " + I->Name + " (" + Cols + ")";
      }
  }
  return qualified(TR, R.Column) + " has no index";
}

std::string identPart(std::string S) {
  std::string R;
  for (char C : lower(S)) {
    if (std::isalnum(static_cast<unsigned char>(C)))
      R += C;
    else if (!R.empty() && R.back() != '_')
      R += '_';
  }
  while (!R.empty() && R.back() == '_')
    R.pop_back();
  return R;
}

std::string quoteIdent(const std::string &S) {
  bool Plain = !S.empty() && !std::isdigit(static_cast<unsigned char>(S[0]));
  for (char C : S)
    if (!(std::islower(static_cast<unsigned char>(C)) || std::isdigit(static_cast<unsigned char>(C)) || C == '_'))
      Plain = false;
  if (Plain)
    return S;
  std::string R = "\"";
  for (char C : S)
    R += C == '"' ? std::string("\"\"") : std::string(1, C);
  return R + "\"";
}

struct SuggestKey {
  std::string Text;  ///< As written in the index definition.
  std::string Name;  ///< For the index name.
};

std::string indexName(const Schema &S, const std::string &Table, const std::vector<SuggestKey> &Keys,
                      const std::string &Suffix) {
  std::string Base = identPart(Table);
  bool Pattern = false;
  for (auto &K : Keys) {
    Base += "_" + identPart(K.Name);
    Pattern |= K.Text.find("_pattern_ops") != std::string::npos;
  }
  // A name the schema already uses would make "IF NOT EXISTS" a no-op.
  std::vector<std::string> Names = {Base + "_" + Suffix};
  if (Pattern)
    Names.push_back(Base + "_pattern_" + Suffix);
  for (int I = 2; I < 50; ++I)
    Names.push_back(Base + "_" + std::to_string(I) + "_" + Suffix);
  for (std::string N : Names) {
    if (N.size() > 63)
      N = N.substr(0, 63);
    bool Taken = false;
    for (const Index &X : S.Indexes)
      Taken |= foldName(X.Name) == foldName(N);
    if (!Taken)
      return N;
  }
  return Names.front();
}

SuggestKey suggestKeyOf(const Restriction &R, Dialect D) {
  SuggestKey K;
  if (!R.Column.empty()) {
    K.Text = quoteIdent(R.Column);
    K.Name = R.Column;
  } else {
    std::string E = renderExpr(R.Key, true);
    K.Text = nodeType(R.Key) == "FuncCall" && D != Dialect::SQLite ? E : "(" + E + ")";
    if (D == Dialect::SQLite)
      K.Text = E;
    K.Name = E;
  }
  return K;
}

bool isSoftDelete(const Restriction &R) {
  if (R.Op != OpKind::IsNull || R.Column.empty())
    return false;
  std::string C = R.Column;
  return C.find("deleted") != std::string::npos || C.find("archived") != std::string::npos ||
         C.find("removed") != std::string::npos;
}

/// Builds the CREATE INDEX statement(s) that would serve ref \p TR.
std::string suggest(const Schema &S, const Scope &Sc, int Ref, const std::vector<const Restriction *> &Rs,
                    const std::string &JoinCol, Dialect D) {
  const TableRef &TR = Sc.Refs[static_cast<size_t>(Ref)];
  bool Pg = D != Dialect::SQLite;
  std::string Create = D == Dialect::SQLite ? "CREATE INDEX IF NOT EXISTS "
                                            : (D == Dialect::MySQL ? "CREATE INDEX " : "CREATE INDEX CONCURRENTLY IF NOT EXISTS ");
  std::vector<SuggestKey> Eq;
  std::set<std::string> Seen;
  const Restriction *RangeR = nullptr, *PrefixR = nullptr, *AnyLike = nullptr, *SoftDelete = nullptr;
  const Restriction *OrR = nullptr;
  for (auto *R : Rs) {
    if (R->IsOr) {
      OrR = OrR ? OrR : R;
      continue;
    }
    if (Seen.count(R->KeyCanon) && R->Op != OpKind::LikePrefix)
      continue;
    switch (R->Op) {
    case OpKind::Eq:
    case OpKind::LikeExact:
      Seen.insert(R->KeyCanon);
      Eq.push_back(suggestKeyOf(*R, D));
      break;
    case OpKind::IsNull:
      if (isSoftDelete(*R) && Pg) {
        SoftDelete = R;
        break;
      }
      Seen.insert(R->KeyCanon);
      Eq.push_back(suggestKeyOf(*R, D));
      break;
    case OpKind::Range:
    case OpKind::IsNotNull:
      RangeR = RangeR ? RangeR : R;
      break;
    case OpKind::LikePrefix:
      PrefixR = PrefixR ? PrefixR : R;
      break;
    case OpKind::LikeAny:
      AnyLike = AnyLike ? AnyLike : R;
      break;
    default:
      break;
    }
  }
  if (!JoinCol.empty() && !Seen.count(JoinCol)) {
    SuggestKey K{quoteIdent(JoinCol), JoinCol};
    Eq.push_back(K);
  }
  std::vector<SuggestKey> Keys = Eq;
  if (RangeR)
    Keys.push_back(suggestKeyOf(*RangeR, D));
  else if (PrefixR) {
    SuggestKey K = suggestKeyOf(*PrefixR, D);
    if (Pg && D == Dialect::PostgreSQL)
      K.Text += " text_pattern_ops";
    else if (D == Dialect::SQLite)
      K.Text += " COLLATE NOCASE";
    Keys.push_back(K);
  }
  if (!RangeR && !PrefixR && Sc.HasLimit && Sc.OrderKnown && !Sc.Order.empty()) {
    bool AllHere = true;
    for (auto &O : Sc.Order)
      if (O.Ref != Ref || O.Column.empty())
        AllHere = false;
    if (AllHere)
      for (auto &O : Sc.Order)
        if (!Seen.count(O.Canon))
          Keys.push_back(SuggestKey{quoteIdent(O.Column) + (O.Desc ? " DESC" : ""), O.Column});
  }
  if (Keys.empty() && SoftDelete) {
    Keys.push_back(suggestKeyOf(*SoftDelete, D));
    SoftDelete = nullptr;
  }
  if (Keys.empty() && AnyLike && !AnyLike->Column.empty() && D == Dialect::PostgreSQL) {
    SuggestKey K{quoteIdent(AnyLike->Column), AnyLike->Column};
    return "CREATE EXTENSION IF NOT EXISTS pg_trgm;\n" + Create +
           indexName(S, TR.Table, {K}, "trgm_idx") + " ON " + quoteIdent(TR.Table) + " USING gin (" + K.Text +
           " gin_trgm_ops);";
  }
  if (Keys.empty() && OrR) {
    // One index per branch that lacks one.
    std::string Out;
    for (auto &Br : OrR->OrBranches) {
      std::vector<const Restriction *> BR;
      for (auto &X : Br)
        BR.push_back(&X);
      if (refServed(S, TR, BR))
        continue; // this branch already has its index
      std::string One = suggest(S, Sc, Ref, BR, "", D);
      if (One.empty())
        return "";
      if (Out.find(One) == std::string::npos)
        Out += (Out.empty() ? "" : "\n") + One;
    }
    return Out;
  }
  if (Keys.empty())
    return "";
  std::string Cols;
  for (size_t I = 0; I < Keys.size(); ++I)
    Cols += (I ? ", " : "") + Keys[I].Text;
  std::string Stmt = Create + indexName(S, TR.Table, Keys, "idx") + " ON " + quoteIdent(TR.Table) + " (" + Cols + ")";
  if (SoftDelete)
    Stmt += " WHERE " + quoteIdent(SoftDelete->Column) + " IS NULL";
  return Stmt + ";";
}

//===----------------------------------------------------------------------===//
// Verdicts.
//===----------------------------------------------------------------------===//

struct RefVerdict {
  int Ref = -1;
  std::string Reason;
  int Location = -1;
  std::string Suggestion;
};

std::vector<const Restriction *> restrictionsOf(const Scope &Sc, int Ref) {
  std::vector<const Restriction *> R;
  for (auto &X : Sc.Restrictions)
    if (X.Ref == Ref)
      R.push_back(&X);
  return R;
}

/// Explains why ref \p I is not served; picks the predicate to point at.
RefVerdict explainRef(const Schema &S, const Scope &Sc, int I, const std::string &ProbeCol, int ProbeLoc,
                      Dialect D) {
  RefVerdict V;
  V.Ref = I;
  const TableRef &TR = Sc.Refs[static_cast<size_t>(I)];
  auto Rs = restrictionsOf(Sc, I);
  V.Location = TR.Location;
  // Prefer: a usable-looking predicate without index > a join column > an unusable predicate.
  const Restriction *Best = nullptr;
  int BestRank = 100;
  for (auto *R : Rs) {
    int Rank = 50;
    if (R->IsOr)
      Rank = 3;
    else if (R->Op == OpKind::Eq || R->Op == OpKind::LikeExact || R->Op == OpKind::IsNull)
      Rank = 1;
    else if (R->Op == OpKind::Range || R->Op == OpKind::LikePrefix)
      Rank = 2;
    else if (R->Op == OpKind::LikeAny || R->Op == OpKind::GinOp)
      Rank = 4;
    else if (R->Op == OpKind::Unusable)
      Rank = 5;
    if (R->Op == OpKind::IsNotNull)
      Rank = 6;
    if (Rank < BestRank)
      Best = R, BestRank = Rank;
  }
  if (!ProbeCol.empty() && (!Best || BestRank > 4)) {
    bool FK = false;
    if (TR.Tab)
      for (auto &F : TR.Tab->ForeignKeys)
        if (!F.Columns.empty() && F.Columns[0] == ProbeCol)
          FK = true;
    V.Reason = qualified(TR, ProbeCol) + " has no index" + (FK ? " (foreign key)" : "") +
               ": the join reads every row of " + TR.Table;
    V.Location = ProbeLoc >= 0 ? ProbeLoc : TR.Location;
    V.Suggestion = suggest(S, Sc, I, {}, ProbeCol, D);
    return V;
  }
  if (Best) {
    V.Reason = explain(S, TR, *Best);
    V.Location = Best->Location >= 0 ? Best->Location : TR.Location;
  } else if (!Sc.HasWhere) {
    V.Reason = "no WHERE clause: every row of " + TR.Table + " is read";
  } else {
    V.Reason = "no condition on " + TR.Table + " can use an index";
  }
  V.Suggestion = suggest(S, Sc, I, Rs, "", D);
  return V;
}

/// The PostgreSQL-rule verdict for one scope.
std::vector<RefVerdict> judgeScope(const Schema &S, const Scope &Sc, const AnalysisOptions &Opts) {
  std::vector<RefVerdict> Out;
  if (Sc.Uncertain)
    return Out;
  size_t N = Sc.Refs.size();
  std::vector<int> Reached(N, 0); // 0 no, 1 self/virtual, 2 via join
  for (size_t I = 0; I < N; ++I) {
    const TableRef &TR = Sc.Refs[I];
    if (TR.Virtual || Opts.SmallTables.count(TR.Table)) {
      Reached[I] = 1;
      continue;
    }
    auto Rs = restrictionsOf(Sc, static_cast<int>(I));
    if (refServed(S, TR, Rs))
      Reached[I] = 1;
    else if (Sc.HasLimit && (Sc.Order.empty() ? (!Sc.HasWhere && N == 1) : orderServed(S, Sc, static_cast<int>(I), Rs)))
      Reached[I] = 1; // stops after LIMIT rows of an index (or table) walk
  }
  auto propagate = [&] {
    bool Changed = true;
    while (Changed) {
      Changed = false;
      for (auto &E : Sc.Joins) {
        for (int Dir = 0; Dir < 2; ++Dir) {
          int From = Dir ? E.B : E.A, To = Dir ? E.A : E.B;
          bool Allowed = Dir ? E.BProbesA : E.AProbesB;
          const std::string &Col = Dir ? E.ColA : E.ColB;
          if (!Allowed || !Reached[static_cast<size_t>(From)] || Reached[static_cast<size_t>(To)])
            continue;
          const TableRef &TR = Sc.Refs[static_cast<size_t>(To)];
          if (refServed(S, TR, restrictionsOf(Sc, To), Col)) {
            Reached[static_cast<size_t>(To)] = 2;
            Changed = true;
          }
        }
      }
    }
  };
  propagate();
  // Nothing drives the join: one table is scanned. Pick the one whose scan
  // lets the others be probed through indexes, like the planner would.
  for (;;) {
    bool AllReached = true, AnyReached = false;
    for (size_t I = 0; I < N; ++I) {
      AllReached &= Reached[I] != 0;
      AnyReached |= Reached[I] != 0;
    }
    if (AllReached)
      break;
    // Unreached refs that a reached ref would probe: report the join column.
    std::vector<std::pair<int, std::pair<std::string, int>>> Probe; // ref -> (col, loc)
    for (size_t I = 0; I < N; ++I) {
      if (Reached[I])
        continue;
      std::string Col;
      int Loc = -1;
      for (auto &E : Sc.Joins) {
        if (E.B == static_cast<int>(I) && Reached[static_cast<size_t>(E.A)] && E.AProbesB)
          Col = E.ColB, Loc = E.LocB;
        else if (E.A == static_cast<int>(I) && Reached[static_cast<size_t>(E.B)] && E.BProbesA)
          Col = E.ColA, Loc = E.LocA;
      }
      if (!Col.empty())
        Probe.push_back({static_cast<int>(I), {Col, Loc}});
    }
    if (!Probe.empty()) {
      for (auto &P : Probe) {
        RefVerdict V = explainRef(S, Sc, P.first, restrictionsOf(Sc, P.first).empty() || true ? P.second.first : "",
                                  P.second.second, Opts.D);
        Out.push_back(V);
        Reached[static_cast<size_t>(P.first)] = 3;
      }
      propagate();
      continue;
    }
    // No ref reached at all: choose the scanned driver.
    int Best = -1, BestGain = -1;
    for (size_t I = 0; I < N; ++I) {
      if (Reached[I])
        continue;
      std::vector<int> Save = Reached;
      Reached[I] = 3;
      propagate();
      int Gain = 0;
      for (size_t J = 0; J < N; ++J)
        Gain += Reached[J] != 0;
      Reached = Save;
      if (Gain > BestGain)
        Best = static_cast<int>(I), BestGain = Gain;
    }
    if (Best < 0)
      break;
    Out.push_back(explainRef(S, Sc, Best, "", -1, Opts.D));
    Reached[static_cast<size_t>(Best)] = 3;
    propagate();
  }
  return Out;
}

bool isDDLNode(const std::string &T) {
  return T == "CreateStmt" || T == "IndexStmt" || T == "AlterTableStmt" || T == "DropStmt" ||
         T == "RenameStmt" || T == "CreateTableAsStmt" || T == "ViewStmt" || T == "CreateExtensionStmt" ||
         T == "CreateSeqStmt" || T == "CreateFunctionStmt" || T == "CreateTrigStmt" || T == "CreateEnumStmt" ||
         T == "CompositeTypeStmt" || T == "CommentStmt" || T == "GrantStmt" || T == "CreateSchemaStmt";
}

struct RuleRun {
  std::vector<Scope> Scopes;
  std::vector<std::pair<const Scope *, RefVerdict>> Verdicts;
};

} // namespace

bool looksLikeDDL(std::string_view Sql) {
  size_t I = 0;
  while (I < Sql.size()) {
    if (std::isspace(static_cast<unsigned char>(Sql[I]))) {
      ++I;
      continue;
    }
    if (Sql.substr(I, 2) == "--") {
      size_t E = Sql.find('\n', I);
      I = E == std::string_view::npos ? Sql.size() : E;
      continue;
    }
    if (Sql.substr(I, 2) == "/*") {
      size_t E = Sql.find("*/", I + 2);
      I = E == std::string_view::npos ? Sql.size() : E + 2;
      continue;
    }
    break;
  }
  std::string W;
  while (I < Sql.size() && std::isalpha(static_cast<unsigned char>(Sql[I])))
    W += static_cast<char>(std::toupper(static_cast<unsigned char>(Sql[I++])));
  return W == "CREATE" || W == "ALTER" || W == "DROP";
}

/// Runs the rules on one parsed statement text.
static QueryAnalysis runRules(const Schema &S, std::string_view Sql, const AnalysisOptions &Opts,
                              bool WithSuggestions, std::vector<Scope> *ScopesOut = nullptr,
                              NormalizedSql *NormOut = nullptr) {
  QueryAnalysis Out;
  ParseResult P = parseSql(Sql, Opts.D == Dialect::MySQL);
  if (NormOut)
    *NormOut = P.Norm;
  if (!P.ok()) {
    Out.Error = P.Error;
    return Out;
  }
  for (auto &St : P.Statements) {
    if (isDDLNode(nodeType(St.Node))) {
      Out.IsDDL = true;
      continue;
    }
    Ctx C{S, P.Norm, {}, {}, &Opts.Bound};
    collectScopes(C, St.Node, {});
    for (auto &Sc : C.Scopes) {
      if (Sc.Uncertain) {
        Out.Skipped = true;
        Out.SkipReason = Sc.UncertainWhy.empty() ? "a column could not be resolved" : Sc.UncertainWhy;
        continue;
      }
      for (auto &V : judgeScope(S, Sc, Opts)) {
        const TableRef &TR = Sc.Refs[static_cast<size_t>(V.Ref)];
        Finding F;
        F.Table = TR.Table;
        F.Alias = TR.Alias;
        F.Offset = P.Norm.original(V.Location >= 0 ? static_cast<size_t>(V.Location) : St.Begin);
        F.Reason = V.Reason;
        if (WithSuggestions)
          F.Suggestion = V.Suggestion;
        Out.Findings.push_back(std::move(F));
      }
    }
    if (ScopesOut)
      for (auto &Sc : C.Scopes)
        ScopesOut->push_back(std::move(Sc));
  }
  return Out;
}

/// Keeps a suggestion only when, added to a copy of the schema, it makes the
/// finding go away.
static void verifySuggestions(const Schema &S, std::string_view Sql, const AnalysisOptions &Opts,
                              QueryAnalysis &A) {
  for (auto &F : A.Findings) {
    if (F.Suggestion.empty())
      continue;
    Schema Copy = S;
    ParseResult P = parseSql(F.Suggestion);
    if (!P.ok()) {
      F.Suggestion.clear();
      continue;
    }
    for (auto &St : P.Statements)
      Copy.applyStatement(St.Node, "<suggestion>", 0);
    QueryAnalysis Again = runRules(Copy, Sql, Opts, false);
    for (auto &G : Again.Findings)
      if (G.Alias == F.Alias && G.Table == F.Table) {
        F.Suggestion.clear();
        break;
      }
  }
}

QueryAnalysis analyzeWithRules(const Schema &S, std::string_view Sql, const AnalysisOptions &Opts) {
  try {
    QueryAnalysis A = runRules(S, Sql, Opts, Opts.Suggest);
    if (Opts.Suggest && Opts.VerifySuggestions && !A.Error)
      verifySuggestions(S, Sql, Opts, A);
    return A;
  } catch (const std::exception &E) {
    // A parse tree shape we did not expect: never a crash, never a guess.
    QueryAnalysis A;
    A.Skipped = true;
    A.SkipReason = std::string("internal error: ") + E.what();
    return A;
  }
}

//===----------------------------------------------------------------------===//
// SQLite: the planner decides; the rules explain and suggest.
//===----------------------------------------------------------------------===//

static std::vector<Finding> sqliteVerdict(SqliteDatabase &Db, std::string_view Sql, bool *TempSort,
                                          std::string &Error, size_t &ErrOff, bool &Ok,
                                          const BoundValues &Bound) {
  std::vector<Finding> Out;
  std::vector<PlanRow> Rows;
  Ok = Db.explain(Sql, Rows, Error, ErrOff, Bound);
  if (!Ok)
    return Out;
  if (TempSort) {
    *TempSort = false;
    for (auto &R : Rows)
      if (R.Detail.find("TEMP B-TREE FOR ORDER BY") != std::string::npos ||
          R.Detail.find("TEMP B-TREE FOR RIGHT PART OF ORDER BY") != std::string::npos)
        *TempSort = true;
  }
  for (auto &A : readPlan(Rows)) {
    if (A.Search && !A.Automatic)
      continue;
    Finding F;
    F.Alias = A.Name;
    F.Plan = A.Detail;
    Out.push_back(F);
  }
  return Out;
}

static QueryAnalysis analyzeWithSqliteImpl(const Schema &S, SqliteDatabase &Db, std::string_view Sql,
                                           const AnalysisOptions &Opts);

QueryAnalysis analyzeWithSqlite(const Schema &S, SqliteDatabase &Db, std::string_view Sql,
                                const AnalysisOptions &Opts) {
  try {
    return analyzeWithSqliteImpl(S, Db, Sql, Opts);
  } catch (const std::exception &E) {
    QueryAnalysis A;
    A.Skipped = true;
    A.SkipReason = std::string("internal error: ") + E.what();
    return A;
  }
}

static QueryAnalysis analyzeWithSqliteImpl(const Schema &S, SqliteDatabase &Db, std::string_view Sql,
                                           const AnalysisOptions &Opts) {
  QueryAnalysis Out;
  if (looksLikeDDL(Sql)) {
    Out.IsDDL = true;
    return Out;
  }
  // The rules side: scopes for reasons, locations and suggestions.
  AnalysisOptions RO = Opts;
  RO.D = Dialect::SQLite;
  std::vector<Scope> Scopes;
  NormalizedSql Norm;
  QueryAnalysis Rules = runRules(S, Sql, RO, true, &Scopes, &Norm);
  if (Rules.Skipped) {
    Out.Skipped = true;
    Out.SkipReason = Rules.SkipReason;
    return Out;
  }
  // Holes are parameters to SQLite as well.
  std::string Text(Sql);
  for (size_t P = Text.find(HoleMarker); P != std::string::npos; P = Text.find(HoleMarker, P))
    Text.replace(P, HoleMarker.size(), std::string(HoleMarker.size() - 1, ' ') + "?"), P += HoleMarker.size();
  std::lock_guard<std::mutex> Lock(Db.mutex());
  std::string Error;
  size_t ErrOff = std::string::npos;
  bool Ok = false;
  bool TempSort = false;
  // Visible parameter values are bound, as the application binds them (a
  // run-time part of a value becomes 'x'). With holes in the text the
  // numbering of the application's parameters is not ours: nothing is bound.
  BoundValues Bind;
  if (Norm.HoleParams.empty())
    for (const auto &[Key, Value] : Opts.Bound) {
      std::string V = Value;
      std::replace(V.begin(), V.end(), BoundHole, 'x');
      Bind[Key] = V;
    }
  auto Raw = sqliteVerdict(Db, Text, &TempSort, Error, ErrOff, Ok, Bind);
  if (!Ok) {
    Out.Error = ParseError{Error, ErrOff == std::string::npos ? 0 : ErrOff};
    return Out;
  }
  for (auto &F : Raw) {
    // Find the ref by alias among the scopes; apply the no-WHERE LIMIT rule
    // and the small-table option; borrow reason and suggestion from the rules.
    const Scope *Sc = nullptr;
    int Ref = -1;
    for (auto &X : Scopes)
      for (size_t I = 0; I < X.Refs.size(); ++I)
        if (lower(X.Refs[I].Alias) == lower(F.Alias) && !X.Refs[I].Virtual && Ref < 0)
          Sc = &X, Ref = static_cast<int>(I);
    Finding G = F;
    G.Table = F.Alias;
    if (Sc) {
      const TableRef &TR = Sc->Refs[static_cast<size_t>(Ref)];
      G.Table = TR.Table;
      if (Opts.SmallTables.count(TR.Table))
        continue;
      if (Sc->HasLimit && Sc->Order.empty() && !Sc->HasWhere && Sc->Refs.size() == 1)
        continue;
      // ORDER BY ... LIMIT read in index order: stops after LIMIT rows.
      if (Sc->HasLimit && !Sc->Order.empty() && !TempSort && F.Plan.find("AUTOMATIC") == std::string::npos &&
          Sc->Refs.size() == 1)
        continue;
      RefVerdict V = explainRef(S, *Sc, Ref, "", -1, Dialect::SQLite);
      for (auto &E : Sc->Joins) {
        if (E.B == Ref && !E.ColB.empty() && restrictionsOf(*Sc, Ref).empty())
          V = explainRef(S, *Sc, Ref, E.ColB, E.LocB, Dialect::SQLite);
        else if (E.A == Ref && !E.ColA.empty() && restrictionsOf(*Sc, Ref).empty())
          V = explainRef(S, *Sc, Ref, E.ColA, E.LocA, Dialect::SQLite);
      }
      G.Reason = V.Reason;
      G.Offset = Norm.original(V.Location >= 0 ? static_cast<size_t>(V.Location) : 0);
      if (Opts.Suggest)
        G.Suggestion = V.Suggestion;
    } else {
      if (Opts.SmallTables.count(lower(F.Alias)))
        continue;
      G.Reason = "SQLite's planner reads every row of " + F.Alias;
    }
    std::string Detail = F.Plan;
    if (F.Plan.find("AUTOMATIC") != std::string::npos)
      G.Reason += " (SQLite builds a temporary index for every execution: " + Detail + ")";
    else
      G.Reason += " (EXPLAIN QUERY PLAN: " + Detail + ")";
    Out.Findings.push_back(std::move(G));
  }
  // Verify each suggestion with the real planner inside a savepoint.
  if (Opts.Suggest && Opts.VerifySuggestions) {
    for (auto &F : Out.Findings) {
      if (F.Suggestion.empty())
        continue;
      std::string E;
      bool Fixed = false;
      if (Db.exec("SAVEPOINT prodready_suggest", E)) {
        if (Db.exec(F.Suggestion, E)) {
          bool Ok2 = false;
          size_t Off2;
          auto Again = sqliteVerdict(Db, Text, nullptr, E, Off2, Ok2, Bind);
          Fixed = Ok2;
          for (auto &A : Again)
            if (lower(A.Alias) == lower(F.Alias))
              Fixed = false;
        }
        Db.exec("ROLLBACK TO prodready_suggest; RELEASE prodready_suggest", E);
      }
      if (!Fixed)
        F.Suggestion.clear();
    }
  }
  return Out;
}

} // namespace prodready::sql
