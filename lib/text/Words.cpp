//===- Words.cpp - the words of identifiers and key names -----------------===//

#include "text/Words.h"

#include <cctype>

namespace prodready::text {

namespace {
bool alnum(char C) { return std::isalnum(static_cast<unsigned char>(C)) != 0; }
bool upper(char C) { return std::isupper(static_cast<unsigned char>(C)) != 0; }
bool lowerOrDigit(char C) {
  return std::islower(static_cast<unsigned char>(C)) || std::isdigit(static_cast<unsigned char>(C));
}
} // namespace

std::vector<std::string> words(std::string_view Name) {
  std::vector<std::string> Out;
  std::string Cur;
  auto Flush = [&] {
    if (!Cur.empty())
      Out.push_back(Cur);
    Cur.clear();
  };
  for (size_t I = 0; I < Name.size(); ++I) {
    char C = Name[I];
    if (!alnum(C)) {
      Flush();
      continue;
    }
    // A capital starts a word after a lower-case letter or digit ("apiKey"),
    // or ends an acronym when a lower-case letter follows ("HTTPToken").
    if (upper(C) && !Cur.empty()) {
      bool NextLower = I + 1 < Name.size() && std::islower(static_cast<unsigned char>(Name[I + 1]));
      if (lowerOrDigit(Name[I - 1]) || NextLower)
        Flush();
    }
    Cur += static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  }
  Flush();
  return Out;
}

std::vector<std::string> identifierWords(std::string_view Identifier) {
  std::vector<std::string> W = words(Identifier);
  if (W.size() > 1 && (W[0] == "k" || W[0] == "m" || W[0] == "g" || W[0] == "s" ||
                       W[0] == "p" || W[0] == "sp"))
    W.erase(W.begin());
  return W;
}

std::string snakeCase(std::string_view Name) {
  std::string Out;
  for (const std::string &W : words(Name)) {
    if (!Out.empty())
      Out += '_';
    Out += W;
  }
  return Out;
}

} // namespace prodready::text
