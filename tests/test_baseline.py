"""Baselines (`--write-baseline` / `--baseline`) for check and audit, and waiver
tags on deployed resources honoured by the audit."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

from gcmod.cli import main
from gcmod.commands import audit as audit_command

LIFT = Path(__file__).parent / "fixtures" / "programs" / "liftshift"


@pytest.fixture
def lift_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "liftshift"
    shutil.copytree(LIFT, dest)
    return dest


def _check(project: Path, *extra: str):
    return CliRunner().invoke(
        main, ["check", "--project", str(project), "--stack", "prod", *extra]
    )


def test_check_baseline_reports_only_new_findings(lift_copy: Path, tmp_path: Path) -> None:
    """Five checks of the program (about 2 s each): write, reuse, change, reuse."""
    base = tmp_path / "baseline.json"
    res = _check(lift_copy, "--write-baseline", str(base))
    assert res.exit_code == 0, res.output
    doc = json.loads(base.read_text(encoding="utf-8"))
    assert doc["kind"] == "check" and doc["subject"] == "vendor-liftshift/prod"
    before = json.loads(_check(lift_copy, "--json").output)
    assert len(doc["findings"]) == len(before["violations"]) > 20
    assert {f["fingerprint"] for f in doc["findings"]} == {
        v["fingerprint"] for v in before["violations"]
    }

    res = _check(lift_copy, "--baseline", str(base), "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["violations"] == [] and data["baselined"] == len(doc["findings"])

    # A new log group without retention: the one new finding, and the check fails.
    main_py = lift_copy / "__main__.py"
    main_py.write_text(
        main_py.read_text(encoding="utf-8")
        + '\naws.cloudwatch.LogGroup("new-logs", name="/jumin/new", tags=tags)\n',
        encoding="utf-8",
    )
    res = _check(lift_copy, "--baseline", str(base), "--json")
    assert res.exit_code == 1, res.output
    data = json.loads(res.output)
    assert {v["name"] for v in data["violations"]} == {"new-logs"}  # nothing old
    assert "GCM-LOG-001" in {v["rule"] for v in data["violations"]}
    assert data["baselined"] == len(doc["findings"])
    table = _check(lift_copy, "--baseline", str(base)).output
    assert f"{len(doc['findings'])} known finding(s) not shown" in table


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not a baseline file"),
        ('{"schemaVersion": 1, "kind": "audit", "findings": []}', "a baseline of `gcmod audit`"),
        ('{"schemaVersion": 1, "kind": "check", "findings": [{}]}', "findings: must be a list"),
        ("[]", "not a gcmod baseline"),
    ],
)
def test_a_bad_baseline_is_a_usage_error(tmp_path: Path, content: str, message: str) -> None:
    base = tmp_path / "b.json"
    base.write_text(content, encoding="utf-8")
    res = _check(LIFT, "--baseline", str(base))
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output
    missing = _check(LIFT, "--baseline", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "baseline file not found" in missing.output


# ---------------------------------------------------------------------------
# The audit: one demo estate (moto's ids differ from seed to seed), audited once
# ---------------------------------------------------------------------------
WAIVED_GROUP = "/kita/juki/app"


@pytest.fixture(scope="module")
def audited():
    """The demo estate with a ``gcmod:waive`` tag on one log group, audited once
    (about 15 s: seeding moto and reading it; shared by the audit tests below)."""
    import boto3
    from moto import mock_aws

    from gcmod.audit.demo import seed_demo
    from gcmod.audit.runner import run_audit
    from gcmod.audit.scope import single_account_scope

    fake = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    with mock.patch.dict(os.environ, fake), mock_aws():
        session = boto3.Session(region_name="ap-northeast-1")
        seed_demo(session, "ap-northeast-1")
        session.client("logs").tag_log_group(
            logGroupName=WAIVED_GROUP,
            tags={"gcmod:waive": "GCM-LOG-001:2099-03-31:kept for the records act review"},
        )
        scope = single_account_scope(session, ("ap-northeast-1",), "ap-northeast-1")
        return run_audit(scope, concurrency=2)


def _audit(monkeypatch, result, *args: str):
    def fresh(*_a, **_k):
        """The audited result with its own findings lists (--baseline trims them)."""
        accounts = [replace(a, findings=list(a.findings)) for a in result.accounts]
        return replace(result, accounts=accounts)

    monkeypatch.setattr(audit_command, "audit_demo", fresh)
    return CliRunner().invoke(main, ["audit", "--demo", "--region", "ap-northeast-1", *args])


def test_the_audit_honours_a_waiver_tag_on_a_deployed_resource(monkeypatch, audited) -> None:
    res = _audit(monkeypatch, audited, "--json")
    assert res.exit_code == 1, (res.output, res.exception)
    data = json.loads(res.output)
    logs = {f["name"]: f for f in data["findings"] if f["rule"] == "GCM-LOG-001"}
    assert logs[WAIVED_GROUP]["waiver"]["reason"] == "kept for the records act review"
    assert all(f["waiver"] is None for n, f in logs.items() if n != WAIVED_GROUP)
    waived = [f for f in audited.findings if f.violation.waived]
    assert [f.violation.resource_name for f in waived] == [WAIVED_GROUP]
    assert not waived[0].mandatory
    sarif = json.loads(_audit(monkeypatch, audited, "--sarif").output)
    suppressed = [r for r in sarif["runs"][0]["results"] if "suppressions" in r]
    assert len(suppressed) == 1 and suppressed[0]["suppressions"][0]["kind"] == "inSource"
    from gcmod.audit.report import html_report

    assert ">免除<" in html_report(audited, "ja") and ">waived<" in html_report(audited, "en")


def test_audit_baseline_reports_only_new_findings(monkeypatch, audited, tmp_path) -> None:
    base = tmp_path / "audit-baseline.json"
    res = _audit(monkeypatch, audited, "--write-baseline", str(base))
    assert res.exit_code == 0, res.output
    doc = json.loads(base.read_text(encoding="utf-8"))
    assert doc["kind"] == "audit"
    assert all(f["resource"].startswith("arn:") for f in doc["findings"])
    unwaived = [f for f in audited.findings if not f.violation.waived]
    assert len(doc["findings"]) == len(unwaived)

    res = _audit(monkeypatch, audited, "--baseline", str(base), "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)  # stderr says how many were left out
    assert [f["name"] for f in data["findings"]] == [WAIVED_GROUP]  # waived: not in the file

    # One finding less in the baseline: exactly that one comes back, and fails.
    dropped = next(f for f in doc["findings"] if f["rule"] == "GCM-COST-001")
    doc["findings"].remove(dropped)
    base.write_text(json.dumps(doc), encoding="utf-8")
    res = _audit(monkeypatch, audited, "--baseline", str(base), "--json")
    assert res.exit_code == 1
    found = json.loads(res.stdout)["findings"]
    assert {f["fingerprint"] for f in found if not f["waiver"]} == {dropped["fingerprint"]}

    res = _audit(monkeypatch, audited, "--baseline", str(tmp_path / "nope.json"))
    assert res.exit_code == 2
