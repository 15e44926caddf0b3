"""Less cyclic garbage from the Pulumi SDK during a synth, with the same answers.

``pulumi.runtime.rpc.contains_unknowns`` defines a recursive inner function on
every call; the function refers to itself through its closure, so each call
leaves a reference cycle (function, cell, annotation tuples) that only the
garbage collector can free. The mock runtime calls it for every output it
resolves: ~78,000 times in the 1,000-tenant stack, about 470,000 objects of
cyclic garbage, and the collector's walks over them were ~1.4 s of that
check's CPU (docs/performance.md). :func:`contains_unknowns` answers the same
question with a module-level recursion that leaves no cycle
(``pulumi.output.contains_unknowns`` and the SDK's invokes call the ``rpc``
module's binding, so one binding covers them all), and :func:`lean_sdk` puts
it in the SDK's place for the duration of a synth. (Answering the SDK's
per-class type lookups from a table was tried too: no gain measurable above
the noise, so it is not done.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def _contains(val: Any, seen: set[int], is_unknown: Any) -> bool:
    if is_unknown(val):
        return True
    val_id = id(val)
    if val_id in seen:
        return False
    seen.add(val_id)
    if isinstance(val, dict):
        return any(_contains(val[k], seen, is_unknown) for k in val)
    if isinstance(val, list):
        return any(_contains(x, seen, is_unknown) for x in val)
    return False


def contains_unknowns(val: Any) -> bool:
    """Whether ``val`` (dicts and lists walked, each object once) holds an
    unknown value: ``pulumi.runtime.rpc.contains_unknowns``, answer for answer."""
    from pulumi.runtime import known_types

    return _contains(val, set(), known_types.is_unknown)


@contextmanager
def lean_sdk() -> Iterator[None]:
    """The SDK's ``rpc.contains_unknowns`` is :func:`contains_unknowns` inside the block."""
    from pulumi.runtime import rpc

    original = rpc.contains_unknowns
    rpc.contains_unknowns = contains_unknowns
    try:
        yield
    finally:
        rpc.contains_unknowns = original
