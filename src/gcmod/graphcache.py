"""The graph cache: a synthesized graph is kept, and reused while nothing it
depends on has changed.

Where: ``$GCMOD_CACHE_DIR``, else ``$XDG_CACHE_HOME/gcmod``, else
``~/.cache/gcmod``; one file per graph in ``graphs/``. ``--no-cache`` skips
it, ``gcmod cache clear`` empties it.

The key is a SHA-256 over everything that can change the graph:

* the cache format, the Python version, the installed ``pulumi``,
  ``pulumi-aws``, ``gcmod`` and ``pydantic`` (it validates the stack file)
  versions, and the bytes of gcmod's own source (its components, the
  program, the mock runtime and its answers to data sources all live there)
  and of its packaged price catalogue (the default budgets are priced with it);
* a gcmod stack: its name and the bytes of its stack file, and the month the
  shutdown schedules start from when the file sets none (the current month in
  Asia/Tokyo);
* a ``--project`` program: ``Pulumi.yaml``, the stack file and the config the
  engine would pass, the stack-reference outputs given, today's date (Asia/
  Tokyo; a program may read the clock), and every file under the project
  folder (hidden folders, ``__pycache__``, ``node_modules`` and virtual
  environments left out). When the program runs in this process
  (:func:`gcmod.project.synth_project`), modules it imported from outside the
  project and outside installed packages (an editable install of the vendor's
  own library, say) are recorded with their hashes and checked on each hit; the
  CLI runs programs in a child process (:mod:`gcmod.childrun`), where they are
  not seen.

Not in the key: environment variables a program reads, and installed
packages other than those above (upgrade one and use ``--no-cache``). The usage
file is not in it either: it changes the estimate, not the graph, and is read
on every run.

An entry is a JSON header line (format, key, SHA-256 of the graph text) and the
graph's JSON (docs/graph.md). A file that does not parse, names another key or
format, or fails its checksum is ignored and replaced by a new synth; nothing in
it is trusted or executed (JSON only, never pickle).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gcmod.graph import ResourceGraph

if TYPE_CHECKING:
    from gcmod.config import StackConfig
    from gcmod.project import ProjectStack
    from gcmod.stackfiles import StackRef
    from gcmod.synth import RunLog

FORMAT = "gcmod-graph-cache"
FORMAT_VERSION = 1
ENV_DIR = "GCMOD_CACHE_DIR"
#: Entries kept; the least recently used beyond this are removed on write.
MAX_ENTRIES = 200
#: A project folder with more files or bytes than this is not cached (hashing
#: it would cost more than it saves); it is synthesized every time.
MAX_PROJECT_FILES = 5000
MAX_PROJECT_BYTES = 64 * 1024 * 1024
_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "dist-packages"})


def cache_dir() -> Path:
    """The cache folder (not created here)."""
    given = os.environ.get(ENV_DIR)
    if given:
        return Path(given)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "gcmod"


def graphs_dir() -> Path:
    return cache_dir() / "graphs"


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------
def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: Path) -> str:
    try:
        return _sha(path.read_bytes())
    except OSError:
        return "missing"


@cache
def _versions() -> dict[str, str]:
    from importlib import metadata

    out = {"python": sys.version}
    for dist in ("pulumi", "pulumi-aws", "gcmod", "pydantic"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "none"
    return out


def _gcmod_roots() -> list[Path]:
    """Folders of gcmod's code that a synth runs: the package and its components."""
    import importlib.util

    roots: list[Path] = []
    for name in ("gcmod", "gcmod.components"):
        spec = importlib.util.find_spec(name)
        for loc in (spec.submodule_search_locations or []) if spec else []:
            roots.append(Path(loc).resolve())
    return roots


@cache
def gcmod_source_digest() -> str:
    """SHA-256 over the path and bytes of every ``.py`` file of gcmod's package and
    components (a changed component, mock answer or program is a new key), and of
    the packaged price catalogue (the platform's default budgets are priced with it,
    :mod:`gcmod.cost.guardrails`)."""
    h = hashlib.sha256()
    for root in _gcmod_roots():
        for path in sorted([*root.rglob("*.py"), *root.glob("data/prices.yaml")]):
            if "__pycache__" in path.parts:
                continue
            h.update(path.relative_to(root).as_posix().encode() + b"\0")
            h.update(_sha(path.read_bytes()).encode())
    return h.hexdigest()


def _jst_today() -> dt.date:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()


def _key(parts: Mapping[str, Any]) -> str:
    base = {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "versions": _versions(),
        "gcmod": gcmod_source_digest(),
        **parts,
    }
    return _sha(json.dumps(base, sort_keys=True, ensure_ascii=False, default=str).encode())


def stack_key(ref: StackRef, horizon_start: dt.date | None = None) -> str:
    """The key of a gcmod stack's graph."""
    start = horizon_start or _jst_today().replace(day=1)
    return _key(
        {
            "kind": "stack",
            "stack": ref.name,
            "stackFile": _file_sha(ref.path),
            "horizonMonth": start.replace(day=1).isoformat(),
        }
    )


def _project_files(directory: Path) -> list[tuple[str, str]] | None:
    """(relative path, SHA-256) of every file of a project, or None when it is over
    the size limits."""
    out: list[tuple[str, str]] = []
    total = 0
    for root, dirs, files in os.walk(directory):
        here = Path(root)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in _SKIP_DIRS
            and not (here / d / "pyvenv.cfg").exists()
        )
        for name in sorted(files):
            path = here / name
            if name.endswith((".pyc", ".pyo")) or not path.is_file():
                continue
            total += path.stat().st_size
            if len(out) >= MAX_PROJECT_FILES or total > MAX_PROJECT_BYTES:
                return None
            out.append((path.relative_to(directory).as_posix(), _file_sha(path)))
    return out


def project_key(ps: ProjectStack, stack_references: Mapping[str, Any] | None) -> str | None:
    """The key of a project stack's graph, or None when the project is too big to hash."""
    files = _project_files(ps.project.directory)
    if files is None:
        return None
    return _key(
        {
            "kind": "project",
            "project": ps.project.name,
            "projectFile": _file_sha(ps.project.file),
            "main": str(ps.project.main.relative_to(ps.project.directory)),
            "stack": ps.name,
            "stackFile": _file_sha(ps.file),
            "config": ps.config,
            "secretKeys": list(ps.secret_keys),
            "region": ps.region,
            "stackReferences": stack_references,
            "today": _jst_today().isoformat(),
            "files": files,
        }
    )


# ---------------------------------------------------------------------------
# Entries
# ---------------------------------------------------------------------------
@dataclass
class Entry:
    """A graph read back from the cache, with what its run reported."""

    graph: ResourceGraph
    calls: dict[str, int] = field(default_factory=dict)
    stack_references: dict[str, bool] = field(default_factory=dict)


def _entry_path(key: str) -> Path:
    return graphs_dir() / f"{key}.json"


def load(key: str) -> Entry | None:
    """The entry stored under ``key``, or None when there is none or it cannot be
    trusted (unreadable, another format or key, checksum mismatch, bad graph, a
    recorded module that changed)."""
    path = _entry_path(key)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head, sep, body = data.partition(b"\n")
    if not sep:
        return None
    try:
        header = json.loads(head)
        if (
            not isinstance(header, dict)
            or header.get("format") != FORMAT
            or header.get("formatVersion") != FORMAT_VERSION
            or header.get("key") != key
            or header.get("graphSha256") != _sha(body)
        ):
            return None
        for dep in header.get("modules") or []:
            if _file_sha(Path(dep["path"])) != dep["sha256"]:
                return None
        graph = ResourceGraph.from_json(json.loads(body))
        calls = {str(k): int(v) for k, v in (header.get("calls") or {}).items()}
        refs = {str(k): bool(v) for k, v in (header.get("stackReferences") or {}).items()}
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    try:
        os.utime(path)  # most recently used
    except OSError:
        pass
    return Entry(graph, calls, refs)


def store(
    key: str,
    graph: ResourceGraph,
    log: RunLog | None = None,
    modules: Iterable[Path] = (),
) -> bool:
    """Write ``graph`` under ``key`` (atomically); False when the cache folder
    cannot be written (the run goes on without it)."""
    body = graph.dumps(separators=(",", ":")).encode()
    header = {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "key": key,
        "graphSha256": _sha(body),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "stack": graph.stack,
        "project": graph.project,
        "calls": dict(log.calls) if log else {},
        "stackReferences": dict(log.stack_references) if log else {},
        "modules": [{"path": str(p), "sha256": _file_sha(p)} for p in sorted(set(modules))],
    }
    folder = graphs_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "wb") as f:
            f.write(json.dumps(header, ensure_ascii=False).encode() + b"\n" + body)
        os.replace(tmp, _entry_path(key))
    except OSError:
        return False
    _prune(folder)
    return True


def _entries(folder: Path) -> list[Path]:
    return [p for p in folder.glob("*.json") if len(p.stem) == 64]


def _prune(folder: Path) -> None:
    entries = _entries(folder)
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime)
    for p in entries[: len(entries) - MAX_ENTRIES]:
        p.unlink(missing_ok=True)


def clear() -> tuple[int, int]:
    """Remove every cached graph; returns (entries, bytes) removed."""
    folder = graphs_dir()
    if not folder.is_dir():
        return 0, 0
    n = size = 0
    for p in [*_entries(folder), *folder.glob(".tmp-*.json")]:
        try:
            size += p.stat().st_size
            p.unlink()
            n += 1
        except OSError:
            continue
    return n, size


def info() -> dict[str, Any]:
    folder = graphs_dir()
    entries = _entries(folder) if folder.is_dir() else []
    return {
        "path": str(folder),
        "entries": len(entries),
        "bytes": sum(p.stat().st_size for p in entries),
    }


# ---------------------------------------------------------------------------
# Synth through the cache
# ---------------------------------------------------------------------------
def _status(what: str):
    from gcmod.progress import status

    return status(f"synthesizing {what}", f"{what} を合成中")


def synth_stack(
    ref: StackRef,
    *,
    use_cache: bool = True,
    horizon_start: dt.date | None = None,
    cfg: StackConfig | None = None,
) -> tuple[StackConfig, ResourceGraph]:
    """:func:`gcmod.program.synth_stack` through the cache: the stack file is
    validated every time (same errors; ``cfg``: already validated by the caller),
    the graph comes from the cache when its key is there."""
    from gcmod.config import load_stack_file

    cfg = cfg if cfg is not None else load_stack_file(ref.path)
    key = stack_key(ref, horizon_start) if use_cache else None
    if key is not None:
        hit = load(key)
        if hit is not None:
            return cfg, hit.graph
    from gcmod.program import synth_config

    with _status(ref.name):
        graph = synth_config(cfg, ref.name, horizon_start)
    if key is not None:
        store(key, graph)
    return cfg, graph


def stack_graph(
    ref: StackRef,
    *,
    use_cache: bool = True,
    horizon_start: dt.date | None = None,
    cfg: StackConfig | None = None,
) -> ResourceGraph:
    """The graph alone. A hit skips validating the stack file: an entry is only
    written after the same bytes validated and synthesized under the same gcmod
    source and versions (all in the key), so the answer would be the same; a
    warm ``gcmod check`` then imports neither pydantic nor pulumi_aws."""
    if use_cache:
        hit = load(stack_key(ref, horizon_start))
        if hit is not None:
            return hit.graph
    return synth_stack(ref, use_cache=use_cache, horizon_start=horizon_start, cfg=cfg)[1]


def graph_of(use_cache: bool) -> Callable[[StackRef], tuple[StackConfig, ResourceGraph]]:
    """``ref -> (config, graph)`` for callers that take a synth function."""
    return lambda ref: synth_stack(ref, use_cache=use_cache)


def _loose_modules(before: set[str], project_dir: Path) -> list[Path]:
    """Files of modules imported since ``before`` that no key covers: not the
    standard library, not an installed package, not the project, not gcmod."""
    import sysconfig

    covered = [
        Path(sysconfig.get_paths()[k]).resolve() for k in ("stdlib", "platstdlib", "purelib")
    ]
    covered += [project_dir.resolve(), *_gcmod_roots()]
    out = []
    for name in set(sys.modules) - before:
        file = getattr(sys.modules.get(name), "__file__", None)
        if not file:
            continue
        path = Path(file).resolve()
        if {"site-packages", "dist-packages"} & set(path.parts):
            continue
        if any(path.is_relative_to(c) for c in covered) or not path.is_file():
            continue
        out.append(path)
    return out


def synth_project(
    ps: ProjectStack,
    stack_references: Mapping[str, Any] | None,
    run: Callable[[RunLog], ResourceGraph],
    log: RunLog | None = None,
    *,
    use_cache: bool = True,
) -> ResourceGraph:
    """``run(log)`` (the project's synth) through the cache; on a hit ``log``
    gets the data sources and stack references the cached run reported."""
    from gcmod.synth import RunLog

    log = log if log is not None else RunLog()
    key = project_key(ps, stack_references) if use_cache else None
    if key is not None:
        hit = load(key)
        if hit is not None:
            log.calls.update(hit.calls)
            log.stack_references.update(hit.stack_references)
            return hit.graph
    before = set(sys.modules)
    with _status(ps.label):
        graph = run(log)
    if key is not None:
        store(key, graph, log, _loose_modules(before, ps.project.directory))
    return graph
