"""The garbage collector tuned for gcmod's hot paths (synth, rules).

The mock runtime allocates many small objects per resource; CPython's default
collection thresholds (700, 10, 10) then spend ~40% of a synth's CPU in the
collector finding almost nothing (measured: benchmarks/bench_cli.py,
docs/performance.md). A ``gcmod`` command collects the youngest generation
after 50,000 allocations instead of 700 (:func:`tune_process`). Inside
:func:`fewer_collections` the objects alive before the step are frozen out of
the collector's sight and the youngest generation is collected after
1,000,000 allocations: almost everything a synth or a check allocates stays
alive until the step ends (the SDK's outputs, futures and registrations, the
policies' views), so collecting it every 50,000 allocations only walked live
objects (~2 s of a 1,000-tenant check; the garbage left for the next collection
was ~20 MiB). At exit the command skips the interpreter's last full collection
of a heap about to be freed anyway (~4 s there). In the ``gcmod`` executable
(:func:`one_shot_process`), what a step leaves alive is frozen at its end too,
instead of walked by the next collection (~0.9 s of that check): a command
runs a step or two and exits, and after :mod:`gcmod.sdklean` a synth leaves
almost no cyclic garbage (12 objects in the 1,000-tenant check) to keep.
Nothing else changes: output is identical.
"""

from __future__ import annotations

import atexit
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Collection thresholds of a ``gcmod`` command (gen0 allocations, gen1, gen2).
THRESHOLDS = (50_000, 20, 20)
#: Collection thresholds inside a tuned step (:func:`fewer_collections`): the
#: youngest generation at most every 1,000,000 allocations, a bound on the
#: cyclic garbage a step can leave uncollected.
STEP_THRESHOLDS = (1_000_000, 20, 20)

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


_exit_freeze_registered = False
_one_shot = False


def one_shot_process() -> None:
    """Declare this process one ``gcmod`` command that exits when done (the
    executable's entry point, never a test runner or a library user): the end
    of each :func:`fewer_collections` step freezes what the step left alive
    instead of handing it back to the collector, which would walk all of it
    once more to find next to no garbage."""
    global _one_shot
    _one_shot = True


def tune_process() -> None:
    """For a whole ``gcmod`` command: :data:`THRESHOLDS` from the start, so its
    imports (pydantic models, protobuf descriptors, the rule modules) are not
    interrupted by collections either (~0.1 s of a warm ``gcmod check``); and
    at exit, after every ``atexit`` handler registered since, the heap is frozen,
    so the interpreter's final collection does not walk it (the operating system
    frees it; Python never promised finalizers of objects alive at exit)."""
    global _exit_freeze_registered
    gc.set_threshold(*THRESHOLDS)
    if not _exit_freeze_registered:
        atexit.register(gc.freeze)
        _exit_freeze_registered = True


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with :data:`STEP_THRESHOLDS` and the objects alive before it frozen;
    the previous thresholds are restored afterwards (re-entrant, thread-safe)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(*STEP_THRESHOLDS)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                if _one_shot:
                    gc.freeze()  # kept, not walked again: the process ends soon
                gc.set_threshold(*_saved)
                if not _one_shot:
                    gc.unfreeze()
                _saved = None
