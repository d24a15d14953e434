// RUN: %check_prodready %s prodready-unindexed-query %t \
// RUN:   -config="{CheckOptions: {prodready-unindexed-query.Dialect: sqlite}}" \
// RUN:   -- -- -fPIC -I/usr/include/x86_64-linux-gnu/qt5 -I/usr/include/x86_64-linux-gnu/qt5/QtCore -I/usr/include/x86_64-linux-gnu/qt5/QtSql

// Qt SQL (real Debian headers, qtbase5-dev): the QSqlQuery constructor,
// exec() and prepare(); the text arrives as a QString built from a literal.
// Qt is dialect-neutral; here the application uses QSQLITE (Dialect option).
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>

void setup(QSqlDatabase &db) {
  QSqlQuery create(db);
  create.exec("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, owner INTEGER, title TEXT)");
  create.exec(QString("CREATE INDEX IF NOT EXISTS notes_owner ON notes (owner)"));
}

void queries(QSqlDatabase &db) {
  QSqlQuery a("SELECT id FROM notes WHERE title = 'x'", db);
  // CHECK-MESSAGES: :[[@LINE-1]]:43: warning: query reads every row of table 'notes': notes.title has no index (EXPLAIN QUERY PLAN: SCAN notes) [CWE-1067]
  QSqlQuery b(db);
  b.prepare("SELECT id FROM notes WHERE title = :t");
  // CHECK-MESSAGES: :[[@LINE-1]]:41: warning: query reads every row of table 'notes': notes.title has no index (EXPLAIN QUERY PLAN: SCAN notes) [CWE-1067]
  // Limit: text made by a function (QString::fromUtf8, QStringLiteral) is not followed.
  b.exec(QString::fromUtf8("DELETE FROM notes WHERE title IS NULL"));
  b.exec(QString("UPDATE notes SET title = '' WHERE title = 'y'"));
  // CHECK-MESSAGES: :[[@LINE-1]]:53: warning: query reads every row of table 'notes': notes.title has no index (EXPLAIN QUERY PLAN: SCAN notes) [CWE-1067]

  // Indexed look-alikes.
  QSqlQuery c("SELECT id FROM notes WHERE owner = 3", db);
  b.prepare("SELECT title FROM notes WHERE id = ?");
  b.exec(QString("SELECT title FROM notes WHERE owner = :o"));
}
