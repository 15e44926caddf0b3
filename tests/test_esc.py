"""Stack files that import Pulumi ESC environments (`environment:`), offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcmod.cli import main
from gcmod.config import ConfigError
from gcmod.project import load_esc_values, load_project, load_stack

PROGRAM = """import pulumi
import pulumi_aws as aws

config = pulumi.Config()
days = config.get_int("logDays")
aws.cloudwatch.LogGroup(
    "app",
    name="/app/" + config.require("system"),
    retention_in_days=days,
    tags={"gcmod:system": "jumin", "gcmod:environment": "development", "gcmod:tenant": "x"},
)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: escapp\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text(
        "environment:\n  - acme/common\n  - acme/dev\n"
        "config:\n  aws:region: ap-northeast-1\n  system: jumin\n",
        encoding="utf-8",
    )
    (tmp_path / "__main__.py").write_text(PROGRAM, encoding="utf-8")
    return tmp_path


def _values(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "esc-values.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_environments_are_accepted_and_unknown_without_values(project: Path) -> None:
    stack = load_stack(load_project(project), "dev")
    assert stack.esc is not None
    assert stack.esc.environments == ("acme/common", "acme/dev")
    assert stack.esc.unknown == ("acme/common", "acme/dev") and stack.esc.keys == ()
    assert "escapp:logDays" not in stack.config
    res = CliRunner().invoke(main, ["check", "--project", str(project), "--stack", "dev"])
    assert res.exit_code == 1, res.output  # no retention: the ESC value is not known
    assert "unknown offline acme/common, acme/dev" in res.output
    assert "GCM-LOG-001" in res.output


def test_values_from_the_esc_values_file(project: Path, tmp_path: Path) -> None:
    values = _values(
        tmp_path,
        "acme/common:\n  pulumiConfig:\n    logDays: 90\n    system: overridden\n"
        "acme/dev:\n  pulumiConfig:\n    logDays: 14\n  environmentVariables:\n    X: y\n",
    )
    stack = load_stack(load_project(project), "dev", load_esc_values(values))
    # Later environments override earlier ones; the stack file's own config wins.
    assert stack.config["escapp:logDays"] == "14"
    assert stack.config["escapp:system"] == "jumin"
    assert stack.esc is not None and stack.esc.keys == ("escapp:logDays",)
    args = ["check", "--project", str(project), "--stack", "dev", "--esc-values", str(values)]
    res = CliRunner().invoke(main, [*args, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["esc"] == {
        "environments": ["acme/common", "acme/dev"],
        "answered": ["acme/common", "acme/dev"],
        "unknown": [],
        "keys": ["escapp:logDays"],
    }
    assert not [v for v in data["violations"] if v["rule"] == "GCM-LOG-001"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("acme/prod:\n  pulumiConfig: {a: 1}\n", "acme/prod: the stack imports no such ESC"),
        ("acme/dev:\n  values: {a: 1}\n", "acme/dev.values: unknown key"),
        ("acme/dev:\n  pulumiConfig: [1]\n", "acme/dev.pulumiConfig: must be a mapping"),
        ("- acme/dev\n", "must map ESC environment names"),
    ],
)
def test_a_bad_esc_values_file_exits_2(
    project: Path, tmp_path: Path, text: str, message: str
) -> None:
    values = _values(tmp_path, text)
    args = ["check", "--project", str(project), "--stack", "dev", "--esc-values", str(values)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ("environment: acme/dev\n", "environment: must be a list of Pulumi ESC environment"),
        ("environment:\n  - 3\n", "environment: must be a list"),
        ("environment:\n  import: [a]\n", "environment.import: unknown key; allowed: imports"),
    ],
)
def test_a_bad_environment_key_is_named(project: Path, environment: str, message: str) -> None:
    (project / "Pulumi.dev.yaml").write_text(
        environment + "config:\n  system: jumin\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as err:
        load_stack(load_project(project), "dev")
    assert message in str(err.value)


def test_the_older_imports_form_is_accepted(project: Path) -> None:
    (project / "Pulumi.dev.yaml").write_text(
        "environment:\n  imports:\n    - acme/dev\nconfig:\n  system: jumin\n", encoding="utf-8"
    )
    stack = load_stack(load_project(project), "dev")
    assert stack.esc is not None and stack.esc.environments == ("acme/dev",)


def test_esc_values_needs_a_project(tmp_path: Path) -> None:
    values = _values(tmp_path, "a: {}\n")
    res = CliRunner().invoke(main, ["check", "saas-dev", "--esc-values", str(values)])
    assert res.exit_code == 2 and "--esc-values goes with --project" in res.output


def test_estimate_takes_the_esc_values_as_check_does(project: Path, tmp_path: Path) -> None:
    """``estimate --project`` reads the same ESC values file as ``check``: a server
    whose size comes from the ESC environment is priced at that size, not at the
    program's fallback used while the value is unknown."""
    (project / "__main__.py").write_text(
        "import pulumi\n"
        "import pulumi_aws as aws\n"
        "\n"
        'size = pulumi.Config().get("serverSize") or "m5.xlarge"\n'
        'aws.ec2.Instance("app", ami="ami-0123456789abcdef0", instance_type=size)\n',
        encoding="utf-8",
    )
    values = _values(tmp_path, "acme/dev:\n  pulumiConfig:\n    serverSize: m5.large\n")
    base = ["estimate", "--project", str(project), "--stack", "dev", "--json", "--no-cache"]
    known = CliRunner().invoke(main, [*base, "--esc-values", str(values)])
    unknown = CliRunner().invoke(main, base)
    assert known.exit_code == 0 and unknown.exit_code == 0, known.output + unknown.output

    def server(output: str) -> str:
        doc = json.loads(output)
        (line,) = [x for x in doc["planned"]["lines"] if x["description"].startswith("EC2 ")]
        return line["description"]

    assert "m5.large" in server(known.stdout) and "m5.xlarge" in server(unknown.stdout)


def test_esc_values_file_is_refused_by_estimate_without_a_project(tmp_path: Path) -> None:
    values = _values(tmp_path, "acme/dev:\n  pulumiConfig: {a: 1}\n")
    res = CliRunner().invoke(main, ["estimate", "saas-dev", "--esc-values", str(values)])
    assert res.exit_code == 2 and "--esc-values goes with --project" in res.output
