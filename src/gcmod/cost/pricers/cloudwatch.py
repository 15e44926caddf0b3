"""Amazon CloudWatch: alarms and the custom metrics of metric filters."""

from __future__ import annotations

from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers.core import (
    Charge,
    PricingContext,
    pricer,
)
from gcmod.graph import UNKNOWN, ResourceNode


@pricer("aws:cloudwatch/metricAlarm:MetricAlarm")
def price_alarm(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A standard-resolution alarm: one alarm-month per metric it evaluates."""
    queries = node.inputs.get("metricQueries") or []
    metrics = sum(1 for q in queries if isinstance(q, dict) and q.get("metric")) or 1
    return [
        ctx.charge(
            node,
            "operations",
            Phrase(
                f"CloudWatch alarm ({metrics} metric(s))",
                f"CloudWatch アラーム (メトリクス {metrics}個)",
            ),
            "cloudwatch.alarm-month",
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
        ctx.charge(
            node,
            "operations",
            Phrase(
                f"CloudWatch custom metric {mt.get('name', '')} "
                f"({metrics} dimension value(s){': one per tenant' if dims else ''})",
                f"CloudWatch カスタムメトリクス {mt.get('name', '')} "
                f"(ディメンション値 {metrics}個{': 利用団体ごとに1つ' if dims else ''})",
            ),
            "cloudwatch.custom-metric-month",
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
        ctx.charge(
            node,
            "operations",
            Phrase(
                f"CloudWatch alarms of a target tracking policy ({TARGET_TRACKING_ALARMS}: "
                "scale out and scale in)",
                f"ターゲット追跡ポリシーの CloudWatch アラーム ({TARGET_TRACKING_ALARMS}個: "
                "スケールアウト用とスケールイン用)",
            ),
            "cloudwatch.alarm-month",
            TARGET_TRACKING_ALARMS,
            ctx.tenant(node),
        )
    ]


#: Metrics a dashboard may reference and still count for CloudWatch's free tier
#: ("3 custom dashboards referencing up to 50 metrics each per month", AWS
#: CloudWatch pricing page, stored copy, read 2026-12-02; the Price List's usage
#: types DashboardsUsageHour-Basic and DashboardsUsageHour split at the same 50).
FREE_TIER_DASHBOARD_METRICS = 50


def dashboard_metrics(body: object, tenants: int) -> int | None:
    """Metrics a dashboard body references: one per metric line of its metric
    widgets, ``tenants`` per ``SEARCH`` expression (gcmod's per-tenant widget finds
    one metric per tenant), none for math expressions over other lines. ``None``
    when the body is not known before deployment (it names a load balancer's ARN)."""
    import json

    if body == UNKNOWN:
        return None
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return None
    widgets = body.get("widgets", []) if isinstance(body, dict) else []
    n = 0
    for w in widgets:
        props = w.get("properties", {}) if isinstance(w, dict) else {}
        for line in props.get("metrics", []) if isinstance(props, dict) else []:
            head = line[0] if isinstance(line, list) and line else None
            if isinstance(head, dict):
                n += tenants if "SEARCH(" in str(head.get("expression", "")) else 0
            elif head is not None:
                n += 1
    return n


@pricer("aws:cloudwatch/dashboard:Dashboard")
def price_dashboard(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A custom dashboard: one dashboard-month. The free tier (3 dashboards of up to
    50 metrics each, per account and shared with every other dashboard there) is
    not credited: the estimate cannot know the account's other dashboards."""
    tenants = len(ctx.usage.tenant_requests_per_month) or 1
    metrics = dashboard_metrics(node.inputs.get("dashboardBody"), tenants)
    free = FREE_TIER_DASHBOARD_METRICS
    not_credited = Phrase(
        "the account's 3 free dashboards not credited",
        "アカウントの無料の3ダッシュボードは差し引かない",
    )
    if metrics is None:
        size = Phrase("metrics known after deployment; ", "メトリクス数はデプロイ後に決まる。")
        size += not_credited
    elif metrics > free:
        size = Phrase(
            f"{metrics} metrics, more than {free}: never in the free tier",
            f"メトリクス {metrics}個 ({free}個を超えるため無料枠の対象外)",
        )
    else:
        size = Phrase(f"{metrics} metrics; ", f"メトリクス {metrics}個。") + not_credited
    return [
        ctx.charge(
            node,
            "operations",
            Phrase("CloudWatch dashboard (", "CloudWatch ダッシュボード (") + size + ")",
            "cloudwatch.dashboard-month",
            1,
            ctx.tenant(node),
        )
    ]
