"""GovCloudPlatform: one shared environment for many municipalities.

The composite the stack program builds from a :class:`~gcmod.config.StackConfig`:
a network, managed logging, one database and one container service shared by
every tenant, host-based routing per tenant on the shared load balancer, a
tenant dimension for logs and metrics, managed backup with backup-only DR to
Osaka, (outside production by default) scheduled shutdown, and (unless
``observability.enabled`` is false) a service dashboard with AWS Budgets for the
environment and each tenant, alerting an SNS topic.

Tenancy rules:
- No per-tenant cluster, database or load balancer: tenants share them.
- Each tenant owns only its listener rule (host-based routing), an SSM
  parameter with its settings and (by default) its cost budget, all tagged with
  its code and named after it;
  listener priorities derive from the local government code. Adding a tenant
  adds that tenant's resources and changes nothing else: the application finds
  tenants by reading the parameter path, so no task definition changes, and the
  default budgets do not depend on the tenants (the tenant's own budget is added).
- Requests for hosts no tenant owns get a 404 from the load balancer.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from gcmod.components.backup import ManagedBackup, ManagedBackupArgs
from gcmod.components.database import Database, DatabaseArgs
from gcmod.components.logs import ManagedLogging, ManagedLoggingArgs
from gcmod.components.network import Network, NetworkArgs
from gcmod.components.observability import Observability, ObservabilityArgs
from gcmod.components.providers import aws_provider, invoke_options, regional_copy
from gcmod.components.service import StatelessService, StatelessServiceArgs
from gcmod.components.shutdown import (
    AuroraClusterTarget,
    EcsServiceTarget,
    ScheduledShutdown,
    ScheduledShutdownArgs,
    schedule_tag,
)
from gcmod.components.tags import cost_tags, with_tenant
from gcmod.config import StackConfig, Tenant

#: Tag that puts a stateful store under the managed backup plan.
BACKUP_TAG = ("gcmod:backup", "daily")
#: JSON field naming the tenant in the application's structured log lines. An ALB
#: cannot add headers, so the application maps the Host header to the tenant
#: (``GCMOD_TENANT_HOSTS`` lists host=code pairs) and logs it in this field.
TENANT_LOG_FIELD = "tenant"
#: Log class whose structured lines carry the tenant field for the metric filter.
APPLICATION_LOG_CLASS = "application"


def tenant_parameter_path(stack: str) -> str:
    """SSM path under which each tenant's settings live (``<path><code>``); the
    application maps the Host header to a tenant from these parameters."""
    return f"/gcmod/{stack}/tenants/"


def tenant_priority(tenant: Tenant) -> int:
    """Listener-rule priority for a tenant, stable under additions: the first
    five digits of its local government code (prefecture + municipality),
    1000–47999, unique per municipality and inside the ALB's 1–50000 range."""
    return int(tenant.code[:5])


@dataclass(frozen=True)
class PlatformArgs:
    """Inputs of :class:`GovCloudPlatform`."""

    config: StackConfig
    """The validated stack configuration. Required."""
    stack: str
    """Stack name, used in log group names. Required."""
    horizon_start: dt.date | None = None
    """First day of the shutdown schedules' horizon. @default
    ``config.schedule.horizonStart``, else the current month (Asia/Tokyo)."""


class GovCloudPlatform(pulumi.ComponentResource):
    """One multi-tenant Government Cloud environment (token ``gcmod:platform:GovCloudPlatform``)."""

    def __init__(
        self, name: str, args: PlatformArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("gcmod:platform:GovCloudPlatform", name, None, opts)
        cfg = args.config
        child = pulumi.ResourceOptions(parent=self)
        base = cost_tags(cfg.system, cfg.environment, extra=cfg.tags)
        sched = schedule_tag(f"{name}-shutdown") if cfg.schedule_enabled else {}

        # The application reads its tenants from SSM Parameter Store (one
        # parameter per tenant), reached through an ssm endpoint.
        self.network = Network(
            f"{name}-net",
            NetworkArgs(
                config=cfg.network,
                tags=base,
                extra_interface_endpoints=("ssm",),
                env=cfg.environment,
            ),
            opts=child,
        )
        self.logging = ManagedLogging(
            f"{name}-logs",
            ManagedLoggingArgs(
                name_prefix=f"/gcmod/{args.stack}",
                config=cfg.logging,
                tags=base,
                env=cfg.environment,
            ),
            opts=child,
        )
        self.database = Database(
            f"{name}-db",
            DatabaseArgs(
                vpc_id=self.network.vpc_id,
                subnet_ids=self.network.private_subnet_ids,
                availability_zones=self.network.availability_zones,
                config=cfg.database,
                deletion_protection=cfg.deletion_protection,
                tags=base,
                cluster_tags={**sched, BACKUP_TAG[0]: BACKUP_TAG[1]},
                env=cfg.environment,
                # The platform's one schedule (below) starts and stops it.
                scheduled_shutdown=False,
                schedule=cfg.schedule,
            ),
            opts=child,
        )
        tenant_path = tenant_parameter_path(args.stack)
        app_log = (
            APPLICATION_LOG_CLASS
            if APPLICATION_LOG_CLASS in cfg.logging.classes
            else next(iter(cfg.logging.classes))
        )
        self.service = StatelessService(
            f"{name}-app",
            StatelessServiceArgs(
                vpc_id=self.network.vpc_id,
                vpc_cidr=cfg.network.cidr,
                subnet_ids=self.network.private_subnet_ids,
                log_group_name=self.logging.log_group_names[app_log],
                config=cfg.service,
                domain=cfg.domain,
                environment={
                    "DB_HOST": self.database.endpoint,
                    "GCMOD_SYSTEM": cfg.system,
                    "GCMOD_TENANT_PARAMETER_PATH": tenant_path,
                },
                secrets={"DB_CREDENTIALS": self.database.secret_arn},
                tags={**base, **sched},
                bounds_managed_by_schedule=cfg.schedule_enabled,
                unmatched_hosts="not-found",
                env=cfg.environment,
                scheduled_shutdown=False,
                schedule=cfg.schedule,
            ),
            opts=child,
        )
        self.database.allow_from("app", self.service.security_group_id)

        # The application may read its tenant parameters, and nothing else.
        identity = aws.get_caller_identity(opts=invoke_options(self))
        aws.iam.RolePolicy(
            f"{name}-app-read-tenants",
            role=self.service.task_role.id,
            policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["ssm:GetParametersByPath", "ssm:GetParameter"],
                            "Resource": [
                                f"arn:aws:ssm:{cfg.region}:{identity.account_id}:parameter"
                                + tenant_path.rstrip("/"),
                                f"arn:aws:ssm:{cfg.region}:{identity.account_id}:parameter"
                                + tenant_path
                                + "*",
                            ],
                        }
                    ],
                }
            ),
            opts=child,
        )

        # -- tenants: routing, a parameter, nothing shared -----------------------
        self.tenant_rules: dict[str, aws.lb.ListenerRule] = {}
        self.tenant_parameters: dict[str, aws.ssm.Parameter] = {}
        for tenant in cfg.tenants:
            self.tenant_parameters[tenant.code] = aws.ssm.Parameter(
                f"{name}-tenant-{tenant.code}-settings",
                name=f"{tenant_path}{tenant.code}",
                type="String",
                tier="Standard",
                insecure_value=json.dumps(
                    {
                        "code": tenant.code,
                        "name": tenant.name,
                        "host": cfg.tenant_host(tenant),
                        "population": tenant.population,
                    },
                    ensure_ascii=False,
                ),
                description=f"gcmod tenant {tenant.code}",
                tags=with_tenant(base, tenant.code),
                opts=child,
            )
            self.tenant_rules[tenant.code] = aws.lb.ListenerRule(
                f"{name}-tenant-{tenant.code}",
                listener_arn=self.service.listener_arn,
                priority=tenant_priority(tenant),
                conditions=[
                    aws.lb.ListenerRuleConditionArgs(
                        host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(
                            values=[cfg.tenant_host(tenant)]
                        )
                    )
                ],
                actions=[
                    aws.lb.ListenerRuleActionArgs(
                        type="forward", target_group_arn=self.service.target_group_arn
                    )
                ],
                tags=with_tenant(base, tenant.code),
                opts=child,
            )
        # One metric filter extracts the tenant as a dimension for all tenants:
        # per-tenant request counts without per-tenant resources.
        self.tenant_metric = aws.cloudwatch.LogMetricFilter(
            f"{name}-requests-by-tenant",
            log_group_name=self.logging.log_group_names[app_log],
            pattern=f'{{ $.{TENANT_LOG_FIELD} = "*" }}',
            metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                name="Requests",
                namespace=f"gcmod/{args.stack}",
                value="1",
                unit="Count",
                dimensions={"Tenant": f"$.{TENANT_LOG_FIELD}"},
            ),
            opts=child,
        )

        # -- backup and backup-only DR ------------------------------------------
        # The platform's provider with only the region changed (assumed role,
        # profile, default tags carry over).
        self.dr_provider = (
            regional_copy(f"{name}-dr", aws_provider(self), cfg.dr.region, child)
            if cfg.dr.copy_backups
            else None
        )
        self.backup = ManagedBackup(
            f"{name}-backup",
            ManagedBackupArgs(
                config=cfg.backup,
                dr=cfg.dr,
                dr_provider=self.dr_provider,
                vault_lock=cfg.vault_lock,
                restore_testing=cfg.restore_testing,
                selection_tag=BACKUP_TAG,
                tags=base,
                env=cfg.environment,
            ),
            opts=child,
        )

        # -- scheduled shutdown ---------------------------------------------------
        self.shutdown: ScheduledShutdown | None = None
        if cfg.schedule_enabled:
            self.shutdown = ScheduledShutdown(
                f"{name}-shutdown",
                ScheduledShutdownArgs(
                    schedule=cfg.schedule,
                    ecs_services=[
                        EcsServiceTarget(
                            name="app",
                            cluster_name=self.service.cluster_name,
                            service_name=self.service.service_name,
                            min_tasks=cfg.service.min_tasks,
                            max_tasks=cfg.service.max_tasks,
                        )
                    ],
                    aurora_clusters=[
                        AuroraClusterTarget(
                            name="db",
                            cluster_identifier=self.database.cluster_identifier,
                            cluster_arn=self.database.cluster_arn,
                        )
                    ],
                    horizon_start=args.horizon_start,
                    tags=base,
                ),
                opts=child,
            )

        # -- visibility and cost guardrails ---------------------------------------
        # The dashboard reads the load balancer's metrics and the tenant metric
        # above; the budgets filter on the cost-allocation tags every resource
        # here carries. Limits: the config's, else the defaults of
        # gcmod.cost.guardrails, which do not depend on the other tenants: adding
        # a tenant adds its budget and changes nothing else.
        self.observability: Observability | None = None
        if cfg.observability.enabled:
            from gcmod.cost.guardrails import environment_budget_usd, tenant_budgets_usd

            budget = environment_budget_usd(cfg)
            self.observability = Observability(
                f"{name}-obs",
                ObservabilityArgs(
                    load_balancer_arn=self.service.load_balancer_arn,
                    monthly_limit_usd=budget,
                    tenant_limits_usd=tenant_budgets_usd(cfg),
                    tenant_metric_namespace=f"gcmod/{args.stack}",
                    alert_emails=cfg.observability.alert_emails,
                    tags=base,
                    env=cfg.environment,
                ),
                opts=child,
            )

        self.summary: dict[str, Any] = {
            "system": cfg.system,
            "environment": cfg.environment,
            "tenants": {t.code: cfg.tenant_host(t) for t in cfg.tenants},
            "region": cfg.region,
            "drRegion": cfg.dr.region if cfg.dr.copy_backups else None,
            "scheduleHorizonEnd": (
                self.shutdown.horizon_end.isoformat() if self.shutdown else None
            ),
        }
        self.register_outputs(
            {
                **self.summary,
                "loadBalancerDnsName": self.service.load_balancer_dns_name,
                "serviceUrl": self.service.url,
                "serviceSecurityGroupId": self.service.security_group_id,
                "loadBalancerSecurityGroupId": self.service.alb_security_group_id,
                "databaseEndpoint": self.database.endpoint,
                "databaseSecurityGroupId": self.database.security_group_id,
                "logGroupNames": self.logging.log_group_names,
                "backupVaultArn": self.backup.vault_arn,
                "drBackupVaultArn": self.backup.dr_vault_arn,
                "recoveryPointPrefix": self.backup.recovery_point_prefix,
                "dashboardName": (
                    self.observability.dashboard_name if self.observability else None
                ),
                "alertTopicArn": (
                    self.observability.alert_topic_arn if self.observability else None
                ),
            }
        )
