CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL,
  actor_id INTEGER NOT NULL,
  action TEXT NOT NULL,
  at TEXT NOT NULL
);
