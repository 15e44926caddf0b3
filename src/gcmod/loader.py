"""Reading the YAML and JSON files gcmod is given: one loader, one set of limits.

Every file gcmod reads (stack files, usage files, ``Pulumi.yaml``, stack
reference outputs, policy configs, price catalogues, ``catalog.json``) goes
through :func:`load_yaml` or :func:`load_json`, which refuse, before or while
parsing and never with a traceback:

* a file larger than :data:`MAX_BYTES` (checked before it is read);
* bytes that are not UTF-8 (a leading BOM is accepted);
* a key given twice in one mapping (YAML and JSON both let the last one win
  silently; the YAML spec requires unique keys);
* a key that is not text (``1: x``), unless the caller accepts integer keys;
* alias expansion beyond :data:`MAX_NODES` values, and recursive aliases (a
  "billion laughs" file is refused from its structure, never expanded);
* nesting deeper than :data:`MAX_DEPTH`;
* a date that is not in the calendar (``2026-02-30``), an integer longer than
  Python converts, and non-finite numbers (``.inf``, ``.nan``, ``NaN``,
  ``Infinity``, ``1e999``).

Each error is a :class:`LoadError` naming the file, the line, the key path and
what is allowed. Values shown in messages go through :func:`shown`, which
stops after a few dozen characters however large the value is.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

#: Largest file gcmod reads (bytes). Japan has 1,741 municipalities: a stack
#: file serving every one of them is about 110 KB, and the packaged price
#: catalogue is 70 KB. A larger file (over some 17,000 tenants) is refused
#: before it is read (timings: docs/performance.md, benchmarks/bench_loader.py).
MAX_BYTES = 1024 * 1024
#: Most values (scalars, lists, mappings) a document may hold once its aliases
#: are expanded: an upper bound on the work every later step does.
MAX_NODES = 2_000_000
#: Deepest nesting of lists and mappings.
MAX_DEPTH = 64

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LoadError(ValueError):
    """A file gcmod cannot read as given. ``str()`` is ``<file>: <detail>``."""

    def __init__(self, path: str | Path, detail: str, *, line: int | None = None, key: str = ""):
        self.path = str(path)
        self.line = line
        self.key = key
        self.detail = detail
        super().__init__(f"{self.path}: {detail}")


def shown(value: Any, limit: int = 80) -> str:
    """``value`` as compact JSON-like text, cut at ``limit`` characters; only as
    much of the value is visited as is shown (safe on huge or shared values)."""
    out: list[str] = []
    size = 0
    for token in _tokens(value):
        out.append(token)
        size += len(token)
        if size > limit:
            return "".join(out)[: max(limit - 3, 1)] + "..."
    return "".join(out)


def _tokens(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        yield "{"
        for i, (k, v) in enumerate(value.items()):
            yield (", " if i else "") + json.dumps(str(k), ensure_ascii=False) + ": "
            yield from _tokens(v)
        yield "}"
    elif isinstance(value, list | tuple):
        yield "["
        for i, v in enumerate(value):
            if i:
                yield ", "
            yield from _tokens(v)
        yield "]"
    elif isinstance(value, str):
        yield json.dumps(value[:200], ensure_ascii=False)
    elif value is None or isinstance(value, bool | int | float):
        yield (
            json.dumps(value) if not isinstance(value, int) or value.bit_length() < 200 else "<int>"
        )
    else:
        yield json.dumps(str(value)[:200], ensure_ascii=False)


def read_text(path: Path, *, limit: int = MAX_BYTES) -> str:
    """The file's text: at most ``limit`` bytes (checked before reading), strict
    UTF-8. ``OSError`` (missing file, a folder, no permission) is left to the caller."""
    size = path.stat().st_size
    if size > limit:
        raise LoadError(
            path,
            f"the file is {size / 1024 / 1024:.1f} MiB; gcmod reads files of at most "
            f"{limit // 1024 // 1024} MiB",
        )
    with path.open("rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:  # grew, or a special file that reports no size
        raise LoadError(path, f"the file is larger than {limit // 1024 // 1024} MiB")
    return decode(data, path)


def decode(data: bytes, path: str | Path) -> str:
    """Strict UTF-8 (a leading BOM is dropped), with the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise LoadError(
            path,
            f"line {line}, column {column}: byte 0x{data[start]:02x} is not UTF-8; "
            "save the file as UTF-8 (Shift_JIS and other encodings are not read)",
            line=line,
        ) from None


# ---------------------------------------------------------------------------
# YAML
# ---------------------------------------------------------------------------
class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader; the checks run on the composed node graph before construction."""


def _path(parts: tuple[Any, ...]) -> str:
    """``a.b[0].c``, cut to 120 characters."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
        if len(out) > 120:
            return out[:117] + "..."
    return out or "(top level)"


def _key_text(node: Node) -> str:
    return shown(node.value, 60) if isinstance(node, ScalarNode) else f"<a {node.id}>"


def _check_nodes(root: Node, source: str, int_keys: bool) -> None:
    """Expanded size, cycles, depth, key types, duplicate keys, scalars that do
    not construct: all from the node graph, each node visited once."""
    size: dict[int, int] = {}
    active: set[int] = set()
    ctor = SafeConstructor()

    def fail(node: Node, parts: tuple[Any, ...], what: str) -> LoadError:
        line = node.start_mark.line + 1
        return LoadError(
            source, f"line {line}: {_path(parts)}: {what}", line=line, key=_path(parts)
        )

    # Iterative post-order walk: (node, key path, depth, children done?)
    stack: list[tuple[Node, tuple[Any, ...], int, bool]] = [(root, (), 0, False)]
    while stack:
        node, parts, depth, done = stack.pop()
        nid = id(node)
        if done:
            active.discard(nid)
            kids = _children(node)
            size[nid] = 1 + sum(size[id(k)] for _p, k in kids)
            if size[nid] > MAX_NODES:
                raise fail(
                    node, parts,
                    f"expands to more than {MAX_NODES:,} values through aliases "
                    "(&anchor / *alias); write the values out or use fewer aliases",
                )  # fmt: skip
            continue
        if nid in size:
            continue
        if nid in active:
            raise fail(node, parts, "a recursive alias (the value contains itself); not allowed")
        if depth > MAX_DEPTH:
            raise fail(node, parts, f"nested deeper than {MAX_DEPTH} levels; not allowed")
        if isinstance(node, ScalarNode):
            _check_scalar(node, parts, ctor, fail)
            size[nid] = 1
            continue
        if isinstance(node, MappingNode):
            _check_keys(node, parts, int_keys, fail)
        active.add(nid)
        stack.append((node, parts, depth, True))
        for part, child in reversed(_children(node)):
            stack.append((child, (*parts, part), depth + 1, False))


def _children(node: Node) -> list[tuple[Any, Node]]:
    if isinstance(node, SequenceNode):
        return list(enumerate(node.value))
    if isinstance(node, MappingNode):
        return [(_key_label(k), v) for k, v in node.value]
    return []


def _key_label(key: Node) -> Any:
    return key.value if isinstance(key, ScalarNode) else "<key>"


def _check_keys(node: MappingNode, parts: tuple[Any, ...], int_keys: bool, fail: Any) -> None:
    seen: set[tuple[str, str]] = set()
    for key, _value in node.value:
        if key.tag == _MERGE:
            continue  # ``<<: *defaults``: overriding merged keys is what merging is for
        if not isinstance(key, ScalarNode) or not (
            key.tag == _STR or (int_keys and key.tag == _INT)
        ):
            kind = key.tag.rsplit(":", 1)[-1] if isinstance(key, ScalarNode) else "collection"
            raise fail(
                key, parts,
                f"key {_key_text(key)} is not text (YAML reads it as {kind}); keys must be "
                "text: quote it, e.g. \"1\"",
            )  # fmt: skip
        ident = (key.tag, key.value)
        if ident in seen:
            raise fail(
                key, (*parts, key.value),
                "duplicate key: given twice in the same mapping; give each key once "
                "(otherwise the last one would win silently)",
            )  # fmt: skip
        seen.add(ident)


def _check_scalar(node: ScalarNode, parts: tuple[Any, ...], ctor: Any, fail: Any) -> None:
    if node.tag == _TIMESTAMP:
        try:
            ctor.construct_yaml_timestamp(node)
        except ValueError as exc:
            raise fail(
                node, parts,
                f"{shown(node.value, 40)} is not a calendar date ({exc}); "
                "allowed: a real date YYYY-MM-DD",
            ) from None  # fmt: skip
    elif node.tag == _FLOAT:
        value = ctor.construct_yaml_float(node)
        if not math.isfinite(value):
            raise fail(
                node, parts,
                f"{shown(node.value, 40)} is not a finite number; .inf, .nan and "
                "numbers beyond ±1.8e308 are not allowed",
            )  # fmt: skip
    elif node.tag == _INT:
        try:
            ctor.construct_yaml_int(node)
        except ValueError:
            raise fail(node, parts, "an integer too long to read; not allowed") from None


def parse_yaml(text: str, source: str | Path, *, int_keys: bool = False) -> Any:
    """One YAML document (safe types only), checked as the module describes;
    ``None`` for an empty document."""
    source = str(source)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as exc:
            raise syntax_error(source, exc) from None
        except RecursionError:
            raise LoadError(source, f"nested deeper than {MAX_DEPTH} levels; not allowed") from None
        if node is None:
            return None
        _check_nodes(node, source, int_keys)
        try:
            return loader.construct_document(node)
        except yaml.YAMLError as exc:  # e.g. a merge key on a non-mapping
            raise syntax_error(source, exc) from None
    finally:
        loader.dispose()


def syntax_error(source: str, exc: yaml.YAMLError) -> LoadError:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return LoadError(
        source, f"not valid YAML{where}: {problem}", line=mark.line + 1 if mark else None
    )


def load_yaml(path: Path, *, int_keys: bool = False, limit: int = MAX_BYTES) -> Any:
    """Read and parse a YAML file (see the module). ``OSError`` is left to the caller."""
    return parse_yaml(read_text(path, limit=limit), path, int_keys=int_keys)


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------
class _Bad:
    """Stands in for a value the JSON parser met that is not allowed."""

    def __init__(self, what: str, token: str):
        self.what, self.token = what, token


class _Dup(dict):
    """An object in which ``key`` was given twice."""

    key: str = ""


def _pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in items:
        if k in out:
            dup = _Dup(out)
            dup.key = k
            return dup
        out[k] = v
    return out


def _constant(name: str) -> Any:
    return _Bad(f"{name} is not a finite number; NaN and Infinity are not allowed", name)


def _float(text: str) -> Any:
    value = float(text)
    if not math.isfinite(value):
        return _Bad(f"{text[:40]} is not a finite number (beyond ±1.8e308); not allowed", text)
    return value


def _first_bad(value: Any) -> tuple[tuple[Any, ...], str, str] | None:
    """(key path, problem, token to find the line by) of the first refused value."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ())]
    while stack:
        v, parts = stack.pop()
        if isinstance(v, _Bad):
            return parts, v.what, v.token
        if isinstance(v, _Dup):
            return (
                (*parts, v.key),
                "duplicate key: given twice in the same object; give each key once "
                "(otherwise the last one would win silently)",
                json.dumps(v.key, ensure_ascii=False) + ":",
            )
        if isinstance(v, dict):
            stack += [(x, (*parts, k)) for k, x in reversed(v.items())]
        elif isinstance(v, list):
            stack += [(x, (*parts, i)) for i, x in reversed(list(enumerate(v)))]
    return None


def _line_of(text: str, token: str) -> int | None:
    """Line of the last occurrence of ``token`` (``"key":`` allowing spaces before
    the colon); a duplicate is the later one."""
    pattern = re.escape(token[:-1]) + r"\s*:" if token.endswith(":") else re.escape(token)
    found = None
    for m in re.finditer(pattern, text):
        found = m.start()
        if not token.endswith(":"):
            break
    return None if found is None else text.count("\n", 0, found) + 1


def parse_json(text: str, source: str | Path) -> Any:
    """One JSON value, checked as the module describes."""
    source = str(source)
    try:
        value = json.loads(
            text, object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float
        )
    except json.JSONDecodeError as exc:
        raise LoadError(
            source, f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            line=exc.lineno,
        ) from None  # fmt: skip
    except RecursionError:
        raise LoadError(source, "nested too deeply; not allowed") from None
    except ValueError as exc:  # an integer longer than Python converts
        raise LoadError(source, f"not readable: {exc}") from None
    bad = _first_bad(value)
    if bad is not None:
        parts, what, token = bad
        line = _line_of(text, token)
        where = f"line {line}: " if line else ""
        raise LoadError(source, f"{where}{_path(parts)}: {what}", line=line, key=_path(parts))
    return value


def load_json(path: Path, *, limit: int = MAX_BYTES) -> Any:
    """Read and parse a JSON file (see the module). ``OSError`` is left to the caller."""
    return parse_json(read_text(path, limit=limit), path)
