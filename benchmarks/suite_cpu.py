"""CPU time of the test suite by file and by test (a pytest plugin).

Wall durations (``--durations``) mislead on a shared machine; CPU time does not.
This plugin reads ``os.times()`` (the process's own user + system time plus that
of the children it has waited for: ``gcmod`` subprocesses, moto servers, Chromium
through Playwright's driver) around each test's setup, call and teardown, and
writes one JSON line per test to ``$GCMOD_SUITE_CPU`` (default
``suite-cpu.jsonl``), with its wall time beside (the summary lists the tests
whose wall time most exceeds their CPU: sleeps, timeouts, waits for a core).
Under pytest-xdist every worker appends to the same file.

    .venv/bin/pytest -p suite_cpu -n 0 tests/test_x.py      # PYTHONPATH=benchmarks
    python benchmarks/suite_cpu.py suite-cpu.jsonl [--tests 30]

Module imports made while collecting are not charged to any test (the first
line of a worker's file, ``"<collect>"``, holds them); a module- or
session-scoped fixture is charged to the first test that requests it, as in
``--durations``. Time in the garbage collector (wall, this process only) is
recorded beside it.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


_OUT = Path(os.environ.get("GCMOD_SUITE_CPU", "suite-cpu.jsonl"))
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_phases: dict[str, dict[str, float]] = defaultdict(dict)
#: Seconds this process has spent in the garbage collector (all generations).
_gc = {"total": 0.0, "start": 0.0}


def _gc_timer(phase: str, _info: dict) -> None:
    if phase == "start":
        _gc["start"] = time.perf_counter()
    else:
        _gc["total"] += time.perf_counter() - _gc["start"]


gc.callbacks.append(_gc_timer)


def _write(record: dict) -> None:
    with _OUT.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


def pytest_collection_finish(session: pytest.Session) -> None:
    """The process's CPU time up to the end of collection (imports of every module)."""
    _write({"test": "<collect>", "file": "<collect>", "cpu": _cpu(), "worker": _WORKER})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    _phases[item.nodeid]["gc"] = -_gc["total"]
    _phases[item.nodeid]["wall"] = -time.perf_counter()
    start = _cpu()
    yield
    _phases[item.nodeid]["setup"] = _cpu() - start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    start = _cpu()
    yield
    _phases[item.nodeid]["call"] = _cpu() - start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    start = _cpu()
    yield
    phases = _phases.pop(item.nodeid, {})
    phases["teardown"] = _cpu() - start
    gc_s = phases.pop("gc", 0.0) + _gc["total"]
    wall = phases.pop("wall", 0.0) + time.perf_counter()
    _write(
        {
            "test": item.nodeid,
            "file": item.nodeid.split("::", 1)[0],
            "cpu": sum(phases.values()),
            **phases,
            "gc_wall": round(gc_s, 3),
            "wall": round(wall, 3),
            "worker": _WORKER,
        }
    )


def summarize(path: Path, tests: int = 30) -> None:
    """Print CPU seconds by file (descending) and the ``tests`` costliest tests."""
    by_file: dict[str, float] = defaultdict(float)
    gc_file: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        by_file[rec["file"]] += rec["cpu"]
        gc_file[rec["file"]] += rec.get("gc_wall", 0.0)
        counts[rec["file"]] += 1
        if rec["test"] != "<collect>":
            rows.append(rec)
    total = sum(by_file.values())
    print(
        f"{'CPU s':>8}  {'GC s':>6}  {'tests':>5}  file   (total {total:.1f} s CPU, "
        f"{sum(gc_file.values()):.1f} s in the garbage collector, {len(rows)} tests)"
    )
    for name, cpu in sorted(by_file.items(), key=lambda kv: -kv[1]):
        print(f"{cpu:8.2f}  {gc_file[name]:6.2f}  {counts[name]:5d}  {name}")
    print()
    for rec in sorted(rows, key=lambda r: -r["cpu"])[:tests]:
        detail = " ".join(f"{k}={rec.get(k, 0):.2f}" for k in ("setup", "call", "teardown"))
        print(f"{rec['cpu']:8.2f}  {detail} gc={rec.get('gc_wall', 0):.2f}  {rec['test']}")
    waits = [r for r in rows if "wall" in r]
    if waits:
        # Wall time beyond CPU: sleeps, timeouts, waiting for a core or for a
        # process whose CPU is not counted here (Chromium, a server not waited for).
        print(
            f"\n{'wall s':>8}  {'CPU s':>6}  not running  (per worker: "
            + ", ".join(
                f"{w} {sum(r['wall'] for r in waits if r['worker'] == w):.1f} s wall"
                for w in sorted({r["worker"] for r in waits})
            )
            + ")"
        )
        for rec in sorted(waits, key=lambda r: r["cpu"] - r["wall"])[:tests]:
            idle = rec["wall"] - rec["cpu"]
            print(f"{rec['wall']:8.2f}  {rec['cpu']:6.2f}  {idle:6.2f}  {rec['test']}")


if __name__ == "__main__":
    args = sys.argv[1:]
    n = 30
    if "--tests" in args:
        i = args.index("--tests")
        n = int(args[i + 1])
        del args[i : i + 2]
    summarize(Path(args[0] if args else _OUT), n)
