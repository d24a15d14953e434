#!/usr/bin/env python3
"""Differential test of prodready-unindexed-query against the real engines.

For every (schema, query) case of the corpus:
  * our verdict comes from `prodready-sql-verdict --corpus` (lib/sql);
  * PostgreSQL cases: a throwaway server (initdb + pg_ctl, unix socket in a
    temp dir, run as a non-root user when we are root) plans the query with
    enable_seqscan=off (so the question is "can an index be used at all"),
    plan_cache_mode=force_generic_plan (parameters stay parameters) and a
    non-C collation (C.UTF-8), via PREPARE + EXPLAIN (FORMAT JSON) EXECUTE;
  * SQLite cases: Python's own sqlite3 module (often a different SQLite
    release than the one we link) runs EXPLAIN QUERY PLAN.
A table access is "unindexed" for the engine when it is a Seq Scan, or an
index scan with no index condition on the index's leading key (a full index
walk), except under a LIMIT with no sort (stops early) -- the same notion of
"unindexed" as the check. For SQLite: SCAN or AUTOMATIC index, with the same
LIMIT exceptions.

Then every suggested index is applied to the engine and the query planned
again: the suggestion must remove the finding.

Exit status 0 when agreement >= --min-agreement and every suggestion checked
fixes its finding (within --min-suggestion-rate); a report of disagreements is
printed either way.
"""
import argparse
import json
import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time


def log(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------------------
# PostgreSQL server
# ---------------------------------------------------------------------------

class PgServer:
    def __init__(self, bindir):
        self.bindir = bindir
        self.tmp = tempfile.mkdtemp(prefix="prodready-pg-")
        self.data = os.path.join(self.tmp, "data")
        self.sock = self.tmp
        self.user = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    self.user = pwd.getpwnam(name)
                    break
                except KeyError:
                    pass
            if self.user is None:
                raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run the server")
            os.chown(self.tmp, self.user.pw_uid, self.user.pw_gid)
        os.chmod(self.tmp, 0o777)

    def _run(self, args, check=True, **kw):
        if self.user is not None:
            args = ["runuser", "-u", self.user.pw_name, "--"] + args
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, **kw)
        if check and p.returncode != 0:
            raise RuntimeError("%s failed:\n%s" % (" ".join(args), p.stdout))
        return p

    def start(self):
        self._run([os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", "prodready",
                   "--auth=trust", "--locale=C.UTF-8", "-E", "UTF8", "--no-sync"])
        opts = ("-k %s -c listen_addresses='' -c enable_seqscan=off -c plan_cache_mode=force_generic_plan "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" % self.sock)
        self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-o", opts,
                   "-l", os.path.join(self.tmp, "log"), "-w", "-t", "60", "start"])
        self.psql_file("CREATE EXTENSION IF NOT EXISTS pg_trgm;\n")

    def stop(self):
        try:
            self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop"],
                      check=False)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def psql_file(self, script):
        fd, path = tempfile.mkstemp(suffix=".sql", dir=self.tmp)
        with os.fdopen(fd, "w") as f:
            f.write(script)
        os.chmod(path, 0o644)
        p = self._run([os.path.join(self.bindir, "psql"), "-h", self.sock, "-U", "prodready", "-d", "postgres",
                       "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-f", path], check=False)
        os.unlink(path)
        return p.returncode, p.stdout


def param_count(q):
    return max([int(x) for x in re.findall(r"\$(\d+)", q)] or [0])


def pg_plan(server, schema_name, schema, extra, query, bound=None):
    """Returns (plan json, {index name: (leading key text, method)}) or raises.
    Parameters are NULL (generic plan) unless the case binds a value."""
    n = param_count(query)
    bound = bound or {}

    def arg(i):
        v = bound.get(str(i))
        return "NULL" if v is None else "'" + v.replace("'", "''") + "'"
    args = "(" + ", ".join(arg(i + 1) for i in range(n)) + ")" if n else ""
    script = "SET client_min_messages = warning;\n"
    script += "DROP SCHEMA IF EXISTS %s CASCADE;\nCREATE SCHEMA %s;\nSET search_path = %s, public;\n" % (
        schema_name, schema_name, schema_name)
    script += schema + "\n" + extra + "\n"
    # "Can an index serve this access" rather than "is it the cheapest": joins
    # as nested loops, so an inner side is probed through its index if it can be.
    script += "SET enable_hashjoin = off;\nSET enable_mergejoin = off;\n"
    if bound:
        script += "SET plan_cache_mode = force_custom_plan;\n"  # the plan for the bound value
    script += "PREPARE q AS %s;\n" % query
    script += "\\echo ==PLAN==\nEXPLAIN (FORMAT JSON) EXECUTE q%s;\n" % args
    script += ("\\echo ==INDEXES==\nSELECT c.relname || '|' || pg_get_indexdef(i.indexrelid, 1, true) || '|' || am.amname "
               "|| '|' || (i.indpred IS NOT NULL)::text "
               "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
               "JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = '%s';\n" % schema_name)
    script += "DEALLOCATE q;\n"
    rc, out = server.psql_file(script)
    if rc != 0:
        raise RuntimeError(out.strip())
    plan_txt = out.split("==PLAN==", 1)[1].split("==INDEXES==", 1)[0]
    idx_txt = out.split("==INDEXES==", 1)[1]
    plan = json.loads(plan_txt)
    indexes = {}
    for line in idx_txt.strip().splitlines():
        parts = line.split("|")
        if len(parts) == 4:
            indexes[parts[0]] = (parts[1], parts[2], parts[3] == "true")
    return plan, indexes


def pg_unindexed(plan, indexes):
    """Aliases of the table accesses that no index condition serves."""
    found = set()

    def alias(node):
        a, rel = node.get("Alias", node["Relation Name"]), node["Relation Name"]
        # PostgreSQL renames a second reference to the same table "users_1".
        return rel if re.match(re.escape(rel) + r"_\d+$", a) else a

    def cond_uses_lead(node):
        cond = node.get("Index Cond")
        lead, method, partial = indexes.get(node.get("Index Name", ""), ("", "btree", False))
        if not cond:
            # A partial index whose predicate is the query's condition holds
            # exactly the matching rows: PostgreSQL drops the redundant condition.
            return partial
        if method != "btree":
            return True
        lead = lead.strip()
        # Leading key as printed in the condition: a column name or an expression.
        if re.match(r"^\w+$", lead):
            return re.search(r"(?<![\w.])(\w+\.)?" + re.escape(lead) + r"\b", cond) is not None
        # An expression: compare without parentheses and blanks, which EXPLAIN adds freely.
        squash = lambda x: re.sub(r"[()\s]", "", x)
        return squash(lead) in squash(cond)

    def walk(node, under_limit, sorted_above):
        t = node.get("Node Type", "")
        limit = under_limit or t == "Limit"
        sort = sorted_above or t in ("Sort", "Incremental Sort")
        if t == "Seq Scan" and "Relation Name" in node:
            if not (under_limit and not sorted_above and not node.get("Filter")):
                found.add(alias(node))
        elif t in ("Index Scan", "Index Only Scan") and "Relation Name" in node:
            if not cond_uses_lead(node):
                # A full index walk; fine only when a LIMIT stops it early in index order.
                if not (under_limit and not sorted_above):
                    found.add(alias(node))
        elif t == "Bitmap Heap Scan" and "Relation Name" in node:
            ok = True

            def bitmap_children(n):
                nonlocal ok
                for c in n.get("Plans", []):
                    if c.get("Node Type") == "Bitmap Index Scan":
                        if not cond_uses_lead(c):
                            ok = False
                    else:
                        bitmap_children(c)
            bitmap_children(node)
            if not ok:
                found.add(alias(node))
        for c in node.get("Plans", []):
            walk(c, limit, sort)

    walk(plan[0]["Plan"], False, False)
    return found


# ---------------------------------------------------------------------------
# SQLite
# ---------------------------------------------------------------------------

def sqlite_unindexed(schema, extra, query, bound=None):
    db = sqlite3.connect(":memory:")
    db.executescript(schema)
    if extra:
        db.executescript(extra)
    # Parameters stay unbound values (NULL): EXPLAIN QUERY PLAN does not run the
    # query. A value the case binds is bound (the LIKE optimisation reads it).
    bound = bound or {}
    named = re.findall(r"[:@$]([A-Za-z_]\w*)", query)
    if named:
        binds = {n: bound.get(":" + n) for n in named}
    else:
        binds = [bound.get(str(i + 1)) for i in range(len(re.findall(r"\?", query)))]
    rows = db.execute("EXPLAIN QUERY PLAN " + query, binds).fetchall()
    db.close()
    found = set()
    temp_sort = any("TEMP B-TREE FOR" in r[3] and "ORDER BY" in r[3] for r in rows)
    for r in rows:
        words = r[3].split()
        if not words or words[0] not in ("SCAN", "SEARCH"):
            continue
        i = 1
        if i < len(words) and words[i] in ("TABLE",):
            i += 1
        if i >= len(words):
            continue
        name = words[i]
        if i + 2 < len(words) and words[i + 1] == "AS":
            name = words[i + 2]
        if name.startswith("(") or name == "CONSTANT" or "VIRTUAL TABLE" in r[3]:
            continue
        if words[0] == "SCAN" or "AUTOMATIC" in r[3]:
            found.add((name, "AUTOMATIC" in r[3]))
    # The check's LIMIT rules, applied to the engine's answer the same way.
    ql = query.upper()
    has_limit = " LIMIT " in ql
    has_order = " ORDER BY " in ql
    has_where = " WHERE " in ql
    single = " JOIN " not in ql and "," not in ql.split(" FROM ", 1)[-1].split(" WHERE ")[0]
    out = set()
    for name, auto in found:
        if not auto and has_limit and single and ((not has_order and not has_where) or (has_order and not temp_sort)):
            continue
        out.add(name)
    return out


# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--verdict", required=True, help="path of prodready-sql-verdict")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--pg-bin", default="/usr/lib/postgresql/15/bin")
    ap.add_argument("--min-agreement", type=float, default=0.98)
    ap.add_argument("--min-suggestion-rate", type=float, default=1.0)
    ap.add_argument("--report", help="write a JSON report here")
    ap.add_argument("--skip-pg-if-missing", action="store_true")
    a = ap.parse_args()

    cases = json.load(open(a.corpus))
    p = subprocess.run([a.verdict, "--corpus", a.corpus], stdout=subprocess.PIPE, universal_newlines=True)
    if p.returncode != 0:
        log("prodready-sql-verdict failed")
        return 1
    ours = {r["id"]: r for r in json.loads(p.stdout)}

    have_pg = os.path.exists(os.path.join(a.pg_bin, "initdb"))
    server = None
    if any(c["dialect"] == "postgresql" for c in cases):
        if not have_pg:
            if a.skip_pg_if_missing:
                log("PostgreSQL not installed: skipping the PostgreSQL cases")
            else:
                log("PostgreSQL not found at %s (install the 'postgresql' package)" % a.pg_bin)
                return 1
        else:
            server = PgServer(a.pg_bin)
            t0 = time.time()
            server.start()
            log("PostgreSQL started in %.1fs" % (time.time() - t0))

    stats = {"postgresql": [0, 0], "sqlite": [0, 0]}
    sugg = {"postgresql": [0, 0], "sqlite": [0, 0]}
    disagreements, bad_suggestions, errors = [], [], []
    groups = {}
    try:
        for n, c in enumerate(cases):
            d = c["dialect"]
            if d == "postgresql" and server is None:
                continue
            r = ours.get(c["id"], {})
            if r.get("error") or r.get("skipped"):
                errors.append((c["id"], "ours: " + str(r.get("error") or "skipped")))
                stats[d][1] += 1
                continue
            mine = set(f["alias"] for f in r.get("findings", []))
            try:
                if d == "postgresql":
                    plan, idx = pg_plan(server, "c%d" % n, c["schema"], "", c["query"], c.get("bound"))
                    theirs = pg_unindexed(plan, idx)
                else:
                    theirs = sqlite_unindexed(c["schema"], "", c["query"], c.get("bound"))
            except Exception as e:  # engine rejected the case: a corpus bug
                errors.append((c["id"], "engine: " + str(e)[:300]))
                stats[d][1] += 1
                continue
            stats[d][1] += 1
            grp = groups.setdefault(c["id"].split("/")[0], [0, 0])
            grp[1] += 1
            if mine == theirs:
                stats[d][0] += 1
                grp[0] += 1
            else:
                disagreements.append({"id": c["id"], "query": c["query"], "ours": sorted(mine),
                                      "engine": sorted(theirs),
                                      "reasons": [f["reason"] for f in r.get("findings", [])]})
            # Suggestions: apply them all, plan again, the finding must be gone.
            suggested = [f for f in r.get("findings", []) if f.get("suggestion")]
            if suggested and mine == theirs:
                extra = "\n".join(f["suggestion"] for f in suggested)
                try:
                    if d == "postgresql":
                        plan, idx = pg_plan(server, "s%d" % n, c["schema"], extra, c["query"], c.get("bound"))
                        after = pg_unindexed(plan, idx)
                    else:
                        after = sqlite_unindexed(c["schema"], extra, c["query"], c.get("bound"))
                except Exception as e:
                    after = {"<error: %s>" % str(e)[:200]}
                fixed = [f for f in suggested if f["alias"] not in after]
                sugg[d][0] += len(fixed)
                sugg[d][1] += len(suggested)
                if len(fixed) != len(suggested):
                    bad_suggestions.append({"id": c["id"], "query": c["query"], "suggestion": extra,
                                            "still": sorted(after)})
    finally:
        if server:
            server.stop()

    ok = True
    total_agree = sum(v[0] for v in stats.values())
    total = sum(v[1] for v in stats.values())
    for d, (agree, tot) in stats.items():
        if tot:
            log("%-10s agreement %d/%d = %.1f%%" % (d, agree, tot, 100.0 * agree / tot))
    for g, (agree, tot) in sorted(groups.items()):
        log("  group %-12s %d/%d" % (g, agree, tot))
    for d, (fx, tot) in sugg.items():
        if tot:
            log("%-10s suggested indexes that fix the finding on the real engine: %d/%d" % (d, fx, tot))
    rate = total_agree / total if total else 1.0
    log("overall    agreement %d/%d = %.1f%% (required %.1f%%)" % (total_agree, total, 100 * rate,
                                                                  100 * a.min_agreement))
    for x in disagreements:
        log("DISAGREE %s: ours=%s engine=%s\n    %s\n    %s" % (x["id"], x["ours"], x["engine"], x["query"],
                                                              "; ".join(x["reasons"])))
    for x in bad_suggestions:
        log("SUGGESTION DID NOT FIX %s: still %s\n    %s\n    %s" % (x["id"], x["still"], x["query"],
                                                                  x["suggestion"]))
    for cid, e in errors:
        log("ERROR %s: %s" % (cid, e))
    if rate < a.min_agreement:
        ok = False
    s_fx = sum(v[0] for v in sugg.values())
    s_tot = sum(v[1] for v in sugg.values())
    if s_tot and s_fx / s_tot < a.min_suggestion_rate:
        ok = False
    if a.report:
        json.dump({"stats": stats, "groups": groups, "suggestions": sugg, "disagreements": disagreements,
                   "bad_suggestions": bad_suggestions, "errors": errors}, open(a.report, "w"), indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
