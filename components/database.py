"""Managed database: Aurora PostgreSQL Serverless v2, private and encrypted.

With no options, :class:`Database` builds the cost-optimal, secure shape:

* one Aurora PostgreSQL cluster in provisioned mode with one ``db.serverless``
  writer scaling between ``min_acu`` and ``max_acu`` (0.5–4 ACU by default);
  a reader in a second AZ only when ``config.multi_az`` asks for it;
* storage encrypted (AWS managed key), TLS required (``rds.force_ssl``), IAM
  database authentication on, no public access, a security group that admits
  nobody until :meth:`Database.allow_from` names a security group;
* the master password generated and rotated by RDS in Secrets Manager
  (``manage_master_user_password``): no password in code, config or state;
* Aurora standard storage (``storage_type="aurora"``), not I/O-Optimized:
  I/O-Optimized raises instance and storage prices (about 30% and 125% in the
  Aurora pricing page) to drop I/O charges, which pays only when I/O is above
  roughly a quarter of the Aurora bill; small municipal workloads are far below.
* automated backups kept 1 day (the minimum; Aurora cannot turn them off) for
  point-in-time recovery of the last day, because AWS Backup takes the real,
  policy-driven backups (retention, Osaka copies, vault lock); Aurora's own
  backup storage up to the cluster's size is free within the retention period,
  so a longer retention only duplicates what AWS Backup keeps.
* Performance Insights off. Its 7-day retention is free (CloudWatch Database
  Insights Standard mode, which took over from the Performance Insights console
  on 2026-07-31), but longer retention and the Advanced mode are billed per
  ACU-hour, a real share of a 0.5-ACU database's bill; the default keeps any
  such charge a visible, deliberate choice (``performance_insights=True``).

Sizes come from :class:`gcmod.config.DatabaseConfig`; its defaults are
documented there. ``deletion_protection`` is passed resolved for the
environment (on in production); with it on, deleting the cluster also takes a
final snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from gcmod.components import defaults
from gcmod.components.environment import resolve_environment
from gcmod.components.overrides import Planned, warn_if_rejected
from gcmod.components.shutdown import AuroraClusterTarget, ScheduledShutdown, ScheduledShutdownArgs
from gcmod.components.tags import TAG_SCHEDULE, component_tags
from gcmod.config import DatabaseConfig, ScheduleConfig

ENGINE = "aurora-postgresql"
#: Serverless v2 runs on provisioned clusters with this instance class.
INSTANCE_CLASS = "db.serverless"
PORT = 5432
#: Fixed administrator name; the password lives only in Secrets Manager.
MASTER_USERNAME = "gcmod_admin"
#: Aurora automated backup retention (days): the minimum, see the module doc.
BACKUP_RETENTION_DAYS = 1
#: Aurora standard storage (the API's name; ``aurora-iopt1`` is I/O-Optimized).
STORAGE_TYPE = "aurora"

_IDENT_BAD = re.compile(r"[^a-z0-9]+")
_RULE_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _identifier(name: str, suffix: str) -> str:
    """An RDS identifier from ``name``: letters, digits, single hyphens, a letter first."""
    base = _IDENT_BAD.sub("-", name.lower()).strip("-") or "gcmod"
    if not base[0].isalpha():
        base = f"db-{base}"
    return f"{base[: 255 - len(suffix) - 1]}-{suffix}"


def parameter_group_family(engine_version: str) -> str:
    """``16.6`` -> ``aurora-postgresql16``."""
    return f"{ENGINE}{engine_version.split('.')[0]}"


@dataclass(frozen=True)
class DatabaseArgs:
    """Inputs of :class:`Database`."""

    vpc_id: pulumi.Input[str]
    """VPC of the database's security group. Required."""
    subnet_ids: Sequence[pulumi.Input[str]] | pulumi.Output[Sequence[str]]
    """Private subnets in at least two AZs (a DB subnet group needs two): a list, or
    one Output of a list (``aws.ec2.get_subnets_output(...).ids``). Required."""
    config: DatabaseConfig | None = None
    """Capacity bounds, Multi-AZ, engine version. @default for the environment
    (:func:`gcmod.components.defaults.database_config`): 0.5–4 ACU in production
    and staging, 0.5–1 ACU in development; single AZ; Aurora PostgreSQL 16.6."""
    deletion_protection: bool | None = None
    """Refuse deletion, and take a final snapshot when deleted after all.
    @default ``config.deletion_protection``, else true in production only
    (GCM-BAK-003)."""
    availability_zones: Sequence[str] = ()
    """AZs to place instances in: the writer in the first, the Multi-AZ reader
    in the second. @default none: RDS picks (a reader is then not guaranteed
    a different AZ, so pass ``Network.availability_zones`` with ``multi_az``)."""
    performance_insights: bool = False
    """Turn Performance Insights on (default 7-day retention, free). @default false"""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on every taggable resource; gcmod's cost-allocation keys are added
    (:func:`gcmod.components.tags.component_tags`).
    @default none"""
    cluster_tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags on the cluster only: what selects it for AWS Backup (which backs
    Aurora up per cluster) and names its shutdown schedule. @default none"""
    env: str | None = None
    """production, staging or development. @default decided by
    :func:`gcmod.components.environment.resolve_environment` (stack config, tags,
    stack name; else production)."""
    scheduled_shutdown: bool | None = None
    """Stop the cluster outside municipal office hours with a
    :class:`~gcmod.components.shutdown.ScheduledShutdown` of its own
    (``<name>-shutdown``). @default true outside production (GCM-SCHED-001);
    leave it off when a schedule elsewhere names the cluster in ``cluster_tags``
    (``gcmod:schedule``)."""
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    """Office hours and horizon of that schedule. @default 08:00–18:00 JST, 12 months."""


def _validate(name: str, args: DatabaseArgs, config: DatabaseConfig) -> None:
    if not isinstance(args.subnet_ids, pulumi.Output) and (
        isinstance(args.subnet_ids, str) or len(args.subnet_ids) < 2
    ):
        raise ValueError(
            f"{name}: subnet_ids needs at least two subnets in different availability "
            "zones (an RDS DB subnet group requires two)"
        )
    azs = list(args.availability_zones)
    if isinstance(args.availability_zones, str) or len(set(azs)) != len(azs):
        raise ValueError(f"{name}: availability_zones must be distinct zone names")
    if config.multi_az and len(azs) == 1:
        raise ValueError(
            f"{name}: multi_az places the reader in a second AZ, but availability_zones "
            f"names only {azs[0]}; give two zones or none"
        )


class Database(pulumi.ComponentResource):
    """An Aurora PostgreSQL Serverless v2 cluster admitting only named security groups."""

    environment: str
    config: DatabaseConfig
    deletion_protection: bool
    shutdown: ScheduledShutdown | None
    cluster: aws.rds.Cluster
    instances: list[aws.rds.ClusterInstance]
    security_group: aws.ec2.SecurityGroup
    cluster_arn: pulumi.Output[str]
    cluster_identifier: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    reader_endpoint: pulumi.Output[str]
    port: pulumi.Output[int]
    security_group_id: pulumi.Output[str]
    secret_arn: pulumi.Output[str | None]

    def __init__(
        self,
        name: str,
        args: DatabaseArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        env = resolve_environment(args.env, args.tags).environment
        cfg = args.config if args.config is not None else defaults.database_config(env)
        _validate(name, args, cfg)
        protect = args.deletion_protection
        if protect is None:
            protect = cfg.deletion_protection
        if protect is None:
            protect = defaults.production_only(env)
        shutdown = args.scheduled_shutdown
        if shutdown is None:
            shutdown = defaults.scheduled_shutdown(env) and TAG_SCHEDULE not in args.cluster_tags
        super().__init__("gcmod:database:Database", name, None, opts)
        self._name = name
        self._tags = component_tags(args.tags, env)
        self.environment = env
        self.config = cfg
        self.deletion_protection = protect
        tags = self._tags
        child = pulumi.ResourceOptions(parent=self)
        sched = {TAG_SCHEDULE: f"{name}-shutdown"} if shutdown else {}
        cluster_tags = {**tags, **args.cluster_tags, **sched}
        self._warn_overrides(name, args, cfg, env, protect, shutdown, cluster_tags)

        subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnets",
            subnet_ids=(
                args.subnet_ids
                if isinstance(args.subnet_ids, pulumi.Output)
                else list(args.subnet_ids)
            ),
            description="Private subnets of the gcmod database",
            tags=tags,
            opts=child,
        )
        # No ingress until allow_from(); no egress: the database opens no
        # connections, and replies to admitted clients are stateful.
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description="Aurora PostgreSQL: admits only security groups named by allow_from",
            tags=tags,
            opts=child,
        )
        self.security_group_id = self.security_group.id
        parameters = aws.rds.ClusterParameterGroup(
            f"{name}-params",
            family=parameter_group_family(cfg.engine_version),
            description="gcmod: TLS required",
            parameters=[
                # Off by default in Aurora PostgreSQL 16; pending-reboot is
                # accepted for static and dynamic parameters alike.
                {"name": "rds.force_ssl", "value": "1", "apply_method": "pending-reboot"},
            ],
            tags=tags,
            opts=child,
        )

        skip_final = not protect
        self.cluster = aws.rds.Cluster(
            f"{name}-cluster",
            engine=ENGINE,
            engine_mode="provisioned",
            engine_version=cfg.engine_version,
            serverlessv2_scaling_configuration={
                "min_capacity": cfg.min_acu,
                "max_capacity": cfg.max_acu,
            },
            storage_type=STORAGE_TYPE,
            storage_encrypted=True,
            master_username=MASTER_USERNAME,
            manage_master_user_password=True,
            snapshot_identifier=cfg.restore_from,
            iam_database_authentication_enabled=True,
            port=PORT,
            db_subnet_group_name=subnet_group.name,
            db_cluster_parameter_group_name=parameters.name,
            vpc_security_group_ids=[self.security_group.id],
            backup_retention_period=BACKUP_RETENTION_DAYS,
            copy_tags_to_snapshot=True,
            deletion_protection=protect,
            skip_final_snapshot=skip_final,
            final_snapshot_identifier=None if skip_final else _identifier(name, "final"),
            tags=cluster_tags,
            opts=child,
        )

        zones = list(args.availability_zones)
        roles = ["writer", "reader"] if cfg.multi_az else ["writer"]
        self.instances = [
            aws.rds.ClusterInstance(
                f"{name}-{role}",
                cluster_identifier=self.cluster.id,
                engine=ENGINE,
                engine_version=self.cluster.engine_version,
                instance_class=INSTANCE_CLASS,
                availability_zone=zones[i] if i < len(zones) else None,
                db_subnet_group_name=subnet_group.name,
                publicly_accessible=False,
                performance_insights_enabled=args.performance_insights,
                auto_minor_version_upgrade=True,
                # Failover goes to the reader first.
                promotion_tier=i,
                copy_tags_to_snapshot=True,
                tags=tags,
                opts=child,
            )
            for i, role in enumerate(roles)
        ]

        self.cluster_arn = self.cluster.arn
        self.cluster_identifier = self.cluster.cluster_identifier
        self.endpoint = self.cluster.endpoint
        self.reader_endpoint = self.cluster.reader_endpoint
        self.port = self.cluster.port
        self.secret_arn = self.cluster.master_user_secrets.apply(
            lambda secrets: secrets[0].secret_arn if secrets else None
        )
        self.shutdown = None
        if shutdown:
            self.shutdown = ScheduledShutdown(
                f"{name}-shutdown",
                ScheduledShutdownArgs(
                    schedule=args.schedule,
                    aurora_clusters=[
                        AuroraClusterTarget(
                            name="db",
                            cluster_identifier=self.cluster_identifier,
                            cluster_arn=self.cluster_arn,
                        )
                    ],
                    tags=tags,
                ),
                opts=child,
            )
        self.register_outputs(
            {
                "environment": env,
                "deletionProtection": protect,
                "scheduleGroupName": self.shutdown.group_name if self.shutdown else None,
                "clusterArn": self.cluster_arn,
                "clusterIdentifier": self.cluster_identifier,
                "endpoint": self.endpoint,
                "readerEndpoint": self.reader_endpoint,
                "port": self.port,
                "securityGroupId": self.security_group_id,
                "secretArn": self.secret_arn,
            }
        )

    def _warn_overrides(
        self,
        name: str,
        args: DatabaseArgs,
        cfg: DatabaseConfig,
        env: str,
        protect: bool,
        shutdown: bool,
        cluster_tags: Mapping[str, str],
    ) -> None:
        """One warning per rule the caller's overrides break (see gcmod.components.overrides)."""
        cluster_name = f"{name}-cluster"
        cluster = Planned(
            "aws:rds/cluster:Cluster",
            cluster_name,
            {
                "engine": ENGINE,
                "serverlessv2ScalingConfiguration": {
                    "minCapacity": cfg.min_acu,
                    "maxCapacity": cfg.max_acu,
                },
                "deletionProtection": protect,
                "tags": dict(cluster_tags),
            },
        )
        if args.config is not None:
            warn_if_rejected(self, "GCM-COST-003", [cluster], env, "config.max_acu")
            zones = list(args.availability_zones) or ["zone-1", "zone-2"]
            instances = [
                Planned(
                    "aws:rds/clusterInstance:ClusterInstance",
                    f"{name}-{role}",
                    {"availabilityZone": zones[i] if i < len(zones) else None, "tags": {}},
                    dependencies=(cluster_name,),
                )
                for i, role in enumerate(["writer", "reader"] if cfg.multi_az else ["writer"])
            ]
            warn_if_rejected(self, "GCM-DB-001", [cluster, *instances], env, "config.multi_az")
        if args.deletion_protection is not None or cfg.deletion_protection is not None:
            warn_if_rejected(self, "GCM-BAK-003", [cluster], env, "deletion_protection")
        if args.scheduled_shutdown is False and TAG_SCHEDULE not in cluster_tags:
            warn_if_rejected(self, "GCM-SCHED-001", [cluster], env, "scheduled_shutdown=False")

    def allow_from(
        self, name: str, security_group_id: pulumi.Input[str]
    ) -> aws.vpc.SecurityGroupIngressRule:
        """Admit TCP 5432 from ``security_group_id`` (and from nothing else)."""
        if not _RULE_NAME.fullmatch(name):
            raise ValueError(
                f"{self._name}: allow_from name {name!r} must be 1-64 letters, digits, '.', '_' "
                "or '-' (it names the rule and goes into its description)"
            )
        return aws.vpc.SecurityGroupIngressRule(
            f"{self._name}-from-{name}",
            security_group_id=self.security_group.id,
            referenced_security_group_id=security_group_id,
            ip_protocol="tcp",
            from_port=PORT,
            to_port=PORT,
            description=f"PostgreSQL from {name}",
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
