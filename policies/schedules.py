"""What stops and starts a resource: the schedule evidence of :mod:`gcmod.policies.evidence`.

A compute resource or database counts as scheduled when something in the graph
both stops *it* and starts *it* again. Recognised, in this order:

1. gcmod's own components: the ``gcmod:schedule`` tag naming a schedule group of
   the stack whose enabled schedules stop and start the resource (what
   ``ScheduledShutdown`` writes: universal targets, as in 3.);
2. the AWS Instance Scheduler tag (``Schedule`` by default; the solution stops
   and starts EC2 instances, RDS instances, Aurora clusters and Auto Scaling
   groups whose tag names a schedule; "Instance Scheduler on AWS" implementation
   guide, v3, checked 2026-12);
3. EventBridge Scheduler schedules with a universal target
   (``arn:aws:scheduler:::aws-sdk:<service>:<action>``): ``rds:stopDBCluster`` /
   ``startDBCluster`` / ``stopDBInstance`` / ``startDBInstance``,
   ``ec2:stopInstances`` / ``startInstances``, ``ecs:updateService`` (DesiredCount 0
   stops), ``applicationautoscaling:registerScalableTarget`` (MaxCapacity 0 stops),
   ``autoscaling:updateAutoScalingGroup`` / ``setDesiredCapacity`` (0 stops),
   ``ssm:startAutomationExecution`` of the documents below;
4. Application Auto Scaling scheduled actions (max capacity 0 stops) and Auto
   Scaling group scheduled actions (desired or max 0 stops);
5. EventBridge rules with a schedule expression whose target runs the SSM
   Automation documents ``AWS-StopEC2Instance`` / ``AWS-StartEC2Instance`` /
   ``AWS-StopRdsInstance`` / ``AWS-StartRdsInstance``.

An action counts for a resource only when it names the resource: its input holds
the resource's identifier (RDS identifier, ECS service name, group name), or,
where the input is not known before deployment, the action depends on the
resource. A stop without a start, a disabled schedule, or an action naming
another resource does not count.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pulumi_policy.proxy import UnknownValueError

from gcmod.policies.model import Res, Text
from gcmod.policies.rulekit import UNKNOWN, known, known_or_none, peek

EC2_INSTANCE = "aws:ec2/instance:Instance"
ECS_SERVICE = "aws:ecs/service:Service"
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
ASG = "aws:autoscaling/group:Group"
SCHEDULE_GROUP = "aws:scheduler/scheduleGroup:ScheduleGroup"
SCHEDULE = "aws:scheduler/schedule:Schedule"
AAS_TARGET = "aws:appautoscaling/target:Target"
AAS_SCHEDULED_ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction"
ASG_SCHEDULE = "aws:autoscaling/schedule:Schedule"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"

#: Resources a shutdown schedule applies to.
SCHEDULABLE = (EC2_INSTANCE, ECS_SERVICE, RDS_INSTANCE, RDS_CLUSTER, ASG)
#: What stops and starts a resource on a timetable (the estimate prices a resource
#: by their expressions, :mod:`gcmod.cost.vendorhours`).
SCHEDULERS = (SCHEDULE, AAS_SCHEDULED_ACTION, ASG_SCHEDULE, EVENT_RULE)
#: The AWS Instance Scheduler's tag key by default (rule setting ``instanceSchedulerTagKey``).
INSTANCE_SCHEDULER_TAG = "Schedule"
#: Types the AWS Instance Scheduler stops and starts by tag.
INSTANCE_SCHEDULER_TYPES = (EC2_INSTANCE, RDS_INSTANCE, RDS_CLUSTER, ASG)
#: gcmod's ScheduledShutdown tag (the schedule group's name).
TAG_SCHEDULE = "gcmod:schedule"
#: EventBridge Scheduler puts a schedule without GroupName in the group named
#: "default" (Scheduler API reference, CreateSchedule; checked 2026-11).
DEFAULT_GROUP = "default"

Kind = Literal["stop", "start", "either"]

#: SSM Automation documents that stop or start (AWS-owned runbooks).
_SSM_DOCUMENTS: dict[str, tuple[Kind, tuple[str, ...]]] = {
    "aws-stopec2instance": ("stop", (EC2_INSTANCE,)),
    "aws-startec2instance": ("start", (EC2_INSTANCE,)),
    "aws-stoprdsinstance": ("stop", (RDS_INSTANCE,)),
    "aws-startrdsinstance": ("start", (RDS_INSTANCE,)),
}
#: Universal-target actions with a fixed kind: (service, action) -> kind, types.
_FIXED: dict[tuple[str, str], tuple[Kind, tuple[str, ...]]] = {
    ("rds", "stopdbcluster"): ("stop", (RDS_CLUSTER,)),
    ("rds", "startdbcluster"): ("start", (RDS_CLUSTER,)),
    ("rds", "stopdbinstance"): ("stop", (RDS_INSTANCE,)),
    ("rds", "startdbinstance"): ("start", (RDS_INSTANCE,)),
    ("ec2", "stopinstances"): ("stop", (EC2_INSTANCE,)),
    ("ec2", "startinstances"): ("start", (EC2_INSTANCE,)),
}
_UNIVERSAL = re.compile(r"arn:aws[\w-]*:scheduler:::aws-sdk:([\w-]+):(\w+)", re.I)


@dataclass(frozen=True)
class Action:
    """One thing in the graph that stops or starts a resource."""

    kind: Kind
    by: Res
    how: str
    """``EventBridge Scheduler aws-sdk:rds:stopDBCluster`` etc."""
    when: tuple[str, str | None] | None = None
    """When it acts: (schedule expression, IANA time zone or None for UTC), as the
    schedule declares it; None when not known before deployment (the estimate
    reads it, :mod:`gcmod.cronhours`)."""

    def label(self) -> str:
        return f"{self.by.name} ({self.how})"


@dataclass(frozen=True)
class ScheduleDecision:
    """Whether a resource is stopped and started, and what decided it."""

    scheduled: bool
    source: Text
    """What decided: the actions found, or what is missing."""
    stops: tuple[Action, ...] = ()
    starts: tuple[Action, ...] = ()


# ---------------------------------------------------------------------------
# Reading values
# ---------------------------------------------------------------------------
def _lower_keys(value: Any) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in value.items()} if isinstance(value, Mapping) else {}


def _json(value: Any) -> Any:
    """A JSON input (string) parsed; UNKNOWN when unknown; None when absent or bad."""
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return None
    return value


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None and value is not UNKNOWN else None
    except (TypeError, ValueError):
        return None


def identifiers(res: Res) -> set[str]:
    """Names by which AWS APIs refer to ``res`` (known before deployment)."""
    keys = {
        RDS_CLUSTER: ("clusterIdentifier",),
        RDS_INSTANCE: ("identifier",),
        ECS_SERVICE: ("name",),
        ASG: ("name",),
        EC2_INSTANCE: (),
    }.get(res.type, ())
    out = set()
    for key in keys:
        value = known(res, key)
        if isinstance(value, str) and value:
            out.add(value)
    return out


def _depends_on(actor: Res, target: Res, hops: int = 2) -> bool:
    """``actor`` depends on ``target``, directly or through up to ``hops`` links."""
    todo, seen = [(actor, 0)], set()
    while todo:
        cur, depth = todo.pop()
        for d in cur.dependencies:
            if d.urn == target.urn:
                return True
            if depth + 1 < hops and d.urn not in seen:
                seen.add(d.urn)
                todo.append((d, depth + 1))
    return False


def _names(actor: Res, value: Any, target: Res) -> bool:
    """Whether an action's input ``value`` names ``target``: one of its identifiers
    is a whole value or the last ``/``/``:`` part of one; where the input is not
    known before deployment, whether the action depends on ``target``."""
    if value is UNKNOWN or value is None:
        return _depends_on(actor, target)
    ids = identifiers(target)
    for s in _strings(value):
        if s == "<unknown>" or s.startswith("04da6b54-"):
            return _depends_on(actor, target)
        last = re.split(r"[/:]", s)[-1]
        if s in ids or last in ids:
            return True
    return False


def _enabled(res: Res, *keys: str) -> bool:
    for key in keys:
        value = known(res, key)
        if value is False or (isinstance(value, str) and value.strip().upper() == "DISABLED"):
            return False
    return True


def _hint(res: Res) -> Kind:
    """stop/start from a schedule's names when its input is unknown."""
    text = " ".join(str(x) for x in (res.name, known(res, "name", ""))).lower()
    stop = any(w in text for w in ("stop", "shutdown", "停止"))
    start = any(w in text for w in ("start", "wake", "起動"))
    if stop and not start:
        return "stop"
    if start and not stop:
        return "start"
    return "either"


# ---------------------------------------------------------------------------
# Actions per kind of scheduler
# ---------------------------------------------------------------------------
def _count_kind(value: Any, hint: Kind) -> Kind:
    n = _number(value)
    if n is None:
        return hint
    return "stop" if n == 0 else "start"


def _universal(schedule: Res, target: Res) -> Action | None:
    tgt = peek(schedule, "target")
    if not isinstance(tgt, Mapping):
        return None
    arn = peek(tgt, "arn")
    m = _UNIVERSAL.match(arn) if isinstance(arn, str) else None
    if m is None:
        return None
    service, action = m.group(1).lower(), m.group(2).lower()
    raw = _json(peek(tgt, "input"))
    body = _lower_keys(raw) if isinstance(raw, Mapping) else {}
    how = f"EventBridge Scheduler aws-sdk:{m.group(1)}:{m.group(2)}"
    hint = _hint(schedule)
    kind: Kind | None = None
    if (service, action) in _FIXED:
        kind, types = _FIXED[(service, action)]
        if target.type not in types:
            return None
    elif (service, action) == ("ecs", "updateservice") and target.type == ECS_SERVICE:
        kind = _count_kind(body.get("desiredcount"), hint)
        raw = body.get("service", raw) if body else raw
    elif (service, action) == ("applicationautoscaling", "registerscalabletarget"):
        if target.type != ECS_SERVICE:
            return None
        kind = _count_kind(body.get("maxcapacity"), hint) if body else hint
        raw = body.get("resourceid", raw) if body else raw
    elif service == "autoscaling" and action in ("updateautoscalinggroup", "setdesiredcapacity"):
        if target.type != ASG:
            return None
        count = body.get("desiredcapacity", body.get("maxsize"))
        kind = _count_kind(count, hint)
        raw = body.get("autoscalinggroupname", raw) if body else raw
    elif (service, action) == ("ssm", "startautomationexecution"):
        doc = str(body.get("documentname", "")).lower()
        if doc not in _SSM_DOCUMENTS or target.type not in _SSM_DOCUMENTS[doc][1]:
            return None
        kind = _SSM_DOCUMENTS[doc][0]
        raw = body.get("parameters", raw)
        how += f" {body.get('documentname')}"
    if kind is None or not _names(schedule, raw, target):
        return None
    when = _when(schedule, "scheduleExpression", "scheduleExpressionTimezone")
    return Action(kind, schedule, how, when)


def _when(res: Res, expression: str, timezone: str | None) -> tuple[str, str | None] | None:
    """(expression, time zone) of a schedule, None when the expression is not known."""
    expr = known_or_none(res.get, expression)
    if not isinstance(expr, str) or not expr.strip():
        return None
    tz = known_or_none(res.get, timezone) if timezone else None
    return expr.strip(), tz if isinstance(tz, str) and tz.strip() else None


def _aas_action(action: Res, target: Res) -> Action | None:
    if target.type != ECS_SERVICE:
        return None
    dim = known(action, "scalableDimension")
    if isinstance(dim, str) and dim != "ecs:service:DesiredCount":
        return None
    bounds = _lower_keys(peek(action, "scalableTargetAction"))
    kind = _count_kind(bounds.get("maxcapacity"), "either")
    if kind == "either" and _number(bounds.get("mincapacity")):
        kind = "start"
    if not _names(action, peek(action, "resourceId"), target):
        return None
    when = _when(action, "schedule", "timezone")
    return Action(kind, action, "Application Auto Scaling scheduled action", when)


def _asg_action(action: Res, target: Res) -> Action | None:
    if target.type != ASG:
        return None
    desired, most = peek(action, "desiredCapacity"), peek(action, "maxSize")
    kind = _count_kind(desired if _number(desired) is not None else most, _hint(action))
    if not _names(action, peek(action, "autoscalingGroupName"), target):
        return None
    when = _when(action, "recurrence", "timeZone")
    return Action(kind, action, "Auto Scaling scheduled action", when)


def _event_actions(resources: Sequence[Res], target: Res) -> Iterator[Action]:
    rules = {r.urn: r for r in resources if r.type == EVENT_RULE}
    by_name = {known(r, "name"): r for r in rules.values() if known(r, "name")}
    for t in resources:
        if t.type != EVENT_TARGET:
            continue
        arn = known(t, "arn")
        if not isinstance(arn, str) or "automation-definition/" not in arn:
            continue
        doc = arn.split("automation-definition/", 1)[1].split(":", 1)[0].lower()
        if doc not in _SSM_DOCUMENTS or target.type not in _SSM_DOCUMENTS[doc][1]:
            continue
        rule = by_name.get(known(t, "rule")) or next(
            (rules[d.urn] for d in t.dependencies if d.urn in rules), None
        )
        if rule is None or not known(rule, "scheduleExpression"):
            continue
        if not _enabled(rule, "state", "isEnabled"):
            continue
        if _names(t, _json(peek(t, "input")), target):
            how = f"EventBridge rule {rule.name} -> SSM {arn.split('automation-definition/')[1]}"
            yield Action(_SSM_DOCUMENTS[doc][0], t, how, _when(rule, "scheduleExpression", None))


def actions_for(res: Res, resources: Sequence[Res]) -> list[Action]:
    """Every enabled stop or start action in ``resources`` that names ``res``."""
    out: list[Action] = []
    for r in resources:
        found: Action | None = None
        if r.type == SCHEDULE and _enabled(r, "state"):
            found = _universal(r, res)
        elif r.type == AAS_SCHEDULED_ACTION:
            found = _aas_action(r, res)
        elif r.type == ASG_SCHEDULE:
            found = _asg_action(r, res)
        if found is not None:
            out.append(found)
    out += _event_actions(resources, res)
    return out


# ---------------------------------------------------------------------------
# gcmod's own components
# ---------------------------------------------------------------------------
def group_names(group: Res) -> set[str]:
    names = {group.name}
    value = known_or_none(group.get, "name")
    if isinstance(value, str):
        names.add(value)
    return names


def schedule_in_group(schedule: Res, group: Res | None, group_name: str) -> bool:
    """Whether ``schedule`` belongs to the group named ``group_name`` (``group`` is
    its resource, None for the implicit default group)."""
    if group is not None and any(d.urn == group.urn for d in schedule.dependencies):
        return True
    try:
        value = schedule.get("groupName")
    except UnknownValueError:
        return False  # unknown and no dependency on the group: not evidence
    if value is None:
        return group_name == DEFAULT_GROUP
    return value == group_name


def _gcmod_group(res: Res, resources: Sequence[Res], name: str) -> ScheduleDecision:
    groups = [r for r in resources if r.type == SCHEDULE_GROUP]
    schedules = [r for r in resources if r.type == SCHEDULE]
    group = next((g for g in groups if name in group_names(g)), None)
    if group is None and name != DEFAULT_GROUP:
        return ScheduleDecision(
            False,
            Text(
                f"its {TAG_SCHEDULE} tag names schedule group {name!r}, which is not in this stack",
                f"{TAG_SCHEDULE} タグのスケジュールグループ「{name}」がこのスタックにありません",
            ),
        )
    in_group = [s for s in schedules if schedule_in_group(s, group, name) and _enabled(s, "state")]
    if not in_group:
        return ScheduleDecision(
            False,
            Text(
                f"schedule group {name!r} has no enabled schedule",
                f"スケジュールグループ「{name}」に有効なスケジュールがありません",
            ),
        )
    found = actions_for(res, in_group)
    stops = tuple(a for a in found if a.kind == "stop")
    starts = tuple(a for a in found if a.kind == "start")
    if not _pair(stops, starts, [a for a in found if a.kind == "either"]):
        return ScheduleDecision(
            False,
            Text(
                f"schedule group {name!r} has no enabled schedules that both stop and start it",
                f"スケジュールグループ「{name}」にこのリソースを停止・起動する有効なスケジュールが"
                "揃っていません",
            ),
            stops,
            starts,
        )
    return ScheduleDecision(
        True,
        Text(
            f"tag {TAG_SCHEDULE}={name} (gcmod ScheduledShutdown)",
            f"タグ {TAG_SCHEDULE}={name} (gcmod ScheduledShutdown)",
        ),
        stops,
        starts,
    )


# ---------------------------------------------------------------------------
# The decision
# ---------------------------------------------------------------------------
def _pair(stops: Iterable[Action], starts: Iterable[Action], either: list[Action]) -> bool:
    stops, starts = list(stops), list(starts)
    if stops and starts:
        return True
    if stops and either:
        return True
    if starts and either:
        return True
    return len({a.by.urn for a in either}) >= 2


def schedule_of(
    res: Res, resources: Sequence[Res], instance_scheduler_tag: str = INSTANCE_SCHEDULER_TAG
) -> ScheduleDecision:
    """Whether something in ``resources`` stops and starts ``res`` (module docstring).
    Reading a tag unknown before deployment raises UnknownValueError."""
    tags = res.tags
    name = tags.get(TAG_SCHEDULE)
    if isinstance(name, str) and name.strip():
        decision = _gcmod_group(res, resources, name.strip())
        if decision.scheduled:
            return decision
        gcmod_problem: ScheduleDecision | None = decision
    else:
        gcmod_problem = None
    if instance_scheduler_tag and res.type in INSTANCE_SCHEDULER_TYPES:
        keys = {k.lower(): k for k in tags if isinstance(k, str)}
        key = keys.get(instance_scheduler_tag.lower())
        value = tags[key] if key else None
        if isinstance(value, str) and value.strip():
            return ScheduleDecision(
                True,
                Text(
                    f"tag {key}={value} (AWS Instance Scheduler)",
                    f"タグ {key}={value} (AWS Instance Scheduler)",
                ),
            )
    found = actions_for(res, resources)
    stops = tuple(a for a in found if a.kind == "stop")
    starts = tuple(a for a in found if a.kind == "start")
    either = [a for a in found if a.kind == "either"]
    if _pair(stops, starts, either):
        shown = ", ".join(a.label() for a in found[:4])
        return ScheduleDecision(
            True,
            Text(f"stopped and started by {shown}", f"{shown} により停止・起動"),
            stops,
            starts,
        )
    if gcmod_problem is not None:
        return gcmod_problem
    if stops and not starts:
        shown = ", ".join(a.label() for a in stops[:4])
        return ScheduleDecision(
            False,
            Text(
                f"{shown} stops it but nothing starts it again",
                f"{shown} が停止しますが、再び起動するものがありません",
            ),
            stops,
        )
    if starts or either:
        shown = ", ".join(a.label() for a in (*starts, *either)[:4])
        return ScheduleDecision(
            False,
            Text(
                f"{shown} starts it but nothing stops it",
                f"{shown} が起動しますが、停止するものがありません",
            ),
            (),
            starts,
        )
    return ScheduleDecision(
        False,
        Text(
            f"nothing in the stack stops and starts it (no {TAG_SCHEDULE} tag, Instance "
            "Scheduler tag, EventBridge Scheduler schedule, scheduled scaling action or SSM "
            "stop/start rule names it)",
            f"このスタックに停止・起動するものがありません ({TAG_SCHEDULE} タグ、Instance "
            "Scheduler タグ、EventBridge Scheduler のスケジュール、スケジュールされたスケーリング、"
            "SSM の停止・起動ルールのいずれもこのリソースを指していません)",
        ),
    )


# ---------------------------------------------------------------------------
# Always-on exemption
# ---------------------------------------------------------------------------
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
#: Fewest words (or, in Japanese, characters) an always-on reason must have.
MIN_REASON_WORDS = 3
MIN_REASON_CHARS_JA = 6


def reason_ok(reason: Any) -> bool:
    """An always-on reason says why in a few words (``x``, ``true`` or ``yes`` do not):
    at least three words, or six characters of Japanese."""
    if not isinstance(reason, str):
        return False
    text = reason.strip()
    if _CJK.search(text):
        return len(re.sub(r"\s", "", text)) >= MIN_REASON_CHARS_JA
    words = [w for w in re.split(r"[\s,;/+_-]+", text) if re.search(r"[A-Za-z0-9]", w)]
    return len(words) >= MIN_REASON_WORDS
