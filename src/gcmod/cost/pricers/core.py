"""Charges, their pricing, the pricing context and the registry of pricers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from gcmod.components.tags import TAG_SCHEDULE as SCHEDULE_TAG
from gcmod.cost.arithmetic import (
    HOURS_PER_MONTH,
    monthly_hours,
)
from gcmod.cost.model import Category, Estimate, LineItem, MissingPrice
from gcmod.cost.phrase import Phrase
from gcmod.cost.usage import Usage
from gcmod.cost.vendorhours import ALWAYS_ON
from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.pricing.catalog import MissingPriceError, Price

TENANT_TAG = "gcmod:tenant"
DATA_GB_TAG = "gcmod:data-gb"
SHARED = "shared"


class PriceSource(Protocol):
    """What the cost model needs of a price catalogue (:class:`gcmod.pricing.Catalog`)."""

    jpy_per_usd: float
    fx_source: str

    def get(self, key: str, region: str) -> Price: ...


# ---------------------------------------------------------------------------
# Charges and their pricing
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Charge:
    """A quantity of one catalogue key, before it is priced."""

    resource: str
    resource_type: str
    category: Category
    description: Phrase
    """What is priced and how the quantity was found, in English and Japanese."""
    price_key: str
    region: str
    quantity: float
    tenant: str = SHARED

    def __post_init__(self) -> None:
        if not isinstance(self.description, Phrase) or not self.description.ja:
            raise TypeError(
                f"Charge {self.price_key} of {self.resource}: the description must be a "
                "Phrase with English and Japanese text (gcmod.cost.phrase)"
            )


def price_charges(label: str, charges: Iterable[Charge], catalog: PriceSource) -> Estimate:
    """Price ``charges`` into an :class:`Estimate` (the one pricing function of the model).

    Zero quantities are dropped. A key the catalogue lacks in a region gives
    one :class:`MissingPrice` per charge. Tiered prices are applied to the total
    quantity of the key in the region, then shared pro rata.
    """
    todo = [c for c in charges if c.quantity > 0]
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for c in todo:
        totals[(c.price_key, c.region)] += c.quantity
    prices: dict[tuple[str, str], Price | None] = {}
    for ident in totals:
        try:
            prices[ident] = catalog.get(*ident)
        except MissingPriceError:
            prices[ident] = None
    tier_cost = {
        ident: p.cost(totals[ident]) for ident, p in prices.items() if p is not None and p.tiers
    }
    est = Estimate(label)
    for c in todo:
        ident = (c.price_key, c.region)
        price = prices[ident]
        if price is None:
            est.missing.append(
                MissingPrice(
                    resource=c.resource,
                    resource_type=c.resource_type,
                    price_key=c.price_key,
                    region=c.region,
                    reason=f"no price for {c.price_key} in {c.region} in the catalogue: "
                    f"{c.description.en} is not counted",
                    reason_ja=f"価格カタログに {c.region} の {c.price_key} の価格がないため、"
                    f"{c.description.ja} は合計に含めていません",
                )
            )
            continue
        if price.tiers:
            monthly = tier_cost[ident] * c.quantity / totals[ident]
            unit_price = monthly / c.quantity
        else:
            monthly = c.quantity * price.usd
            unit_price = price.usd
        est.lines.append(
            LineItem(
                resource=c.resource,
                resource_type=c.resource_type,
                category=c.category,
                description=c.description.en,
                description_ja=c.description.ja,
                quantity=c.quantity,
                unit=price.unit,
                unit_price_usd=unit_price,
                monthly_usd=monthly,
                price_key=c.price_key,
                region=c.region,
                tenant=c.tenant,
            )
        )
    return est


def _n(x: float) -> str:
    """A number for a description: integers plainly, others to 4 significant digits."""
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.4g}"


# ---------------------------------------------------------------------------
# The pricing context and the registry
# ---------------------------------------------------------------------------
@dataclass
class PricingContext:
    """Everything a pricer may read besides its node."""

    graph: ResourceGraph
    usage: Usage
    scheduled: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    """Schedule group -> resource kind -> calendar target -> average monthly hours."""
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Things the estimate could not price or had to assume, by topic (English)."""
    notes_ja: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """The same in Japanese, item for item."""
    vendor: Any = None
    """The program's own schedules (:class:`gcmod.cost.vendorhours.VendorSchedules`),
    made on first use."""

    def note(self, topic: str, text: Phrase) -> None:
        """Record what could not be priced or had to be assumed, under ``topic``."""
        self.notes[topic].append(text.en)
        self.notes_ja[topic].append(text.ja)

    def region(self, node: ResourceNode) -> str:
        return node.region or self.graph.region

    def charge(
        self,
        node: ResourceNode,
        category: Category,
        description: Phrase,
        price_key: str,
        quantity: float,
        tenant: str = SHARED,
    ) -> Charge:
        """A :class:`Charge` of ``node``, in the region it is created in."""
        return Charge(
            node.name, node.type, category, description, price_key, self.region(node),
            quantity, tenant,
        )  # fmt: skip

    def tenant(self, node: ResourceNode) -> str:
        t = node.tags.get(TENANT_TAG)
        return t if isinstance(t, str) and t and t != UNKNOWN else SHARED

    def siblings(self, node: ResourceNode, *types: str) -> list[ResourceNode]:
        return [
            r
            for r in self.graph.resources
            if r.parent == node.parent and (not types or r.type in types)
        ]

    def deps(self, node: ResourceNode, prop: str | None = None) -> list[ResourceNode]:
        urns = node.property_dependencies.get(prop, ()) if prop else node.dependencies
        return [self.graph.by_urn[u] for u in urns if u in self.graph.by_urn]

    def referrers(self, node: ResourceNode, prop: str, *types: str) -> list[ResourceNode]:
        """Resources whose input ``prop`` depends on ``node``."""
        return [
            r
            for r in self.graph.resources
            if node.urn in r.property_dependencies.get(prop, ()) and (not types or r.type in types)
        ]

    def hours(self, node: ResourceNode, kind: str) -> tuple[float, Phrase]:
        """Monthly running hours of a scheduled resource, and how they were found:
        gcmod's calendar for what gcmod's components schedule (``kind`` names the
        calendar target), else the program's own schedules
        (:mod:`gcmod.cost.vendorhours`), else 24/7."""
        group = node.tags.get(SCHEDULE_TAG)
        if not isinstance(group, str):
            if self.vendor is None:
                from gcmod.cost.vendorhours import VendorSchedules

                self.vendor = VendorSchedules(self.graph)
            hours, how, note = self.vendor.hours(node)
            if note:
                self.note("hours", note)
            return hours, how
        if group not in self.scheduled:
            return HOURS_PER_MONTH, ALWAYS_ON
        targets = self.scheduled[group].get(kind, {})
        if len(targets) == 1:
            (name, h), *_ = targets.items()
        else:
            match = [(n, h) for n, h in targets.items() if n in node.name]
            if len(match) != 1:
                self.note(
                    "hours",
                    Phrase(
                        f"{node.name}: tagged {SCHEDULE_TAG}={group} but no single {kind} "
                        "target in its running calendar; priced 24/7",
                        f"{node.name}: {SCHEDULE_TAG}={group} のタグがあるが、稼働カレンダーに"
                        f"{kind} の対象が1つに定まらないため、24時間365日で積算",
                    ),
                )
                return HOURS_PER_MONTH, ALWAYS_ON
            name, h = match[0]
        return monthly_hours(h), Phrase(
            f"scheduled: calendar target {name!r}", f"自動停止: 稼働カレンダーの {name}"
        )


Pricer = Callable[[ResourceNode, PricingContext], list[Charge]]
#: Pulumi type token -> pricer. Register with ``@pricer(token, ...)``.
PRICERS: dict[str, Pricer] = {}


def pricer(*tokens: str) -> Callable[[Pricer], Pricer]:
    def register(fn: Pricer) -> Pricer:
        for t in tokens:
            if t in PRICERS:
                raise ValueError(f"two pricers for {t}")
            PRICERS[t] = fn
        return fn

    return register


#: Types that cost nothing by themselves, and why.
FREE_TYPES: dict[str, str] = {
    "aws:ec2/vpc:Vpc": "VPCs are free",
    "aws:ec2/subnet:Subnet": "subnets are free",
    "aws:ec2/routeTable:RouteTable": "route tables are free",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "free",
    "aws:ec2/route:Route": "free",
    "aws:ec2/internetGateway:InternetGateway": "internet gateways are free (data transfer is not)",
    "aws:ec2/securityGroup:SecurityGroup": "security groups are free",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "free",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "free",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "free",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "free",
    "aws:ec2/volumeAttachment:VolumeAttachment": "free (the volume is priced)",
    "aws:iam/role:Role": "IAM is free",
    "aws:iam/rolePolicy:RolePolicy": "IAM is free",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM is free",
    "aws:iam/policy:Policy": "IAM is free",
    "aws:iam/instanceProfile:InstanceProfile": "IAM is free",
    "aws:lb/listener:Listener": "included in the load balancer's hours and LCUs",
    "aws:lb/listenerRule:ListenerRule": "rule evaluations are an LCU dimension (usage albLcu)",
    "aws:lb/targetGroup:TargetGroup": "included in the load balancer",
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": "free",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "free",
    "aws:appautoscaling/target:Target": "Application Auto Scaling is free",
    "aws:acm/certificate:Certificate": "public ACM certificates are free",
    "aws:kms/alias:Alias": "aliases are free",
    "aws:backup/vault:Vault": "vaults are free (recovery points are priced with the plan)",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": "free",
    "aws:backup/regionSettings:RegionSettings": "free (a setting of the account and region)",
    "aws:backup/selection:Selection": "free (what it selects is priced with the plan)",
    "aws:rds/subnetGroup:SubnetGroup": "free",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": "free",
    "aws:rds/parameterGroup:ParameterGroup": "free",
    "aws:s3/bucketPolicy:BucketPolicy": "free",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "free",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "free",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        "SSE-S3 is free (SSE-KMS requests are KMS requests)"
    ),
    "aws:s3/bucketVersioning:BucketVersioning": "free (extra versions are storage)",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (
        "free (the storage it shapes is priced with the bucket)"
    ),
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": (
        "free (the Firehose stream it feeds is priced)"
    ),
    "aws:ec2/launchTemplate:LaunchTemplate": "free (instances are priced)",
    "aws:ssm/document:Document": "free",
    "aws:ssm/association:Association": "State Manager is free",
    "aws:ec2transitgateway/transitGateway:TransitGateway": (
        "free by itself (attachments and data processed are priced)"
    ),
    "aws:ec2/customerGateway:CustomerGateway": "free (the VPN connection is priced)",
    "aws:ec2/vpnGateway:VpnGateway": "free (the VPN connection is priced)",
    "aws:route53/record:Record": "records are free (queries are not priced)",
    "aws:sns/topicPolicy:TopicPolicy": "free (the topic's publishes are priced with it)",
    # Vendors' own schedules (their running hours are read by gcmod.cost.vendorhours).
    "aws:autoscaling/schedule:Schedule": (
        "scheduled actions are free: EC2 Auto Scaling has no charge of its own (the "
        "instances are priced)"
    ),
    "aws:cloudwatch/eventRule:EventRule": (
        "a scheduled rule's events are AWS events, free with their rule evaluation and "
        "delivery (custom events are not: $1/million); secondary sources read 2026-12-02: "
        "wring.co 'AWS EventBridge pricing guide', factualminds.com (2026-06-13)"
    ),
    "aws:cloudwatch/eventTarget:EventTarget": (
        "free by itself (delivery is part of the rule's events; what the target runs is "
        "not priced here)"
    ),
}
#: Types priced together with another resource (no line of their own).
PRICED_VIA: dict[str, str] = {
    "aws:ecs/taskDefinition:TaskDefinition": "priced with its ECS service",
    "aws:appautoscaling/scheduledAction:ScheduledAction": "peaks priced with the ECS service",
    "aws:scheduler/schedule:Schedule": "invocations priced with its schedule group",
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": (
        "listed, not priced: a monthly ~1 h restore of the Aurora cluster, deleted after validation"
    ),
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": "with its restore testing plan",
    "aws:sns/topicSubscription:TopicSubscription": "e-mail deliveries priced with its topic",
}


# Helpers the service modules share
def _num(value: Any, default: float | None = None) -> float | None:
    if isinstance(value, bool) or value is None or value == UNKNOWN:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _data_gb(node: ResourceNode, default: float) -> float:
    v = _num(node.tags.get(DATA_GB_TAG))
    return default if v is None else v
