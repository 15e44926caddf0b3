"""What the commands share: exit codes, error handling, options, synth helpers.

Imports stay light (click and gcmod's small modules); each helper imports what
it needs when it runs.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gcmod.i18n import default_lang

if TYPE_CHECKING:
    from gcmod.pricing import Catalog

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
#: The program or its synth failed: crash, timeout, child killed, no complete
#: graph delivered (README "Exit codes"; 3 is the audit's "incomplete").
EXIT_PROGRAM = 4
#: The audit could not read everything and found no mandatory violation.
EXIT_INCOMPLETE = 3


class UsageProblem(Exception):
    """Bad input other than a stack config (e.g. a policy config file): exit 2."""


def _set_wide(_ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    """``--wide``: stop fitting output to the terminal (see :mod:`gcmod.textable`)."""
    from gcmod.textable import set_wide

    set_wide(value)
    return value


wide_option = click.option(
    "--wide",
    is_flag=True,
    expose_value=False,
    callback=_set_wide,
    help="Do not fit tables and text to the terminal's width (COLUMNS).",
)


def echo_text(text: str) -> None:
    """Print plain text fitted to the terminal's width (see :mod:`gcmod.textable`)."""
    from gcmod.textable import fit_lines

    click.echo(fit_lines(text))


def fail(message: str, code: int) -> None:
    """Print ``message`` on stderr and exit with ``code``."""
    click.echo(message, err=True)
    sys.exit(code)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn gcmod's own errors into a message and an exit code, never a traceback.

    The error classes are imported only when something was raised, so a command
    that needs neither pydantic nor pulumi (a warm ``gcmod check``) imports neither."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            known = _known_error(exc)
            if known is None:
                raise
            fail(*known)

    return wrapper


def _known_error(exc: Exception) -> tuple[str, int] | None:
    """(message, exit code) of one of gcmod's own errors, else None (in the order
    of the checks: the first class that matches decides)."""
    from gcmod.config import ConfigError
    from gcmod.loader import LoadError
    from gcmod.policies.harness import PolicyConfigError
    from gcmod.pricing.catalog import CatalogError
    from gcmod.project import ProgramDependencyError
    from gcmod.safewrite import UnsafeWrite
    from gcmod.synth import SynthError

    if isinstance(exc, ConfigError | UsageProblem):
        return str(exc), EXIT_USAGE
    if isinstance(exc, UnsafeWrite):
        return f"書き込みを拒否 / refused to write: {exc}", EXIT_USAGE
    if isinstance(exc, LoadError):  # a file read outside a caller that names it otherwise
        return f"読み込みエラー / cannot read: {exc}", EXIT_USAGE
    if isinstance(exc, PolicyConfigError):
        return f"ポリシー設定エラー / policy config error: {exc}", EXIT_USAGE
    if isinstance(exc, CatalogError):
        return f"価格カタログのエラー / price catalogue error: {exc}", EXIT_USAGE
    if isinstance(exc, SynthError):
        return f"プログラムの実行に失敗 / synth failed: {exc}", EXIT_PROGRAM
    if isinstance(exc, ProgramDependencyError):
        return f"依存モジュールがありません / missing module: {exc}", EXIT_USAGE
    return None


stack_argument = click.argument("stack", required=False, metavar="[STACK]")
stacks_dir_option = click.option(
    "--stacks-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder with Pulumi.<stack>.yaml files. Default: stackConfigDir of the gcmod "
    "project in the current folder, else gcmod's built-in samples.",
)


project_option = click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A Pulumi Python project (a folder with Pulumi.yaml), e.g. a vendor's program "
    "not built with gcmod: run it offline instead of a gcmod stack. "
    "任意の Pulumi Python プロジェクトをオフラインで実行します. Needs --stack.",
)
project_stack_option = click.option(
    "--stack",
    "project_stack",
    metavar="NAME",
    default=None,
    help="The stack of --project: its Pulumi.<NAME>.yaml in the project's stackConfigDir. "
    "--project のスタック名.",
)
stack_refs_option = click.option(
    "--stack-reference-outputs",
    "stack_refs_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --project: YAML/JSON file mapping referenced stacks (org/project/stack) to "
    "their outputs. Default: a stack reference's outputs are unknown, as in a preview. "
    "参照先スタックの出力値 (省略時は不明値).",
)
timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=1, max=86400),
    default=None,
    callback=lambda ctx, param, v: finite(ctx, param, v),
    metavar="SECONDS",
    help="With --project: stop the program after this many seconds (exit 4). "
    "Default: 300. プログラムの制限時間 (秒).",
)

esc_values_option = click.option(
    "--esc-values",
    "esc_values_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --project: YAML/JSON file of the values the stack's Pulumi ESC environments "
    "would supply (per environment, what `esc open` prints; pulumiConfig is used); "
    "default: those values are unknown.",
)


def program_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """What to synthesize, the same on every command that synthesizes a program:
    ``[STACK]``, ``--stacks-dir``, ``--project``, ``--stack``, ``--stack-refs``,
    ``--esc-values`` and ``--timeout``, in that order."""
    for option in reversed((
        stack_argument, stacks_dir_option, project_option, project_stack_option,
        stack_refs_option, esc_values_option, timeout_option,
    )):  # fmt: skip
        fn = option(fn)
    return fn


def _lang_option(default: Any, fallback: str) -> Callable[..., Any]:
    """``--lang en|ja``; GCMOD_LANG, then the locale, then ``fallback`` decide
    when it is not given (``default``: a callable deciding now, or None to
    leave it to the command)."""
    return click.option(
        "--lang",
        type=click.Choice(["en", "ja"]),
        default=default,
        help="Language / 表示言語. Default: GCMOD_LANG, else the locale "
        f"(LANG=ja_JP.UTF-8 → ja), else {fallback}.",
    )


#: ``--lang`` of a command that also writes reports (estimate, audit).
report_lang_option = _lang_option(None, "en for the terminal and ja for --html")


no_cache_option = click.option(
    "--no-cache",
    "no_cache",
    is_flag=True,
    help="Synthesize again even if the graph cache holds this program's graph "
    "(`gcmod cache --help`). キャッシュを使わずに合成します.",
)


def resolve_project(
    stack: str | None,
    stacks_dir: Path | None,
    project_dir: Path | None,
    project_stack: str | None,
    stack_refs_file: Path | None = None,
    esc_values_file: Path | None = None,
):
    """The ProjectStack of ``--project DIR --stack NAME``, or None for a gcmod stack."""
    if project_dir is None:
        if esc_values_file is not None:
            raise UsageProblem(
                "--esc-values goes with --project DIR --stack NAME (the stack file of a "
                "Pulumi project names the ESC environments)"
            )
        if stack_refs_file is not None:
            raise UsageProblem(
                "--stack-reference-outputs goes with --project DIR --stack NAME "
                "(gcmod's own stacks reference no other stack)"
            )
        if project_stack is not None:
            raise UsageProblem(
                "--stack NAME goes with --project DIR; for gcmod's own stacks give STACK "
                "as an argument (gcmod check saas-prod)"
            )
        return None
    if stack is not None or stacks_dir is not None:
        raise UsageProblem(
            "--project runs a Pulumi project's program: name its stack with --stack NAME, "
            "not with a STACK argument or --stacks-dir"
        )
    from gcmod.project import load_project, load_stack

    project = load_project(project_dir)
    if project_stack is None:
        known = project.stacks()
        raise UsageProblem(
            f"--project {project_dir} needs --stack NAME; stacks: " + (", ".join(known) or "none")
        )
    esc_values = None
    if esc_values_file is not None:
        from gcmod.project import load_esc_values

        esc_values = load_esc_values(esc_values_file)
    return load_stack(project, project_stack, esc_values)


def shown_path(path: Path) -> str:
    """``path`` relative to the current folder when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def synth_project(
    ps: Any,
    stack_refs_file: Path | None,
    log: Any = None,
    timeout: float | None = None,
    *,
    use_cache: bool = False,
):
    """Run a --project program in a child process (gcmod.childrun), through the
    graph cache when ``use_cache``."""
    from gcmod import graphcache
    from gcmod.childrun import DEFAULT_TIMEOUT, synth_isolated
    from gcmod.project import load_stack_references

    refs = load_stack_references(stack_refs_file) if stack_refs_file else None
    return graphcache.synth_project(
        ps,
        refs,
        lambda lg: synth_isolated(ps, refs, lg, timeout=timeout or DEFAULT_TIMEOUT),
        log,
        use_cache=use_cache,
    )


def synth_of(no_cache: bool):
    """A synth function for the catalogue: through the graph cache unless ``no_cache``."""
    from gcmod import graphcache

    return graphcache.graph_of(use_cache=not no_cache)


def synth_stack(ref: Any, no_cache: bool):
    """(config, graph) of a gcmod stack, through the graph cache unless ``no_cache``."""
    from gcmod import graphcache

    return graphcache.synth_stack(ref, use_cache=not no_cache)


def stack_graph(ref: Any, no_cache: bool, cfg: Any = None):
    """The graph alone (a cache hit needs no config validation: see graphcache);
    ``cfg``: the stack's config when the caller has validated it already."""
    from gcmod import graphcache

    return graphcache.stack_graph(ref, use_cache=not no_cache, cfg=cfg)


def no_timeout_without_project(timeout: float | None, ps: Any) -> None:
    """Refuse ``--timeout`` without ``--project``."""
    if timeout is not None and ps is None:
        raise UsageProblem("--timeout goes with --project (gcmod's own stacks run in-process)")


catalog_option = click.option(
    "--catalog",
    "catalog_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A price catalogue file (default: the one packaged with gcmod).",
)

policy_config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Policy config JSON (the file `pulumi preview --policy-pack-config` takes): "
    "enforcement levels and thresholds per rule.",
)


def output_file(_ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """An output file the user named: its folder must exist (a mistyped folder is
    an error before any work, never created silently), and it is not a folder."""
    if value is None:
        return None
    folder = value.parent
    if not folder.is_dir():
        raise click.BadParameter(
            f"{value}: フォルダー {folder} がありません / the folder {folder} does not exist; "
            "create it first (gcmod creates no folders for an output file)",
            param=param,
        )
    if value.is_dir():
        raise click.BadParameter(f"{value} is a folder; give a file name", param=param)
    if value.is_symlink():
        raise click.BadParameter(
            f"{value} is a symbolic link; gcmod does not write through links", param=param
        )
    return value


def html_option(help_text: str):
    """``--html FILE``: also write an HTML report there (its folder must exist)."""
    return click.option(
        "--html",
        "html_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        callback=output_file,
        help=help_text + " Its folder must exist.",
    )


def finite(_ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Refuse ``nan`` and ``inf`` (click's FloatRange lets NaN through)."""
    import math

    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value!r} is not a finite number", param=param)
    return value


#: ``--lang`` of a command that prints to the terminal only.
lang_option = _lang_option(default_lang, "en")


waivers_option = click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Waiver file (rule, resource, reason, expires, approved-by; docs/waivers.md). "
    "Default: gcmod-waivers.yaml next to the stack file, if there is one.",
)


def baseline_options(what: str):
    """``--baseline FILE`` and ``--write-baseline FILE``."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn = click.option(
            "--write-baseline",
            "write_baseline_file",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help=f"Write the findings ({what}) to FILE as a baseline and exit 0.",
        )(fn)
        return click.option(
            "--baseline",
            "baseline_file",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Report and fail only on findings not in this baseline file.",
        )(fn)

    return wrap


def load_waivers(waivers_file: Path | None, stack_file: Path) -> tuple[list[Any], Path | None]:
    """The waivers of ``--waivers``, else of gcmod-waivers.yaml beside the stack file."""
    from gcmod.policies.waivers import WAIVER_FILE, load_waiver_file

    path = waivers_file or stack_file.parent / WAIVER_FILE
    if waivers_file is None and not path.is_file():
        return [], None
    return load_waiver_file(path), path


def drop_baselined(
    kind: str,
    items: list[Any],
    fingerprint_of: Callable[[Any], str],
    baseline_file: Path | None,
) -> tuple[list[Any], int]:
    """``items`` not in the baseline file, and how many were left out."""
    from gcmod.policies.baseline import BaselineError, read_baseline

    if baseline_file is None:
        return items, 0
    try:
        known = read_baseline(baseline_file, kind)  # type: ignore[arg-type]
    except BaselineError as exc:
        raise UsageProblem(str(exc)) from None
    kept = [i for i in items if fingerprint_of(i) not in known]
    return kept, len(items) - len(kept)


def write_findings_baseline(path: Path, kind: str, subject: str, entries: list[Any]) -> None:
    """``--write-baseline FILE``: write ``entries`` there (a bad file exits 2)."""
    from gcmod.policies.baseline import BaselineError, write_baseline

    try:
        n = write_baseline(path, kind, subject, entries)  # type: ignore[arg-type]
    except BaselineError as exc:
        raise UsageProblem(str(exc)) from None
    click.echo(f"wrote a baseline of {n} finding(s) to {path} / ベースラインを書き出しました",
               err=True)  # fmt: skip


def given_path(value: str | None, name: str) -> Path | None:
    """A path argument; an empty one (an unset shell variable, say) is an error, not
    the current folder."""
    if value is not None and not value.strip():
        raise UsageProblem(
            f"{name}: 空のパスは使えません / the path is empty; "
            "give a folder (. for the current one)"
        )
    return Path(value) if value is not None else None


def load_catalog(path: Path | None) -> Catalog:
    """The price catalogue at ``path`` (default: the packaged one)."""
    from gcmod.pricing import Catalog

    return Catalog.load(path)  # a CatalogError exits 2 through handle_errors


def _json_default(o: Any) -> Any:
    """Anything JSON cannot hold (dates, paths) as its text."""
    return str(o)


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON (Japanese unescaped)."""
    import json  # not at start-up: `--help` and the tables need no JSON

    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))
