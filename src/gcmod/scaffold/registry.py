"""The template registry and the renderer behind ``gcmod new``.

A template is a folder ``templates/<id>/`` holding ``template.yaml`` (titles,
summaries, default answers, constraints, options) and, optionally, files that
replace or add to the common ones in ``templates/_common/``. Every file is a
jinja2 template (``*.j2``); a path containing ``[stack]`` is rendered once per
chosen environment. :func:`render` builds the whole project in memory and
validates every stack file with the stack schema, so :func:`scaffold` writes
either everything or nothing.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from gcmod import __version__
from gcmod import reference as ref
from gcmod.config import StackConfig, parse_config
from gcmod.loader import LoadError, load_yaml, parse_yaml
from gcmod.safewrite import UnsafeWrite, check_all_under, write_under
from gcmod.scaffold import sizing
from gcmod.scaffold.answers import (
    ENVIRONMENTS,
    Answers,
    ScaffoldError,
    parse_answers,
)
from gcmod.stackfiles import PROJECT_MARKER

if TYPE_CHECKING:
    import jinja2

COMMON = "_common"
STACK_PLACEHOLDER = "[stack]"
DOT_PREFIX = "dot-"
#: ``stackConfigDir`` of a scaffolded project.
STACK_DIR = PurePosixPath("stacks")
_META = "template.yaml"
_META_KEYS = {
    "order", "title", "summary", "defaults", "stacks", "tenants", "environments", "options",
}  # fmt: skip
#: Template switches the files read, with their defaults.
OPTIONS: dict[str, bool] = {
    "peaks": False,  # month-end scheduled scaling in production
    "restore": False,  # a DR rebuild: the database is restored from a recovery point
}


@dataclass(frozen=True)
class Template:
    """One published template."""

    id: str
    title_ja: str
    title_en: str
    summary_ja: str
    summary_en: str
    default_answers: Answers
    stack_names: Mapping[str, str] = field(hash=False)
    """Stack name of each environment, e.g. ``production`` -> ``prod``."""
    environments: tuple[str, ...] = ENVIRONMENTS
    """Environments this template allows."""
    min_tenants: int = 1
    """Fewest municipalities the template serves (``tenants.min``; default 1)."""
    max_tenants: int | None = None
    """Most municipalities (``tenants.max``; default ``None``: no limit)."""
    options: Mapping[str, Any] = field(default_factory=dict, hash=False)
    """Template-specific switches the files read (e.g. ``peaks``)."""

    def stack_name(self, environment: str) -> str:
        """The stack name of ``environment`` (e.g. ``production`` -> ``prod``)."""
        return self.stack_names[environment]

    def stacks(self, answers: Answers | None = None) -> dict[str, str]:
        """Stack name -> environment for ``answers`` (default: the template's)."""
        a = answers or self.default_answers
        return {self.stack_name(e): e for e in a.environments}


def _templates_root() -> Path:
    return Path(str(resources.files("gcmod.scaffold") / "templates"))


def _load_template(folder: Path) -> tuple[int, Template]:
    source = str(folder / _META)
    doc = load_yaml(folder / _META)
    extra = sorted(set(doc) - _META_KEYS) + sorted(set(doc.get("options") or {}) - set(OPTIONS))
    if extra:  # a packaging mistake, not user input
        raise ValueError(f"{source}: unknown keys {extra}")
    tenants = doc.get("tenants") or {}
    tpl = Template(
        id=folder.name,
        title_ja=doc["title"]["ja"],
        title_en=doc["title"]["en"],
        summary_ja=" ".join(doc["summary"]["ja"].split()),
        summary_en=" ".join(doc["summary"]["en"].split()),
        default_answers=parse_answers(doc["defaults"], source),
        stack_names=dict(doc["stacks"]),
        environments=tuple(doc.get("environments") or ENVIRONMENTS),
        min_tenants=int(tenants.get("min", 1)),
        max_tenants=tenants.get("max"),
        options={**OPTIONS, **(doc.get("options") or {})},
    )
    _check_answers(tpl, tpl.default_answers, source)
    return int(doc["order"]), tpl


@functools.cache
def _registry() -> tuple[Template, ...]:
    found = [
        _load_template(p)
        for p in _templates_root().iterdir()
        if p.is_dir() and p.name != COMMON and (p / _META).is_file()
    ]
    return tuple(t for _, t in sorted(found, key=lambda x: (x[0], x[1].id)))


def templates() -> list[Template]:
    """The published templates, in display order."""
    return list(_registry())


def get_template(template_id: str) -> Template:
    """The template ``template_id``; a :class:`ScaffoldError` lists the known ones."""
    for t in _registry():
        if t.id == template_id:
            return t
    known = ", ".join(t.id for t in _registry())
    raise ScaffoldError([f"TEMPLATE: unknown template {template_id!r}; available: {known}"])


def _check_answers(tpl: Template, a: Answers, source: str = "gcmod new") -> None:
    """The template's own constraints on the answers."""
    problems = []
    bad = [e for e in a.environments if e not in tpl.environments]
    if bad:
        problems.append(
            f"environments (--env): the {tpl.id} template does not offer {', '.join(bad)}; "
            f"allowed: {', '.join(tpl.environments)}"
        )
    n = len(a.tenants)
    if n < tpl.min_tenants or (tpl.max_tenants is not None and n > tpl.max_tenants):
        want = (
            f"exactly {tpl.min_tenants}"
            if tpl.max_tenants == tpl.min_tenants
            else f"at least {tpl.min_tenants}"
            + (f" and at most {tpl.max_tenants}" if tpl.max_tenants is not None else "")
        )
        problems.append(f"tenants (--tenant): the {tpl.id} template needs {want}; got {n}")
    if problems:
        raise ScaffoldError(problems, source)


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------
#: Text that needs no escaping in any target format (names, ids, numbers, paths).
_PLAIN = re.compile(r"^[A-Za-z0-9 ._/:@+,=-]*$")
#: Characters with a meaning in Markdown (and HTML) text, escaped with a backslash
#: or as an entity by :func:`_markdown_escape`.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def _yaml_scalar(value: Any) -> Any:
    """A value as a YAML flow scalar (JSON is valid YAML): safe as written."""
    from markupsafe import Markup

    return Markup(json.dumps(value, ensure_ascii=False))


def _markdown_escape(text: str) -> str:
    """Text into Markdown: HTML entities for ``& < >`` (so ``<script>`` is shown,
    never run, by viewers that render HTML) and a backslash before the characters
    Markdown gives a meaning (emphasis, links, table cells, code)."""
    import html

    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _finalize(kind: str):
    """The escaping of every ``{{ value }}`` for the target format ``kind``: done
    here, once, not by each template. A filter's output marked safe (``Markup``:
    ``yq``, ``num``) is kept as it is; numbers and plain names pass unchanged."""
    from markupsafe import Markup

    def finalize(value: Any) -> Any:
        if isinstance(value, Markup) or not isinstance(value, str) or _PLAIN.match(value):
            return value
        if kind == "markdown":
            return _markdown_escape(value)
        if kind == "yaml":
            # Values are written with ``yq`` (quoted); what else reaches a YAML file
            # (comments) must stay on its line: anything that could break it is quoted.
            one_line = len(f"a{value}a".splitlines()) == 1 and value.isprintable()
            return value if one_line else json.dumps(value, ensure_ascii=False)
        if kind == "python":  # only inside docstrings and comments of the program
            return value.encode("unicode_escape").decode("ascii").replace('"', '\\"')
        return value

    return finalize


def _kind(out: PurePosixPath | str) -> str:
    """Target format of an output file, by its name."""
    suffix = PurePosixPath(str(out)).suffix
    return {".md": "markdown", ".yaml": "yaml", ".yml": "yaml", ".py": "python"}.get(suffix, "text")


@functools.cache
def _jinja(kind: str = "text") -> jinja2.Environment:
    """The jinja environment of one target format (see :func:`_finalize`)."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_templates_root())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        finalize=_finalize(kind),
    )
    env.filters["yq"] = _yaml_scalar
    env.filters["num"] = lambda v: Markup(f"{v:g}")
    return env


def _sources(tpl: Template) -> dict[PurePosixPath, str]:
    """Output path (still with ``[stack]``) -> jinja template name."""
    out: dict[PurePosixPath, str] = {}
    root = _templates_root()
    for folder in (root / COMMON, root / tpl.id):
        for p in sorted(folder.rglob("*.j2")):
            rel = PurePosixPath(p.relative_to(folder).as_posix())
            name = rel.with_suffix("")
            if name.name.startswith(DOT_PREFIX):  # packaged without a leading dot
                name = name.with_name("." + name.name[len(DOT_PREFIX) :])
            out[name] = PurePosixPath(folder.name, rel).as_posix()
    return out


def _context(tpl: Template, a: Answers) -> dict[str, Any]:
    band = a.size_band
    from gcmod.cost.usage import band_of

    tenant_bands = [band_of(t.population) for t in a.tenants]
    stacks = []
    for env in a.environments:
        stacks.append(
            {
                "name": tpl.stack_name(env),
                "environment": env,
                "domain": a.env_domain(env),
                "size": sizing.sizing(env, band),
                "data_gb": sizing.data_gb(env, tenant_bands),
            }
        )
    return {
        "template": tpl,
        "options": tpl.options,
        "answers": a,
        "business": ref.BUSINESS_BY_ID[a.business],
        "band": band,
        "band_ja": ref.MUNICIPALITY_CLASSES[band][0],
        "dr_region": ref.dr_partner(a.region),
        "region_name": ref.JAPAN_REGIONS[a.region],
        "stacks": stacks,
        "version": __version__,
        "project_marker": PROJECT_MARKER,
    }


@dataclass(frozen=True)
class Project:
    """A rendered project, in memory."""

    template: Template
    answers: Answers
    files: dict[PurePosixPath, str] = field(hash=False)
    """Relative path -> text, every file of the project."""
    stacks: dict[str, StackConfig] = field(hash=False)
    """Stack name -> its validated configuration."""
    stack_dir: PurePosixPath = STACK_DIR
    """Where the stack files are (``stackConfigDir``)."""

    def stack_file(self, stack: str) -> PurePosixPath:
        """Relative path of ``stack``'s ``Pulumi.<stack>.yaml``."""
        return self.stack_dir / f"Pulumi.{stack}.yaml"


def resolve_answers(template_id: str, answers: Answers | Mapping[str, Any] | None) -> Answers:
    """``answers`` (a model, or a mapping over the template's defaults) checked against
    the template's constraints."""
    tpl = get_template(template_id)
    if answers is None:
        a = tpl.default_answers
    elif isinstance(answers, Answers):
        a = answers
    else:
        base = tpl.default_answers.model_dump(exclude_unset=False)
        a = parse_answers({**base, **{k: v for k, v in answers.items() if v is not None}})
    _check_answers(tpl, a)
    return a


def render(template_id: str, answers: Answers | Mapping[str, Any] | None = None) -> Project:
    """Render a template in memory and validate each stack file it produces."""
    tpl = get_template(template_id)
    a = resolve_answers(template_id, answers)
    ctx = _context(tpl, a)
    files: dict[PurePosixPath, str] = {}
    stacks: dict[str, StackConfig] = {}
    for out, name in _sources(tpl).items():
        template = _jinja(_kind(out)).get_template(name)
        if STACK_PLACEHOLDER in str(out):
            for s in ctx["stacks"]:
                path = PurePosixPath(str(out).replace(STACK_PLACEHOLDER, s["name"]))
                files[path] = template.render(**ctx, stack=s)
        else:
            files[out] = template.render(**ctx)
    files = dict(sorted(files.items()))
    project = Project(tpl, a, files, stacks)
    for stack in tpl.stacks(a):
        path = project.stack_file(stack)
        try:
            doc = parse_yaml(files[path], path)
        except LoadError as exc:  # the answers broke the file: never written
            raise ScaffoldError([f"{path}: {exc.detail}"]) from None
        stacks[stack] = parse_config(doc["config"], str(path))
    return project


def scaffold(
    template_id: str,
    dest: Path,
    answers: Answers | Mapping[str, Any] | None = None,
    *,
    force: bool = False,
) -> list[Path]:
    """Write a new project from ``template_id`` into ``dest``; returns the files written.

    Everything is rendered and validated first; existing files are refused
    unless ``force``; on any problem a :class:`ScaffoldError` is raised and
    nothing is written. Should writing fail part-way (a full disk, say), the
    files and folders it created are removed again.
    """
    project = render(template_id, answers)
    dest = Path(dest)
    if dest.is_symlink() and not dest.exists():
        raise ScaffoldError([f"DEST: {dest} is a dangling symbolic link; remove it"])
    if dest.exists() and not dest.is_dir():
        raise ScaffoldError([f"DEST: {dest} exists and is not a folder"])
    targets = [(dest / Path(*rel.parts), text) for rel, text in project.files.items()]
    problems = [f"DEST: {p}" for p in check_all_under(dest, project.files)]
    for path, _ in targets:
        for parent in [*reversed(path.relative_to(dest).parents)][1:]:
            if (dest / parent).exists() and not (dest / parent).is_dir():
                problems.append(f"DEST: {dest / parent} exists and is not a folder")
        if path.is_dir():
            problems.append(f"DEST: {path} exists and is a folder")
        elif path.exists() and not force:
            problems.append(f"DEST: {path} exists (--force overwrites it)")
    existing = next(p for p in [dest, *dest.absolute().parents] if p.exists())
    if not existing.is_dir():
        problems.append(f"DEST: {existing} exists and is not a folder")
    elif not os.access(existing, os.W_OK | os.X_OK):
        problems.append(f"DEST: cannot write in {existing} (permission denied)")
    if problems:
        raise ScaffoldError(sorted(set(problems)))
    new_dirs = {q for path, _ in targets for q in (path.parent, *path.parent.parents)
                if not q.exists()}  # fmt: skip
    written: list[Path] = []
    try:
        for (rel, text), (path, _) in zip(project.files.items(), targets, strict=True):
            if not path.exists():
                written.append(path)  # before writing: a half-written file is removed too
            write_under(dest, rel, text)
    except (OSError, UnsafeWrite) as exc:
        _undo(written, new_dirs)
        raise ScaffoldError([f"DEST: cannot write {dest}: {exc}"]) from None
    return [path for path, _ in targets]


def _undo(files: list[Path], folders: set[Path]) -> None:
    """Remove the files and (now empty) folders a failed :func:`scaffold` created."""
    for path in files:
        path.unlink(missing_ok=True)
    for folder in sorted(folders, key=lambda q: len(q.parts), reverse=True):
        try:
            folder.rmdir()
        except OSError:
            pass  # not created by us after all, or not empty
