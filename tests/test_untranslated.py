"""What a Japanese reader sees is Japanese: every rule text, the Japanese --help and
the audit report, apart from data (ids, names, code in backticks, values marked
translate="no") and the allow-listed names and units of tests/englishcheck.py."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from englishcheck import leaks, page_leaks

from gcmod.cli import main
from gcmod.config import _default_log_classes

JA = {"LANG": "ja_JP.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "GCMOD_LANG": ""}


def test_the_checker_finds_english_and_spares_data() -> None:
    assert leaks("必須の指摘が 3 件あります") == []
    assert leaks("httpTokens が `optional` です (GCM-SEC-001, t4g.small, ap-northeast-1)") == []
    assert leaks("The FY2026 rate was not found") == ["The", "rate", "was", "not", "found"]
    assert page_leaks('<p>合計 <span translate="no">kita-app-2</span></p>') == []
    assert page_leaks("<p>published by the bank</p>") == ["published", "the", "bank"]


def test_every_rule_text_is_japanese() -> None:
    import gcmod.policies.rules  # noqa: F401  (registers the rules)
    from gcmod.policies.model import all_rules

    found = [
        f"{r.id}.{f.name}: {word}"
        for r in all_rules()
        for f in fields(r)
        if hasattr(getattr(r, f.name), "ja")
        for word in leaks(getattr(r, f.name).ja)
    ]
    assert not found, found


def _commands(cmd: click.Command, path: tuple[str, ...] = ()):
    yield path
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            yield from _commands(sub, (*path, name))


@pytest.mark.parametrize("path", list(_commands(main)), ids=lambda p: " ".join(p) or "gcmod")
def test_japanese_help_is_japanese(path: tuple[str, ...]) -> None:
    out = CliRunner().invoke(main, [*path, "--help"], env=JA, prog_name="gcmod").output
    names = {n for p in _commands(main) for n in p}  # command names are data
    assert [w for w in leaks(out) if w not in names] == [], out


def test_japanese_audit_report_is_japanese(demo_audit) -> None:
    from gcmod.audit.report import html_report

    names = {n for p in _commands(main) for n in p}
    assert page_leaks(html_report(demo_audit, "ja"), names) == []


def test_japanese_catalogue_is_japanese(catalog_site) -> None:
    """The Japanese index and template pages. The schema's option descriptions (and
    defaults written as prose) exist in English only: they sit under one labelled
    note, ``<details class="en-note">`` whose summary says in Japanese that they are
    English; that note is the only part left out, and it must say so."""
    import re

    from gcmod.catalog.pages import T
    from gcmod.cost.sizing import ENDS

    # names the estimate quotes inside Japanese sentences: the lift-and-shift's server
    # roles and the log classes (config keys)
    roles = {r for end in ENDS.values() for r in end.ops_servers_production}
    data = {w for r in roles for w in r.split("-")} | roles | set(_default_log_classes())
    out, manifest = catalog_site
    pages = [manifest["index"]["ja"]] + [t["pages"]["ja"] for t in manifest["templates"]]
    note = re.compile(r'<details class="en-note">\s*<summary>([^<]*)</summary>.*?</details>', re.S)
    for page in pages:
        html = (out / page).read_text(encoding="utf-8")
        labels = note.findall(html)
        assert all(label == T["ja"]["en_note"] for label in labels), page
        assert leaks(T["ja"]["en_note"]) == []
        assert page_leaks(note.sub("", html), data) == [], page
    # the template pages do show the English note (the schema has no Japanese yet)
    template_html = (out / pages[1]).read_text(encoding="utf-8")
    assert len(note.findall(template_html)) >= 5


# --------------------------------------------------------------------------- the estimate

PROGRAMS = Path(__file__).parent / "fixtures" / "programs"


def _stack_names(graph) -> set[str]:
    """Names a stack gives its parts and the estimate quotes inside Japanese
    sentences: log classes, backup rule names, metric names and the targets of
    the running calendar (ids of the stack, not words to translate)."""
    from gcmod.runcalendar import from_graph

    names = set(_default_log_classes())
    for plan in graph.of_type("aws:backup/plan:Plan"):
        names |= {str(r.get("ruleName")) for r in plan.inputs.get("rules") or []}
    for f in graph.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter"):
        names.add(str((f.inputs.get("metricTransformation") or {}).get("name")))
    cal = from_graph(graph)
    return names | set(cal.targets if cal is not None else ())


@pytest.mark.parametrize("stack", ["saas-prod", "saas-dev", "town-prod"])
def test_japanese_estimate_is_japanese(stack: str, sample_stacks, sample_estimates) -> None:
    """The text table, the Markdown and the HTML page of a stack's estimate, line
    descriptions, assumptions, exchange-rate source and all (issue 18)."""
    from gcmod.cost import report

    data = _stack_names(sample_stacks[stack][1])
    result = sample_estimates[stack]
    assert leaks(report.table(result, "ja"), data) == []
    assert leaks(report.markdown(result, "ja"), data) == []
    assert page_leaks(report.html(result, "ja"), data) == []


def test_japanese_estimate_with_a_given_baseline_is_japanese(
    sample_stacks, sample_estimates, catalog
) -> None:
    """An as-is inventory as the baseline: its lines and notes, and the saving no
    lever explains. The inventory's server roles are its own names (data)."""
    from gcmod.cost import asis, report
    from gcmod.stackfiles import samples_dir

    inventory = samples_dir() / "baseline.sample-town.yaml"
    given = asis.baseline_from_file(inventory, catalog, region="ap-northeast-1")
    result = asis.apply_baseline(sample_estimates["town-prod"], given)
    inv = asis.load_inventory(inventory)
    data = _stack_names(sample_stacks["town-prod"][1]) | {
        s.role for s in [*inv.servers, *inv.dr.servers]
    }
    assert result.baseline.lines and all(li.description_ja for li in result.baseline.lines)
    assert leaks(report.table(result, "ja"), data) == []
    assert page_leaks(report.html(result, "ja"), data) == []


@pytest.mark.parametrize(
    ("program", "stack"),
    [("liftshift", "prod"), ("vendor-ssm-asg", "test"), ("vendor-warm-standby", "prod")],
)
def test_japanese_estimate_of_a_vendor_program_is_japanese(program: str, stack: str) -> None:
    """`gcmod estimate` of programs written the way vendors write them (EC2, Auto
    Scaling groups, RDS, NAT gateways, standby regions), in a Japanese terminal."""
    args = ["estimate", "--project", str(PROGRAMS / program), "--stack", stack]
    out = CliRunner().invoke(main, args, env=JA, prog_name="gcmod")
    assert out.exit_code == 0, out.output
    assert "クラウド利用料の見積" in out.output
    # the report on stdout (the command's warnings on stderr are the CLI's own)
    assert leaks(out.stdout, set(_default_log_classes())) == [], out.stdout


def test_every_price_unit_has_a_japanese_name(catalog) -> None:
    from gcmod.cost.estimate_words import UNITS_JA

    units = {p.unit for p in catalog.prices.values()}
    assert units - set(UNITS_JA) == set()
    assert all(leaks(UNITS_JA[u]) == [] for u in units)


def test_every_line_of_every_sample_has_a_japanese_description(sample_estimates) -> None:
    """Each pricer writes its description in both languages (a Charge refuses one
    without Japanese); here, none of them is English in disguise."""
    for name, result in sample_estimates.items():
        for li in result.planned.lines + result.baseline.lines:
            assert li.description_ja and li.description_ja != li.description, (name, li)


def test_audit_findings_built_at_run_time_follow_the_terminology(demo_audit) -> None:
    """Each finding's Japanese is assembled at run time from the resource's kind and
    values; the literal-text terminology test cannot see the result."""
    from gcmod.terminology import problems

    slips = sorted(
        {
            f"{v.rule.id}: {p}"
            for account in demo_audit.accounts
            for v in account.report.violations
            for p in problems(v.message.ja)
        }
    )
    assert not slips, "\n".join(slips)
