//===- Model.cpp - API knowledge as data ----------------------------------===//
#include "lib/model/Model.h"

#include <fstream>
#include <sstream>

namespace prodready::model {

static constexpr int SupportedModelVersion = 1;
static constexpr const char *VersionKey = "prodready-model";

std::string ModelError::str() const {
  std::string S = File;
  if (!Where.empty())
    S += ": " + Where;
  S += ": " + Message;
  return S;
}

ModelError Entry::error(std::string Message, std::string_view Member) const {
  std::string Ptr = Pointer;
  if (!Member.empty())
    Ptr += "/" + std::string(Member);
  return ModelError{File, Ptr, std::move(Message)};
}

std::vector<std::string> Model::splitFileList(std::string_view Spec) {
  std::vector<std::string> Out;
  std::string Cur;
  auto Flush = [&] {
    size_t B = Cur.find_first_not_of(" \t\r\n");
    size_t E = Cur.find_last_not_of(" \t\r\n");
    if (B != std::string::npos)
      Out.push_back(Cur.substr(B, E - B + 1));
    Cur.clear();
  };
  for (char C : Spec) {
    if (C == ';' || C == ',')
      Flush();
    else
      Cur += C;
  }
  Flush();
  return Out;
}

/// Converts a byte offset into "line L, column C" for syntax errors.
static std::string lineColumn(std::string_view Text, size_t Offset) {
  size_t Line = 1, Col = 1;
  for (size_t I = 0; I < Text.size() && I < Offset; ++I) {
    if (Text[I] == '\n') {
      ++Line;
      Col = 1;
    } else {
      ++Col;
    }
  }
  return "line " + std::to_string(Line) + ", column " + std::to_string(Col);
}

/// Parses one model document; on success appends it to \p Docs.
static void addDocument(std::string File, std::string_view Text,
                        std::vector<std::pair<std::string, nlohmann::json>> &Docs,
                        std::vector<ModelError> &Errors) {
  nlohmann::json J;
  try {
    J = nlohmann::json::parse(Text.begin(), Text.end(), nullptr,
                              /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const nlohmann::json::parse_error &E) {
    // nlohmann reports the byte position; turn it into line/column.
    std::string Msg = E.what();
    // Strip the "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
    if (auto P = Msg.find(": "); P != std::string::npos && Msg.rfind("[json.", 0) == 0)
      Msg = Msg.substr(P + 2);
    Errors.push_back({File, lineColumn(Text, E.byte == 0 ? 0 : E.byte - 1),
                      "invalid JSON: " + Msg});
    return;
  }
  if (!J.is_object()) {
    Errors.push_back({File, "/", "a model file must be a JSON object"});
    return;
  }
  auto V = J.find(VersionKey);
  if (V == J.end() || !V->is_number_integer()) {
    Errors.push_back({File, "/", std::string("missing \"") + VersionKey +
                                     "\": " + std::to_string(SupportedModelVersion)});
    return;
  }
  if (V->get<int>() != SupportedModelVersion) {
    Errors.push_back({File, std::string("/") + VersionKey,
                      "unsupported model version " + std::to_string(V->get<int>()) +
                          " (this prodready reads version " +
                          std::to_string(SupportedModelVersion) + ")"});
    return;
  }
  for (auto It = J.begin(); It != J.end(); ++It) {
    const std::string &Key = It.key();
    if (Key == VersionKey || Key == "name" || Key == "description" || Key == "$comment")
      continue;
    if (!It->is_array()) {
      Errors.push_back({File, "/" + Key, "a section must be a JSON array of entries"});
      return;
    }
  }
  Docs.emplace_back(std::move(File), std::move(J));
}

std::shared_ptr<const Model> Model::load(const std::vector<std::string> &UserFiles,
                                         std::vector<ModelError> &Errors) {
  auto M = std::make_shared<Model>();
  std::vector<std::pair<std::string, nlohmann::json>> Docs;
  for (const auto &[Name, Text] : builtinModelFiles())
    addDocument("<builtin>/" + Name, Text, Docs, Errors);
  for (const std::string &Path : UserFiles) {
    std::ifstream In(Path, std::ios::binary);
    if (!In) {
      Errors.push_back({Path, "", "cannot read model file"});
      continue;
    }
    std::stringstream SS;
    SS << In.rdbuf();
    std::string Text = SS.str();
    addDocument(Path, Text, Docs, Errors);
  }
  for (auto &[File, J] : Docs)
    M->Docs.push_back(Doc{std::move(File), std::move(J)});
  return M;
}

std::shared_ptr<const Model> Model::cached(std::string_view UserFilesSpec,
                                           std::vector<ModelError> &Errors) {
  struct Slot {
    std::shared_ptr<const Model> M;
    std::vector<ModelError> Errors;
  };
  static std::mutex Mu;
  static std::map<std::string, Slot, std::less<>> Cache;
  std::lock_guard<std::mutex> Lock(Mu);
  auto It = Cache.find(UserFilesSpec);
  if (It == Cache.end()) {
    Slot S;
    S.M = load(splitFileList(UserFilesSpec), S.Errors);
    It = Cache.emplace(std::string(UserFilesSpec), std::move(S)).first;
  }
  Errors.insert(Errors.end(), It->second.Errors.begin(), It->second.Errors.end());
  return It->second.M;
}

std::vector<Entry> Model::section(std::string_view Name) const {
  std::vector<Entry> Out;
  std::string Key(Name);
  for (const Doc &D : Docs) {
    auto It = D.Json.find(Key);
    if (It == D.Json.end())
      continue;
    for (size_t I = 0; I < It->size(); ++I)
      Out.push_back(Entry{&(*It)[I], D.File, "/" + Key + "/" + std::to_string(I)});
  }
  return Out;
}

std::vector<std::string> Model::files() const {
  std::vector<std::string> Out;
  for (const Doc &D : Docs)
    Out.push_back(D.File);
  return Out;
}

static const nlohmann::json *member(const Entry &E, std::string_view Key,
                                    std::vector<ModelError> &Errors, bool Required) {
  if (!E.Value || !E.Value->is_object()) {
    Errors.push_back(E.error("an entry must be a JSON object"));
    return nullptr;
  }
  auto It = E.Value->find(std::string(Key));
  if (It == E.Value->end()) {
    if (Required)
      Errors.push_back(E.error("missing required member \"" + std::string(Key) + "\""));
    return nullptr;
  }
  return &*It;
}

bool getString(const Entry &E, std::string_view Key, std::string &Out,
               std::vector<ModelError> &Errors, bool Required) {
  const nlohmann::json *V = member(E, Key, Errors, Required);
  if (!V)
    return false;
  if (!V->is_string()) {
    Errors.push_back(E.error("expected a string", Key));
    return false;
  }
  Out = V->get<std::string>();
  return true;
}

bool getInt(const Entry &E, std::string_view Key, int &Out,
            std::vector<ModelError> &Errors, bool Required) {
  const nlohmann::json *V = member(E, Key, Errors, Required);
  if (!V)
    return false;
  if (!V->is_number_integer()) {
    Errors.push_back(E.error("expected an integer", Key));
    return false;
  }
  Out = V->get<int>();
  return true;
}

bool getStringList(const Entry &E, std::string_view Key, std::vector<std::string> &Out,
                   std::vector<ModelError> &Errors, bool Required) {
  const nlohmann::json *V = member(E, Key, Errors, Required);
  if (!V)
    return false;
  if (V->is_string()) {
    Out.push_back(V->get<std::string>());
    return true;
  }
  if (!V->is_array()) {
    Errors.push_back(E.error("expected a string or an array of strings", Key));
    return false;
  }
  for (size_t I = 0; I < V->size(); ++I) {
    if (!(*V)[I].is_string()) {
      Errors.push_back(E.error("expected a string", std::string(Key) + "/" + std::to_string(I)));
      return false;
    }
    Out.push_back((*V)[I].get<std::string>());
  }
  return true;
}

} // namespace prodready::model
