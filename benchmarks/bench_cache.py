"""CPU time of repeated runs on an unchanged program: the graph cache's figures.

Usage: python benchmarks/bench_cache.py [--repeat N] [--json [PATH]] [--old-gcmod EXE]

Each figure is the median CPU time (user + system, from ``os.wait4``) of
``--repeat`` fresh processes; CPU time varies far less than wall time on a
shared machine. Measured in one sitting, reported as ratios:

* ``floor``: a bare Pulumi mock run of the default sample's program (the
  config validated, ``pulumi.runtime.set_mocks`` with mocks that echo inputs and
  answer data sources as gcmod does, the program run and its registrations
  awaited; no recording, no rules), the least a first run can cost;
* ``check cold``: ``gcmod check`` with an empty cache (first run);
* ``check warm``: the same again (the graph read from the cache);
* ``calendar saas-dev`` cold and warm;
* ``check --estimate`` warm against ``check`` + ``estimate`` warm (two processes);
* with ``--old-gcmod EXE`` (another installation's ``gcmod``, e.g. the commit
  before the cache): its ``check`` of the same sample, for "today's" figure.

Targets (issue 19): check warm ≤ 1.0 s and ≤ 20 % of cold; check cold ≤ 1.2 ×
floor; calendar warm ≤ 1.0 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_tenants import gcmod_command, machine  # benchmarks/ is on sys.path
from benchlib import emit_json

#: The floor: the default sample's program under the SDK's mock runtime, nothing else.
FLOOR = r"""
import sys
import pulumi
from pulumi.runtime import Mocks, set_mocks
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await
from gcmod.config import load_stack_file
from gcmod.program import build
from gcmod.stackfiles import resolve
from gcmod.synth import _answer_call

ref = resolve(sys.argv[1])
cfg = load_stack_file(ref.path)


class Echo(Mocks):
    def new_resource(self, args):
        return "", dict(args.inputs)

    def call(self, args):
        return _answer_call(args.token, dict(args.args), cfg.region), []


set_mocks(Echo(), project="gcmod", stack=ref.name, preview=True)
build(cfg, ref.name)
_sync_await(run_pulumi_func(lambda: None))
"""


def cpu_of(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """CPU seconds (user + system) and exit code of one fresh process."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {err.decode()[-2000:]}")
    return usage.ru_utime + usage.ru_stime, code


def median_cpu(cmd: list[str], repeat: int, cache: Path | None, cold: bool) -> float:
    """Median CPU of ``repeat`` runs; ``cold``: an empty cache before each run."""
    out = []
    for _ in range(repeat):
        env = dict(os.environ)
        if cache is not None:
            if cold:
                for p in (cache / "graphs").glob("*.json"):
                    p.unlink()
            env["GCMOD_CACHE_DIR"] = str(cache)
        out.append(cpu_of(cmd, env)[0])
    return round(statistics.median(out), 3)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (median; default 3)")
    ap.add_argument("--json", metavar="PATH", nargs="?", const="-", help="write JSON (- = stdout)")
    ap.add_argument("--old-gcmod", metavar="EXE", help="another installation's gcmod to compare")
    opts = ap.parse_args()
    n = max(1, opts.repeat)
    load_before = os.getloadavg()
    fig: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="gcmod-bench-cache-") as tmp:
        cache = Path(tmp)
        fig["floor"] = median_cpu([sys.executable, "-c", FLOOR, "saas-prod"], n, None, False)
        fig["check cold"] = median_cpu(gcmod_command(["check"]), n, cache, True)
        fig["check warm"] = median_cpu(gcmod_command(["check"]), n, cache, False)
        cal = gcmod_command(["calendar", "saas-dev"])
        fig["calendar saas-dev cold"] = median_cpu(cal, n, cache, True)
        fig["calendar saas-dev warm"] = median_cpu(cal, n, cache, False)
        fig["check --estimate warm"] = median_cpu(
            gcmod_command(["check", "--estimate"]), n, cache, False
        )
        fig["check + estimate warm"] = round(
            fig["check warm"] + median_cpu(gcmod_command(["estimate"]), n, cache, False), 3
        )
        if opts.old_gcmod:
            fig["old check"] = median_cpu([opts.old_gcmod, "check"], n, None, False)
    ratios = {
        "check warm / check cold": round(fig["check warm"] / fig["check cold"], 3),
        "check cold / floor": round(fig["check cold"] / fig["floor"], 3),
        "calendar warm / calendar cold": round(
            fig["calendar saas-dev warm"] / fig["calendar saas-dev cold"], 3
        ),
    }
    if "old check" in fig:
        ratios["check cold / old check"] = round(fig["check cold"] / fig["old check"], 3)
        ratios["check warm / old check"] = round(fig["check warm"] / fig["old check"], 3)
    for name, value in fig.items():
        print(f"{name:<28} {value:7.3f} s CPU")
    for name, value in ratios.items():
        print(f"{name:<28} {value:7.3f}")
    report: dict[str, Any] = {
        "benchmark": "bench_cache",
        "repeat": n,
        "cpu_s": fig,
        "ratios": ratios,
        "machine": machine(),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }
    emit_json(report, opts.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
