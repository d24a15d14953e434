#include "Schema.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace prodready::sql {

using nlohmann::json;

std::string foldName(const std::string &S) {
  std::string R = S;
  for (char &C : R)
    C = static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  return R;
}

std::string blankDialectNoise(std::string_view Text) {
  static const std::regex Noise(
      R"(\bAUTO_?INCREMENT\b(\s*=\s*\d+)?|\bWITHOUT\s+ROWID\b|\bUNSIGNED\b|\bON\s+UPDATE\s+CURRENT_TIMESTAMP(\(\))?|\b(DEFAULT\s+)?(CHARSET|CHARACTER\s+SET)\s*=?\s*\w+|\bENGINE\s*=\s*\w+|\bCOLLATE\s*=\s*\w+|\)\s*STRICT\b)",
      std::regex::icase | std::regex::optimize);
  std::string Out(Text);
  for (auto It = std::sregex_iterator(Out.begin(), Out.end(), Noise); It != std::sregex_iterator(); ++It) {
    size_t B = static_cast<size_t>(It->position()), L = static_cast<size_t>(It->length());
    for (size_t I = B; I < B + L; ++I)
      if (Out[I] != '\n' && !(Out[I] == ')' && I == B))
        Out[I] = ' ';
  }
  return Out;
}

const Column *Table::column(const std::string &N) const {
  std::string F = foldName(N);
  for (auto &C : Columns)
    if (foldName(C.Name) == F)
      return &C;
  return nullptr;
}

const Table *Schema::table(const std::string &Name) const {
  auto It = Tables.find(foldName(Name));
  return It == Tables.end() ? nullptr : &It->second;
}

std::vector<const Index *> Schema::indexesOn(const std::string &T) const {
  std::vector<const Index *> R;
  std::string F = foldName(T);
  for (auto &I : Indexes)
    if (I.Table == F)
      R.push_back(&I);
  return R;
}

void Schema::addIndex(Index I) {
  I.Table = foldName(I.Table);
  Indexes.push_back(std::move(I));
}

void Schema::dropIndex(const std::string &Name) {
  std::string F = foldName(Name);
  Indexes.erase(std::remove_if(Indexes.begin(), Indexes.end(),
                               [&](const Index &I) { return foldName(I.Name) == F; }),
                Indexes.end());
}

static std::string relName(const json &RangeVar) {
  if (!RangeVar.is_object())
    return "";
  return foldName(RangeVar.value("relname", ""));
}

static std::vector<std::string> conjunctsCanon(const json &Where) {
  std::vector<std::string> R;
  if (Where.is_null())
    return R;
  if (nodeType(Where) == "BoolExpr" && nodeBody(Where).value("boolop", "") == "AND_EXPR") {
    for (auto &A : nodeBody(Where).value("args", json::array())) {
      auto Sub = conjunctsCanon(A);
      R.insert(R.end(), Sub.begin(), Sub.end());
    }
    return R;
  }
  R.push_back(canonicalExpr(Where));
  return R;
}

static IndexKey columnKey(const std::string &Col) {
  IndexKey K;
  K.Column = foldName(Col);
  json Ref = {{"ColumnRef", {{"fields", json::array({{{"String", {{"sval", K.Column}}}}})}}}};
  K.Canon = canonicalExpr(Ref);
  K.Text = K.Column;
  return K;
}

void Schema::addConstraint(const std::string &T, const json &C, const std::string *ColumnName,
                           const std::string &File, unsigned Line) {
  std::string Type = C.value("contype", "");
  std::vector<std::string> Keys = stringList(C.value("keys", json::array()));
  if (Keys.empty() && ColumnName)
    Keys.push_back(*ColumnName);
  std::string Name = C.value("conname", "");
  if (Type == "CONSTR_PRIMARY" || Type == "CONSTR_UNIQUE") {
    Index I;
    I.Table = T;
    I.Primary = Type == "CONSTR_PRIMARY";
    I.Unique = true;
    for (auto &K : Keys)
      I.Keys.push_back(columnKey(K));
    for (auto &K : stringList(C.value("including", json::array())))
      I.Include.push_back(foldName(K));
    if (Name.empty()) {
      Name = T;
      if (I.Primary)
        Name += "_pkey";
      else {
        for (auto &K : Keys)
          Name += "_" + foldName(K);
        Name += "_key";
      }
    }
    I.Name = Name;
    I.File = File;
    I.Line = Line;
    if (!I.Keys.empty())
      Indexes.push_back(std::move(I));
  } else if (Type == "CONSTR_FOREIGN") {
    ForeignKey FK;
    FK.Columns = stringList(C.value("fk_attrs", json::array()));
    if (FK.Columns.empty() && ColumnName)
      FK.Columns.push_back(*ColumnName);
    for (auto &Col : FK.Columns)
      Col = foldName(Col);
    FK.RefTable = relName(C.value("pktable", json::object()));
    FK.Name = Name.empty() ? T + (FK.Columns.empty() ? "" : "_" + FK.Columns[0]) + "_fkey" : Name;
    auto It = Tables.find(T);
    if (It != Tables.end())
      It->second.ForeignKeys.push_back(std::move(FK));
  }
}

static Column columnOf(const json &Def) {
  Column Col;
  Col.Name = foldName(Def.value("colname", ""));
  if (Def.contains("typeName")) {
    auto Names = stringList(Def["typeName"].value("names", json::array()));
    if (!Names.empty())
      Col.Type = foldName(Names.back());
  }
  if (Def.contains("collClause")) {
    auto Cn = stringList(Def["collClause"].value("collname", json::array()));
    if (!Cn.empty())
      Col.Collation = Cn.back();
  }
  return Col;
}

void Schema::applyStatement(const json &Stmt, const std::string &File, unsigned Line) {
  try {
    applyStatementImpl(Stmt, File, Line);
  } catch (const std::exception &E) {
    Errors.push_back({File, Line, std::string("cannot apply schema statement: ") + E.what()});
  }
}

void Schema::applyStatementImpl(const json &Stmt, const std::string &File, unsigned Line) {
  std::string T = nodeType(Stmt);
  const json &B = nodeBody(Stmt);
  if (!B.is_object())
    return;
  if (T == "CreateStmt") {
    std::string Name = relName(B.value("relation", json::object()));
    if (Name.empty())
      return;
    if (B.value("if_not_exists", false) && Tables.count(Name))
      return;
    Table &Tab = Tables[Name];
    Tab = Table();
    Tab.Name = Name;
    // Indexes of a dropped-and-recreated table are gone.
    Indexes.erase(std::remove_if(Indexes.begin(), Indexes.end(),
                                 [&](const Index &I) { return I.Table == Name; }),
                  Indexes.end());
    for (auto &E : B.value("tableElts", json::array())) {
      std::string ET = nodeType(E);
      const json &EB = nodeBody(E);
      if (ET == "ColumnDef") {
        Column Col = columnOf(EB);
        Tables[Name].Columns.push_back(Col);
        for (auto &C : EB.value("constraints", json::array()))
          addConstraint(Name, nodeBody(C), &Col.Name, File, Line);
      } else if (ET == "Constraint") {
        addConstraint(Name, EB, nullptr, File, Line);
      } else if (ET == "TableLikeClause") {
        Tables[Name].ColumnsKnown = false;
      }
    }
    return;
  }
  if (T == "CreateTableAsStmt") {
    const json &Into = B.value("into", json::object());
    std::string Name = relName(Into.is_object() ? Into.value("rel", json::object()) : json::object());
    if (!Name.empty()) {
      Tables[Name] = Table();
      Tables[Name].Name = Name;
      Tables[Name].ColumnsKnown = false;
    }
    return;
  }
  if (T == "IndexStmt") {
    Index I;
    I.Table = relName(B.value("relation", json::object()));
    I.Name = B.value("idxname", "");
    if (I.Name.empty())
      I.Name = I.Table + "_idx" + std::to_string(Indexes.size());
    if (B.value("if_not_exists", false)) {
      for (auto &Existing : Indexes)
        if (foldName(Existing.Name) == foldName(I.Name))
          return;
    }
    I.Method = foldName(B.value("accessMethod", "btree"));
    I.Unique = B.value("unique", false);
    I.Primary = B.value("primary", false);
    I.File = File;
    I.Line = Line;
    for (auto &P : B.value("indexParams", json::array())) {
      const json &E = nodeBody(P);
      IndexKey K;
      if (E.contains("name") && E["name"].is_string()) {
        K = columnKey(E["name"].get<std::string>());
      } else if (E.contains("expr")) {
        K.Expr = E["expr"];
        K.Canon = canonicalExpr(K.Expr);
        K.Text = renderExpr(K.Expr, true);
        // An index on (col COLLATE "C") is an index on col with a collation.
        if (nodeType(K.Expr) == "CollateClause") {
          const json &CB = nodeBody(K.Expr);
          auto Cn = stringList(CB.value("collname", json::array()));
          const json &Arg = CB.value("arg", json::object());
          if (nodeType(Arg) == "ColumnRef") {
            auto F = stringList(nodeBody(Arg).value("fields", json::array()));
            if (!F.empty()) {
              K = columnKey(F.back());
              K.Collation = Cn.empty() ? "" : Cn.back();
            }
          }
        }
      } else {
        continue;
      }
      auto Op = stringList(E.value("opclass", json::array()));
      if (!Op.empty())
        K.Opclass = foldName(Op.back());
      auto Coll = stringList(E.value("collation", json::array()));
      if (!Coll.empty())
        K.Collation = Coll.back();
      I.Keys.push_back(std::move(K));
    }
    for (auto &P : B.value("indexIncludingParams", json::array())) {
      const json &E = nodeBody(P);
      if (E.contains("name") && E["name"].is_string())
        I.Include.push_back(foldName(E["name"].get<std::string>()));
    }
    if (B.contains("whereClause")) {
      I.Where = B["whereClause"];
      I.WhereCanon = conjunctsCanon(I.Where);
    }
    if (!I.Table.empty() && !I.Keys.empty())
      Indexes.push_back(std::move(I));
    return;
  }
  if (T == "AlterTableStmt") {
    std::string Name = relName(B.value("relation", json::object()));
    auto It = Tables.find(Name);
    for (auto &C : B.value("cmds", json::array())) {
      const json &CB = nodeBody(C);
      std::string Sub = CB.value("subtype", "");
      if (Sub == "AT_AddColumn" && It != Tables.end()) {
        const json DefNode = CB.value("def", json::object()); // (nodeBody returns a reference into it)
        const json &Def = nodeBody(DefNode);
        Column Col = columnOf(Def);
        if (!It->second.column(Col.Name))
          It->second.Columns.push_back(Col);
        for (auto &K : Def.value("constraints", json::array()))
          addConstraint(Name, nodeBody(K), &Col.Name, File, Line);
      } else if (Sub == "AT_DropColumn" && It != Tables.end()) {
        std::string Col = foldName(CB.value("name", ""));
        auto &Cols = It->second.Columns;
        Cols.erase(std::remove_if(Cols.begin(), Cols.end(), [&](const Column &X) { return X.Name == Col; }),
                   Cols.end());
        // PostgreSQL drops every index that uses the column.
        Indexes.erase(std::remove_if(Indexes.begin(), Indexes.end(),
                                     [&](const Index &I) {
                                       if (I.Table != Name)
                                         return false;
                                       for (auto &K : I.Keys)
                                         if (K.Column == Col || (K.Column.empty() && K.Canon.find("col(" + Col + ")") != std::string::npos))
                                           return true;
                                       return false;
                                     }),
                      Indexes.end());
      } else if (Sub == "AT_AddConstraint") {
        addConstraint(Name, nodeBody(CB.value("def", json::object())), nullptr, File, Line);
      } else if (Sub == "AT_DropConstraint") {
        std::string CN = CB.value("name", "");
        dropIndex(CN);
        if (It != Tables.end()) {
          auto &FKs = It->second.ForeignKeys;
          FKs.erase(std::remove_if(FKs.begin(), FKs.end(),
                                   [&](const ForeignKey &F) { return foldName(F.Name) == foldName(CN); }),
                    FKs.end());
        }
      } else if (Sub == "AT_AlterColumnType" && It != Tables.end()) {
        const json DefNode = CB.value("def", json::object()); // (nodeBody returns a reference into it)
        const json &Def = nodeBody(DefNode);
        std::string Col = foldName(CB.value("name", ""));
        for (auto &X : It->second.Columns)
          if (X.Name == Col) {
            Column NC = columnOf(Def);
            if (!NC.Type.empty())
              X.Type = NC.Type;
            X.Collation = NC.Collation;
          }
      }
    }
    return;
  }
  if (T == "RenameStmt") {
    std::string Kind = B.value("renameType", "");
    std::string Old = relName(B.value("relation", json::object()));
    std::string New = foldName(B.value("newname", ""));
    if (Kind == "OBJECT_TABLE") {
      auto It = Tables.find(Old);
      if (It == Tables.end() || New.empty())
        return;
      Table Tab = std::move(It->second);
      Tables.erase(It);
      Tab.Name = New;
      Tables[New] = std::move(Tab);
      for (auto &I : Indexes)
        if (I.Table == Old)
          I.Table = New;
      for (auto &P : Tables)
        for (auto &FK : P.second.ForeignKeys)
          if (FK.RefTable == Old)
            FK.RefTable = New;
    } else if (Kind == "OBJECT_COLUMN") {
      std::string OldCol = foldName(B.value("subname", ""));
      auto It = Tables.find(Old);
      if (It == Tables.end())
        return;
      for (auto &C : It->second.Columns)
        if (C.Name == OldCol)
          C.Name = New;
      for (auto &FK : It->second.ForeignKeys)
        for (auto &C : FK.Columns)
          if (C == OldCol)
            C = New;
      for (auto &I : Indexes) {
        if (I.Table != Old)
          continue;
        for (auto &K : I.Keys)
          if (K.Column == OldCol) {
            IndexKey NK = columnKey(New);
            NK.Opclass = K.Opclass;
            NK.Collation = K.Collation;
            K = NK;
          }
      }
    } else if (Kind == "OBJECT_INDEX") {
      for (auto &I : Indexes)
        if (foldName(I.Name) == Old)
          I.Name = New;
    }
    return;
  }
  if (T == "DropStmt") {
    std::string Kind = B.value("removeType", "");
    for (auto &O : B.value("objects", json::array())) {
      auto Names = stringList(nodeType(O) == "List" ? nodeBody(O).value("items", json::array()) : json::array({O}));
      if (Names.empty())
        continue;
      std::string N = foldName(Names.back());
      if (Kind == "OBJECT_TABLE") {
        Tables.erase(N);
        Indexes.erase(std::remove_if(Indexes.begin(), Indexes.end(),
                                     [&](const Index &I) { return I.Table == N; }),
                      Indexes.end());
      } else if (Kind == "OBJECT_INDEX") {
        dropIndex(N);
      }
    }
    return;
  }
}

void Schema::apply(const SqlSource &Source, bool MySQL, bool ReportErrors) {
  Sources.push_back(Source);
  std::string Text = blankDialectNoise(Source.Text);
  if (MySQL)
    Text = rewriteMySqlIndexes(Text);
  ParseResult All = parseSql(Text, MySQL);
  auto LineAt = [&](const ParseResult &R, size_t NormOffset, size_t Base) {
    return Source.FirstLine - 1 + lineOf(Text, Base + R.Norm.original(NormOffset));
  };
  if (All.ok()) {
    for (auto &S : All.Statements) {
      size_t B = S.Begin;
      while (B < All.Norm.Text.size() && std::isspace(static_cast<unsigned char>(All.Norm.Text[B])))
        ++B;
      applyStatement(S.Node, Source.File, LineAt(All, B, 0));
    }
    return;
  }
  // Something does not parse: replay statement by statement so the rest of
  // the file still counts, and name each statement that fails.
  for (auto [Begin, Len] : splitStatements(Text)) {
    std::string_view Piece = std::string_view(Text).substr(Begin, Len);
    ParseResult R = parseSql(Piece, MySQL);
    if (!R.ok()) {
      if (ReportErrors) {
        size_t Off = Begin + R.Error->Offset;
        Errors.push_back({Source.File, Source.FirstLine - 1 + lineOf(Text, Off),
                          "cannot parse schema statement: " + R.Error->Message});
      }
      continue;
    }
    for (auto &S : R.Statements) {
      size_t B = S.Begin;
      while (B < R.Norm.Text.size() && std::isspace(static_cast<unsigned char>(R.Norm.Text[B])))
        ++B;
      applyStatement(S.Node, Source.File, LineAt(R, B, Begin));
    }
  }
}

} // namespace prodready::sql

//===----------------------------------------------------------------------===//
// MySQL index definitions (best effort, see Schema.h).
//===----------------------------------------------------------------------===//

namespace prodready::sql {
namespace {

/// The end of a comment ("--", "#", "/* */") that starts at \p I, or \p I.
size_t commentEnd(std::string_view S, size_t I) {
  if ((S[I] == '-' && I + 1 < S.size() && S[I + 1] == '-') || S[I] == '#') {
    size_t E = S.find('\n', I);
    return E == std::string_view::npos ? S.size() : E;
  }
  if (S[I] == '/' && I + 1 < S.size() && S[I + 1] == '*') {
    size_t E = S.find("*/", I + 2);
    return E == std::string_view::npos ? S.size() : E + 2;
  }
  return I;
}

/// Splits at top-level \p Sep (outside quotes, comments and parentheses):
/// (begin, end) pairs into \p S.
std::vector<std::pair<size_t, size_t>> splitTopLevel(std::string_view S, char Sep) {
  std::vector<std::pair<size_t, size_t>> Out;
  size_t Begin = 0;
  int Depth = 0;
  for (size_t I = 0; I < S.size(); ++I) {
    char C = S[I];
    if (C == '\'' || C == '"' || C == '`') {
      for (++I; I < S.size() && S[I] != C; ++I)
        if (S[I] == '\\' && C == '\'')
          ++I;
      continue;
    }
    if (size_t End = commentEnd(S, I); End != I) {
      I = End - 1;
      continue;
    }
    if (C == '(')
      ++Depth;
    else if (C == ')')
      --Depth;
    else if (C == Sep && Depth == 0) {
      Out.push_back({Begin, I});
      Begin = I + 1;
    }
  }
  if (Begin < S.size())
    Out.push_back({Begin, S.size()});
  return Out;
}

/// A tiny tokenizer over one clause: words, quoted identifiers, parenthesised groups.
struct Tok {
  std::string Text;
  bool Group = false; ///< "( ... )" including the parentheses
};

std::vector<Tok> tokens(std::string_view S) {
  std::vector<Tok> Out;
  size_t I = 0;
  while (I < S.size()) {
    char C = S[I];
    if (std::isspace(static_cast<unsigned char>(C))) {
      ++I;
      continue;
    }
    if (size_t End = commentEnd(S, I); End != I) {
      I = End;
      continue;
    }
    if (C == '(') {
      int Depth = 0;
      size_t B = I;
      for (; I < S.size(); ++I) {
        if (S[I] == '\'' || S[I] == '"' || S[I] == '`') {
          char Q = S[I];
          for (++I; I < S.size() && S[I] != Q; ++I) {
          }
          continue;
        }
        if (S[I] == '(')
          ++Depth;
        else if (S[I] == ')' && --Depth == 0) {
          ++I;
          break;
        }
      }
      Out.push_back({std::string(S.substr(B, I - B)), true});
      continue;
    }
    if (C == '`' || C == '"') {
      size_t E = S.find(C, I + 1);
      E = E == std::string_view::npos ? S.size() : E + 1;
      Out.push_back({std::string(S.substr(I, E - I)), false});
      I = E;
      continue;
    }
    size_t B = I;
    while (I < S.size() && !std::isspace(static_cast<unsigned char>(S[I])) && S[I] != '(' && S[I] != ',')
      ++I;
    if (I == B)
      ++I;
    Out.push_back({std::string(S.substr(B, I - B)), false});
  }
  return Out;
}

bool kw(const Tok &T, const char *W) { return !T.Group && foldName(T.Text) == W; }

std::string unquote(std::string N) {
  if (N.size() >= 2 && (N.front() == '`' || N.front() == '"'))
    N = N.substr(1, N.size() - 2);
  return N;
}

/// "(a(10), `b` DESC)" -> "(a, b DESC)" and the first column's name.
std::string keyColumns(const std::string &Group, std::string &First) {
  std::string_view In(Group);
  In = In.substr(1, In.size() - 2);
  std::string Out;
  for (auto [B, E] : splitTopLevel(In, ',')) {
    std::vector<Tok> T = tokens(In.substr(B, E - B));
    if (T.empty())
      continue;
    std::string Part;
    if (T[0].Group) {
      Part = T[0].Text; // functional key part ((lower(x)))
    } else {
      Part = "\"" + unquote(T[0].Text) + "\"";
      if (First.empty())
        First = unquote(T[0].Text);
    }
    for (size_t I = 1; I < T.size(); ++I)
      if (kw(T[I], "asc") || kw(T[I], "desc"))
        Part += " " + T[I].Text;
    Out += (Out.empty() ? "" : ", ") + Part;
  }
  return "(" + Out + ")";
}

/// An index definition clause (tokens from \p At): KEY|INDEX, UNIQUE
/// [KEY|INDEX], FULLTEXT|SPATIAL [KEY|INDEX], with CONSTRAINT c before.
/// Returns false for clauses that are not MySQL index definitions. Sets
/// \p Stmt to the CREATE INDEX statement ("" for FULLTEXT/SPATIAL).
bool indexClause(const std::vector<Tok> &T, size_t At, const std::string &Table, std::string &Stmt) {
  size_t I = At;
  std::string ConstraintName;
  if (I + 1 < T.size() && kw(T[I], "constraint")) {
    if (!T[I + 1].Group && !kw(T[I + 1], "unique"))
      ConstraintName = unquote(T[I + 1].Text), ++I;
    ++I;
  }
  if (I >= T.size())
    return false;
  bool Unique = false, Skip = false;
  if (kw(T[I], "unique")) {
    Unique = true;
    ++I;
    if (I < T.size() && (kw(T[I], "key") || kw(T[I], "index")))
      ++I;
    else
      return false; // UNIQUE (cols): PostgreSQL syntax already
  } else if (kw(T[I], "fulltext") || kw(T[I], "spatial")) {
    Skip = true;
    ++I;
    if (I < T.size() && (kw(T[I], "key") || kw(T[I], "index")))
      ++I;
  } else if (kw(T[I], "key") || kw(T[I], "index")) {
    ++I;
  } else {
    return false;
  }
  std::string Name = ConstraintName;
  if (I < T.size() && !T[I].Group && !kw(T[I], "using"))
    Name = unquote(T[I].Text), ++I;
  if (I + 1 < T.size() && kw(T[I], "using"))
    I += 2;
  if (I >= T.size() || !T[I].Group)
    return false;
  std::string First;
  std::string Cols = keyColumns(T[I].Text, First);
  if (Skip) {
    Stmt.clear();
    return true;
  }
  if (Name.empty())
    Name = First.empty() ? Table + "_idx" : First;
  Stmt = std::string("CREATE ") + (Unique ? "UNIQUE " : "") + "INDEX \"" + Name + "\" ON \"" + Table + "\" " + Cols + ";";
  return true;
}

/// Keeps the line count of \p Old: pads \p New with newlines.
std::string sameLines(std::string_view Old, std::string New) {
  long Need = std::count(Old.begin(), Old.end(), '\n') - std::count(New.begin(), New.end(), '\n');
  for (long I = 0; I < Need; ++I)
    New += '\n';
  return New;
}

std::string rewriteStatement(std::string_view S) {
  std::vector<Tok> T = tokens(S);
  // CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name ( ... ) ...
  size_t I = 0;
  if (T.size() > 3 && kw(T[0], "create")) {
    I = 1;
    if (kw(T[I], "temporary"))
      ++I;
    if (I < T.size() && kw(T[I], "table")) {
      ++I;
      if (I + 2 < T.size() && kw(T[I], "if") && kw(T[I + 1], "not") && kw(T[I + 2], "exists"))
        I += 3;
      if (I + 1 >= T.size() || !T[I + 1].Group)
        return std::string(S);
      std::string Table = unquote(T[I].Text);
      // The column list, located in the text.
      size_t Open = S.find('(', S.find(T[I].Text) + T[I].Text.size());
      const std::string &G = T[I + 1].Text;
      std::string_view Body = S.substr(Open + 1, G.size() - 2);
      std::string NewBody, Extra;
      bool Changed = false;
      for (auto [B, E] : splitTopLevel(Body, ',')) {
        std::string_view Elem = Body.substr(B, E - B);
        std::string Stmt;
        if (indexClause(tokens(Elem), 0, Table, Stmt)) {
          Changed = true;
          if (!Stmt.empty())
            Extra += " " + Stmt;
          continue;
        }
        NewBody += (NewBody.empty() ? "" : ",") + std::string(Elem);
      }
      if (!Changed)
        return std::string(S);
      std::string Out = std::string(S.substr(0, Open + 1)) + NewBody + std::string(S.substr(Open + 1 + Body.size()));
      return sameLines(S, Out + ";" + Extra.substr(Extra.empty() ? 0 : 1));
    }
  }
  // ALTER TABLE name action, action, ...
  if (T.size() > 3 && kw(T[0], "alter") && kw(T[1], "table")) {
    std::string Table = unquote(T[2].Text);
    size_t After = S.find(T[2].Text, S.find(T[1].Text) + T[1].Text.size()) + T[2].Text.size();
    std::string_view Actions = S.substr(After);
    std::vector<std::string> Keep, Extra;
    bool Changed = false;
    for (auto [B, E] : splitTopLevel(Actions, ',')) {
      std::string_view A = Actions.substr(B, E - B);
      std::vector<Tok> AT = tokens(A);
      std::string Stmt;
      if (AT.size() >= 2 && kw(AT[0], "add") && indexClause(AT, 1, Table, Stmt)) {
        Changed = true;
        if (!Stmt.empty())
          Extra.push_back(Stmt);
        continue;
      }
      if (AT.size() == 3 && kw(AT[0], "drop") && (kw(AT[1], "index") || kw(AT[1], "key"))) {
        Changed = true;
        Extra.push_back("DROP INDEX IF EXISTS \"" + unquote(AT[2].Text) + "\";");
        continue;
      }
      Keep.push_back(std::string(A));
    }
    if (!Changed)
      return std::string(S);
    std::string Out;
    if (!Keep.empty()) {
      Out = std::string(S.substr(0, After));
      for (size_t K = 0; K < Keep.size(); ++K)
        Out += (K ? "," : "") + Keep[K];
      Out += ";";
    }
    for (auto &X : Extra)
      Out += (Out.empty() ? "" : " ") + X;
    return sameLines(S, Out);
  }
  // DROP INDEX name ON table
  if (T.size() == 5 && kw(T[0], "drop") && kw(T[1], "index") && kw(T[3], "on"))
    return sameLines(S, "DROP INDEX IF EXISTS \"" + unquote(T[2].Text) + "\";");
  return std::string(S);
}

} // namespace

std::string rewriteMySqlIndexes(std::string_view Script) {
  std::string Out;
  size_t Done = 0;
  for (auto [B, E] : splitTopLevel(Script, ';')) {
    std::string_view Stmt = Script.substr(B, E - B);
    std::string New = rewriteStatement(Stmt);
    Out += std::string(Script.substr(Done, B - Done));
    if (New == Stmt) {
      Out += New;
    } else {
      // The rewrite ends with its own ';': drop the original one.
      Out += New;
      if (E < Script.size() && Script[E] == ';')
        ++E;
      // Keep a trailing separator count consistent.
    }
    Done = E;
  }
  Out += std::string(Script.substr(std::min(Done, Script.size())));
  return Out;
}

} // namespace prodready::sql
