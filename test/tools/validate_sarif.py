#!/usr/bin/env python3
"""Validates a SARIF file with Microsoft's SARIF multitool (npm
@microsoft/sarif-multitool, installed by scripts/setup.sh into test/sarif/),
including its GitHub code-scanning rules. Exits 1 listing every error or
warning the validator reports (the multitool itself always exits 0)."""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "sarif", "node_modules", "@microsoft",
                    "sarif-multitool-linux", "Sarif.Multitool")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: validate_sarif.py <file.sarif>")
    if not os.path.exists(TOOL):
        sys.exit("validate_sarif: %s missing: run scripts/setup.sh" % TOOL)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "validation.sarif")
        p = subprocess.run([TOOL, "validate", sys.argv[1], "--rule-kind", "Gh;Sarif",
                            "--level", "Error;Warning", "-o", out, "--log", "ForceOverwrite"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True,
                           env=dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1"))
        if not os.path.exists(out):
            sys.exit("validate_sarif: the multitool produced no output:\n" + p.stdout)
        results = json.load(open(out))["runs"][0].get("results", [])
    problems = [r for r in results if r.get("level", "warning") in ("error", "warning")]
    for r in problems:
        msg = r.get("message", {})
        print("%s %s %s" % (r.get("level", "warning"), r.get("ruleId"),
                            msg.get("text") or msg.get("arguments")))
    if problems:
        sys.exit(1)
    print("SARIF valid: %s" % sys.argv[1])


if __name__ == "__main__":
    main()
