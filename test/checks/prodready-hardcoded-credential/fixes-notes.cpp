// RUN: %check_prodready -fix-notes %s prodready-hardcoded-credential %t
// RUN: %clangxx -std=c++17 -fsyntax-only -I%srcroot/include %t.cpp
// RUN: %check_prodready -check-suffix=OPT -fix %s prodready-hardcoded-credential %t \
// RUN:   -config="{CheckOptions: {prodready-hardcoded-credential.FixStaticStorage: 'true', prodready-hardcoded-credential.Accessor: 'vault::get', prodready-hardcoded-credential.AccessorHeader: 'vault.h'}}"

// Globals get their fix on a note (applied with --fix-notes), because the
// lookup then runs during static initialisation; FixStaticStorage moves it to
// the warning. The accessor and its header are options.
// CHECK-FIXES: #include <prodready/secret.h>
// CHECK-FIXES-OPT: #include "vault.h"
#include <string>

const char *kGlobalSecret = "Fn-global-11";
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: hardcoded secret 'Fn-…(12 chars)' in 'kGlobalSecret' [CWE-798]
// CHECK-FIXES: const char *kGlobalSecret = prodready::require_secret("GLOBAL_SECRET").c_str();
// CHECK-MESSAGES-OPT: :[[@LINE-3]]:29: warning: hardcoded secret 'Fn-…(12 chars)' in 'kGlobalSecret' [CWE-798]
// CHECK-FIXES-OPT: const char *kGlobalSecret = vault::get("GLOBAL_SECRET").c_str();
std::string gApiKey = "Fn-apikey-22";
// CHECK-MESSAGES: :[[@LINE-1]]:23: warning: hardcoded API key 'Fn-…(12 chars)' in 'gApiKey' [CWE-798]
// CHECK-FIXES: std::string gApiKey = prodready::require_secret("API_KEY");
// CHECK-MESSAGES-OPT: :[[@LINE-3]]:23: warning: hardcoded API key 'Fn-…(12 chars)' in 'gApiKey' [CWE-798]
// CHECK-FIXES-OPT: std::string gApiKey = vault::get("API_KEY");
