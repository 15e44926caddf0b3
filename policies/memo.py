"""One check's memo: values computed once per object while a check runs.

Inside :func:`scope` (this thread only), :func:`remembered` computes a value
once per ``(tag, object)`` and hands the same value to every later caller:
the harness uses it for each resource's converted properties (read by ~60
policies), the pack for the rules' view of the stack (read by every stack
rule). Outside a scope it computes every time, so the pack served over gRPC
behaves exactly as pulumi-policy's servicer does. What is remembered is
shared, so it must be read-only to its readers: tests/test_hotpath.py checks
that no rule writes to a shared view.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from gcmod.byidentity import ByIdentity

_memo = threading.local()


def table() -> dict[Any, tuple[Any, Any]] | None:
    """The current scope's table (``(tag, id) -> (object, value)``), or None outside one."""
    current = getattr(_memo, "table", None)
    return None if current is None else current.kept


def remembered(tag: str, obj: Any, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per ``(tag, obj)`` inside :func:`scope` (by identity:
    :class:`gcmod.byidentity.ByIdentity`); outside it, every time."""
    current = getattr(_memo, "table", None)
    if current is None:
        return compute()
    return current.get(obj, compute, tag)


@contextmanager
def scope() -> Iterator[None]:
    """Remember in this thread for the block (nested scopes share the outer table)."""
    outer = getattr(_memo, "table", None)
    _memo.table = ByIdentity() if outer is None else outer
    try:
        yield
    finally:
        _memo.table = outer
