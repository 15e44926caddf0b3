"""The CLI speaks the reader's language: locale, GCMOD_LANG, --lang, and --help."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from gcmod.cli import main
from gcmod.clihelp import COMMANDS_JA, command_path, option_ja
from gcmod.i18n import env_lang, report_lang, terminal_lang

JA = {"LANG": "ja_JP.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "GCMOD_LANG": ""}
EN = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "GCMOD_LANG": ""}


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "ja_JP.eucJP"}, "ja"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "ja_JP.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "ja_JP.UTF-8", "LC_ALL": ""}, "ja"),  # an empty variable is skipped
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "POSIX"}, None),
        ({}, None),
        ({"LANG": "en_US.UTF-8", "GCMOD_LANG": "ja"}, "ja"),
        ({"LANG": "ja_JP.UTF-8", "GCMOD_LANG": "EN"}, "en"),
    ],
)
def test_env_lang_follows_the_c_library_order(
    environ: dict[str, str], expected: str | None
) -> None:
    assert env_lang(environ) == expected


def test_terminal_english_and_reports_japanese_without_a_locale(monkeypatch) -> None:
    for var in ("LANG", "LC_ALL", "LC_MESSAGES", "GCMOD_LANG"):
        monkeypatch.delenv(var, raising=False)
    assert terminal_lang() == "en"
    assert report_lang() == "ja"
    assert terminal_lang("ja") == "ja" and report_lang("en") == "en"
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert terminal_lang() == "ja"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert report_lang() == "en"


def test_top_level_help_is_japanese_in_a_japanese_locale() -> None:
    out = CliRunner().invoke(main, ["--help"], env=JA, prog_name="gcmod").output
    assert out.startswith("使い方: gcmod")
    assert "オプション:" in out and "コマンド:" in out
    assert "このヘルプを表示して終了します。" in out
    assert "スタックをポリシーパックでオフライン検査します" in out
    assert "Show this message and exit." not in out


def test_command_help_is_japanese_in_a_japanese_locale() -> None:
    out = CliRunner().invoke(main, ["check", "--help"], env=JA, prog_name="gcmod").output
    assert "使い方: gcmod check" in out
    flat = "".join(out.split())  # wrapped lines joined
    assert "終了コード" in flat
    assert "ポリシー設定のJSON" in flat
    assert "Policy config JSON" not in out


def test_help_stays_english_in_an_english_locale() -> None:
    out = CliRunner().invoke(main, ["check", "--help"], env=EN, prog_name="gcmod").output
    assert "Usage: gcmod check" in out and "Policy config JSON" in out
    # The swap is undone: a later Japanese help does not leak into English and back.
    CliRunner().invoke(main, ["check", "--help"], env=JA, prog_name="gcmod")
    assert (
        "Policy config JSON"
        in CliRunner().invoke(main, ["check", "--help"], env=EN, prog_name="gcmod").output
    )


def test_a_bad_gcmod_lang_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["rules"], env={**EN, "GCMOD_LANG": "fr"})
    assert result.exit_code == 2
    assert "GCMOD_LANG='fr'" in result.output and "ja" in result.output


def test_rules_table_follows_the_locale() -> None:
    ja = CliRunner().invoke(main, ["rules"], env=JA, prog_name="gcmod").output
    en = CliRunner().invoke(main, ["rules"], env=EN, prog_name="gcmod").output
    assert ja != en
    assert "現行世代" in ja or "世代" in ja
    assert "generation" in en


def _walk(cmd: click.Command, ctx: click.Context):
    yield cmd, ctx
    if isinstance(cmd, click.Group):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            assert sub is not None
            yield from _walk(sub, click.Context(sub, info_name=name, parent=ctx))


def test_every_command_and_option_has_japanese_help() -> None:
    missing = []
    for cmd, ctx in _walk(main, click.Context(main, info_name="gcmod")):
        path = command_path(ctx)
        if path not in COMMANDS_JA:
            missing.append(f"command {path or 'gcmod'!r}")
        for param in cmd.get_params(ctx):
            if isinstance(param, click.Option) and option_ja(path, param) is None:
                missing.append(f"{path or 'gcmod'} {param.opts[0]} ({param.name})")
    assert not missing, "no Japanese help (add to gcmod.clihelp): " + ", ".join(missing)


def _widest(text: str) -> int:
    from gcmod.textable import width

    return max(width(line) for line in text.splitlines())


def test_audit_table_fits_100_columns_in_japanese(demo_audit, monkeypatch) -> None:
    """The demo estate's ids (ECS scalable targets, ARNs) are wider than any table
    column: the table becomes records rather than overflow (issue 18)."""
    from gcmod.audit.report import table
    from gcmod.textable import fit_lines

    monkeypatch.setenv("COLUMNS", "100")
    for lang in ("ja", "en"):
        text = fit_lines(table(demo_audit, lang))  # as the CLI prints it (echo_text)
        assert _widest(text) <= 100, lang
        assert "service/saas-cluster/saas-app/ecs:service:DesiredCount" in text


def test_vendor_check_fits_100_columns_in_japanese() -> None:
    from pathlib import Path

    program = Path(__file__).parent / "fixtures" / "programs" / "vendor-scheduler"
    out = CliRunner().invoke(
        main,
        ["check", "--project", str(program), "--stack", "staging"],
        env={**JA, "COLUMNS": "100"},
        prog_name="gcmod",
    )
    assert out.exit_code == 1, out.output
    assert "GCM-SCHED-001" in out.output and "検証環境" in out.output
    assert _widest(out.output) <= 100


@pytest.mark.parametrize("env", [JA, EN], ids=["ja", "en"])
def test_estimate_fits_100_columns(env: dict[str, str]) -> None:
    """`gcmod estimate` in a 100-column terminal: every table fitted (tables no width
    holds become records), every sentence wrapped (issue 18)."""
    out = CliRunner().invoke(
        main, ["estimate", "saas-prod"], env={**env, "COLUMNS": "100"}, prog_name="gcmod"
    )
    assert out.exit_code == 0, out.output
    heading = "概要" if env is JA else "Summary"
    assert heading in out.stdout.splitlines()
    assert "saas-prod-db-cluster" in out.stdout  # the line items are there
    assert _widest(out.stdout) <= 100
    # unfitted, the report is wider: the limit is the terminal's, not the content's
    from gcmod.cost.estimate import estimate_file
    from gcmod.cost.report import table
    from gcmod.stackfiles import resolve

    raw = table(estimate_file(resolve("saas-prod")), "ja" if env is JA else "en")
    assert _widest(raw) > 100
