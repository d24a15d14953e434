#!/usr/bin/env python3
"""Writes differential-corpus.json: (schema, query) pairs for the differential
test against real PostgreSQL and SQLite planners. Run it again after editing
the lists below; the JSON is committed so the test does not depend on this
script. Every case names the rule it exercises."""
import json
import os

PG_SCHEMA = """
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text, org_id int,
                    code text COLLATE "C", deleted_at timestamptz, created_at timestamptz, active boolean,
                    score int, tags text[]);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users(id), status text,
                     total int, created_at timestamptz, note text);
CREATE TABLE items (order_id bigint REFERENCES orders(id), sku text, qty int, PRIMARY KEY (order_id, sku));
CREATE TABLE audit (id bigint, actor text, at timestamptz, payload text);
CREATE INDEX users_org_name_idx ON users (org_id, name);
CREATE INDEX users_lower_email_idx ON users (lower(email));
CREATE INDEX users_name_pattern_idx ON users (name text_pattern_ops);
CREATE INDEX users_code_idx ON users (code);
CREATE INDEX users_created_live_idx ON users (created_at) WHERE deleted_at IS NULL;
CREATE INDEX orders_status_open_idx ON orders (status) WHERE status = 'open';
CREATE INDEX orders_created_idx ON orders (created_at);
CREATE INDEX users_tags_idx ON users USING gin (tags);
CREATE INDEX audit_actor_hash ON audit USING hash (actor);
"""

PG_QUERIES = [
    # equality / range on plain columns
    ("eq-pk", "SELECT * FROM users WHERE id = $1"),
    ("eq-unindexed", "SELECT * FROM users WHERE email = $1"),
    ("eq-unindexed-const", "SELECT * FROM users WHERE score = 10"),
    ("range-unindexed", "SELECT * FROM users WHERE score > $1"),
    ("range-indexed", "SELECT * FROM orders WHERE created_at > $1"),
    ("between-indexed", "SELECT * FROM orders WHERE created_at BETWEEN $1 AND $2"),
    ("between-pk", "SELECT * FROM users WHERE id BETWEEN 1 AND 100"),
    ("in-list-pk", "SELECT * FROM users WHERE id IN (1, 2, 3)"),
    ("eq-any-pk", "SELECT * FROM users WHERE id = ANY($1::bigint[])"),
    ("in-list-unindexed", "SELECT * FROM users WHERE score IN (1, 2)"),
    ("isnull-unindexed", "SELECT * FROM orders WHERE note IS NULL"),
    ("isnull-indexed", "SELECT * FROM orders WHERE created_at IS NULL"),
    ("bool-col", "SELECT * FROM users WHERE active"),
    # composite leftmost prefix
    ("composite-leading", "SELECT * FROM users WHERE org_id = $1"),
    ("composite-both", "SELECT * FROM users WHERE org_id = $1 AND name = $2"),
    ("composite-leading-range", "SELECT * FROM users WHERE org_id > $1"),
    ("composite-second", "SELECT * FROM users WHERE name = $1 AND score = 3"),
    ("composite-pk-second", "SELECT * FROM items WHERE sku = $1"),
    ("composite-pk-first", "SELECT * FROM items WHERE order_id = $1"),
    ("composite-pk-both", "SELECT * FROM items WHERE order_id = $1 AND sku = $2"),
    # operators a btree cannot serve
    ("neq", "SELECT * FROM users WHERE org_id <> $1"),
    ("not-in", "SELECT * FROM users WHERE org_id NOT IN (1, 2)"),
    ("not-between", "SELECT * FROM orders WHERE created_at NOT BETWEEN $1 AND $2"),
    ("is-distinct", "SELECT * FROM users WHERE id IS DISTINCT FROM $1"),
    ("not-bool", "SELECT * FROM users WHERE NOT (id = 1)"),
    # LIKE
    ("like-prefix-pattern-ops", "SELECT * FROM users WHERE name LIKE 'ab%'"),
    ("like-prefix-c-collation", "SELECT * FROM users WHERE code LIKE 'ab%'"),
    ("like-prefix-default-collation", "SELECT * FROM orders WHERE status LIKE 'op%'"),
    ("like-leading-wildcard", "SELECT * FROM users WHERE name LIKE '%ab'"),
    ("like-infix", "SELECT * FROM users WHERE code LIKE '%ab%'"),
    ("like-param", "SELECT * FROM users WHERE code LIKE $1"),
    ("like-exact", "SELECT * FROM users WHERE code LIKE 'abc'"),
    ("ilike", "SELECT * FROM users WHERE code ILIKE 'ab%'"),
    ("not-like", "SELECT * FROM users WHERE code NOT LIKE 'ab%'"),
    ("regex", "SELECT * FROM users WHERE code ~ '^ab'"),
    # functions / casts / arithmetic
    ("expr-index", "SELECT * FROM users WHERE lower(email) = $1"),
    ("expr-index-lower-param", "SELECT * FROM users WHERE lower(email) = lower($1)"),
    ("expr-no-index", "SELECT * FROM users WHERE upper(email) = $1"),
    ("func-on-indexed-col", "SELECT * FROM users WHERE lower(code) = $1"),
    ("cast-on-col", "SELECT * FROM users WHERE org_id::text = $1"),
    ("arith-on-col", "SELECT * FROM users WHERE org_id + 1 = $1"),
    ("date-trunc", "SELECT * FROM orders WHERE date_trunc('day', created_at) = $1"),
    ("coalesce", "SELECT * FROM users WHERE coalesce(org_id, 0) = $1"),
    # partial indexes
    ("partial-implied", "SELECT * FROM users WHERE created_at > $1 AND deleted_at IS NULL"),
    ("partial-not-implied", "SELECT * FROM users WHERE created_at > $1"),
    ("partial-eq-implied", "SELECT * FROM orders WHERE status = 'open'"),
    ("partial-eq-param", "SELECT * FROM orders WHERE status = $1"),
    ("partial-eq-other", "SELECT * FROM orders WHERE status = 'closed'"),
    # OR
    ("or-both-indexed", "SELECT * FROM users WHERE id = $1 OR org_id = $2"),
    ("or-one-unindexed", "SELECT * FROM users WHERE id = $1 OR score = $2"),
    ("or-both-unindexed", "SELECT * FROM users WHERE score = $1 OR email = $2"),
    ("or-with-and", "SELECT * FROM users WHERE org_id = 1 AND (score = 1 OR score = 2)"),
    # gin / hash
    ("gin-contains", "SELECT * FROM users WHERE tags @> $1::text[]"),
    ("gin-overlap", "SELECT * FROM users WHERE tags && ARRAY['x']"),
    ("hash-eq", "SELECT * FROM audit WHERE actor = $1"),
    ("hash-range", "SELECT * FROM audit WHERE actor > $1"),
    # joins
    ("join-fk-unindexed", "SELECT o.* FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id = $1"),
    ("join-to-pk", "SELECT * FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = $1"),
    ("join-where-unindexed-both", "SELECT * FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total = $1"),
    ("join-items-pk-prefix", "SELECT * FROM orders o JOIN items i ON i.order_id = o.id WHERE o.id = $1"),
    ("join-items-by-sku", "SELECT * FROM items i JOIN orders o ON o.id = i.order_id WHERE i.sku = $1"),
    ("left-join-fk", "SELECT * FROM users u LEFT JOIN orders o ON o.user_id = u.id WHERE u.id = $1"),
    ("join-using-pk", "SELECT * FROM orders o JOIN users u USING (id) WHERE o.id = $1"),
    ("three-way", "SELECT * FROM users u JOIN orders o ON o.user_id = u.id JOIN items i ON i.order_id = o.id WHERE u.org_id = $1"),
    ("join-no-where", "SELECT * FROM orders o JOIN users u ON u.id = o.user_id"),
    # ORDER BY / LIMIT / no WHERE
    ("no-where", "SELECT * FROM users"),
    ("count", "SELECT count(*) FROM orders"),
    ("limit-no-order", "SELECT * FROM users LIMIT 10"),
    ("order-pk-limit", "SELECT * FROM users ORDER BY id DESC LIMIT 10"),
    ("order-indexed-limit", "SELECT * FROM orders ORDER BY created_at DESC LIMIT 20"),
    ("order-unindexed-limit", "SELECT * FROM orders ORDER BY total DESC LIMIT 20"),
    ("order-no-limit", "SELECT * FROM orders ORDER BY total"),
    ("eq-then-order-limit", "SELECT * FROM users WHERE org_id = $1 ORDER BY name LIMIT 5"),
    # subqueries, CTEs, set operations, DML
    ("in-subquery", "SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE created_at > $1)"),
    ("in-subquery-unindexed", "SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > $1)"),
    ("cte", "WITH recent AS (SELECT * FROM orders WHERE created_at > $1) SELECT * FROM recent"),
    ("cte-unindexed", "WITH big AS (SELECT * FROM orders WHERE total > $1) SELECT * FROM big"),
    ("union", "SELECT id FROM users WHERE id = $1 UNION SELECT id FROM users WHERE org_id = $2"),
    ("union-unindexed", "SELECT id FROM users WHERE id = $1 UNION SELECT id FROM users WHERE score = $2"),
    ("update-pk", "UPDATE users SET name = $1 WHERE id = $2"),
    ("update-unindexed", "UPDATE orders SET status = 'x' WHERE total = $1"),
    ("delete-indexed", "DELETE FROM orders WHERE created_at < $1"),
    ("delete-unindexed", "DELETE FROM audit WHERE at < $1"),
    ("insert-select", "INSERT INTO audit (id, actor) SELECT id, email FROM users WHERE score = $1"),
    ("insert-values", "INSERT INTO audit (id, actor) VALUES ($1, $2)"),
    ("qualified-cols", "SELECT u.id FROM users AS u WHERE u.org_id = $1 AND u.name = $2"),
    ("and-mixed", "SELECT * FROM users WHERE score = 1 AND org_id = 2"),
    ("and-unusable-only", "SELECT * FROM users WHERE score = 1 AND org_id <> 2"),
    ("isnotnull", "SELECT * FROM orders WHERE created_at IS NOT NULL AND total = 1"),
]

SQLITE_SCHEMA = """
CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, owner_id INTEGER NOT NULL, title TEXT NOT NULL,
                    body TEXT, created_at TEXT, archived INTEGER DEFAULT 0);
CREATE TABLE tags (id INTEGER PRIMARY KEY, note_id INTEGER NOT NULL REFERENCES notes(id), label TEXT NOT NULL);
CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE INDEX notes_owner_created ON notes (owner_id, created_at);
CREATE INDEX notes_lower_title ON notes (lower(title));
CREATE INDEX tags_label ON tags (label COLLATE NOCASE);
"""

SQLITE_QUERIES = [
    ("pk", "SELECT * FROM notes WHERE id = ?"),
    ("unindexed", "SELECT * FROM notes WHERE body = ?"),
    ("composite-leading", "SELECT * FROM notes WHERE owner_id = ?"),
    ("composite-both", "SELECT * FROM notes WHERE owner_id = ? AND created_at > ?"),
    ("composite-second", "SELECT * FROM notes WHERE created_at > ?"),
    ("expr", "SELECT * FROM notes WHERE lower(title) = ?"),
    ("expr-missing", "SELECT * FROM notes WHERE upper(title) = ?"),
    ("named-param", "SELECT * FROM notes WHERE owner_id = :owner"),
    ("neq", "SELECT * FROM notes WHERE owner_id <> ?"),
    ("like-nocase-literal", "SELECT * FROM tags WHERE label LIKE 'ab%'"),
    ("like-leading", "SELECT * FROM tags WHERE label LIKE '%ab'"),
    ("like-param", "SELECT * FROM tags WHERE label LIKE ?"),
    ("join-fk", "SELECT * FROM notes n JOIN tags t ON t.note_id = n.id WHERE n.id = ?"),
    ("join-to-pk", "SELECT * FROM tags t JOIN notes n ON n.id = t.note_id WHERE t.id = ?"),
    ("join-label", "SELECT * FROM tags t JOIN notes n ON n.id = t.note_id WHERE t.label = ?"),
    ("no-where", "SELECT * FROM notes"),
    ("count", "SELECT count(*) FROM tags"),
    ("limit", "SELECT * FROM notes LIMIT 5"),
    ("order-pk-limit", "SELECT * FROM notes ORDER BY id DESC LIMIT 5"),
    ("order-unindexed-limit", "SELECT * FROM notes ORDER BY body LIMIT 5"),
    ("or-indexed", "SELECT * FROM notes WHERE id = ? OR owner_id = ?"),
    ("or-unindexed", "SELECT * FROM notes WHERE id = ? OR body = ?"),
    ("in-list", "SELECT * FROM notes WHERE id IN (1, 2, 3)"),
    ("in-sub", "SELECT * FROM notes WHERE id IN (SELECT note_id FROM tags WHERE label = ?)"),
    ("kv-pk", "SELECT v FROM kv WHERE k = ?"),
    ("kv-scan", "SELECT k FROM kv WHERE v = ?"),
    ("update", "UPDATE notes SET body = ? WHERE owner_id = ?"),
    ("update-unindexed", "UPDATE notes SET body = ? WHERE archived = 1"),
    ("delete", "DELETE FROM tags WHERE note_id = ?"),
    ("isnull", "SELECT * FROM notes WHERE created_at IS NULL"),
    ("range-pk", "SELECT * FROM notes WHERE id > ?"),
    ("cte", "WITH x AS (SELECT * FROM notes WHERE owner_id = ?) SELECT * FROM x"),
]


# Held out: written after the rules were settled and NOT used to tune them; the
# differential test reports their agreement separately ("holdout").
HOLDOUT_SCHEMA = """
CREATE TABLE tenants (id int PRIMARY KEY, slug text UNIQUE, plan text);
CREATE TABLE tickets (id bigint PRIMARY KEY, tenant_id int NOT NULL REFERENCES tenants(id),
                      assignee text, state text, priority int, opened_at timestamptz, closed_at timestamptz,
                      subject text);
CREATE TABLE comments (id bigint PRIMARY KEY, ticket_id bigint NOT NULL REFERENCES tickets(id),
                       author text, body text, created_at timestamptz);
CREATE INDEX tickets_tenant_state_prio ON tickets (tenant_id, state, priority DESC);
CREATE INDEX tickets_open ON tickets (opened_at) INCLUDE (subject) WHERE closed_at IS NULL;
CREATE INDEX comments_ticket_created ON comments (ticket_id, created_at);
CREATE INDEX tickets_lower_assignee ON tickets (lower(assignee));
"""

HOLDOUT_QUERIES = [
    ("tenant-state", "SELECT * FROM tickets WHERE tenant_id = $1 AND state = $2"),
    ("tenant-prio-skip", "SELECT * FROM tickets WHERE tenant_id = $1 AND priority > 3"),
    ("state-only", "SELECT * FROM tickets WHERE state = 'new'"),
    ("prio-only", "SELECT * FROM tickets WHERE priority = 1"),
    ("slug", "SELECT id FROM tenants WHERE slug = $1"),
    ("plan", "SELECT id FROM tenants WHERE plan = 'pro'"),
    ("open-tickets", "SELECT subject FROM tickets WHERE closed_at IS NULL AND opened_at < $1"),
    ("closed-range", "SELECT subject FROM tickets WHERE closed_at > $1"),
    ("assignee-lower", "SELECT * FROM tickets WHERE lower(assignee) = lower($1)"),
    ("assignee-plain", "SELECT * FROM tickets WHERE assignee = $1"),
    ("comments-of-ticket", "SELECT * FROM comments WHERE ticket_id = $1 ORDER BY created_at DESC LIMIT 50"),
    ("comments-by-author", "SELECT * FROM comments WHERE author = $1"),
    ("join-comments", "SELECT c.* FROM tickets t JOIN comments c ON c.ticket_id = t.id WHERE t.id = $1"),
    ("join-tenant", "SELECT t.* FROM tenants n JOIN tickets t ON t.tenant_id = n.id WHERE n.slug = $1"),
    ("join-author", "SELECT t.subject FROM comments c JOIN tickets t ON t.id = c.ticket_id WHERE c.author = $1"),
    ("subject-like", "SELECT * FROM tickets WHERE subject LIKE 'Re:%'"),
    ("subject-ilike", "SELECT * FROM tickets WHERE subject ILIKE '%refund%'"),
    ("in-tenants", "SELECT * FROM tickets WHERE tenant_id IN (1, 2, 3) AND state = 'open'"),
    ("or-tenant-assignee", "SELECT * FROM tickets WHERE tenant_id = $1 OR lower(assignee) = $2"),
    ("or-state", "SELECT * FROM tickets WHERE state = 'a' OR state = 'b'"),
    ("count-tenant", "SELECT count(*) FROM tickets WHERE tenant_id = $1"),
    ("count-all", "SELECT count(*) FROM comments"),
    ("latest", "SELECT * FROM tickets ORDER BY id DESC LIMIT 1"),
    ("latest-opened", "SELECT * FROM tickets ORDER BY opened_at DESC LIMIT 10"),
    ("update-state", "UPDATE tickets SET state = 'closed' WHERE tenant_id = $1 AND state = 'resolved'"),
    ("delete-old-comments", "DELETE FROM comments WHERE created_at < now() - interval '1 year'"),
    ("exists", "SELECT * FROM tenants n WHERE n.id = $1 AND EXISTS (SELECT 1 FROM tickets t WHERE t.tenant_id = n.id)"),
    ("not-exists-author", "SELECT * FROM tickets t WHERE t.id = $1 AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.ticket_id = t.id AND c.author = 'bot')"),
    ("coalesce-prio", "SELECT * FROM tickets WHERE coalesce(priority, 0) > 2"),
    ("prio-between", "SELECT * FROM tickets WHERE tenant_id = 4 AND state = 'x' AND priority BETWEEN 1 AND 3"),
]

# LIKE with a pattern the C++ code binds visibly (AnalysisOptions::Bound):
# the engines plan the statement with that value (PostgreSQL: a custom plan
# for EXECUTE q('...'); SQLite: the value bound to the EXPLAIN statement).
BOUND_CASES = [
    ("pg", "bound-like-leading", "SELECT * FROM users WHERE name LIKE $1", {"1": "%son"}),
    ("pg", "bound-like-prefix-pattern-ops", "SELECT * FROM users WHERE name LIKE $1", {"1": "ab%"}),
    ("pg", "bound-like-prefix-plain", "SELECT id FROM orders WHERE note LIKE $1", {"1": "ab%"}),
    ("pg", "bound-like-prefix-c-collation", "SELECT * FROM users WHERE code LIKE $1", {"1": "AB%"}),
    ("pg", "bound-like-leading-c-collation", "SELECT * FROM users WHERE code LIKE $1", {"1": "%AB"}),
    ("pg", "bound-like-exact", "SELECT * FROM users WHERE code LIKE $1", {"1": "ABC"}),
    ("pg", "bound-like-second-param", "SELECT * FROM users WHERE org_id = $1 OR name LIKE $2", {"2": "%x%"}),
    ("sqlite", "bound-like-prefix", "SELECT * FROM tags WHERE label LIKE ?", {"1": "ab%"}),
    ("sqlite", "bound-like-leading", "SELECT * FROM tags WHERE label LIKE ?", {"1": "%ab"}),
    ("sqlite", "bound-like-named", "SELECT * FROM tags WHERE label LIKE :p", {":p": "ab%"}),
    ("sqlite", "bound-like-no-nocase", "SELECT * FROM notes WHERE title LIKE ?", {"1": "ab%"}),
]


def main():
    cases = []
    for cid, q in PG_QUERIES:
        cases.append({"id": "pg/" + cid, "dialect": "postgresql", "schema": PG_SCHEMA, "query": q})
    for cid, q in HOLDOUT_QUERIES:
        cases.append({"id": "pg-holdout/" + cid, "dialect": "postgresql", "schema": HOLDOUT_SCHEMA, "query": q})
    for cid, q in SQLITE_QUERIES:
        cases.append({"id": "sqlite/" + cid, "dialect": "sqlite", "schema": SQLITE_SCHEMA, "query": q})
    for d, cid, q, bound in BOUND_CASES:
        cases.append({"id": d + "/" + cid, "dialect": "postgresql" if d == "pg" else "sqlite",
                      "schema": PG_SCHEMA if d == "pg" else SQLITE_SCHEMA, "query": q, "bound": bound})
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "differential-corpus.json")
    with open(out, "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    print("%d cases -> %s" % (len(cases), out))


if __name__ == "__main__":
    main()
