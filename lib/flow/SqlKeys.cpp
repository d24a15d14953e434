//===- SqlKeys.cpp --------------------------------------------------------===//
#include "SqlKeys.h"
#include "FlowModel.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace prodready::flow {

const std::string &defaultOwnerColumns() {
  static const std::string R =
      "^(owner|owner_?id|owner_?user_?id|user_?id|account_?id|tenant_?id|created_?by|"
      "author_?id|customer_?id|member_?id|uid|org_?id|organization_?id)$";
  return R;
}

namespace {
enum class Tok { Ident, Placeholder, Op, Other };
struct Token {
  Tok Kind;
  std::string Text; // lower-cased for identifiers/keywords
};

std::vector<Token> tokenize(std::string_view S) {
  std::vector<Token> Out;
  const std::string Hole = SqlHole;
  size_t I = 0, N = S.size();
  auto IsIdent = [](char C) {
    return std::isalnum(static_cast<unsigned char>(C)) || C == '_' || C == '.';
  };
  while (I < N) {
    char C = S[I];
    if (std::isspace(static_cast<unsigned char>(C))) {
      ++I;
      continue;
    }
    if (S.compare(I, Hole.size(), Hole) == 0) {
      Out.push_back({Tok::Placeholder, Hole});
      I += Hole.size();
      continue;
    }
    if (C == '\'' || C == '"' || C == '`') {
      // Quoted: string literal ('...') or quoted identifier ("..."/`...`).
      char Q = C;
      size_t J = I + 1;
      std::string Body;
      while (J < N && S[J] != Q)
        Body += S[J++];
      // A hole inside quotes ('" + id + "') is still a spliced value.
      if (Q == '\'' && Body.find(Hole) != std::string::npos)
        Out.push_back({Tok::Placeholder, Hole});
      else if (Q == '\'') {
        std::string L = "'"; // string literal: its lower-cased value after the quote
        for (char X : Body)
          L += static_cast<char>(std::tolower(static_cast<unsigned char>(X)));
        Out.push_back({Tok::Other, L});
      }
      else {
        std::string L;
        for (char X : Body)
          L += static_cast<char>(std::tolower(static_cast<unsigned char>(X)));
        Out.push_back({Tok::Ident, L});
      }
      I = J < N ? J + 1 : N;
      continue;
    }
    if (C == '-' && I + 1 < N && S[I + 1] == '-') {
      while (I < N && S[I] != '\n')
        ++I;
      continue;
    }
    if (C == '$' && I + 1 < N && std::isdigit(static_cast<unsigned char>(S[I + 1]))) {
      size_t J = I + 1;
      while (J < N && std::isdigit(static_cast<unsigned char>(S[J])))
        ++J;
      Out.push_back({Tok::Placeholder, std::string(S.substr(I, J - I))});
      I = J;
      continue;
    }
    if (C == '?') {
      Out.push_back({Tok::Placeholder, "?"});
      ++I;
      continue;
    }
    if ((C == ':' || C == '@') && I + 1 < N &&
        (std::isalpha(static_cast<unsigned char>(S[I + 1])) || S[I + 1] == '_') &&
        !(I > 0 && S[I - 1] == ':')) {
      size_t J = I + 1;
      while (J < N && (std::isalnum(static_cast<unsigned char>(S[J])) || S[J] == '_'))
        ++J;
      Out.push_back({Tok::Placeholder, std::string(S.substr(I, J - I))});
      I = J;
      continue;
    }
    if (IsIdent(C)) {
      size_t J = I;
      std::string L;
      while (J < N && IsIdent(S[J]))
        L += static_cast<char>(std::tolower(static_cast<unsigned char>(S[J++])));
      Out.push_back({Tok::Ident, L});
      I = J;
      continue;
    }
    if (C == '=' || C == '(' || C == ')' || C == ',' || C == ';') {
      Out.push_back({Tok::Op, std::string(1, C)});
      ++I;
      continue;
    }
    // <, >, <=, !=, <> ...: operators that are not equality.
    Out.push_back({Tok::Other, std::string(1, C)});
    ++I;
  }
  return Out;
}

bool isKeyword(const std::string &S) {
  static const char *const K[] = {"select", "from",  "where", "and",    "or",    "not",
                                  "update", "set",   "delete", "insert", "into",  "values",
                                  "in",     "on",    "join",  "order",  "group", "by",
                                  "limit",  "offset", "returning", "having", "as", "is",
                                  "null",   "like",  "between", "exists", "left", "inner"};
  for (const char *X : K)
    if (S == X)
      return true;
  return false;
}

std::string columnName(const std::string &Ident) {
  auto Dot = Ident.rfind('.');
  return Dot == std::string::npos ? Ident : Ident.substr(Dot + 1);
}
} // namespace

std::string SqlStatementInfo::summary() const {
  if (Verb.empty())
    return "SQL statement";
  std::string S = Verb;
  if (!Table.empty()) {
    if (Verb == "SELECT" || Verb == "DELETE")
      S += " … FROM " + Table;
    else if (Verb == "INSERT")
      S += " INTO " + Table;
    else
      S += " " + Table;
  }
  return S;
}

bool SqlStatementInfo::hasOwnerPredicate() const {
  for (const auto &P : Placeholders)
    if (P.OwnerColumn)
      return true;
  return false;
}

namespace {
bool isNumber(const std::string &S) {
  return !S.empty() && std::all_of(S.begin(), S.end(), [](char C) {
    return std::isdigit(static_cast<unsigned char>(C));
  });
}

/// Token I in a WHERE clause: records `col = <constant>` at the constant, and
/// a bare boolean column (`AND public`, `WHERE active AND ...`) at the column.
void whereConstant(const std::vector<Token> &Toks, size_t I, const std::string &Prev1,
                   Tok Prev1Kind, const std::string &Prev2,
                   std::vector<std::pair<std::string, std::string>> &Out) {
  const Token &T = Toks[I];
  // `col = 'public'`, `col = true`, `col = 1`
  if (Prev1Kind == Tok::Op && Prev1 == "=" && !Prev2.empty() && !isKeyword(Prev2)) {
    if (T.Kind == Tok::Other && !T.Text.empty() && T.Text[0] == '\'')
      Out.emplace_back(columnName(Prev2), T.Text.substr(1));
    else if (T.Kind == Tok::Ident && (T.Text == "true" || T.Text == "false" || isNumber(T.Text)))
      Out.emplace_back(columnName(Prev2), T.Text);
    return;
  }
  // `AND public` / `WHERE published` followed by the end of the condition.
  if (T.Kind != Tok::Ident || isKeyword(T.Text) || isNumber(T.Text) || T.Text == "true" ||
      T.Text == "false")
    return;
  bool After = (Prev1Kind == Tok::Ident && (Prev1 == "where" || Prev1 == "and")) ||
               (Prev1Kind == Tok::Op && Prev1 == "(");
  if (!After)
    return;
  bool End = I + 1 >= Toks.size();
  if (!End) {
    const Token &N = Toks[I + 1];
    End = (N.Kind == Tok::Ident && (N.Text == "and" || N.Text == "or" || N.Text == "order" ||
                                    N.Text == "group" || N.Text == "limit" ||
                                    N.Text == "offset" || N.Text == "returning")) ||
          (N.Kind == Tok::Op && (N.Text == ")" || N.Text == ";"));
  }
  if (End)
    Out.emplace_back(columnName(T.Text), "true");
}
} // namespace

SqlStatementInfo analyseSql(std::string_view Sql, const std::string &OwnerColumns) {
  std::regex Owner(OwnerColumns.empty() ? defaultOwnerColumns() : OwnerColumns,
                   std::regex::ECMAScript | std::regex::icase);
  return analyseSql(Sql, Owner);
}

SqlStatementInfo analyseSql(std::string_view Sql, const std::regex &Owner) {
  SqlStatementInfo Info;
  auto Toks = tokenize(Sql);

  // Verb and table.
  for (size_t I = 0; I < Toks.size(); ++I) {
    if (Toks[I].Kind != Tok::Ident)
      continue;
    const auto &T = Toks[I].Text;
    if (Info.Verb.empty()) {
      if (T == "with")
        continue;
      for (char C : T)
        Info.Verb += static_cast<char>(std::toupper(static_cast<unsigned char>(C)));
      Info.Write = Info.Verb == "UPDATE" || Info.Verb == "DELETE" || Info.Verb == "INSERT" ||
                   Info.Verb == "REPLACE" || Info.Verb == "MERGE" || Info.Verb == "UPSERT";
      if (Info.Verb == "UPDATE" && I + 1 < Toks.size() && Toks[I + 1].Kind == Tok::Ident)
        Info.Table = Toks[I + 1].Text;
      continue;
    }
    if (Info.Table.empty() && (T == "from" || T == "into") && I + 1 < Toks.size() &&
        Toks[I + 1].Kind == Tok::Ident)
      Info.Table = Toks[I + 1].Text;
  }

  // Placeholders, with positions.
  int Question = 0, Holes = 0;
  std::map<std::string, int> Named;
  int NextNamed = 0;
  bool InWhere = false;
  std::vector<std::string> InsertColumns;
  bool InInsertColumns = false, InValues = false;
  int ValueIndex = 0, Depth = 0;
  auto Classify = [&](SqlPlaceholder &P, const std::string &Col) {
    P.Column = columnName(Col);
    P.OwnerColumn = std::regex_search(P.Column, Owner);
    P.KeyColumn = !P.OwnerColumn && isIdLikeName(P.Column);
    P.Where = true;
  };
  std::string Prev2, Prev1; // previous identifier/op texts for `col =`
  Tok Prev1Kind = Tok::Other;
  std::string LastIdent; // for `col IN (`
  bool InList = false;
  std::string InListColumn;
  // `token_digest = encode(digest($1, 'sha256'), 'hex')`, `key_hash =
  // SHA2(?, 256)`: a placeholder inside a call compared with a column is
  // compared with that column. (paren depth of the call, column)
  std::vector<std::pair<int, std::string>> CallColumns;
  for (size_t I = 0; I < Toks.size(); ++I) {
    const Token &T = Toks[I];
    if (T.Kind == Tok::Ident) {
      if (T.Text == "where" || T.Text == "on" || T.Text == "having")
        InWhere = true;
      else if (T.Text == "set" || T.Text == "order" || T.Text == "group" ||
               T.Text == "limit" || T.Text == "returning" || T.Text == "offset")
        InWhere = false;
      else if (T.Text == "values") {
        InValues = true;
        ValueIndex = 0;
      }
    }
    if (T.Kind == Tok::Op && T.Text == "(") {
      ++Depth;
      if (Info.Verb == "INSERT" && !InValues && Prev1Kind == Tok::Ident && Depth == 1 &&
          InsertColumns.empty())
        InInsertColumns = true;
      if (Prev1Kind == Tok::Ident && Prev1 == "in") {
        InList = true;
        InListColumn = Prev2;
      }
      if (InWhere && I >= 3 && Toks[I - 1].Kind == Tok::Ident && !isKeyword(Toks[I - 1].Text) &&
          Toks[I - 2].Kind == Tok::Op && Toks[I - 2].Text == "=" &&
          Toks[I - 3].Kind == Tok::Ident && !isKeyword(Toks[I - 3].Text))
        CallColumns.push_back({Depth, Toks[I - 3].Text});
    } else if (T.Kind == Tok::Op && T.Text == ")") {
      while (!CallColumns.empty() && CallColumns.back().first >= Depth)
        CallColumns.pop_back();
      --Depth;
      InInsertColumns = false;
      InList = false;
    } else if (T.Kind == Tok::Op && T.Text == "," && InValues && Depth == 1) {
      ++ValueIndex;
    } else if (T.Kind == Tok::Ident && InInsertColumns) {
      InsertColumns.push_back(columnName(T.Text));
    }

    if (T.Kind == Tok::Placeholder) {
      SqlPlaceholder P;
      if (T.Text == SqlHole)
        P.Hole = Holes++;
      else if (T.Text[0] == '$')
        P.Position = std::stoi(T.Text.substr(1));
      else if (T.Text == "?")
        P.Position = ++Question;
      else {
        auto It = Named.find(T.Text);
        if (It == Named.end())
          It = Named.emplace(T.Text, ++NextNamed).first;
        P.Position = It->second;
        P.Name = T.Text;
      }
      if (InWhere) {
        if (Prev1Kind == Tok::Op && Prev1 == "=" && !Prev2.empty() && !isKeyword(Prev2))
          Classify(P, Prev2);
        else if (InList && !InListColumn.empty() && !isKeyword(InListColumn))
          Classify(P, InListColumn);
        else if (I + 2 < Toks.size() && Toks[I + 1].Kind == Tok::Op &&
                 Toks[I + 1].Text == "=" && Toks[I + 2].Kind == Tok::Ident &&
                 !isKeyword(Toks[I + 2].Text))
          Classify(P, Toks[I + 2].Text);
        else if (!CallColumns.empty())
          Classify(P, CallColumns.back().second);
      } else if (InValues && Depth == 1 &&
                 ValueIndex < static_cast<int>(InsertColumns.size())) {
        // INSERT: the column is recorded; only ownership matters there.
        P.Column = InsertColumns[ValueIndex];
        P.OwnerColumn = std::regex_search(P.Column, Owner);
      } else if (Prev1Kind == Tok::Op && Prev1 == "=" && !Prev2.empty()) {
        P.Column = columnName(Prev2); // SET col = ph: not a key
      }
      Info.Placeholders.push_back(P);
    }
    if (InWhere)
      whereConstant(Toks, I, Prev1, Prev1Kind, Prev2, Info.WhereConstants);
    if (T.Kind == Tok::Ident || T.Kind == Tok::Op || T.Kind == Tok::Placeholder ||
        T.Kind == Tok::Other) {
      Prev2 = Prev1Kind == Tok::Ident ? Prev1 : "";
      Prev1 = T.Text;
      Prev1Kind = T.Kind;
    }
  }
  return Info;
}

} // namespace prodready::flow
