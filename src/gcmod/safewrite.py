"""Every file gcmod writes goes through here: never outside the folder or file
the user named, never half-written.

* :func:`write_under` writes ``root / rel`` for an output folder the user
  named (``gcmod new DEST``, ``gcmod catalog --out DIR``): ``rel`` must be
  relative with no ``..``; no folder between ``root`` and the file, and not the
  file itself, may be a symbolic link (dangling ones included), so nothing
  lands outside ``root`` through a link left there; missing folders below
  ``root`` are created (the user asked for that tree). ``root`` itself may be
  a link: the user named it.
* :func:`write_file` writes a single file the user named (``--html FILE``, a
  price catalogue being refreshed): its folder must exist (a mistyped folder
  is an error, never created), and the file must not be a link or a folder.
* Both write a temporary file beside the target and rename it over the
  target, so a reader never sees a half-written file and a failure leaves the
  old one in place.

Problems are :class:`UnsafeWrite` (a ``ValueError``; exit 2 in the CLI),
naming the path and what is allowed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePath


class UnsafeWrite(ValueError):
    """A write gcmod refuses. ``str()`` is the user message."""


def _link_problem(path: Path) -> str:
    target = os.readlink(path)
    state = "" if path.exists() else ", dangling"
    return (
        f"{path} is a symbolic link (to {target}{state}); gcmod does not write through "
        "links, so nothing lands outside the output folder: remove the link or choose "
        "another folder"
    )


def check_under(root: Path, rel: str | PurePath) -> Path:
    """The target of ``root / rel`` after the checks :func:`write_under` makes
    (nothing is written or created). Raises :class:`UnsafeWrite`."""
    parts = PurePath(rel).parts
    if not parts or PurePath(rel).is_absolute() or ".." in parts or PurePath(rel).anchor:
        raise UnsafeWrite(f"{rel}: not a relative path inside {root} (no absolute paths, no '..')")
    current = root
    for i, part in enumerate(parts):
        current = current / part
        if current.is_symlink():
            raise UnsafeWrite(_link_problem(current))
        last = i == len(parts) - 1
        if not last and current.exists() and not current.is_dir():
            raise UnsafeWrite(f"{current} exists and is not a folder")
        if last and current.is_dir():
            raise UnsafeWrite(f"{current} exists and is a folder")
    return current


def check_all_under(root: Path, rels: Iterable[str | PurePath]) -> list[str]:
    """Problems of writing each of ``rels`` under ``root`` (empty: all fine)."""
    problems = []
    for rel in rels:
        try:
            check_under(root, rel)
        except UnsafeWrite as exc:
            problems.append(str(exc))
    return problems


def write_under(root: Path, rel: str | PurePath, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``root / rel``, creating missing folders below
    ``root`` (and ``root`` itself); see the module for what is refused."""
    path = check_under(root, rel)
    root.mkdir(parents=True, exist_ok=True)
    folder = root
    for part in PurePath(rel).parts[:-1]:
        folder = folder / part
        with contextlib.suppress(FileExistsError):
            folder.mkdir()
        if folder.is_symlink() or not folder.is_dir():  # appeared since the check
            raise UnsafeWrite(f"{folder} is not a plain folder")
    _replace(path, text)
    return path


def write_file(path: Path, text: str | bytes) -> Path:
    """Write ``text`` (UTF-8; ``bytes`` as they are, e.g. an XLSX workbook) to a
    file the user named; its folder must exist."""
    folder = path.parent
    if not folder.is_dir():
        raise UnsafeWrite(
            f"{path}: the folder {folder} does not exist; create it first "
            "(gcmod creates no folders for an output file)"
        )
    if path.is_symlink():
        raise UnsafeWrite(_link_problem(path))
    if path.is_dir():
        raise UnsafeWrite(f"{path} is a folder; give a file name")
    _replace(path, text)
    return path


def _replace(path: Path, text: str | bytes) -> None:
    """Temporary file in the same folder, then an atomic rename over ``path``
    (a rename replaces a link that appeared meanwhile; it never follows it)."""
    mode = path.stat().st_mode & 0o777 if path.is_file() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".gcmod-tmp", dir=path.parent)
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as fb:
                fb.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
