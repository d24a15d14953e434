// RUN: %check_prodready %s prodready-unindexed-query %t \
// RUN:   -config="{CheckOptions: {prodready-unindexed-query.SchemaPaths: '%S/Inputs/goose;%S/Inputs/dbmate;%S/Inputs/diesel;%S/Inputs/dump/structure.sql', prodready-unindexed-query.Dialect: postgresql}}" \
// RUN:   -- -- -I/usr/include/postgresql

// Several layouts at once: goose and dbmate Up/Down markers, folder per
// migration (diesel up.sql/down.sql), a pg_dump structure.sql with psql
// meta-commands and schema-qualified names.
#include <libpq-fe.h>
#include <soci/soci.h>
#include <string>

void goose(soci::session &sql, std::string &title) {
  sql << "SELECT title FROM items WHERE sku = 'A1'", soci::into(title);
  sql << "SELECT title FROM items WHERE title LIKE 'Blue%'", soci::into(title);
  sql << "SELECT title FROM items WHERE price > 100", soci::into(title);
  // CHECK-MESSAGES: :[[@LINE-1]]:41: warning: query reads every row of table 'items': items.price has no index [CWE-1067]
}

void dbmate(PGconn *c) {
  PQexec(c, "SELECT * FROM events WHERE kind = 'login' AND at > now() - interval '1 hour'");
  PQexec(c, "SELECT * FROM events WHERE at > now() - interval '1 hour'");
  // CHECK-MESSAGES: :[[@LINE-1]]:41: warning: query reads every row of table 'events': events.at is not the leading column of index events_kind_at_idx (kind, at) [CWE-1067]
}

void diesel(PGconn *c) {
  // down.sql drops the index: it must not have been applied.
  PQexec(c, "SELECT * FROM members WHERE handle = 'neo'");
  PQexec(c, "SELECT * FROM members WHERE team = 'red'");
  // CHECK-MESSAGES: :[[@LINE-1]]:42: warning: query reads every row of table 'members': members.team has no index [CWE-1067]
}

void dump(PGconn *c) {
  PQexec(c, "SELECT * FROM invoices WHERE lower(number) = lower('INV-1')");
  PQexec(c, "SELECT * FROM invoices WHERE id = 1");
  PQexec(c, "SELECT * FROM invoices WHERE customer_id = 1");
  // CHECK-MESSAGES: :[[@LINE-1]]:43: warning: query reads every row of table 'invoices': invoices.customer_id has no index [CWE-1067]
}
