#!/usr/bin/env python3
"""Precision/recall of prodready-unbounded-cache on the labelled corpus.

Every container declaration in corpus/*.cpp carries a label comment on its
line: `LABEL: leak` (it really grows without bound in that program) or
`LABEL: ok` (bounded, drained, init-only, short-lived...). A warning on a
`leak` line is a true positive, a warning on any other line a false positive,
a `leak` line without a warning a false negative.

usage: score.py [--clang-tidy PATH] [--module PATH | --binary PATH]
                [--min-precision 0.90] [--min-recall 0.85] [--json OUT]
Exit status 1 when a target is missed.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LABEL = re.compile(r"LABEL:\s*(leak|ok)\b")
WARN = re.compile(r"^(.*?):(\d+):(\d+): warning: (.*) \[prodready-unbounded-cache\]$")


def run(args, path):
    if args.binary:
        cmd = [args.binary, "tidy"] if args.binary_subcommand else [args.binary]
    else:
        cmd = [args.clang_tidy, "--load=" + args.module]
    cmd += [path, "-checks=-*,prodready-unbounded-cache", "--quiet", "--", "-std=c++17"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    warns = {}
    for line in p.stdout.splitlines():
        m = WARN.match(line)
        if m and os.path.samefile(m.group(1), path):
            warns[int(m.group(2))] = m.group(4)
    if p.returncode not in (0, 1) and not warns:
        sys.stderr.write("failed: %s\n%s\n" % (" ".join(cmd), p.stdout[-2000:]))
    return warns


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clang-tidy", default="/usr/lib/llvm-19/bin/clang-tidy")
    ap.add_argument("--module")
    ap.add_argument("--binary")
    ap.add_argument("--binary-subcommand", action="store_true",
                    help="call the prodready binary as 'prodready tidy ...'")
    ap.add_argument("--min-precision", type=float, default=0.90)
    ap.add_argument("--min-recall", type=float, default=0.85)
    ap.add_argument("--json")
    args = ap.parse_args()
    if not args.module and not args.binary:
        ap.error("--module or --binary is required")

    tp = fp = fn = tn = 0
    rows = []
    for path in sorted(glob.glob(os.path.join(HERE, "corpus", "*.cpp"))):
        labels = {}
        for i, line in enumerate(open(path, encoding="utf-8"), 1):
            m = LABEL.search(line)
            if m:
                labels[i] = m.group(1)
        warns = run(args, path)
        name = os.path.basename(path)
        for line, lab in sorted(labels.items()):
            hit = line in warns
            if lab == "leak" and hit:
                tp += 1; verdict = "TP"
            elif lab == "leak":
                fn += 1; verdict = "FN"
            elif hit:
                fp += 1; verdict = "FP"
            else:
                tn += 1; verdict = "TN"
            rows.append((name, line, lab, verdict, warns.get(line, "")))
        for line, msg in sorted(warns.items()):
            if line not in labels:
                fp += 1
                rows.append((name, line, "-", "FP (unlabelled)", msg))
    for r in rows:
        print("%-22s %4d %-5s %-16s %s" % r)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print("\ncases: %d  TP %d  FP %d  FN %d  TN %d" % (tp + fp + fn + tn, tp, fp, fn, tn))
    print("precision %.3f (target %.2f)  recall %.3f (target %.2f)" %
          (precision, args.min_precision, recall, args.min_recall))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision,
                       "recall": recall, "rows": rows}, f, indent=1)
    return 0 if precision >= args.min_precision and recall >= args.min_recall else 1


if __name__ == "__main__":
    sys.exit(main())
