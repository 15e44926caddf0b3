"""``gcmod check``: check a stack offline against the policy pack."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gcmod.clihelp import LocalizedCommand
from gcmod.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageProblem,
    baseline_options,
    catalog_option,
    drop_baselined,
    echo_json,
    echo_text,
    handle_errors,
    lang_option,
    load_catalog,
    load_waivers,
    no_cache_option,
    no_timeout_without_project,
    policy_config_option,
    program_options,
    resolve_project,
    shown_path,
    stack_graph,
    synth_project,
    waivers_option,
    wide_option,
    write_findings_baseline,
)
from gcmod.commands.estimate import estimate_graph, estimate_usage, estimate_warnings
from gcmod.i18n import terminal_lang


@click.command(cls=LocalizedCommand)
@program_options
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
    price_catalog = load_catalog(catalog_path) if with_estimate else None
    ps = resolve_project(
        stack, stacks_dir, project_dir, project_stack, stack_refs_file, esc_values_file
    )
    no_timeout_without_project(timeout, ps)
    ref = None if ps is not None else resolve(stack, stacks_dir)
    cfg, usage = estimate_usage(ps, ref) if with_estimate else (None, None)
    source_root: Path | None = None
    if ps is not None:
        graph = synth_project(ps, stack_refs_file, timeout=timeout, use_cache=not no_cache)
        name, path = ps.label, Path(shown_path(ps.project.entry))
        stack_file, source_root = ps.file, ps.project.directory
    else:
        graph = stack_graph(ref, no_cache, cfg)
        name, path, stack_file = ref.name, ref.path, ref.path
    waivers, waiver_path = load_waivers(waivers_file, stack_file)
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
        write_findings_baseline(write_baseline_file, "check", name, entries)
        sys.exit(EXIT_OK)
    report.violations, baselined = drop_baselined(
        "check", report.violations, lambda v: prints[id(v)], baseline_file
    )
    result = estimate_graph(graph, price_catalog, ps, cfg, ref, usage) if price_catalog else None
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
            click.echo(f"waivers / 免除: {shown_path(waiver_path)} ({len(waivers)})")
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
        estimate_warnings(result)
    sys.exit(EXIT_FINDINGS if report.mandatory else EXIT_OK)


def _artifact(path: Path) -> str:
    """The SARIF artifact of ``path``: relative to the current folder, else a file URI."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_uri()
