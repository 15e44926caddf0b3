"""Instructions a synth takes, counted by valgrind: a figure the machine's load cannot move.

Usage: python benchmarks/bench_synth_instructions.py [--tenants 100] [--python EXE]
                                                     [--without inline,hints] [--json [PATH]]

CPU time on a shared 2-core machine varies ±10–15 % from run to run, which
hides a change of a few per cent. Valgrind's cachegrind (``--cache-sim=no``)
counts the user-space instructions a process executes, the same on every run
whatever the load. Two processes are counted: one imports gcmod and
synthesizes a 1-tenant stack (``base``), the other does the same and then
synthesizes the N-tenant stack of :mod:`bench_tenants`; the difference is the
N-tenant synth's own count. Kernel work (thread switches, system calls) is not
counted, and the run takes ~40× longer than without valgrind.

``--python`` counts another installation (e.g. a worktree of the commit before
a change, with its own venv; its bytecode compiled first). ``--without``
switches off, in this tree, the synth's monitor calls answered inline
(``inline``: ``gcmod.synth._inline_calls``) or the type-hint answers
(``hints``: ``gcmod.sdklean.HINT_FUNCTIONS``), to count what each saves.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench_tenants import write_stack  # benchmarks/ is on sys.path
from benchlib import emit_json

#: The measured process: arguments are the stacks to synthesize, in order.
CHILD = r"""
import contextlib, sys
from gcmod import sdklean, synth
from gcmod.program import synth_stack
from gcmod.stackfiles import resolve
without = set(filter(None, sys.argv[1].split(",")))
if "inline" in without:
    synth._inline_calls = contextlib.nullcontext
if "hints" in without:
    sdklean.HINT_FUNCTIONS = ()
for path in sys.argv[2:]:
    synth_stack(resolve(path))
"""
SWITCHES = ("inline", "hints")


def instructions(python: str, without: str, stacks: list[Path]) -> int:
    """User-space instructions of one child process synthesizing ``stacks``."""
    out = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         python, "-c", CHILD, without, *map(str, stacks)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if not found:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--tenants", type=int, default=100, help="tenants of the stack (default 100)")
    ap.add_argument("--python", default=sys.executable, help="the Python of the gcmod to count")
    ap.add_argument("--without", default="", help=f"comma-separated, of {', '.join(SWITCHES)}")
    ap.add_argument("--json", metavar="PATH", nargs="?", const="-", help="write JSON (- = stdout)")
    opts = ap.parse_args()
    unknown = set(filter(None, opts.without.split(","))) - set(SWITCHES)
    if unknown:
        ap.error(f"--without: unknown {', '.join(sorted(unknown))}; allowed: {', '.join(SWITCHES)}")
    with tempfile.TemporaryDirectory(prefix="gcmod-bench-") as tmp:
        for sub in ("one", "many"):
            (Path(tmp) / sub).mkdir()
        one = write_stack(Path(tmp) / "one", 1)
        many = write_stack(Path(tmp) / "many", opts.tenants)
        base = instructions(opts.python, opts.without, [one])
        total = instructions(opts.python, opts.without, [one, many])
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": opts.python,
        "without": opts.without,
        "tenants": opts.tenants,
        "base_instructions": base,
        "total_instructions": total,
        "synth_instructions": total - base,
    }
    print(
        f"{opts.tenants}-tenant synth: {(total - base) / 1e9:.2f} G instructions "
        f"(process {total / 1e9:.2f} G, base {base / 1e9:.2f} G; {opts.python}"
        f"{', without ' + opts.without if opts.without else ''})",
        file=sys.stderr,
    )
    emit_json(report, opts.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
