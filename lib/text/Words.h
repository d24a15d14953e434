//===- Words.h - the words of identifiers and key names ---------*- C++ -*-===//
//
// One way to read a name as words, shared by every check: snake_case,
// kebab-case, camelCase and acronyms ("HTTPToken") all split into lower-case
// words. The credential check reads variable names with it, the cache check
// container names, the trusted-client-id check request keys ("apiKey",
// "X-Api-Key") and parameter names ("docId").
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_TEXT_WORDS_H
#define PRODREADY_LIB_TEXT_WORDS_H

#include <string>
#include <string_view>
#include <vector>

namespace prodready::text {

/// Lower-case words of \p Name: "apiKey" -> {api, key}, "X-Api-Key" ->
/// {x, api, key}, "HTTPToken" -> {http, token}, "oauth2Token" -> {oauth2, token}.
/// Anything that is not a letter or digit separates words.
std::vector<std::string> words(std::string_view Name);

/// words() of a C++ identifier, with a leading member/Hungarian prefix
/// (k, m, g, s, p, sp) dropped when other words follow: "kDbPassword" ->
/// {db, password}, "m_userCache" -> {user, cache}, "k" -> {k}.
std::vector<std::string> identifierWords(std::string_view Identifier);

/// words() joined with '_': "apiKey" -> "api_key", "X-Session-Token" ->
/// "x_session_token".
std::string snakeCase(std::string_view Name);

} // namespace prodready::text

#endif
