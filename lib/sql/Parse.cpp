#include "Parse.h"

#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace prodready::sql {

using nlohmann::json;

std::optional<Dialect> parseDialect(std::string_view S) {
  std::string L;
  for (char C : S)
    L += static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  if (L == "auto" || L.empty())
    return Dialect::Auto;
  if (L == "postgresql" || L == "postgres" || L == "pg" || L == "pgsql")
    return Dialect::PostgreSQL;
  if (L == "sqlite" || L == "sqlite3")
    return Dialect::SQLite;
  if (L == "mysql" || L == "mariadb")
    return Dialect::MySQL;
  return std::nullopt;
}

const char *dialectName(Dialect D) {
  switch (D) {
  case Dialect::Auto: return "auto";
  case Dialect::PostgreSQL: return "postgresql";
  case Dialect::SQLite: return "sqlite";
  case Dialect::MySQL: return "mysql";
  }
  return "auto";
}

static bool isIdentStart(char C) {
  return std::isalpha(static_cast<unsigned char>(C)) || C == '_' ||
         static_cast<unsigned char>(C) >= 0x80;
}
static bool isIdentChar(char C) {
  return isIdentStart(C) || std::isdigit(static_cast<unsigned char>(C));
}

const std::string *boundValue(const BoundValues &B, const NormalizedSql &Norm, int Number) {
  auto It = B.find(std::to_string(Number));
  if (It != B.end())
    return &It->second;
  for (const auto &[Name, N] : Norm.Named) {
    if (N != Number)
      continue;
    for (const std::string &Key : {Name, ":" + Name, "@" + Name}) {
      It = B.find(Key);
      if (It != B.end())
        return &It->second;
    }
  }
  return nullptr;
}

NormalizedSql normalizePlaceholders(std::string_view S, bool MySQL) {
  NormalizedSql R;
  int Next = 0;
  std::map<std::string, int> &Named = R.Named;
  auto emit = [&](char C, size_t From) {
    R.Text += C;
    R.OriginalOffset.push_back(From);
  };
  auto emitStr = [&](const std::string &T, size_t From) {
    for (char C : T)
      emit(C, From);
  };
  auto newParam = [&](size_t From) {
    int N = ++Next;
    emitStr("$" + std::to_string(N), From);
    return N;
  };
  // A named parameter (":name", "@name", "$name"): the same name is the same $n.
  auto namedParam = [&](const std::string &Name, size_t From) {
    auto It = Named.find(Name);
    if (It != Named.end())
      emitStr("$" + std::to_string(It->second), From);
    else
      Named[Name] = newParam(From);
  };
  size_t I = 0, N = S.size();
  while (I < N) {
    char C = S[I];
    // Hole marker first: it starts like a comment.
    if (C == '/' && S.substr(I, HoleMarker.size()) == HoleMarker) {
      int P = newParam(I);
      R.HoleParams.insert(P);
      I += HoleMarker.size();
      continue;
    }
    if (C == '-' && I + 1 < N && S[I + 1] == '-') {
      while (I < N && S[I] != '\n')
        emit(S[I], I), ++I;
      continue;
    }
    if (C == '#' && MySQL) { // MySQL line comment
      emit(' ', I), ++I;
      while (I < N && S[I] != '\n')
        emit(' ', I), ++I;
      continue;
    }
    if (C == '/' && I + 1 < N && S[I + 1] == '*') {
      int Depth = 0;
      while (I < N) {
        if (S[I] == '/' && I + 1 < N && S[I + 1] == '*') {
          ++Depth;
          emit('/', I), emit('*', I + 1), I += 2;
          continue;
        }
        if (S[I] == '*' && I + 1 < N && S[I + 1] == '/') {
          emit('*', I), emit('/', I + 1), I += 2;
          if (--Depth == 0)
            break;
          continue;
        }
        emit(S[I], I), ++I;
      }
      continue;
    }
    if (C == '\'') {
      bool Backslash = MySQL || (I > 0 && (S[I - 1] == 'E' || S[I - 1] == 'e') &&
                                 (I < 2 || !isIdentChar(S[I - 2])));
      emit(C, I), ++I;
      while (I < N) {
        if (Backslash && S[I] == '\\' && I + 1 < N) {
          emit(S[I], I), emit(S[I + 1], I + 1), I += 2;
          continue;
        }
        if (S[I] == '\'') {
          if (I + 1 < N && S[I + 1] == '\'') {
            emit('\'', I), emit('\'', I + 1), I += 2;
            continue;
          }
          emit('\'', I), ++I;
          break;
        }
        emit(S[I], I), ++I;
      }
      continue;
    }
    if (C == '"' || (C == '`' && MySQL) || (C == '[' && false)) {
      char Close = C;
      emit('"', I), ++I;
      while (I < N && S[I] != Close)
        emit(S[I], I), ++I;
      if (I < N)
        emit('"', I), ++I;
      continue;
    }
    if (C == '$') {
      // $1 (PostgreSQL parameter), $tag$...$tag$ (dollar quote), $name (SQLite).
      if (I + 1 < N && std::isdigit(static_cast<unsigned char>(S[I + 1]))) {
        size_t J = I + 1;
        int V = 0;
        while (J < N && std::isdigit(static_cast<unsigned char>(S[J])) && V < 100000)
          V = V * 10 + (S[J] - '0'), ++J;
        Next = std::max(Next, V);
        for (size_t K = I; K < J; ++K)
          emit(S[K], K);
        I = J;
        continue;
      }
      size_t J = I + 1;
      while (J < N && isIdentChar(S[J]))
        ++J;
      if (J < N && S[J] == '$') { // dollar quote
        std::string_view Tag = S.substr(I, J - I + 1);
        size_t End = S.find(Tag, J + 1);
        size_t Stop = End == std::string_view::npos ? N : End + Tag.size();
        for (size_t K = I; K < Stop; ++K)
          emit(S[K], K);
        I = Stop;
        continue;
      }
      if (J > I + 1 && isIdentStart(S[I + 1])) {
        namedParam(std::string(S.substr(I, J - I)), I);
        I = J;
        continue;
      }
      emit(C, I), ++I;
      continue;
    }
    if (C == '?') {
      size_t J = I + 1;
      if (J < N && std::isdigit(static_cast<unsigned char>(S[J]))) {
        int V = 0;
        while (J < N && std::isdigit(static_cast<unsigned char>(S[J])) && V < 100000)
          V = V * 10 + (S[J] - '0'), ++J;
        Next = std::max(Next, V);
        emitStr("$" + std::to_string(V), I);
        I = J;
        continue;
      }
      newParam(I);
      ++I;
      continue;
    }
    if (C == ':' && I + 1 < N && S[I + 1] == ':') { // cast operator
      emit(':', I), emit(':', I + 1), I += 2;
      continue;
    }
    if ((C == ':' || C == '@') && I + 1 < N && isIdentStart(S[I + 1]) &&
        !(I > 0 && (isIdentChar(S[I - 1]) || S[I - 1] == ':' || S[I - 1] == ']'))) {
      size_t J = I + 1;
      while (J < N && isIdentChar(S[J]))
        ++J;
      namedParam(std::string(S.substr(I + 1, J - I - 1)), I);
      I = J;
      continue;
    }
    emit(C, I), ++I;
  }
  R.OriginalOffset.push_back(N);
  R.ParamCount = Next;
  return R;
}

unsigned lineOf(std::string_view Text, size_t Offset) {
  Offset = std::min(Offset, Text.size());
  return 1 + static_cast<unsigned>(std::count(Text.begin(), Text.begin() + Offset, '\n'));
}

ParseResult parseSql(std::string_view Sql, bool MySQL) {
  ParseResult R;
  R.Norm = normalizePlaceholders(Sql, MySQL);
  PgQueryParseResult P = pg_query_parse(R.Norm.Text.c_str());
  if (P.error) {
    ParseError E;
    E.Message = P.error->message ? P.error->message : "syntax error";
    size_t Pos = P.error->cursorpos > 0 ? static_cast<size_t>(P.error->cursorpos - 1) : 0;
    E.Offset = R.Norm.original(Pos);
    R.Error = E;
    pg_query_free_parse_result(P);
    return R;
  }
  json Tree = json::parse(P.parse_tree ? P.parse_tree : "{}", nullptr, false);
  pg_query_free_parse_result(P);
  if (Tree.is_discarded()) {
    R.Error = ParseError{"internal error: unreadable parse tree", 0};
    return R;
  }
  if (Tree.contains("stmts") && Tree["stmts"].is_array()) {
    for (auto &S : Tree["stmts"]) {
      ParsedStatement PS;
      if (!S.contains("stmt"))
        continue;
      PS.Node = std::move(S["stmt"]);
      PS.Begin = S.value("stmt_location", 0);
      int Len = S.value("stmt_len", 0);
      PS.Length = Len > 0 ? static_cast<size_t>(Len) : R.Norm.Text.size() - std::min(PS.Begin, R.Norm.Text.size());
      R.Statements.push_back(std::move(PS));
    }
  }
  return R;
}

std::vector<std::pair<size_t, size_t>> splitStatements(std::string_view Sql) {
  std::vector<std::pair<size_t, size_t>> Out;
  std::string Copy(Sql);
  PgQuerySplitResult R = pg_query_split_with_scanner(Copy.c_str());
  if (!R.error) {
    for (int I = 0; I < R.n_stmts; ++I)
      Out.emplace_back(static_cast<size_t>(R.stmts[I]->stmt_location),
                       static_cast<size_t>(R.stmts[I]->stmt_len));
  } else {
    Out.emplace_back(0, Sql.size());
  }
  pg_query_free_split_result(R);
  for (auto &P : Out) {
    P.first = std::min(P.first, Sql.size());
    if (P.second == 0 || P.first + P.second > Sql.size())
      P.second = Sql.size() - P.first;
  }
  // The scanner drops an unterminated last statement ("CREATE TABLE t (;"):
  // keep whatever follows the last piece so that it is parsed (and reported)
  // rather than silently ignored.
  size_t End = Out.empty() ? 0 : Out.back().first + Out.back().second;
  size_t Rest = End;
  while (Rest < Sql.size() && (Sql[Rest] == ';' || std::isspace(static_cast<unsigned char>(Sql[Rest]))))
    ++Rest;
  if (Rest < Sql.size())
    Out.emplace_back(Rest, Sql.size() - Rest);
  return Out;
}

std::string nodeType(const json &N) {
  if (!N.is_object() || N.size() != 1)
    return "";
  return N.begin().key();
}

const json &nodeBody(const json &N) {
  // An empty object, not null: callers use value() on the result.
  static const json Null = json::object();
  if (!N.is_object() || N.size() != 1)
    return Null;
  return N.begin().value();
}

int nodeLocation(const json &N) {
  if (!N.is_object())
    return -1;
  auto It = N.find("location");
  if (It != N.end() && It->is_number_integer())
    return It->get<int>();
  const json &B = nodeBody(N);
  if (B.is_object()) {
    auto It2 = B.find("location");
    if (It2 != B.end() && It2->is_number_integer())
      return It2->get<int>();
    // A_Expr's own location is its operator; prefer the left operand.
    auto L = B.find("lexpr");
    if (L != B.end())
      return nodeLocation(*L);
  }
  return -1;
}

std::vector<std::string> stringList(const json &L) {
  std::vector<std::string> Out;
  if (!L.is_array())
    return Out;
  for (auto &E : L) {
    const json &B = nodeBody(E);
    if (B.is_object() && B.contains("sval") && B["sval"].is_string())
      Out.push_back(B["sval"].get<std::string>());
    else if (nodeType(E) == "A_Star")
      Out.push_back("*");
  }
  return Out;
}

static std::string lower(std::string S) {
  for (char &C : S)
    C = static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  return S;
}

static bool isTextCast(const json &TypeName) {
  auto Names = stringList(TypeName.value("names", json::array()));
  if (Names.empty())
    return false;
  std::string T = lower(Names.back());
  return T == "text" || T == "varchar" || T == "bpchar";
}

static void canonical(const json &N, std::string &Out, bool InFunc = false) {
  if (N.is_object()) {
    std::string T = nodeType(N);
    const json &B = nodeBody(N);
    if (T == "ColumnRef") {
      auto F = stringList(B.value("fields", json::array()));
      Out += "col(" + (F.empty() ? std::string("?") : lower(F.back())) + ")";
      return;
    }
    // lower((email)::text) as pg_dump prints it == lower(email): the cast of a
    // varchar column to text inside a function call is implicit in the query.
    if (InFunc && T == "TypeCast" && B.contains("typeName") && isTextCast(B["typeName"]) &&
        B.contains("arg") && nodeType(B["arg"]) == "ColumnRef") {
      canonical(B["arg"], Out);
      return;
    }
    if (T == "FuncCall") {
      auto Names = stringList(B.value("funcname", json::array()));
      Out += "fn(" + (Names.empty() ? std::string() : lower(Names.back())) + ";";
      if (B.contains("args"))
        for (auto &A : B["args"]) {
          canonical(A, Out, true);
          Out += ",";
        }
      Out += ")";
      return;
    }
    Out += "{";
    for (auto It = N.begin(); It != N.end(); ++It) {
      if (It.key() == "location" || It.key() == "funcformat")
        continue;
      Out += It.key() + ":";
      canonical(It.value(), Out);
      Out += ",";
    }
    Out += "}";
    return;
  }
  if (N.is_array()) {
    Out += "[";
    for (auto &E : N) {
      canonical(E, Out);
      Out += ",";
    }
    Out += "]";
    return;
  }
  Out += N.dump();
}

std::string canonicalExpr(const json &N) {
  std::string Out;
  canonical(N, Out);
  return Out;
}

static std::string quoteIdentIfNeeded(const std::string &S) {
  bool Plain = !S.empty() && (std::islower(static_cast<unsigned char>(S[0])) || S[0] == '_');
  for (char C : S)
    if (!(std::islower(static_cast<unsigned char>(C)) || std::isdigit(static_cast<unsigned char>(C)) || C == '_'))
      Plain = false;
  if (Plain || S == "*")
    return S;
  std::string R = "\"";
  for (char C : S)
    R += C == '"' ? std::string("\"\"") : std::string(1, C);
  return R + "\"";
}

static std::string renderConst(const json &B) {
  if (B.contains("sval") && B["sval"].is_object())
    {
      std::string V = B["sval"].value("sval", "");
      std::string R = "'";
      for (char C : V)
        R += C == '\'' ? std::string("''") : std::string(1, C);
      return R + "'";
    }
  if (B.contains("ival") && B["ival"].is_object())
    return std::to_string(B["ival"].value("ival", 0));
  if (B.contains("fval") && B["fval"].is_object())
    return B["fval"].value("fval", "0");
  if (B.contains("boolval") && B["boolval"].is_object())
    return B["boolval"].value("boolval", false) ? "true" : "false";
  if (B.value("isnull", false))
    return "NULL";
  return "0";
}

std::string renderExpr(const json &N, bool Unqualify) {
  std::string T = nodeType(N);
  const json &B = nodeBody(N);
  if (T == "ColumnRef") {
    auto F = stringList(B.value("fields", json::array()));
    if (F.empty())
      return "?";
    if (Unqualify)
      return quoteIdentIfNeeded(F.back());
    std::string R;
    for (size_t I = 0; I < F.size(); ++I)
      R += (I ? "." : "") + quoteIdentIfNeeded(F[I]);
    return R;
  }
  if (T == "A_Const")
    return renderConst(B);
  if (T == "ParamRef")
    return "$" + std::to_string(B.value("number", 0));
  if (T == "FuncCall") {
    auto Names = stringList(B.value("funcname", json::array()));
    std::string R = Names.empty() ? "f" : Names.back();
    R += "(";
    if (B.value("agg_star", false))
      R += "*";
    if (B.contains("args")) {
      bool First = true;
      for (auto &A : B["args"]) {
        R += (First ? "" : ", ") + renderExpr(A, Unqualify);
        First = false;
      }
    }
    return R + ")";
  }
  if (T == "TypeCast") {
    auto Names = stringList(B.contains("typeName") ? B["typeName"].value("names", json::array()) : json::array());
    std::string Ty = Names.empty() ? "text" : Names.back();
    return "(" + renderExpr(B.value("arg", json::object()), Unqualify) + ")::" + Ty;
  }
  if (T == "A_Expr") {
    auto Op = stringList(B.value("name", json::array()));
    std::string O = Op.empty() ? "?" : Op.back();
    std::string Kind = B.value("kind", "");
    if (Kind == "AEXPR_LIKE")
      O = O == "!~~" ? "NOT LIKE" : "LIKE";
    else if (Kind == "AEXPR_ILIKE")
      O = O == "!~~*" ? "NOT ILIKE" : "ILIKE";
    std::string L = B.contains("lexpr") ? renderExpr(B["lexpr"], Unqualify) : "";
    std::string Rr = B.contains("rexpr") ? renderExpr(B["rexpr"], Unqualify) : "";
    if (Kind == "AEXPR_IN")
      return L + (O == "<>" ? " NOT IN (...)" : " IN (...)");
    if (Kind == "AEXPR_BETWEEN" || Kind == "AEXPR_NOT_BETWEEN")
      return L + (Kind == "AEXPR_BETWEEN" ? " BETWEEN" : " NOT BETWEEN") + " ...";
    if (L.empty())
      return O + " " + Rr;
    return L + " " + O + " " + Rr;
  }
  if (T == "NullTest")
    return renderExpr(B.value("arg", json::object()), Unqualify) +
           (B.value("nulltesttype", "") == "IS_NOT_NULL" ? " IS NOT NULL" : " IS NULL");
  if (T == "BoolExpr") {
    std::string Op = B.value("boolop", "");
    if (Op == "NOT_EXPR")
      return "NOT (" + (B.contains("args") && !B["args"].empty() ? renderExpr(B["args"][0], Unqualify) : "") + ")";
    std::string Sep = Op == "OR_EXPR" ? " OR " : " AND ";
    std::string R;
    bool First = true;
    for (auto &A : B.value("args", json::array())) {
      R += (First ? "" : Sep) + renderExpr(A, Unqualify);
      First = false;
    }
    return "(" + R + ")";
  }
  if (T == "CollateClause") {
    auto C = stringList(B.value("collname", json::array()));
    return renderExpr(B.value("arg", json::object()), Unqualify) + " COLLATE \"" + (C.empty() ? "C" : C.back()) + "\"";
  }
  if (T == "SubLink")
    return "(subquery)";
  return "(expression)";
}

} // namespace prodready::sql
