"""``gcmod catalog``: build the template catalogue (a static site)."""

from __future__ import annotations

from pathlib import Path

import click

from gcmod.clihelp import LocalizedCommand
from gcmod.commands.common import (
    UsageProblem,
    catalog_option,
    echo_json,
    given_path,
    handle_errors,
    load_catalog,
    no_cache_option,
    synth_of,
)


@click.command(cls=LocalizedCommand)
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

    out_dir = given_path(out_arg, "--out")
    assert out_dir is not None  # the option has a default
    try:
        check_output(out_dir, force)  # before any work
        price_catalog = load_catalog(catalog_path)
        with tempfile.TemporaryDirectory(prefix="gcmod-catalog-") as work:
            entries = entries_from_templates(Path(work))
            data = build(entries, out_dir, langs=langs or LANGS, force=force,
                         catalog=price_catalog, progress=progress,
                         synth=synth_of(no_cache))  # fmt: skip
    except CatalogOutputError as exc:
        why = "カタログを作成できません / cannot build the catalogue"
        raise UsageProblem(f"gcmod catalog: {why}: {exc}") from None
    if as_json:
        echo_json(data)
    else:
        index = out_dir / data["index"][data["languages"][0]]
        n = len(data["templates"])
        click.echo(f"{n} テンプレートのカタログ / catalogue of {n} templates: open {index}")
