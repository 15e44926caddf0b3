"""``gcmod calendar``: a stack's shutdown calendar and monthly running hours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from gcmod.clihelp import LocalizedCommand
from gcmod.commands.common import (
    echo_json,
    handle_errors,
    lang_option,
    no_cache_option,
    stack_argument,
    stack_graph,
    stacks_dir_option,
)


def _parse_from(value: str | None) -> Any:
    """``--from``: an ISO date or date-time (Asia/Tokyo without an offset), else now."""
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


@click.command(cls=LocalizedCommand)
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
@lang_option
@click.option("--json", "as_json", is_flag=True, help="Print events and hours as JSON.")
@no_cache_option
@handle_errors
def calendar(
    stack: str | None,
    stacks_dir: Path | None,
    count: int,
    from_: str | None,
    lang: str,
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
    from gcmod import calendarview
    from gcmod.runcalendar import from_graph
    from gcmod.stackfiles import resolve

    after = _parse_from(from_)
    ref = resolve(stack, stacks_dir)
    graph = stack_graph(ref, no_cache)
    cal = from_graph(graph)
    if cal is None:
        from gcmod.config import load_stack_file

        cfg = load_stack_file(ref.path)
        if as_json:
            echo_json({"stack": ref.name, "scheduled": False, "events": [], "monthlyHours": {}})
        else:
            click.echo(calendarview.unscheduled(ref.name, cfg.environment, lang))
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
    click.echo(calendarview.text(ref.name, cal, after, events, hours, lang))
