"""Per-tenant visibility and cost guardrails: one CloudWatch dashboard, AWS Budgets
per environment and per tenant, alerts to an SNS topic.

The public-SaaS requirements ask for per-tenant usage visible by dashboard or API
and for KPIs and service levels on dashboards. :class:`Observability` builds:

* a **CloudWatch dashboard** ``<name>`` with the service level (share of requests
  the load balancer answered without a 5xx, per 5 minutes), errors (target and
  load balancer 5xx, target 4xx), latency (target response time p50/p95/p99) and
  requests per tenant (the ``Requests`` metric with the ``Tenant`` dimension that
  the platform's metric filter publishes, found with a ``SEARCH`` expression, so
  a new tenant appears without changing the dashboard);
* an **SNS topic** for the alerts (or the one given), whose policy lets AWS
  Budgets publish from this account only;
* an **AWS Budget** for the environment (cost-allocation tags
  ``gcmod:system`` and ``gcmod:environment``) and one per tenant
  (``gcmod:tenant``), each alerting at 80% of actual and 100% of forecast cost.
  The tag keys must be activated as cost-allocation tags in the billing console
  for the filters to match (the same keys every gcmod resource carries).

Budgets and dashboards are priced by the estimate (``gcmod estimate``), not here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from gcmod.components.environment import resolve_environment
from gcmod.components.providers import invoke_options
from gcmod.components.tags import TAG_ENVIRONMENT, TAG_SYSTEM, TAG_TENANT, component_tags

#: Metric the platform's log metric filter publishes per tenant (dimension ``Tenant``).
TENANT_METRIC = "Requests"
TENANT_DIMENSION = "Tenant"
#: Dashboard period (seconds).
PERIOD = 300
#: Budget alerts: (notification type, threshold % of the limit).
BUDGET_ALERTS: tuple[tuple[str, float], ...] = (("ACTUAL", 80.0), ("FORECASTED", 100.0))


def tag_filter(key: str, value: str) -> str:
    """An AWS Budgets ``TagKeyValue`` cost filter value for a user-defined cost-allocation tag."""
    return f"user:{key}${value}"


@dataclass(frozen=True)
class ObservabilityArgs:
    """Inputs of :class:`Observability`."""

    load_balancer_arn: pulumi.Input[str]
    """ARN of the service's load balancer (``StatelessService.load_balancer_arn``);
    its metrics fill the service-level, error and latency widgets. Required."""
    monthly_limit_usd: float
    """Monthly cost budget of the environment (USD). Required."""
    tenant_limits_usd: Mapping[str, float] = field(default_factory=dict)
    """Monthly budget per tenant (local government code -> USD). @default none:
    no per-tenant budget."""
    tenant_metric_namespace: str | None = None
    """CloudWatch namespace of the per-tenant ``Requests`` metric. @default
    ``gcmod/<stack>`` (the platform's)."""
    alert_topic_arn: pulumi.Input[str] | None = None
    """An existing SNS topic for the alerts. @default a topic ``<name>-alerts`` is
    created."""
    alert_emails: Sequence[str] = ()
    """E-mail addresses subscribed to the created topic. @default none"""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on every taggable resource; gcmod's cost-allocation keys are added. @default none"""
    env: str | None = None
    """production, staging or development. @default decided by
    :func:`gcmod.components.environment.resolve_environment`."""

    def __post_init__(self) -> None:
        for what, amount in (
            ("monthly_limit_usd", self.monthly_limit_usd),
            *((f"tenant_limits_usd[{k}]", v) for k, v in self.tenant_limits_usd.items()),
        ):
            if isinstance(amount, bool) or not isinstance(amount, int | float) or amount <= 0:
                raise ValueError(f"{what} must be a positive amount in USD, got {amount!r}")
        for email in self.alert_emails:
            if "@" not in email or any(c.isspace() for c in email):
                raise ValueError(f"alert_emails: {email!r} is not an e-mail address")
        if self.alert_emails and self.alert_topic_arn is not None:
            raise ValueError(
                "alert_emails subscribe to the created topic; not with alert_topic_arn"
            )


def _arn_suffix(arn: str) -> str:
    """``arn:...:loadbalancer/app/x/123`` -> ``app/x/123`` (the metrics' dimension)."""
    return arn.split(":loadbalancer/", 1)[-1]


def dashboard_body(lb_suffix: str, namespace: str, region: str) -> dict:
    """The dashboard's widgets (CloudWatch dashboard body structure)."""
    lb = ["AWS/ApplicationELB"]

    def metric(name: str, stat: str, **extra: object) -> list:
        return [*lb, name, "LoadBalancer", lb_suffix, {"stat": stat, **extra}]

    def widget(title: str, metrics: list, y: int, x: int, **props: object) -> dict:
        return {
            "type": "metric",
            "x": x,
            "y": y,
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": region,
                "period": PERIOD,
                "view": "timeSeries",
                "metrics": metrics,
                **props,
            },
        }

    tenants = (
        f"SEARCH('{{{namespace},{TENANT_DIMENSION}}} MetricName=\"{TENANT_METRIC}\"', "
        f"'Sum', {PERIOD})"
    )
    return {
        "widgets": [
            widget(
                "サービスレベル / Service level (% of requests without 5xx)",
                [
                    [
                        {
                            "expression": "100 * (1 - (FILL(e5,0) + FILL(t5,0)) / req)",
                            "label": "service level %",
                            "id": "sl",
                        }
                    ],
                    metric("RequestCount", "Sum", id="req", visible=False),
                    metric("HTTPCode_ELB_5XX_Count", "Sum", id="e5", visible=False),
                    metric("HTTPCode_Target_5XX_Count", "Sum", id="t5", visible=False),
                ],
                0,
                0,
                yAxis={"left": {"min": 0, "max": 100}},
            ),
            widget(
                "エラー / Errors",
                [
                    metric("HTTPCode_Target_5XX_Count", "Sum"),
                    metric("HTTPCode_ELB_5XX_Count", "Sum"),
                    metric("HTTPCode_Target_4XX_Count", "Sum"),
                ],
                0,
                12,
            ),
            widget(
                "応答時間 / Latency (s)",
                [metric("TargetResponseTime", s) for s in ("p50", "p95", "p99")],
                6,
                0,
            ),
            widget(
                "テナント別リクエスト / Requests per tenant",
                [[{"expression": tenants, "id": "tenants", "label": ""}]],
                6,
                12,
                stacked=True,
            ),
        ]
    }


class Observability(pulumi.ComponentResource):
    """A service dashboard and cost budgets with alerts
    (token ``gcmod:observability:Observability``)."""

    environment: str
    dashboard_name: pulumi.Output[str]
    alert_topic_arn: pulumi.Output[str]
    budget_names: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        env = resolve_environment(args.env, args.tags).environment
        super().__init__("gcmod:observability:Observability", name, None, opts)
        self.environment = env
        tags = component_tags(args.tags, env)
        child = pulumi.ResourceOptions(parent=self)
        region = aws.get_region(opts=invoke_options(self)).region
        account = aws.get_caller_identity(opts=invoke_options(self)).account_id
        partition = aws.get_partition(opts=invoke_options(self)).partition
        namespace = args.tenant_metric_namespace or f"gcmod/{pulumi.get_stack()}"

        dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=name,
            dashboard_body=pulumi.Output.from_input(args.load_balancer_arn).apply(
                lambda arn: json.dumps(dashboard_body(_arn_suffix(arn), namespace, region))
            ),
            opts=child,
        )

        if args.alert_topic_arn is not None:
            topic_arn: pulumi.Input[str] = args.alert_topic_arn
        else:
            topic_name = f"{name}-alerts"
            topic = aws.sns.Topic(topic_name, name=topic_name, tags=tags, opts=child)
            # Known before deployment (the topic's name is fixed): checkable offline.
            known_arn = f"arn:{partition}:sns:{region}:{account}:{topic_name}"
            aws.sns.TopicPolicy(
                topic_name,
                arn=topic.arn,
                policy=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "BudgetsPublish",
                                "Effect": "Allow",
                                "Principal": {"Service": "budgets.amazonaws.com"},
                                "Action": "SNS:Publish",
                                "Resource": known_arn,
                                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                            }
                        ],
                    }
                ),
                opts=child,
            )
            for i, email in enumerate(args.alert_emails):
                aws.sns.TopicSubscription(
                    f"{name}-alerts-{i}",
                    topic=topic.arn,
                    protocol="email",
                    endpoint=email,
                    opts=child,
                )
            topic_arn = topic.arn

        system = tags[TAG_SYSTEM]
        budgets: dict[str, aws.budgets.Budget] = {
            env: self._budget(
                f"{name}-{env}",
                args.monthly_limit_usd,
                [tag_filter(TAG_SYSTEM, system), tag_filter(TAG_ENVIRONMENT, env)],
                topic_arn,
                tags,
                child,
            )
        }
        for code, limit in sorted(args.tenant_limits_usd.items()):
            budgets[code] = self._budget(
                f"{name}-tenant-{code}",
                limit,
                [tag_filter(TAG_TENANT, code)],
                topic_arn,
                {**tags, TAG_TENANT: code},
                child,
            )

        self.dashboard_name = dashboard.dashboard_name
        self.alert_topic_arn = pulumi.Output.from_input(topic_arn)
        self.budget_names = {k: b.name for k, b in budgets.items()}
        self.register_outputs(
            {
                "environment": env,
                "dashboardName": self.dashboard_name,
                "alertTopicArn": self.alert_topic_arn,
                "budgetNames": self.budget_names,
            }
        )

    @staticmethod
    def _budget(
        name: str,
        limit: float,
        tag_values: list[str],
        topic_arn: pulumi.Input[str],
        tags: Mapping[str, str],
        child: pulumi.ResourceOptions,
    ) -> aws.budgets.Budget:
        return aws.budgets.Budget(
            name,
            name=name,
            budget_type="COST",
            limit_amount=f"{limit:.2f}",
            limit_unit="USD",
            time_unit="MONTHLY",
            cost_filters=[aws.budgets.BudgetCostFilterArgs(name="TagKeyValue", values=tag_values)],
            notifications=[
                aws.budgets.BudgetNotificationArgs(
                    comparison_operator="GREATER_THAN",
                    notification_type=kind,
                    threshold=threshold,
                    threshold_type="PERCENTAGE",
                    subscriber_sns_topic_arns=[topic_arn],
                )
                for kind, threshold in BUDGET_ALERTS
            ],
            tags=dict(tags),
            opts=child,
        )
