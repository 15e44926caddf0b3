"""Assets and archives (Lambda inline code, BucketObject sources) pass through synth,
the graph JSON and the pack the way the engine sends them (signature-keyed maps)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pulumi
import pulumi_aws as aws

from gcmod.graph import ResourceGraph
from gcmod.policies.harness import check_graph
from gcmod.policies.model import Finding, Rule, Text
from gcmod.synth import ARCHIVE_SIG, ASSET_SIG, run_program

SIG = "4dabf18193072939515e22adb298388d"
CODE = "def handler(event, context):\n    return {'ok': True}\n"


def _program(tmp: Path):
    def program() -> None:
        role = aws.iam.Role("fn-role", assume_role_policy=json.dumps({"Version": "2012-10-17"}))
        aws.lambda_.Function(
            "fn",
            role=role.arn,
            runtime="python3.12",
            handler="index.handler",
            code=pulumi.AssetArchive(
                {"index.py": pulumi.StringAsset(CODE), "vendor": pulumi.FileArchive(str(tmp))}
            ),
        )
        aws.s3.BucketObjectv2("readme", bucket="b", source=pulumi.FileAsset(str(tmp / "a.txt")))
        aws.s3.BucketObjectv2("remote", bucket="b", source=pulumi.RemoteAsset("https://x/y"))

    return program


def test_assets_are_recorded_in_the_engines_form(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello")
    g = run_program(_program(tmp_path), project="p", stack="main", region="ap-northeast-1")
    code = g.named("fn").inputs["code"]
    assert code == {
        SIG: ARCHIVE_SIG,
        "assets": {
            "index.py": {
                SIG: ASSET_SIG,
                "hash": hashlib.sha256(CODE.encode()).hexdigest(),
                "text": CODE,
            },
            "vendor": {SIG: ARCHIVE_SIG, "path": str(tmp_path)},
        },
    }
    assert g.named("readme").inputs["source"] == {SIG: ASSET_SIG, "path": str(tmp_path / "a.txt")}
    assert g.named("remote").inputs["source"] == {SIG: ASSET_SIG, "uri": "https://x/y"}
    # the graph JSON round-trips (synth --json, then check from the file)
    again = ResourceGraph.from_json(json.loads(g.dumps()))
    assert again.named("fn").inputs["code"] == code


def test_rules_receive_pulumi_assets_as_under_the_engine(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello")
    g = run_program(_program(tmp_path), project="p", stack="main", region="ap-northeast-1")
    seen: dict[str, object] = {}

    def look(res, _ctx):
        seen[res.name] = res.props.get("code") or res.props.get("source")
        return [Finding(Text("seen", "確認"))]

    probe = Rule(
        id="TEST-ASSET-001", title=Text("probe", "プローブ"), severity="low",
        enforcement="advisory", lever="logs", rationale=Text("r", "理由"),
        remediation=Text("f", "対処"), check=look,
    )  # fmt: skip
    report = check_graph(g, rules=[probe])
    assert len(report.violations) == 4  # role, function, two objects: no crash
    code = seen["fn"]
    assert isinstance(code, pulumi.AssetArchive)
    assert isinstance(code.assets["index.py"], pulumi.StringAsset)
    assert code.assets["index.py"].text == CODE
    assert isinstance(code.assets["vendor"], pulumi.FileArchive)
    assert isinstance(seen["readme"], pulumi.FileAsset)
    assert isinstance(seen["remote"], pulumi.RemoteAsset)


def test_the_pack_runs_on_a_program_with_inline_lambda_code(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello")
    g = run_program(_program(tmp_path), project="p", stack="main", region="ap-northeast-1")
    report = check_graph(g)
    assert report.resources == 4
    assert all(not v.message.en.startswith("can't run") for v in report.violations)


def test_cli_synth_check_and_estimate_take_a_program_with_assets(tmp_path, monkeypatch) -> None:
    """Issue 13: inline Lambda code used to crash check and synth with a traceback."""
    from click.testing import CliRunner

    from gcmod.cli import main

    monkeypatch.chdir(tmp_path)
    program = Path(__file__).parent / "fixtures" / "programs" / "vendor-lambda-inline"
    args = ["--project", str(program), "--stack", "stg"]
    runner = CliRunner()
    res = runner.invoke(main, ["synth", *args, "--json"])
    assert res.exit_code == 0, res.output
    [fn] = [r for r in json.loads(res.output)["resources"] if r["name"] == "notify"]
    assert fn["inputs"]["code"]["assets"]["index.py"][SIG] == ASSET_SIG
    res = runner.invoke(main, ["check", *args])
    assert res.exit_code == 0 and "Traceback" not in res.output, res.output
    res = runner.invoke(main, ["estimate", *args, "--json"])
    assert res.exit_code == 0 and "Traceback" not in res.output, res.output
