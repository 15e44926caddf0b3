"""Where a new project installs gcmod from: the ``gcmod`` line of its requirements.txt.

No package index carries gcmod yet, so ``gcmod>=0.1.0`` would fail. The line is:

* ``gcmod new --gcmod-source SOURCE``: a local folder or wheel (``gcmod @
  file:///...``), a URL (``git+https://host/org/gcmod@v0.1.0``, ``https://.../
  gcmod-0.1.0-py3-none-any.whl``) or a requirement naming gcmod as given
  (``gcmod==0.2.0`` once an index carries it);
* else where the running gcmod was installed from (its PEP 610
  ``direct_url.json``): the same git commit, archive or local folder;
* else (installed from an index) ``gcmod==<version>``.

The generated README says which, and how to change it (docs/projects.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from gcmod import __version__

_URL = re.compile(r"^(git\+)?(https?|ssh|file)://", re.I)
_REQ = re.compile(r"^gcmod(\s*\[[^\]]*\])?\s*(@|==|>=|~=|<=|!=|<|>|$)", re.I)


@dataclass(frozen=True)
class GcmodSource:
    """The requirement line, and how it was chosen (for the README)."""

    requirement: str
    origin: str
    """given | installation | version"""


def _installed() -> str | None:
    """The running gcmod's direct reference (PEP 610), if it was installed from one."""
    from importlib import metadata

    try:
        text = metadata.distribution("gcmod").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    try:
        info = json.loads(text)
    except json.JSONDecodeError:
        return None
    url = info.get("url")
    if not isinstance(url, str):
        return None
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs"):
        commit = vcs.get("commit_id") or vcs.get("requested_revision")
        return f"gcmod @ {vcs['vcs']}+{url}" + (f"@{commit}" if commit else "")
    return f"gcmod @ {url}"


def resolve_source(given: str | None) -> GcmodSource:
    """The requirement for ``--gcmod-source`` (None: the installation's, else the version).
    Raises ValueError with the user message for a source that cannot be used."""
    if given is None:
        found = _installed()
        if found:
            return GcmodSource(found, "installation")
        return GcmodSource(f"gcmod=={__version__}", "version")
    value = given.strip()
    if not value or "\n" in value:
        raise ValueError("--gcmod-source: empty; give a folder, a URL or a requirement")
    if _REQ.match(value):
        return GcmodSource(value, "given")
    if _URL.match(value):
        return GcmodSource(f"gcmod @ {value}", "given")
    path = Path(value).expanduser()
    if path.exists():
        if path.is_dir() and not (path / "pyproject.toml").is_file():
            raise ValueError(
                f"--gcmod-source: {value} is a folder without pyproject.toml; give gcmod's "
                "source folder, a wheel, a URL (git+https://...) or a requirement (gcmod==X)"
            )
        return GcmodSource(f"gcmod @ {path.resolve().as_uri()}", "given")
    raise ValueError(
        f"--gcmod-source: {value!r} is neither an existing folder or file, a URL "
        "(git+https://..., https://..., file://...) nor a requirement naming gcmod "
        "(gcmod==0.1.0)"
    )
