"""Stateless container service: ECS on Fargate behind an internal HTTPS load balancer.

With no options, :class:`StatelessService` builds the cost-optimal, secure shape:

* Fargate on Graviton (ARM64), 0.5 vCPU / 1 GiB, no public IP, no servers;
* an **internal** Application Load Balancer reachable only from the VPC, HTTPS
  only (TLS 1.3/1.2 policy), no HTTP listener at all;
* target-tracking autoscaling on CPU between ``min_tasks`` and ``max_tasks``,
  plus scheduled scaling for each declared peak (Asia/Tokyo);
* least-privilege IAM: the task role has no permissions, the execution role
  only the AWS managed execution policy (and read access to exactly the
  secrets the container is given);
* a read-only root file system, a deployment circuit breaker with rollback.

The sizes, ports and scaling bounds are :class:`gcmod.config.ServiceConfig`;
its defaults are documented there.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws

from gcmod.components import defaults
from gcmod.components.environment import resolve_environment
from gcmod.components.overrides import Planned, warn_if_rejected
from gcmod.components.providers import invoke_options
from gcmod.components.shutdown import EcsServiceTarget, ScheduledShutdown, ScheduledShutdownArgs
from gcmod.components.tags import TAG_SCHEDULE, component_tags
from gcmod.config import ScheduleConfig, ServiceConfig

#: Name of the one container in the task definition (the load balancer targets it).
CONTAINER_NAME = "app"
#: ALB security policy: TLS 1.3 and 1.2 only, forward-secret ciphers; the policy
#: AWS recommends for new HTTPS listeners (Elastic Load Balancing User Guide,
#: "Security policies for your Application Load Balancer").
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
#: AWS managed policy for the ECS agent: pull from ECR, write to CloudWatch Logs.
EXECUTION_ROLE_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
#: Time zone of scheduled scaling: municipal peaks follow Japanese office time.
SCHEDULE_TIMEZONE = "Asia/Tokyo"
#: Seconds the load balancer drains a stopping task; stateless requests are
#: short, and the ALB default (300 s) only slows every deployment down.
DEREGISTRATION_DELAY_SECONDS = 30
#: Target-tracking cooldowns: scale out fast, scale in slowly to avoid flapping.
SCALE_OUT_COOLDOWN_SECONDS = 60
SCALE_IN_COOLDOWN_SECONDS = 300

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DOMAIN = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)
_FAMILY_BAD = re.compile(r"[^A-Za-z0-9_-]")
_ECS_TASKS_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@dataclass(frozen=True)
class StatelessServiceArgs:
    """Inputs of :class:`StatelessService`."""

    vpc_id: pulumi.Input[str]
    """VPC the service and its load balancer live in. Required."""
    vpc_cidr: pulumi.Input[str]
    """CIDR of the VPC; the only source admitted to the load balancer (port 443).
    An Output (``aws.ec2.get_vpc_output(id=...).cidr_block``) is passed through;
    a known value is checked. Required."""
    subnet_ids: Sequence[pulumi.Input[str]] | pulumi.Output[Sequence[str]]
    """Private subnets, in at least two availability zones (an ALB needs two): a
    list, or one Output of a list (``aws.ec2.get_subnets_output(...).ids``).
    Required."""
    log_group_name: pulumi.Input[str]
    """CloudWatch Logs group the container writes to (awslogs driver). Required."""
    config: ServiceConfig | None = None
    """Image, size, port, health check, scaling bounds, peaks, certificate.
    @default for the environment (:func:`gcmod.components.defaults.service_config`):
    0.5 vCPU / 1 GiB, 1–4 tasks in production and staging; 0.25 vCPU / 0.5 GiB,
    1–2 tasks in development; Graviton (ARM64)."""
    image: pulumi.Input[str] | None = None
    """Container image; wins over ``config.image``. An Output (an ECR repository
    URL of the same program) is passed through. @default ``config.image``"""
    certificate_arn: pulumi.Input[str] | None = None
    """ACM certificate of the HTTPS listener; wins over ``config.certificate_arn``.
    An Output (an ``aws.acm.Certificate`` of the same program) is passed through;
    a known value must be an ACM ARN. @default ``config.certificate_arn``, else a
    DNS-validated certificate for ``*.<domain>`` is requested."""
    domain: str = "gcmod.internal"
    """Domain whose wildcard ``*.<domain>`` the requested certificate covers
    (tenants are served at ``<code>.<domain>``); unused when
    ``config.certificate_arn`` is given. @default ``gcmod.internal``, a
    placeholder: ACM only issues a DNS-validated certificate for a domain in
    public DNS, so set your domain (and validate the certificate) or pass
    ``certificateArn``."""
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Plain environment variables of the container. @default none"""
    secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Environment variable name -> Secrets Manager secret ARN (optionally with
    a ``:json-key:version-stage:version-id`` suffix); ECS injects the value at
    start, and the execution role may read exactly these secrets. @default none"""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on every taggable resource; gcmod's cost-allocation keys are added
    (:func:`gcmod.components.tags.component_tags`).
    @default none"""
    unmatched_hosts: Literal["forward", "not-found"] = "forward"
    """What the HTTPS listener does with a request no listener rule matched:
    forward it to the service, or answer 404 (for a multi-tenant platform that
    adds one host rule per tenant, so only registered hosts are served).
    @default forward"""
    bounds_managed_by_schedule: bool = False
    """Set when a schedule outside this component (``gcmod.components.shutdown``)
    moves the autoscaling bounds at run time: the scalable target then ignores
    changes to ``minCapacity``/``maxCapacity``, so ``pulumi up --refresh`` at
    night does not start a stopped service. New bounds then reach AWS with the
    schedule's next start. @default false: Pulumi owns the bounds (true when the
    component runs its own shutdown schedule)."""
    env: str | None = None
    """production, staging or development. @default decided by
    :func:`gcmod.components.environment.resolve_environment` (stack config, tags,
    stack name; else production)."""
    scheduled_shutdown: bool | None = None
    """Stop the service outside municipal office hours with a
    :class:`~gcmod.components.shutdown.ScheduledShutdown` of its own
    (``<name>-shutdown``). @default true outside production (GCM-SCHED-001),
    unless ``tags`` already name a schedule (``gcmod:schedule``) run elsewhere."""
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    """Office hours and horizon of that schedule. @default 08:00–18:00 JST, 12 months."""


def _secret_resource_arn(value_from: str | None) -> str:
    """The secret's ARN without an ECS ``:json-key:stage:version`` suffix, for IAM.

    ``arn:aws:secretsmanager:<region>:<account>:secret:<name-suffix>`` has seven
    colon-separated fields; ECS's ``valueFrom`` may append three more.
    """
    if not isinstance(value_from, str) or not value_from.startswith("arn:aws:secretsmanager:"):
        raise ValueError(f"a secret resolved to {value_from!r}, not a Secrets Manager ARN")
    return ":".join(value_from.split(":")[:7])


def _known_overrides(name: str, args: StatelessServiceArgs) -> None:
    """``image`` and ``certificate_arn``, when known, pass ServiceConfig's own checks."""
    from pydantic import ValidationError

    for attr in ("image", "certificate_arn"):
        value = getattr(args, attr)
        if value is None or isinstance(value, pulumi.Output | pulumi.Resource):
            continue
        if not isinstance(value, str):
            raise TypeError(f"{name}: {attr} must be a str or a pulumi.Output, got {value!r}")
        try:
            ServiceConfig.model_validate({attr: value})
        except ValidationError as exc:
            msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise ValueError(f"{name}: {attr} {value!r}: {msg}") from None


def _validate(name: str, args: StatelessServiceArgs, cfg: ServiceConfig) -> None:
    if not isinstance(args.subnet_ids, pulumi.Output):
        if isinstance(args.subnet_ids, str) or len(args.subnet_ids) < 2:
            raise ValueError(
                f"{name}: subnet_ids needs at least two subnets in different availability "
                "zones (an Application Load Balancer requires two)"
            )
        literal = [s for s in args.subnet_ids if isinstance(s, str)]
        if len(set(literal)) != len(literal):
            raise ValueError(f"{name}: subnet_ids lists the same subnet twice")
    if isinstance(args.vpc_cidr, str):
        try:
            net = ipaddress.ip_network(args.vpc_cidr, strict=True)
        except ValueError as exc:
            raise ValueError(f"{name}: vpc_cidr {args.vpc_cidr!r} is not a network CIDR") from exc
        if net.prefixlen == 0:
            raise ValueError(
                f"{name}: vpc_cidr {args.vpc_cidr!r} would admit the whole internet to the "
                "load balancer; give the VPC's CIDR"
            )
    _known_overrides(name, args)
    cert = args.certificate_arn if args.certificate_arn is not None else cfg.certificate_arn
    if cert is None and not _DOMAIN.match(args.domain):
        raise ValueError(f"{name}: domain {args.domain!r} is not a lower-case DNS name")
    for var in (*args.environment, *args.secrets):
        if not _ENV_NAME.match(var):
            raise ValueError(f"{name}: {var!r} is not a valid environment variable name")
    both = sorted(set(args.environment) & set(args.secrets))
    if both:
        raise ValueError(
            f"{name}: {', '.join(both)} given both in environment and in secrets; pick one"
        )
    for var, arn in args.secrets.items():
        if arn is None or (isinstance(arn, str) and not arn.strip()):
            raise ValueError(f"{name}: secret {var!r} has an empty ARN")
        if isinstance(arn, str) and not arn.startswith("arn:aws:secretsmanager:"):
            raise ValueError(
                f"{name}: secret {var!r} must be a Secrets Manager ARN "
                f"(arn:aws:secretsmanager:...), got {arn!r}"
            )
    peak_names = [p.name for p in cfg.peaks]
    if len(set(peak_names)) != len(peak_names):
        raise ValueError(f"{name}: peak names must be unique, got {peak_names}")


class StatelessService(pulumi.ComponentResource):
    """An ECS Fargate service behind an internal HTTPS ALB, autoscaled on CPU.

    ``listener`` and ``target_group`` are exposed so a multi-tenant platform can
    add host-based listener rules; ``security_group_id`` is the tasks' security
    group, for a database to admit.
    """

    cluster: aws.ecs.Cluster
    cluster_name: pulumi.Output[str]
    cluster_arn: pulumi.Output[str]
    service: aws.ecs.Service
    service_name: pulumi.Output[str]
    load_balancer_arn: pulumi.Output[str]
    load_balancer_dns_name: pulumi.Output[str]
    listener: aws.lb.Listener
    listener_arn: pulumi.Output[str]
    target_group: aws.lb.TargetGroup
    target_group_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    alb_security_group_id: pulumi.Output[str]
    url: pulumi.Output[str]
    environment: str
    config: ServiceConfig
    shutdown: ScheduledShutdown | None
    scalable_target: aws.appautoscaling.Target
    task_role_arn: pulumi.Output[str]
    execution_role_arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: StatelessServiceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        env = resolve_environment(args.env, args.tags).environment
        cfg = args.config if args.config is not None else defaults.service_config(env)
        _validate(name, args, cfg)
        shutdown = args.scheduled_shutdown
        if shutdown is None:
            shutdown = defaults.scheduled_shutdown(env) and TAG_SCHEDULE not in args.tags
        if shutdown and cfg.peaks:
            raise ValueError(
                f"{name}: config.peaks and a shutdown schedule conflict: a peak's scheduled "
                "scaling would start a stopped service on a closed day; drop the peaks or set "
                "scheduled_shutdown=False"
            )
        super().__init__("gcmod:service:StatelessService", name, None, opts)
        self.environment = env
        self.config = cfg
        sched = {TAG_SCHEDULE: f"{name}-shutdown"} if shutdown else {}
        tags = {**component_tags(args.tags, env), **sched}
        bounds_by_schedule = args.bounds_managed_by_schedule or shutdown
        child = pulumi.ResourceOptions(parent=self)
        self._warn_overrides(name, args, cfg, env, tags)
        subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]] = (
            args.subnet_ids if isinstance(args.subnet_ids, pulumi.Output) else list(args.subnet_ids)
        )

        # --- Cluster -------------------------------------------------------
        # Container Insights is off: it publishes per-task/service custom
        # metrics billed as CloudWatch custom metrics, while target tracking
        # only needs the free AWS/ECS CPUUtilization service metric.
        self.cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            settings=[{"name": "containerInsights", "value": "disabled"}],
            tags=tags,
            opts=child,
        )
        capacity = aws.ecs.ClusterCapacityProviders(
            f"{name}-capacity",
            cluster_name=self.cluster.name,
            capacity_providers=["FARGATE", "FARGATE_SPOT"],
            default_capacity_provider_strategies=[{"capacity_provider": "FARGATE", "weight": 1}],
            opts=child,
        )

        # --- IAM -----------------------------------------------------------
        execution_role = aws.iam.Role(
            f"{name}-execution-role",
            assume_role_policy=_ECS_TASKS_TRUST,
            description="ECS agent: pull the image, write logs, read the task's secrets",
            tags=tags,
            opts=child,
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-execution-policy",
            role=execution_role.name,
            policy_arn=EXECUTION_ROLE_POLICY_ARN,
            opts=child,
        )
        if args.secrets:
            secret_arns = [
                pulumi.Output.from_input(arn).apply(_secret_resource_arn)
                for arn in args.secrets.values()
            ]
            aws.iam.RolePolicy(
                f"{name}-execution-secrets",
                role=execution_role.id,
                policy=pulumi.Output.json_dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "secretsmanager:GetSecretValue",
                                "Resource": secret_arns,
                            }
                        ],
                    }
                ),
                opts=child,
            )
        # Least privilege: the application gets no AWS permissions until the
        # vendor attaches exactly what it needs to ``task_role_arn``.
        task_role = aws.iam.Role(
            f"{name}-task-role",
            assume_role_policy=_ECS_TASKS_TRUST,
            description="Application role: no permissions unless granted explicitly",
            tags=tags,
            opts=child,
        )

        # --- Task definition -----------------------------------------------
        # The region of the provider this component uses (inherited via parent).
        region = aws.get_region(opts=invoke_options(self)).region
        container = {
            "name": CONTAINER_NAME,
            "image": args.image if args.image is not None else cfg.image,
            "essential": True,
            "portMappings": [{"containerPort": cfg.container_port, "protocol": "tcp"}],
            "readonlyRootFilesystem": True,
            # A writable /tmp on the task's ephemeral storage: most runtimes need one.
            "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": args.log_group_name,
                    "awslogs-region": region,
                    "awslogs-stream-prefix": CONTAINER_NAME,
                },
            },
            "environment": [
                {"name": k, "value": args.environment[k]} for k in sorted(args.environment)
            ],
            "secrets": [{"name": k, "valueFrom": args.secrets[k]} for k in sorted(args.secrets)],
        }
        family = _FAMILY_BAD.sub("-", f"{pulumi.get_project()}-{pulumi.get_stack()}-{name}")
        task_definition = aws.ecs.TaskDefinition(
            f"{name}-task",
            family=family[:255],
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(cfg.cpu),
            memory=str(cfg.memory),
            runtime_platform={
                "cpu_architecture": cfg.architecture,
                "operating_system_family": "LINUX",
            },
            execution_role_arn=execution_role.arn,
            task_role_arn=task_role.arn,
            container_definitions=pulumi.Output.json_dumps([container]),
            volumes=[{"name": "tmp"}],
            tags=tags,
            opts=child,
        )

        # --- Security groups -----------------------------------------------
        alb_sg = aws.ec2.SecurityGroup(
            f"{name}-alb-sg",
            vpc_id=args.vpc_id,
            description="Internal load balancer: HTTPS from the VPC only",
            tags=tags,
            opts=child,
        )
        service_sg = aws.ec2.SecurityGroup(
            f"{name}-service-sg",
            vpc_id=args.vpc_id,
            description="Service tasks: the container port from the load balancer only",
            tags=tags,
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-alb-https-in",
            security_group_id=alb_sg.id,
            description="HTTPS from inside the VPC",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=args.vpc_cidr,
            tags=tags,
            opts=child,
        )
        # The ALB may only talk to the tasks, on the container port.
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-to-service",
            security_group_id=alb_sg.id,
            description="To the service tasks",
            ip_protocol="tcp",
            from_port=cfg.container_port,
            to_port=cfg.container_port,
            referenced_security_group_id=service_sg.id,
            tags=tags,
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-service-from-alb",
            security_group_id=service_sg.id,
            description="Container port from the load balancer",
            ip_protocol="tcp",
            from_port=cfg.container_port,
            to_port=cfg.container_port,
            referenced_security_group_id=alb_sg.id,
            tags=tags,
            opts=child,
        )
        # Tasks reach ECR, Secrets Manager, Logs (endpoints or NAT) and the database.
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-service-out",
            security_group_id=service_sg.id,
            description="Outbound from the tasks",
            ip_protocol="-1",
            cidr_ipv4="0.0.0.0/0",
            tags=tags,
            opts=child,
        )

        # --- Load balancer -------------------------------------------------
        alb = aws.lb.LoadBalancer(
            f"{name}-alb",
            internal=True,
            load_balancer_type="application",
            subnets=subnet_ids,
            security_groups=[alb_sg.id],
            drop_invalid_header_fields=True,
            tags=tags,
            opts=child,
        )
        self.target_group = aws.lb.TargetGroup(
            f"{name}-tg",
            vpc_id=args.vpc_id,
            target_type="ip",
            protocol="HTTP",
            port=cfg.container_port,
            deregistration_delay=DEREGISTRATION_DELAY_SECONDS,
            health_check={
                "enabled": True,
                "protocol": "HTTP",
                "port": "traffic-port",
                "path": cfg.health_check_path,
                "matcher": "200",
            },
            tags=tags,
            opts=child,
        )
        given_cert = (
            args.certificate_arn if args.certificate_arn is not None else cfg.certificate_arn
        )
        if given_cert is not None:
            certificate_arn: pulumi.Input[str] = given_cert
        else:
            # Requested, not validated here: the vendor adds the DNS record ACM
            # asks for (or passes certificateArn). The listener needs it ISSUED.
            certificate = aws.acm.Certificate(
                f"{name}-cert",
                domain_name=f"*.{args.domain}",
                validation_method="DNS",
                tags=tags,
                opts=child,
            )
            certificate_arn = certificate.arn
        self.listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=alb.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=certificate_arn,
            default_actions=[
                {"type": "forward", "target_group_arn": self.target_group.arn}
                if args.unmatched_hosts == "forward"
                else {
                    "type": "fixed-response",
                    "fixed_response": {
                        "content_type": "text/plain",
                        "status_code": "404",
                        "message_body": "unknown host / 未登録のホストです",
                    },
                }
            ],
            tags=tags,
            opts=child,
        )

        # --- Service -------------------------------------------------------
        # A capacity provider strategy (not launch_type) so a stack can move
        # weight to FARGATE_SPOT later without recreating the service.
        self.service = aws.ecs.Service(
            f"{name}-service",
            cluster=self.cluster.arn,
            task_definition=task_definition.arn,
            capacity_provider_strategies=[{"capacity_provider": "FARGATE", "weight": 1}],
            desired_count=cfg.min_tasks,
            network_configuration={
                "assign_public_ip": False,
                "subnets": subnet_ids,
                "security_groups": [service_sg.id],
            },
            load_balancers=[
                {
                    "target_group_arn": self.target_group.arn,
                    "container_name": CONTAINER_NAME,
                    "container_port": cfg.container_port,
                }
            ],
            deployment_circuit_breaker={"enable": True, "rollback": True},
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            enable_execute_command=False,
            enable_ecs_managed_tags=True,
            propagate_tags="SERVICE",
            wait_for_steady_state=False,
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[self.listener, capacity],
                # Autoscaling owns the task count after creation.
                ignore_changes=["desiredCount"],
            ),
        )

        # --- Autoscaling ---------------------------------------------------
        self.scalable_target = aws.appautoscaling.Target(
            f"{name}-scaling",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", self.cluster.name, "/", self.service.name),
            min_capacity=cfg.min_tasks,
            max_capacity=cfg.max_tasks,
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                ignore_changes=(["minCapacity", "maxCapacity"] if bounds_by_schedule else None),
            ),
        )
        target = self.scalable_target
        aws.appautoscaling.Policy(
            f"{name}-cpu",
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration={
                "target_value": cfg.target_cpu_percent,
                "predefined_metric_specification": {
                    "predefined_metric_type": "ECSServiceAverageCPUUtilization"
                },
                "scale_in_cooldown": SCALE_IN_COOLDOWN_SECONDS,
                "scale_out_cooldown": SCALE_OUT_COOLDOWN_SECONDS,
            },
            opts=child,
        )
        for peak in cfg.peaks:
            for edge, schedule, lo, hi in (
                ("start", peak.start, peak.min_tasks, peak.max_tasks),
                ("end", peak.end, cfg.min_tasks, cfg.max_tasks),
            ):
                aws.appautoscaling.ScheduledAction(
                    f"{name}-peak-{peak.name}-{edge}",
                    service_namespace=target.service_namespace,
                    scalable_dimension=target.scalable_dimension,
                    resource_id=target.resource_id,
                    schedule=schedule,
                    timezone=SCHEDULE_TIMEZONE,
                    scalable_target_action={"min_capacity": lo, "max_capacity": hi},
                    opts=child,
                )

        # --- Outputs -------------------------------------------------------
        self.cluster_name = self.cluster.name
        self.cluster_arn = self.cluster.arn
        self.service_name = self.service.name
        self.load_balancer_arn = alb.arn
        self.load_balancer_dns_name = alb.dns_name
        self.listener_arn = self.listener.arn
        self.target_group_arn = self.target_group.arn
        self.security_group_id = service_sg.id
        self.alb_security_group_id = alb_sg.id
        self.task_role = task_role
        self.task_role_arn = task_role.arn
        self.execution_role_arn = execution_role.arn
        self.url = pulumi.Output.concat("https://", alb.dns_name)
        self.shutdown = None
        if shutdown:
            self.shutdown = ScheduledShutdown(
                f"{name}-shutdown",
                ScheduledShutdownArgs(
                    schedule=args.schedule,
                    ecs_services=[
                        EcsServiceTarget(
                            name="app",
                            cluster_name=self.cluster_name,
                            service_name=self.service_name,
                            min_tasks=max(cfg.min_tasks, 1),
                            max_tasks=cfg.max_tasks,
                        )
                    ],
                    tags=component_tags(args.tags, env),
                ),
                opts=child,
            )
        self.register_outputs(
            {
                "environment": env,
                "url": self.url,
                "schedule_group_name": self.shutdown.group_name if self.shutdown else None,
                "cluster": self.cluster,
                "cluster_name": self.cluster_name,
                "cluster_arn": self.cluster_arn,
                "service": self.service,
                "service_name": self.service_name,
                "load_balancer_arn": self.load_balancer_arn,
                "load_balancer_dns_name": self.load_balancer_dns_name,
                "listener": self.listener,
                "listener_arn": self.listener_arn,
                "target_group": self.target_group,
                "target_group_arn": self.target_group_arn,
                "security_group_id": self.security_group_id,
                "alb_security_group_id": self.alb_security_group_id,
                "scalable_target": self.scalable_target,
                "task_role_arn": self.task_role_arn,
                "execution_role_arn": self.execution_role_arn,
            }
        )

    def _warn_overrides(
        self,
        name: str,
        args: StatelessServiceArgs,
        cfg: ServiceConfig,
        env: str,
        tags: Mapping[str, str],
    ) -> None:
        """One warning per rule the caller's overrides break (see gcmod.components.overrides)."""
        if args.config is not None:
            task = Planned(
                "aws:ecs/taskDefinition:TaskDefinition",
                f"{name}-task",
                {"cpu": str(cfg.cpu), "memory": str(cfg.memory), "tags": dict(tags)},
            )
            warn_if_rejected(self, "GCM-COST-003", [task], env, "config.cpu/config.memory")
        if args.scheduled_shutdown is False and TAG_SCHEDULE not in tags:
            service = Planned("aws:ecs/service:Service", f"{name}-service", {"tags": dict(tags)})
            warn_if_rejected(self, "GCM-SCHED-001", [service], env, "scheduled_shutdown=False")
