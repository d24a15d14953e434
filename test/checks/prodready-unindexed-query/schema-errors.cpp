// RUN: %check_prodready %s prodready-unindexed-query %t \
// RUN:   -config="{CheckOptions: {prodready-unindexed-query.SchemaPaths: '%S/Inputs/broken;%S/Inputs/missing-folder'}}" \
// RUN:   -- -- -I/usr/include/postgresql

// A malformed migration is reported with its file and line; the statements
// that do parse still count (things_name_idx below).
#include <libpq-fe.h>

void f(PGconn *c) {
  PQexec(c, "SELECT * FROM things WHERE name = 'x'");
  PQexec(c, "SELECT * FROM things WHERE id > 10 AND name <> 'y'");
}
// CHECK-MESSAGES: warning: schema for prodready-unindexed-query: {{.*}}Inputs/broken/2_bad.sql:3: cannot parse schema statement: syntax error at or near "," [clang-tidy-config]
// CHECK-MESSAGES: warning: schema for prodready-unindexed-query: {{.*}}Inputs/missing-folder: schema path does not exist [clang-tidy-config]
