"""Tests for gcmod.components.shutdown (ScheduledShutdown), offline under the mock runtime."""

from __future__ import annotations

import inspect
import json
from datetime import date, datetime, time, timedelta

import holidays
import pulumi
import pulumi_aws as aws
import pytest

from gcmod.components.shutdown import (
    AuroraClusterTarget,
    EcsServiceTarget,
    ScheduledShutdown,
    ScheduledShutdownArgs,
    plan_schedules,
    resolve_horizon_start,
    schedule_tag,
)
from gcmod.config import BusinessHoursConfig, ScheduleConfig
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.officecalendar import JST, parse_cron_days
from gcmod.synth import ACCOUNT_ID, SynthError, run_program

REGION = "ap-northeast-1"
NAME = "dev-shutdown"
TAGS = {"gcmod:system": "jumin-kihon-daicho", "gcmod:environment": "development"}
HORIZON_START = date(2026, 12, 1)
MONTHS = [(2026, 12)] + [(2027, m) for m in range(1, 12)]

APP = EcsServiceTarget("app", "core-cluster", "app-svc", min_tasks=1, max_tasks=4)
BATCH = EcsServiceTarget("batch", "core-cluster", "batch-svc", min_tasks=2, max_tasks=3)
DB_ARN = f"arn:aws:rds:{REGION}:{ACCOUNT_ID}:cluster:core-db"
DB = AuroraClusterTarget("db", "core-db", DB_ARN)

UNIVERSAL = "arn:aws:scheduler:::aws-sdk:"
SCALE = UNIVERSAL + "applicationautoscaling:registerScalableTarget"
DB_START = UNIVERSAL + "rds:startDBCluster"
DB_STOP = UNIVERSAL + "rds:stopDBCluster"

T_COMPONENT = "gcmod:schedule:ScheduledShutdown"
T_GROUP = "aws:scheduler/scheduleGroup:ScheduleGroup"
T_SCHEDULE = "aws:scheduler/schedule:Schedule"
T_QUEUE = "aws:sqs/queue:Queue"
T_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
T_ROLE = "aws:iam/role:Role"
T_POLICY = "aws:iam/rolePolicy:RolePolicy"

#: Every resource type the component may create, with its SDK args class: a new
#: type fails test_every_taggable_resource_is_tagged until it is listed here.
ARGS_CLASSES: dict[str, type] = {
    T_GROUP: aws.scheduler.ScheduleGroupArgs,
    T_SCHEDULE: aws.scheduler.ScheduleArgs,
    T_QUEUE: aws.sqs.QueueArgs,
    T_ALARM: aws.cloudwatch.MetricAlarmArgs,
    T_ROLE: aws.iam.RoleArgs,
    T_POLICY: aws.iam.RolePolicyArgs,
}

JP_HOLIDAYS = holidays.Japan(years=range(2026, 2028), language="ja")


def expected_office_days(year: int, month: int) -> list[int]:
    """Office days straight from the holidays library, independent of officecalendar."""
    days = []
    d = date(year, month, 1)
    while d.month == month:
        year_end = (d.month, d.day) >= (12, 29) or (d.month, d.day) <= (1, 3)
        if d.weekday() < 5 and d not in JP_HOLIDAYS and not year_end:
            days.append(d.day)
        d += timedelta(days=1)
    return days


def synth(**kw) -> tuple[ResourceGraph, ScheduledShutdown]:
    made: list[ScheduledShutdown] = []

    def program() -> None:
        made.append(ScheduledShutdown(NAME, ScheduledShutdownArgs(tags=TAGS, **kw)))

    graph = run_program(program, project="gcmod", stack="dev", region=REGION)
    return graph, made[0]


@pytest.fixture(scope="module")
def built() -> tuple[ResourceGraph, ScheduledShutdown]:
    return synth(
        ecs_services=[APP, BATCH],
        aurora_clusters=[DB],
        horizon_start=HORIZON_START,
    )


@pytest.fixture(scope="module")
def graph(built) -> ResourceGraph:
    return built[0]


@pytest.fixture(scope="module")
def component(built) -> ScheduledShutdown:
    return built[1]


def one(graph: ResourceGraph, type_: str) -> ResourceNode:
    nodes = graph.of_type(type_)
    assert len(nodes) == 1, [n.name for n in nodes]
    return nodes[0]


def schedule_input(node: ResourceNode) -> dict:
    return json.loads(node.get("target.input"))


def ecs_schedules(graph: ResourceGraph, target: EcsServiceTarget, kind: str) -> list[ResourceNode]:
    resource_id = f"service/{target.cluster_name}/{target.service_name}"
    found = []
    for node in graph.of_type(T_SCHEDULE):
        if node.get("target.arn") != SCALE:
            continue
        body = schedule_input(node)
        if body["ResourceId"] != resource_id:
            continue
        if (body["MaxCapacity"] > 0) == (kind == "start"):
            found.append(node)
    return found


def policy_statements(graph: ResourceGraph) -> list[dict]:
    return json.loads(one(graph, T_POLICY).inputs["policy"])["Statement"]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


# --------------------------------------------------------------------------- group


def test_schedule_group_is_named_after_component_and_tagged_with_horizon_end(graph, component):
    group = one(graph, T_GROUP)
    assert group.inputs["name"] == NAME == component.group_name
    assert group.tags["gcmod:schedule"] == NAME
    assert group.tags["gcmod:schedule-horizon-end"] == "2027-12-01"
    assert component.horizon_start == HORIZON_START
    assert component.horizon_end == date(2027, 12, 1)


def test_every_schedule_is_in_the_group_fixed_time_tokyo_enabled(graph):
    group = one(graph, T_GROUP)
    schedules = graph.of_type(T_SCHEDULE)
    assert schedules
    for node in schedules:
        assert node.inputs["groupName"] == NAME
        assert group.urn in node.property_dependencies["groupName"]
        assert node.inputs["scheduleExpressionTimezone"] == "Asia/Tokyo"
        assert node.get("flexibleTimeWindow.mode") == "OFF"
        assert node.inputs["state"] == "ENABLED"
        assert node.inputs["name"] == node.name
        assert node.name.startswith(f"{NAME}-") and len(node.name) <= 64
        assert node.parent == one(graph, T_COMPONENT).urn


# --------------------------------------------------------------------------- ECS


@pytest.mark.parametrize("target", [APP, BATCH], ids=lambda t: t.name)
@pytest.mark.parametrize(("kind", "at"), [("start", time(8, 0)), ("stop", time(18, 0))])
def test_one_ecs_schedule_per_month_listing_exactly_the_office_days(graph, target, kind, at):
    nodes = ecs_schedules(graph, target, kind)
    assert len(nodes) == 12
    seen = []
    for node in nodes:
        year, month, days, fires_at = parse_cron_days(node.inputs["scheduleExpression"])
        assert days == expected_office_days(year, month), node.name
        assert fires_at == at
        assert node.name == f"{NAME}-{target.name}-{kind}-{year:04d}{month:02d}"
        seen.append((year, month))
    assert sorted(seen) == MONTHS


def test_year_end_break_and_coming_of_age_day_are_closed(graph):
    by_month = {}
    for node in ecs_schedules(graph, APP, "start"):
        year, month, days, _ = parse_cron_days(node.inputs["scheduleExpression"])
        by_month[(year, month)] = days
    december, january = by_month[(2026, 12)], by_month[(2027, 1)]
    assert not {29, 30, 31} & set(december)
    assert 28 in december  # Monday 28 Dec 2026: last office day of the year
    assert not {1, 2, 3} & set(january)
    assert 11 not in january  # 成人の日, second Monday of January 2027
    assert {4, 12} <= set(january)  # first office day; the day after the holiday


@pytest.mark.parametrize("target", [APP, BATCH], ids=lambda t: t.name)
def test_start_restores_the_autoscaling_bounds_and_stop_sets_them_to_zero(graph, target):
    resource_id = f"service/{target.cluster_name}/{target.service_name}"
    for kind, bounds in (("start", (target.min_tasks, target.max_tasks)), ("stop", (0, 0))):
        for node in ecs_schedules(graph, target, kind):
            assert schedule_input(node) == {
                "ServiceNamespace": "ecs",
                "ScalableDimension": "ecs:service:DesiredCount",
                "ResourceId": resource_id,
                "MinCapacity": bounds[0],
                "MaxCapacity": bounds[1],
            }


def test_ecs_schedules_retry_and_use_the_dlq(graph):
    queue = one(graph, T_QUEUE)
    role = one(graph, T_ROLE)
    for kind in ("start", "stop"):
        for node in ecs_schedules(graph, APP, kind):
            assert node.get("target.retryPolicy.maximumRetryAttempts") == 185
            age = node.get("target.retryPolicy.maximumEventAgeInSeconds")
            # Retries end 15 minutes before the opposite event (stop at 18:00, start at 08:00).
            assert age == (10 * 3600 - 900 if kind == "start" else 14 * 3600 - 900)
            assert node.get("target.deadLetterConfig.arn") is not None
            assert queue.urn in node.property_dependencies["target"]
            assert role.urn in node.property_dependencies["target"]


# --------------------------------------------------------------------------- Aurora


def aurora(graph: ResourceGraph, arn: str) -> list[ResourceNode]:
    return [n for n in graph.of_type(T_SCHEDULE) if n.get("target.arn") == arn]


def test_aurora_starts_15_minutes_before_the_service_on_office_days(graph):
    nodes = aurora(graph, DB_START)
    assert len(nodes) == 12
    queue = one(graph, T_QUEUE)
    for node in nodes:
        year, month, days, at = parse_cron_days(node.inputs["scheduleExpression"])
        assert at == time(7, 45)
        assert days == expected_office_days(year, month)
        assert schedule_input(node) == {"DbClusterIdentifier": "core-db"}
        assert node.get("target.retryPolicy.maximumRetryAttempts") == 185
        assert node.get("target.retryPolicy.maximumEventAgeInSeconds") == 10.5 * 3600 - 900
        assert queue.urn in node.property_dependencies["target"]


def test_aurora_stops_every_day_at_1815_without_dlq(graph):
    (node,) = aurora(graph, DB_STOP)
    assert node.inputs["scheduleExpression"] == "cron(15 18 * * ? *)"
    assert node.inputs["scheduleExpressionTimezone"] == "Asia/Tokyo"
    assert schedule_input(node) == {"DbClusterIdentifier": "core-db"}
    # Stopping a stopped cluster fails on every closed day: that must not fire the alarm.
    assert node.get("target.deadLetterConfig") is None
    assert one(graph, T_QUEUE).urn not in node.property_dependencies["target"]


# --------------------------------------------------------------------------- DLQ + alarm


def test_dlq_is_encrypted_and_keeps_messages_14_days(graph, component):
    queue = one(graph, T_QUEUE)
    assert queue.inputs["sqsManagedSseEnabled"] is True
    assert queue.inputs["messageRetentionSeconds"] == 14 * 24 * 3600
    assert isinstance(component.dlq_arn, pulumi.Output)


def test_alarm_watches_the_dlq(graph, component):
    queue = one(graph, T_QUEUE)
    alarm = one(graph, T_ALARM)
    assert alarm.inputs["name"] == component.alarm_name
    assert alarm.inputs["namespace"] == "AWS/SQS"
    assert alarm.inputs["metricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarm.inputs["dimensions"] == {"QueueName": queue.inputs["name"]}
    assert alarm.inputs["comparisonOperator"] == "GreaterThanThreshold"
    assert alarm.inputs["threshold"] == 0
    assert alarm.inputs["period"] == 300
    assert alarm.inputs["evaluationPeriods"] == 1
    assert alarm.inputs["treatMissingData"] == "notBreaching"
    description = alarm.inputs["alarmDescription"]
    assert "失敗" in description and "failed" in description


# --------------------------------------------------------------------------- IAM


def test_role_trusts_only_scheduler_of_this_account_and_group(graph):
    trust = json.loads(one(graph, T_ROLE).inputs["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"]["StringEquals"] == {
        "aws:SourceAccount": ACCOUNT_ID,
        "aws:SourceArn": f"arn:aws:scheduler:{REGION}:{ACCOUNT_ID}:schedule-group/{NAME}",
    }


def test_policy_allows_only_the_listed_actions(graph):
    actions = {a for s in policy_statements(graph) for a in as_list(s["Action"])}
    assert actions == {
        "application-autoscaling:RegisterScalableTarget",
        "ecs:DescribeServices",
        "ecs:UpdateService",
        "rds:StartDBCluster",
        "rds:StopDBCluster",
        "sqs:SendMessage",
    }
    assert all(s["Effect"] == "Allow" for s in policy_statements(graph))


def test_policy_resources_are_scoped(graph):
    queue = one(graph, T_QUEUE)
    by_action = {}
    for statement in policy_statements(graph):
        assert "*" not in as_list(statement["Resource"])
        for action in as_list(statement["Action"]):
            by_action[action] = statement
    assert as_list(by_action["rds:StartDBCluster"]["Resource"]) == [DB_ARN]
    assert as_list(by_action["rds:StopDBCluster"]["Resource"]) == [DB_ARN]
    services = sorted(as_list(by_action["ecs:UpdateService"]["Resource"]))
    assert services == [
        f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:service/core-cluster/app-svc",
        f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:service/core-cluster/batch-svc",
    ]
    assert by_action["sqs:SendMessage"]["Resource"] == (
        f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{queue.inputs['name']}"
    )
    register = by_action["application-autoscaling:RegisterScalableTarget"]
    assert register["Condition"]["StringEquals"] == {
        "application-autoscaling:service-namespace": "ecs",
        "application-autoscaling:scalable-dimension": "ecs:service:DesiredCount",
    }


def test_aurora_only_policy_has_no_autoscaling_or_ecs_actions():
    graph, _ = synth(aurora_clusters=[DB], horizon_start=HORIZON_START)
    actions = {a for s in policy_statements(graph) for a in as_list(s["Action"])}
    assert actions == {"rds:StartDBCluster", "rds:StopDBCluster", "sqs:SendMessage"}
    assert not aurora(graph, SCALE)
    assert len(graph.of_type(T_SCHEDULE)) == 13


# --------------------------------------------------------------------------- tags, attributes


def test_every_taggable_resource_is_tagged(graph):
    customs = graph.custom_resources
    assert {n.type for n in customs} <= set(ARGS_CLASSES)
    checked = 0
    for node in customs:
        if "tags" in inspect.signature(ARGS_CLASSES[node.type].__init__).parameters:
            assert TAGS.items() <= node.tags.items(), node.name
            checked += 1
        else:
            assert node.type in {T_SCHEDULE, T_POLICY}
    assert checked == 4  # group, queue, alarm, role


def test_schedule_tag_is_known_before_the_component(graph, component):
    assert schedule_tag(NAME) == {"gcmod:schedule": NAME} == component.schedule_tag
    assert component.schedule_tag.items() <= one(graph, T_GROUP).tags.items()


def test_schedule_count_and_running_calendar_match_the_graph(graph, component):
    schedules = graph.of_type(T_SCHEDULE)
    assert component.schedule_count == len(schedules) == 2 * 24 + 12 + 1
    expressions = {n.name: n.inputs["scheduleExpression"] for n in schedules}
    calendar = component.running_calendar
    assert len(calendar) == 60
    for target, kind, cron in calendar:
        name = f"{NAME}-{target}-{kind}-{cron.year:04d}{cron.month:02d}"
        assert expressions[name] == cron.expression
    assert [tuple(d) for d in component.daily_schedules] == [("db", "stop", "cron(15 18 * * ? *)")]


# --------------------------------------------------------------------------- options, errors


def test_business_hours_and_horizon_come_from_schedule_config():
    schedule = ScheduleConfig(
        business_hours=BusinessHoursConfig(start="09:00", end="17:30"),
        horizon_months=3,
        horizon_start=date(2027, 4, 15),
    )
    plan = plan_schedules(NAME, ScheduledShutdownArgs(schedule=schedule, aurora_clusters=[DB]))
    assert (plan.horizon_start, plan.horizon_end) == (date(2027, 4, 1), date(2027, 7, 1))
    starts = [s for s in plan.schedules if s.kind == "start"]
    assert [(s.cron.year, s.cron.month) for s in starts] == [(2027, 4), (2027, 5), (2027, 6)]
    assert {s.at for s in starts} == {time(8, 45)}
    (stop,) = (s for s in plan.schedules if s.kind == "stop")
    assert stop.expression == "cron(45 17 * * ? *)"
    # Golden Week: 29 Apr (昭和の日), 3-5 May are closed.
    assert 29 not in starts[0].cron.days and not {3, 4, 5} & set(starts[1].cron.days)


def test_default_horizon_starts_in_the_current_month_in_jst():
    args = ScheduledShutdownArgs(ecs_services=[APP])
    assert resolve_horizon_start(args, today=date(2027, 2, 17)) == date(2027, 2, 1)
    before = datetime.now(JST).date().replace(day=1)
    got = resolve_horizon_start(args)
    after = datetime.now(JST).date().replace(day=1)
    assert got in {before, after}


def test_no_targets_is_an_error():
    with pytest.raises(ValueError, match="at least one"):
        ScheduledShutdownArgs()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (
            lambda: ScheduledShutdownArgs(
                ecs_services=[APP], aurora_clusters=[AuroraClusterTarget("app", "core-db", DB_ARN)]
            ),
            "unique",
        ),
        (lambda: EcsServiceTarget("app", "c", "s", min_tasks=0, max_tasks=2), "at least 1"),
        (lambda: EcsServiceTarget("app", "c", "s", min_tasks=3, max_tasks=2), "less than"),
        (lambda: EcsServiceTarget("app/x", "c", "s", min_tasks=1, max_tasks=2), "letters"),
        (lambda: AuroraClusterTarget("db", "other-db", DB_ARN), "names cluster"),
        (lambda: AuroraClusterTarget("db", "core-db", "core-db"), "cluster ARN"),
        (
            lambda: ScheduledShutdownArgs(
                schedule=ScheduleConfig(enabled=False), ecs_services=[APP]
            ),
            "enabled is false",
        ),
        (
            lambda: ScheduledShutdownArgs(
                schedule=ScheduleConfig(horizon_start=date(2027, 1, 1)),
                horizon_start=date(2026, 12, 1),
                ecs_services=[APP],
            ),
            "conflicts",
        ),
    ],
    ids=[
        "duplicate",
        "min0",
        "max<min",
        "badname",
        "arn-mismatch",
        "not-arn",
        "disabled",
        "horizon-conflict",
    ],
)
def test_conflicting_or_invalid_args_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_schedule_names_longer_than_64_characters_are_refused():
    name = "x" * 40
    long_target = EcsServiceTarget("t" * 12, "c", "s", min_tasks=1, max_tasks=1)
    with pytest.raises(ValueError, match="64"):
        plan_schedules(name, ScheduledShutdownArgs(ecs_services=[long_target]))
    short_target = EcsServiceTarget("t" * 10, "c", "s", min_tasks=1, max_tasks=1)
    assert plan_schedules(name, ScheduledShutdownArgs(ecs_services=[short_target])).schedules


def test_component_refuses_a_too_long_name_before_registering_anything():
    def program() -> None:
        ScheduledShutdown("y" * 50, ScheduledShutdownArgs(ecs_services=[APP]))

    with pytest.raises(SynthError, match=r"ValueError.*64"):
        run_program(program, project="gcmod", stack="dev", region=REGION)


def test_aurora_lead_cannot_cross_midnight():
    schedule = ScheduleConfig(business_hours=BusinessHoursConfig(start="00:10", end="12:00"))
    with pytest.raises(ValueError, match="before 00:00"):
        plan_schedules(NAME, ScheduledShutdownArgs(schedule=schedule, aurora_clusters=[DB]))
    # Without a database the 15-minute lead does not apply.
    assert plan_schedules(NAME, ScheduledShutdownArgs(schedule=schedule, ecs_services=[APP]))
