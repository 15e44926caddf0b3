"""`gcmod check` and `gcmod rules` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcmod.cli import main
from gcmod.policies.model import all_rules
from gcmod.stackfiles import samples_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # outside any project: names resolve to the samples
    return CliRunner()


@pytest.fixture
def wasteful_stack(tmp_path: Path) -> Path:
    """A production stack whose audit logs live ten years in CloudWatch."""
    text = (samples_dir() / "Pulumi.town-prod.yaml").read_text(encoding="utf-8")
    text += "  gcmod:logging:\n    classes:\n      application:\n        retentionDays: 3653\n"
    path = tmp_path / "Pulumi.wasteful.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_sample_is_clean(runner: CliRunner) -> None:
    res = runner.invoke(main, ["check"])
    assert res.exit_code == 0, res.output
    assert "0 mandatory, 0 advisory" in res.output
    assert "No mandatory violations." in res.output


def test_mandatory_violation_exits_1_in_both_languages(runner, wasteful_stack) -> None:
    res = runner.invoke(main, ["check", str(wasteful_stack)])
    assert res.exit_code == 1
    assert "GCM-LOG-001" in res.output and "3653 days" in res.output
    res = runner.invoke(main, ["check", str(wasteful_stack), "--lang", "ja"])
    assert res.exit_code == 1
    assert "必須" in res.output and "3653 日" in res.output


def test_json_output(runner, wasteful_stack) -> None:
    res = runner.invoke(main, ["check", str(wasteful_stack), "--json"])
    assert res.exit_code == 1
    data = json.loads(res.output)
    assert data["stack"] == "wasteful" and data["mandatory"] == 1
    (v,) = data["violations"]
    assert v["rule"] == "GCM-LOG-001" and v["enforcement"] == "mandatory"
    assert v["type"] == "aws:cloudwatch/logGroup:LogGroup"
    assert v["message"]["ja"].startswith("ロググループ")


def test_sarif_output_is_sarif_2_1_0(runner, wasteful_stack) -> None:
    res = runner.invoke(main, ["check", str(wasteful_stack), "--sarif"])
    assert res.exit_code == 1
    sarif = json.loads(res.output)
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "gcmod"
    assert [r["id"] for r in driver["rules"]] == [r.id for r in all_rules()]
    (result,) = run["results"]
    assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"] == "GCM-LOG-001"
    assert result["level"] == "error"
    loc = result["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith("Pulumi.wasteful.yaml")
    assert loc["logicalLocations"][0]["fullyQualifiedName"].startswith("urn:pulumi:wasteful::")


def test_policy_config_changes_enforcement_and_thresholds(runner, wasteful_stack, tmp_path) -> None:
    cfg = tmp_path / "policy.json"
    cfg.write_text(json.dumps({"gcm-log-001": "advisory"}), encoding="utf-8")
    res = runner.invoke(main, ["check", str(wasteful_stack), "--config", str(cfg)])
    assert res.exit_code == 0 and "advisory" in res.output
    limits = {"production": 3653, "staging": 90, "development": 30}
    cfg.write_text(json.dumps({"GCM-LOG-001": {"maxRetentionDays": limits}}), encoding="utf-8")
    res = runner.invoke(main, ["check", str(wasteful_stack), "--config", str(cfg), "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["violations"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"gcm-nope-001": "advisory"}', "gcm-nope-001: no such policy"),
        ('{"gcm-log-001": {"maxDays": 3}}', "gcm-log-001.maxDays: unknown setting"),
        ('{"gcm-log-001": "sometimes"}', "is not one of"),
        ("[1, 2", "not valid JSON"),
    ],
)
def test_bad_policy_config_exits_2(runner, tmp_path, content: str, message: str) -> None:
    cfg = tmp_path / "policy.json"
    cfg.write_text(content, encoding="utf-8")
    res = runner.invoke(main, ["check", "--config", str(cfg)])
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output


def test_json_and_sarif_together_is_a_usage_error(runner) -> None:
    res = runner.invoke(main, ["check", "--json", "--sarif"])
    assert res.exit_code == 2


def test_rules_catalogue(runner) -> None:
    res = runner.invoke(main, ["rules", "--json"])
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert [r["id"] for r in data] == [r.id for r in all_rules()]
    for r in data:
        assert r["title"]["en"] and r["title"]["ja"] and r["rationale"]["ja"]
        assert r["remediation"]["en"] and r["severity"] in {"low", "medium", "high", "critical"}
        assert r["enforcement"] in {"mandatory", "advisory"}
    res = runner.invoke(main, ["rules", "--lang", "ja"])
    assert "ロググループ" in res.output


def test_generated_docs_are_current() -> None:
    res = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stdout + res.stderr
