#!/usr/bin/env python3
"""Accuracy benchmark for prodready-hardcoded-credential.

Scores our check and a regex anchor (gitleaks-style rules, written for this
benchmark) on the same labelled corpus of C++ files, and prints precision,
recall and F1 side by side.

Labels: a line of a corpus file that holds a hardcoded credential ends with the
marker comment `// @tp`. Before scanning, the markers are stripped (line
numbers kept), so neither tool can see them. A finding is the pair
(file, line); a finding on a labelled line is a true positive, any other
finding a false positive, a labelled line without a finding a false negative.

usage: score.py --module <build>/lib/prodready-tidy-module.so
                [--clang-tidy /usr/lib/llvm-19/bin/clang-tidy] [--corpus DIR]
                [--json OUT] [--verbose]
"""
import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

MARKER = re.compile(r"\s*//\s*@tp\s*$")

# --- The regex anchor: gitleaks-style rules -----------------------------------
# Provider rules (exact formats) and a "generic API key" rule: an assignment-
# like context whose left side mentions a secret word, with an entropy floor.
PROVIDER_RULES = [
    ("aws-access-key-id", r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b"),
    ("github-pat", r"\b(ghp_[A-Za-z0-9]{36})\b"),
    ("github-oauth", r"\b(gh[ousr]_[A-Za-z0-9]{36})\b"),
    ("github-fine-grained", r"\b(github_pat_[A-Za-z0-9_]{82})\b"),
    ("gitlab-pat", r"\b(glpat-[A-Za-z0-9_-]{20})\b"),
    ("slack-token", r"\b(xox[abeprs]-[0-9A-Za-z-]{10,})"),
    ("slack-webhook", r"(https://hooks\.slack\.com/services/[A-Za-z0-9+/]{43,})"),
    ("stripe", r"\b([sr]k_(?:live|test)_[0-9A-Za-z]{10,99})\b"),
    ("gcp-api-key", r"\b(AIza[0-9A-Za-z_-]{35})\b"),
    ("sendgrid", r"\b(SG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43})\b"),
    ("twilio", r"\b(SK[0-9a-fA-F]{32})\b"),
    ("private-key", r"(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)"),
    ("jwt", r"\b(ey[A-Za-z0-9]{17,}\.ey[A-Za-z0-9/_-]{17,}\.(?:[A-Za-z0-9/_-]{10,}={0,2})?)"),
    ("url-password", r"[a-z][a-z0-9+.-]*://[^:/@\s\"']+:([^@/\s\"']{3,})@"),
]
GENERIC = re.compile(
    r"(?i)(?:key|api|token|secret|client|passwd|password|pwd|auth|access|credential)"
    r"(?:[0-9a-z\-_\t .]{0,20})(?:[\s|']|[\s|\"]){0,3}"
    r"(?:=|>|:{1,3}=|\|\|:|<=|=>|:|\?=|,)"
    r"(?:'|\"|\s|=|`){0,5}"
    r"([0-9a-z\-_.=!@#$%^&*+/]{8,150})(?:['\"\s;,)`]|$)")
STOPWORDS = {"password", "changeme", "example", "xxxxxxxx", "placeholder"}


def entropy(s):
    if not s:
        return 0.0
    counts = {}
    for c in s:
        counts[c] = counts.get(c, 0) + 1
    return -sum(n / len(s) * math.log2(n / len(s)) for n in counts.values())


def anchor_scan(path):
    found = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for no, line in enumerate(f, 1):
            hit = False
            for _, rx in PROVIDER_RULES:
                if re.search(rx, line):
                    hit = True
                    break
            if not hit:
                for m in GENERIC.finditer(line):
                    v = m.group(1)
                    if v.lower() in STOPWORDS or entropy(v) < 3.0:
                        continue
                    hit = True
                    break
            if hit:
                found.add(no)
    return found


# --- Our check ----------------------------------------------------------------
def tidy_scan(path, args):
    cmd = [args.clang_tidy, "--load", args.module,
           "-checks=-*,prodready-hardcoded-credential", "--quiet", path, "--",
           "-std=c++17", "-I/usr/include/postgresql"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    found = set()
    base = os.path.basename(path)
    errors = []
    for line in p.stdout.splitlines():
        m = re.match(r"(.*?):(\d+):(\d+): (warning|error): (.*)", line)
        if not m or os.path.basename(m.group(1)) != base:
            continue
        if m.group(4) == "error":
            errors.append(line)
        elif "[prodready-hardcoded-credential]" in line:
            found.add(int(m.group(2)))
    if errors:
        sys.stderr.write("score.py: %s does not compile:\n  %s\n" % (base, "\n  ".join(errors)))
    return found


def score(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--module", required=True)
    ap.add_argument("--clang-tidy", default="/usr/lib/llvm-19/bin/clang-tidy")
    ap.add_argument("--corpus", default=os.path.join(here, "corpus"))
    ap.add_argument("--json")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="cred-bench-")
    totals = {"prodready": [0, 0, 0], "regex-anchor": [0, 0, 0]}
    details = []
    labelled = 0
    try:
        for name in sorted(os.listdir(args.corpus)):
            if not name.endswith(".cpp"):
                continue
            src = os.path.join(args.corpus, name)
            labels = set()
            out_lines = []
            with open(src, encoding="utf-8") as f:
                for no, line in enumerate(f, 1):
                    if MARKER.search(line):
                        labels.add(no)
                        line = MARKER.sub("", line.rstrip("\n")) + "\n"
                    out_lines.append(line)
            labelled += len(labels)
            dst = os.path.join(tmp, name)
            with open(dst, "w", encoding="utf-8") as f:
                f.writelines(out_lines)
            for tool, found in (("prodready", tidy_scan(dst, args)),
                                ("regex-anchor", anchor_scan(dst))):
                tp = len(found & labels)
                fp = sorted(found - labels)
                fn = sorted(labels - found)
                t = totals[tool]
                t[0] += tp
                t[1] += len(fp)
                t[2] += len(fn)
                details.append({"file": name, "tool": tool, "tp": tp, "fp": fp, "fn": fn})
                if args.verbose and (fp or fn):
                    print("%-14s %-22s FP lines %s  FN lines %s" % (tool, name, fp, fn))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("corpus: %d files, %d labelled credentials" %
          (len({d["file"] for d in details}), labelled))
    print("%-14s %5s %5s %5s %10s %8s %6s" % ("tool", "TP", "FP", "FN", "precision", "recall", "F1"))
    result = {}
    for tool, (tp, fp, fn) in totals.items():
        p, r, f = score(tp, fp, fn)
        result[tool] = {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}
        print("%-14s %5d %5d %5d %10.3f %8.3f %6.3f" % (tool, tp, fp, fn, p, r, f))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"totals": result, "details": details}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
