#include "text/Words.h"

#include <gtest/gtest.h>

using namespace prodready::text;
using V = std::vector<std::string>;

TEST(TextWords, SplitsEveryNamingStyle) {
  EXPECT_EQ(words("apiKey"), (V{"api", "key"}));
  EXPECT_EQ(words("DB_PASS"), (V{"db", "pass"}));
  EXPECT_EQ(words("X-Api-Key"), (V{"x", "api", "key"}));
  EXPECT_EQ(words("HTTPToken"), (V{"http", "token"}));
  EXPECT_EQ(words("HTTPSessionMap"), (V{"http", "session", "map"}));
  EXPECT_EQ(words("oauth2Token"), (V{"oauth2", "token"}));
  EXPECT_EQ(words("docID"), (V{"doc", "id"}));
  EXPECT_EQ(words("user.sessionId"), (V{"user", "session", "id"}));
  EXPECT_EQ(words("__"), V{});
  EXPECT_EQ(words(""), V{});
  EXPECT_EQ(words("m_cache"), (V{"m", "cache"})) << "words() keeps prefixes";
}

TEST(TextWords, IdentifierPrefixesDropped) {
  EXPECT_EQ(identifierWords("kDbPassword"), (V{"db", "password"}));
  EXPECT_EQ(identifierWords("m_secretKey_"), (V{"secret", "key"}));
  EXPECT_EQ(identifierWords("s_userCache"), (V{"user", "cache"}));
  EXPECT_EQ(identifierWords("m_seen_ids"), (V{"seen", "ids"}));
  EXPECT_EQ(identifierWords("spSessions"), (V{"sessions"}));
  EXPECT_EQ(identifierWords("k"), (V{"k"})) << "a lone letter is the name";
  EXPECT_EQ(identifierWords("keyId"), (V{"key", "id"})) << "only a one-letter word is a prefix";
}

TEST(TextWords, SnakeCase) {
  EXPECT_EQ(snakeCase("apiKey"), "api_key");
  EXPECT_EQ(snakeCase("APIKey"), "api_key");
  EXPECT_EQ(snakeCase("X-Session-Token"), "x_session_token");
  EXPECT_EQ(snakeCase("refresh_token"), "refresh_token");
  EXPECT_EQ(snakeCase(""), "");
}
