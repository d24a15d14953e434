// RUN: %check_prodready %s prodready-hardcoded-credential %t
// RUN: %check_prodready -check-suffix=OPT %s prodready-hardcoded-credential %t \
// RUN:   -config="{CheckOptions: {prodready-hardcoded-credential.ExtraCredentialNames: 'pin code;kek', prodready-hardcoded-credential.ExtraIgnoredNameParts: 'blob', prodready-hardcoded-credential.ExtraPlaceholderPatterns: '^ACME-DEV-', prodready-hardcoded-credential.MinEntropy: '3.2'}}"

// Options: extra names, extra ignored parts, extra placeholders, entropy floor.
const char *kPinCode = "7Fq-91x2Lm";
// CHECK-MESSAGES-OPT: :[[@LINE-1]]:24: warning: hardcoded credential '7Fq…(10 chars)' in 'kPinCode' [CWE-798]
const char *kek = "k3kWr4pZq8Lm";
// CHECK-MESSAGES-OPT: :[[@LINE-1]]:19: warning: hardcoded credential 'k3k…(12 chars)' in 'kek' [CWE-798]
const char *password_blob = "bl0b-Pw-x1";
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: hardcoded password 'bl0…(10 chars)' in 'password_blob' [CWE-798]
const char *api_key = "ACME-DEV-77a1";
// CHECK-MESSAGES: :[[@LINE-1]]:23: warning: hardcoded API key 'ACM…(13 chars)' in 'api_key' [CWE-798]
// Entropy 2.5 bits/char: above the default floor (2.0), below 3.2.
const char *db_password = "aab1123x";
// CHECK-MESSAGES: :[[@LINE-1]]:27: warning: hardcoded password 'aa…(8 chars)' in 'db_password' [CWE-798]
const char *strong_password = "Zx9!Lq2#Vb7$";
// CHECK-MESSAGES: :[[@LINE-1]]:31: warning: hardcoded password 'Zx9…(12 chars)' in 'strong_password' [CWE-798]
// CHECK-MESSAGES-OPT: :[[@LINE-2]]:31: warning: hardcoded password 'Zx9…(12 chars)' in 'strong_password' [CWE-798]
