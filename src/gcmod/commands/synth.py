"""``gcmod synth``: synthesize a stack offline and print its resource graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from gcmod.clihelp import LocalizedCommand
from gcmod.commands.common import (
    handle_errors,
    no_cache_option,
    no_timeout_without_project,
    program_options,
    resolve_project,
    shown_path,
    synth_project,
    synth_stack,
    wide_option,
)


@click.command(cls=LocalizedCommand)
@program_options
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

    ps = resolve_project(
        stack, stacks_dir, project_dir, project_stack, stack_refs_file, esc_values_file
    )
    no_timeout_without_project(timeout, ps)
    log = RunLog()
    if ps is not None:
        graph = synth_project(ps, stack_refs_file, log, timeout, use_cache=not no_cache)
    else:
        ref = resolve(stack, stacks_dir)
        cfg, graph = synth_stack(ref, no_cache)
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
            f"{custom} cloud resources, regions {', '.join(regions)}  [{shown_path(ps.file)}]"
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
