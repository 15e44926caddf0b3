"""``gcmod cache``: the graph cache."""

from __future__ import annotations

import click

from gcmod.clihelp import LocalizedGroup
from gcmod.commands.common import echo_json


@click.group(cls=LocalizedGroup)
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
