// Authentication helpers: JWT, HMAC request signing, encryption at rest, Redis.
#include <cstdlib>
#include <cstring>
#include <string>
#include <hiredis/hiredis.h>
#include <jwt/jwt.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace auth {

static const unsigned char kIv[16] = {0};
static const char kSigningKey[] = "hmac-Sign1ng-K3y-v2"; // @tp

std::string issue(const std::string &sub) {
  jwt::jwt_object obj{jwt::params::algorithm("HS256"),
                      jwt::params::secret("jwt-1ssu3r-S3cr3t"), // @tp
                      jwt::params::payload({{"sub", sub}})};
  return obj.signature();
}

std::string issueWith(const std::string &sub, const std::string &key) {
  jwt::jwt_object obj{jwt::params::algorithm("HS256"), jwt::params::secret(key),
                      jwt::params::payload({{"sub", sub}})};
  return obj.signature();
}

void sign(const unsigned char *data, size_t n, unsigned char *out, unsigned int *outLen) {
  HMAC(EVP_sha256(), kSigningKey, std::strlen(kSigningKey), data, n, out, outLen);
}

void signLegacy(const unsigned char *data, size_t n, unsigned char *out, unsigned int *outLen) {
  HMAC(EVP_sha1(), "l3gacy-HMAC", 11, data, n, out, outLen); // @tp
}

bool encrypt(EVP_CIPHER_CTX *ctx, const unsigned char *keyFromKms) {
  return EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, keyFromKms, kIv) == 1;
}

bool encryptFixed(EVP_CIPHER_CTX *ctx) {
  return EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), nullptr,
                            (const unsigned char *)"f1x3d-AES-k3y-16", kIv) == 1; // @tp
}

redisContext *cache() {
  redisContext *c = redisConnect("cache.internal", 6379);
  redisReply *r = (redisReply *)redisCommand(c, "AUTH %s", "r3d1s-C4che"); // @tp
  freeReplyObject(r);
  return c;
}

redisContext *cacheFromEnv() {
  redisContext *c = redisConnect("cache.internal", 6379);
  if (const char *pw = std::getenv("REDIS_PASSWORD")) {
    redisReply *r = (redisReply *)redisCommand(c, "AUTH %s", pw);
    freeReplyObject(r);
  }
  redisReply *r = (redisReply *)redisCommand(c, "SELECT %d", 2);
  freeReplyObject(r);
  r = (redisReply *)redisCommand(c, "SET %s %s", "session:42", "authenticated");
  freeReplyObject(r);
  return c;
}

bool checkPassword(const std::string &input, const std::string &stored) {
  if (input.empty()) return false;
  return input == stored;
}

const char *describeAlgorithm() { return "HMAC-SHA256 with a 256-bit key"; }

} // namespace auth
