#!/usr/bin/env python3
"""Runs one prodready check over a lit test file and verifies its output.

usage (through the %check_prodready lit substitution):
  check_prodready.py [-check-suffix=S[,S2]] [-fix] [-fix-notes]
                     [-frontends=module,binary,plugin] [-config=YAML]
                     [-expect-config-error]
                     <file> <check-name> <temp> [-- <clang-tidy args> [-- <compiler args>]]

What is verified, per front-end:
  * CHECK-MESSAGES[-S]: the warnings/errors emitted for the test file, matched
    with FileCheck; any warning or error not matched fails the test.
  * CHECK-NOTES[-S]: the same, but notes must all be matched too.
  * with neither prefix present: the check must emit nothing at all.
  * CHECK-FIXES[-S] (with -fix or -fix-notes): the file after fixes are applied.
Front-ends: "module" (clang-tidy --load), "binary" (the prodready executable),
"plugin" (clang++ -fplugin, -fsyntax-only). Fixes are checked through module
and binary only; the plugin does not rewrite files.
"""
import os
import re
import shutil
import subprocess
import sys

CHECK_LINE = re.compile(r"//\s*CHECK-(MESSAGES|FIXES|NOTES)[\w-]*:.*$")


def fail(msg):
    sys.stderr.write("check_prodready: " + msg + "\n")
    sys.exit(1)


def parse_args(argv):
    opts = {
        "suffixes": [""],
        "fix": False,
        "fix_notes": False,
        "frontends": None,
        "config": None,
        "expect_config_error": False,
        "module": None, "plugin": None, "binary": None, "llvm_bin": None,
    }
    positional = []
    tidy_args, compiler_args = [], []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            rest = argv[i + 1:]
            if "--" in rest:
                k = rest.index("--")
                tidy_args, compiler_args = rest[:k], rest[k + 1:]
            else:
                tidy_args = rest
            break
        if a.startswith("-check-suffix=") or a.startswith("-check-suffixes="):
            opts["suffixes"] = [s.strip() for s in a.split("=", 1)[1].split(",")]
        elif a == "-fix":
            opts["fix"] = True
        elif a == "-fix-notes":
            opts["fix_notes"] = True
        elif a.startswith("-frontends="):
            opts["frontends"] = [f for f in a.split("=", 1)[1].split(",") if f]
        elif a.startswith("-config="):
            opts["config"] = a.split("=", 1)[1]
        elif a == "-expect-config-error":
            opts["expect_config_error"] = True
        elif a.startswith("--module="):
            opts["module"] = a.split("=", 1)[1]
        elif a.startswith("--plugin="):
            opts["plugin"] = a.split("=", 1)[1]
        elif a.startswith("--binary="):
            opts["binary"] = a.split("=", 1)[1]
        elif a.startswith("--llvm-bin="):
            opts["llvm_bin"] = a.split("=", 1)[1]
        elif a.startswith("-") and not positional:
            fail("unknown option '%s'" % a)
        else:
            positional.append(a)
        i += 1
    if len(positional) != 3:
        fail("expected <file> <check-name> <temp>, got %r" % positional)
    opts["file"], opts["check"], opts["temp"] = positional
    opts["tidy_args"] = tidy_args
    opts["compiler_args"] = compiler_args or []
    if opts["frontends"] is None:
        opts["frontends"] = ["module", "binary"] if (opts["fix"] or opts["fix_notes"]) \
            else ["module", "binary", "plugin"]
    for f in opts["frontends"]:
        if f not in ("module", "binary", "plugin"):
            fail("unknown front-end '%s'" % f)
    if (opts["fix"] or opts["fix_notes"]) and "plugin" in opts["frontends"]:
        fail("the plugin front-end cannot check fixes")
    return opts


def prefixes_for(kind, suffix):
    return "CHECK-%s%s" % (kind, "-" + suffix if suffix else "")


def run(cmd, cwd=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       cwd=cwd, universal_newlines=True, errors="replace")
    return p.returncode, p.stdout


def filecheck(llvm_bin, check_file, prefix, input_text, extra):
    cmd = [os.path.join(llvm_bin, "FileCheck"), "-input-file=-", check_file,
           "-check-prefix=" + prefix, "-dump-input=fail", "-color=0"] + extra
    p = subprocess.run(cmd, input=input_text, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    return p.returncode, p.stdout


def main():
    opts = parse_args(sys.argv[1:])
    src = opts["file"]
    text = open(src, encoding="utf-8", errors="surrogateescape").read()
    ext = os.path.splitext(src)[1] or ".cpp"
    temp = opts["temp"] + ext
    os.makedirs(os.path.dirname(os.path.abspath(temp)) or ".", exist_ok=True)
    # The copy keeps line numbers but loses the CHECK lines' content, so that
    # CHECK-FIXES patterns never match themselves in the fixed file.
    cleaned = "\n".join(CHECK_LINE.sub("//", l) for l in text.split("\n"))
    llvm_bin = opts["llvm_bin"]
    src_dir = os.path.dirname(os.path.abspath(src))
    compiler_args = ["-std=c++17", "-I" + src_dir, "-I" + os.path.join(src_dir, "Inputs")] + opts["compiler_args"]
    check = opts["check"]

    for suffix in opts["suffixes"]:
        msg_prefix = prefixes_for("MESSAGES", suffix)
        note_prefix = prefixes_for("NOTES", suffix)
        fix_prefix = prefixes_for("FIXES", suffix)
        has_msgs = (msg_prefix + ":") in text
        has_notes = (note_prefix + ":") in text
        has_fixes = (fix_prefix + ":") in text
        if has_msgs and has_notes:
            fail("use either %s or %s, not both" % (msg_prefix, note_prefix))
        if has_fixes and not (opts["fix"] or opts["fix_notes"]):
            fail("%s lines need -fix or -fix-notes" % fix_prefix)

        for fe in opts["frontends"]:
            with open(temp, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(cleaned)
            label = "[%s%s]" % (fe, ", suffix " + suffix if suffix else "")
            if fe in ("module", "binary"):
                if fe == "module":
                    cmd = [os.path.join(llvm_bin, "clang-tidy"), "--load=" + opts["module"]]
                else:
                    cmd = [opts["binary"], "tidy"]
                cmd += [temp, "-checks=-*," + check, "--quiet"]
                if opts["config"]:
                    cmd.append("-config=" + opts["config"])
                if opts["fix"]:
                    cmd.append("-fix")
                if opts["fix_notes"]:
                    cmd.append("-fix-notes")
                cmd += opts["tidy_args"] + ["--"] + compiler_args
            else:
                cmd = [os.path.join(llvm_bin, "clang++"), "-fsyntax-only",
                       "-fplugin=" + opts["plugin"],
                       "-fplugin-arg-prodready-checks=-*," + check]
                if opts["config"]:
                    cmd.append("-fplugin-arg-prodready-config=" + opts["config"])
                cmd += compiler_args + [temp]
            rc, out = run(cmd)
            if rc < 0 or "Stack dump" in out or "PLEASE submit a bug report" in out:
                fail("%s crashed (exit %d):\n$ %s\n%s" % (label, rc, " ".join(cmd), out))
            if opts["expect_config_error"] and "clang-tidy-config" not in out and "invalid prodready" not in out \
                    and "unknown option" not in out:
                fail("%s expected a configuration error:\n%s" % (label, out))
            # Diagnostics for the test file itself (warnings, errors, notes), plus
            # configuration errors, which have no file.
            base = os.path.basename(temp)
            diag = re.compile(r"^(.*?):(\d+):(\d+): (warning|error|note): ")
            lines = []
            for l in out.splitlines():
                m = diag.match(l)
                if m:
                    if os.path.basename(m.group(1)) == base or m.group(4) != "note":
                        lines.append(l)
                elif "[clang-tidy-config]" in l or l.startswith("error:"):
                    lines.append(l)
            diag_text = "\n".join(lines) + "\n"
            if has_msgs or has_notes:
                prefix = msg_prefix if has_msgs else note_prefix
                implicit = "{{(warning|error):}}" if has_msgs else "{{(warning|error|note):}}"
                if has_msgs:
                    diag_text = "\n".join(l for l in lines if ": note: " not in l) + "\n"
                frc, fout = filecheck(llvm_bin, src, prefix, diag_text,
                                      ["-implicit-check-not=" + implicit])
                if frc != 0:
                    fail("%s diagnostics do not match %s:\n$ %s\n%s\n--- full output ---\n%s"
                         % (label, prefix, " ".join(cmd), fout, out))
            else:
                unexpected = [l for l in lines if re.search(r": (warning|error): ", l) or l.startswith("error:")]
                if unexpected and not opts["expect_config_error"]:
                    fail("%s expected no diagnostics, got:\n%s\n--- full output ---\n%s"
                         % (label, "\n".join(unexpected), out))
            if has_fixes and fe != "plugin":
                fixed = open(temp, encoding="utf-8", errors="surrogateescape").read()
                frc, fout = filecheck(llvm_bin, src, fix_prefix, fixed, ["-strict-whitespace"])
                if frc != 0:
                    fail("%s fixed file does not match %s:\n%s" % (label, fix_prefix, fout))
    return 0


if __name__ == "__main__":
    sys.exit(main())
