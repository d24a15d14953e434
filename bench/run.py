#!/usr/bin/env python3
"""prodready benchmark harness (issue 8).

One command measures, side by side and interleaved TU by TU, on a generated
workload of realistic service TUs (bench/gen_workload.py) plus examples/service:

  parse        clang++-19 -fsyntax-only                        (the floor)
  tidy-trivial clang-tidy-19 -checks=-*,readability-braces-around-statements
  tidy-all     clang-tidy-19 --load <module> -checks=-*,prodready-*
  tidy-<check> the same with each prodready check alone; plus one
               --enable-check-profile run for the per-check callback time
  plugin-syntax  clang++-19 -fsyntax-only -fplugin=<plugin>
  compile      clang++-19 -c -O2             plugin-compile  the same + plugin
  sweep        prodready sweep -j2 vs run-clang-tidy-19 -j2 -load ..., cold vs
               warm cache (only if `prodready sweep --help` works)
  scaling      tidy-all at 1x/4x/16x schema size; sweep (or run-clang-tidy)
               at 1x/4x/16x TU count

Every configuration is repeated; the table shows the median and the spread
(min..max) of the per-repetition totals, and ratios (median of the paired,
per-repetition ratios). Times are CPU time (user+sys of the child, from
wait4) because the machine is shared; wall time is recorded too. Peak RSS is
ru_maxrss (what /usr/bin/time -v prints) plus, for the parallel runs, the
sampled peak of the whole process tree.

  bench/run.py                     full run (slow: ~1 h on an idle 2-core box)
  bench/run.py --quick             3 TUs, 1 repetition, < 3 min on an idle box
  bench/run.py --icount            instruction counts (valgrind cachegrind) on
                                   a few TUs instead of times: stable on a busy box
  bench/run.py --profile           callgrind profile of tidy-all on one TU, the
                                   prodready functions by inclusive cost
  bench/run.py --selftest          checks the harness logic (no timing)

Outputs: a table on stdout, --json (default <build>/bench/results.json) and
--svg (default <build>/bench/results.svg).
"""

import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import gen_workload  # noqa: E402

TRIVIAL_CHECK = "readability-braces-around-statements"

TARGETS = {
    # name: (numerator, denominator, max ratio, description)
    "all/trivial": ("tidy-all", "tidy-trivial", 1.10, "all prodready checks vs clang-tidy with one trivial check"),
    "all/parse": ("tidy-all", "parse", 1.15, "all prodready checks vs parse-only"),
    "plugin -c": ("plugin-compile", "compile", 1.10, "-c compile with the plugin vs without"),
}
CHECK_TARGET = 0.05     # no single check above 5% of tidy-trivial
SWEEP_TARGET = 1.2      # sweep >= 1.2x faster than run-clang-tidy at the same -j
WARM_TARGET = 20.0      # warm cache >= 20x faster than cold


# --------------------------------------------------------------------------
# statistics and formatting (pure; covered by --selftest)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def spread(xs):
    """(min, max) of the samples, or (nan, nan)."""
    return (min(xs), max(xs)) if xs else (float("nan"), float("nan"))


def rel_spread(xs):
    """(max-min)/median, the noise of one measure."""
    if not xs:
        return float("nan")
    m = median(xs)
    return (max(xs) - min(xs)) / m if m else float("nan")


def paired_ratios(num, den):
    """Per-repetition ratios of two equally long sample lists."""
    return [a / b for a, b in zip(num, den) if b > 0]


def fmt_s(x):
    if x != x:  # nan
        return "-"
    return "%.2fs" % x if x < 100 else "%.0fs" % x


def fmt_ratio(x):
    return "-" if x != x else "%.3fx" % x


def fmt_table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths)))
    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    return "\n".join(out)


# --------------------------------------------------------------------------
# compile commands -> command lines (pure)


def compile_args(entry):
    """The compiler argv of a compile_commands.json entry (list form)."""
    if "arguments" in entry:
        return list(entry["arguments"])
    import shlex
    return shlex.split(entry["command"])


def strip_output(args):
    """Drop -c and -o X, keep everything else (file included)."""
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "-o":
            skip = True
            continue
        if a == "-c" or (a.startswith("-o") and len(a) > 2):
            continue
        out.append(a)
    return out


def parse_cmd(entry, clangxx):
    return [clangxx] + strip_output(compile_args(entry))[1:] + ["-fsyntax-only"]


def compile_cmd(entry, clangxx, obj, opt="-O2"):
    return [clangxx] + strip_output(compile_args(entry))[1:] + [opt, "-c", "-o", obj]


def plugin_flags(plugin, checks="prodready-*"):
    return ["-fplugin=" + plugin, "-fplugin-arg-prodready-checks=" + checks]


def tidy_cmd(tidy, db_dir, src, checks, module=None, extra=()):
    cmd = [tidy]
    if module:
        cmd.append("--load=" + module)
    cmd += ["-p", db_dir, "-checks=-*," + checks, "--quiet"] + list(extra) + [src]
    return cmd


def parse_profile_json(text):
    """clang-tidy --store-check-profile JSON -> {check: seconds (user+sys)}."""
    data = json.loads(text)
    out = {}
    for k, v in data.get("profile", {}).items():
        m = re.match(r"time\.clang-tidy\.(.+)\.(wall|user|sys)$", k)
        if not m:
            continue
        rec = out.setdefault(m.group(1), {"wall": 0.0, "user": 0.0, "sys": 0.0})
        rec[m.group(2)] += float(v)
    return {c: {"cpu": r["user"] + r["sys"], "wall": r["wall"]} for c, r in out.items()}


def parse_time_v(text):
    """GNU /usr/bin/time -v output -> dict (maxrss_kb, user, sys, exit)."""
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("Maximum resident set size (kbytes):"):
            out["maxrss_kb"] = int(line.rsplit(":", 1)[1])
        elif line.startswith("User time (seconds):"):
            out["user"] = float(line.rsplit(":", 1)[1])
        elif line.startswith("System time (seconds):"):
            out["sys"] = float(line.rsplit(":", 1)[1])
        elif line.startswith("Exit status:"):
            out["exit"] = int(line.rsplit(":", 1)[1])
    return out


def parse_cachegrind_total(text):
    """Total instructions (Ir) from a cachegrind/callgrind out file."""
    for line in text.splitlines():
        if line.startswith("summary:") or line.startswith("totals:"):
            return int(line.split()[1])
    raise ValueError("no summary line")


def parse_list_checks(text):
    return sorted(set(re.findall(r"^\s+(prodready-[a-z0-9-]+)\s*$", text, re.M)))


# --------------------------------------------------------------------------
# running things


class Runner:
    def __init__(self, verbose=False, time_v=None):
        self.verbose = verbose
        self.time_v = time_v if time_v is not None else shutil.which("time") and os.path.exists("/usr/bin/time")
        self.failures = []

    def run(self, cmd, cwd=None, rss=False, tree_rss=False, env=None, label=""):
        """Run cmd; return {wall, cpu, user, sys, maxrss_kb, tree_rss_kb, rc}."""
        tv = None
        if rss and self.time_v:
            tv = tempfile.NamedTemporaryFile(prefix="prodready-bench-time-", delete=False)
            tv.close()
            cmd = ["/usr/bin/time", "-v", "-o", tv.name] + cmd
        if self.verbose:
            print("  $ " + " ".join(cmd), file=sys.stderr)
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        peak = [0]
        stop = threading.Event()
        if tree_rss:
            th = threading.Thread(target=_sample_tree_rss, args=(p.pid, peak, stop), daemon=True)
            th.start()
        # drain stderr in a thread so a chatty child never blocks
        err = []
        te = threading.Thread(target=lambda: err.append(p.stderr.read()), daemon=True)
        te.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        te.join()
        r = {"wall": wall, "user": ru.ru_utime, "sys": ru.ru_stime, "cpu": ru.ru_utime + ru.ru_stime,
             "maxrss_kb": ru.ru_maxrss, "rc": p.returncode}
        if tree_rss:
            r["tree_rss_kb"] = peak[0]
        if tv:
            try:
                with open(tv.name) as f:
                    tvd = parse_time_v(f.read())
                if "maxrss_kb" in tvd:
                    r["maxrss_kb"] = tvd["maxrss_kb"]
            finally:
                os.unlink(tv.name)
        if p.returncode != 0:
            msg = (err[0] or b"").decode(errors="replace")[-2000:] if err else ""
            self.failures.append({"label": label, "cmd": cmd, "rc": p.returncode, "stderr": msg})
        return r


def _sample_tree_rss(root, peak, stop):
    while not stop.is_set():
        total = 0
        try:
            kids = {}
            for d in os.listdir("/proc"):
                if not d.isdigit():
                    continue
                try:
                    with open("/proc/%s/stat" % d) as f:
                        st = f.read()
                    ppid = int(st[st.rfind(")") + 2:].split()[1])
                    kids.setdefault(ppid, []).append(int(d))
                except (OSError, ValueError, IndexError):
                    pass
            todo = [root]
            while todo:
                pid = todo.pop()
                todo += kids.get(pid, [])
                try:
                    with open("/proc/%d/statm" % pid) as f:
                        total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
                except (OSError, ValueError):
                    pass
        except OSError:
            pass
        peak[0] = max(peak[0], total)
        stop.wait(0.1)


# --------------------------------------------------------------------------
# tools


class Tools:
    def __init__(self, a):
        self.clangxx = a.clangxx
        self.tidy = a.clang_tidy
        self.run_tidy = a.run_clang_tidy
        self.build = os.path.abspath(a.build)
        self.module = os.path.join(self.build, "lib", "prodready-tidy-module.so")
        self.plugin = os.path.join(self.build, "lib", "prodready-plugin.so")
        self.prodready = os.path.join(self.build, "bin", "prodready")

    def check(self):
        missing = [p for p in (self.module, self.plugin, self.prodready) if not os.path.exists(p)]
        for t in (self.clangxx, self.tidy):
            if not shutil.which(t):
                missing.append(t)
        if missing:
            raise SystemExit("bench: missing: %s (build first: cmake --build %s)" % (", ".join(missing), self.build))

    def checks(self):
        out = subprocess.run([self.tidy, "--load=" + self.module, "-checks=-*,prodready-*", "--list-checks"],
                             capture_output=True, text=True)
        return parse_list_checks(out.stdout)

    def sweep_available(self):
        try:
            r = subprocess.run([self.prodready, "sweep", "--help"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return r.returncode == 0 and "sweep" in (r.stdout + r.stderr)

    def versions(self):
        v = {}
        for name, cmd in (("clang++", [self.clangxx, "--version"]), ("clang-tidy", [self.tidy, "--version"]),
                          ("prodready", [self.prodready, "version"])):
            try:
                v[name] = subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
            except (OSError, IndexError):
                v[name] = "?"
        return v


# --------------------------------------------------------------------------
# the measures


def per_tu_configs(tools, checks, entries, objdir, wl, per_check=True):
    """name -> function(entry) -> (cmd, cwd, rss?)."""
    cfg = {}
    cfg["parse"] = lambda e: (parse_cmd(e, tools.clangxx), e["directory"], False)
    cfg["tidy-trivial"] = lambda e: (tidy_cmd(tools.tidy, wl, e["file"], TRIVIAL_CHECK), e["directory"], True)
    cfg["tidy-all"] = lambda e: (tidy_cmd(tools.tidy, wl, e["file"], "prodready-*", tools.module), e["directory"], True)
    if per_check:
        for c in checks:
            cfg["tidy-" + c[len("prodready-"):]] = (
                lambda c: lambda e: (tidy_cmd(tools.tidy, wl, e["file"], c, tools.module), e["directory"], True))(c)
    cfg["plugin-syntax"] = lambda e: (parse_cmd(e, tools.clangxx) + plugin_flags(tools.plugin), e["directory"], False)
    obj = lambda e: os.path.join(objdir, os.path.basename(e["file"]) + ".o")
    cfg["compile"] = lambda e: (compile_cmd(e, tools.clangxx, obj(e)), e["directory"], False)
    cfg["plugin-compile"] = lambda e: (compile_cmd(e, tools.clangxx, obj(e)) + plugin_flags(tools.plugin),
                                       e["directory"], False)
    return cfg


def measure_per_tu(runner, cfg, entries, reps, log):
    """Interleaved: for each rep, for each TU, every config (order rotated).
    Returns name -> {samples_cpu: [total per rep], samples_wall, maxrss_kb}."""
    names = list(cfg)
    res = {n: {"cpu": [], "wall": [], "maxrss_kb": 0, "per_tu_cpu": {}, "failed": 0} for n in names}
    for rep in range(reps):
        tot = {n: [0.0, 0.0] for n in names}
        for i, e in enumerate(entries):
            order = names[(rep + i) % len(names):] + names[:(rep + i) % len(names)]
            for n in order:
                cmd, cwd, rss = cfg[n](e)
                r = runner.run(cmd, cwd=cwd, rss=rss, label="%s %s" % (n, os.path.basename(e["file"])))
                if r["rc"] != 0:
                    res[n]["failed"] += 1
                tot[n][0] += r["cpu"]
                tot[n][1] += r["wall"]
                res[n]["maxrss_kb"] = max(res[n]["maxrss_kb"], r["maxrss_kb"])
                res[n]["per_tu_cpu"].setdefault(os.path.basename(e["file"]), []).append(r["cpu"])
            log("  rep %d/%d  TU %d/%d  %s" % (rep + 1, reps, i + 1, len(entries), os.path.basename(e["file"])))
        for n in names:
            res[n]["cpu"].append(tot[n][0])
            res[n]["wall"].append(tot[n][1])
    return res


def check_profile(runner, tools, entries, wl, log):
    """One --enable-check-profile run of tidy-all per TU; per-check CPU seconds summed."""
    d = tempfile.mkdtemp(prefix="prodready-bench-prof-")
    per_check = {}
    try:
        for e in entries:
            runner.run(tidy_cmd(tools.tidy, wl, e["file"], "prodready-*", tools.module,
                                ["--enable-check-profile", "--store-check-profile=" + d + "/"]),
                       cwd=e["directory"], label="profile " + os.path.basename(e["file"]))
        for name in os.listdir(d):
            with open(os.path.join(d, name)) as f:
                for c, v in parse_profile_json(f.read()).items():
                    rec = per_check.setdefault(c, {"cpu": 0.0, "wall": 0.0})
                    rec["cpu"] += v["cpu"]
                    rec["wall"] += v["wall"]
    finally:
        shutil.rmtree(d, ignore_errors=True)
    log("  check profile: %d checks" % len(per_check))
    return per_check


def measure_sweep(runner, tools, wl, reps, jobs, log):
    """prodready sweep vs run-clang-tidy at the same -j; cold vs warm cache."""
    out = {"rct": [], "sweep": [], "cold": [], "warm": [], "rct_wall": [], "sweep_wall": [],
           "cold_wall": [], "warm_wall": [], "rss": {}}
    jtmp = tempfile.mkdtemp(prefix="prodready-bench-sweep-")
    try:
        for rep in range(reps):
            rct = rct_cmd(tools, wl, jobs)
            sw = sweep_cmd(tools, wl, jobs, ["--no-cache", "--json=" + os.path.join(jtmp, "nocache.json")])
            order = [("rct", rct), ("sweep", sw)] if rep % 2 == 0 else [("sweep", sw), ("rct", rct)]
            for k, cmd in order:
                r = runner.run(cmd, cwd=wl, rss=True, tree_rss=True, label=k)
                out[k].append(r["cpu"])
                out[k + "_wall"].append(r["wall"])
                rr = out["rss"].setdefault(k, {"maxrss_kb": 0, "tree_rss_kb": 0})
                rr["maxrss_kb"] = max(rr["maxrss_kb"], r["maxrss_kb"])
                rr["tree_rss_kb"] = max(rr["tree_rss_kb"], r.get("tree_rss_kb", 0))
            cache = os.path.join(jtmp, "cache%d" % rep)
            for k in ("cold", "warm"):
                r = runner.run(sweep_cmd(tools, wl, jobs, ["--cache-dir=" + cache,
                                                           "--json=" + os.path.join(jtmp, k + ".json")]),
                               cwd=wl, rss=True, tree_rss=True, label="sweep " + k)
                out[k].append(r["cpu"])
                out[k + "_wall"].append(r["wall"])
            log("  sweep rep %d/%d: rct %.1fs sweep %.1fs cold %.1fs warm %.2fs (wall)" %
                (rep + 1, reps, out["rct_wall"][-1], out["sweep_wall"][-1], out["cold_wall"][-1],
                 out["warm_wall"][-1]))
    finally:
        shutil.rmtree(jtmp, ignore_errors=True)
    return out


def sweep_cmd(tools, wl, jobs, extra):
    """prodready sweep over the whole compile db; findings do not fail it."""
    return [tools.prodready, "sweep", "-p", wl, "-j%d" % jobs, "--quiet", "--fail-on=none"] + list(extra)


def rct_cmd(tools, wl, jobs):
    return [tools.run_tidy, "-j", str(jobs), "-p", wl, "-clang-tidy-binary", shutil.which(tools.tidy),
            "-load", tools.module, "-checks=-*,prodready-*", "-quiet"]


def measure_rct_only(runner, tools, wl, jobs):
    return runner.run(rct_cmd(tools, wl, jobs), cwd=wl, rss=True, tree_rss=True, label="run-clang-tidy")


def load_entries(wl):
    with open(os.path.join(wl, "compile_commands.json")) as f:
        return json.load(f)


def measure_schema_scaling(runner, tools, base_dir, scales, ntus, kinds, reps, checks, log):
    """tidy-all and unindexed-query alone, per-TU processes, at each schema scale."""
    out = {}
    uq = [c for c in checks if "unindexed" in c]
    for s in scales:
        wl = os.path.join(base_dir, "schema-%dx" % s)
        man = gen_workload.generate(wl, ntus, s, 1.0, kinds, None)
        entries = load_entries(wl)
        cfg = {"parse": lambda e: (parse_cmd(e, tools.clangxx), e["directory"], False),
               "tidy-all": lambda e, wl=wl: (tidy_cmd(tools.tidy, wl, e["file"], "prodready-*", tools.module),
                                             e["directory"], True)}
        if uq:
            cfg["tidy-" + uq[0][len("prodready-"):]] = lambda e, wl=wl: (
                tidy_cmd(tools.tidy, wl, e["file"], uq[0], tools.module), e["directory"], True)
        res = measure_per_tu(runner, cfg, entries, reps, lambda m: None)
        out[s] = {"schema": man["schema"], "tus": len(entries),
                  "cpu": {n: median(r["cpu"]) for n, r in res.items()},
                  "samples": {n: r["cpu"] for n, r in res.items()},
                  "maxrss_kb": {n: r["maxrss_kb"] for n, r in res.items()}}
        log("  schema %dx (%d tables, %d migration files): tidy-all %.2fs cpu" %
            (s, man["schema"]["tables"], man["schema"]["migration_files"], out[s]["cpu"]["tidy-all"]))
    return out


def measure_tu_scaling(runner, tools, base_dir, counts, sweep_ok, jobs, log, sweep_only=False):
    out = {}
    for n in counts:
        wl = os.path.join(base_dir, "tus-%d" % n)
        gen_workload.generate(wl, n, 1, 1.0, None, None)
        rec = {"tus": n}
        if not (sweep_ok and sweep_only):
            r = measure_rct_only(runner, tools, wl, jobs)
            rec["run-clang-tidy"] = {"cpu": r["cpu"], "wall": r["wall"], "tree_rss_kb": r.get("tree_rss_kb", 0)}
        if sweep_ok:
            r = runner.run(sweep_cmd(tools, wl, jobs, ["--no-cache", "--json=" + os.path.join(wl, "sweep.json")]),
                           cwd=wl, rss=True, tree_rss=True, label="sweep %d TUs" % n)
            rec["sweep"] = {"cpu": r["cpu"], "wall": r["wall"], "tree_rss_kb": r.get("tree_rss_kb", 0),
                            "maxrss_kb": r["maxrss_kb"]}
        out[n] = rec
        log("  %d TUs:%s%s" % (n, (" run-clang-tidy %.1fs cpu" % rec["run-clang-tidy"]["cpu"])
                                if "run-clang-tidy" in rec else "",
                                (" sweep %.1fs cpu" % rec["sweep"]["cpu"]) if "sweep" in rec else ""))
    return out


# --------------------------------------------------------------------------
# instruction counts and profiles (valgrind)


def icount(runner, cmd, cwd, outdir, label):
    f = os.path.join(outdir, "cg.%d.out" % random.randrange(1 << 30))
    runner.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=" + f] + cmd,
               cwd=cwd, label="icount " + label)
    try:
        with open(f) as fh:
            return parse_cachegrind_total(fh.read())
    except (OSError, ValueError):
        return float("nan")
    finally:
        if os.path.exists(f):
            os.unlink(f)


def measure_icount(runner, cfg, entries, log):
    d = tempfile.mkdtemp(prefix="prodready-bench-ir-")
    res = {n: {"ir": 0, "per_tu": {}} for n in cfg}
    try:
        for e in entries:
            for n in cfg:
                cmd, cwd, _ = cfg[n](e)
                ir = icount(runner, cmd, cwd, d, n)
                res[n]["ir"] += ir
                res[n]["per_tu"][os.path.basename(e["file"])] = ir
                log("    %-24s %s: %.0f" % (n, os.path.basename(e["file"]), ir))
            log("  icount %s done" % os.path.basename(e["file"]))
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return res


def profile_callgrind(runner, tools, entry, wl, outdir, checks_glob="prodready-*", top=25):
    os.makedirs(outdir, exist_ok=True)
    f = os.path.join(outdir, "callgrind.tidy-all.%s.out" % os.path.basename(entry["file"]))
    runner.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + f] +
               tidy_cmd(tools.tidy, wl, entry["file"], checks_glob, tools.module), cwd=entry["directory"],
               label="callgrind")
    ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", f],
                         capture_output=True, text=True).stdout
    total = None
    rows = []
    for line in ann.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(?:\*\s+)?(.*)$", line)
        if not m:
            continue
        n = int(m.group(1).replace(",", ""))
        name = m.group(2)
        if "PROGRAM TOTALS" in name:
            total = n
            continue
        if "prodready" in name or "ProdReady" in name or re.search(r"\b(\w+Check)::", name):
            rows.append((n, name))
    rows.sort(reverse=True)
    return {"file": f, "total_ir": total, "top": [{"ir": n, "share": (n / total if total else None),
                                                  "function": name[:200]} for n, name in rows[:top]]}


# --------------------------------------------------------------------------
# report


def summarize(res, checks, profile):
    """Ratios from per-TU measures; returns (rows, summary dict)."""
    s = {}
    def pr(a, b):
        if a in res and b in res:
            rs = paired_ratios(res[a]["cpu"], res[b]["cpu"])
            return median(rs), spread(rs)
        return float("nan"), (float("nan"), float("nan"))
    for k, (a, b, lim, desc) in TARGETS.items():
        r, sp = pr(a, b)
        s[k] = {"ratio": r, "spread": sp, "target": lim, "met": (r <= lim) if r == r else None, "desc": desc}
        if res.get(a, {}).get("failed") or res.get(b, {}).get("failed"):
            s[k]["met"] = None
            s[k]["invalid"] = "%s/%s had failed runs" % (a, b)
    s["trivial/parse"] = {"ratio": pr("tidy-trivial", "parse")[0], "spread": pr("tidy-trivial", "parse")[1]}
    s["plugin-syntax/parse"] = {"ratio": pr("plugin-syntax", "parse")[0], "spread": pr("plugin-syntax", "parse")[1]}
    per = {}
    base = median(res["tidy-trivial"]["cpu"]) if "tidy-trivial" in res else float("nan")
    for c in checks:
        short = "tidy-" + c[len("prodready-"):]
        rec = {}
        if short in res:
            r, sp = pr(short, "tidy-trivial")
            rec["alone_ratio"] = r
            rec["alone_spread"] = sp
            rec["alone_overhead"] = r - 1 if r == r else r
        if profile and c in profile:
            rec["profile_cpu"] = profile[c]["cpu"]
            rec["profile_overhead"] = profile[c]["cpu"] / base if base == base and base else float("nan")
        ov = rec.get("profile_overhead", float("nan"))
        alone = rec.get("alone_overhead", float("nan"))
        worst = max([x for x in (ov, alone) if x == x], default=float("nan"))
        rec["met"] = (worst <= CHECK_TARGET) if worst == worst else None
        if res.get(short, {}).get("failed"):
            rec["met"] = None
        per[c] = rec
    s["per_check"] = per
    return s


def print_report(res, summ, sweep, schema, tus, meta, icount_res=None):
    out = []
    out.append("prodready benchmark  %s  %s  (%d cores)  %d TUs x %d reps  [CPU time = user+sys]" %
               (meta["date"], meta["host"], meta["cores"], meta["tus"], meta["reps"]))
    if res:
        base = res.get("parse")
        rows = []
        for n, r in res.items():
            m = median(r["cpu"])
            lo, hi = spread(r["cpu"])
            rows.append([n, fmt_s(m), "%s..%s" % (fmt_s(lo), fmt_s(hi)), "%.1f%%" % (100 * rel_spread(r["cpu"])),
                         fmt_s(median(r["wall"])),
                         fmt_ratio(median(paired_ratios(r["cpu"], base["cpu"]))) if base else "-",
                         fmt_ratio(median(paired_ratios(r["cpu"], res["tidy-trivial"]["cpu"])))
                         if "tidy-trivial" in res else "-",
                         "%d" % (r["maxrss_kb"] // 1024) if r["maxrss_kb"] else "-",
                         ("%d FAILED" % r["failed"]) if r.get("failed") else ""])
        out.append(fmt_table(["config", "cpu median", "spread", "noise", "wall med", "/parse", "/trivial",
                              "RSS MB", ""], rows))
    if summ:
        out.append("")
        rows = []
        for k in ("all/trivial", "all/parse", "plugin -c"):
            t = summ[k]
            rows.append([k, fmt_ratio(t["ratio"]), "%s..%s" % (fmt_ratio(t["spread"][0]), fmt_ratio(t["spread"][1])),
                         "<= %.2fx" % t["target"],
                         "INVALID: " + t["invalid"] if t.get("invalid") else
                         {True: "met", False: "MISSED", None: "-"}[t["met"]]])
        for c, rec in summ["per_check"].items():
            ov = rec.get("alone_overhead", float("nan"))
            pov = rec.get("profile_overhead", float("nan"))
            rows.append([c, ("%+.1f%% alone" % (100 * ov)) if ov == ov else "-",
                         ("%.1f%% in callbacks" % (100 * pov)) if pov == pov else "-",
                         "<= 5%", {True: "met", False: "MISSED", None: "-"}[rec["met"]]])
        out.append(fmt_table(["target", "measured", "spread / detail", "target", "status"], rows))
    if icount_res:
        out.append("")
        out.append("instruction counts (valgrind cachegrind, %d TUs):" % icount_res["tus"])
        rows = []
        ir = icount_res["ir"]
        for n, r in ir.items():
            rows.append([n, "%.3e" % r["ir"],
                         fmt_ratio(r["ir"] / ir["parse"]["ir"]) if "parse" in ir else "-",
                         fmt_ratio(r["ir"] / ir["tidy-trivial"]["ir"]) if "tidy-trivial" in ir else "-"])
        out.append(fmt_table(["config", "instructions", "/parse", "/trivial"], rows))
    if sweep is not None:
        out.append("")
        if sweep.get("available") is False:
            out.append("sweep: not available (`prodready sweep --help` failed) - sweep measures skipped")
        else:
            sp = paired_ratios(sweep["rct_wall"], sweep["sweep_wall"])
            wc = paired_ratios(sweep["cold_wall"], sweep["warm_wall"])
            out.append(fmt_table(["sweep (-j%d, %s TUs)" % (meta["jobs"], sweep.get("tus", "?")), "wall median", "cpu median", "peak RSS MB (tree)"], [
                ["run-clang-tidy", fmt_s(median(sweep["rct_wall"])), fmt_s(median(sweep["rct"])),
                 "%d" % (sweep["rss"]["rct"]["tree_rss_kb"] // 1024)],
                ["prodready sweep --no-cache", fmt_s(median(sweep["sweep_wall"])), fmt_s(median(sweep["sweep"])),
                 "%d" % (sweep["rss"]["sweep"]["tree_rss_kb"] // 1024)],
                ["sweep cold cache", fmt_s(median(sweep["cold_wall"])), fmt_s(median(sweep["cold"])), "-"],
                ["sweep warm cache", fmt_s(median(sweep["warm_wall"])), fmt_s(median(sweep["warm"])), "-"]]))
            out.append("sweep speed-up vs run-clang-tidy: %s (target >= %.1fx: %s); warm vs cold: %s (target >= %.0fx: %s)" % (
                fmt_ratio(median(sp)), SWEEP_TARGET, "met" if median(sp) >= SWEEP_TARGET else "MISSED",
                fmt_ratio(median(wc)), WARM_TARGET, "met" if median(wc) >= WARM_TARGET else "MISSED"))
    if schema:
        out.append("")
        s0 = min(schema)
        rows = []
        for s in sorted(schema):
            r = schema[s]
            rows.append(["%dx" % s, r["schema"]["tables"], r["schema"]["migration_files"]] +
                        [fmt_s(r["cpu"][n]) for n in r["cpu"]] +
                        [fmt_ratio(r["cpu"]["tidy-all"] / schema[s0]["cpu"]["tidy-all"]),
                         fmt_ratio(r["cpu"]["tidy-all"] / r["cpu"]["parse"])])
        names = list(schema[s0]["cpu"])
        out.append(fmt_table(["schema", "tables", "mig files"] + names + ["all vs 1x", "all/parse"], rows))
    if tus:
        out.append("")
        n0 = min(tus)
        rows = []
        for n in sorted(tus):
            r = tus[n]
            rows.append(["%d" % n] + ([fmt_s(r["run-clang-tidy"]["wall"]), fmt_s(r["run-clang-tidy"]["cpu"]),
                                       fmt_s(r["run-clang-tidy"]["cpu"] / n)] if "run-clang-tidy" in r
                                      else ["-", "-", "-"]) +
                        ([fmt_s(r["sweep"]["wall"]), fmt_s(r["sweep"]["cpu"]), fmt_s(r["sweep"]["cpu"] / n)]
                         if "sweep" in r else ["-", "-", "-"]))
        out.append(fmt_table(["TUs", "rct wall", "rct cpu", "rct cpu/TU", "sweep wall", "sweep cpu",
                              "sweep cpu/TU"], rows))
    return "\n".join(out)


# --------------------------------------------------------------------------
# SVG plot (our own tiny writer)


def svg_plot(path, summ, schema, tus, icount_res=None, title="prodready benchmark"):
    W, H = 900, 380
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">' % (W, H),
             '<rect width="100%" height="100%" fill="white"/>',
             '<text x="10" y="20" font-size="15">%s</text>' % _esc(title)]
    # panel 1: per-check overhead (%) bars, target line at 5%
    x0, y0, pw, ph = 60, 60, 380, 260
    bars = []
    if summ:
        for c, rec in summ.get("per_check", {}).items():
            v = rec.get("alone_overhead", float("nan"))
            p = rec.get("profile_overhead", float("nan"))
            bars.append((c[len("prodready-"):], v, p))
        for k in ("all/trivial", "all/parse", "plugin -c"):
            r = summ.get(k, {}).get("ratio", float("nan"))
            bars.append((k, r - 1 if r == r else r, float("nan")))
    vals = [abs(v) for _, a, b in bars for v in (a, b) if v == v] + [0.15]
    top = max(vals) * 1.15
    parts.append('<text x="%d" y="%d">overhead vs clang-tidy-trivial (%%); target lines 5%% / 10%%</text>' % (x0, y0 - 10))
    parts.append(_axes(x0, y0, pw, ph))
    zero = y0 + ph * top / (2 * top)
    yv = lambda v: zero - (ph / 2) * v / top
    for lim, col in ((0.05, "#c00"), (0.10, "#e80")):
        parts.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="4 3"/>' %
                     (x0, x0 + pw, yv(lim), yv(lim), col))
    parts.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#000"/>' % (x0, x0 + pw, zero, zero))
    bw = pw / max(1, len(bars))
    for i, (name, a, p) in enumerate(bars):
        bx = x0 + i * bw + bw * 0.15
        for j, (v, col) in enumerate(((a, "#4a7ebb"), (p, "#9bbb59"))):
            if v != v:
                continue
            y1, y2 = sorted((zero, yv(v)))
            parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %.1f%%</title></rect>' %
                         (bx + j * bw * 0.35, y1, bw * 0.33, max(0.5, y2 - y1), col, _esc(name), 100 * v))
        parts.append('<text x="%.1f" y="%d" font-size="10" transform="rotate(30 %.1f %d)">%s</text>' %
                     (bx, y0 + ph + 14, bx, y0 + ph + 14, _esc(name)))
    parts.append('<text x="%d" y="%d" font-size="10" fill="#4a7ebb">■ alone / ratio</text>' % (x0 + pw - 170, y0 + 12))
    parts.append('<text x="%d" y="%d" font-size="10" fill="#9bbb59">■ check-profile callbacks</text>' % (x0 + pw - 170, y0 + 24))
    # panel 2: scaling (relative cost vs 1x)
    x1 = 500
    parts.append('<text x="%d" y="%d">scaling: cost relative to 1x (log2 x)</text>' % (x1, y0 - 10))
    parts.append(_axes(x1, y0, pw - 20, ph))
    series = []
    if schema:
        s0 = min(schema)
        series.append(("schema: tidy-all cpu", "#4a7ebb",
                       [(s, schema[s]["cpu"]["tidy-all"] / schema[s0]["cpu"]["tidy-all"]) for s in sorted(schema)]))
    if tus:
        n0 = min(tus)
        if all("run-clang-tidy" in tus[n] for n in tus):
            series.append(("TUs: run-clang-tidy cpu/TU", "#c0504d",
                           [(n / n0, (tus[n]["run-clang-tidy"]["cpu"] / n) / (tus[n0]["run-clang-tidy"]["cpu"] / n0))
                            for n in sorted(tus)]))
        if all("sweep" in tus[n] for n in tus):
            series.append(("TUs: sweep cpu/TU", "#9bbb59",
                           [(n / n0, (tus[n]["sweep"]["cpu"] / n) / (tus[n0]["sweep"]["cpu"] / n0))
                            for n in sorted(tus)]))
    import math
    ymax = max([v for _, _, pts in series for _, v in pts] + [2.0])
    xs = lambda s: x1 + (pw - 20) * (math.log2(s) / 4.0 if s > 0 else 0)
    ys = lambda v: y0 + ph - ph * v / (ymax * 1.1)
    for k in (1, 4, 16):
        parts.append('<text x="%.1f" y="%d" font-size="10">%dx</text>' % (xs(k) - 6, y0 + ph + 14, k))
    for v in (1.0, ymax):
        parts.append('<text x="%d" y="%.1f" font-size="10">%.2f</text>' % (x1 - 34, ys(v) + 4, v))
        parts.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>' % (x1, x1 + pw - 20, ys(v), ys(v)))
    for i, (name, col, pts) in enumerate(series):
        d = " ".join("%.1f,%.1f" % (xs(s), ys(v)) for s, v in pts)
        parts.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>' % (d, col))
        for s, v in pts:
            parts.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %gx: %.3f</title></circle>' %
                         (xs(s), ys(v), col, _esc(name), s, v))
        parts.append('<text x="%d" y="%d" font-size="10" fill="%s">%s</text>' % (x1 + 10, y0 + 14 + 12 * i, col, _esc(name)))
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def _axes(x, y, w, h):
    return '<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>' % (x, y, w, h)


def _esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------
# realism check: a Debian source package


def realism(runner, tools, a, outdir, log):
    """apt-get source <pkg>; best-effort compile db from the .cpp files that
    parse with the installed headers; then parse vs tidy-all on those."""
    pkg = a.realism
    src_root = os.path.join(outdir, "realism")
    os.makedirs(src_root, exist_ok=True)
    if not any(os.path.isdir(os.path.join(src_root, d)) for d in os.listdir(src_root) if d != "stub-include"):
        _ensure_deb_src(log)
        r = subprocess.run(["apt-get", "source", "-qq", pkg], cwd=src_root, capture_output=True, text=True)
        if r.returncode != 0:
            return {"package": pkg, "error": (r.stderr or r.stdout)[-500:]}
    dirs = [d for d in os.listdir(src_root) if os.path.isdir(os.path.join(src_root, d)) and d != "stub-include"]
    if not dirs:
        return {"package": pkg, "error": "no source directory"}
    top = os.path.join(src_root, sorted(dirs)[0])
    incs = set()
    cpps = []
    for root, ds, fs in os.walk(top):
        ds[:] = [d for d in ds if d not in (".pc", "debian", "test", "tests", "third_party", "3rdparty")]
        for f in fs:
            if f.endswith((".h", ".hpp", ".hh")):
                incs.add(root)
            if f.endswith((".cpp", ".cc", ".cxx")):
                cpps.append(os.path.join(root, f))
    # SQL- and server-flavoured files first (the checks' home ground), then the rest
    def rank(path):
        try:
            with open(path, errors="replace") as f:
                t = f.read()
        except OSError:
            t = ""
        return (-(("SELECT " in t) * 2 + ("password" in t.lower()) + ("sql" in path.lower())), path)
    cpps.sort(key=rank)
    # configure-generated config.h is absent from a source package: an empty
    # stand-in found last (-idirafter); files that still need it are skipped
    stub = os.path.join(src_root, "stub-include")
    os.makedirs(stub, exist_ok=True)
    with open(os.path.join(stub, "config.h"), "w") as f:
        f.write(STUB_CONFIG_H)
    incs |= {os.path.dirname(d) for d in incs if d != top} | {top}
    flags = ["-std=c++17", "-I/usr/include/postgresql", "-I/usr/include/mariadb"] + \
            ["-I" + d for d in sorted(incs)] + ["-idirafter", stub]
    ok = []
    for tried, c in enumerate(cpps):
        if len(ok) >= a.realism_max or tried >= 4 * a.realism_max:
            break
        r = subprocess.run([tools.clangxx] + flags + ["-fsyntax-only", "-w", c], capture_output=True)
        if r.returncode == 0:
            ok.append(c)
    db = [{"directory": top, "file": c, "arguments": [tools.clangxx] + flags + ["-c", c, "-o", "/dev/null"]}
          for c in ok]
    schemas = sorted(os.path.join(r, f) for r, _, fs in os.walk(top) for f in fs
                     if f.endswith(".sql") and f.startswith("schema"))
    if schemas and not os.path.exists(os.path.join(top, ".clang-tidy")):
        with open(os.path.join(top, ".clang-tidy"), "w") as f:
            f.write("# written by bench/run.py (realism check)\nCheckOptions:\n"
                    "  prodready-unindexed-query.SchemaPaths: '%s'\n" % schemas[0])
    with open(os.path.join(top, "compile_commands.json"), "w") as f:
        json.dump(db, f)
    log("  realism: %s: %d of %d C++ files parse with the installed headers" % (pkg, len(ok), len(cpps)))
    if not ok:
        return {"package": pkg, "cpp_files": len(cpps), "parsed": 0}
    cfg = {"parse": lambda e: (parse_cmd(e, tools.clangxx), e["directory"], False),
           "tidy-trivial": lambda e: (tidy_cmd(tools.tidy, top, e["file"], TRIVIAL_CHECK), e["directory"], True),
           "tidy-all": lambda e: (tidy_cmd(tools.tidy, top, e["file"], "prodready-*", tools.module),
                                  e["directory"], True)}
    res = measure_per_tu(runner, cfg, db, a.reps, lambda m: None)
    return {"package": pkg, "cpp_files": len(cpps), "parsed": len(ok), "files": [os.path.relpath(c, top) for c in ok],
            "schema": schemas[0] if schemas else None,
            "cpu": {n: median(r["cpu"]) for n, r in res.items()},
            "all/trivial": median(paired_ratios(res["tidy-all"]["cpu"], res["tidy-trivial"]["cpu"])),
            "all/parse": median(paired_ratios(res["tidy-all"]["cpu"], res["parse"]["cpu"]))}


STUB_CONFIG_H = """/* bench/run.py: stand-in for a configure-generated config.h (typical results on Debian 12) */
#define VERSION "0.0-bench"
#define PACKAGE_VERSION VERSION
#define PACKAGE "bench"
#define PACKAGE_NAME "bench"
#define SYSCONFDIR "/etc"
#define LOCALSTATEDIR "/var"
#define PKGLIBDIR "/usr/lib/bench"
#define LIBDIR "/usr/lib"
#define BINDIR "/usr/bin"
#define RUNTIME_DIR "/run"
#define HAVE_LOCALTIME_R 1
#define HAVE_GMTIME_R 1
#define HAVE_EVP_MD_CTX_NEW 1
#define HAVE_EVP_MD_CTX_FREE 1
#define HAVE_LIBSSL 1
#define HAVE_SQLITE3 1
"""


def _ensure_deb_src(log):
    srcs = "/etc/apt/sources.list.d/prodready-bench-src.sources"
    have = False
    for p in ["/etc/apt/sources.list"] + [os.path.join("/etc/apt/sources.list.d", f)
                                          for f in os.listdir("/etc/apt/sources.list.d")]:
        try:
            with open(p) as f:
                t = f.read()
        except OSError:
            continue
        if re.search(r"^deb-src\s", t, re.M) or re.search(r"^Types:.*deb-src", t, re.M):
            have = True
    if have:
        return
    log("  realism: adding a deb-src entry for bookworm (%s) and running apt-get update" % srcs)
    with open(srcs, "w") as f:
        f.write("Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n"
                "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")
    subprocess.run(["apt-get", "update", "-qq"], check=False)


# --------------------------------------------------------------------------
# main


def pick_entries(entries, n, quick):
    """n TUs spread over the kinds (generated first, then the examples)."""
    if n >= len(entries):
        return entries
    by_kind = {}
    for e in entries:
        k = os.path.basename(e["file"]).rsplit("_", 1)[0] if "/examples/" not in e["file"] else "example"
        by_kind.setdefault(k, []).append(e)
    out = []
    while len(out) < n:
        for k in list(by_kind):
            if by_kind[k] and len(out) < n:
                out.append(by_kind[k].pop(0))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(REPO, "build"),
                    help="build dir with lib/prodready-tidy-module.so, lib/prodready-plugin.so, bin/prodready")
    ap.add_argument("--out", help="work/output dir (default <build>/bench)")
    ap.add_argument("--json", help="results JSON (default <out>/results.json)")
    ap.add_argument("--svg", help="plot (default <out>/results.svg)")
    ap.add_argument("--quick", action="store_true", help="3 TUs, 1 repetition, reduced scaling")
    ap.add_argument("--tus", type=int, help="generated TUs (default 56; quick 3)")
    ap.add_argument("--measure-tus", type=int, help="measure only this many TUs of the workload (spread over kinds)")
    ap.add_argument("--reps", type=int, help="repetitions (default 3; quick 1)")
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--no-examples", action="store_true", help="leave examples/service out of the workload")
    ap.add_argument("--skip", default="", help="comma list of: per-tu,per-check,profile,sweep,schema,tus,realism")
    ap.add_argument("--sweep-tus", type=int, help="sweep on its own workload of N generated TUs (default: the main workload)")
    ap.add_argument("--sweep-reps", type=int, help="repetitions of the sweep measures (default --reps)")
    ap.add_argument("--schema-scales", default="1,4,16")
    ap.add_argument("--schema-tus", type=int, help="TUs for the schema scaling (default 8; quick 2)")
    ap.add_argument("--tu-base", type=int, help="TU scaling base: base x 1/4/16 TUs (default 4; quick 1)")
    ap.add_argument("--icount", action="store_true", help="instruction counts (valgrind) instead of times")
    ap.add_argument("--icount-tus", type=int, default=2, help="TUs for --icount (default 2)")
    ap.add_argument("--icount-files", default="sqlite_repository_004,soci_repository_006",
                    help="comma list of TU name substrings for --icount ('' = spread over the kinds)")
    ap.add_argument("--icount-per-check", action="store_true", help="--icount also runs each check alone")
    ap.add_argument("--profile", action="store_true", help="callgrind profile of tidy-all on one TU")
    ap.add_argument("--profile-kind", default="pqxx_repository")
    ap.add_argument("--realism", default="", help="Debian source package for the realism check (apt-get source)")
    ap.add_argument("--realism-max", type=int, default=12, help="max files of the realism package to measure")
    ap.add_argument("--clangxx", default="clang++-19")
    ap.add_argument("--clang-tidy", default="clang-tidy-19")
    ap.add_argument("--run-clang-tidy", default="run-clang-tidy-19")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--selftest", action="store_true", help="check the harness logic (no timing) and exit")
    a = ap.parse_args(argv)
    if a.selftest:
        return selftest()

    quick = a.quick
    ntus = a.tus if a.tus is not None else (3 if quick else 56)
    reps = a.reps if a.reps is not None else (1 if quick else 3)
    a.reps = reps
    skip = set(filter(None, a.skip.split(",")))
    if quick:
        skip |= {"per-check"}
    out = os.path.abspath(a.out or os.path.join(a.build, "bench"))
    os.makedirs(out, exist_ok=True)
    tools = Tools(a)
    tools.check()
    runner = Runner(verbose=a.verbose)
    log = lambda m: print(m, file=sys.stderr, flush=True)
    t_start = time.monotonic()

    checks = tools.checks()
    log("bench: prodready checks: %s" % (", ".join(checks) or "(none registered yet)"))
    wl = os.path.join(out, "workload")
    kinds = ["httplib_handlers", "pqxx_repository", "config_secrets"] if quick else None
    man = gen_workload.generate(wl, ntus, 1, 1.0, kinds,
                                None if (a.no_examples or quick) else os.path.join(REPO, "examples", "service"),
                                a.seed)
    entries = load_entries(wl)
    if a.measure_tus:
        entries = pick_entries(entries, a.measure_tus, quick)
    chosen = {e["file"] for e in entries}
    log("bench: workload %s: %d TUs (%d lines), schema %d tables" % (
        wl, len(entries), sum(t["lines"] for t in man["tus"] if t["file"] in chosen), man["schema"]["tables"]))
    meta = {"date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), "host": platform.node(),
            "cpu": _cpu_model(), "cores": os.cpu_count(), "load_before": os.getloadavg()[0],
            "tus": len(entries), "reps": reps, "jobs": a.jobs, "quick": quick, "build": os.path.abspath(a.build),
            "versions": tools.versions(), "checks": checks, "workload": {"dir": wl, "schema": man["schema"]},
            "time_basis": "cpu = user+sys of the child process (wait4); wall recorded too"}
    results = {"meta": meta}
    objdir = tempfile.mkdtemp(prefix="prodready-bench-obj-")
    res = summ = sweep = schema = tus = icr = None
    try:
        if a.profile:
            e = next((e for e in entries if a.profile_kind in e["file"]), entries[0])
            log("bench: callgrind profile of tidy-all on %s (slow)" % os.path.basename(e["file"]))
            results["profile"] = prof = profile_callgrind(runner, tools, e, wl, os.path.join(out, "profile"))
            print("callgrind tidy-all %s: total %s instructions; prodready functions (inclusive):" %
                  (os.path.basename(e["file"]), prof["total_ir"]))
            for r in prof["top"]:
                print("  %6.2f%%  %s" % (100 * (r["share"] or 0), r["function"]))
            print("(full profile: callgrind_annotate --inclusive=yes %s)" % prof["file"])
        elif a.icount:
            want = [w for w in a.icount_files.split(",") if w]
            sel = [e for w in want for e in entries if w in os.path.basename(e["file"])][:a.icount_tus] \
                if want else pick_entries(entries, a.icount_tus, True)
            cfg = per_tu_configs(tools, checks, sel, objdir, wl, per_check=a.icount_per_check)
            for k in ("compile", "plugin-compile"):
                cfg.pop(k)
            log("bench: instruction counts on %d TUs, %d configs (valgrind; slow)" % (len(sel), len(cfg)))
            ir = measure_icount(runner, cfg, sel, log)
            icr = results["icount"] = {"tus": len(sel), "files": [os.path.basename(e["file"]) for e in sel], "ir": ir}
            base = ir["tidy-trivial"]["ir"]
            results["icount"]["ratios"] = {n: {"/parse": r["ir"] / ir["parse"]["ir"], "/trivial": r["ir"] / base}
                                           for n, r in ir.items()}
        else:
            if "per-tu" not in skip:
                cfg = per_tu_configs(tools, checks, entries, objdir, wl, per_check="per-check" not in skip)
                log("bench: per-TU measures: %d configs x %d TUs x %d reps" % (len(cfg), len(entries), reps))
                res = measure_per_tu(runner, cfg, entries, reps, log)
                prof = check_profile(runner, tools, entries, wl, log) if "profile" not in skip else {}
                summ = summarize(res, checks, prof)
                results["per_tu"] = {n: {k: v for k, v in r.items()} for n, r in res.items()}
                results["check_profile"] = prof
                results["summary"] = summ
            if "sweep" not in skip:
                if tools.sweep_available():
                    swl = wl
                    if a.sweep_tus:
                        swl = os.path.join(out, "sweep-workload")
                        gen_workload.generate(swl, a.sweep_tus, 1, 1.0, None, None, a.seed)
                    log("bench: sweep vs run-clang-tidy (-j%d) on %d TUs" % (a.jobs, len(load_entries(swl))))
                    sweep = measure_sweep(runner, tools, swl, a.sweep_reps or reps, a.jobs, log)
                    sweep["tus"] = len(load_entries(swl))
                    sweep["available"] = True
                else:
                    log("bench: sweep: not available (`prodready sweep --help` failed); skipped")
                    sweep = {"available": False}
                results["sweep"] = sweep
            if "schema" not in skip:
                scales = [int(s) for s in a.schema_scales.split(",")]
                st = a.schema_tus or (1 if quick else 8)
                log("bench: schema scaling %s on %d SQL-heavy TUs" % (scales, st))
                schema = measure_schema_scaling(
                    runner, tools, os.path.join(out, "scaling"), scales, st,
                    ["pqxx_repository", "sqlite_repository", "soci_repository", "httplib_handlers"],
                    1 if quick else reps, checks, log)
                results["schema_scaling"] = schema
            if "tus" not in skip:
                base = a.tu_base or (1 if quick else 4)
                counts = [base, 4 * base] if quick else [base, 4 * base, 16 * base]
                log("bench: TU-count scaling %s" % counts)
                tus = measure_tu_scaling(runner, tools, os.path.join(out, "scaling"), counts,
                                         (sweep or {}).get("available", False) or
                                         ("sweep" in skip and tools.sweep_available()), a.jobs, log,
                                         sweep_only=quick)
                results["tu_scaling"] = tus
            if a.realism and "realism" not in skip:
                log("bench: realism check on Debian source package %s" % a.realism)
                results["realism"] = realism(runner, tools, a, out, log)
    finally:
        shutil.rmtree(objdir, ignore_errors=True)
    meta["load_after"] = os.getloadavg()[0]
    meta["elapsed_s"] = time.monotonic() - t_start
    results["failures"] = runner.failures
    print(print_report(res, summ, sweep, schema, tus, meta, icr))
    if results.get("realism"):
        r = results["realism"]
        if "cpu" in r:
            print("\nrealism (%s, %d files that parse with the installed headers): all/trivial %s, all/parse %s" %
                  (r["package"], r["parsed"], fmt_ratio(r["all/trivial"]), fmt_ratio(r["all/parse"])))
        else:
            print("\nrealism (%s): %s" % (r["package"], r.get("error", "no file parsed")))
    if runner.failures:
        print("\n%d command(s) failed (first: %s rc=%d); see 'failures' in the JSON" % (
            len(runner.failures), runner.failures[0]["label"], runner.failures[0]["rc"]))
    jpath = a.json or os.path.join(out, "results.json")
    with open(jpath, "w") as f:
        json.dump(results, f, indent=1, default=_json_default)
    spath = a.svg or os.path.join(out, "results.svg")
    svg_plot(spath, summ, schema, tus, icr)
    print("\nresults: %s\nplot:    %s\n(%.0f s, load %.1f -> %.1f)" % (jpath, spath, meta["elapsed_s"],
                                                                    meta["load_before"], meta["load_after"]))
    return 0


def _json_default(o):
    if isinstance(o, tuple):
        return list(o)
    return str(o)


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


# --------------------------------------------------------------------------
# selftest: the harness logic, no timing assertions


def selftest():
    import unittest
    import xml.etree.ElementTree as ET

    class T(unittest.TestCase):
        def test_stats(self):
            self.assertEqual(median([3.0, 1.0, 2.0]), 2.0)
            self.assertEqual(spread([3.0, 1.0, 2.0]), (1.0, 3.0))
            self.assertAlmostEqual(rel_spread([1.0, 2.0, 3.0]), 1.0)
            self.assertEqual(paired_ratios([2.0, 3.0], [1.0, 2.0]), [2.0, 1.5])
            self.assertTrue(median([]) != median([]))

        def test_cmdlines(self):
            e = {"directory": "/d", "file": "/d/a.cpp",
                 "arguments": ["clang++-19", "-std=c++17", "-Iinc", "-c", "/d/a.cpp", "-o", "/d/a.o"]}
            self.assertEqual(parse_cmd(e, "clang++-19"),
                             ["clang++-19", "-std=c++17", "-Iinc", "/d/a.cpp", "-fsyntax-only"])
            self.assertEqual(compile_cmd(e, "clang++-19", "/t/x.o")[-4:], ["-O2", "-c", "-o", "/t/x.o"])
            e2 = {"directory": "/d", "file": "/d/a.cpp", "command": "c++ -DX=1 -c /d/a.cpp -o/d/a.o"}
            self.assertEqual(parse_cmd(e2, "clang++-19"), ["clang++-19", "-DX=1", "/d/a.cpp", "-fsyntax-only"])
            t = tidy_cmd("clang-tidy-19", "/w", "/w/a.cpp", "prodready-*", "/m.so")
            self.assertIn("--load=/m.so", t)
            self.assertIn("-checks=-*,prodready-*", t)
            self.assertEqual(plugin_flags("/p.so")[0], "-fplugin=/p.so")

        def test_parsers(self):
            prof = json.dumps({"file": "a.cpp", "profile": {
                "time.clang-tidy.prodready-x.wall": 0.5, "time.clang-tidy.prodready-x.user": 0.25,
                "time.clang-tidy.prodready-x.sys": 0.125, "other": 1}})
            self.assertEqual(parse_profile_json(prof), {"prodready-x": {"cpu": 0.375, "wall": 0.5}})
            tv = "\tUser time (seconds): 1.50\n\tSystem time (seconds): 0.25\n" \
                 "\tMaximum resident set size (kbytes): 123456\n\tExit status: 0\n"
            self.assertEqual(parse_time_v(tv), {"user": 1.5, "sys": 0.25, "maxrss_kb": 123456, "exit": 0})
            self.assertEqual(parse_cachegrind_total("desc: x\nevents: Ir\nsummary: 12345\n"), 12345)
            self.assertEqual(parse_list_checks("Enabled checks:\n    prodready-a\n    prodready-b-c\n\n"),
                             ["prodready-a", "prodready-b-c"])

        def test_runner(self):
            r = Runner(time_v=False)
            x = r.run([sys.executable, "-c", "import sys; sys.exit(3)"], label="x")
            self.assertEqual(x["rc"], 3)
            self.assertEqual(len(r.failures), 1)
            y = r.run([sys.executable, "-c", "pass"], tree_rss=True)
            self.assertEqual(y["rc"], 0)
            self.assertGreater(y["maxrss_kb"], 0)
            self.assertGreaterEqual(y["cpu"], 0)
            if os.path.exists("/usr/bin/time"):
                z = Runner(time_v=True).run([sys.executable, "-c", "pass"], rss=True)
                self.assertGreater(z["maxrss_kb"], 0)

        def test_workload(self):
            d = tempfile.mkdtemp(prefix="prodready-bench-selftest-")
            try:
                m1 = gen_workload.generate(d, 9, 1, 0.25, None, os.path.join(REPO, "examples", "service"))
                db = load_entries(d)
                self.assertEqual(len(db), 9 + m1["example_tus"])
                kinds = {t["kind"] for t in m1["tus"]}
                self.assertTrue(set(gen_workload.KINDS) <= kinds)
                for e in db:
                    self.assertTrue(os.path.exists(e["file"]))
                with open(os.path.join(d, ".clang-tidy")) as f:
                    self.assertIn("SchemaPaths", f.read())
                srcs = {e["file"]: open(e["file"]).read() for e in db if e["file"].startswith(d)}
                m4 = gen_workload.generate(d, 9, 4, 0.25, None, None)
                self.assertEqual(m4["schema"]["tables"], 4 * m1["schema"]["tables"])
                self.assertGreater(m4["schema"]["migration_files"], 3 * m1["schema"]["migration_files"])
                # the TUs do not change with the schema scale
                for f, s in srcs.items():
                    self.assertEqual(open(f).read(), s)
                self.assertEqual(len(os.listdir(os.path.join(d, "migrations"))), m4["schema"]["migration_files"])
                self.assertEqual(len(pick_entries(load_entries(d), 3, True)), 3)
            finally:
                shutil.rmtree(d, ignore_errors=True)

        def test_summary_report_svg(self):
            res = {n: {"cpu": [1.0 * f, 1.1 * f], "wall": [2.0 * f, 2.2 * f], "maxrss_kb": 1024, "per_tu_cpu": {}}
                   for n, f in (("parse", 1.0), ("tidy-trivial", 1.05), ("tidy-all", 1.12),
                                ("tidy-x", 1.06), ("plugin-syntax", 1.1), ("compile", 3.0),
                                ("plugin-compile", 3.1))}
            s = summarize(res, ["prodready-x"], {"prodready-x": {"cpu": 0.01, "wall": 0.02}})
            self.assertAlmostEqual(s["all/trivial"]["ratio"], 1.12 / 1.05)
            self.assertTrue(s["all/trivial"]["met"])
            self.assertTrue(s["all/parse"]["met"])
            self.assertTrue(s["plugin -c"]["met"])
            self.assertAlmostEqual(s["per_check"]["prodready-x"]["alone_overhead"], 1.06 / 1.05 - 1)
            self.assertTrue(s["per_check"]["prodready-x"]["met"])
            schema = {1: {"schema": {"tables": 8, "migration_files": 30}, "cpu": {"parse": 1.0, "tidy-all": 1.1}},
                      4: {"schema": {"tables": 32, "migration_files": 130}, "cpu": {"parse": 1.0, "tidy-all": 1.2}}}
            tus = {1: {"tus": 1, "run-clang-tidy": {"cpu": 1.0, "wall": 1.0}},
                   4: {"tus": 4, "run-clang-tidy": {"cpu": 4.1, "wall": 2.1}}}
            meta = {"date": "d", "host": "h", "cores": 2, "tus": 1, "reps": 2, "jobs": 2}
            txt = print_report(res, s, {"available": False}, schema, tus, meta)
            self.assertIn("all/trivial", txt)
            self.assertIn("sweep: not available", txt)
            self.assertIn("MISSED", print_report(res, summarize(
                dict(res, **{"tidy-all": {"cpu": [2.0, 2.0], "wall": [1, 1], "maxrss_kb": 0}}), [], {}),
                None, None, None, meta))
            sw = {"available": True, "rct": [10.0], "sweep": [8.0], "cold": [8.0], "warm": [0.2],
                  "rct_wall": [6.0], "sweep_wall": [4.0], "cold_wall": [4.0], "warm_wall": [0.1],
                  "rss": {"rct": {"tree_rss_kb": 2048}, "sweep": {"tree_rss_kb": 4096}}}
            self.assertIn("1.500x", print_report(None, None, sw, None, None, meta))
            d = tempfile.mkdtemp(prefix="prodready-bench-selftest-")
            try:
                p = os.path.join(d, "x.svg")
                svg_plot(p, s, schema, tus)
                root = ET.parse(p).getroot()
                self.assertTrue(root.tag.endswith("svg"))
                svg_plot(p, None, None, None)
                ET.parse(p)
                json.dumps({"s": s}, default=_json_default)
            finally:
                shutil.rmtree(d, ignore_errors=True)

    suite = unittest.defaultTestLoader.loadTestsFromTestCase(T)
    r = unittest.TextTestRunner(verbosity=2).run(suite)
    return 0 if r.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
