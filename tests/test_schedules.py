"""Schedules recognised by what they stop and start (policies/schedules.py), through
GCM-SCHED-001 on the engine path: vendor-written schedules, not only gcmod's tag."""

from __future__ import annotations

import json

import pytest
from ruletest import node

from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies.harness import CheckReport, check_graph
from gcmod.policies.model import get_rule
from gcmod.policies.report import table, to_json
from gcmod.policies.schedules import reason_ok

EC2 = "aws:ec2/instance:Instance"
ECS = "aws:ecs/service:Service"
RDS = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
ASG = "aws:autoscaling/group:Group"
SCHEDULE = "aws:scheduler/schedule:Schedule"
AAS_ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction"
ASG_SCHEDULE = "aws:autoscaling/schedule:Schedule"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
DEV = {"Environment": "dev", "System": "juki"}


def run(*nodes: ResourceNode, config: dict | None = None) -> CheckReport:
    g = ResourceGraph("p", "main", "ap-northeast-1", tuple(nodes))
    return check_graph(g, config, rules=[get_rule("GCM-SCHED-001")])


def flagged(report: CheckReport) -> dict[str, str]:
    return {v.resource_name: v.message.en for v in report.violations if v.mandatory}


def universal(name, action, body, deps=(), state="ENABLED") -> ResourceNode:
    target = {
        "arn": f"arn:aws:scheduler:::aws-sdk:{action}",
        "roleArn": "arn:aws:iam::123456789012:role/scheduler",
        "input": body if body is UNKNOWN else json.dumps(body),
    }
    inputs = {"scheduleExpression": "cron(0 20 ? * MON-FRI *)", "target": target, "state": state}
    return node(SCHEDULE, name, inputs, deps)


def aurora(name="jumin-db") -> ResourceNode:
    return node(CLUSTER, name, {"clusterIdentifier": name, "tags": DEV})


def test_scheduler_stop_and_start_of_the_cluster_by_identifier() -> None:
    db = aurora()
    stop = universal("db-stop", "rds:stopDBCluster", {"DbClusterIdentifier": "jumin-db"})
    start = universal("db-start", "rds:startDBCluster", {"DbClusterIdentifier": "jumin-db"})
    assert flagged(run(db, stop, start)) == {}


def test_a_stop_without_a_start_does_not_count() -> None:
    db = aurora()
    stop = universal("db-stop", "rds:stopDBCluster", {"DbClusterIdentifier": "jumin-db"})
    msg = flagged(run(db, stop))["jumin-db"]
    assert "db-stop (EventBridge Scheduler aws-sdk:rds:stopDBCluster) stops it but nothing" in msg


def test_a_schedule_naming_another_resource_does_not_count() -> None:
    db, other = aurora(), aurora("other-db")
    body = {"DbClusterIdentifier": "other-db"}
    nodes = (db, other, universal("s1", "rds:stopDBCluster", body))
    nodes += (universal("s2", "rds:startDBCluster", body),)
    assert set(flagged(run(*nodes))) == {"jumin-db"}


def test_disabled_schedules_do_not_count() -> None:
    db = aurora()
    body = {"DbClusterIdentifier": "jumin-db"}
    nodes = (db, universal("a", "rds:stopDBCluster", body, state="DISABLED"))
    nodes += (universal("b", "rds:startDBCluster", body),)
    assert "jumin-db" in flagged(run(*nodes))


def test_unknown_input_counts_through_the_dependency() -> None:
    """``input=db.id.apply(json.dumps(...))``: unknown before deployment, linked by dependency."""
    db = node(CLUSTER, "db", {"tags": DEV})
    stop = universal("db-stop", "rds:stopDBCluster", UNKNOWN, deps=(db,))
    start = universal("db-start", "rds:startDBCluster", UNKNOWN, deps=(db,))
    assert flagged(run(db, stop, start)) == {}
    assert "db" in flagged(run(db, stop, universal("x", "rds:startDBCluster", UNKNOWN)))


def test_ecs_update_service_to_zero_and_back() -> None:
    svc = node(ECS, "app", {"name": "jumin-app", "tags": DEV})
    down = universal("night", "ecs:updateService", {"Service": "jumin-app", "DesiredCount": 0})
    up = universal("morning", "ecs:updateService", {"Service": "jumin-app", "DesiredCount": 2})
    assert flagged(run(svc, down, up)) == {}
    assert "app" in flagged(run(svc, down))


def test_ecs_scalable_target_bounds_by_scheduler_and_scheduled_actions() -> None:
    svc = node(ECS, "app", {"name": "jumin-app", "tags": DEV})
    rid = "service/jumin/jumin-app"
    down = universal(
        "n", "applicationautoscaling:registerScalableTarget",
        {"ResourceId": rid, "MinCapacity": 0, "MaxCapacity": 0},
    )  # fmt: skip
    up = universal(
        "m", "applicationautoscaling:registerScalableTarget",
        {"ResourceId": rid, "MinCapacity": 1, "MaxCapacity": 4},
    )  # fmt: skip
    assert flagged(run(svc, down, up)) == {}

    def action(name: str, lo: int, hi: int) -> ResourceNode:
        return node(AAS_ACTION, name, {
            "resourceId": rid, "scalableDimension": "ecs:service:DesiredCount",
            "schedule": "cron(0 20 ? * MON-FRI *)",
            "scalableTargetAction": {"minCapacity": lo, "maxCapacity": hi},
        })  # fmt: skip

    assert flagged(run(svc, action("off", 0, 0), action("on", 1, 4))) == {}
    assert "app" in flagged(run(svc, action("off", 0, 0)))


def test_asg_scheduled_actions() -> None:
    asg = node(ASG, "web", {"name": "web-asg", "tags": {"Env": "stg"}})
    off = node(
        ASG_SCHEDULE,
        "off",
        {
            "autoscalingGroupName": "web-asg",
            "desiredCapacity": 0,
            "minSize": 0,
            "maxSize": 0,
            "recurrence": "0 20 * * 1-5",
        },
    )
    on = node(
        ASG_SCHEDULE,
        "on",
        {
            "autoscalingGroupName": "web-asg",
            "desiredCapacity": 2,
            "minSize": 1,
            "maxSize": 2,
            "recurrence": "0 8 * * 1-5",
        },
    )
    assert flagged(run(asg, off, on)) == {}
    assert "web" in flagged(run(asg, on))


def test_eventbridge_rules_running_ssm_stop_and_start() -> None:
    vm = node(EC2, "batch", {"tags": DEV})
    nodes = [vm]
    for doc, cron in (
        ("AWS-StopEC2Instance", "cron(0 11 ? * MON-FRI *)"),
        ("AWS-StartEC2Instance", "cron(0 23 ? * SUN-THU *)"),
    ):
        rule = node(EVENT_RULE, f"{doc}-rule", {"name": doc.lower(), "scheduleExpression": cron})
        arn = f"arn:aws:ssm:ap-northeast-1:123456789012:automation-definition/{doc}:$DEFAULT"
        nodes.append(rule)
        nodes.append(
            node(
                EVENT_TARGET,
                f"{doc}-target",
                {"rule": doc.lower(), "arn": arn, "input": UNKNOWN},
                (vm,),
            )
        )
    assert flagged(run(*nodes)) == {}
    assert "batch" in flagged(run(*nodes[:3]))  # the stop only


def test_instance_scheduler_tag() -> None:
    vm = node(EC2, "vm", {"tags": {**DEV, "Schedule": "office-hours"}})
    assert flagged(run(vm)) == {}
    svc = node(ECS, "svc", {"tags": {**DEV, "Schedule": "office-hours"}})  # not supported
    assert "svc" in flagged(run(svc))
    cfg = {"gcm-sched-001": {"instanceSchedulerTagKey": ""}}
    assert "vm" in flagged(run(vm, config=cfg))


@pytest.mark.parametrize(
    ("reason", "ok"),
    [("x", False), ("true", False), ("24/7", False), ("vendor demo", False),
     ("nightly data feed", True), ("夜間バッチ連携のため", True), ("常時", False)],
)  # fmt: skip
def test_always_on_needs_a_reason_in_words(reason: str, ok: bool) -> None:
    assert reason_ok(reason) is ok


def test_always_on_reason_is_shown_in_the_report() -> None:
    lazy = node(EC2, "lazy", {"tags": {**DEV, "gcmod:always-on": "x"}})
    feed = node(EC2, "feed", {"tags": {**DEV, "gcmod:always-on": "receives the nightly feed"}})
    report = run(lazy, feed)
    assert "gives no reason in words ('x')" in flagged(report)["lazy"]
    assert [(a.name, a.reason) for a in report.always_on] == [("feed", "receives the nightly feed")]
    assert "  - aws:ec2:Instance feed: receives the nightly feed" in table(report)
    assert "常時稼働リソース" in table(report, "ja")
    assert to_json(report)["alwaysOn"][0]["reason"] == "receives the nightly feed"
