"""Idle and orphaned resources of a deployed account (what runs and bills for nothing).

These rules judge what only a running account can show: the state a resource
is in and what CloudWatch measured. The audit's collectors record it under the
``gcmodObserved`` input of the deployed resource (:data:`OBSERVED`; ages in
days at collection time, metric sums over the measured window). A resource
without that evidence (any resource of a Pulumi program before deployment) is
not judged: these rules never guess from a plan.

They follow the classic cost checks of Cloud Custodian (``ebs`` filter
``State: available``, ``network-addr`` with ``AssociationId: absent``,
``app-elb`` ``metrics`` RequestCount, ``nat-gateway`` ``metrics``
BytesOutToDestination, ``ebs-snapshot`` ``age`` with ``skip-ami-snapshots``,
``ec2`` ``state-age`` of stopped instances) and Steampipe's AWS Thrifty
benchmark (``ebs_volume_unattached``, ``vpc_eip_unattached``,
``ec2_application_lb_unused``, ``vpc_nat_gateway_unused``,
``ebs_snapshot_max_age``, ``ec2_instance_stopped_with_volumes``). Thresholds are
settings of the policy config. An Elastic IP associated with nothing is
GCM-NET-003 (policies/rules/network.py), the same rule for a program and for a
deployed account: the audit's Elastic IPs carry ``instance``,
``networkInterface`` and ``allocationId`` as a program's would.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gcmod.policies.model import Ctx, Finding, Res, Setting, Text, rule
from gcmod.policies.rulekit import GUIDE_EN, GUIDE_JA, known_or_none

#: Input under which the audit records what it observed of a deployed resource.
OBSERVED = "gcmodObserved"

VOLUME = "aws:ebs/volume:Volume"
SNAPSHOT = "aws:ebs/snapshot:Snapshot"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
INSTANCE = "aws:ec2/instance:Instance"

#: Snapshot descriptions of snapshots another service keeps and deletes itself:
#: AMIs (CreateImage) and AWS Backup recovery points. Cloud Custodian's
#: ``skip-ami-snapshots`` and AWS Backup's own retention.
MANAGED_SNAPSHOT_PREFIXES = ("Created by CreateImage", "This snapshot is created by the AWS Backup")

_PEERS_EN = "Cloud Custodian's and Steampipe's (AWS Thrifty) cost checks"
_PEERS_JA = "`Cloud Custodian` と `Steampipe` (`AWS Thrifty`) のコストチェック"


def observed(res: Res) -> Mapping[str, Any] | None:
    """What the audit observed of ``res``; None for a resource not deployed."""
    value = known_or_none(res.get, OBSERVED)
    return value if isinstance(value, Mapping) else None


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _days(obs: Mapping[str, Any], key: str = "ageDays") -> float | None:
    return _num(obs.get(key))


MIN_AGE = Setting(
    "minAgeDays",
    "number",
    7,
    "Days a resource must have existed in this state before it is judged idle "
    "(a resource created for tomorrow's release is not waste yet).",
)


# ---------------------------------------------------------------------------
# GCM-IDLE-001 unattached EBS volumes
# ---------------------------------------------------------------------------
@rule(
    id="GCM-IDLE-001",
    title=Text(en="No unattached EBS volumes", ja="どこにも接続されていない EBS ボリュームがない"),
    severity="medium",
    enforcement="mandatory",
    lever="storage",
    resource_types=(VOLUME,),
    rationale=Text(
        en="An EBS volume attached to no instance is billed per provisioned GB-month while "
        f"nothing reads it. Lever 4 of {GUIDE_EN} asks for storage sized to need; unattached "
        f"volumes are the first item of {_PEERS_EN} (ebs State: available; "
        "ebs_volume_unattached).",
        ja="どのインスタンスにも接続されていない EBS ボリュームは、誰も読まないまま容量 (GB-月) "
        f"で課金される。{GUIDE_JA} の施策4は必要量に合ったストレージを求めており、未接続ボリュームは"
        f"{_PEERS_JA}の最初の項目である (`ebs State: available`、`ebs_volume_unattached`)。",
    ),
    remediation=Text(
        en="Snapshot the volume if its data must be kept (snapshots cost less per GB), then "
        "delete it.",
        ja="データの保管が必要ならスナップショットを取得し (GB 単価が安い)、ボリュームを削除する。",
    ),
    settings=(MIN_AGE,),
)
def unattached_volume(res: Res, ctx: Ctx) -> Iterator[Finding]:
    obs = observed(res)
    if obs is None or obs.get("state") != "available":
        return
    age = _days(obs)
    if age is None or age < ctx.setting("minAgeDays"):
        return
    size = _num(res.get("size"))
    gb = f"{size:g} GB " if size is not None else ""
    yield Finding(
        Text(
            en=f"EBS volume {res.name} ({gb}{res.get('type') or 'gp2'}) is attached to no "
            f"instance ({age:.0f} days old)",
            ja=f"EBS ボリューム {res.name} ({gb}{res.get('type') or 'gp2'}) はどのインスタンスにも"
            f"接続されていません (作成から {age:.0f} 日)",
        )
    )


# ---------------------------------------------------------------------------
# GCM-IDLE-003 load balancers with no healthy target or no request
# ---------------------------------------------------------------------------
@rule(
    id="GCM-IDLE-003",
    title=Text(
        en="No load balancer without healthy targets or requests",
        ja="正常なターゲットもリクエストもないロードバランサーがない",
    ),
    severity="medium",
    enforcement="advisory",
    lever="sizing",
    resource_types=LOAD_BALANCERS,
    rationale=Text(
        en="A load balancer is billed for every hour it exists (Elastic Load Balancing pricing, "
        "per ALB-hour), whether or not it forwards anything. One with no healthy target cannot "
        "serve, and one that received no request over the measured window (CloudWatch "
        "AWS/ApplicationELB RequestCount) serves nobody. "
        f"{GUIDE_EN} asks to size from need; {_PEERS_EN} flag both (app-elb metrics "
        "RequestCount; ec2_application_lb_unused).",
        ja="ロードバランサーは転送の有無にかかわらず存在する時間で課金される (Elastic Load "
        "Balancing 料金、ALB 時間)。正常なターゲットがないものはサービスを提供できず、計測期間中に"
        "リクエストが1件もないもの (CloudWatch AWS/ApplicationELB RequestCount) は誰にも使われて"
        f"いない。{GUIDE_JA}は必要量に基づくサイズを求め、{_PEERS_JA}も両方を検出する "
        "(`app-elb metrics RequestCount`、`ec2_application_lb_unused`)。",
    ),
    remediation=Text(
        en="Delete the load balancer if the system is retired, or fix its targets; put "
        "several systems behind one shared load balancer (host-based rules) instead of one each.",
        ja="システムが廃止済みならロードバランサーを削除し、そうでなければターゲットを修正する。"
        "システムごとに置かず、ホストベースのルールで1つを共用する。",
    ),
    settings=(
        MIN_AGE,
        Setting(
            "maxRequests",
            "number",
            0,
            "Requests over the measured window (CloudWatch RequestCount sum) at or below "
            "which a load balancer counts as unused.",
        ),
    ),
)
def idle_load_balancer(res: Res, ctx: Ctx) -> Iterator[Finding]:
    obs = observed(res)
    if obs is None:
        return
    age = _days(obs)
    if age is None or age < ctx.setting("minAgeDays"):
        return
    healthy, requests = _num(obs.get("healthyTargets")), _num(obs.get("requests"))
    days = _num(obs.get("days")) or 0
    if healthy == 0:
        yield Finding(
            Text(
                en=f"load balancer {res.name} has no healthy target",
                ja=f"ロードバランサー {res.name} に正常なターゲットがありません",
            )
        )
    elif requests is not None and requests <= ctx.setting("maxRequests"):
        yield Finding(
            Text(
                en=f"load balancer {res.name} received {requests:g} requests in {days:g} days",
                ja=f"ロードバランサー {res.name} の {days:g} 日間のリクエストは {requests:g} 件です",
            )
        )


# ---------------------------------------------------------------------------
# GCM-IDLE-004 NAT gateways that move no bytes
# ---------------------------------------------------------------------------
@rule(
    id="GCM-IDLE-004",
    title=Text(en="No NAT gateway that moves no data", ja="通信のない NAT ゲートウェイがない"),
    severity="medium",
    enforcement="advisory",
    lever="sizing",
    resource_types=(NAT_GATEWAY,),
    rationale=Text(
        en="A NAT gateway is billed for every hour it exists (Amazon VPC pricing, NAT gateway "
        "hour) even when it moves nothing. One that sent no bytes to any destination over the "
        "measured window (CloudWatch AWS/NATGateway BytesOutToDestination) is not needed. "
        f"{GUIDE_EN} asks to size from need; {_PEERS_EN} flag it (nat-gateway metrics; "
        "vpc_nat_gateway_unused).",
        ja="NAT ゲートウェイは通信がなくても存在する時間で課金される (Amazon VPC 料金、NAT "
        "ゲートウェイ時間)。計測期間中に宛先へ1バイトも送っていないもの (CloudWatch AWS/NATGateway "
        f"BytesOutToDestination) は不要である。{GUIDE_JA}は必要量に基づくサイズを求め、"
        f"{_PEERS_JA}もこれを検出する (`nat-gateway metrics`、`vpc_nat_gateway_unused`)。",
    ),
    remediation=Text(
        en="Delete the NAT gateway (and release its Elastic IP); reach AWS services through VPC "
        "endpoints.",
        ja="NAT ゲートウェイを削除し (Elastic IP も解放する)、AWS サービスには VPC エンドポイントで"
        "接続する。",
    ),
    settings=(
        MIN_AGE,
        Setting(
            "maxBytes",
            "number",
            0,
            "Bytes sent to destinations over the measured window at or below which a NAT "
            "gateway counts as unused.",
        ),
    ),
)
def idle_nat_gateway(res: Res, ctx: Ctx) -> Iterator[Finding]:
    obs = observed(res)
    if obs is None:
        return
    age, sent = _days(obs), _num(obs.get("bytesOut"))
    if age is None or sent is None or age < ctx.setting("minAgeDays"):
        return
    if sent <= ctx.setting("maxBytes"):
        days = _num(obs.get("days")) or 0
        yield Finding(
            Text(
                en=f"NAT gateway {res.name} sent {sent:g} bytes in {days:g} days",
                ja=f"NAT ゲートウェイ {res.name} の {days:g} 日間の送信量は {sent:g} バイトです",
            )
        )


# ---------------------------------------------------------------------------
# GCM-IDLE-005 snapshots older than any retention
# ---------------------------------------------------------------------------
@rule(
    id="GCM-IDLE-005",
    title=Text(
        en="No EBS snapshot older than the longest retention",
        ja="最長の保存期間より古い EBS スナップショットがない",
    ),
    severity="low",
    enforcement="mandatory",
    lever="storage",
    resource_types=(SNAPSHOT,),
    rationale=Text(
        en="Snapshots are billed per GB-month for as long as they exist (Amazon EBS pricing, "
        "snapshot storage). A hand-made snapshot older than the longest retention the estate "
        "keeps (gcmod's longest, audit logs: 400 days) is kept by no rule. "
        f"{GUIDE_EN} asks to keep backups only as long as needed; {_PEERS_EN} flag old "
        "snapshots (ebs-snapshot age with skip-ami-snapshots; ebs_snapshot_max_age). Snapshots "
        "of AMIs and of AWS Backup are left to their owners.",
        ja="スナップショットは存在する限り GB-月で課金される (Amazon EBS 料金、スナップショット)。"
        "環境で最長の保存期間 (gcmod では監査ログの 400 日) より古い手作業のスナップショットは、どの"
        f"規則にも保持されていない。{GUIDE_JA}はバックアップを必要な期間だけ保持するよう求め、"
        f"{_PEERS_JA}も古いスナップショットを検出する (`ebs-snapshot age` と `skip-ami-snapshots`、"
        "`ebs_snapshot_max_age`)。AMI と AWS Backup のスナップショットは対象外とする。",
    ),
    remediation=Text(
        en="Delete the snapshot, or move what must be kept for years into an AWS Backup plan "
        "with a lifecycle (cold storage, expiry).",
        ja="スナップショットを削除する。長期保存が必要なものはライフサイクル (コールドストレージ、"
        "期限) のある AWS Backup プランに移す。",
    ),
    settings=(
        Setting(
            "maxAgeDays",
            "number",
            400,
            "Age (days) beyond which a snapshot outlives every retention of the estate.",
        ),
    ),
)
def old_snapshot(res: Res, ctx: Ctx) -> Iterator[Finding]:
    obs = observed(res)
    if obs is None:
        return
    description = res.get("description") or ""
    if isinstance(description, str) and description.startswith(MANAGED_SNAPSHOT_PREFIXES):
        return
    age = _days(obs)
    limit = ctx.setting("maxAgeDays")
    if age is not None and age > limit:
        yield Finding(
            Text(
                en=f"snapshot {res.name} is {age:.0f} days old; the longest retention is "
                f"{limit:g} days",
                ja=f"スナップショット {res.name} は作成から {age:.0f} 日です。最長の保存期間は "
                f"{limit:g} 日です",
            )
        )


# ---------------------------------------------------------------------------
# GCM-IDLE-006 instances stopped for months with volumes attached
# ---------------------------------------------------------------------------
@rule(
    id="GCM-IDLE-006",
    title=Text(
        en="No instance stopped for months with volumes attached",
        ja="ボリュームを接続したまま長期間停止しているインスタンスがない",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="storage",
    resource_types=(INSTANCE,),
    rationale=Text(
        en="A stopped instance costs no instance-hours, but its EBS volumes are billed per "
        "GB-month all the same (Amazon EBS pricing). An instance stopped for months is not "
        "scheduled, it is abandoned, and its volumes are storage kept for nothing. "
        f"{GUIDE_EN} (lever 4) asks for storage sized to need; {_PEERS_EN} flag it (ec2 "
        "state-age; ec2_instance_stopped_with_volumes).",
        ja="停止中のインスタンスにはインスタンス時間の課金はないが、EBS ボリュームは GB-月で課金され"
        "続ける (Amazon EBS 料金)。数か月停止しているインスタンスは自動停止ではなく放置であり、"
        f"そのボリュームは何のためにもならない。{GUIDE_JA}の施策4は必要量に合ったストレージを求め、"
        f"{_PEERS_JA}もこれを検出する (`ec2 state-age`、`ec2_instance_stopped_with_volumes`)。",
    ),
    remediation=Text(
        en="Terminate the instance (snapshot or create an AMI first if it may be needed again).",
        ja="インスタンスを終了する (再利用の可能性があれば先にスナップショットまたは AMI を作成する)。",
    ),
    settings=(
        Setting(
            "minStoppedDays",
            "number",
            60,
            "Days an instance must have been stopped before its attached volumes count as "
            "kept for nothing.",
        ),
    ),
)
def stopped_with_volumes(res: Res, ctx: Ctx) -> Iterator[Finding]:
    obs = observed(res)
    if obs is None or obs.get("state") != "stopped":
        return
    stopped = _days(obs, "stoppedDays")
    if stopped is None or stopped < ctx.setting("minStoppedDays"):
        return
    volumes = [res.get("rootBlockDevice"), *(res.get("ebsBlockDevices") or [])]
    ids = [v.get("volumeId") or "?" for v in volumes if isinstance(v, Mapping)]
    if not ids:
        return
    yield Finding(
        Text(
            en=f"instance {res.name} has been stopped for {stopped:.0f} days with "
            f"{len(ids)} volume(s) attached ({', '.join(ids)})",
            ja=f"インスタンス {res.name} は {stopped:.0f} 日間停止したまま、ボリューム "
            f"{len(ids)} 個 ({', '.join(ids)}) が接続されています",
        )
    )
