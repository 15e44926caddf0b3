"""`gcmod check --estimate`: the policy result and the estimate from one synth.

The first test runs a real synth with --no-cache (it counts synths), so it pays the
``pulumi_aws`` imports when it is the first of its worker to synthesize (>5 s)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcmod.cli import main

PROGRAMS = Path(__file__).parent / "fixtures" / "programs"


@pytest.fixture
def synths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import gcmod.program

    seen: list[str] = []
    real = gcmod.program.synth_config

    def counting(cfg, stack, horizon_start=None):
        seen.append(stack)
        return real(cfg, stack, horizon_start)

    monkeypatch.setattr(gcmod.program, "synth_config", counting)
    return seen


def test_one_synth_gives_both_answers_as_the_two_commands_do(synths: list[str]) -> None:
    runner = CliRunner()
    both = runner.invoke(main, ["check", "saas-dev", "--estimate", "--json", "--no-cache"])
    assert both.exit_code == 0, both.output
    assert synths == ["saas-dev"]
    data = json.loads(both.stdout)
    check = runner.invoke(main, ["check", "saas-dev", "--json"])
    estimate = runner.invoke(main, ["estimate", "saas-dev", "--json"])
    assert data == {"check": json.loads(check.stdout), "estimate": json.loads(estimate.stdout)}


def test_table_shows_the_findings_then_the_estimate() -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["check", "saas-dev", "--estimate", "--lang", "ja"])
    assert res.exit_code == 0, res.output
    check = runner.invoke(main, ["check", "saas-dev", "--lang", "ja"]).stdout
    estimate = runner.invoke(main, ["estimate", "saas-dev", "--lang", "ja"]).stdout
    assert res.stdout == f"{check}\ngcmod estimate saas-dev\n{estimate}"


def test_findings_still_set_the_exit_code_and_a_project_is_priced_alone() -> None:
    args = ["--project", str(PROGRAMS / "liftshift"), "--stack", "prod"]
    res = CliRunner().invoke(main, ["check", *args, "--estimate", "--json"])
    assert res.exit_code == 1, res.output
    data = json.loads(res.stdout)
    assert data["check"]["mandatory"] > 0
    assert data["estimate"]["stack"] == "vendor-liftshift/prod"
    assert data["estimate"]["saving"] is None  # no lift-and-shift baseline for a program
    assert data["estimate"]["planned"]["monthlyUsd"] > 0


def test_estimate_with_sarif_is_a_usage_error() -> None:
    res = CliRunner().invoke(main, ["check", "saas-dev", "--estimate", "--sarif"])
    assert res.exit_code == 2
    assert "--estimate" in res.output and "--sarif" in res.output
