"""`gcmod synth/check/estimate --project DIR --stack NAME` as an auditor runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcmod.cli import main
from gcmod.pricing import Catalog
from gcmod.synth import SECRET

PROGRAMS = Path(__file__).parent / "fixtures" / "programs"
LIFT = ["--project", str(PROGRAMS / "liftshift"), "--stack", "prod"]
MODERN = ["--project", str(PROGRAMS / "modern"), "--stack", "prod"]
CONFIGURED = ["--project", str(PROGRAMS / "configured"), "--stack", "staging"]
CIPHERTEXT = "ZmFrZS1jaXBoZXJ0ZXh0LW5vdC1kZWNyeXB0ZWQ="


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _estimate(runner: CliRunner, args: list[str]) -> dict:
    res = runner.invoke(main, ["estimate", *args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_synth_lists_the_programs_resources_and_its_config(runner: CliRunner) -> None:
    res = runner.invoke(main, ["synth", *CONFIGURED])
    assert res.exit_code == 0, res.output
    assert "jumin-staging-db" in res.output
    assert "project configured, stack staging: 7 resources" in res.output
    assert "secrets (not decrypted, passed as secrets): configured:dbPassword" in res.output
    assert "stack reference acme/network/staging: outputs unknown" in res.output
    assert "not the account's: getAmi ×1, getSubnets ×1, getVpc ×1" in res.output
    assert CIPHERTEXT not in res.output


def test_synth_json_shows_secrets_as_secrets(runner: CliRunner) -> None:
    res = runner.invoke(main, ["synth", *CONFIGURED, "--json"])
    assert res.exit_code == 0, res.output
    graph = json.loads(res.output)
    (db,) = [r for r in graph["resources"] if r["name"] == "jumin-staging-db"]
    assert db["inputs"]["password"] == SECRET
    assert CIPHERTEXT not in res.output


def test_stack_reference_outputs_file(runner: CliRunner) -> None:
    refs = PROGRAMS / "configured" / "stack-references.yaml"
    res = runner.invoke(main, ["synth", *CONFIGURED, "--stack-reference-outputs", str(refs)])
    assert res.exit_code == 0, res.output
    assert "stack reference acme/network/staging: outputs from --stack-reference-outputs" in (
        res.output
    )


def test_check_liftshift_fails_with_its_findings(runner: CliRunner) -> None:
    res = runner.invoke(main, ["check", *LIFT, "--json"])
    assert res.exit_code == 1, res.output
    data = json.loads(res.output)
    text = json.dumps(data)
    for rule in ("GCM-COST-001", "GCM-DR-001", "GCM-LOG-001", "GCM-SEC-010", "GCM-STO-001"):
        assert rule in text
    table = runner.invoke(main, ["check", *LIFT])
    assert table.output.startswith("gcmod check vendor-liftshift/prod")
    assert "mandatory" in table.output


def test_check_modern_passes(runner: CliRunner) -> None:
    res = runner.invoke(main, ["check", *MODERN])
    assert res.exit_code == 0, res.output
    assert "No mandatory violations." in res.output


def test_check_sarif_points_at_the_program(runner: CliRunner) -> None:
    res = runner.invoke(main, ["check", *LIFT, "--sarif"])
    assert res.exit_code == 1
    assert "liftshift/__main__.py" in res.output


def test_estimate_prices_the_program_without_a_baseline(runner: CliRunner) -> None:
    lift, modern = _estimate(runner, LIFT), _estimate(runner, MODERN)
    assert lift["planned"]["monthlyUsd"] > modern["planned"]["monthlyUsd"] > 0
    assert lift["baseline"]["lines"] == [] and lift["saving"] is None
    assert lift["ratio"] is None and lift["levers"] == [] and lift["shares"] == []
    catalog = Catalog.load()
    (ap1,) = [
        li
        for li in lift["planned"]["lines"]
        if li["resource"] == "ap-1" and li["unit"] == "instance-hour"
    ]
    price = catalog.get("ec2.instance-hour.m4.xlarge", "ap-northeast-1").usd
    assert ap1["monthlyUsd"] == pytest.approx(price * 730)
    assert ap1["monthlyJpy"] == round(price * 730 * lift["fx"]["jpyPerUsd"])
    assert lift["assumptions"]["baseline"]["value"] == "none"


def test_estimate_table_explains_what_is_not_there(runner: CliRunner) -> None:
    res = runner.invoke(main, ["estimate", *LIFT])
    assert res.exit_code == 0, res.output
    assert "Planned (the program as written)" in res.output
    assert "No lift-and-shift cost to compare with." in res.output
    assert "Savings by lever" not in res.output
    assert "Lift-and-shift" not in res.output.split("Cost by category")[1].split("\n\n")[0]


def test_estimate_never_shows_the_secret(runner: CliRunner) -> None:
    for fmt in ([], ["--json"], ["--markdown"]):
        res = runner.invoke(main, ["estimate", *CONFIGURED, *fmt])
        assert res.exit_code == 0, res.output
        assert CIPHERTEXT not in res.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "saas-prod", *MODERN], "not with a STACK argument"),
        (["check", "--stack", "prod"], "--stack NAME goes with --project DIR"),
        (["estimate", "--project", str(PROGRAMS / "modern")], "needs --stack NAME; stacks: prod"),
        (["synth", *MODERN, "--stacks-dir", "."], "not with a STACK argument or --stacks-dir"),
        (["synth", "--project", str(PROGRAMS / "modern"), "--stack", "dev"], "available: prod"),
        (
            ["synth", "saas-dev", "--stack-reference-outputs", "refs.yaml"],
            "--stack-reference-outputs goes with --project DIR --stack NAME",
        ),
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str], expected: str) -> None:
    res = runner.invoke(main, args)
    assert res.exit_code == 2, res.output
    assert expected in res.output
    assert "Traceback" not in res.output


def test_bad_project_file_exits_2_naming_the_file(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: x\nruntime: go\n", encoding="utf-8")
    res = runner.invoke(main, ["check", "--project", str(tmp_path), "--stack", "dev"])
    assert res.exit_code == 2
    assert str(tmp_path / "Pulumi.yaml") in res.output and '(got "go")' in res.output


def _program(tmp_path: Path, main_py: str) -> list[str]:
    (tmp_path / "Pulumi.yaml").write_text("name: probe\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n", encoding="utf-8")
    (tmp_path / "__main__.py").write_text(main_py, encoding="utf-8")
    return ["--project", str(tmp_path), "--stack", "dev"]


def test_missing_module_exits_2_naming_it(runner: CliRunner, tmp_path: Path) -> None:
    args = _program(tmp_path, "import gcmod_absent_vendor_lib\n")
    res = runner.invoke(main, ["estimate", *args])
    assert res.exit_code == 2, res.output
    assert "missing module" in res.output and "'gcmod_absent_vendor_lib'" in res.output
    assert "Traceback" not in res.output


def test_unanswerable_data_source_exits_4(runner: CliRunner, tmp_path: Path) -> None:
    args = _program(tmp_path, "import pulumi_aws as aws\naws.kms.get_alias(name='alias/x')\n")
    res = runner.invoke(main, ["synth", *args])
    assert res.exit_code == 4, res.output  # the program failed (issue 13/14 exit codes)
    assert "aws:kms/getAlias:getAlias cannot be answered offline" in res.output
    assert "Traceback" not in res.output


def test_gcmod_stacks_still_work_as_before(runner: CliRunner) -> None:
    res = runner.invoke(main, ["synth", "saas-dev"])
    assert res.exit_code == 0, res.output
    assert "stack saas-dev (development" in res.output


def test_estimate_html_shows_the_program_alone(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "estimate.html"
    res = runner.invoke(main, ["estimate", *LIFT, "--html", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert 'class="card planned"' in page and "計画 (プログラムのとおり)" in page
    assert 'class="card baseline"' not in page
    assert "比較するリフト&amp;シフトの金額がありません。" in page


def test_what_the_program_prints_never_corrupts_json_on_stdout(
    runner: CliRunner, tmp_path: Path
) -> None:
    args = _program(
        tmp_path,
        "import pulumi_aws as aws\nprint('hello from the vendor program')\n"
        "b = aws.s3.Bucket('b', bucket='x')\n"
        "aws.s3.Bucket('c', bucket=b.bucket.apply(lambda v: print('in apply') or v + '-c'))\n",
    )
    for command in (["synth"], ["check"], ["estimate"]):
        # --no-cache: the program must run each time for its prints to be seen
        # (a cache hit runs nothing; tests/test_graphcache.py)
        res = runner.invoke(main, [*command, *args, "--json", "--no-cache"])
        assert res.exit_code in (0, 1), res.output
        json.loads(res.stdout)  # stdout is the JSON alone
        assert "hello from the vendor program" in res.stderr
        assert "in apply" in res.stderr


def test_unanswerable_data_source_in_output_form_exits_4_without_noise(tmp_path: Path) -> None:
    import subprocess
    import sys

    args = _program(
        tmp_path,
        "import pulumi_aws as aws\naws.s3.Bucket('b')\n"
        "i = aws.ec2.get_instance_output(instance_id='i-1')\naws.s3.Bucket('c', bucket=i.id)\n",
    )
    # A real process: the event loops are torn down at interpreter exit. Slow (~5 s
    # on an idle machine): a fresh interpreter imports gcmod and pulumi_aws first.
    res = subprocess.run(
        [sys.executable, "-m", "gcmod.cli", "synth", *args],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert res.returncode == 4, res.stderr
    assert "aws:ec2/getInstance:getInstance cannot be answered offline" in res.stderr
    assert "Traceback" not in res.stderr and "Exception ignored" not in res.stderr


def test_estimate_warns_on_stderr_of_a_type_it_cannot_price(
    runner: CliRunner, tmp_path: Path
) -> None:
    args = _program(
        tmp_path,
        "import pulumi_aws as aws\n"
        "aws.sagemaker.Domain('d', domain_name='x', auth_mode='IAM', vpc_id='vpc-1',\n"
        "    subnet_ids=['s'], default_user_settings={'execution_role': 'r'})\n",
    )
    res = runner.invoke(main, ["estimate", *args, "--json"])
    assert res.exit_code == 0, res.output
    unpriced = json.loads(res.stdout)["assumptions"]["unpriced"]["value"]
    assert unpriced == [{"type": "aws:sagemaker/domain:Domain", "resources": ["d"]}]
    assert "cannot price are not counted" in res.stderr
    assert "aws:sagemaker/domain:Domain (1)" in res.stderr


@pytest.mark.parametrize("command", ["synth", "check", "estimate"])
def test_project_options_are_explained_in_english_and_japanese(
    runner: CliRunner, command: str
) -> None:
    res = runner.invoke(main, [command, "--help"])
    assert res.exit_code == 0
    text = " ".join(res.output.split())
    for en, ja in (
        ("A Pulumi Python project", "任意の Pulumi Python プロジェクト"),
        ("The stack of --project", "--project のスタック名"),
        ("mapping referenced stacks", "参照先スタックの出力値"),
    ):
        assert en in text and ja in text


def test_required_stack_reference_output_missing_from_the_file_is_named(
    runner: CliRunner, tmp_path: Path
) -> None:
    args = _program(
        tmp_path,
        "import pulumi, pulumi_aws as aws\nnet = pulumi.StackReference('acme/net/dev')\n"
        "aws.s3.Bucket('b', bucket=net.require_output('logBucket'))\n",
    )
    refs = tmp_path / "refs.yaml"
    refs.write_text("acme/net/dev:\n  vpcId: vpc-1\n", encoding="utf-8")
    res = runner.invoke(main, ["synth", *args, "--stack-reference-outputs", str(refs)])
    assert res.exit_code == 4, res.output
    assert "requires stack reference output 'logBucket' (require_output)" in res.stderr
    assert "--stack-reference-outputs do not have" in res.stderr
    assert "Traceback" not in res.output


def test_a_resource_passed_as_an_input_is_recorded_as_its_urn(tmp_path: Path) -> None:
    """Vendor programs pass a resource object where an input is expected
    (``bucket=bucket``); the SDK sends it as a resource reference. The synth used
    to hang (or fail with "attached to a different loop") when it deserialized the
    reference for the graph on the monitor's worker thread; now the graph records
    the referenced resource's URN. The program runs in a child process with a
    timeout, so a regression fails here instead of hanging the suite."""
    (tmp_path / "Pulumi.yaml").write_text("name: refs\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text(
        "config:\n  aws:region: ap-northeast-1\n", encoding="utf-8"
    )
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\n"
        "\n"
        'role = aws.iam.Role("role", assume_role_policy="{}")\n'
        'bucket = aws.s3.Bucket("files")\n'
        'aws.s3.BucketPolicy("read", bucket=bucket, policy="{}")\n'
        'aws.s3.BucketPolicy("write", bucket=bucket, policy="{}")\n'
        'aws.iam.RolePolicyAttachment("ro", role=role,\n'
        '    policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess")\n',
        encoding="utf-8",
    )
    res = CliRunner().invoke(
        main,
        ["synth", "--project", str(tmp_path), "--stack", "dev", "--json", "--no-cache",
         "--timeout", "60"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    graph = json.loads(res.output[res.output.index("{") :])
    urn = {r["name"]: r["urn"] for r in graph["resources"]}
    inputs = {r["name"]: r["inputs"] for r in graph["resources"]}
    assert inputs["read"]["bucket"] == inputs["write"]["bucket"] == urn["files"]
    assert inputs["ro"]["role"] == urn["role"]
