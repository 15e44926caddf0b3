"""`gcmod check --sarif` as GitHub code scanning reads it: each result at the line
that declared the resource, stable fingerprints, valid SARIF 2.1.0.

The schema is the OASIS SARIF 2.1.0 (errata 01) JSON schema, shipped in
tests/fixtures/sarif (where it comes from: the README beside it).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gcmod.cli import main
from gcmod.policies.model import all_rules

ROOT = Path(__file__).resolve().parent.parent
LIFT = ROOT / "tests" / "fixtures" / "programs" / "liftshift"
SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"


def validate_sarif(doc: dict[str, Any]) -> None:
    """Raise unless ``doc`` is valid SARIF 2.1.0 (the OASIS schema, draft 4)."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(doc)


@cache
def _sarif_run() -> str:
    """One `gcmod check --sarif` of the lift-and-shift program, run from the repository root."""
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        res = CliRunner().invoke(main, ["check", "--project", str(LIFT), "--stack", "prod",
                                        "--sarif"])  # fmt: skip
    finally:
        os.chdir(cwd)
    assert res.exit_code == 1, res.output
    return res.output


@pytest.fixture(scope="module")
def sarif() -> dict[str, Any]:
    return json.loads(_sarif_run())


def _constructor(type_token: str) -> str:
    """``aws:ec2/instance:Instance`` -> ``aws.ec2.Instance(``."""
    pkg, mod, cls = type_token.split(":")
    return f"{pkg}.{mod.split('/')[0]}.{cls}("


def test_every_result_is_at_the_line_that_declared_its_resource(sarif) -> None:
    (run,) = sarif["runs"]
    lines = (LIFT / "__main__.py").read_text(encoding="utf-8").splitlines()
    assert run["results"], "the lift-and-shift program should have findings"
    for result in run["results"]:
        (loc,) = result["locations"]
        phys = loc["physicalLocation"]
        assert phys["artifactLocation"]["uri"] == "tests/fixtures/programs/liftshift/__main__.py"
        line = phys["region"]["startLine"]
        name = loc["logicalLocations"][0]["name"]
        text = lines[line - 1]
        if loc["logicalLocations"][0]["fullyQualifiedName"].startswith("urn:"):
            # The constructor call of the resource's type is on that line (a
            # resource made by the program's helper `server()` is declared there).
            assert _constructor(result["properties"]["resourceType"]) in text, (name, line, text)
        else:
            assert line == 1, result  # a stack-level finding: the program's first line
    # Not everything on one line (what code scanning showed before).
    assert len({r["locations"][0]["physicalLocation"]["region"]["startLine"]
                for r in run["results"]}) > 5  # fmt: skip


def test_named_resources_point_at_their_own_line(sarif) -> None:
    lines = (LIFT / "__main__.py").read_text(encoding="utf-8").splitlines()
    (run,) = sarif["runs"]
    by_name = {
        r["locations"][0]["logicalLocations"][0]["name"]: r["locations"][0]["physicalLocation"][
            "region"
        ]["startLine"]
        for r in run["results"]
    }
    source = "\n".join(lines)
    # Literal names (not f-strings), declared directly (not through the helper `server()`).
    named = [n for n in by_name if f'"{n}"' in source and f'server("{n}"' not in source]
    assert len(named) >= 5, named
    for name in named:
        # The call's first line; its name argument is there or on the next line.
        at = by_name[name] - 1
        assert "aws." in lines[at] and f'"{name}"' in "".join(lines[at : at + 2]), name


def test_fingerprints_are_stable_and_distinct(sarif) -> None:
    first = [r["partialFingerprints"] for r in sarif["runs"][0]["results"]]
    _sarif_run.cache_clear()
    second = [r["partialFingerprints"] for r in json.loads(_sarif_run())["runs"][0]["results"]]
    assert first == second
    prints = [p["gcmodFinding/v1"] for p in first]
    assert all(re.fullmatch(r"[0-9a-f]{32}", p) for p in prints)
    assert len(set(prints)) == len(prints), "two findings share a fingerprint"


def test_output_validates_against_the_sarif_schema(sarif) -> None:
    validate_sarif(sarif)


def test_validation_catches_a_broken_document(sarif) -> None:
    """The schema check is real: a result without a message is refused."""
    import jsonschema

    broken = json.loads(json.dumps(sarif))
    del broken["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        validate_sarif(broken)


def test_rules_carry_help_tags_and_security_severity(sarif) -> None:
    driver = sarif["runs"][0]["tool"]["driver"]
    rules_md = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    by_id = {r.id: r for r in all_rules()}
    for entry in driver["rules"]:
        rule = by_id[entry["id"]]
        anchor = entry["helpUri"].rsplit("#", 1)[1]
        assert anchor == rule.id.lower() and f"\n## {rule.id}\n" in rules_md
        tags = entry["properties"]["tags"]
        assert "gcmod" in tags and rule.lever in tags
        if rule.lever == "security":
            assert "security" in tags
            assert 0 < float(entry["properties"]["security-severity"]) <= 10
        else:
            assert "security-severity" not in entry["properties"]
    assert sarif["runs"][0]["automationDetails"]["id"] == "gcmod-check/vendor-liftshift/prod/"


def test_json_and_table_show_the_declaring_line(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["check", "--project", str(LIFT), "--stack", "prod", "--json"])
    data = json.loads(res.output)
    db = [v for v in data["violations"] if v["name"] == "db"]
    assert db and all(v["source"] == {"file": "__main__.py", "line": 97} for v in db)
    lines = (LIFT / "__main__.py").read_text(encoding="utf-8").splitlines()
    assert lines[96] == "aws.rds.Instance(" and '"db"' in lines[97]
    table = runner.invoke(main, ["check", "--project", str(LIFT), "--stack", "prod"]).output
    assert "DECLARED AT" in table and "__main__.py:97" in table


def test_resources_inside_a_gcmod_component_point_at_the_component_call(tmp_path) -> None:
    """A program that uses gcmod's ManagedLogging: its log groups are declared in
    gcmod's code; the finding points at the line of the program that calls it."""
    (tmp_path / "Pulumi.yaml").write_text("name: comp\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: ap-northeast-1\n",
                                              encoding="utf-8")  # fmt: skip
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\n"
        "from gcmod.components.logs import ManagedLogging, ManagedLoggingArgs\n"
        "\n"
        'aws.cloudwatch.LogGroup("raw", name="/x/raw")\n'
        'ManagedLogging("logs", ManagedLoggingArgs(name_prefix="/x/app"))\n',
        encoding="utf-8",
    )
    res = CliRunner().invoke(
        main, ["synth", "--project", str(tmp_path), "--stack", "dev", "--json"]
    )
    assert res.exit_code == 0, res.output
    graph = json.loads(res.output[res.output.index("{"):])
    inside = [r for r in graph["resources"] if "ManagedLogging" in r["urn"]]
    assert len(inside) > 3  # the component, its log groups, archive bucket, streams...
    for r in inside:
        assert r["source"] == {"file": "__main__.py", "line": 5}, r["name"]
    (raw,) = [r for r in graph["resources"] if r["name"] == "raw"]
    assert raw["source"] == {"file": "__main__.py", "line": 4}


def test_a_gcmod_stack_has_no_program_lines_and_points_at_its_stack_file() -> None:
    """gcmod's own stacks are built by gcmod's program: no line of a user's program
    declared them, so results stay at the stack file (never at a caller's file)."""
    res = CliRunner().invoke(main, ["check", "saas-dev", "--sarif"])
    doc = json.loads(res.output)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in doc["runs"][0]["results"]}  # fmt: skip
    assert all(u.endswith("Pulumi.saas-dev.yaml") for u in uris), uris
    validate_sarif(doc)


def test_without_a_position_from_the_sdk_the_registration_stack_is_used(monkeypatch) -> None:
    """An SDK that sends no stack trace or source position with RegisterResource:
    the location comes from the Python stack when the program registered it."""
    import pulumi_aws as aws
    from pulumi.runtime import resource as rt
    from pulumi.runtime.proto import source_pb2

    from gcmod.synth import run_program

    monkeypatch.setattr(rt, "_get_stack_trace", lambda: source_pb2.StackTrace())
    monkeypatch.setattr(rt, "_get_source_position", lambda _trace: None)

    def program() -> None:
        aws.cloudwatch.LogGroup("no-position", name="/x")  # the declaring line

    graph = run_program(program, project="p", stack="s", region="ap-northeast-1")
    node = graph.named("no-position")
    assert node.source is not None and node.source.file == Path(__file__).resolve().as_posix()
    text = Path(__file__).read_text(encoding="utf-8").splitlines()[node.source.line - 1]
    assert "# the declaring line" in text
