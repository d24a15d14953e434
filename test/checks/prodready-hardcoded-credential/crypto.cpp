// RUN: %check_prodready %s prodready-hardcoded-credential %t

// Keys for signing and encryption (CWE-321), Redis AUTH, cpp-jwt, AWS.
#include <cstdlib>
#include <string>
#include <hiredis/hiredis.h>
#include <jwt/jwt.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

// The AWS SDK is not packaged in Debian: its credentials class, as declared there.
namespace Aws { namespace Auth {
class AWSCredentials {
public:
  AWSCredentials(const std::string &awsAccessKeyId, const std::string &awsSecretKey);
  AWSCredentials(const std::string &awsAccessKeyId, const std::string &awsSecretKey,
                 const std::string &sessionToken);
};
}} // namespace Aws::Auth

void redis(redisContext *c, const char *pw) {
  redisCommand(c, "AUTH r3dis-Pw-1");
  // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: hardcoded Redis password in 'AUTH' command 'r3d…(10 chars)' passed to 'redisCommand' parameter 'format' [CWE-798]
  redisCommand(c, "AUTH %s", "r3dis-Pw-2");
  // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: hardcoded Redis password 'r3d…(10 chars)' passed to 'redisCommand' as the 'AUTH' password [CWE-798]
  redisCommand(c, "AUTH %s %s", "default", "r3dis-Pw-3");
  // CHECK-MESSAGES: :[[@LINE-1]]:44: warning: hardcoded Redis password 'r3d…(10 chars)' passed to 'redisCommand' as the 'AUTH' password [CWE-798]
  redisCommand(c, "AUTH %s", pw);
  redisCommand(c, "AUTH %s", std::getenv("REDIS_PASSWORD"));
  redisCommand(c, "SET %s %s", "session", "r3dis-Value");
  redisCommand(c, "GET auth-token");
}

void jwt_keys(const std::string &fromVault) {
  jwt::jwt_object obj{jwt::params::algorithm("HS256"), jwt::params::secret("jwt-S1gning-K3y")};
  // CHECK-MESSAGES: :[[@LINE-1]]:76: warning: hardcoded JWT signing key 'jwt…(15 chars)' passed to 'jwt::params::secret' parameter 'sv' [CWE-321]
  obj.secret("jwt-S1gning-K3y2");
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: hardcoded JWT signing key 'jwt…(16 chars)' passed to 'jwt::jwt_object::secret' parameter 'sv' [CWE-321]
  jwt::jwt_object ok{jwt::params::algorithm("HS256"), jwt::params::secret(fromVault)};
}

void openssl(unsigned char *out, unsigned int *outLen, EVP_CIPHER_CTX *ctx,
             const unsigned char *iv, const unsigned char *keyFromKms) {
  HMAC(EVP_sha256(), "hm4c-K3y-material", 17, (const unsigned char *)"data", 4, out, outLen);
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: hardcoded HMAC key 'hm4…(17 chars)' passed to 'HMAC' parameter 'key' [CWE-321]
  EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr,
                     (const unsigned char *)"0123456789abcdef0123456789abcdef", iv);
  // CHECK-MESSAGES: :[[@LINE-1]]:45: warning: hardcoded encryption key '0123…(32 chars)' passed to 'EVP_EncryptInit_ex' parameter 'key' [CWE-321]
  EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, keyFromKms, iv);
  HMAC(EVP_sha256(), keyFromKms, 32, (const unsigned char *)"payload-to-sign", 15, out, outLen);
}

void aws() {
  Aws::Auth::AWSCredentials creds("AKIA_FROM_CONFIG", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz9f8e7d6c");
  // CHECK-MESSAGES: :[[@LINE-1]]:55: warning: hardcoded AWS secret access key 'wJal…(40 chars)' passed to 'Aws::Auth::AWSCredentials' parameter 'awsSecretAccessKey' [CWE-798]
  Aws::Auth::AWSCredentials fromEnv(std::getenv("AWS_ACCESS_KEY_ID"), std::getenv("AWS_SECRET_ACCESS_KEY"));
}
