// RUN: mkdir -p %t.dir/tests
// RUN: cp %s %t.dir/tests/fixture.cpp
// RUN: %clang_tidy --load %prodready_module -checks=-*,prodready-hardcoded-credential %t.dir/tests/fixture.cpp -- -std=c++17 2>&1 | FileCheck -allow-empty -check-prefix=SKIPPED %s
// RUN: %clang_tidy --load %prodready_module -checks=-*,prodready-hardcoded-credential -config="{CheckOptions: {prodready-hardcoded-credential.ReportTestFiles: 'true'}}" %t.dir/tests/fixture.cpp -- -std=c++17 2>&1 | FileCheck -check-prefix=REPORTED %s
// RUN: %clang_tidy --load %prodready_module -checks=-*,prodready-hardcoded-credential -config="{CheckOptions: {prodready-hardcoded-credential.TestFilePattern: 'nomatch'}}" %t.dir/tests/fixture.cpp -- -std=c++17 2>&1 | FileCheck -check-prefix=REPORTED %s

// Files under tests/ (TestFilePattern) are skipped unless ReportTestFiles is set.
const char *kFixturePassword = "T3st-Fixture-1";
// SKIPPED-NOT: warning:
// REPORTED: fixture.cpp:[[@LINE-2]]:32: warning: hardcoded password 'T3s…(14 chars)' in 'kFixturePassword' [CWE-798]
