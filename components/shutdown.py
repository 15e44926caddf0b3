"""Scheduled shutdown of non-production outside municipal business hours (稼働時間の最適化).

The Digital Agency's cost-optimisation guide (lever 2, operating hours) asks that
non-production does not run 24/365: it stops at night, on weekends, on national
holidays and over the year-end break (29 Dec – 3 Jan), and starts are retried
because a capacity error can stop a start. :class:`ScheduledShutdown` does this
with Amazon EventBridge Scheduler only: no servers, no Lambda functions.

How it works
------------
* **Holiday-aware calendar.** Cron cannot skip holidays, so each month of the
  horizon gets its own schedule whose cron lists exactly that month's office
  days (:func:`gcmod.officecalendar.monthly_cron_expressions`), evaluated in
  ``Asia/Tokyo``. The cron names its year, so a schedule fires only in its
  month. The schedules cover ``schedule.horizonMonths`` months; re-run
  ``pulumi up`` before ``gcmod:schedule-horizon-end`` (tag on the schedule
  group) to roll the horizon forward. After the horizon ends nothing starts,
  so the failure mode of a stale deployment is "stays stopped", never "runs
  24/365".
* **ECS services** are started and stopped by moving their Application Auto
  Scaling bounds (universal target
  ``aws-sdk:applicationautoscaling:registerScalableTarget``): start sets
  ``MinCapacity/MaxCapacity`` to the service's normal bounds, stop sets both to
  0. Setting ``desiredCount`` alone would be undone by the autoscaling minimum;
  moving the bounds means target tracking cannot fight the schedule.
  RegisterScalableTarget on an existing target only changes the parameters
  given, and moves the current capacity into the new range.
* **Aurora clusters** start 15 minutes before the service (a cluster takes
  minutes to start) on office days, and stop **every day** 15 minutes after the
  service: AWS automatically starts a cluster that has been stopped for seven
  days, and the year-end break plus a weekend can be longer than that
  (e.g. Sat 27 Dec – Sun 4 Jan is nine days). Stopping a cluster that is already
  stopped fails with ``InvalidDBClusterStateFault``, which is expected on every
  closed day, so the Aurora stop has no dead-letter queue.
* **Failures.** Starts (and ECS stops) retry with exponential backoff
  (EventBridge Scheduler limits: 0–185 attempts, 60–86,400 s event age) and then
  go to an SSE-encrypted SQS dead-letter queue; a CloudWatch alarm fires when
  the queue holds a message. Retries end 15 minutes before the opposite event
  (a start is not retried after its stop time, nor a stop after the next start).

Things the caller must do
-------------------------
* Put :func:`schedule_tag` on the ECS service, its scalable target and the
  Aurora cluster, so audits can see which resources the schedule manages.
* Register the ECS service as an Application Auto Scaling scalable target
  (the service component does this; that also creates the service-linked role
  ``AWSServiceRoleForApplicationAutoScaling_ECSService``, so the scheduler's
  role needs no ``iam:CreateServiceLinkedRole``) and have the scalable target
  ignore changes to ``minCapacity``/``maxCapacity`` so that ``pulumi up
  --refresh`` at night does not start the service.
* Keep scheduled scaling for peaks within office hours; a peak action fired on
  a closed day would raise the bounds the stop schedule set to 0.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal, NamedTuple

import pulumi
import pulumi_aws as aws

from gcmod.components.environment import resolve_environment
from gcmod.components.providers import invoke_options
from gcmod.components.tags import TAG_HORIZON_END, TAG_SCHEDULE, component_tags
from gcmod.config import ScheduleConfig
from gcmod.officecalendar import (
    JST,
    BusinessHours,
    MonthlyCron,
    daily_cron,
    horizon,
    monthly_cron_expressions,
)

__all__ = [
    "AURORA_LEAD",
    "AURORA_START_TARGET",
    "AURORA_STOP_TARGET",
    "ECS_SCALE_TARGET",
    "TAG_HORIZON_END",
    "TAG_SCHEDULE",
    "AuroraClusterTarget",
    "CalendarEntry",
    "DailySchedule",
    "EcsServiceTarget",
    "PlannedSchedule",
    "RetrySettings",
    "ScheduledShutdown",
    "ScheduledShutdownArgs",
    "ShutdownPlan",
    "plan_schedules",
    "resolve_horizon_start",
    "schedule_tag",
]

TIMEZONE = "Asia/Tokyo"

#: EventBridge Scheduler universal targets (``arn:aws:scheduler:::aws-sdk:<service>:<action>``).
ECS_SCALE_TARGET = "aws-sdk:applicationautoscaling:registerScalableTarget"
AURORA_START_TARGET = "aws-sdk:rds:startDBCluster"
AURORA_STOP_TARGET = "aws-sdk:rds:stopDBCluster"

#: The database starts this long before, and stops this long after, the services.
AURORA_LEAD = timedelta(minutes=15)

#: Retries end this long before the opposite event of the same target.
RETRY_MARGIN = timedelta(minutes=15)
#: EventBridge Scheduler RetryPolicy limits (API reference, RetryPolicy).
MAX_RETRY_ATTEMPTS = 185
MIN_EVENT_AGE_SECONDS = 60
MAX_EVENT_AGE_SECONDS = 86_400
#: Retry window of the daily Aurora stop: long enough for a cluster that AWS
#: auto-started (state ``starting``) to become ``available`` and stoppable.
AURORA_STOP_EVENT_AGE_SECONDS = 3_600

DLQ_RETENTION_SECONDS = 14 * 24 * 3600  # SQS maximum
ALARM_PERIOD_SECONDS = 300

#: Schedule, schedule group names: 1-64 of [0-9a-zA-Z-_.] (EventBridge Scheduler API).
MAX_NAME_LENGTH = 64
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

ECS_SCALABLE_DIMENSION = "ecs:service:DesiredCount"

ResourceKind = Literal["ecs", "aurora"]
EventKind = Literal["start", "stop"]


def _check_name(what: str, value: str, max_length: int = MAX_NAME_LENGTH) -> None:
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise ValueError(
            f"{what} {value!r} must start with a letter or digit and contain only letters, "
            "digits, '-' and '_' / 英数字・ハイフン・アンダースコアのみ使用できます"
        )
    if len(value) > max_length:
        raise ValueError(f"{what} {value!r} is longer than {max_length} characters")


def _check_plain_str(what: str, value: pulumi.Input[str]) -> None:
    if isinstance(value, str) and not value.strip():
        raise ValueError(f"{what} must not be empty")


def schedule_tag(name: str) -> dict[str, str]:
    """Tag to put on every resource a :class:`ScheduledShutdown` named ``name`` starts
    and stops (ECS service, its scalable target, Aurora cluster). Call it before
    creating those resources; the schedule group is named ``name``."""
    _check_name("ScheduledShutdown name", name)
    return {TAG_SCHEDULE: name}


# --------------------------------------------------------------------------- args


@dataclass(frozen=True)
class EcsServiceTarget:
    """An ECS service started and stopped by moving its autoscaling bounds."""

    name: str
    """Short id used in schedule names, unique within the component. Required."""
    cluster_name: pulumi.Input[str]
    """ECS cluster name (not ARN). Required."""
    service_name: pulumi.Input[str]
    """ECS service name. Required."""
    min_tasks: int
    """Autoscaling minimum restored at start; at least 1 (a start to 0 starts nothing).
    Required."""
    max_tasks: int
    """Autoscaling maximum restored at start; not below ``min_tasks``. Required."""

    def __post_init__(self) -> None:
        _check_name("EcsServiceTarget.name", self.name)
        _check_plain_str("EcsServiceTarget.cluster_name", self.cluster_name)
        _check_plain_str("EcsServiceTarget.service_name", self.service_name)
        for attr in ("min_tasks", "max_tasks"):
            value = getattr(self, attr)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"EcsServiceTarget.{attr} must be an int, got {value!r}")
        if self.min_tasks < 1:
            raise ValueError(
                f"EcsServiceTarget {self.name!r}: min_tasks must be at least 1, got "
                f"{self.min_tasks}; a start with MinCapacity 0 would start nothing"
            )
        if self.max_tasks < self.min_tasks:
            raise ValueError(
                f"EcsServiceTarget {self.name!r}: max_tasks ({self.max_tasks}) must not be "
                f"less than min_tasks ({self.min_tasks})"
            )


_CLUSTER_ARN_RE = re.compile(r"^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:(?P<id>[^:]+)$")


@dataclass(frozen=True)
class AuroraClusterTarget:
    """An Aurora DB cluster started before and stopped after the services."""

    name: str
    """Short id used in schedule names, unique within the component. Required."""
    cluster_identifier: pulumi.Input[str]
    """DB cluster identifier (``DbClusterIdentifier``). Required."""
    cluster_arn: pulumi.Input[str]
    """DB cluster ARN; the scheduler's role may start and stop only this. Required."""

    def __post_init__(self) -> None:
        _check_name("AuroraClusterTarget.name", self.name)
        _check_plain_str("AuroraClusterTarget.cluster_identifier", self.cluster_identifier)
        _check_plain_str("AuroraClusterTarget.cluster_arn", self.cluster_arn)
        if isinstance(self.cluster_arn, str):
            match = _CLUSTER_ARN_RE.match(self.cluster_arn)
            if match is None:
                raise ValueError(
                    f"AuroraClusterTarget {self.name!r}: cluster_arn must be a DB cluster ARN "
                    f"(arn:aws:rds:<region>:<account>:cluster:<id>), got {self.cluster_arn!r}"
                )
            if isinstance(self.cluster_identifier, str) and match["id"] != self.cluster_identifier:
                raise ValueError(
                    f"AuroraClusterTarget {self.name!r}: cluster_arn names cluster "
                    f"{match['id']!r} but cluster_identifier is {self.cluster_identifier!r}"
                )


@dataclass(frozen=True)
class ScheduledShutdownArgs:
    """Options of :class:`ScheduledShutdown`. At least one target is required."""

    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    """Business hours and horizon. @default 08:00–18:00 JST, 12 months from the first
    day of the current month (JST). ``schedule.enabled`` false conflicts with
    creating the component (the stack program should not create it)."""
    ecs_services: Sequence[EcsServiceTarget] = ()
    """ECS services to start at business-hours start and stop at its end. @default none"""
    aurora_clusters: Sequence[AuroraClusterTarget] = ()
    """Aurora clusters to start 15 min before and stop (daily) 15 min after.
    @default none"""
    horizon_start: date | None = None
    """First day of the horizon (normalised to the first of its month).
    @default ``schedule.horizon_start``, else the first day of the current month in JST."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for every taggable resource; gcmod's cost-allocation keys are added
    (:func:`gcmod.components.tags.component_tags`, environment from these tags, the
    stack config or the stack name). @default none"""
    alarm_actions: Sequence[pulumi.Input[str]] = ()
    """SNS topic ARNs notified when a start finally failed. @default none: the alarm
    is visible in CloudWatch only."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ecs_services", tuple(self.ecs_services))
        object.__setattr__(self, "aurora_clusters", tuple(self.aurora_clusters))
        object.__setattr__(self, "alarm_actions", tuple(self.alarm_actions))
        object.__setattr__(self, "tags", dict(self.tags))
        if not isinstance(self.schedule, ScheduleConfig):
            raise TypeError(f"schedule must be a ScheduleConfig, got {self.schedule!r}")
        for target in self.ecs_services:
            if not isinstance(target, EcsServiceTarget):
                raise TypeError(f"ecs_services must hold EcsServiceTarget, got {target!r}")
        for target in self.aurora_clusters:
            if not isinstance(target, AuroraClusterTarget):
                raise TypeError(f"aurora_clusters must hold AuroraClusterTarget, got {target!r}")
        if not self.ecs_services and not self.aurora_clusters:
            raise ValueError(
                "ScheduledShutdown needs at least one ECS service or Aurora cluster / "
                "停止対象 (ECS サービスまたは Aurora クラスター) を1つ以上指定してください"
            )
        names = [t.name for t in (*self.ecs_services, *self.aurora_clusters)]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"target names must be unique, repeated: {', '.join(duplicates)}")
        if self.schedule.enabled is False:
            raise ValueError(
                "schedule.enabled is false but a ScheduledShutdown was requested; "
                "do not create the component when the schedule is switched off"
            )
        if self.horizon_start is not None and not isinstance(self.horizon_start, date):
            raise TypeError(f"horizon_start must be a date, got {self.horizon_start!r}")
        if isinstance(self.horizon_start, datetime):
            raise TypeError("horizon_start must be a date, not a datetime")
        configured = self.schedule.horizon_start
        if (
            self.horizon_start is not None
            and configured is not None
            and horizon(self.horizon_start, 1) != horizon(configured, 1)
        ):
            raise ValueError(
                f"horizon_start {self.horizon_start.isoformat()} conflicts with "
                f"schedule.horizon_start {configured.isoformat()}; set only one"
            )
        for key, value in self.tags.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError(f"tags must map str to str, got {key!r}: {value!r}")


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class RetrySettings:
    """EventBridge Scheduler retry policy of one schedule."""

    maximum_retry_attempts: int
    maximum_event_age_in_seconds: int


@dataclass(frozen=True)
class PlannedSchedule:
    """One EventBridge Scheduler schedule, before it becomes a resource."""

    name: str
    target: str
    resource: ResourceKind
    kind: EventKind
    at: time
    expression: str
    cron: MonthlyCron | None
    """The month this schedule covers; None for the daily Aurora stop."""
    retry: RetrySettings
    dead_letter: bool


class CalendarEntry(NamedTuple):
    """One month of one target's start or stop (for ``gcmod calendar``)."""

    target: str
    kind: EventKind
    cron: MonthlyCron


class DailySchedule(NamedTuple):
    """A schedule that fires every day (the Aurora stop)."""

    target: str
    kind: EventKind
    expression: str


@dataclass(frozen=True)
class ShutdownPlan:
    """Everything :class:`ScheduledShutdown` creates schedules from; pure data."""

    group_name: str
    hours: BusinessHours
    horizon_start: date
    horizon_end: date
    schedules: tuple[PlannedSchedule, ...]

    @property
    def running_calendar(self) -> tuple[CalendarEntry, ...]:
        return tuple(
            CalendarEntry(s.target, s.kind, s.cron) for s in self.schedules if s.cron is not None
        )

    @property
    def daily_schedules(self) -> tuple[DailySchedule, ...]:
        return tuple(
            DailySchedule(s.target, s.kind, s.expression) for s in self.schedules if s.cron is None
        )


def resolve_horizon_start(args: ScheduledShutdownArgs, today: date | None = None) -> date:
    """``args.horizon_start``, else ``schedule.horizon_start``, else the first day of
    the current month in JST (``today`` overrides the clock, for tests)."""
    chosen = args.horizon_start or args.schedule.horizon_start
    if chosen is None:
        chosen = today if today is not None else datetime.now(JST).date()
    return chosen.replace(day=1)


def _shift(at: time, delta: timedelta, what: str) -> time:
    moved = datetime.combine(date(2000, 1, 2), at) + delta
    if moved.date() != date(2000, 1, 2):
        raise ValueError(
            f"{what} would be {'before 00:00' if delta < timedelta(0) else 'after 23:59'} "
            f"({at.isoformat(timespec='minutes')} {'-' if delta < timedelta(0) else '+'} "
            f"{abs(delta)}); move the business hours"
        )
    return moved.time()


def _seconds(start: time, end: time) -> int:
    """Seconds from ``start`` to the next ``end`` (same day if later, else next day)."""
    day = date(2000, 1, 2)
    delta = datetime.combine(day, end) - datetime.combine(day, start)
    if delta <= timedelta(0):
        delta += timedelta(days=1)
    return int(delta.total_seconds())


def _retry_until(start: time, opposite: time) -> RetrySettings:
    age = _seconds(start, opposite) - int(RETRY_MARGIN.total_seconds())
    age = max(MIN_EVENT_AGE_SECONDS, min(MAX_EVENT_AGE_SECONDS, age))
    return RetrySettings(MAX_RETRY_ATTEMPTS, age)


def plan_schedules(
    name: str, args: ScheduledShutdownArgs, *, today: date | None = None
) -> ShutdownPlan:
    """The schedules a :class:`ScheduledShutdown` named ``name`` creates.

    Raises ValueError for an invalid name, a schedule name longer than 64
    characters, or business hours too close to midnight for the Aurora lead.
    """
    _check_name("ScheduledShutdown name", name)
    bh = args.schedule.business_hours
    hours = BusinessHours(bh.start_time, bh.end_time)
    first, end = horizon(resolve_horizon_start(args, today), args.schedule.horizon_months)
    months = args.schedule.horizon_months
    planned: list[PlannedSchedule] = []

    def monthly(
        target: str,
        resource: ResourceKind,
        kind: EventKind,
        at: time,
        opposite: time,
        dead_letter: bool,
    ) -> None:
        retry = _retry_until(at, opposite)
        for cron in monthly_cron_expressions(first, months, at):
            planned.append(
                PlannedSchedule(
                    name=f"{name}-{target}-{kind}-{cron.year:04d}{cron.month:02d}",
                    target=target,
                    resource=resource,
                    kind=kind,
                    at=at,
                    expression=cron.expression,
                    cron=cron,
                    retry=retry,
                    dead_letter=dead_letter,
                )
            )

    for ecs in args.ecs_services:
        monthly(ecs.name, "ecs", "start", hours.start, hours.end, dead_letter=True)
        monthly(ecs.name, "ecs", "stop", hours.end, hours.start, dead_letter=True)
    if args.aurora_clusters:
        db_start = _shift(hours.start, -AURORA_LEAD, "Aurora start (business start - 15 min)")
        db_stop = _shift(hours.end, AURORA_LEAD, "Aurora stop (business end + 15 min)")
        for db in args.aurora_clusters:
            monthly(db.name, "aurora", "start", db_start, db_stop, dead_letter=True)
            planned.append(
                PlannedSchedule(
                    name=f"{name}-{db.name}-stop-daily",
                    target=db.name,
                    resource="aurora",
                    kind="stop",
                    at=db_stop,
                    expression=daily_cron(db_stop),
                    cron=None,
                    retry=RetrySettings(MAX_RETRY_ATTEMPTS, AURORA_STOP_EVENT_AGE_SECONDS),
                    dead_letter=False,
                )
            )
    too_long = [p.name for p in planned if len(p.name) > MAX_NAME_LENGTH]
    if too_long:
        raise ValueError(
            f"schedule name {too_long[0]!r} is {len(too_long[0])} characters; EventBridge "
            f"Scheduler allows {MAX_NAME_LENGTH}: shorten the component or target name"
        )
    return ShutdownPlan(
        group_name=name,
        hours=hours,
        horizon_start=first,
        horizon_end=end,
        schedules=tuple(planned),
    )


# --------------------------------------------------------------------------- component


def _describe(p: PlannedSchedule) -> str:
    action = {"start": "起動 / start", "stop": "停止 / stop"}[p.kind]
    if p.cron is None:
        return f"gcmod: {p.target} {action} daily {p.at:%H:%M} JST (every day, incl. closed days)"
    return (
        f"gcmod: {p.target} {action} {p.at:%H:%M} JST on office days of "
        f"{p.cron.year:04d}-{p.cron.month:02d} (開庁日)"
    )


class ScheduledShutdown(pulumi.ComponentResource):
    """Starts non-production on municipal office days and stops it outside them.

    Attributes (plain values unless noted): ``group_name``, ``horizon_start``,
    ``horizon_end`` (exclusive), ``schedule_tag``, ``alarm_name``,
    ``schedule_count``, ``running_calendar`` (``CalendarEntry`` per target, kind and
    month), ``daily_schedules``, ``plan``; Outputs ``dlq_arn``, ``role_arn``.
    """

    def __init__(
        self,
        name: str,
        args: ScheduledShutdownArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if not isinstance(args, ScheduledShutdownArgs):
            raise TypeError(f"args must be ScheduledShutdownArgs, got {args!r}")
        plan = plan_schedules(name, args)  # validate before registering anything
        env = resolve_environment(None, args.tags).environment
        super().__init__("gcmod:schedule:ScheduledShutdown", name, None, opts)
        # Looked up through the component's own provider.
        account = aws.get_caller_identity(opts=invoke_options(self)).account_id
        region = aws.get_region(opts=invoke_options(self)).region
        partition = aws.get_partition(opts=invoke_options(self)).partition

        self.plan = plan
        self.group_name = plan.group_name
        self.horizon_start = plan.horizon_start
        self.horizon_end = plan.horizon_end
        self.schedule_tag = schedule_tag(name)
        self.running_calendar = plan.running_calendar
        self.daily_schedules = plan.daily_schedules
        self.schedule_count = len(plan.schedules)
        tags = component_tags(args.tags, env)
        child = pulumi.ResourceOptions(parent=self)

        group = aws.scheduler.ScheduleGroup(
            f"{name}-group",
            name=plan.group_name,
            tags={
                **tags,
                **self.schedule_tag,
                TAG_HORIZON_END: plan.horizon_end.isoformat(),
            },
            opts=child,
        )

        queue_name = f"{name}-dlq"
        dlq = aws.sqs.Queue(
            queue_name,
            name=queue_name,
            sqs_managed_sse_enabled=True,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            tags=tags,
            opts=child,
        )
        # Known before deployment (the queue name is fixed), so the policy is checkable offline.
        dlq_arn_known = f"arn:{partition}:sqs:{region}:{account}:{queue_name}"

        self.alarm_name = f"{name}-start-failed"
        alarm = aws.cloudwatch.MetricAlarm(
            self.alarm_name,
            name=self.alarm_name,
            alarm_description=(
                "定時起動 (または ECS サービスの定時停止) が再試行の後も失敗しました。"
                f"デッドレターキュー {queue_name} のメッセージを確認してください。 / "
                "A scheduled start (or ECS service stop) finally failed after all retries; "
                f"see the messages in dead-letter queue {queue_name}."
            ),
            namespace="AWS/SQS",
            metric_name="ApproximateNumberOfMessagesVisible",
            dimensions={"QueueName": queue_name},
            statistic="Maximum",
            period=ALARM_PERIOD_SECONDS,
            evaluation_periods=1,
            comparison_operator="GreaterThanThreshold",
            threshold=0,
            treat_missing_data="notBreaching",
            alarm_actions=list(args.alarm_actions) or None,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[dlq]),
        )

        group_arn = f"arn:{partition}:scheduler:{region}:{account}:schedule-group/{plan.group_name}"
        role = aws.iam.Role(
            f"{name}-scheduler",
            description=f"EventBridge Scheduler role of ScheduledShutdown {name} (gcmod)",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "scheduler.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                            "Condition": {
                                "StringEquals": {
                                    "aws:SourceAccount": account,
                                    "aws:SourceArn": group_arn,
                                }
                            },
                        }
                    ],
                }
            ),
            tags=tags,
            opts=child,
        )

        statements: list[dict] = []
        if args.ecs_services:
            statements.append(
                {
                    "Sid": "MoveEcsAutoscalingBounds",
                    "Effect": "Allow",
                    "Action": "application-autoscaling:RegisterScalableTarget",
                    "Resource": f"arn:{partition}:application-autoscaling:{region}:{account}"
                    ":scalable-target/*",
                    "Condition": {
                        "StringEquals": {
                            "application-autoscaling:service-namespace": "ecs",
                            "application-autoscaling:scalable-dimension": ECS_SCALABLE_DIMENSION,
                        }
                    },
                }
            )
            # Application Auto Scaling validates that the caller may describe and update
            # the target service; granting these on the named services only also limits
            # RegisterScalableTarget to them.
            statements.append(
                {
                    "Sid": "EcsServicesValidatedByAutoscaling",
                    "Effect": "Allow",
                    "Action": ["ecs:DescribeServices", "ecs:UpdateService"],
                    "Resource": [
                        pulumi.Output.concat(
                            f"arn:{partition}:ecs:{region}:{account}:service/",
                            t.cluster_name,
                            "/",
                            t.service_name,
                        )
                        for t in args.ecs_services
                    ],
                }
            )
        if args.aurora_clusters:
            statements.append(
                {
                    "Sid": "StartStopAuroraClusters",
                    "Effect": "Allow",
                    "Action": ["rds:StartDBCluster", "rds:StopDBCluster"],
                    "Resource": [t.cluster_arn for t in args.aurora_clusters],
                }
            )
        statements.append(
            {
                "Sid": "DeliverFailedInvocationsToDlq",
                "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": dlq_arn_known,
            }
        )
        role_policy = aws.iam.RolePolicy(
            f"{name}-scheduler-policy",
            role=role.id,
            policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements}),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[dlq]),
        )

        ecs_by_name = {t.name: t for t in args.ecs_services}
        db_by_name = {t.name: t for t in args.aurora_clusters}
        schedule_opts = pulumi.ResourceOptions(parent=self, depends_on=[role_policy, dlq])
        self.schedules: dict[str, aws.scheduler.Schedule] = {}
        for p in plan.schedules:
            if p.resource == "ecs":
                ecs = ecs_by_name[p.target]
                bounds = (ecs.min_tasks, ecs.max_tasks) if p.kind == "start" else (0, 0)
                api = ECS_SCALE_TARGET
                target_input = pulumi.Output.json_dumps(
                    {
                        "ServiceNamespace": "ecs",
                        "ScalableDimension": ECS_SCALABLE_DIMENSION,
                        "ResourceId": pulumi.Output.concat(
                            "service/", ecs.cluster_name, "/", ecs.service_name
                        ),
                        "MinCapacity": bounds[0],
                        "MaxCapacity": bounds[1],
                    }
                )
            else:
                db = db_by_name[p.target]
                api = AURORA_START_TARGET if p.kind == "start" else AURORA_STOP_TARGET
                target_input = pulumi.Output.json_dumps(
                    {"DbClusterIdentifier": db.cluster_identifier}
                )
            self.schedules[p.name] = aws.scheduler.Schedule(
                p.name,
                name=p.name,
                group_name=group.name,
                description=_describe(p),
                schedule_expression=p.expression,
                schedule_expression_timezone=TIMEZONE,
                flexible_time_window=aws.scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
                state="ENABLED",
                target=aws.scheduler.ScheduleTargetArgs(
                    arn=f"arn:{partition}:scheduler:::{api}",
                    role_arn=role.arn,
                    input=target_input,
                    retry_policy=aws.scheduler.ScheduleTargetRetryPolicyArgs(
                        maximum_retry_attempts=p.retry.maximum_retry_attempts,
                        maximum_event_age_in_seconds=p.retry.maximum_event_age_in_seconds,
                    ),
                    dead_letter_config=(
                        aws.scheduler.ScheduleTargetDeadLetterConfigArgs(arn=dlq.arn)
                        if p.dead_letter
                        else None
                    ),
                ),
                opts=schedule_opts,
            )

        self.dlq_arn: pulumi.Output[str] = dlq.arn
        self.role_arn: pulumi.Output[str] = role.arn
        self.register_outputs(
            {
                "groupName": self.group_name,
                "horizonStart": self.horizon_start.isoformat(),
                "horizonEnd": self.horizon_end.isoformat(),
                "scheduleTag": self.schedule_tag,
                "dlqArn": dlq.arn,
                "alarmName": alarm.name,
                "roleArn": role.arn,
                "scheduleCount": self.schedule_count,
            }
        )
