"""The garbage collector tuned for gcmod's hot paths (synth, rules).

The mock runtime allocates many small, short-lived objects per resource;
CPython's default collection thresholds (700, 10, 10) then spend ~40% of a
synth's CPU in the collector finding almost nothing (measured:
benchmarks/bench_cli.py, docs/performance.md). Inside :func:`fewer_collections`
the objects alive before the step are frozen out of the collector's sight and
the youngest generation is collected after 50,000 allocations instead of 700.
Nothing else changes: cycles are still collected, output is identical.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Collection thresholds inside a tuned step (gen0 allocations, gen1, gen2).
THRESHOLDS = (50_000, 20, 20)

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


def tune_process() -> None:
    """For a whole ``gcmod`` command: :data:`THRESHOLDS` from the start, so its
    imports (pydantic models, protobuf descriptors, the rule modules) are not
    interrupted by collections either (~0.1 s of a warm ``gcmod check``)."""
    gc.set_threshold(*THRESHOLDS)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with :data:`THRESHOLDS` and the objects alive before it frozen;
    the previous thresholds are restored afterwards (re-entrant, thread-safe)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(*THRESHOLDS)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                gc.unfreeze()
                _saved = None
