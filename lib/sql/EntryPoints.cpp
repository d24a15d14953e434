#include "EntryPoints.h"

namespace prodready::sql {

static std::string normName(std::string N) {
  if (N.rfind("::", 0) != 0)
    N = "::" + N;
  return N;
}

std::shared_ptr<SqlEntryPoints> SqlEntryPoints::build(const model::Model &M,
                                                      std::vector<model::ModelError> &Errors) {
  auto R = std::make_shared<SqlEntryPoints>();
  for (const model::Entry &E : M.section(Section)) {
    if (!E.Value || !E.Value->is_object()) {
      Errors.push_back(E.error("an entry must be an object"));
      continue;
    }
    SqlEntryPoint P;
    P.File = E.File;
    auto optInt = [&](const char *Key, int &Out, int Min) {
      if (!E.Value->contains(Key))
        return true;
      if (!model::getInt(E, Key, Out, Errors))
        return false;
      if (Out < Min) {
        Errors.push_back(E.error("must be " + std::to_string(Min) + " or more", Key));
        return false;
      }
      return true;
    };
    auto optBool = [&](const char *Key, bool &Out) {
      if (!E.Value->contains(Key))
        return true;
      if (!(*E.Value)[Key].is_boolean()) {
        Errors.push_back(E.error("must be true or false", Key));
        return false;
      }
      Out = (*E.Value)[Key].get<bool>();
      return true;
    };
    if (!optBool("executes-prepared", P.ExecutesPrepared) || !optBool("binds", P.Binds) ||
        !optInt("name-arg", P.NameArg, 0) || !optInt("params-from", P.ParamsFrom, 0) ||
        !optInt("param-values-arg", P.ParamValuesArg, 0) ||
        !optInt("statement-out-arg", P.StatementOutArg, 0) ||
        !optInt("statement-arg", P.StatementArg, -1) || !optInt("index-arg", P.IndexArg, 0) ||
        !optInt("value-arg", P.ValueArg, 0))
      continue;
    if (P.ExecutesPrepared && P.NameArg < 0) {
      Errors.push_back(E.error("\"executes-prepared\" needs \"name-arg\""));
      continue;
    }
    if (P.Binds && (P.IndexArg < 0 || P.ValueArg < 0)) {
      Errors.push_back(E.error("\"binds\" needs \"index-arg\" and \"value-arg\""));
      continue;
    }
    if (carriesSql(P)) {
      int Arg = 0;
      if (!model::getInt(E, "sql-arg", Arg, Errors))
        continue;
      if (Arg < 0) {
        Errors.push_back(E.error("must be 0 or more", "sql-arg"));
        continue;
      }
      P.SqlArg = Arg;
    }
    std::string D = "auto";
    model::getString(E, "dialect", D, Errors, /*Required=*/false);
    auto PD = parseDialect(D);
    if (!PD) {
      Errors.push_back(E.error("unknown dialect '" + D + "' (known: postgresql, sqlite, mysql, auto)", "dialect"));
      continue;
    }
    P.D = *PD;
    model::getString(E, "client", P.Client, Errors, /*Required=*/false);
    std::vector<std::string> Fns;
    std::string Ctor;
    bool HasFns = E.Value->contains("functions");
    bool HasCtor = E.Value->contains("constructor-of");
    if (HasFns == HasCtor) {
      Errors.push_back(E.error("needs exactly one of \"functions\" or \"constructor-of\""));
      continue;
    }
    if (HasFns) {
      if (!model::getStringList(E, "functions", Fns, Errors))
        continue;
      for (auto &F : Fns) {
        SqlEntryPoint Q = P;
        Q.Name = normName(F);
        R->Functions[Q.Name] = Q;
      }
    } else {
      if (!model::getString(E, "constructor-of", Ctor, Errors))
        continue;
      P.Constructor = true;
      P.Name = normName(Ctor);
      R->Constructors[P.Name] = P;
    }
  }
  return R;
}

const SqlEntryPoint *SqlEntryPoints::function(const std::string &N) const {
  auto It = Functions.find(normName(N));
  return It == Functions.end() ? nullptr : &It->second;
}

const SqlEntryPoint *SqlEntryPoints::constructor(const std::string &N) const {
  auto It = Constructors.find(normName(N));
  return It == Constructors.end() ? nullptr : &It->second;
}

std::vector<std::string> SqlEntryPoints::functionNames() const {
  std::vector<std::string> R;
  for (auto &P : Functions)
    R.push_back(P.first);
  return R;
}

std::vector<std::string> SqlEntryPoints::constructorClasses() const {
  std::vector<std::string> R;
  for (auto &P : Constructors)
    R.push_back(P.first);
  return R;
}

} // namespace prodready::sql
