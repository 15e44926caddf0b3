"""The ``gcmod`` command.

Keep imports here light: ``gcmod --help`` must not import pulumi or
pulumi_aws. Each command imports what it needs when it runs.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from gcmod import __version__
from gcmod.clihelp import LocalizedGroup
from gcmod.i18n import default_lang, report_lang, terminal_lang
from gcmod.reference import GOV_REGIONS

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
#: The program or its synth failed: crash, timeout, child killed, no complete
#: graph delivered (README "Exit codes"; 3 is the audit's "incomplete").
EXIT_PROGRAM = 4


class UsageProblem(Exception):
    """Bad input other than a stack config (e.g. a policy config file): exit 2."""


def _set_wide(_ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
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


def _fail(message: str, code: int) -> None:
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
            _fail(*known)

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

STACK_HELP = (
    "STACK is a stack name (default: saas-prod; in a project, its only stack or prod) "
    "or a path to a Pulumi.<stack>.yaml file."
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
    callback=lambda ctx, param, v: _finite(ctx, param, v),
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
no_cache_option = click.option(
    "--no-cache",
    "no_cache",
    is_flag=True,
    help="Synthesize again even if the graph cache holds this program's graph "
    "(`gcmod cache --help`). キャッシュを使わずに合成します.",
)


def _project_stack(
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


def _shown_path(path: Path) -> str:
    """``path`` relative to the current folder when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _synth_project(
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


def _synth_of(no_cache: bool):
    from gcmod import graphcache

    return graphcache.graph_of(use_cache=not no_cache)


def _synth_stack(ref: Any, no_cache: bool):
    """(config, graph) of a gcmod stack, through the graph cache unless ``no_cache``."""
    from gcmod import graphcache

    return graphcache.synth_stack(ref, use_cache=not no_cache)


def _stack_graph(ref: Any, no_cache: bool, cfg: Any = None):
    """The graph alone (a cache hit needs no config validation: see graphcache);
    ``cfg``: the stack's config when the caller has validated it already."""
    from gcmod import graphcache

    return graphcache.stack_graph(ref, use_cache=not no_cache, cfg=cfg)


def _no_timeout_without_project(timeout: float | None, ps: Any) -> None:
    if timeout is not None and ps is None:
        raise UsageProblem("--timeout goes with --project (gcmod's own stacks run in-process)")


@click.group(
    cls=LocalizedGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="gcmod")
def main() -> None:
    """gcmod: Government Cloud modernisation toolkit / ガバメントクラウド最適化ツール.

    Builds the optimised architecture (Fargate, Aurora Serverless v2, managed
    backup and logging, scheduled shutdown, backup-only DR) from a typed stack
    config, and inspects it offline: no Pulumi CLI, no cloud credentials.
    Language: --lang, else GCMOD_LANG (ja or en), else the locale (LANG).
    """
    import os

    from gcmod.gctune import tune_process
    from gcmod.i18n import LANGS

    tune_process()
    value = os.environ.get("GCMOD_LANG", "").strip()
    if value and value.lower() not in LANGS:
        _fail(f"GCMOD_LANG={value!r}: 使える値は ja と en / allowed: ja, en", EXIT_USAGE)


@main.command()
@stack_argument
@stacks_dir_option
@project_option
@project_stack_option
@stack_refs_option
@esc_values_option
@timeout_option
@click.option("--json", "as_json", is_flag=True, help="Print the resource graph as JSON.")
@wide_option
@no_cache_option
@handle_errors
def synth(
    stack: str | None,
    stacks_dir: Path | None,
    project_dir: Path | None,
    project_stack: str | None,
    stack_refs_file: Path | None,
    esc_values_file: Path | None,
    timeout: float | None,
    as_json: bool,
    no_cache: bool,
) -> None:
    """Synthesize a stack offline and print its resource graph.

    リソースグラフをオフラインで生成します (Pulumi CLI・認証情報不要).

    \b
    STACK is a stack name (default: saas-prod; in a project, its only stack or prod)
    or a path to a Pulumi.<stack>.yaml.
    --project DIR --stack NAME runs any Pulumi Python project instead (docs/projects.md).
    The JSON form is documented in docs/graph.md (schemaVersion 1).
    Exit codes: 0 done, 2 bad stack, config or missing module, 4 the program or
    its synth failed (crash, timeout, no graph delivered).
    """
    from gcmod.graph import short_type
    from gcmod.stackfiles import resolve
    from gcmod.synth import RunLog
    from gcmod.textable import render

    ps = _project_stack(
        stack, stacks_dir, project_dir, project_stack, stack_refs_file, esc_values_file
    )
    _no_timeout_without_project(timeout, ps)
    log = RunLog()
    if ps is not None:
        graph = _synth_project(ps, stack_refs_file, log, timeout, use_cache=not no_cache)
    else:
        ref = resolve(stack, stacks_dir)
        cfg, graph = _synth_stack(ref, no_cache)
    if as_json:
        click.echo(graph.dumps(indent=2))
        return
    names = {r.urn: r.name for r in graph}
    rows = [
        (
            i + 1,
            short_type(r.type),
            r.name,
            r.region or "-",
            names.get(r.parent or "", "-"),
            len(r.dependencies),
        )
        for i, r in enumerate(graph)
    ]
    click.echo(render(["#", "TYPE", "NAME", "REGION", "PARENT", "DEPS"], rows, right=(0, 5)))
    custom = len(graph.custom_resources)
    regions = sorted({r.region for r in graph if r.region})
    if ps is not None:
        click.echo(
            f"\nproject {ps.project.name}, stack {ps.name}: {len(graph)} resources, "
            f"{custom} cloud resources, regions {', '.join(regions)}  [{_shown_path(ps.file)}]"
        )
        click.echo(_project_notes(ps, log))
        return
    click.echo(
        f"\nstack {ref.name} ({cfg.environment}, {cfg.business.ja} / {cfg.business.en}, "
        f"{len(cfg.tenants)} tenant(s)): {len(graph)} resources, {custom} cloud resources, "
        f"regions {', '.join(regions)}  [{ref.path}]"
    )


def _project_notes(ps: Any, log: Any) -> str:
    """Config keys (secrets named, never shown), data sources answered and stack
    references of a project run."""
    secrets = ", ".join(ps.secret_keys) or "none"
    lines = [
        f"config: {len(ps.config)} keys, region {ps.region} ({ps.region_source}); "
        f"secrets (not decrypted, passed as secrets): {secrets}"
    ]
    if log.calls:
        lines.append(
            "data sources answered with gcmod's documented offline values (docs/projects.md), "
            "not the account's: "
            + ", ".join(f"{t.rsplit(':', 1)[-1]} ×{n}" for t, n in sorted(log.calls.items()))
        )
    for name, given in sorted(log.stack_references.items()):
        how = "outputs from --stack-reference-outputs" if given else "outputs unknown"
        lines.append(f"stack reference {name}: {how}")
    if ps.esc is not None:
        lines.append(ps.esc.describe())
    return "\n".join(lines)


def _parse_from(value: str | None) -> Any:
    import datetime as dt

    from gcmod.officecalendar import JST

    if value is None:
        return dt.datetime.now(JST)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO date or date-time, e.g. 2026-12-01 or 2026-12-01T09:00"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=JST)


@main.command()
@stack_argument
@stacks_dir_option
@click.option(
    "-n",
    "--count",
    default=10,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="How many upcoming start/stop events to list.",
)
@click.option(
    "--from",
    "from_",
    metavar="DATETIME",
    default=None,
    help="List events after this time (ISO, Asia/Tokyo if no offset). Default: now.",
)
@click.option("--json", "as_json", is_flag=True, help="Print events and hours as JSON.")
@no_cache_option
@handle_errors
def calendar(
    stack: str | None,
    stacks_dir: Path | None,
    count: int,
    from_: str | None,
    as_json: bool,
    no_cache: bool,
) -> None:
    """Show a stack's shutdown calendar: next start/stop events and monthly hours.

    停止スケジュール: 次回の起動・停止と、リソースごとの月間稼働時間.

    \b
    Read from the EventBridge Scheduler schedules the stack declares (weekdays,
    business hours; closed on weekends, national holidays and 29 Dec - 3 Jan).
    A stack without a shutdown schedule (production, by default) runs 24/7.
    Exit codes: 0 done, 2 bad stack or config, 4 synth failed.
    """
    from gcmod.runcalendar import from_graph
    from gcmod.stackfiles import resolve
    from gcmod.textable import render

    after = _parse_from(from_)
    ref = resolve(stack, stacks_dir)
    graph = _stack_graph(ref, no_cache)
    cal = from_graph(graph)
    if cal is None:
        from gcmod.config import load_stack_file

        cfg = load_stack_file(ref.path)
        msg = (
            f"stack {ref.name} ({cfg.environment}) has no shutdown schedule: it runs 24/7 "
            "(730 h a month). 停止スケジュールはありません (常時稼働)."
        )
        if as_json:
            echo_json({"stack": ref.name, "scheduled": False, "events": [], "monthlyHours": {}})
        else:
            click.echo(msg)
        return
    events = cal.next_events(after, count)
    hours = {name: t.monthly_hours() for name, t in cal.targets.items()}
    if as_json:
        echo_json(
            {
                "stack": ref.name,
                "scheduled": True,
                "timezone": "Asia/Tokyo",
                "horizonStart": cal.horizon_start.isoformat(),
                "horizonEnd": cal.horizon_end.isoformat(),
                "events": [
                    {"at": e.at.isoformat(), "target": e.target, "kind": e.kind} for e in events
                ],
                "monthlyHours": hours,
            }
        )
        return
    click.echo(
        f"stack {ref.name}: schedule horizon {cal.horizon_start} – {cal.horizon_end} "
        "(exclusive), Asia/Tokyo\n"
    )
    click.echo(f"next {len(events)} events after {after:%Y-%m-%d %H:%M %Z} / 次回のイベント")
    click.echo(
        render(
            ["WHEN (JST)", "DAY", "TARGET", "EVENT"],
            [(f"{e.at:%Y-%m-%d %H:%M}", f"{e.at:%a}", e.target, e.kind) for e in events],
        )
    )
    months = sorted({m for h in hours.values() for m in h})
    click.echo("\nmonthly running hours / 月間稼働時間 (24/7 would be 730 h)")
    click.echo(
        render(
            ["MONTH", *hours],
            [(m, *(f"{hours[t].get(m, 0.0):.1f}" for t in hours)) for m in months],
            right=tuple(range(1, len(hours) + 1)),
        )
    )


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


def _output_file(_ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
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
        callback=_output_file,
        help=help_text + " Its folder must exist.",
    )


def _finite(_ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Refuse ``nan`` and ``inf`` (click's FloatRange lets NaN through)."""
    import math

    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value!r} is not a finite number", param=param)
    return value


lang_option = click.option(
    "--lang",
    type=click.Choice(["en", "ja"]),
    default=default_lang,
    help="Language of the table / 表示言語. Default: GCMOD_LANG, else the locale "
    "(LANG=ja_JP.UTF-8 → ja), else en.",
)


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


def _waivers(waivers_file: Path | None, stack_file: Path) -> tuple[list[Any], Path | None]:
    """The waivers of ``--waivers``, else of gcmod-waivers.yaml beside the stack file."""
    from gcmod.policies.waivers import WAIVER_FILE, load_waiver_file

    path = waivers_file or stack_file.parent / WAIVER_FILE
    if waivers_file is None and not path.is_file():
        return [], None
    return load_waiver_file(path), path


def _baseline(
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


def _write_baseline(path: Path, kind: str, subject: str, entries: list[Any]) -> None:
    from gcmod.policies.baseline import BaselineError, write_baseline

    try:
        n = write_baseline(path, kind, subject, entries)  # type: ignore[arg-type]
    except BaselineError as exc:
        raise UsageProblem(str(exc)) from None
    click.echo(f"wrote a baseline of {n} finding(s) to {path} / ベースラインを書き出しました",
               err=True)  # fmt: skip


@main.command()
@stack_argument
@stacks_dir_option
@project_option
@project_stack_option
@stack_refs_option
@esc_values_option
@timeout_option
@lang_option
@wide_option
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--sarif", "as_sarif", is_flag=True, help="Print SARIF 2.1.0 (code scanning).")
@policy_config_option
@click.option(
    "--estimate",
    "with_estimate",
    is_flag=True,
    help="Also estimate the monthly cost from the same synth (as `gcmod estimate`): the "
    "table after the findings, or --json {check, estimate}. 同じ合成結果で費用も概算します.",
)
@catalog_option
@no_cache_option
@waivers_option
@baseline_options("rule + resource URN")
@handle_errors
def check(
    stack: str | None,
    stacks_dir: Path | None,
    project_dir: Path | None,
    project_stack: str | None,
    stack_refs_file: Path | None,
    esc_values_file: Path | None,
    timeout: float | None,
    lang: str,
    as_json: bool,
    as_sarif: bool,
    config_file: Path | None,
    waivers_file: Path | None,
    baseline_file: Path | None,
    write_baseline_file: Path | None,
    with_estimate: bool,
    catalog_path: Path | None,
    no_cache: bool,
) -> None:
    """Check a stack offline against the policy pack.

    ポリシーパックによるオフライン検査 (Pulumi CLI・認証情報不要).

    \b
    Synthesizes the stack under the mock runtime and runs every rule through the
    same analyzer the Pulumi engine drives, with the same semantics.
    --project DIR --stack NAME checks any Pulumi Python project (e.g. a vendor's).
    Waived findings (gcmod:waive tag, gcmod-waivers.yaml) are shown as waived
    and fail nothing; an expired waiver is a finding of its own (GCM-GOV-001).
    --estimate also prints the cost estimate of the same graph (one synth for CI).
    Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 bad stack,
    config, policy config, waiver or baseline file, or missing module, 4 the
    program or its synth failed (crash, timeout, no graph delivered: never a pass).
    """
    from gcmod.policies.baseline import Entry
    from gcmod.policies.harness import check_graph, load_pack_config
    from gcmod.policies.report import fingerprints, table, to_json, to_sarif
    from gcmod.stackfiles import resolve

    if as_json and as_sarif:
        raise UsageProblem("choose one of --json and --sarif")
    if with_estimate and as_sarif:
        raise UsageProblem("--estimate goes with the table or --json, not with --sarif")
    pack_config = load_pack_config(config_file) if config_file else None
    price_catalog = _load_catalog(catalog_path) if with_estimate else None
    ps = _project_stack(
        stack, stacks_dir, project_dir, project_stack, stack_refs_file, esc_values_file
    )
    _no_timeout_without_project(timeout, ps)
    ref = None if ps is not None else resolve(stack, stacks_dir)
    cfg, usage = _estimate_usage(ps, ref) if with_estimate else (None, None)
    source_root: Path | None = None
    if ps is not None:
        graph = _synth_project(ps, stack_refs_file, timeout=timeout, use_cache=not no_cache)
        name, path = ps.label, Path(_shown_path(ps.project.entry))
        stack_file, source_root = ps.file, ps.project.directory
    else:
        graph = _stack_graph(ref, no_cache, cfg)
        name, path, stack_file = ref.name, ref.path, ref.path
    waivers, waiver_path = _waivers(waivers_file, stack_file)
    report = check_graph(
        graph, pack_config, source=str(config_file or "policy config"), waivers=waivers
    )
    prints = dict(zip(map(id, report.violations), fingerprints(report.violations, report.stack),
                      strict=True))  # fmt: skip
    if write_baseline_file is not None:
        entries = [
            Entry(prints[id(v)], v.rule.id, v.urn, v.message.en)
            for v in report.violations
            if not v.waived
        ]
        _write_baseline(write_baseline_file, "check", name, entries)
        sys.exit(EXIT_OK)
    report.violations, baselined = _baseline(
        "check", report.violations, lambda v: prints[id(v)], baseline_file
    )
    result = (
        _estimate_graph(graph, price_catalog, ps, cfg, ref, usage) if price_catalog else None
    )
    if as_json:
        data = to_json(report)
        data["baselined"] = baselined
        data["waiverFile"] = str(waiver_path) if waiver_path else None
        if ps is not None and ps.esc is not None:
            data["esc"] = ps.esc.to_json()
        if result is None:
            echo_json(data)
        else:
            from gcmod.cost.report import to_json as estimate_json

            echo_json({"check": data, "estimate": estimate_json(result)})
    elif as_sarif:
        category = f"gcmod-check/{name}"
        echo_json(
            to_sarif(
                report, artifact=_artifact(path), lang=lang, source_root=source_root,
                category=category,
            )
        )  # fmt: skip
    else:
        echo_text(f"gcmod check {name}  [{path}]")
        if waiver_path is not None:
            click.echo(f"waivers / 免除: {_shown_path(waiver_path)} ({len(waivers)})")
        if ps is not None and ps.esc is not None:
            click.echo(ps.esc.describe(lang))
        if baseline_file is not None:
            click.echo(
                f"baseline / ベースライン: {baseline_file}: {baselined} known finding(s) "
                "not shown / 既知の指摘は表示しません"
            )
        echo_text(table(report, lang))
        if result is not None:
            from gcmod.cost.report import table as estimate_table

            click.echo(f"\ngcmod estimate {name}")
            echo_text(estimate_table(result, terminal_lang(lang)))
    if result is not None:
        _estimate_warnings(result)
    sys.exit(EXIT_FINDINGS if report.mandatory else EXIT_OK)


def _estimate_usage(ps: Any, ref: Any) -> tuple[Any, Any]:
    """(stack config or None, resolved usage) for an estimate, read before the synth
    so a bad stack or usage file is refused before any program runs."""
    from gcmod.cost.usage import usage_for

    if ps is not None:
        from gcmod.cost.usage import program_basis

        return None, usage_for(program_basis(), ps.file)
    from gcmod.config import load_stack_file

    cfg = load_stack_file(ref.path)
    return cfg, usage_for(cfg, ref.path)


def _estimate_graph(graph: Any, catalog: Any, ps: Any, cfg: Any, ref: Any, usage: Any):
    """The estimate of an already synthesized graph: a project's (priced alone) or
    a gcmod stack's (with its usage file, baseline and shares), as `gcmod estimate`."""
    with _pricing_status():
        if ps is not None:
            from gcmod.cost.estimate import estimate_program

            return estimate_program(graph, catalog, usage, stack=ps.label)
        from gcmod.cost.estimate import estimate_stack

        return estimate_stack(cfg, graph, catalog, usage, stack=ref.name)


def _pricing_status():
    from gcmod.progress import status

    return status("pricing", "費用を算定中")


def _estimate_warnings(result: Any) -> None:
    """Quantities without a price and resource types gcmod cannot price, on stderr."""
    missing = result.planned.missing + result.baseline.missing
    if missing:
        click.echo(
            f"warning: {len(missing)} quantities have no price and are not counted "
            "(価格がないため計上していない項目があります)",
            err=True,
        )
    unpriced = (result.assumptions.get("unpriced") or {}).get("value") or []
    if unpriced:
        click.echo(
            "warning: resource types gcmod cannot price are not counted "
            "(料金を算定できないリソース種別は計上していません): "
            + ", ".join(f"{u['type']} ({len(u['resources'])})" for u in unpriced),
            err=True,
        )


def _artifact(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_uri()


@main.command()
@lang_option
@wide_option
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
def rules(lang: str, as_json: bool) -> None:
    """List the policy rules / ポリシールール一覧.

    The same catalogue the policy pack serves; docs/rules.md is generated from it.
    """
    from gcmod.policies.model import all_rules
    from gcmod.policies.report import rules_json, rules_table

    catalogue = all_rules()
    if as_json:
        echo_json(rules_json(catalogue))
    else:
        echo_text(rules_table(catalogue, lang))


def _compare_doc(
    other: str,
    compare_stack: str | None,
    stacks_dir: Path | None,
    catalog: Any,
    jpy_rate: float | None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """The estimate JSON of ``--compare OTHER``: a previous --json file, a Pulumi
    project (with --compare-stack) or a gcmod stack."""
    from gcmod.cost import report as render
    from gcmod.cost.compare import CompareInputError, load_estimate_json
    from gcmod.cost.estimate import estimate_file, estimate_program
    from gcmod.cost.usage import program_basis, usage_for
    from gcmod.stackfiles import resolve

    path = Path(other)
    if path.suffix.lower() == ".json":
        try:
            return load_estimate_json(path)
        except CompareInputError as exc:
            raise UsageProblem(f"--compare: {exc}") from None
    if (path.is_dir() and (path / "Pulumi.yaml").exists()) or compare_stack is not None:
        from gcmod.project import load_project, load_stack

        if compare_stack is None:
            known = load_project(path).stacks()
            raise UsageProblem(
                f"--compare {other} is a Pulumi project: name its stack with --compare-stack "
                "NAME; stacks: " + (", ".join(known) or "none")
            )
        ps = load_stack(load_project(path), compare_stack)
        usage = usage_for(program_basis(), ps.file)
        graph = _synth_project(ps, None, timeout=timeout)
        result = estimate_program(graph, catalog, usage, stack=ps.label)
    else:
        result = estimate_file(resolve(other, stacks_dir), catalog=catalog)
    if jpy_rate is not None:
        result.jpy_per_usd = jpy_rate
        result.fx_source = "--jpy-rate (given on the command line)"
    return render.to_json(result)


@main.command()
@stack_argument
@stacks_dir_option
@project_option
@project_stack_option
@stack_refs_option
@timeout_option
@click.option(
    "--lang",
    type=click.Choice(["en", "ja"]),
    default=None,
    help="Language / 表示言語. Default: GCMOD_LANG, else the locale (LANG=ja_JP.UTF-8 → ja), "
    "else en for the terminal and ja for --html.",
)
@wide_option
@click.option("--json", "as_json", is_flag=True, help="Print the estimate as JSON.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Print the estimate as Markdown.")
@html_option("Also write a self-contained HTML report (Japanese unless --lang en) to this file.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the line items as CSV (UTF-8 with BOM, opens in Excel) / 明細をCSVで出力.",
)
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write an Excel workbook (summary, line items, levers, tenant shares, "
    "assumptions, price sources) / Excelブックを出力.",
)
@click.option(
    "--compare",
    "compare_with",
    metavar="OTHER",
    default=None,
    help="Compare with OTHER (before) and print the differences instead: a gcmod stack, a "
    "previous `--json` file, or a Pulumi project folder (with --compare-stack) / 比較.",
)
@click.option(
    "--compare-stack",
    metavar="NAME",
    default=None,
    help="The stack of --compare's Pulumi project.",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The municipality's as-is system as the baseline: an inventory (YAML or CSV; "
    "stacks/baseline.sample-town.yaml) / 現行システムの構成表を比較基準に.",
)
@click.option(
    "--baseline-project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A vendor's lift-and-shift Pulumi project as the baseline (with --baseline-stack).",
)
@click.option("--baseline-stack", metavar="NAME", default=None, help="Stack of --baseline-project.")
@click.option(
    "--jpy-rate",
    type=click.FloatRange(min=1, max=1000),
    default=None,
    callback=_finite,
    help="Yen per US dollar (1 to 1000). Default: the catalogue's documented rate.",
)
@catalog_option
@no_cache_option
@handle_errors
def estimate(
    stack: str | None,
    stacks_dir: Path | None,
    project_dir: Path | None,
    project_stack: str | None,
    stack_refs_file: Path | None,
    timeout: float | None,
    lang: str | None,
    as_json: bool,
    as_markdown: bool,
    html_path: Path | None,
    csv_path: Path | None,
    xlsx_path: Path | None,
    compare_with: str | None,
    compare_stack: str | None,
    baseline_file: Path | None,
    baseline_project: Path | None,
    baseline_stack: str | None,
    jpy_rate: float | None,
    catalog_path: Path | None,
    no_cache: bool,
) -> None:
    """Estimate a stack's monthly cost against the lift-and-shift it replaces.

    月額費用の概算 (移行前のリフト&シフト構成との比較、施策別の削減額、団体別の按分).

    \b
    Prices: the packaged catalogue (USD on-demand, each with its source and
    date). Usage the graph cannot tell (data, logs, requests) comes from presets
    by municipality size, overridable in stacks/usage.<stack>.yaml.
    A price missing from the catalogue is reported, never counted as zero.
    The built-in baseline is a low-high range (docs/baseline.md); the headline
    uses the conservative low end. --baseline FILE or --baseline-project DIR
    --baseline-stack NAME use the municipality's own as-is system instead.
    --project DIR --stack NAME prices any Pulumi Python project from its graph
    alone: no built-in baseline, no tenant shares, usage from the documented
    program defaults or usage.<NAME>.yaml beside its stack file (docs/projects.md).
    --compare OTHER prints the differences from OTHER (after − before).
    Exit codes: 0 done, 2 bad stack, usage file, inventory, catalogue or missing
    module, 4 the program or its synth failed (crash, timeout, no graph delivered).
    """
    from gcmod.cost import report as render
    from gcmod.stackfiles import resolve

    if as_json and as_markdown:
        raise UsageProblem("choose one of --json and --markdown")
    if compare_stack is not None and compare_with is None:
        raise UsageProblem("--compare-stack goes with --compare DIR")
    if baseline_file is not None and baseline_project is not None:
        raise UsageProblem("choose one of --baseline FILE and --baseline-project DIR")
    if (baseline_project is None) != (baseline_stack is None):
        raise UsageProblem("--baseline-project DIR and --baseline-stack NAME go together")
    catalog = _load_catalog(catalog_path)
    before = None
    if compare_with is not None and Path(compare_with).suffix.lower() == ".json":
        # A previous estimate: read (and refuse) it before running anything.
        before = _compare_doc(compare_with, compare_stack, stacks_dir, catalog, jpy_rate)
    if baseline_file is not None:
        from gcmod.cost.asis import load_inventory

        load_inventory(baseline_file)  # a bad inventory exits 2 before the synth
    ps = _project_stack(stack, stacks_dir, project_dir, project_stack, stack_refs_file)
    _no_timeout_without_project(timeout, ps)
    ref = None if ps is not None else resolve(stack, stacks_dir)
    cfg, usage = _estimate_usage(ps, ref)  # a bad usage file is refused before the synth
    if ps is not None:
        graph = _synth_project(ps, stack_refs_file, timeout=timeout, use_cache=not no_cache)
    else:
        graph = _stack_graph(ref, no_cache, cfg)
    result = _estimate_graph(graph, catalog, ps, cfg, ref, usage)
    if baseline_file is not None or baseline_project is not None:
        from gcmod.cost.asis import apply_baseline, baseline_from_file, baseline_from_program

        if baseline_file is not None:
            given = baseline_from_file(baseline_file, catalog, region=result.region)
        else:
            bps = _project_stack(None, None, baseline_project, baseline_stack)
            given = baseline_from_program(
                _synth_project(bps, None, timeout=timeout),
                catalog,
                label=bps.label,
                usage_file=bps.file,
            )
        result = apply_baseline(result, given)
    if jpy_rate is not None:
        result.jpy_per_usd = jpy_rate
        result.fx_source = "--jpy-rate (given on the command line)"
    if html_path is not None:
        render.write_html(result, html_path, lang=report_lang(lang))
        click.echo(f"wrote {html_path}", err=True)
    if csv_path is not None or xlsx_path is not None:
        from gcmod.cost import spreadsheet

        if csv_path is not None:
            spreadsheet.write_estimate_csv(result, csv_path, lang or "ja")
            click.echo(f"wrote {csv_path}", err=True)
        if xlsx_path is not None:
            spreadsheet.write_estimate_xlsx(result, xlsx_path, lang or "ja")
            click.echo(f"wrote {xlsx_path}", err=True)
    if compare_with is not None:
        from gcmod.cost import compare as cmp

        if before is None:
            before = _compare_doc(
                compare_with, compare_stack, stacks_dir, catalog, jpy_rate, timeout
            )
        diff = cmp.compare(before, render.to_json(result))
        if as_json:
            echo_json(cmp.to_json(diff))
        elif as_markdown:
            click.echo(cmp.markdown(diff))
        else:
            click.echo(cmp.table(diff))
    elif as_json:
        echo_json(render.to_json(result))
    elif as_markdown:
        click.echo(render.markdown(result, terminal_lang(lang)))
    else:
        echo_text(render.table(result, terminal_lang(lang)))
    _estimate_warnings(result)


@main.command()
@click.option(
    "--out",
    "out_arg",
    type=click.Path(path_type=str),
    default="catalog",
    show_default=True,
    help="Folder to write the site to: empty, new, or a previous catalogue (replaced) "
    "/ 出力先フォルダ.",
)
@click.option(
    "--lang",
    "langs",
    multiple=True,
    type=click.Choice(["ja", "en"]),
    help="Languages to build, the first at the site's root, others in <lang>/ "
    "(default: ja, then en/) / 言語.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was built as JSON.")
@click.option(
    "--force", is_flag=True, help="Write into a non-empty folder that is not a catalogue."
)
@catalog_option
@no_cache_option
@handle_errors
def catalog(
    out_arg: str,
    langs: tuple[str, ...],
    as_json: bool,
    force: bool,
    catalog_path: Path | None,
    no_cache: bool,
) -> None:
    """Build the template catalogue: a static site to publish or open from disk.

    テンプレートカタログ (静的サイト) を生成します:
    テンプレートごとの構成図・ポリシー検査・費用・設定項目.

    \b
    Scaffolds every `gcmod new` template with its default answers into a
    temporary folder, then synthesizes, checks and estimates each stack offline.
    One page per template (architecture diagram from the resource graph, policy
    results, monthly cost against the lift-and-shift with per-tenant shares,
    configuration options with defaults) and an index comparing them, in
    Japanese and English. Plain HTML, CSS and inline SVG: no scripts, fonts or
    network; relative links only. catalog.json lists what was built.
    Exit codes: 0 done, 2 bad output folder or template, 4 synth failed.
    """
    import tempfile

    from gcmod.catalog import CatalogOutputError, entries_from_templates
    from gcmod.catalog.build import LANGS, build, check_output

    def progress(message: str) -> None:
        click.echo(message, err=True)

    out_dir = _given_path(out_arg, "--out")
    assert out_dir is not None  # the option has a default
    try:
        check_output(out_dir, force)  # before any work
        price_catalog = _load_catalog(catalog_path)
        with tempfile.TemporaryDirectory(prefix="gcmod-catalog-") as work:
            entries = entries_from_templates(Path(work))
            data = build(entries, out_dir, langs=langs or LANGS, force=force,
                         catalog=price_catalog, progress=progress,
                         synth=_synth_of(no_cache))  # fmt: skip
    except CatalogOutputError as exc:
        why = "カタログを作成できません / cannot build the catalogue"
        raise UsageProblem(f"gcmod catalog: {why}: {exc}") from None
    if as_json:
        echo_json(data)
    else:
        index = out_dir / data["index"][data["languages"][0]]
        n = len(data["templates"])
        click.echo(f"{n} テンプレートのカタログ / catalogue of {n} templates: open {index}")


@main.command("new")
@click.argument("template_id", required=False, metavar="[TEMPLATE]")
@click.argument("dest_arg", required=False, type=click.Path(path_type=str), metavar="[DEST]")
@click.option("--list", "list_only", is_flag=True,
              help="List the templates, business systems and size bands, and exit.")  # fmt: skip
@click.option("--name", "project", metavar="NAME", help="Pulumi project name / プロジェクト名. "
              "Default: DEST's folder name if valid, else the template's.")  # fmt: skip
@click.option("--business", metavar="ID", help="Standard business system / 標準化対象業務, "
              "one of the 20 (e.g. jumin-kihon-daicho; `gcmod new --list` lists them). "
              "Default: the template's.")  # fmt: skip
@click.option("--size", metavar="BAND", help="Size band / 規模: designated-city, core-city, "
              "city, town-village, or auto (from the tenants' total population). "
              "Default: the template's.")  # fmt: skip
@click.option("--tenant", "tenants", metavar="NAME:CODE:POPULATION", multiple=True,
              help="A municipality served / 利用団体 (repeat for each), e.g. "
              "小樽市:012033:107000; the code is the six-digit local government code with its "
              "check digit. Default: the template's sample municipalities.")  # fmt: skip
@click.option("--env", "environments", metavar="ENV", multiple=True,
              help="An environment / 環境, one stack each (repeat): production, staging, "
              "development. Default: the template's.")  # fmt: skip
@click.option("--domain", metavar="DOMAIN", help="Domain under which tenants get host names "
              "/ ドメイン. Default: the template's for its own project name, else the "
              "placeholder <NAME>.example.lg.jp.")  # fmt: skip
@click.option("--region", metavar="REGION", help="Region / リージョン: ap-northeast-1 or "
              "ap-northeast-3. Default: the template's (`gcmod new --list --json` shows "
              "each template's defaults).")  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite files that already exist in DEST.")
@click.option("--gcmod-source", "gcmod_source", metavar="SOURCE", default=None,
              help="Where the project's requirements.txt installs gcmod from: gcmod's "
              "source folder or a wheel, a URL (git+https://host/org/gcmod@v0.1.0), or a "
              "requirement (gcmod==0.1.0). Default: where this gcmod was installed from "
              "(docs/projects.md).")  # fmt: skip
@click.option("--interactive/--no-input", "interactive", default=None,
              help="Ask for answers no flag gives (default: when stdin is a terminal) / "
              "never ask: take the template's defaults.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the result (or --list) as JSON.")
@handle_errors
def new(
    template_id: str | None,
    dest_arg: str | None,
    list_only: bool,
    force: bool,
    gcmod_source: str | None,
    interactive: bool | None,
    as_json: bool,
    **given: Any,
) -> None:
    """Start a project from a template / テンプレートからプロジェクトを作成.

    テンプレートから、そのまま `gcmod check` を通り `gcmod estimate` で概算できる
    プロジェクトを作成します。回答はフラグで指定するか、端末では対話形式で入力します。

    \b
    Writes a ready Pulumi project into DEST (default: ./<project name>): the
    program, one stack file per environment (stacks/Pulumi.<stack>.yaml), usage
    assumptions, the policy pack, requirements.txt, a CI workflow
    (.github/workflows/gcmod.yml) and a README with the next steps. Every stack
    passes `gcmod check` and prices with `gcmod estimate`.
    Answers come from the flags; missing ones are asked for when stdin is a
    terminal, else the template's defaults are used. Nothing is written if any
    answer is wrong, and no file is overwritten without --force.
    Exit codes: 0 done, 2 bad answer, template or destination.
    """
    from gcmod.scaffold import registry, templates
    from gcmod.scaffold.prompts import choose_template, collect

    if list_only:
        _list_templates(templates(), as_json)
        return
    dest = _given_path(dest_arg, "DEST")
    from gcmod.scaffold.source import resolve_source

    try:
        source = resolve_source(gcmod_source)
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    if interactive is None:
        interactive = sys.stdin.isatty()
    tpl = choose_template(template_id, interactive)
    answers = collect(tpl, given, interactive=interactive, dest=dest)
    dest = dest or Path(answers.project)
    written = registry.scaffold(tpl.id, dest, answers, force=force, gcmod_source=source)
    stacks = tpl.stacks(answers)
    if as_json:
        echo_json(
            {
                "template": tpl.id,
                "dest": str(dest),
                "answers": answers.model_dump(mode="json"),
                "stacks": stacks,
                "files": [p.relative_to(dest).as_posix() for p in written],
                "gcmodRequirement": source.requirement,
            }
        )
        return
    click.echo(
        f"{tpl.title_ja} から {len(written)} ファイルを作成 / "
        f"created {len(written)} files in {dest} from {tpl.id} ({tpl.title_en}):"
    )
    for p in written:
        click.echo(f"  {p.relative_to(dest).as_posix()}")
    first = next(iter(stacks))
    click.echo(
        f"\nnext / 次の手順:\n  cd {dest}\n  gcmod check {first}\n  gcmod estimate {first}\n"
        "  pulumi preview --policy-pack policy   (with the Pulumi CLI; see README.md)"
    )


def _given_path(value: str | None, name: str) -> Path | None:
    """A path argument; an empty one (an unset shell variable, say) is an error, not
    the current folder."""
    if value is not None and not value.strip():
        raise UsageProblem(
            f"{name}: 空のパスは使えません / the path is empty; "
            "give a folder (. for the current one)"
        )
    return Path(value) if value is not None else None


def _list_templates(tpls: list[Any], as_json: bool) -> None:
    from gcmod import reference as ref
    from gcmod.textable import render

    if as_json:
        echo_json(
            {
                "templates": [
                    {
                        "id": t.id, "titleJa": t.title_ja, "titleEn": t.title_en,
                        "summaryJa": t.summary_ja, "summaryEn": t.summary_en,
                        "stacks": t.stacks(), "environments": list(t.environments),
                        "defaults": t.default_answers.model_dump(mode="json"),
                    }
                    for t in tpls
                ],
                "businesses": [{"id": b.id, "ja": b.ja, "en": b.en} for b in ref.BUSINESSES],
                "sizeBands": [
                    {"id": k, "ja": ja, "municipalities": n}
                    for k, (ja, n) in ref.MUNICIPALITY_CLASSES.items()
                ],
            }
        )  # fmt: skip
        return
    rows = [(t.id, t.title_ja, t.title_en, ", ".join(t.stacks())) for t in tpls]
    click.echo(render(["TEMPLATE", "タイトル", "TITLE", "DEFAULT STACKS"], rows))
    click.echo("\nbusiness systems / 標準化対象業務 (--business)")
    click.echo(render(["ID", "業務", "BUSINESS"], [(b.id, b.ja, b.en) for b in ref.BUSINESSES]))
    bands = ", ".join(f"{k} ({ja})" for k, (ja, _n) in ref.MUNICIPALITY_CLASSES.items())
    click.echo(f"\nsize bands / 規模 (--size): {bands}, or auto (from the population)")


REGIONS = GOV_REGIONS


@main.group(invoke_without_command=True)
@click.option("--demo", is_flag=True, help="Audit a demo estate in an embedded moto (no AWS).")
@click.option(
    "--region",
    "regions",
    multiple=True,
    type=click.Choice(REGIONS),
    help="Regions to read (default: both). The first is the home region.",
)
@click.option("--profile", default=None, help="AWS profile of the credentials to use.")
@click.option(
    "--endpoint-url",
    default=None,
    metavar="URL",
    help="Send every AWS call to URL (a proxy, a moto_server). Default: the endpoints "
    "botocore is configured with (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), else AWS.",
)
@click.option(
    "--organization",
    "org_role",
    metavar="ROLE",
    help="Audit every active account of the AWS Organization, assuming ROLE "
    "(a read-only role, see `gcmod audit iam-policy`) in each.",
)
@click.option(
    "--concurrency",
    default=4,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Collectors run at once.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--sarif", "as_sarif", is_flag=True, help="Print SARIF 2.1.0.")
@wide_option
@html_option("Also write an HTML report to this file.")
@policy_config_option
@baseline_options("rule + resource ARN or id")
@click.option(
    "--lang",
    type=click.Choice(["en", "ja"]),
    default=None,
    help="Language / 表示言語. Default: GCMOD_LANG, else the locale (LANG=ja_JP.UTF-8 → ja), "
    "else en for the terminal and ja for --html.",
)
@click.pass_context
@handle_errors
def audit(
    ctx: click.Context,
    demo: bool,
    regions: tuple[str, ...],
    profile: str | None,
    endpoint_url: str | None,
    org_role: str | None,
    concurrency: int,
    as_json: bool,
    as_sarif: bool,
    html_path: Path | None,
    config_file: Path | None,
    baseline_file: Path | None,
    write_baseline_file: Path | None,
    lang: str | None,
) -> None:
    """Audit deployed AWS accounts with the same rules (read-only).

    デプロイ済み AWS アカウントを同じルールで監査します (読み取り専用).

    \b
    Only Describe/List/Get calls are made: a hook refuses anything else.
    Each finding carries the monthly saving of its fix (list prices, method named).
    Exit codes: 0 complete, no mandatory finding; 1 mandatory findings (complete
    or not); 2 usage error; 3 incomplete (a service, region or account could not
    be read, or the endpoint could not be reached) with no mandatory finding.
    """
    if ctx.invoked_subcommand is not None:
        return
    from gcmod.audit import report as render
    from gcmod.policies.harness import load_pack_config

    if as_json and as_sarif:
        raise UsageProblem("choose one of --json and --sarif")
    if demo and (profile or org_role or endpoint_url):
        raise UsageProblem(
            "--demo audits the embedded demo estate: drop --profile/--organization/--endpoint-url"
        )
    if endpoint_url is not None:
        _check_endpoint(endpoint_url)
    pack_config = load_pack_config(config_file) if config_file else None
    if pack_config is not None:  # refused before anything is collected, naming the file
        from gcmod.audit.evaluate import audit_rules
        from gcmod.policies.harness import normalize_pack_config

        normalize_pack_config(pack_config, audit_rules(), str(config_file))
    regions = regions or REGIONS
    quiet = as_json or as_sarif
    if demo:
        result = _audit_demo(regions, None, None, concurrency, pack_config, quiet)
    else:
        result = _audit_live(regions, profile, org_role, endpoint_url, concurrency, pack_config,
                             quiet)  # fmt: skip
    if write_baseline_file is not None or baseline_file is not None:
        _audit_baseline(result, baseline_file, write_baseline_file)
    if html_path is not None:
        from gcmod.safewrite import write_file

        write_file(html_path, render.html_report(result, report_lang(lang)))
        click.echo(f"wrote {html_path}", err=True)
    if as_json:
        echo_json(render.to_json(result))
    elif as_sarif:
        echo_json(render.to_sarif(result, terminal_lang(lang)))
    else:
        echo_text(render.table(result, terminal_lang(lang)))
    sys.exit(result.exit_code)


def _audit_baseline(result: Any, baseline_file: Path | None, write_to: Path | None) -> None:
    """``--write-baseline`` (write, exit 0) or ``--baseline`` (drop known findings).
    Waived findings (``gcmod:waive`` tags on the deployed resources) are not
    written: their waivers keep them."""
    from gcmod.audit.report import finding_fingerprints
    from gcmod.policies.baseline import Entry

    prints = finding_fingerprints(result)
    if write_to is not None:
        entries = [
            Entry(prints[id(f)], f.violation.rule.id, f.violation.urn, f.violation.message.en)
            for f in result.findings
            if not f.violation.waived
        ]
        subject = ",".join(a.account_id for a in result.accounts)
        _write_baseline(write_to, "audit", subject, entries)
        sys.exit(EXIT_OK)
    dropped = 0
    for acct in result.accounts:
        acct.findings, n = _baseline("audit", acct.findings, lambda f: prints[id(f)],
                                     baseline_file)  # fmt: skip
        dropped += n
    click.echo(f"baseline / ベースライン: {baseline_file}: {dropped} known finding(s) not "
               "shown / 既知の指摘は表示しません", err=True)  # fmt: skip


def _progress(quiet: bool):
    def show(done: int, total: int, label: str) -> None:
        if quiet or not sys.stderr.isatty():
            return
        width = 30
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"\r[{bar}] {done}/{total} {label[:40]:<40}", nl=False, err=True)
        if done == total:
            click.echo("", err=True)

    return show


def _check_endpoint(url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageProblem(
            f"--endpoint-url {url!r}: not a URL; give http(s)://host[:port] "
            "(例: http://127.0.0.1:5000)"
        )


EXIT_INCOMPLETE = 3


def _audit_live(regions, profile, org_role, endpoint_url, concurrency, pack_config, quiet):
    import boto3
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectTimeoutError,
        EndpointConnectionError,
    )

    from gcmod.audit.runner import run_audit
    from gcmod.audit.scope import organization_scope, single_account_scope

    try:
        session = boto3.Session(profile_name=profile, region_name=regions[0])
        scope = (
            organization_scope(session, org_role, regions, regions[0], endpoint_url=endpoint_url)
            if org_role
            else single_account_scope(session, regions, regions[0], endpoint_url=endpoint_url)
        )
    except (EndpointConnectionError, ConnectTimeoutError) as exc:
        _fail(
            f"監査を開始できません: エンドポイントに接続できません / cannot start the audit: "
            f"the endpoint cannot be reached ({exc}); nothing was read (incomplete)",
            EXIT_INCOMPLETE,
        )
    except (BotoCoreError, ClientError) as exc:
        raise UsageProblem(f"cannot start the audit: {exc}") from None
    return run_audit(scope, concurrency=concurrency, progress=_progress(quiet),
                     policy_config=pack_config, endpoint_url=endpoint_url)  # fmt: skip


def _audit_demo(regions, _profile, _org_role, concurrency, pack_config, quiet):
    import os

    try:
        from moto import mock_aws
    except ImportError:
        raise UsageProblem(
            "the demo needs moto: pip install 'gcmod[demo]' (or moto[server])"
        ) from None
    from unittest import mock

    import boto3

    from gcmod.audit.demo import seed_demo
    from gcmod.audit.runner import run_audit
    from gcmod.audit.scope import single_account_scope

    # The demo never leaves this process: fake credentials, no metadata service,
    # no configured endpoint (AWS_ENDPOINT_URL*, a profile's endpoint_url: moto
    # only answers for AWS's own hosts), and the environment is restored afterwards.
    fake = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
    }
    with mock.patch.dict(os.environ, fake), mock_aws():
        for key in [k for k in os.environ if k.startswith(("AWS_PROFILE", "AWS_ENDPOINT_URL"))]:
            os.environ.pop(key)
        session = boto3.Session(region_name=regions[0])
        if not quiet:
            click.echo("seeding the demo estate in an embedded moto ...", err=True)
        seed_demo(session, regions[0])
        scope = single_account_scope(session, regions, regions[0])
        return run_audit(scope, concurrency=concurrency, progress=_progress(quiet),
                         policy_config=pack_config)  # fmt: skip


@audit.command("iam-policy")
@click.option(
    "--member", is_flag=True, help="For member accounts: leave out organizations:ListAccounts."
)
def audit_iam_policy(member: bool) -> None:
    """Print the least-privilege IAM policy for the audit role (JSON).

    Generated from the actions each collector declares; every action is a read.
    """
    from gcmod.audit.iampolicy import audit_policy_document

    echo_json(audit_policy_document(management=not member))


@main.group()
def cache() -> None:
    """The graph cache / 合成結果のキャッシュ.

    check, estimate, calendar, synth and catalog keep each synthesized graph
    under $GCMOD_CACHE_DIR, else $XDG_CACHE_HOME/gcmod, else ~/.cache/gcmod, and
    reuse it while the program, its stack file, gcmod and Pulumi are unchanged
    (docs/performance.md). --no-cache on a command synthesizes again.
    """


@cache.command("clear")
def cache_clear() -> None:
    """Remove every cached graph / キャッシュを削除."""
    from gcmod import graphcache

    n, size = graphcache.clear()
    click.echo(
        f"{n} 件を削除 / removed {n} cached graphs ({size / 1024:.0f} KiB) "
        f"from {graphcache.graphs_dir()}"
    )


@cache.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def cache_info(as_json: bool) -> None:
    """Where the cache is and what it holds / キャッシュの場所と件数."""
    from gcmod import graphcache

    data = graphcache.info()
    if as_json:
        echo_json(data)
        return
    click.echo(
        f"{data['path']}: {data['entries']} 件 / cached graphs, {data['bytes'] / 1024:.0f} KiB"
    )


@main.group()
def prices() -> None:
    """The price catalogue / 価格カタログ (USD on-demand, Tokyo and Osaka).

    Every price carries its source and the date it was checked.
    """


@prices.command("list")
@catalog_option
@click.option("--region", default=None, help="Only this region.")
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
@handle_errors
def prices_list(catalog_path: Path | None, region: str | None, as_json: bool) -> None:
    """List prices with their sources; flags unverified and stale (> 1 year) entries."""
    import datetime as dt

    from gcmod.pricing import Catalog
    from gcmod.textable import render

    catalog = _load_catalog(catalog_path)
    stale = {(p.key, p.region) for p in catalog.stale(dt.date.today())}
    rows = [p for p in catalog if region is None or p.region == region]
    if as_json:
        echo_json(
            {
                "path": str(catalog.path),
                "jpyPerUsd": catalog.jpy_per_usd,
                "fxSource": catalog.fx_source,
                "prices": [
                    {
                        "key": p.key, "region": p.region, "unit": p.unit, "usd": p.usd,
                        "source": p.source, "checked": p.checked.isoformat(),
                        "verified": p.verified, "stale": (p.key, p.region) in stale,
                    }
                    for p in rows
                ],
            }
        )  # fmt: skip
        return
    del Catalog
    click.echo(
        render(
            ["KEY", "REGION", "USD", "UNIT", "CHECKED", "STATUS"],
            [
                (
                    p.key, p.region, f"{p.usd:g}", p.unit, p.checked.isoformat(),
                    ("stale " if (p.key, p.region) in stale else "")
                    + ("" if p.verified else "unverified"),
                )
                for p in rows
            ],
            right=(2,),
        )
    )  # fmt: skip
    click.echo(
        f"\n{len(rows)} prices from {catalog.path}; JPY rate {catalog.jpy_per_usd:g} "
        f"({catalog.fx_source}). `gcmod prices list --json` shows each source."
    )


@prices.command("refresh")
@catalog_option
@click.option(
    "--region",
    "regions",
    multiple=True,
    type=click.Choice(GOV_REGIONS),
    help="Regions to refresh (default: both).",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@handle_errors
def prices_refresh(catalog_path: Path | None, regions: tuple[str, ...], dry_run: bool) -> None:
    """Update the catalogue from the AWS Price List API (needs AWS credentials).

    Read-only calls (pricing:GetProducts) only. An answer that is ambiguous,
    missing or implausible (over 5x away) leaves the price unchanged and is
    reported. Exit codes: 0 done, 1 some prices failed, 2 bad catalogue or no
    credentials.
    """
    from gcmod.pricing.catalog import packaged_path
    from gcmod.pricing.refresh import DEFAULT_REGIONS, RefreshError, refresh

    path = catalog_path or packaged_path()
    _load_catalog(path)
    done = {"n": 0}

    def progress(key: str, region: str, outcome: str) -> None:
        done["n"] += 1
        click.echo(f"\r{done['n']:>4} {outcome:<9} {key} @ {region}".ljust(78), nl=False, err=True)

    try:
        report = refresh(path, regions=regions or DEFAULT_REGIONS, progress=progress,
                         write=not dry_run)  # fmt: skip
    except RefreshError as exc:
        raise UsageProblem(f"prices refresh: {exc}") from None
    click.echo("", err=True)
    click.echo(report.summary())
    sys.exit(EXIT_OK if report.ok else EXIT_FINDINGS)


def _load_catalog(path: Path | None):
    from gcmod.pricing import Catalog

    return Catalog.load(path)  # a CatalogError exits 2 through handle_errors


def _json_default(o: Any) -> Any:
    return str(o)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


if __name__ == "__main__":  # pragma: no cover
    main()
