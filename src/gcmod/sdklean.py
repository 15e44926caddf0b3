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
it in the SDK's place for the duration of a synth.

The SDK also works out, for every property it serializes, what a type hint
unwraps to (``Optional[T]``, ``Input[T]``, ``InputType[T]`` → ``T``; the
element type of ``Sequence[T]``): ~87,000 times there, each a few calls into
``typing``, for a few hundred distinct hints. These are pure functions of the
hint, so inside :func:`lean_sdk` each hint object's answer is kept
(:func:`_per_hint`: by identity, the object held so its id stays its own;
an exception is raised again each time, never kept). (Answering the SDK's
per-class type lookups from a table was tried too: no gain measurable above
the noise, so it is not done.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from gcmod.byidentity import ByIdentity


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


def _per_hint(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``fn``, a pure function of a type hint, answering each hint object once."""
    answers = ByIdentity()

    def per_hint(hint: Any) -> Any:
        return answers.get(hint, lambda: fn(hint))

    per_hint.__wrapped__ = fn  # type: ignore[attr-defined]
    return per_hint


#: The SDK's pure functions of a type hint, as (module, name): what
#: ``serialize_property`` and ``translate_output_properties`` ask per property.
HINT_FUNCTIONS: tuple[tuple[str, str], ...] = (
    ("pulumi._types", "unwrap_type"),
    ("pulumi._types", "unwrap_optional_type"),
    ("pulumi.runtime.rpc", "_get_list_element_type"),
)


def _stand_ins() -> Iterator[tuple[str, str, Callable[[Any], Any]]]:
    """What :func:`lean_sdk` replaces: (module, name, stand-in for the SDK's function)."""
    yield "pulumi.runtime.rpc", "contains_unknowns", lambda _sdks: contains_unknowns
    for module_name, name in HINT_FUNCTIONS:
        yield module_name, name, _per_hint


@contextmanager
def lean_sdk() -> Iterator[None]:
    """Inside the block, the SDK's ``rpc.contains_unknowns`` is
    :func:`contains_unknowns` and its :data:`HINT_FUNCTIONS` answer each hint once."""
    import importlib

    replaced: list[tuple[Any, str, Any]] = []
    try:
        for module_name, name, stand_in in _stand_ins():
            module = importlib.import_module(module_name)
            original = getattr(module, name)
            replaced.append((module, name, original))
            setattr(module, name, stand_in(original))
        yield
    finally:
        for module, name, original in reversed(replaced):
            setattr(module, name, original)
