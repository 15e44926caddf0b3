"""Small helpers the rule modules share: unknown values, lists, names, texts.

Props reach rules wrapped by the engine's unknown-checking proxy: reading a
value that is not known before deployment raises ``UnknownValueError``, which
the engine reports as an advisory "can't run during preview". These helpers
let a rule decide what it can and defer the rest, the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import UnknownValueError

from gcmod.policies.model import Finding, Res
from gcmod.terminology import ENVIRONMENT_SHORT_JA

#: The guidance the rules cite, as the source deck (2025-10) names it.
GUIDE_EN = (
    "the Digital Agency's cost-optimisation approach guide for the Government Cloud "
    "(v1.0, 2025-03-24)"
)
GUIDE_JA = (
    "デジタル庁「ガバメントクラウドの適切な利用によるコスト最適化のアプローチガイド」"
    "第1.0版 (2025年3月24日)"
)

#: Japanese names of the environments, for messages.
ENV_JA: dict[str, str] = ENVIRONMENT_SHORT_JA


def env_ja(env: str) -> str:
    return ENV_JA.get(env, env)


class _Unknown:
    """A value that is not known before deployment (see :func:`peek`)."""

    def __repr__(self) -> str:
        return "UNKNOWN"


#: What :func:`peek` returns for a value not known before deployment.
UNKNOWN: Any = _Unknown()


def peek(obj: Any, path: str, default: Any = None) -> Any:
    """Value at a dotted path of a prop mapping (or a :class:`Res`), without raising:
    ``default`` when absent or null, :data:`UNKNOWN` when not known before deployment.

    For checks that can decide without the value (presence, matching); where the
    decision needs the value, read it with ``res.get`` and let the unknown raise.
    """
    cur: Any = obj.props if isinstance(obj, Res) else obj
    try:
        for part in path.split("."):
            if isinstance(cur, Mapping):
                if part not in list(cur):  # iterating keys never raises
                    return default
                cur = cur[part]
            elif isinstance(cur, Sequence) and not isinstance(cur, str) and part.isdigit():
                if int(part) >= len(cur):
                    return default
                cur = cur[int(part)]
            else:
                return default
            if cur is None:
                return default
    except UnknownValueError:
        return UNKNOWN
    return cur


def known(res: Res, path: str, default: Any = None) -> Any:
    """A prop used only to link or describe resources: unknown is as good as absent."""
    value = peek(res, path, default)
    return default if value is UNKNOWN else value


def known_or_none(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, or None when it reads a value unknown before deployment
    (for optional evidence such as a resourceId that only links resources)."""
    try:
        return fn(*args)
    except UnknownValueError:
        return None


def each(things: Iterable[Any], check: Callable[[Any], Iterable[Finding]]) -> Iterator[Finding]:
    """Findings of ``check`` for each thing in a stack rule. A value unknown before
    deployment stops only that thing's check: every decidable finding is reported,
    then the first unknown is raised so the engine also says it "can't run"."""
    pending: UnknownValueError | None = None
    for thing in things:
        try:
            yield from check(thing)
        except UnknownValueError as exc:
            pending = pending or exc
    if pending is not None:
        raise pending


class Unknowns:
    """Keeps the first unknown value met, so a check reports what it could
    decide and then says, as the engine does, what it could not."""

    def __init__(self) -> None:
        self.error: UnknownValueError | None = None

    def read(self, fn: Callable[[], Any], default: Any = None) -> Any:
        try:
            return fn()
        except UnknownValueError as exc:
            if self.error is None:
                self.error = exc
            return default

    def items(self, seq: Any) -> Iterator[Any]:
        """Known elements of a list input (unknown elements are remembered)."""
        if not isinstance(seq, Sequence) or isinstance(seq, str):
            return
        for i in range(len(seq)):
            value = self.read(lambda i=i: seq[i])
            if value is not None:
                yield value

    def raise_if_any(self) -> None:
        if self.error is not None:
            raise self.error


def items(value: Any) -> list[Any]:
    """A list-valued prop as a list (absent or not a list: empty)."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    return []


def truthy(value: Any) -> bool:
    """``True``/``"true"`` (launch templates take booleans as strings)."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def names(resources: Sequence[Res], limit: int = 8) -> str:
    """``a, b, c (+N)``: the first ``limit`` resource names."""
    shown = [r.name for r in resources[:limit]]
    more = len(resources) - limit
    return ", ".join(shown) + (f" (+{more})" if more > 0 else "")
