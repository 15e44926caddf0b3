"""CPU time of the test suite: per file, or the whole suite at two commits.

Per file (each file in a fresh ``pytest -n 0`` process: startup, collection of
that file, its tests; the CPU of every process it waits for counts)::

    python benchmarks/bench_suite.py files tests/test_audit_cli.py tests/test_scaffold.py

The whole suite, this checkout against another commit (docs/performance.md, "The
test suite"): the other commit is checked out in a worktree with its own venv
(created on first use, ``pip install -e '.[dev]'``), and the two suites run one
after the other, alternating, ``--rounds`` times each, as the README runs them
(``pytest``, with the project's addopts: ``-n auto --dist loadfile``) and with
``CI=1``::

    python benchmarks/bench_suite.py compare --old 99a97b5 --rounds 2 --json out.json

It prints tests passed / failed, CPU (user + system of pytest and every process
it waited for) and wall time of each run. This takes minutes per run: run it on
a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchlib import emit_json

ROOT = Path(__file__).resolve().parent.parent


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd``; its CPU (user + system, with every process it waited for), wall
    time, exit code and the last line of its output."""
    before, start = _children_cpu(), time.monotonic()
    out = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    wall, cpu = time.monotonic() - start, _children_cpu() - before
    lines = [ln for ln in out.stdout.splitlines() if ln.strip()]
    return {
        "cpu_s": round(cpu, 2),
        "wall_s": round(wall, 2),
        "exit": out.returncode,
        "summary": lines[-1] if lines else out.stderr.strip()[-300:],
        # pytest's --durations table, when asked for
        "durations": [ln for ln in lines if re.match(r"^\d+\.\d+s (setup|call|teardown) ", ln)],
    }


def _counts(summary: str) -> dict[str, int]:
    return {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|errors?|skipped)", summary)}


def per_file(files: list[str]) -> list[dict[str, Any]]:
    """Each file alone in one process (``-n 0``)."""
    pytest = str(ROOT / ".venv/bin/pytest")
    rows = []
    for f in files:
        run = timed([pytest, "-n", "0", "-q", "-p", "no:cacheprovider", f], ROOT)
        rows.append({"file": f, **run})
        print(f"{run['cpu_s']:8.2f} s CPU {run['wall_s']:8.2f} s wall  {f}  ({run['summary']})")
    return rows


def _old_checkout(commit: str, where: Path) -> Path:
    """A worktree of ``commit`` at ``where`` with its own venv (made once)."""
    if not where.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(where), commit], cwd=ROOT, check=True
        )
    venv = where / ".venv"
    if not (venv / "bin/pytest").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin/pip"), "install", "-q", "-e", ".[dev]"], cwd=where, check=True
        )
    return where


def compare(
    old: str, where: Path, rounds: int, extra: list[str] | None = None
) -> list[dict[str, Any]]:
    """The whole suite here and at ``old``, alternating, ``rounds`` times each
    (``extra``: more pytest arguments, e.g. ``--durations=30``)."""
    old_root = _old_checkout(old, where)
    env = {**os.environ, "CI": "1"}
    rows = []
    for i in range(rounds):
        for label, root in (("new", ROOT), ("old", old_root)):
            load = os.getloadavg()[0]
            cmd = [str(root / ".venv/bin/pytest"), "-q", "-p", "no:cacheprovider", *(extra or [])]
            run = timed(cmd, root, env)
            row = {"suite": label, "round": i + 1, "load_before": round(load, 2), **run,
                   **_counts(run["summary"])}  # fmt: skip
            rows.append(row)
            print(
                f"{label} #{i + 1}: {run['cpu_s']:.1f} s CPU, {run['wall_s']:.1f} s wall, "
                f"load {load:.1f} before: {run['summary']}",
                flush=True,
            )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    f = sub.add_parser("files", help="each test file alone, -n 0")
    f.add_argument("files", nargs="+")
    c = sub.add_parser("compare", help="the whole suite here and at another commit")
    c.add_argument("--old", default="99a97b5", help="the commit to compare with")
    c.add_argument("--where", type=Path, default=Path("/tmp/gcmod-suite-old"),
                   help="the old commit's worktree (made if missing)")  # fmt: skip
    c.add_argument("--rounds", type=int, default=1)
    c.add_argument("--pytest-args", default="", help="more pytest arguments, one string")
    for p in (f, c):
        p.add_argument("--json", help="write the runs as JSON here (- for stdout)")
    args = ap.parse_args()
    if args.mode == "files":
        rows = per_file(args.files)
    else:
        rows = compare(args.old, args.where, args.rounds, args.pytest_args.split())
    emit_json({"mode": args.mode, "runs": rows}, args.json)


if __name__ == "__main__":
    main()
