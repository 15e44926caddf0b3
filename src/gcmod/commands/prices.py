"""``gcmod prices``: the price catalogue."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gcmod.clihelp import LocalizedGroup
from gcmod.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageProblem,
    catalog_option,
    echo_json,
    handle_errors,
    load_catalog,
)
from gcmod.reference import GOV_REGIONS


@click.group(cls=LocalizedGroup)
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

    catalog = load_catalog(catalog_path)
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
    load_catalog(path)
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
