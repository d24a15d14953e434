//===- Model.h - API knowledge as data --------------------------*- C++ -*-===//
//
// prodready keeps everything it knows about frameworks and client libraries
// (request sources, SQL entry points, credential parameters, authorization
// guards, container types...) in JSON model files. The built-in files under
// lib/model/builtin/ are embedded at build time; users add their own through
// the global option `prodready.ModelFiles`.
//
// A Model is the merge of those files. It does not interpret sections: each
// analysis in lib/ owns the sections it reads and turns entries into typed
// structures (see `Model::derive`). Every entry remembers the file and JSON
// pointer it came from so errors can name them.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_MODEL_MODEL_H
#define PRODREADY_LIB_MODEL_MODEL_H

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace prodready::model {

/// A problem in a model file: which file, where in it, what is wrong.
struct ModelError {
  std::string File;    ///< Path of a user file, or "<builtin>/name.json".
  std::string Where;   ///< JSON pointer ("/credential-sinks/3/param") or "line 4, column 7".
  std::string Message;
  std::string str() const; ///< "file: where: message"
};

/// One entry of a section, with its provenance.
struct Entry {
  const nlohmann::json *Value = nullptr;
  std::string File;    ///< Same naming as ModelError::File.
  std::string Pointer; ///< JSON pointer of the entry inside its file.

  /// Builds an error located at this entry (optionally at a member of it).
  ModelError error(std::string Message, std::string_view Member = {}) const;
};

/// The built-in model files compiled into the binary: (name, JSON text).
const std::vector<std::pair<std::string, std::string_view>> &builtinModelFiles();

class Model {
public:
  /// Splits a `;`/`,`-separated list of paths (the prodready.ModelFiles option).
  static std::vector<std::string> splitFileList(std::string_view Spec);

  /// Loads the built-in files plus \p UserFiles. Problems (unreadable file,
  /// JSON syntax error with line/column, wrong "prodready-model" version, a
  /// section that is not an array) are appended to \p Errors; the files that
  /// did load are still used.
  static std::shared_ptr<const Model> load(const std::vector<std::string> &UserFiles,
                                           std::vector<ModelError> &Errors);

  /// Process-wide cache keyed by the option value: the same spec is parsed once
  /// per process (clang-tidy builds the checks for every translation unit, the
  /// sweep runs many in parallel). Errors are returned every time.
  static std::shared_ptr<const Model> cached(std::string_view UserFilesSpec,
                                             std::vector<ModelError> &Errors);

  /// All entries of section \p Name across files, built-ins first.
  std::vector<Entry> section(std::string_view Name) const;

  /// Names of the files merged into this model.
  std::vector<std::string> files() const;

  /// A typed view of the model computed once per Model and shared by every
  /// check instance / thread: `Builder` runs once per \p Key.
  template <class T>
  std::shared_ptr<const T>
  derive(const std::string &Key,
         const std::function<std::shared_ptr<T>(const Model &,
                                                std::vector<ModelError> &)> &Builder,
         std::vector<ModelError> &Errors) const {
    std::lock_guard<std::recursive_mutex> Lock(DeriveMutex); // builders may derive too
    auto It = Derived.find(Key);
    if (It == Derived.end()) {
      DerivedSlot Slot;
      Slot.Value = Builder(*this, Slot.Errors);
      It = Derived.emplace(Key, std::move(Slot)).first;
    }
    Errors.insert(Errors.end(), It->second.Errors.begin(), It->second.Errors.end());
    return std::static_pointer_cast<const T>(It->second.Value);
  }

private:
  struct Doc {
    std::string File;
    nlohmann::json Json;
  };
  struct DerivedSlot {
    std::shared_ptr<const void> Value;
    std::vector<ModelError> Errors;
  };
  std::vector<Doc> Docs;
  mutable std::recursive_mutex DeriveMutex;
  mutable std::map<std::string, DerivedSlot> Derived;
};

/// Helpers for reading entries with clear errors.
/// Reads member \p Key of \p E as a string; on absence/wrong type appends an
/// error and returns false.
bool getString(const Entry &E, std::string_view Key, std::string &Out,
               std::vector<ModelError> &Errors, bool Required = true);
bool getInt(const Entry &E, std::string_view Key, int &Out,
            std::vector<ModelError> &Errors, bool Required = true);
bool getStringList(const Entry &E, std::string_view Key,
                   std::vector<std::string> &Out, std::vector<ModelError> &Errors,
                   bool Required = true);

} // namespace prodready::model

#endif
