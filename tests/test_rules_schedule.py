"""Operating-hours rules (GCM-SCHED-001/002) through the real engine path."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from ruletest import node

import gcmod.policies.rules.schedule as schedule
from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.model import get_rule

RULES = [get_rule("GCM-SCHED-001"), get_rule("GCM-SCHED-002")]
TODAY = "2026-11-27"

EC2 = "aws:ec2/instance:Instance"
ECS_SERVICE = "aws:ecs/service:Service"
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"


def run(rule_id: str, *nodes: ResourceNode, config: dict | None = None) -> CheckReport:
    g = ResourceGraph("gcmod", "t", "ap-northeast-1", tuple(nodes))
    return check_graph(g, config, rules=[get_rule(rule_id)])


def tags(env: str, **extra: str) -> dict[str, str]:
    return {"gcmod:environment": env, **{k.replace("_", ":"): v for k, v in extra.items()}}


def group(name: str = "stg-shutdown", horizon_end: str | None = "2027-11-01") -> ResourceNode:
    t = {schedule.TAG_HORIZON_END: horizon_end} if horizon_end else {}
    return node(schedule.SCHEDULE_GROUP, f"{name}-group", {"name": name, "tags": t})


def sched(
    name: str, group_name: Any = "stg-shutdown", state: str = "ENABLED", deps=(), action=None
) -> ResourceNode:
    """A schedule; with ``action`` (``rds:stopDBCluster``), a universal target whose
    input is known only after deployment (as gcmod's component writes it)."""
    inputs: dict[str, Any] = {"scheduleExpression": "cron(30 8 1,2 12 ? 2026)", "state": state}
    if group_name is not None:
        inputs["groupName"] = group_name
    if action is not None:
        inputs["target"] = {"arn": f"arn:aws:scheduler:::aws-sdk:{action}", "input": UNKNOWN}
    return node(schedule.SCHEDULE, name, inputs, deps)


_ACTIONS = {
    ECS_SERVICE: ("applicationautoscaling:registerScalableTarget",) * 2,
    RDS_CLUSTER: ("rds:stopDBCluster", "rds:startDBCluster"),
    RDS_INSTANCE: ("rds:stopDBInstance", "rds:startDBInstance"),
    EC2: ("ec2:stopInstances", "ec2:startInstances"),
}


def stop_start(res: ResourceNode, group_name: Any = "stg-shutdown", deps=()) -> list[ResourceNode]:
    """The stop and start schedules gcmod's ScheduledShutdown writes for ``res``
    (issue 13: a schedule counts only when it stops or starts the resource)."""
    stop, start = _ACTIONS[res.type]
    return [
        sched(f"{res.name}-stop-202612", group_name, deps=(res, *deps), action=stop),
        sched(f"{res.name}-start-202612", group_name, deps=(res, *deps), action=start),
    ]


def scheduled(type_: str, name: str, env: str = "staging", group_name: str = "stg-shutdown"):
    return node(type_, name, {"tags": {**tags(env), schedule.TAG_SCHEDULE: group_name}})


# --------------------------------------------------------------------------- GCM-SCHED-001
def test_sched001_passes_scheduled_non_production_and_production() -> None:
    g = group()
    svc = scheduled(ECS_SERVICE, "stg-app-service")
    db = scheduled(RDS_CLUSTER, "stg-db-cluster")
    report = run(
        "GCM-SCHED-001",
        g,
        *stop_start(svc),
        *stop_start(db),
        svc,
        db,
        node(EC2, "prod-vm", {"tags": tags("production")}),
        node(RDS_INSTANCE, "prod-db", {"tags": tags("prod")}),
        node(EC2, "vendor-tagged-production", {"tags": {"ENVIRONMENT": "Production"}}),
        node(
            EC2,
            "always-on",
            {"tags": {**tags("development"), "gcmod:always-on": "nightly data feed"}},
        ),
    )
    assert report.by_rule("GCM-SCHED-001") == []


def test_sched001_matches_group_by_logical_name_and_dependency() -> None:
    g = node(schedule.SCHEDULE_GROUP, "dev-shutdown", {})  # auto-named: match the logical name
    svc = scheduled(ECS_SERVICE, "dev-app", env="development", group_name="dev-shutdown")
    # groupName unknown: the dependency on the group links the schedules to it
    s = stop_start(svc, group_name=UNKNOWN, deps=(g,))
    assert run("GCM-SCHED-001", g, *s, svc).violations == []


def test_sched001_default_group() -> None:
    vm = scheduled(EC2, "vm", group_name="default")
    s = stop_start(vm, group_name=None)
    assert run("GCM-SCHED-001", *s, vm).violations == []


def test_sched001_group_schedules_must_stop_and_start_this_resource() -> None:
    """Issue 13: an enabled schedule in the named group no longer satisfies the rule
    whatever it targets; it must stop and start the tagged resource."""
    g = group()
    other = scheduled(RDS_CLUSTER, "other-db")
    db = scheduled(RDS_CLUSTER, "stg-db")
    report = run("GCM-SCHED-001", g, *stop_start(other), other, db)
    [v] = report.by_rule("GCM-SCHED-001")
    assert v.resource_name == "stg-db"
    assert "'stg-shutdown' has no enabled schedules that both stop and start it" in v.message.en
    assert "停止・起動する有効なスケジュール" in v.message.ja
    # a stop alone in the group does not count either
    half = stop_start(db)[:1]
    [v] = run("GCM-SCHED-001", g, *half, db).by_rule("GCM-SCHED-001")
    assert v.resource_name == "stg-db"


def test_sched001_flags_non_production_running_24_7() -> None:
    empty = group("empty-shutdown")
    off = group("off-shutdown")
    report = run(
        "GCM-SCHED-001",
        empty,
        off,
        sched("off-start", group_name="off-shutdown", state="DISABLED"),
        node(EC2, "dev-vm", {"tags": tags("development")}),
        scheduled(ECS_SERVICE, "lost-service", group_name="no-such-group"),
        scheduled(RDS_INSTANCE, "stg-db", group_name="empty-shutdown"),
        scheduled(RDS_CLUSTER, "stg-cluster", group_name="off-shutdown"),
        node(EC2, "lazy-exempt", {"tags": {**tags("staging"), "gcmod:always-on": " "}}),
    )
    vs = report.by_rule("GCM-SCHED-001")
    assert all(v.mandatory for v in vs)
    by = {v.resource_name: v.message for v in vs}
    assert sorted(by) == ["dev-vm", "lazy-exempt", "lost-service", "stg-cluster", "stg-db"]
    assert "EC2 instance dev-vm (development) runs 24/7" in by["dev-vm"].en
    assert "no gcmod:schedule tag" in by["dev-vm"].en and "24/365" in by["dev-vm"].en
    assert "24時間365日" in by["dev-vm"].ja and "開発環境" in by["dev-vm"].ja
    assert "'no-such-group', which is not in this stack" in by["lost-service"].en
    assert "'empty-shutdown' has no enabled schedule" in by["stg-db"].en
    assert "'off-shutdown' has no enabled schedule" in by["stg-cluster"].en
    assert "gives no reason" in by["lazy-exempt"].en and "理由" in by["lazy-exempt"].ja


def test_sched001_settings_through_pack_config() -> None:
    vm = node(EC2, "vm", {"tags": {**tags("staging"), "keep-running": "vendor demo until 2026-12"}})
    assert len(run("GCM-SCHED-001", vm).violations) == 1
    cfg = {"gcm-sched-001": {"exemptTagKey": "keep-running"}}
    assert run("GCM-SCHED-001", vm, config=cfg).violations == []
    # resources without environment evidence take defaultEnvironment; with none
    # (issue 13: unknown) the rule judges them as non-production, its stricter case
    bare = node(EC2, "bare", {})
    cfg = {"gcm-sched-001": {"defaultEnvironment": "production"}}
    assert run("GCM-SCHED-001", bare, config=cfg).violations == []
    cfg = {"gcm-sched-001": {"defaultEnvironment": "development"}}
    [v] = run("GCM-SCHED-001", bare, config=cfg).violations
    assert v.resource_name == "bare" and "runs 24/7" in v.message.en
    [v] = run("GCM-SCHED-001", bare).violations
    assert v.environment == "unknown" and "judged as development" in v.environment_from.en


def test_sched001_unknown_tags_defer_but_keep_other_findings() -> None:
    report = run(
        "GCM-SCHED-001",
        node(EC2, "mystery", {"tags": UNKNOWN}),
        node(EC2, "dev-vm", {"tags": tags("development")}),
    )
    vs = report.by_rule("GCM-SCHED-001")
    assert [v.resource_name for v in vs if v.mandatory] == ["dev-vm"]
    [unknown] = [v for v in vs if v.unknown]
    assert unknown.enforcement == "advisory" and "can't run" in unknown.message.en


# --------------------------------------------------------------------------- GCM-SCHED-002
def _horizon(rule_cfg: dict | None = None, *nodes: ResourceNode) -> CheckReport:
    cfg = {"gcm-sched-002": {"today": TODAY, **(rule_cfg or {})}}
    return run("GCM-SCHED-002", *nodes, config=cfg)


def test_sched002_passes_far_horizon_and_unused_group() -> None:
    report = _horizon(
        None,
        group("a", "2027-11-01"),
        sched("a-start", "a"),
        group("b", "2026-12-27"),  # exactly 30 days left
        node(schedule.SCHEDULE_GROUP, "unused", {"name": "unused"}),
    )
    assert report.by_rule("GCM-SCHED-002") == []


def test_sched002_flags_near_expired_and_untagged_horizons() -> None:
    report = _horizon(
        None,
        group("soon", "2026-12-07"),
        group("gone", "2026-11-20"),
        group("today", TODAY),
        group("notag", None),
        sched("notag-start", "notag"),
        group("garbled", "next spring"),
    )
    vs = report.by_rule("GCM-SCHED-002")
    assert all(v.enforcement == "advisory" and not v.unknown for v in vs)
    assert report.mandatory == []
    by = {v.resource_name: v.message for v in vs}
    assert sorted(by) == ["garbled-group", "gone-group", "notag-group", "soon-group", "today-group"]
    assert "10 days left until the horizon ends on 2026-12-07 (minimum 30)" in by["soon-group"].en
    assert "残り10日" in by["soon-group"].ja
    assert "ended on 2026-11-20 (0 days left as of 2026-11-27)" in by["gone-group"].en
    assert "残り0日" in by["gone-group"].ja and "再デプロイ" in by["gone-group"].ja
    assert "ended on 2026-11-27 (0 days left" in by["today-group"].en
    assert "no gcmod:schedule-horizon-end tag: cannot tell" in by["notag-group"].en
    assert "'next spring' is not an ISO date" in by["garbled-group"].en


def test_sched002_min_days_from_pack_config() -> None:
    nodes = (group("soon", "2026-12-07"),)
    assert len(_horizon(None, *nodes).violations) == 1
    assert _horizon({"minDaysLeft": 7}, *nodes).violations == []
    assert len(_horizon({"minDaysLeft": 60}, group("b", "2027-01-01")).violations) == 1


def test_sched002_default_today_is_tokyo_date() -> None:
    tokyo_today = datetime.now(schedule.JST).date()
    far = group("far", (tokyo_today + timedelta(days=400)).isoformat())
    near = group("near", (tokyo_today + timedelta(days=5)).isoformat())
    report = run("GCM-SCHED-002", far, near)
    [v] = report.by_rule("GCM-SCHED-002")
    assert v.resource_name == "near-group" and "5 days left" in v.message.en


def test_sched002_bad_today_setting_is_reported_not_crashing() -> None:
    [v] = _horizon({"today": "27/11/2026"}, group("a")).violations
    assert "setting today '27/11/2026' is not an ISO date" in v.message.en


def test_sched002_unknown_horizon_is_cant_run_advisory() -> None:
    g = node(schedule.SCHEDULE_GROUP, "g", {"tags": {schedule.TAG_HORIZON_END: UNKNOWN}})
    vs = _horizon(None, g, group("soon", "2026-12-01")).by_rule("GCM-SCHED-002")
    assert [v.resource_name for v in vs if not v.unknown] == ["soon-group"]
    [unknown] = [v for v in vs if v.unknown]
    assert not unknown.mandatory and "can't run" in unknown.message.en


def test_rule_metadata() -> None:
    one, two = RULES
    assert (one.enforcement, one.severity, one.scope) == ("mandatory", "high", "stack")
    assert (two.enforcement, two.severity, two.scope) == ("advisory", "medium", "stack")
    assert one.lever == two.lever == "operating-hours"
    assert "24/365" in one.rationale.en or "24 h / 365" in one.rationale.en
    assert date.fromisoformat(TODAY)


# --------------------------------------------------------------------------- samples
