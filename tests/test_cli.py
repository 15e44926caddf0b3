"""Command-line behaviour that is not about one command's content."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from gcmod.cli import main


def test_help_does_not_import_pulumi_or_pydantic_models() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from gcmod.cli import main\n"
        "r = CliRunner().invoke(main, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pulumi', 'pulumi_aws', 'pulumi_policy', 'pydantic')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_every_command_has_bilingual_help() -> None:
    runner = CliRunner()
    for name, cmd in main.commands.items():
        res = runner.invoke(main, [name, "--help"])
        assert res.exit_code == 0, name
        assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in res.output), (
            f"{name} --help has no Japanese"
        )
        assert cmd.help


def test_unknown_option_is_a_usage_error() -> None:
    res = CliRunner().invoke(main, ["synth", "--nope"])
    assert res.exit_code == 2
    assert "No such option" in res.output
