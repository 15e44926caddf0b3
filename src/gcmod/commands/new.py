"""``gcmod new``: start a project from a template."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from gcmod.clihelp import LocalizedCommand
from gcmod.commands.common import UsageProblem, echo_json, given_path, handle_errors


@click.command("new", cls=LocalizedCommand)
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
    dest = given_path(dest_arg, "DEST")
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


def _list_templates(tpls: list[Any], as_json: bool) -> None:
    """``gcmod new --list``: the templates, business systems and size bands."""
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
