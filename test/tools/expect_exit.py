#!/usr/bin/env python3
"""expect_exit.py <code> <command...>: runs the command (output passed
through) and succeeds only when it exits with exactly <code>."""
import subprocess
import sys

if len(sys.argv) < 3:
    sys.exit("usage: expect_exit.py <code> <command...>")
want = int(sys.argv[1])
rc = subprocess.call(sys.argv[2:])
if rc != want:
    sys.stderr.write("expect_exit: '%s' exited with %d, expected %d\n" % (" ".join(sys.argv[2:]), rc, want))
    sys.exit(1)
