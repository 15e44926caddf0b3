"""Values computed once per object, by identity.

For objects that are not hashable, or whose equality would mix up objects
that must stay apart (two equal ``ForwardRef`` hints from different modules;
two equal protobuf messages read by different requests): the key is the
object's ``id`` with an optional tag, and the object is kept beside its value,
so the id cannot be reused by another object while the entry lives. Used by a
check's memo (:mod:`gcmod.policies.memo`) and the synth's type-hint answers
(:mod:`gcmod.sdklean`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class ByIdentity:
    """A table of values, one per ``(tag, object)``, the object compared by ``is``."""

    __slots__ = ("kept",)

    def __init__(self) -> None:
        #: ``(tag, id(obj)) -> (obj, value)``.
        self.kept: dict[tuple[Hashable, int], tuple[Any, Any]] = {}

    def get(self, obj: Any, compute: Callable[[], Any], tag: Hashable = None) -> Any:
        """The value kept for ``obj`` (and ``tag``), else ``compute()``, kept.
        An exception from ``compute`` is raised and nothing is kept."""
        key = (tag, id(obj))
        known = self.kept.get(key)
        if known is not None and known[0] is obj:
            return known[1]
        value = compute()
        self.kept[key] = (obj, value)
        return value
