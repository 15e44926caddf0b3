"""`gcmod audit` as an auditor runs it: the demo estate in an embedded moto."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from gcmod.audit.guard import is_read_only_action
from gcmod.cli import main


@pytest.fixture(scope="module")
def demo_run() -> Result:
    # A configured endpoint (here a closed loopback port) must not reach the demo: it
    # never leaves its process (issue 14), and completes. GCMOD_PROGRESS=always: the
    # progress goes to stderr although it is not a terminal.
    env = {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_ENDPOINT_URL_EC2": "http://127.0.0.1:9",
        "GCMOD_PROGRESS": "always",
    }
    res = CliRunner(env=env).invoke(main, ["audit", "--demo", "--json"])
    assert res.exit_code == 1, res.output  # mandatory findings, audit complete
    return res


@pytest.fixture(scope="module")
def demo_json(demo_run: Result) -> dict:
    return json.loads(demo_run.stdout)


def test_progress_names_each_collector_whole_on_stderr_only(demo_run: Result) -> None:
    """One line per account × region × collector, the label never cut (the old
    bar cut it); stdout holds the JSON alone."""
    from gcmod.audit.collect import all_collectors
    from gcmod.reference import GOV_REGIONS

    lines = demo_run.stderr.splitlines()
    labels = [f"{r} {c.name}" for r in GOV_REGIONS for c in all_collectors()]
    total = len(labels)
    assert len(lines) == total, lines[:3]
    assert [ln.split(" ")[1] for ln in lines] == [f"{i}/{total}" for i in range(1, total + 1)]
    shown = sorted(ln.split(" ", 3)[3] for ln in lines)
    assert shown == sorted(labels), set(shown) ^ set(labels)
    assert all(ln.startswith("auditing ") and ln.split(" ")[2].isdigit() for ln in lines)
    assert max(len(label) for label in labels) > 40  # longer than the old bar showed
    assert json.loads(demo_run.stdout)["complete"] is True


def test_demo_audit_finds_the_lift_and_shift_waste(demo_json) -> None:
    assert demo_json["complete"] is True and demo_json["gaps"] == []
    rules = {f["rule"] for f in demo_json["findings"]}
    assert {"GCM-COST-001", "GCM-LOG-001", "GCM-DR-001", "GCM-TEN-001", "GCM-SEC-021"} <= rules
    standby = [f for f in demo_json["findings"] if f["rule"] == "GCM-DR-001"]
    assert standby and all(f["region"] == "ap-northeast-3" for f in standby)
    assert demo_json["wasteUsd"] > 0
    assert demo_json["apiCalls"]["total"] > 0
    assert all(is_read_only_action(op.replace(".", ":", 1)) or op.startswith("sts.")
               for op in demo_json["apiCalls"]["byOperation"])  # fmt: skip


def test_modern_environment_is_clean_apart_from_tags(demo_json) -> None:
    modern = [
        f for f in demo_json["findings"]
        if f["name"].startswith("saas") and f["enforcement"] == "mandatory"
    ]  # fmt: skip
    assert {f["rule"] for f in modern} <= {"GCM-TAG-001", "GCM-TEN-001"}


def test_sarif_and_table(tmp_path, monkeypatch, demo_audit) -> None:
    """The SARIF and the Japanese table and HTML of the demo audit the session has
    already run (tests/conftest.py: demo_audit), through the command's output
    path; the demo_json fixture above runs the command from end to end."""
    from gcmod.commands import audit

    monkeypatch.setattr(audit, "audit_demo", lambda *_args, **_kw: demo_audit)
    runner = CliRunner()
    res = runner.invoke(main, ["audit", "--demo", "--sarif"])
    assert res.exit_code == 1
    sarif = json.loads(res.output)
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    html = tmp_path / "audit.html"
    res = runner.invoke(main, ["audit", "--demo", "--lang", "ja", "--html", str(html)])
    assert res.exit_code == 1
    assert "必須" in res.output
    assert "<table" in html.read_text(encoding="utf-8")


def test_iam_policy_is_read_only() -> None:
    res = CliRunner().invoke(main, ["audit", "iam-policy"])
    assert res.exit_code == 0
    doc = json.loads(res.output)
    actions = [a for st in doc["Statement"] for a in st["Action"]]
    assert "ec2:DescribeInstances" in actions and "organizations:ListAccounts" in actions
    assert all(is_read_only_action(a) for a in actions)
    member = json.loads(CliRunner().invoke(main, ["audit", "iam-policy", "--member"]).output)
    assert "organizations:ListAccounts" not in [
        a for st in member["Statement"] for a in st["Action"]
    ]


def test_usage_errors_exit_2(tmp_path) -> None:
    runner = CliRunner()
    bad = tmp_path / "policy.json"
    bad.write_text('{"gcm-nope-001": "advisory"}', encoding="utf-8")
    res = runner.invoke(main, ["audit", "--demo", "--config", str(bad)])
    assert res.exit_code == 2 and "gcm-nope-001: no such policy" in res.output
    assert runner.invoke(main, ["audit", "--demo", "--json", "--sarif"]).exit_code == 2
    assert runner.invoke(main, ["audit", "--demo", "--profile", "x"]).exit_code == 2
