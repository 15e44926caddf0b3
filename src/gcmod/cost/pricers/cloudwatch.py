"""Amazon CloudWatch: alarms and the custom metrics of metric filters."""

from __future__ import annotations

from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers.core import (
    Charge,
    PricingContext,
    pricer,
)
from gcmod.graph import ResourceNode


@pricer("aws:cloudwatch/metricAlarm:MetricAlarm")
def price_alarm(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A standard-resolution alarm: one alarm-month per metric it evaluates."""
    queries = node.inputs.get("metricQueries") or []
    metrics = sum(1 for q in queries if isinstance(q, dict) and q.get("metric")) or 1
    return [
        Charge(
            node.name,
            node.type,
            "operations",
            Phrase(
                f"CloudWatch alarm ({metrics} metric(s))",
                f"CloudWatch アラーム (メトリクス {metrics}個)",
            ),
            "cloudwatch.alarm-month",
            ctx.region(node),
            metrics,
            ctx.tenant(node),
        )
    ]


@pricer("aws:cloudwatch/logMetricFilter:LogMetricFilter")
def price_metric_filter(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """The filter is free; the custom metric it publishes is not: one metric per
    dimension value (per tenant for a tenant dimension)."""
    mt = node.inputs.get("metricTransformation") or {}
    dims = mt.get("dimensions") or {}
    tenants = len(ctx.usage.tenant_requests_per_month) or 1
    metrics = tenants if dims else 1
    return [
        Charge(
            node.name,
            node.type,
            "operations",
            Phrase(
                f"CloudWatch custom metric {mt.get('name', '')} "
                f"({metrics} dimension value(s){': one per tenant' if dims else ''})",
                f"CloudWatch カスタムメトリクス {mt.get('name', '')} "
                f"(ディメンション値 {metrics}個{': 利用団体ごとに1つ' if dims else ''})",
            ),
            "cloudwatch.custom-metric-month",
            ctx.region(node),
            metrics,
            ctx.tenant(node),
        )
    ]


#: Alarms Application Auto Scaling / EC2 Auto Scaling create per target tracking
#: policy: one to scale out, one to scale in. Source: Application Auto Scaling
#: User Guide, "Target tracking scaling policies" (the service creates and manages
#: the CloudWatch alarms; they are billed as CloudWatch alarms); read 2026-12-02.
TARGET_TRACKING_ALARMS = 2


@pricer("aws:appautoscaling/policy:Policy", "aws:autoscaling/policy:Policy")
def price_scaling_policy(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """Scaling is free; a target tracking policy's two CloudWatch alarms are not."""
    if node.inputs.get("policyType") != "TargetTrackingScaling":
        return []
    return [
        Charge(
            node.name,
            node.type,
            "operations",
            Phrase(
                f"CloudWatch alarms of a target tracking policy ({TARGET_TRACKING_ALARMS}: "
                "scale out and scale in)",
                f"ターゲット追跡ポリシーの CloudWatch アラーム ({TARGET_TRACKING_ALARMS}個: "
                "スケールアウト用とスケールイン用)",
            ),
            "cloudwatch.alarm-month",
            ctx.region(node),
            TARGET_TRACKING_ALARMS,
            ctx.tenant(node),
        )
    ]
