"""Cost of running a ``--project`` program in a child process (gcmod.childrun).

Usage: python benchmarks/bench_childrun.py [--repeat N] [--program DIR] [--stack NAME]

In one process, as the test-suite and repeated library calls see it: the
first isolated run (fork server start, pulumi and pulumi_aws imported once),
then warm isolated runs, against the same program run in-process
(``gcmod.project.synth_project``, cold then warm). Prints medians in seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_PROGRAM = HERE.parent / "tests" / "fixtures" / "programs" / "modern"


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--program", type=Path, default=DEFAULT_PROGRAM)
    parser.add_argument("--stack", default="prod")
    args = parser.parse_args()

    from gcmod.childrun import synth_isolated
    from gcmod.project import open_stack, synth_project

    ps = open_stack(args.program, args.stack)
    quiet = lambda _text: None  # noqa: E731
    first = _timed(lambda: synth_isolated(ps, relay=quiet))
    warm = [_timed(lambda: synth_isolated(ps, relay=quiet)) for _ in range(args.repeat)]
    cold_in = _timed(lambda: synth_project(ps))
    warm_in = [_timed(lambda: synth_project(ps)) for _ in range(args.repeat)]
    print(f"load average {os.getloadavg()}")
    print(f"isolated, first run (fork server start):  {first:.2f} s")
    print(f"isolated, warm (median of {args.repeat}):          {statistics.median(warm):.2f} s")
    print(f"in-process, cold:                          {cold_in:.2f} s")
    print(f"in-process, warm (median of {args.repeat}):        {statistics.median(warm_in):.2f} s")


if __name__ == "__main__":
    main()
