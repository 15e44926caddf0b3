"""Finding stack files: a path, a stack of the project in the current
directory, or one of gcmod's built-in samples."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from gcmod.loader import LoadError, parse_yaml, read_text

#: The sample the README's main command uses.
DEFAULT_STACK = "saas-prod"
#: Stack names taken, in this order, when a project's STACK is not given.
PROJECT_DEFAULT_STACKS = ("prod", "production")
_PREFIX, _SUFFIX = "Pulumi.", ".yaml"


@dataclass(frozen=True)
class StackRef:
    """A stack name and the file that configures it."""

    name: str
    path: Path


def samples_dir() -> Path:
    """The built-in sample stacks shipped with gcmod (``stacks/`` in the repo)."""
    return Path(str(resources.files("gcmod.stacks")))


#: The comment line that marks a project made by ``gcmod new`` in its Pulumi.yaml
#: (a comment, so the Pulumi CLI's project schema is untouched).
PROJECT_MARKER = "# gcmod-project:"
_MARKER_RE = re.compile(r"^#\s*gcmod-project:", re.MULTILINE)


def project_stacks_dir(cwd: Path) -> Path | None:
    """``stackConfigDir`` of a gcmod Pulumi project in ``cwd``, if there is one: the
    gcmod repository's own (``name: gcmod``) or one whose Pulumi.yaml carries
    :data:`PROJECT_MARKER` (``gcmod new``)."""
    project = cwd / "Pulumi.yaml"
    if not project.is_file():
        return None
    try:
        text = read_text(project)
        doc = parse_yaml(text, project) or {}
    except (OSError, LoadError):
        return None
    if not isinstance(doc, dict):
        return None
    if doc.get("name") != "gcmod" and not _MARKER_RE.search(text):
        return None
    return cwd / str(doc.get("stackConfigDir") or ".")


def list_stacks(directory: Path) -> list[str]:
    return sorted(
        p.name[len(_PREFIX) : -len(_SUFFIX)]
        for p in directory.glob(f"{_PREFIX}*{_SUFFIX}")
        if p.is_file()
    )


def default_dir(cwd: Path | None = None) -> Path:
    return project_stacks_dir(cwd or Path.cwd()) or samples_dir()


def _default_name(directory: Path) -> str:
    """The stack used when none is named: ``saas-prod`` among the samples or
    wherever it exists; in a project, its only stack, else ``prod``/``production``."""
    if (directory / f"{_PREFIX}{DEFAULT_STACK}{_SUFFIX}").is_file():
        return DEFAULT_STACK
    known = list_stacks(directory)
    if len(known) == 1:
        return known[0]
    for name in PROJECT_DEFAULT_STACKS:
        if name in known:
            return name
    from gcmod.config import ConfigError  # imported on the error path only (pydantic)

    raise ConfigError(
        str(directory),
        [
            "several stacks and none named "
            + " or ".join(PROJECT_DEFAULT_STACKS)
            + "; name one: "
            + (", ".join(known) if known else "none")
        ],
    )


def resolve(stack: str | None, directory: Path | None = None) -> StackRef:
    """Resolve a STACK argument: a file path, or a name in ``directory``
    (default: the gcmod project in the current directory, else the samples)."""
    if stack and (stack.endswith(_SUFFIX) or "/" in stack):
        path = Path(stack)
        name = path.name
        if name.startswith(_PREFIX) and name.endswith(_SUFFIX):
            name = name[len(_PREFIX) : -len(_SUFFIX)]
        else:
            name = path.stem
        if not path.is_file():
            from gcmod.config import ConfigError

            raise ConfigError(str(path), ["file not found"])
        return StackRef(name, path)
    directory = directory or default_dir()
    name = stack or _default_name(directory)
    path = directory / f"{_PREFIX}{name}{_SUFFIX}"
    if not path.is_file():
        from gcmod.config import ConfigError

        known = list_stacks(directory)
        raise ConfigError(
            str(path),
            [
                f"no stack named {name!r} in {directory}; available: "
                + (", ".join(known) if known else "none")
            ],
        )
    return StackRef(name, path)
