"""What a Japanese reader sees is Japanese: every rule text, the Japanese --help and
the audit report, apart from data (ids, names, code in backticks, values marked
translate="no") and the allow-listed names and units of tests/englishcheck.py."""

from __future__ import annotations

from dataclasses import fields

import click
import pytest
from click.testing import CliRunner
from englishcheck import leaks, page_leaks

from gcmod.cli import main

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
    from gcmod.config import _default_log_classes
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
