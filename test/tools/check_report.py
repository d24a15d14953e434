#!/usr/bin/env python3
"""Validates a prodready sweep JSON report (or baseline) against the
documented schema (docs/sweep.md) and checks counts.

usage: check_report.py <report.json> [--findings N] [--failures N] [--new N] [--tus N]
                       [--cached N] [--check NAME=N ...] [--failure-kind KIND]
       check_report.py --baseline <baseline.json> [--findings N]
"""
import argparse
import json
import sys

LOCATION = {"file": str, "offset": int, "line": int, "column": int}
FINDING = {"check": str, "level": str, "message": str, "location": dict, "notes": list,
           "fix": list, "snippet": str, "fingerprint": str, "translation_unit": str,
           "file": str, "severity": str, "new": bool}
REPORT = {"schema_version": int, "tool": dict, "root": str, "started_at": str,
          "duration_seconds": (int, float), "translation_units": int, "from_cache": int,
          "baseline": bool, "findings": list, "failures": list}
FAILURE = {"translation_unit": str, "kind": str, "message": str}


def need(obj, shape, where):
    for key, typ in shape.items():
        if key not in obj:
            sys.exit("%s: missing '%s'" % (where, key))
        if not isinstance(obj[key], typ):
            sys.exit("%s: '%s' has type %s" % (where, key, type(obj[key]).__name__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report", nargs="?")
    ap.add_argument("--baseline")
    ap.add_argument("--findings", type=int)
    ap.add_argument("--failures", type=int)
    ap.add_argument("--new", type=int)
    ap.add_argument("--tus", type=int)
    ap.add_argument("--cached", type=int)
    ap.add_argument("--check", action="append", default=[])
    ap.add_argument("--failure-kind")
    a = ap.parse_args()
    if a.baseline:
        b = json.load(open(a.baseline))
        need(b, {"schema_version": int, "findings": list}, "baseline")
        for i, f in enumerate(b["findings"]):
            need(f, {"fingerprint": str, "check": str, "file": str, "message": str}, "baseline.findings[%d]" % i)
            if len(f["fingerprint"]) != 32:
                sys.exit("baseline: fingerprint '%s' is not 32 hex digits" % f["fingerprint"])
        if a.findings is not None and len(b["findings"]) != a.findings:
            sys.exit("baseline: %d findings, expected %d" % (len(b["findings"]), a.findings))
        return
    r = json.load(open(a.report))
    need(r, REPORT, "report")
    if r["schema_version"] != 1:
        sys.exit("report: schema_version %r" % r["schema_version"])
    need(r["tool"], {"name": str, "version": str, "llvm": str}, "report.tool")
    for i, f in enumerate(r["findings"]):
        need(f, FINDING, "findings[%d]" % i)
        need(f["location"], LOCATION, "findings[%d].location" % i)
        if f["severity"] not in ("error", "warning", "note"):
            sys.exit("findings[%d]: severity %r" % (i, f["severity"]))
        for j, n in enumerate(f["notes"]):
            need(n, {"message": str, "location": dict, "fix": list}, "findings[%d].notes[%d]" % (i, j))
        for j, x in enumerate(f["fix"]):
            need(x, {"file": str, "offset": int, "length": int, "text": str}, "findings[%d].fix[%d]" % (i, j))
    fps = [f["fingerprint"] for f in r["findings"]]
    if len(set(fps)) != len(fps):
        sys.exit("report: duplicate fingerprints")
    for i, f in enumerate(r["failures"]):
        need(f, FAILURE, "failures[%d]" % i)

    def count(what, got, want):
        if want is not None and got != want:
            sys.exit("report: %d %s, expected %d" % (got, what, want))
    count("findings", len(r["findings"]), a.findings)
    count("failures", len(r["failures"]), a.failures)
    count("new findings", sum(1 for f in r["findings"] if f["new"]), a.new)
    count("translation units", r["translation_units"], a.tus)
    count("cached translation units", r["from_cache"], a.cached)
    for spec in a.check:
        name, n = spec.rsplit("=", 1)
        count(name + " findings", sum(1 for f in r["findings"] if f["check"] == name), int(n))
    if a.failure_kind and not any(f["kind"] == a.failure_kind for f in r["failures"]):
        sys.exit("report: no failure of kind %r" % a.failure_kind)


if __name__ == "__main__":
    main()
