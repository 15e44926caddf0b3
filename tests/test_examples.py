"""The example programs in examples/ (issue 20): vendors' own Pulumi programs that
use gcmod's components directly. Each stack passes the pack with no mandatory
finding, is priced, and raises no override warning; the shared platform keeps
everything on its explicit provider."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from click.testing import CliRunner

from gcmod.cli import main
from gcmod.cost.estimate import estimate_program
from gcmod.cost.usage import program_basis, usage_for
from gcmod.graph import ResourceGraph
from gcmod.policies.harness import check_graph
from gcmod.project import load_project, load_stack, synth_project

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CASES = [(ex, st) for ex in ("single-municipality", "shared-platform") for st in ("dev", "prod")]
PROVIDER = "pulumi:providers:aws"
OSAKA = "ap-northeast-3"


@pytest.fixture(scope="module")
def synthesized() -> dict[tuple[str, str], tuple[Any, ResourceGraph, list[str]]]:
    """Each example stack synthesized once: (stack, graph, warnings logged). Four
    program runs, about 20 s together on the shared machine: every test here reads them."""
    out = {}
    original = pulumi.log.warn
    for ex, st in CASES:
        warned: list[str] = []
        pulumi.log.warn = lambda msg, *a, _w=warned, **k: _w.append(msg)  # type: ignore[assignment]
        try:
            ps = load_stack(load_project(EXAMPLES / ex), st)
            out[(ex, st)] = (ps, synth_project(ps), warned)
        finally:
            pulumi.log.warn = original  # type: ignore[assignment]
    return out


def test_every_example_has_a_dev_and_a_prod_stack() -> None:
    found = {(p.parent.name, p.name) for p in EXAMPLES.glob("*/Pulumi.*.yaml")}
    for ex, st in CASES:
        assert (ex, f"Pulumi.{st}.yaml") in found
        assert (EXAMPLES / ex / "__main__.py").is_file()


@pytest.mark.parametrize(("example", "stack"), CASES)
def test_example_passes_the_pack_and_warns_of_nothing(synthesized, example, stack) -> None:
    _ps, graph, warned = synthesized[(example, stack)]
    report = check_graph(graph)
    assert [(v.rule.id, v.resource_name, v.message.en) for v in report.violations] == []
    assert warned == []
    envs = {n.tags.get("gcmod:environment") for n in graph.custom_resources if n.tags}
    assert envs == {"development" if stack == "dev" else "production"}


@pytest.mark.parametrize(("example", "stack"), CASES)
def test_example_is_priced(synthesized, catalog, example, stack) -> None:
    ps, graph, _ = synthesized[(example, stack)]
    result = estimate_program(graph, catalog, usage_for(program_basis(), ps.file), stack=ps.label)
    kinds = {line.unit.lower() for line in result.planned.lines}
    assert result.planned.monthly_usd > 0
    assert {"acu-hour", "vcpu-hour"} <= kinds, kinds


def test_production_costs_more_than_development(synthesized, catalog) -> None:
    def monthly(ex: str, st: str) -> float:
        ps, graph, _ = synthesized[(ex, st)]
        usage = usage_for(program_basis(), ps.file)
        return estimate_program(graph, catalog, usage, stack=ps.label).planned.monthly_usd

    for ex in ("single-municipality", "shared-platform"):
        assert monthly(ex, "prod") > monthly(ex, "dev")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shared_platform_stays_on_its_explicit_provider(synthesized, stack) -> None:
    _ps, graph, _ = synthesized[("shared-platform", stack)]
    providers = {p.name: p for p in graph.of_type(PROVIDER)}
    gov = providers["gov"]
    dr = [p for name, p in providers.items() if name != "gov"]
    aws_nodes = [n for n in graph.custom_resources if n.package == "aws"]
    allowed = {gov.urn, *(p.urn for p in dr)}
    assert [n.name for n in aws_nodes if n.provider not in allowed] == []
    if stack == "dev":
        assert dr == []  # no DR copy outside production
        return
    (osaka,) = dr
    assert osaka.get("region") == OSAKA
    assert {k: v for k, v in osaka.inputs.items() if k != "region"} == {
        k: v for k, v in gov.inputs.items() if k != "region"
    }
    vaults = graph.of_type("aws:backup/vault:Vault")
    assert sorted(v.region for v in vaults) == ["ap-northeast-1", OSAKA]


def test_gcmod_check_of_an_example_exits_0(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["--project", str(EXAMPLES / "single-municipality"), "--stack", "prod", "--json"]
    res = CliRunner().invoke(main, ["check", *args])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["mandatory"] == 0


def test_components_reference_is_generated_from_the_code() -> None:
    from gcmod.components.docs import COMPONENTS, render_markdown

    text = render_markdown()
    assert (EXAMPLES.parent / "docs" / "components.md").read_text(encoding="utf-8") == text
    for _module, component, _args in COMPONENTS:
        assert f"## {component}" in text
    # Every argument of every component is listed with its default.
    assert "| `certificate_arn` | `pulumi.Input[str] \\| None` |" in text
    assert "| development |" in text and "0.25 vCPU / 0.5 GiB, 1–2 tasks" in text


@pytest.mark.parametrize(("example", "stack"), CASES)
def test_example_builds_the_dashboard_and_the_budgets_it_configures(
    synthesized, example, stack
) -> None:
    import yaml

    _ps, graph, _ = synthesized[(example, stack)]
    assert len(graph.of_type("aws:cloudwatch/dashboard:Dashboard")) == 1
    assert len(graph.of_type("aws:sns/topic:Topic")) == 1
    limits = {
        b.get("name"): b.get("limitAmount") for b in graph.of_type("aws:budgets/budget:Budget")
    }
    raw = yaml.safe_load((EXAMPLES / example / f"Pulumi.{stack}.yaml").read_text("utf-8"))
    project, prefix = (
        ("town-juki", "town-obs") if example == "single-municipality" else ("juki-saas", "juki-obs")
    )
    env = "development" if stack == "dev" else "production"
    budget = float(raw["config"][f"{project}:monthlyBudgetUsd"])
    tenants = {
        t["code"]: f"{float(t['budgetUsd']):.2f}"
        for t in raw["config"].get(f"{project}:tenants", [])
        if "budgetUsd" in t
    }
    assert limits == {
        f"{prefix}-{env}": f"{budget:.2f}",
        **{f"{prefix}-tenant-{code}": usd for code, usd in tenants.items()},
    }
    # The shared platform's production stack budgets each municipality.
    assert bool(tenants) == ((example, stack) == ("shared-platform", "prod"))
