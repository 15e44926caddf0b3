"""Wall time and peak memory of the CLI's main commands on the sample stacks.

Usage: python benchmarks/bench_cli.py [--repeat N] [--json] [--only TEXT ...]

Each command runs in a fresh process (start-up included) with an empty graph
cache, as a user's first run; the figure is the median of N runs. Peak memory is
the child's max RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

from bench_tenants import gcmod_command  # benchmarks/ is on sys.path when run as a script

COMMANDS: list[list[str]] = [
    ["--help"],
    ["synth", "saas-prod"],
    ["synth", "saas-dev"],
    ["check", "saas-prod"],
    ["calendar", "saas-dev"],
    ["estimate", "saas-prod"],
    # every template scaffolded, synthesized, checked, estimated and written
    # (rebuilds its own previous catalogue on repeats)
    ["catalog", "--out", os.path.join(tempfile.gettempdir(), "gcmod-bench-catalog")],
]


def run(args: list[str]) -> tuple[float, float]:
    cmd = gcmod_command(args)  # this interpreter's gcmod script, as a user runs it
    with tempfile.TemporaryDirectory(prefix="gcmod-bench-cache-") as cache:
        # an empty graph cache: each figure is a first run (benchmarks/bench_cache.py
        # measures the repeated ones)
        env = {**os.environ, "GCMOD_CACHE_DIR": cache}
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _pid, _status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
    proc.returncode = 0
    return elapsed, usage.ru_maxrss / 1024  # MiB (ru_maxrss is KiB on Linux)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--only", action="append", default=[], help="only commands containing TEXT (repeatable)"
    )
    opts = ap.parse_args()
    rows = []
    chosen = [a for a in COMMANDS if not opts.only or any(o in " ".join(a) for o in opts.only)]
    for args in chosen:
        times, peaks = zip(*(run(args) for _ in range(opts.repeat)), strict=True)
        rows.append(
            {
                "command": "gcmod " + " ".join(args),
                "median_s": round(statistics.median(times), 3),
                "max_rss_mib": round(max(peaks), 1),
            }
        )
    machine = {"python": sys.version.split()[0], "machine": platform.machine(),
               "cpus": os.cpu_count()}  # fmt: skip
    if opts.json:
        print(json.dumps({"machine": machine, "results": rows}, indent=2))
    else:
        print(f"machine: {machine}")
        for r in rows:
            print(f"{r['command']:<28} {r['median_s']:>7.3f} s  {r['max_rss_mib']:>7.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
