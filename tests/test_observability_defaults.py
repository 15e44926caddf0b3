"""Issue 20 item 7: the dashboard, budgets and alerts on by default in the platform,
the templates and the examples, their config, and their prices in the estimate."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gcmod.cli import main
from gcmod.components.observability import BUDGET_ALERTS
from gcmod.config import ConfigError, parse_config, read_stack_file
from gcmod.cost import guardrails
from gcmod.cost.arithmetic import DAYS_PER_MONTH
from gcmod.cost.estimate import budget_note
from gcmod.cost.model import EstimateResult
from gcmod.cost.pricers import FREE_TYPES, PRICED_VIA, PRICERS, price_graph
from gcmod.cost.pricers.cloudwatch import FREE_TIER_DASHBOARD_METRICS, dashboard_metrics
from gcmod.cost.usage import Usage, program_basis
from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.pricing import Catalog
from gcmod.program import synth_config
from gcmod.stackfiles import samples_dir

TOKYO, OSAKA = "ap-northeast-1", "ap-northeast-3"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
BUDGET = "aws:budgets/budget:Budget"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
OBS_TYPES = (DASHBOARD, BUDGET, TOPIC, "aws:sns/topicPolicy:TopicPolicy", SUBSCRIPTION)


# ---------------------------------------------------------------------------
# Pricers, on hand-made graphs
# ---------------------------------------------------------------------------
def node(name: str, rtype: str, deps: dict[str, tuple[str, ...]] | None = None, **inputs: Any):
    return ResourceNode(f"urn:{name}", rtype, name, True, inputs, property_dependencies=deps or {})


def lines_of(catalog: Catalog, *nodes: ResourceNode):
    g = ResourceGraph("p", "s", TOKYO, tuple(nodes))
    est, gp = price_graph(g, Usage().resolve(program_basis()), catalog)
    return est, gp


def body(metric_lines: int, searches: int = 0) -> str:
    lines: list[Any] = [["AWS/ApplicationELB", "RequestCount", "LoadBalancer", f"app/x/{i}"]
                        for i in range(metric_lines)]  # fmt: skip
    lines += [[{"expression": "SEARCH('{ns,Tenant} MetricName=\"Requests\"', 'Sum', 300)"}]] * (
        searches
    )
    lines += [[{"expression": "100 * (1 - e5 / req)", "id": "sl"}]]  # math: no metric of its own
    return json.dumps({"widgets": [{"type": "metric", "properties": {"metrics": lines}}]})


def test_every_type_the_component_creates_has_a_price_or_a_reason() -> None:
    assert {DASHBOARD, BUDGET, TOPIC} <= set(PRICERS)
    assert "aws:sns/topicPolicy:TopicPolicy" in FREE_TYPES
    assert SUBSCRIPTION in PRICED_VIA


def test_a_dashboard_costs_its_month_from_the_first_one(catalog: Catalog) -> None:
    """Edge of the free tier: one dashboard, inside AWS's 3 free ones, is still
    charged, because the account's allowance is shared and not credited."""
    one, _ = lines_of(catalog, node("d1", DASHBOARD, dashboardBody=body(3)))
    (li,) = one.lines
    assert (li.quantity, li.monthly_usd) == (
        1,
        catalog.get("cloudwatch.dashboard-month", TOKYO).usd,
    )
    assert li.monthly_usd == 3.0
    assert "not credited" in li.description and "3 metrics" in li.description
    four, _ = lines_of(
        catalog, *(node(f"d{i}", DASHBOARD, dashboardBody=body(3)) for i in range(4))
    )
    assert four.monthly_usd == pytest.approx(4 * 3.0)


def test_the_fifty_metric_boundary_is_named(catalog: Catalog) -> None:
    at, _ = lines_of(catalog, node("d", DASHBOARD, dashboardBody=body(FREE_TIER_DASHBOARD_METRICS)))
    over, _ = lines_of(
        catalog, node("d", DASHBOARD, dashboardBody=body(FREE_TIER_DASHBOARD_METRICS + 1))
    )
    assert "never in the free tier" not in at.lines[0].description
    assert "51 metrics, more than 50: never in the free tier" in over.lines[0].description
    assert at.monthly_usd == over.monthly_usd == 3.0


def test_dashboard_metrics_count_search_per_tenant_and_skip_math() -> None:
    assert dashboard_metrics(body(9, searches=1), tenants=3) == 12
    assert dashboard_metrics(json.loads(body(2)), tenants=7) == 2
    assert dashboard_metrics(UNKNOWN, tenants=3) is None  # the body names an ARN
    assert dashboard_metrics("not json", tenants=3) is None


def test_budgets_cost_nothing_beyond_the_old_two_free(catalog: Catalog) -> None:
    """Boundary of the superseded rule (two free, then $0.02 a day): a third
    budget without actions costs nothing either."""
    n = [node(f"b{i}", BUDGET, notifications=[{}, {}]) for i in range(3)]
    est, gp = lines_of(catalog, *n)
    assert len(est.lines) == 3 and est.monthly_usd == 0.0
    assert all(li.quantity == pytest.approx(DAYS_PER_MONTH) for li in est.lines)
    assert not est.missing and not gp.unpriced
    assert catalog.get("budgets.budget-day", TOKYO).verified


def test_topic_prices_the_alerts_that_publish_to_it(catalog: Catalog) -> None:
    topic = node("alerts", TOPIC)
    budgets = [
        node(f"b{i}", BUDGET, {"notifications": ("urn:alerts",)}, notifications=[{}, {}])
        for i in range(3)
    ]
    subs = [
        node("mail", SUBSCRIPTION, {"topic": ("urn:alerts",)}, protocol="email"),
        node("hook", SUBSCRIPTION, {"topic": ("urn:alerts",)}, protocol="https"),
    ]
    est, gp = lines_of(catalog, topic, *budgets, *subs)
    got = {li.price_key: li for li in est.lines if li.resource == "alerts"}
    assert got["sns.million-publishes"].quantity == pytest.approx(6 / 1e6)
    assert got["sns.100k-email-notifications"].quantity == pytest.approx(6 / 1e5)  # one address
    assert got["sns.million-publishes"].monthly_usd == pytest.approx(6 / 1e6 * 0.5)
    assert not gp.unpriced


def test_a_topic_nobody_known_publishes_to_is_noted_not_priced(catalog: Catalog) -> None:
    est, gp = lines_of(catalog, node("ops", TOPIC))
    assert est.lines == [] and not gp.unpriced
    assert any(n.startswith("ops: no budget") for n in gp.notes["sns"])


def test_new_prices_carry_source_date_and_both_regions(catalog: Catalog) -> None:
    for key in (
        "cloudwatch.dashboard-month",
        "budgets.budget-day",
        "sns.million-publishes",
        "sns.100k-email-notifications",
    ):
        tokyo, osaka = catalog.get(key, TOKYO), catalog.get(key, OSAKA)
        assert tokyo.usd == osaka.usd and tokyo.source and tokyo.checked.isoformat() == "2026-12-02"
    # The SNS figures are the article's (us-east-1): marked unverified.
    assert not catalog.get("sns.million-publishes", TOKYO).verified
    assert "not credited" in catalog.get("cloudwatch.dashboard-month", TOKYO).source


# ---------------------------------------------------------------------------
# On by default: the samples, the switch
# ---------------------------------------------------------------------------
def test_every_sample_has_the_dashboard_and_budgets_and_prices_them(
    sample_stacks: dict[str, Any], sample_estimates: dict[str, EstimateResult]
) -> None:
    assert {"saas-prod", "saas-dev", "saas-staging", "saas-dr", "town-prod"} <= set(sample_stacks)
    for name, (cfg, g) in sample_stacks.items():
        (dash,) = g.of_type(DASHBOARD)
        budgets = {b.get("name"): b for b in g.of_type(BUDGET)}
        assert set(budgets) == {
            f"{name}-obs-{cfg.environment}",
            *(f"{name}-obs-tenant-{t.code}" for t in cfg.tenants),
        }, name
        assert len(g.of_type(TOPIC)) == 1, name
        res = sample_estimates[name]
        assert res.assumptions["unpriced"]["value"] == [], name
        keys = {li.price_key for li in res.planned.lines}
        assert {"cloudwatch.dashboard-month", "budgets.budget-day", "sns.million-publishes"} <= keys
        dash_line = [li for li in res.planned.lines if li.resource == dash.name]
        assert [li.monthly_usd for li in dash_line] == [3.0], name


def test_default_environment_budget_sits_above_an_ordinary_month(
    sample_stacks: dict[str, Any], sample_estimates: dict[str, EstimateResult], catalog: Catalog
) -> None:
    for name, (cfg, g) in sample_stacks.items():
        model = guardrails.modelled_capacity_usd(cfg, catalog)
        want = math.ceil(guardrails.BUDGET_HEADROOM * model / guardrails.ROUND_USD) * 10
        env = next(b for b in g.of_type(BUDGET) if b.get("name").endswith(cfg.environment))
        assert float(env.get("limitAmount")) == want, name
        planned = sample_estimates[name].planned.monthly_usd
        # The 80 % actual-cost alert does not fire in a month the plan expects.
        assert guardrails.ACTUAL_ALERT_SHARE * want > planned, (name, want, planned)
        note = sample_estimates[name].assumptions["observability.budgets"]
        assert note["value"]["environmentUsd"] == want and "warning" not in note["source"]
        for b in g.of_type(BUDGET):
            if "-tenant-" in b.get("name"):
                assert b.get("limitAmount") == "10.00"


def test_the_estimate_repeats_the_components_actual_alert_share() -> None:
    assert guardrails.ACTUAL_ALERT_SHARE * 100 == min(t for k, t in BUDGET_ALERTS if k == "ACTUAL")


def stack(**observability: Any) -> dict[str, Any]:
    raw = read_stack_file(samples_dir() / "Pulumi.saas-dev.yaml")
    if observability:
        raw["gcmod:observability"] = observability
    return raw


def test_the_switch_turns_it_off_and_explicit_amounts_are_used() -> None:
    off = synth_config(parse_config(stack(enabled=False), "x"), "saas-dev")
    assert [n.name for n in off.custom_resources if n.type in OBS_TYPES] == []
    assert not off.of_type("gcmod:observability:Observability")
    assert budget_note(parse_config(stack(enabled=False), "x"), 100.0) is None

    cfg = parse_config(
        stack(
            monthlyBudgetUsd=250,
            tenantBudgetsUsd={"012033": 40.5},
            alertEmails=["ops@example.lg.jp"],
        ),
        "x",
    )
    g = synth_config(cfg, "saas-dev")
    limits = {b.get("name"): b.get("limitAmount") for b in g.of_type(BUDGET)}
    assert limits == {
        "saas-dev-obs-development": "250.00",
        "saas-dev-obs-tenant-012033": "40.50",
        "saas-dev-obs-tenant-012173": "10.00",
        "saas-dev-obs-tenant-012343": "10.00",
    }
    (sub,) = g.of_type(SUBSCRIPTION)
    assert (sub.get("protocol"), sub.get("endpoint")) == ("email", "ops@example.lg.jp")

    env_only = synth_config(parse_config(stack(tenantBudgets=False), "x"), "saas-dev")
    assert [b.get("name") for b in env_only.of_type(BUDGET)] == ["saas-dev-obs-development"]


def test_a_budget_below_the_plan_is_warned_about() -> None:
    cfg = parse_config(stack(monthlyBudgetUsd=100), "x")
    note = budget_note(cfg, 150.0)
    assert note is not None and note["value"]["environmentUsd"] == 100
    assert (
        "warning: 80% of the environment budget ($80.00) is below this estimate" in (note["source"])
    )
    assert "warning" not in budget_note(cfg, 79.0)["source"]  # type: ignore[index]


# ---------------------------------------------------------------------------
# Config validation
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("obs", "message"),
    [
        ({"monthlyBudgetUsd": 0}, "gcmod:observability.monthlyBudgetUsd: Input should be greater"),
        ({"monthlyBudgetUsd": "lots"}, "gcmod:observability.monthlyBudgetUsd: Input should be a"),
        ({"monthlyBudgetUsd": 2e7}, "gcmod:observability.monthlyBudgetUsd: Input should be less"),
        ({"tenantBudgetsUsd": {"012033": -5}}, "tenantBudgetsUsd.012033: Input should be greater"),
        ({"tenantBudgetsUsd": {"011002": 5}}, "tenantBudgetsUsd names 011002, not a tenant"),
        ({"tenantBudgetsUsd": {5147: 5}}, "5147 is not a local government code: quote"),
        (
            {"tenantBudgets": False, "tenantBudgetsUsd": {"012033": 5}},
            "tenant budgets are off (tenantBudgets: false)",
        ),
        ({"alertEmails": ["ops at example"]}, "'ops at example' is not an e-mail address"),
        ({"alertEmails": ["a@b.jp", "a@b.jp"]}, "an address is listed twice"),
        ({"enable": False}, "gcmod:observability.enable: unknown key; allowed keys here: "
         "alertEmails, enabled, monthlyBudgetUsd, tenantBudgets, tenantBudgetsUsd"),
    ],
)  # fmt: skip
def test_bad_observability_config_is_refused_clearly(obs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(stack(**obs), "stacks/Pulumi.saas-dev.yaml")
    assert any(message in p for p in err.value.problems), err.value.problems


def test_check_refuses_a_bad_budget_with_exit_2_and_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (samples_dir() / "Pulumi.town-prod.yaml").read_text(encoding="utf-8")
    text += "  gcmod:observability:\n    monthlyBudgetUsd: -1\n"
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["check", str(path)])
    assert res.exit_code == 2, res.output
    assert "Pulumi.bad.yaml" in res.output
    assert "gcmod:observability.monthlyBudgetUsd" in res.output and "-1" in res.output
    assert "Traceback" not in res.output


# ---------------------------------------------------------------------------
# The template builds it too (the examples: tests/test_examples.py)
# ---------------------------------------------------------------------------
def test_scaffolded_stacks_switch_it_on_explicitly(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["new", "shared-saas", str(tmp_path / "juki")])
    assert res.exit_code == 0, res.output
    for name in ("prod", "staging", "dev"):
        raw = read_stack_file(tmp_path / "juki" / "stacks" / f"Pulumi.{name}.yaml")
        assert raw["gcmod:observability"] == {"enabled": True}
        text = (tmp_path / "juki" / "stacks" / f"Pulumi.{name}.yaml").read_text(encoding="utf-8")
        assert "monthlyBudgetUsd" in text and "予算" in text  # documented in both languages
