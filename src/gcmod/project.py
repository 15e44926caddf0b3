"""Any Pulumi Python project, offline: load ``Pulumi.yaml`` and a stack's config,
run the program under the mock runtime (:func:`gcmod.synth.run_program`).

What the engine would do, without the Pulumi CLI:

* ``Pulumi.yaml``: ``name``; ``runtime`` must be ``python`` (``runtime: python``
  or ``runtime: {name: python, options: {...}}``; the options are not needed:
  the program runs in gcmod's own Python environment); ``main`` (a directory
  holding ``__main__.py``, or a ``.py`` file, inside the project; default the
  project directory);
  ``stackConfigDir``; project-level ``config`` defaults.
* ``Pulumi.<stack>.yaml`` in ``stackConfigDir``: ``config`` keys are
  namespaced (``ns:key``), a bare key takes the project name as its namespace;
  values reach the program as the engine passes them (strings; objects and
  lists as JSON). ``secure:`` values are never decrypted: the program gets
  :data:`gcmod.synth.SECRET` as a Pulumi secret, so it is shown as a secret.
* The program runs with its directory as the working directory and first on
  ``sys.path``; both, ``sys.argv``, the environment and the modules it
  imported from its directory are restored afterwards. What it prints goes to
  stderr (stdout carries gcmod's own output, e.g. ``--json``). Its own
  dependencies must be installed in the environment gcmod runs in; a missing
  module is a :class:`ProgramDependencyError` naming it.

Anything malformed is a :class:`~gcmod.config.ConfigError` naming the file, the
key and the value.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gcmod.config import ConfigError, read_yaml
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.loader import shown
from gcmod.synth import SECRET, RunLog, SynthError

#: Region a program runs in when its stack sets no ``aws:region`` (as
#: ``AWS_REGION`` would for the real provider): Tokyo, the Government Cloud's
#: primary region.
DEFAULT_REGION = "ap-northeast-1"

#: Top-level keys of ``Pulumi.yaml`` (Pulumi project file reference, checked
#: 2026-11); only ``name``, ``runtime``, ``main``, ``stackConfigDir`` and
#: ``config`` matter offline, the others are accepted and ignored.
PROJECT_KEYS = (
    "name", "runtime", "description", "main", "stackConfigDir", "config", "backend",
    "options", "template", "plugins", "packages", "author", "website", "license",
)  # fmt: skip
#: Top-level keys of a stack settings file ``Pulumi.<stack>.yaml``.
STACK_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")
#: Keys of a project-level config entry in ``Pulumi.yaml``.
PROJECT_CONFIG_KEYS = ("type", "description", "default", "value", "secret", "items")
#: Types a project-level config key may declare (Pulumi project file reference).
CONFIG_TYPES = ("string", "integer", "boolean", "array")
_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
#: An AWS region name (``ap-northeast-1``, ``us-gov-west-1``).
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


class ProgramDependencyError(Exception):
    """The program imports a module this environment does not have. ``str()`` is the message."""


class ProgramError(SynthError):
    """The program failed; the message names the file and line where."""


@dataclass(frozen=True)
class Project:
    """A Pulumi Python project directory."""

    name: str
    directory: Path
    file: Path
    """``Pulumi.yaml``."""
    main: Path
    """The program: a directory with ``__main__.py``, or a ``.py`` file."""
    stack_config_dir: Path
    defaults: dict[str, Any] = field(default_factory=dict)
    """Project-level config defaults (namespaced key -> raw value)."""
    secret_defaults: frozenset[str] = frozenset()
    types: dict[str, str] = field(default_factory=dict)
    """Declared ``type:`` of project-level config keys (namespaced key -> type)."""

    @property
    def program_dir(self) -> Path:
        return self.main if self.main.is_dir() else self.main.parent

    @property
    def entry(self) -> Path:
        """The file the program starts in."""
        return self.main / "__main__.py" if self.main.is_dir() else self.main

    def stacks(self) -> list[str]:
        return sorted(
            p.name[len("Pulumi.") : -len(".yaml")]
            for p in self.stack_config_dir.glob("Pulumi.*.yaml")
            if p.is_file()
        )


@dataclass(frozen=True)
class ProjectStack:
    """One stack of a project, its config as the engine would pass it."""

    project: Project
    name: str
    file: Path
    config: dict[str, str]
    """Namespaced key -> the engine's string value (secrets: :data:`SECRET`)."""
    secret_keys: tuple[str, ...]
    region: str
    region_source: str

    @property
    def label(self) -> str:
        return f"{self.project.name}/{self.name}"


def _read_yaml(path: Path, what: str) -> Any:
    return read_yaml(path, what)


def _shown(value: Any) -> str:
    return shown(value, 60)


def _runtime_problem(runtime: Any) -> str | None:
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if isinstance(runtime, dict):
        extra = sorted(set(runtime) - {"name", "options"})
        if extra:
            return f"runtime.{extra[0]}: unknown key; allowed: name, options"
        if runtime.get("options") is not None and not isinstance(runtime["options"], dict):
            return f"runtime.options: must be a mapping (got {_shown(runtime['options'])})"
    if name != "python":
        return (
            f"runtime: gcmod runs Pulumi Python programs only (got {_shown(name)}); "
            "allowed: python, or {name: python, options: {...}}"
        )
    return None


def _namespaced(key: Any, project: str) -> str | None:
    if not isinstance(key, str) or not key or key.startswith(":") or key.endswith(":"):
        return None
    return key if ":" in key else f"{project}:{key}"


def load_project(directory: Path) -> Project:
    """Read and check ``DIR/Pulumi.yaml`` (or ``.yml``)."""
    if not directory.is_dir():
        raise ConfigError(str(directory), ["--project: not a directory"])
    directory = directory.resolve()
    file = next(
        (directory / n for n in ("Pulumi.yaml", "Pulumi.yml") if (directory / n).is_file()),
        directory / "Pulumi.yaml",
    )
    doc = _read_yaml(file, "project file Pulumi.yaml")
    source = str(file)
    if doc is None:
        raise ConfigError(source, ["the file is empty; it needs name: and runtime: python"])
    if not isinstance(doc, dict):
        raise ConfigError(source, ["the file must hold a mapping with name: and runtime:"])
    problems = [
        f"{k}: unknown key; allowed: {', '.join(PROJECT_KEYS)}"
        for k in doc
        if k not in PROJECT_KEYS
    ]
    name = doc.get("name")
    if not isinstance(name, str) or not _NAME_RE.match(name):
        problems.append(
            f"name: required, letters, digits, '-', '_' and '.' only (got {_shown(name)})"
        )
    runtime_problem = _runtime_problem(doc.get("runtime"))
    if runtime_problem:
        problems.append(runtime_problem)
    main = directory
    if doc.get("main") is not None:
        if not isinstance(doc["main"], str):
            problems.append(f"main: must be a path (got {_shown(doc['main'])})")
        else:
            main = directory / doc["main"]
            if not main.resolve().is_relative_to(directory):
                problems.append(
                    f"main: {doc['main']!r} is outside the project directory {directory}; "
                    "allowed: a directory or .py file inside it"
                )
            elif not main.exists():
                problems.append(f"main: {doc['main']!r} does not exist in {directory}")
            elif main.is_dir() and not (main / "__main__.py").is_file():
                problems.append(f"main: {doc['main']!r} has no __main__.py")
            elif not main.is_dir() and not (main.is_file() and main.suffix == ".py"):
                problems.append(
                    f"main: {doc['main']!r} is neither a directory with __main__.py nor a .py file"
                )
    elif not (directory / "__main__.py").is_file():
        problems.append(f"no __main__.py in {directory} (and no main: naming the program)")
    config_dir = directory
    if doc.get("stackConfigDir") is not None:
        if not isinstance(doc["stackConfigDir"], str):
            problems.append(f"stackConfigDir: must be a path (got {_shown(doc['stackConfigDir'])})")
        else:
            config_dir = directory / doc["stackConfigDir"]
            if not config_dir.is_dir():
                problems.append(f"stackConfigDir: {doc['stackConfigDir']!r} is not a directory")
    defaults, secret, types, config_problems = _project_config(doc.get("config"), str(name))
    problems += config_problems
    if problems:
        raise ConfigError(source, problems)
    return Project(str(name), directory, file, main, config_dir, defaults, frozenset(secret), types)


def _project_config(
    raw: Any, project: str
) -> tuple[dict[str, Any], set[str], dict[str, str], list[str]]:
    """Project-level config of ``Pulumi.yaml``: defaults, secret keys and declared
    types per namespaced key."""
    if raw is None:
        return {}, set(), {}, []
    if not isinstance(raw, dict):
        return {}, set(), {}, [f"config: must be a mapping of keys (got {_shown(raw)})"]
    defaults: dict[str, Any] = {}
    secret: set[str] = set()
    types: dict[str, str] = {}
    problems: list[str] = []
    for key, spec in raw.items():
        full = _namespaced(key, project)
        if full is None:
            problems.append(f"config.{key}: not a valid config key")
            continue
        if not isinstance(spec, dict):
            defaults[full] = spec
            continue
        extra = sorted(set(spec) - set(PROJECT_CONFIG_KEYS))
        if extra:
            problems.append(
                f"config.{key}.{extra[0]}: unknown key; allowed: {', '.join(PROJECT_CONFIG_KEYS)}"
            )
            continue
        for k in ("value", "default"):
            if k in spec:
                defaults[full] = spec[k]
                break
        if spec.get("secret") is True:
            secret.add(full)
        if spec.get("type") is not None:
            if spec["type"] in CONFIG_TYPES:
                types[full] = spec["type"]
            else:
                problems.append(
                    f"config.{key}.type: unknown type {_shown(spec['type'])}; "
                    f"allowed: {', '.join(CONFIG_TYPES)}"
                )
    return defaults, secret, types, problems


def _type_problem(key: str, value: Any, declared: str) -> str | None:
    """``value`` against the ``type:`` Pulumi.yaml declares for ``key`` (a string
    spelling the value, as the CLI's ``pulumi config set`` writes it, is accepted)."""
    if isinstance(value, dict) and set(value) == {"secure"}:
        return None  # a secret: never decrypted, so never checked
    text = value if isinstance(value, str) else None
    ok = {
        "string": isinstance(value, str),
        "integer": (isinstance(value, int) and not isinstance(value, bool))
        or (text is not None and re.fullmatch(r"[+-]?\d+", text) is not None),
        "boolean": isinstance(value, bool) or text in ("true", "false"),
        "array": isinstance(value, list),
    }[declared]
    if ok:
        return None
    return f"config.{key}: Pulumi.yaml declares type {declared} (got {_shown(value)})"


def _engine_value(value: Any, where: str, problems: list[str]) -> tuple[str, bool]:
    """A stack file value -> (the string the engine passes, is it secret)."""
    secret = False

    def walk(v: Any) -> Any:
        nonlocal secret
        if isinstance(v, dict):
            if set(v) == {"secure"}:
                if not isinstance(v["secure"], str):
                    problems.append(f"{where}: secure: must be the encrypted string")
                secret = True
                return SECRET  # never decrypted
            if "secure" in v:
                problems.append(
                    f"{where}: secure: must be the only key of its mapping (got "
                    f"{', '.join(sorted(map(str, v)))}); otherwise the engine reads the "
                    "mapping as plain values and passes the ciphertext as text"
                )
                return None
            return {str(k): walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, datetime.date):
            return v.isoformat()  # the engine's YAML keeps a date as written: a string
        if v is not None and not isinstance(v, str | int | float):
            problems.append(
                f"{where}: unsupported value {_shown(v)}; allowed: strings, numbers, "
                "booleans, null, lists and mappings"
            )
            return None
        return v

    plain = walk(value)
    if isinstance(plain, str):
        return plain, secret
    if isinstance(plain, bool):
        return ("true" if plain else "false"), secret
    if plain is None:
        return "", secret
    if isinstance(plain, int | float):
        return str(plain), secret
    return json.dumps(plain, ensure_ascii=False), secret


def load_stack(project: Project, stack: str) -> ProjectStack:
    """Read ``Pulumi.<stack>.yaml`` from the project's ``stackConfigDir``."""
    if not _NAME_RE.match(stack):
        raise ConfigError(
            str(project.stack_config_dir),
            [
                f"--stack: {_shown(stack)} is not a stack name; allowed: letters, digits, "
                f"'-', '_' and '.'; stacks: " + (", ".join(project.stacks()) or "none")
            ],
        )
    file = project.stack_config_dir / f"Pulumi.{stack}.yaml"
    if not file.is_file():
        known = project.stacks()
        raise ConfigError(
            str(file),
            [
                f"--stack: no stack named {stack!r} in project {project.name} "
                f"({project.stack_config_dir}); available: " + (", ".join(known) or "none")
            ],
        )
    doc = _read_yaml(file, "stack file")
    source = str(file)
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise ConfigError(source, ["the file must hold a mapping with a config: key"])
    problems = [
        f"{k}: unknown top-level key; allowed: {', '.join(STACK_KEYS)}"
        for k in doc
        if k not in STACK_KEYS
    ]
    if doc.get("environment"):
        problems.append(
            "environment: Pulumi ESC environments cannot be opened offline; "
            "put the values the program needs under config:"
        )
    raw = doc.get("config") or {}
    if not isinstance(raw, dict):
        problems.append(f"config: must be a mapping of namespaced keys (got {_shown(raw)})")
        raw = {}
    merged: dict[str, Any] = dict(project.defaults)
    for key, value in raw.items():
        full = _namespaced(key, project.name)
        if full is None:
            problems.append(f"config.{key}: not a valid config key (ns:key or key)")
            continue
        merged[full] = value
    config: dict[str, str] = {}
    secrets: set[str] = set(project.secret_defaults)
    for key, value in merged.items():
        declared = project.types.get(key)
        type_problem = _type_problem(key, value, declared) if declared else None
        if type_problem:
            problems.append(type_problem)
        text, secret = _engine_value(value, f"config.{key}", problems)
        config[key] = text
        if secret:
            secrets.add(key)
    region = config.get("aws:region")
    if "aws:region" in secrets:
        problems.append("config.aws:region: must not be a secret")
    elif region and not _REGION_RE.match(region):
        problems.append(
            f"config.aws:region: not an AWS region name (got {_shown(region)}); "
            "e.g. ap-northeast-1 (Tokyo) or ap-northeast-3 (Osaka)"
        )
    if problems:
        raise ConfigError(source, problems)
    if region:
        where = file.name if "aws:region" in raw else project.file.name
        region_source = f"aws:region in {where}"
    else:
        region, region_source = DEFAULT_REGION, "default (no aws:region in the stack)"
    return ProjectStack(project, stack, file, config, tuple(sorted(secrets)), region, region_source)


def load_stack_references(path: Path) -> dict[str, dict[str, Any]]:
    """A ``--stack-reference-outputs`` file: ``{stack name: {output: value}}`` (YAML or JSON)."""
    doc = _read_yaml(path, "stack reference outputs file")
    if not isinstance(doc, dict):
        raise ConfigError(
            str(path), ["the file must map stack names (org/project/stack) to their outputs"]
        )
    problems = [
        f"{name}: outputs must be a mapping of output names to values (got {_shown(v)})"
        for name, v in doc.items()
        if not isinstance(v, dict)
    ]
    if problems:
        raise ConfigError(str(path), problems)
    return {str(k): dict(v) for k, v in doc.items()}


# ---------------------------------------------------------------------------
# Running the program
# ---------------------------------------------------------------------------
def _where(exc: BaseException, directory: Path) -> str | None:
    """``file:line`` of the innermost frame of ``exc`` inside the program's directory."""
    root = directory.resolve()
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if not path.is_absolute() or not path.is_file():
            continue  # <frozen runpy>, <string>
        if path.resolve().is_relative_to(root):
            found = f"{path}:{frame.lineno}"
    if found is None and isinstance(exc, SyntaxError) and exc.filename:
        found = f"{exc.filename}:{exc.lineno}"
    return found


def _dependency_error(exc: ImportError, project: Project) -> ProgramDependencyError:
    where = _where(exc, project.program_dir) or str(project.entry)
    missing = exc.name or "?"
    what = (
        f"the program needs module {missing!r}, which is not installed"
        if isinstance(exc, ModuleNotFoundError)
        else f"the program's import failed ({exc})"
    )
    req = project.directory / "requirements.txt"
    how = f"-r {req}" if req.is_file() else "<the project's requirements>"
    return ProgramDependencyError(
        f"{where}: {what} in the Python environment gcmod runs in ({sys.executable}). "
        "Install the project's requirements into the same environment as gcmod: "
        f"{sys.executable} -m pip install {how}"
    )


def _program_error(exc: BaseException, project: Project) -> Exception:
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, ImportError):
            return _dependency_error(cause, project)
        if isinstance(cause, SynthError | ConfigError | ProgramDependencyError):
            where = _where(exc, project.program_dir)
            if isinstance(cause, SynthError) and where:
                return ProgramError(f"{cause} (called at {where})")
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    where = _where(exc, project.program_dir) or str(project.entry)
    if isinstance(exc, KeyError) and any(
        Path(f.filename).name == "stack_reference.py" and Path(f.filename).parent.name == "pulumi"
        for f in traceback.extract_tb(exc.__traceback__)
    ):
        return ProgramError(
            f"the program ({where}) requires stack reference output {exc.args[0]!r} "
            "(require_output), which the outputs given for that stack with "
            "--stack-reference-outputs do not have; add it to the file"
        )
    if _where(exc, project.program_dir) is None:
        # Raised while the runtime resolved outputs (an apply): Pulumi keeps no
        # frame of the program, only the message.
        where = f"{project.entry}, in an apply or an output it resolves (line not known)"
    return ProgramError(f"the program failed at {where}: {type(exc).__name__}: {exc}")


def _run(project: Project) -> None:
    """Run the program as the Python language host does (``runpy`` on ``main``)."""
    import runpy

    program_dir = project.program_dir
    saved_cwd, saved_path, saved_argv = os.getcwd(), list(sys.path), list(sys.argv)
    saved_modules = set(sys.modules)
    os.chdir(program_dir)
    sys.path.insert(0, str(program_dir))
    sys.argv = [str(project.entry)]
    try:
        runpy.run_path(str(project.main), run_name="__main__")
    except SystemExit as exc:
        where = _where(exc, project.program_dir) or str(project.entry)
        raise ProgramError(
            f"the program called sys.exit({exc.code!r}) at {where}: a Pulumi program "
            "declares its resources and returns; nothing after the exit was registered"
        ) from None
    except Exception as exc:
        raise _program_error(exc, project) from None
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        sys.argv = saved_argv
        root = program_dir.resolve()
        for name in set(sys.modules) - saved_modules:
            file = getattr(sys.modules[name], "__file__", None)
            if file and _own_module(Path(file).resolve(), root):
                del sys.modules[name]


def _own_module(file: Path, root: Path) -> bool:
    """Whether ``file`` is the program's own code under ``root``, not an installed
    package (a virtual environment kept inside the project, as ``.venv``)."""
    if not file.is_relative_to(root):
        return False
    return not {"site-packages", "dist-packages"} & set(file.relative_to(root).parts)


def synth_project(
    stack: ProjectStack,
    stack_references: Mapping[str, Mapping[str, Any]] | None = None,
    log: RunLog | None = None,
) -> ResourceGraph:
    """Run the stack's program under the mock runtime, **in this process**, and
    return its resource graph (``log`` receives the data sources answered and the
    stack references read). gcmod's commands call this only inside the child
    process of :func:`gcmod.childrun.synth_isolated`: use that for a program
    you did not write."""
    import pulumi.runtime.config as pconfig

    from gcmod.synth import run_program

    env = {
        "PULUMI_CONFIG": json.dumps(stack.config),
        "PULUMI_CONFIG_SECRET_KEYS": json.dumps(list(stack.secret_keys)),
    }
    saved_env = dict(os.environ)  # the program may change the environment too
    os.environ.update(env)
    try:
        # What the program prints (also inside applies, run as the runtime
        # drains) goes to stderr: stdout carries gcmod's own output (--json).
        with contextlib.redirect_stdout(sys.stderr):
            graph = run_program(
                lambda: _run(stack.project),
                project=stack.project.name,
                stack=stack.name,
                region=stack.region,
                config=stack.config,
                secret_keys=stack.secret_keys,
                stack_references=stack_references,
                log=log,
            )
        return _with_default_provider(graph, stack)
    except SynthError as exc:
        # The error as the program saw it (located) wins over the same error
        # re-raised when the runtime drains its pending calls.
        seen: set[int] = set()
        todo: list[BaseException | None] = [exc]
        while todo:
            ctx = todo.pop()
            if ctx is None or id(ctx) in seen:
                continue
            if isinstance(ctx, ProgramError | ProgramDependencyError):
                raise ctx from None
            seen.add(id(ctx))
            todo += [ctx.__cause__, ctx.__context__]
        cause = exc.__cause__
        if cause is not None and not isinstance(cause, SynthError):
            raise _program_error(cause, stack.project) from None
        raise
    finally:
        for k in set(os.environ) - set(saved_env):
            del os.environ[k]
        for k, v in saved_env.items():
            if os.environ.get(k) != v:
                os.environ[k] = v
        pconfig.set_all_config({}, [])


def _with_default_provider(graph: ResourceGraph, stack: ProjectStack) -> ResourceGraph:
    """The engine's default ``aws`` provider, configured from the stack's ``aws:*``
    keys (``aws:defaultTags``, ...), as the provider of every ``aws`` resource that
    names none: the rules then see its default tags. Only when the stack sets
    ``aws:*`` keys besides ``aws:region`` (the graph is otherwise unchanged)."""
    props: dict[str, Any] = {"region": stack.region}
    for key, value in sorted(stack.config.items()):
        ns, _, name = key.partition(":")
        if ns == "aws" and name != "region":
            try:
                props[name] = json.loads(value) if value[:1] in "[{" and value else value
            except json.JSONDecodeError:
                props[name] = value
    if len(props) == 1:
        return graph
    urn = f"urn:pulumi:{graph.stack}::{graph.project}::pulumi:providers:aws::default"
    provider = ResourceNode(
        urn=urn, type="pulumi:providers:aws", name="default", custom=True,
        inputs=props, region=stack.region,
    )  # fmt: skip
    nodes = [
        replace(n, provider=urn) if n.custom and n.package == "aws" and not n.provider else n
        for n in graph
    ]
    return replace(graph, resources=tuple(sorted([provider, *nodes], key=lambda n: n.urn)))


def open_stack(directory: Path, stack: str) -> ProjectStack:
    """``--project DIR --stack NAME``: the project and the stack, checked."""
    return load_stack(load_project(directory), stack)
