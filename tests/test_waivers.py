"""Waivers: a finding accepted for a reason until a date, offline and over gRPC.

A program with two log groups that never expire (GCM-LOG-001, mandatory): one
waived by its own ``gcmod:waive`` tag, the other by ``gcmod-waivers.yaml``.
In date, `gcmod check` passes and shows both as waived; past the date, it
fails, with a GCM-GOV-001 finding per expired waiver. The pack run over gRPC
(as ``pulumi preview --policy-pack`` runs it, the waiver file reaching it in
the policy config) reports exactly the same.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pulumi_aws as aws
import pytest
from click.testing import CliRunner
from fixtures.packserver import registered_rules, running_pack
from test_sarif import validate_sarif

from gcmod.cli import main
from gcmod.policies import harness
from gcmod.policies.waivers import Waiver, find, load_waiver_file, tag_waivers
from gcmod.synth import run_program

FUTURE, PAST = "2099-12-31", "2020-03-31"
TAGS = {"gcmod:system": "jumin", "gcmod:environment": "production", "gcmod:tenant": "shared"}
PROGRAM = f'''import pulumi_aws as aws

TAGS = {TAGS!r}

aws.cloudwatch.LogGroup("forever", name="/app/forever", tags=TAGS)
aws.cloudwatch.LogGroup(
    "tagged",
    name="/app/tagged",
    tags={{**TAGS, "gcmod:waive": "GCM-LOG-001:@DATE@:kept until the audit closes"}},
)
'''
WAIVER_FILE = """waivers:
  - rule: GCM-LOG-001
    resource: forever
    reason: 条例で永年保存 / kept by ordinance
    expires: @DATE@
    approved-by: 情報政策課
"""


# ---------------------------------------------------------------------------
# Reading waivers
# ---------------------------------------------------------------------------
def test_tag_waivers_are_read_in_both_forms() -> None:
    waivers, problems = tag_waivers(
        {
            "gcmod:waive": "GCM-NET-001:2027-03-31:closed network; GCM-SEC-010:2026-12-31:VPN",
            "gcmod:waive:gcm-log-001": "2027-01-31:audit hold",
            "Name": "x",
        }
    )
    assert problems == []
    got = {(w.rule, w.expires.isoformat(), w.reason) for w in waivers}
    assert got == {
        ("GCM-NET-001", "2027-03-31", "closed network"),
        ("GCM-SEC-010", "2026-12-31", "VPN"),
        ("GCM-LOG-001", "2027-01-31", "audit hold"),
    }


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("GCM-NET-001:2027-03-31", "is not RULE:YYYY-MM-DD:reason"),
        ("GCM-NET-001:31/03/2027:why", "is not a date"),
        ("net:2027-03-31:why", "is not a rule id"),
        ("GCM-NET-001:2027-03-31:   ", "without a reason"),
    ],
)
def test_unreadable_tag_waivers_are_named(value: str, problem: str) -> None:
    waivers, problems = tag_waivers({"gcmod:waive": value})
    assert waivers == [] and len(problems) == 1 and problem in problems[0]


def test_a_waiver_holds_through_its_expiry_day() -> None:
    w = Waiver("GCM-LOG-001", "app-*", "r", dt.date(2027, 3, 31))
    assert w.active(dt.date(2027, 3, 31)) and not w.active(dt.date(2027, 4, 1))
    assert w.matches("gcm-log-001", "app-logs", "urn:x") and not w.matches("GCM-LOG-001", "db", "")
    expired = Waiver("GCM-LOG-001", "app-*", "r", dt.date(2020, 1, 1))
    future = Waiver("GCM-LOG-001", "urn:pulumi:*::app-logs", "r", dt.date(2099, 1, 1))
    urn = "urn:pulumi:s::p::aws:cloudwatch/logGroup:LogGroup::app-logs"
    assert find([expired, future], "GCM-LOG-001", "app-logs", urn) == (future, expired)
    assert find([expired], "GCM-LOG-001", "app-logs", urn) == (None, expired)
    assert find([future], "GCM-SEC-010", "app-logs", urn) == (None, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("waivers:\n  - rule: GCM-NOPE-001\n    resource: x\n    reason: r\n"
         "    expires: 2027-01-01\n    approved-by: y\n", "no rule 'GCM-NOPE-001'"),
        ("waivers:\n  - rule: GCM-LOG-001\n    resource: x\n    reason: r\n"
         "    expires: 2027-13-01\n    approved-by: y\n",
         'waivers[0].expires: "2027-13-01" is not a calendar date'),
        ("waivers:\n  - rule: GCM-LOG-001\n    resource: x\n    reason: r\n"
         "    expires: 2027-01-01\n", "waivers[0].approved-by: Field required"),
        ("waivers:\n  - rule: GCM-LOG-001\n    resource: x\n    reason: r\n"
         "    expires: 2027-01-01\n    approved-by: y\n    until: z\n", "waivers[0].until"),
        ("waiver: []\n", "waiver: Extra inputs are not permitted"),
    ],
)  # fmt: skip
def test_a_bad_waiver_file_is_a_usage_error(tmp_path: Path, text: str, message: str) -> None:
    from gcmod.config import ConfigError

    path = tmp_path / "gcmod-waivers.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_waiver_file(path)
    assert message in str(err.value) and str(path) in str(err.value)


# ---------------------------------------------------------------------------
# gcmod check
# ---------------------------------------------------------------------------
def _project(tmp_path: Path, date: str, *, file_waiver: bool = True) -> list[str]:
    (tmp_path / "Pulumi.yaml").write_text("name: waived\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text(
        "config:\n  aws:region: ap-northeast-1\n", encoding="utf-8"
    )
    (tmp_path / "__main__.py").write_text(PROGRAM.replace("@DATE@", date), encoding="utf-8")
    if file_waiver:
        (tmp_path / "gcmod-waivers.yaml").write_text(
            WAIVER_FILE.replace("@DATE@", date), encoding="utf-8"
        )
    return ["check", "--project", str(tmp_path), "--stack", "dev"]


def test_without_waivers_the_check_fails(tmp_path: Path) -> None:
    args = _project(tmp_path, FUTURE, file_waiver=False)
    res = CliRunner().invoke(main, [*args, "--json"])
    assert res.exit_code == 1
    data = json.loads(res.output)
    forever = [v for v in data["violations"] if v["name"] == "forever"]
    assert [(v["rule"], v["waived"]) for v in forever] == [("GCM-LOG-001", False)]


def test_waivers_in_date_turn_the_check_green_and_show_as_waived(tmp_path: Path) -> None:
    args = _project(tmp_path, FUTURE)
    runner = CliRunner()
    res = runner.invoke(main, [*args, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["mandatory"] == 0 and data["waived"] == 2
    by_name = {v["name"]: v for v in data["violations"]}
    assert by_name["forever"]["waiver"]["source"] == "gcmod-waivers.yaml"
    assert by_name["forever"]["waiver"]["approvedBy"] == "情報政策課"
    assert by_name["tagged"]["waiver"]["source"] == "tag gcmod:waive"
    assert {v["rule"] for v in data["violations"]} == {"GCM-LOG-001"}
    assert all(v["enforcement"] == "mandatory" for v in data["violations"])

    table = runner.invoke(main, args).output
    assert len(re.findall(r"^waived +GCM-LOG-001 ", table, re.M)) == 2
    assert "kept until the audit closes" in table
    assert "0 mandatory, 0 advisory, 2 waived" in table

    sarif = json.loads(runner.invoke(main, [*args, "--sarif"]).output)
    validate_sarif(sarif)
    results = sarif["runs"][0]["results"]
    kinds = sorted(r["suppressions"][0]["kind"] for r in results)
    assert kinds == ["external", "inSource"]
    for r in results:
        (sup,) = r["suppressions"]
        assert sup["status"] == "accepted" and FUTURE in sup["justification"]


def test_expired_waivers_fail_with_their_own_finding(tmp_path: Path) -> None:
    args = _project(tmp_path, PAST)
    res = CliRunner().invoke(main, [*args, "--json"])
    assert res.exit_code == 1, res.output
    data = json.loads(res.output)
    found = Counter((v["rule"], v["name"], v["waived"]) for v in data["violations"])
    assert found == Counter(
        {
            ("GCM-LOG-001", "forever", False): 1,
            ("GCM-LOG-001", "tagged", False): 1,
            ("GCM-GOV-001", "forever", False): 1,
            ("GCM-GOV-001", "tagged", False): 1,
        }
    )
    gov = [v for v in data["violations"] if v["rule"] == "GCM-GOV-001"]
    assert all(PAST in v["message"]["en"] and PAST in v["message"]["ja"] for v in gov)


def test_a_waiver_that_matches_nothing_is_a_warning(tmp_path: Path) -> None:
    args = _project(tmp_path, FUTURE)
    extra = (
        "  - rule: GCM-SEC-010\n    resource: 'nothing-*'\n    reason: old\n"
        f"    expires: {FUTURE}\n    approved-by: x\n"
    )
    path = tmp_path / "gcmod-waivers.yaml"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    res = CliRunner().invoke(main, [*args, "--json"])
    assert res.exit_code == 0, res.output
    (idle,) = [v for v in json.loads(res.output)["violations"] if v["rule"] == "GCM-GOV-002"]
    assert idle["enforcement"] == "advisory" and "nothing-*" in idle["message"]["en"]


def test_waivers_option_and_bad_file_exit_2(tmp_path: Path) -> None:
    args = _project(tmp_path, FUTURE, file_waiver=False)
    bad = tmp_path / "other.yaml"
    bad.write_text("waivers: 3\n", encoding="utf-8")
    res = CliRunner().invoke(main, [*args, "--waivers", str(bad)])
    assert res.exit_code == 2 and "waivers: Input should be a valid list" in res.output
    assert "Traceback" not in res.output


# ---------------------------------------------------------------------------
# The same through the CrossGuard pack over gRPC
# ---------------------------------------------------------------------------
def _graph(date: str):
    def program() -> None:
        aws.cloudwatch.LogGroup("forever", name="/app/forever", tags=TAGS)
        aws.cloudwatch.LogGroup(
            "tagged",
            name="/app/tagged",
            tags={**TAGS, "gcmod:waive": f"GCM-LOG-001:{date}:kept until the audit closes"},
        )

    return run_program(program, project="waived", stack="dev", region="ap-northeast-1")


def _file_waivers(tmp_path: Path, date: str) -> list[Waiver]:
    path = tmp_path / f"waivers-{date}.yaml"
    path.write_text(WAIVER_FILE.replace("@DATE@", date), encoding="utf-8")
    return load_waiver_file(path)


@pytest.fixture(scope="module")
def stub():
    with running_pack() as s:
        yield s


def _keys(report: harness.CheckReport) -> Counter:
    return Counter(
        (v.rule.id, v.resource_name, v.enforcement, v.mandatory, v.waiver, v.message.en)
        for v in report.violations
    )


@pytest.mark.parametrize("date", [FUTURE, PAST])
def test_the_pack_over_grpc_honours_the_same_waivers(stub, tmp_path: Path, date: str) -> None:
    rules = registered_rules()
    graph = _graph(date)
    waivers = _file_waivers(tmp_path, date)
    # The waiver file reaches the pack in the policy config, as
    # `pulumi preview --policy-pack-config` would pass {"all": {"waivers": [...]}}.
    config = {"all": {"waivers": [w.to_config() for w in waivers]}}
    stub.Configure(harness.configure_request(harness.normalize_pack_config(config, rules)))
    nodes = harness.analyzed_nodes(graph)
    responses = [
        (stub.Analyze(req), node)
        for req, node in zip(harness.analyze_requests(graph), nodes, strict=True)
    ]
    responses.append((stub.AnalyzeStack(harness.analyze_stack_request(graph)), None))
    over_grpc = harness.CheckReport(graph.stack, graph.region, rules, len(nodes))
    harness.collect(responses, rules, graph, over_grpc)

    offline = harness.check_graph(graph, None, rules, waivers=waivers)
    assert _keys(over_grpc) == _keys(offline)
    if date == FUTURE:
        assert over_grpc.mandatory == []
        assert sorted(v.resource_name for v in over_grpc.waived) == ["forever", "tagged"]
    else:
        assert over_grpc.waived == []
        assert sorted(v.resource_name for v in over_grpc.by_rule("GCM-GOV-001")) == [
            "forever",
            "tagged",
        ]
        assert {v.rule.id for v in over_grpc.mandatory} == {"GCM-LOG-001", "GCM-GOV-001"}


def test_bad_waivers_in_a_policy_config_exit_2(tmp_path: Path) -> None:
    args = _project(tmp_path, FUTURE, file_waiver=False)
    cfg = tmp_path / "policy.json"
    cfg.write_text(json.dumps({"all": {"waivers": [{"rule": "GCM-LOG-001", "resource": "x",
                                                    "reason": "r", "expires": "soon"}]}}),
                   encoding="utf-8")  # fmt: skip
    res = CliRunner().invoke(main, [*args, "--config", str(cfg)])
    assert res.exit_code == 2 and "'soon' is not a date" in res.output, res.output
    cfg.write_text(json.dumps({"all": {"waivers": [{"rule": "GCM-LOG-001", "resource": "forever",
                                                    "reason": "r", "expires": FUTURE}]}}),
                   encoding="utf-8")  # fmt: skip
    res = CliRunner().invoke(main, [*args, "--config", str(cfg), "--json"])
    data = json.loads(res.output)
    waived = {v["name"]: v["waiver"]["source"] for v in data["violations"] if v["waived"]}
    assert waived == {"forever": "policy config", "tagged": "tag gcmod:waive"}
