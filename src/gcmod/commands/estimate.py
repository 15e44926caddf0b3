"""``gcmod estimate``: a stack's monthly cost against the lift-and-shift it replaces.

Also the estimate helpers ``gcmod check --estimate`` shares."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import click

from gcmod.clihelp import LocalizedCommand
from gcmod.commands.common import (
    UsageProblem,
    catalog_option,
    echo_json,
    echo_text,
    finite,
    handle_errors,
    html_option,
    load_catalog,
    no_cache_option,
    no_timeout_without_project,
    program_options,
    report_lang_option,
    resolve_project,
    stack_graph,
    synth_project,
    wide_option,
)
from gcmod.i18n import report_lang, terminal_lang


def estimate_usage(ps: Any, ref: Any) -> tuple[Any, Any]:
    """(stack config or None, resolved usage) for an estimate, read before the synth
    so a bad stack or usage file is refused before any program runs."""
    from gcmod.cost.usage import usage_for

    if ps is not None:
        from gcmod.cost.usage import program_basis

        return None, usage_for(program_basis(), ps.file)
    from gcmod.config import load_stack_file

    cfg = load_stack_file(ref.path)
    return cfg, usage_for(cfg, ref.path)


def estimate_graph(graph: Any, catalog: Any, ps: Any, cfg: Any, ref: Any, usage: Any):
    """The estimate of an already synthesized graph: a project's (priced alone) or
    a gcmod stack's (with its usage file, baseline and shares), as `gcmod estimate`."""
    with pricing_status():
        if ps is not None:
            from gcmod.cost.estimate import estimate_program

            return estimate_program(graph, catalog, usage, stack=ps.label)
        from gcmod.cost.estimate import estimate_stack

        return estimate_stack(cfg, graph, catalog, usage, stack=ref.name)


def pricing_status() -> AbstractContextManager[None]:
    """The status line of the pricing step (:func:`gcmod.progress.status`)."""
    from gcmod.progress import status

    return status("pricing", "費用を算定中")


def estimate_warnings(result: Any) -> None:
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
        graph = synth_project(ps, None, timeout=timeout)
        result = estimate_program(graph, catalog, usage, stack=ps.label)
    else:
        result = estimate_file(resolve(other, stacks_dir), catalog=catalog)
    if jpy_rate is not None:
        result.jpy_per_usd = jpy_rate
        result.fx_source = "--jpy-rate (given on the command line)"
    return render.to_json(result)


@click.command(cls=LocalizedCommand)
@program_options
@report_lang_option
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
    callback=finite,
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
    esc_values_file: Path | None,
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
    catalog = load_catalog(catalog_path)
    before = None
    if compare_with is not None and Path(compare_with).suffix.lower() == ".json":
        # A previous estimate: read (and refuse) it before running anything.
        before = _compare_doc(compare_with, compare_stack, stacks_dir, catalog, jpy_rate)
    if baseline_file is not None:
        from gcmod.cost.asis import load_inventory

        load_inventory(baseline_file)  # a bad inventory exits 2 before the synth
    ps = resolve_project(
        stack, stacks_dir, project_dir, project_stack, stack_refs_file, esc_values_file
    )
    no_timeout_without_project(timeout, ps)
    ref = None if ps is not None else resolve(stack, stacks_dir)
    cfg, usage = estimate_usage(ps, ref)  # a bad usage file is refused before the synth
    if ps is not None:
        graph = synth_project(ps, stack_refs_file, timeout=timeout, use_cache=not no_cache)
    else:
        graph = stack_graph(ref, no_cache, cfg)
    result = estimate_graph(graph, catalog, ps, cfg, ref, usage)
    if baseline_file is not None or baseline_project is not None:
        from gcmod.cost.asis import apply_baseline, baseline_from_file, baseline_from_program

        if baseline_file is not None:
            given = baseline_from_file(baseline_file, catalog, region=result.region)
        else:
            bps = resolve_project(None, None, baseline_project, baseline_stack)
            given = baseline_from_program(
                synth_project(bps, None, timeout=timeout),
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
    estimate_warnings(result)
