#!/usr/bin/env python3
"""Precision/recall of prodready-trusted-client-id on the labelled corpus,
side by side with Clang's static analyzer taint checker (the anchor).

Labels: a comment `EXPECT: idor`, `EXPECT: identity` (a finding is due) or
`EXPECT: ok` (must stay quiet) on the line of the object access (or up to two
lines below its first line, for calls spanning lines). A warning on a line with
no label within that window counts as a false positive, unless it reports an
access inside a helper (note "the helper uses it in ... here") or a statement
whose values were bound earlier (reported at its execution, with the note
"bound to the statement here") whose line carries a due label: then it hits
that label. (Corpus writers label a prepared statement's access on the bind
call or on the execution; both are the same access.)

usage: score.py --module build/lib/prodready-tidy-module.so [--llvm-bin /usr/lib/llvm-19/bin]
                [--no-anchor] [--json out.json]
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
LABEL = re.compile(r"EXPECT:\s*(idor|identity|ok)\b")
# Crow and Drogon (not packaged by Debian) come from the lit tests' stub headers.
STUBS = os.path.join(HERE, "..", "..", "..", "test", "checks", "prodready-trusted-client-id", "Inputs")
FLAGS = ["-std=c++17", "-I" + CORPUS, "-I" + os.path.normpath(STUBS), "-I/usr/include/postgresql",
         "-fdelayed-template-parsing"]


def labels(path):
    out = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            m = LABEL.search(line)
            if m:
                out[n] = m.group(1)
    return out


ACCESS_NOTES = ("note: the helper uses it in", "note: bound to the statement here")


def warnings(text, path, marker):
    """(line, message, helper_lines): helper_lines are the lines of the access notes (see ACCESS_NOTES), e.g. the
    warning's "the helper uses it in '...' here" notes (an access inside a
    helper, reported at the call)."""
    base = os.path.basename(path)
    found = []
    for line in text.splitlines():
        m = re.match(r"(.+?):(\d+):(\d+): (warning|note): (.*)$", line)
        if not m or os.path.basename(m.group(1)) != base:
            continue
        if m.group(4) == "warning":
            if marker in line:
                found.append((int(m.group(2)), m.group(5), []))
        elif found and any(n in line for n in ACCESS_NOTES):
            found[-1][2].append(int(m.group(2)))
    return found


def score(all_labels, all_warnings):
    """A warning hits the label on its line or the two below. When none is
    there, the label at the access its helper note points to counts (the check
    reports a helper's access at the call, with a note at the access)."""
    tp = fp = fn = 0
    details = []
    for path, labs in all_labels.items():
        hit = set()
        for line, msg, helper_lines in all_warnings.get(path, []):
            cand = [l for l in range(line, line + 3) if l in labs]
            if not cand:
                cand = [l for h in helper_lines for l in range(h, h + 3) if l in labs]
            if cand and labs[cand[0]] != "ok":
                if cand[0] not in hit:
                    tp += 1
                    hit.add(cand[0])
            else:
                fp += 1
                details.append(("FP", os.path.basename(path), line, msg[:110]))
        for line, lab in labs.items():
            if lab != "ok" and line not in hit:
                fn += 1
                details.append(("FN", os.path.basename(path), line, lab))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3), "recall": round(r, 3)}, details


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--module", required=True)
    ap.add_argument("--llvm-bin", default="/usr/lib/llvm-19/bin")
    ap.add_argument("--no-anchor", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--glob", default="*.cpp", help="corpus files to score (e.g. 'ho2_*.cpp', the second held-out set)")
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(CORPUS, a.glob)))
    labs = {f: labels(f) for f in files}
    npos = sum(1 for l in labs.values() for v in l.values() if v != "ok")
    nneg = sum(1 for l in labs.values() for v in l.values() if v == "ok")
    print("corpus: %d files, %d labelled accesses (%d due, %d must stay quiet)"
          % (len(files), npos + nneg, npos, nneg))

    ours, t_ours, t_bare = {}, 0.0, 0.0
    for f in files:
        t0 = time.time()
        r = subprocess.run([os.path.join(a.llvm_bin, "clang-tidy"), "--load=" + a.module,
                            "-checks=-*,prodready-trusted-client-id", f, "--"] + FLAGS,
                           capture_output=True, text=True)
        t_ours += time.time() - t0
        ours[f] = warnings(r.stdout + r.stderr, f, "[prodready-trusted-client-id]")
        t0 = time.time()
        subprocess.run([os.path.join(a.llvm_bin, "clang-tidy"),
                        "-checks=-*,readability-braces-around-statements",
                        f, "--"] + FLAGS, capture_output=True, text=True)
        t_bare += time.time() - t0
    res, det = score(labs, ours)
    print("prodready-trusted-client-id: precision %.3f recall %.3f (tp %d, fp %d, fn %d)"
          % (res["precision"], res["recall"], res["tp"], res["fp"], res["fn"]))
    for d in det:
        print("  %s %s:%d %s" % d)
    print("time: with the check %.1fs, same parse with a trivial check %.1fs (%.0f%% overhead)"
          % (t_ours, t_bare, 100.0 * (t_ours - t_bare) / t_bare if t_bare else 0))
    result = {"prodready": res, "time_check_s": round(t_ours, 2), "time_bare_s": round(t_bare, 2)}

    if not a.no_anchor:
        sa = {}
        cfg = os.path.join(HERE, "taint.yaml")
        # The checker left alpha in LLVM 20 (optin.taint.*).
        helptext = subprocess.run([os.path.join(a.llvm_bin, "clang++"), "-cc1",
                                   "-analyzer-checker-help"], capture_output=True, text=True).stdout
        pkg = "optin.taint" if "optin.taint.GenericTaint" in helptext else "alpha.security.taint"
        for f in files:
            r = subprocess.run([os.path.join(a.llvm_bin, "clang++"), "--analyze", "-o", "/dev/null",
                                "-Xclang", "-analyzer-checker=" + pkg + ".GenericTaint",
                                "-Xclang", "-analyzer-config",
                                "-Xclang", pkg + ".TaintPropagation:Config=" + cfg, f] + FLAGS,
                               capture_output=True, text=True)
            sa[f] = warnings(r.stdout + r.stderr, f, "aint")
        res2, det2 = score(labs, sa)
        print("clang --analyze " + pkg + ".GenericTaint: precision %.3f recall %.3f (tp %d, fp %d, fn %d)"
              % (res2["precision"], res2["recall"], res2["tp"], res2["fp"], res2["fn"]))
        for d in det2:
            print("  %s %s:%d %s" % d)
        result["clang_sa_taint"] = res2
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
