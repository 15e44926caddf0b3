"""Vendor-style raw pulumi_aws programs (tests/fixtures/programs/vendor-*), each stack
checked offline as ``gcmod check --project DIR --stack NAME`` does, against the exact
findings in its ``expected.<stack>.txt`` (one "RULE-ID resource [level]" per line)."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from fixtures.projects import project_graph

from gcmod.graph import ResourceGraph
from gcmod.policies.harness import CheckReport, check_graph

PROGRAMS = Path(__file__).parent / "fixtures" / "programs"
CASES = sorted(
    (p.parent.name, p.name[len("expected.") : -len(".txt")])
    for p in PROGRAMS.glob("vendor-*/expected.*.txt")
)


@cache
def graph(program: str, stack: str) -> ResourceGraph:
    """One synth per stack (through the session's graph cache, as the command's: a
    few seconds each, shared with test_policy_grpc)."""
    return project_graph(program, stack)


@cache
def report(program: str, stack: str) -> CheckReport:
    return check_graph(graph(program, stack))


def expected(program: str, stack: str) -> Counter[str]:
    out: Counter[str] = Counter()
    text = (PROGRAMS / program / f"expected.{stack}.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out[" ".join(line.split())] += 1
    return out


def found(r: CheckReport) -> Counter[str]:
    def level(v) -> str:
        return " unknown" if v.unknown else ("" if v.mandatory else " advisory")

    return Counter(f"{v.rule.id} {v.resource_name or '-'}{level(v)}" for v in r.violations)


def test_the_corpus_has_eight_programs() -> None:
    assert len({p for p, _ in CASES}) >= 8


@pytest.mark.parametrize(("program", "stack"), CASES, ids=[f"{p}/{s}" for p, s in CASES])
def test_vendor_program_has_exactly_its_expected_findings(program: str, stack: str) -> None:
    got, want = found(report(program, stack)), expected(program, stack)
    missing, extra = want - got, got - want
    assert not missing and not extra, (
        f"{program}/{stack}:\n  expected but not found: {sorted(missing.elements())}"
        f"\n  found but not expected (add to expected.{stack}.txt if right): "
        f"{sorted(extra.elements())}"
    )


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_done_when_modern_vendor_build_has_no_mandatory_finding(stack: str) -> None:
    """Issue 13: tagged Environment/System, scheduled with EventBridge Scheduler."""
    assert report("vendor-modern-tags", stack).mandatory == []


def _one(r: CheckReport, rule_id: str, name: str):
    [v] = [v for v in r.by_rule(rule_id) if v.resource_name == name]
    return v


def test_findings_say_which_evidence_decided() -> None:
    v = _one(report("vendor-provider-tags", "sandbox"), "GCM-SCHED-001", "bastion")
    assert v.environment_from.en == "provider tokyo defaultTags Environment=development"
    v = _one(report("vendor-ssm-asg", "test"), "GCM-SCHED-001", "license-server")
    assert v.environment_from.en == "stack name test"
    v = _one(report("vendor-warm-standby", "prod"), "GCM-DR-001", "renkei-cache-standby")
    assert v.region_from.en == "provider default-osaka region=ap-northeast-3"
    assert v.environment_from.en == "provider default-osaka defaultTags Environment=Production"
    v = _one(report("vendor-region-osaka", "prod"), "GCM-DR-001", "zeimu-db-osaka")
    assert v.region_from.en == "input region=ap-northeast-3"
    assert [(a.name, a.reason) for a in report("vendor-ssm-asg", "test").always_on] == [
        ("alert-relay", "receives alerts from the production side")
    ]


@pytest.mark.parametrize(("program", "stack"), CASES, ids=[f"{p}/{s}" for p, s in CASES])
def test_messages_built_at_run_time_follow_the_terminology(program: str, stack: str) -> None:
    """The Japanese of each finding is assembled from the resource's kind, name and
    values at run time, where the literal-text test cannot see it."""
    from gcmod.terminology import problems

    slips = [
        f"{v.rule.id} {v.resource_name}: {p}"
        for v in report(program, stack).violations
        for p in problems(v.message.ja)
    ]
    assert not slips, "\n".join(slips)


def _hours(program: str, stack: str) -> dict[str, float]:
    """Instance-hours per resource the estimate charges for a vendor program (the
    charges, before the catalogue: t4g prices are not in it)."""
    from gcmod.cost.pricers import graph_charges
    from gcmod.cost.usage import Usage, program_basis

    gp = graph_charges(graph(program, stack), Usage().resolve(program_basis()))
    return {
        c.resource: c.quantity
        for c in gp.charges
        if c.price_key.startswith(("ec2.instance-hour.", "rds.instance-hour."))
    }


def test_the_estimate_prices_a_vendor_schedule_by_its_own_crons() -> None:
    """What the rules call scheduled is priced for the hours between each start and
    the next stop; a stop without a start, or schedules naming another resource,
    leave the resource priced 24/7 (issue 13's leftover: every vendor schedule used
    to be priced 24/7)."""
    from gcmod.cost.vendorhours import this_month
    from gcmod.cronhours import Trigger, monthly_hours

    hours = _hours("vendor-scheduler", "staging")
    batch = monthly_hours(
        [Trigger("start", "cron(0 7 ? * MON-FRI *)", "Asia/Tokyo"),
         Trigger("stop", "cron(0 21 ? * MON-FRI *)", "Asia/Tokyo")], this_month(),
    )  # fmt: skip
    assert 280 < batch < 320  # 14 h on about 21.7 weekdays a month
    assert hours["batch"] == pytest.approx(batch)
    assert hours["kaigo-report"] == 730  # stopped every night, never started again
    assert hours["kaigo-archive"] == 730  # its schedules name "kaigo-archiv"


def test_ssm_runbooks_and_auto_scaling_recurrences_are_priced_by_their_hours() -> None:
    from gcmod.cost.vendorhours import this_month
    from gcmod.cronhours import Trigger, monthly_hours

    hours = _hours("vendor-ssm-asg", "test")
    utc = monthly_hours(
        [Trigger("stop", "cron(0 12 ? * MON-FRI *)"), Trigger("start", "cron(0 23 ? * SUN-THU *)")],
        this_month(),
    )
    assert hours["file-transfer"] == pytest.approx(utc)  # 08:00-21:00 JST on weekdays
    web = monthly_hours(
        [Trigger("stop", "0 20 * * 1-5", "Asia/Tokyo"),
         Trigger("start", "0 8 * * 1-5", "Asia/Tokyo")], this_month(),
    )  # fmt: skip
    assert hours["web"] == pytest.approx(web)  # one instance, 08:00-20:00 on weekdays
    assert web < utc < 730
    assert hours["alert-relay"] == 730  # exempted always-on


@pytest.mark.parametrize(
    ("program", "stack"), [("vendor-ssm-asg", "test"), ("vendor-scheduler", "staging")]
)
def test_a_vendors_own_schedules_are_known_free_not_unpriced(program: str, stack: str) -> None:
    """Scheduled EventBridge rules, their targets and Auto Scaling scheduled actions
    cost nothing by themselves: the estimate must not warn that it cannot price them."""
    from gcmod.cost.pricers import graph_charges
    from gcmod.cost.usage import Usage, program_basis

    gp = graph_charges(graph(program, stack), Usage().resolve(program_basis()))
    assert not set(gp.unpriced) & {
        "aws:autoscaling/schedule:Schedule",
        "aws:cloudwatch/eventRule:EventRule",
        "aws:cloudwatch/eventTarget:EventTarget",
        "aws:scheduler/schedule:Schedule",
    }, gp.unpriced
