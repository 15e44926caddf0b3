"""StatelessService under the offline mock runtime: defaults, options, validation."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from gcmod.awstypes import taggable as aws_taggable
from gcmod.components.service import (
    EXECUTION_ROLE_POLICY_ARN,
    StatelessService,
    StatelessServiceArgs,
)
from gcmod.config import Peak, ServiceConfig
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.synth import run_program

REGION = "ap-northeast-1"
VPC_CIDR = "10.20.0.0/16"
TAGS = {"gcmod:system": "juki", "gcmod:environment": "production", "owner": "vendor-a"}
#: What every taggable resource carries: TAGS completed with gcmod's own keys (issue 20).
ALL_TAGS = {**TAGS, "gcmod:tenant": "shared", "gcmod:managed-by": "gcmod"}
CERT = "arn:aws:acm:ap-northeast-1:123456789012:certificate/0f0e0d0c-aaaa-bbbb-cccc-000000000001"
DB_SECRET = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:rds!cluster-db-AbCdEf"
API_SECRET = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:api-key-GhIjKl"
MONTH_END = Peak(
    name="month-end",
    start="cron(0 8 25-31 * ? *)",
    end="cron(0 19 25-31 * ? *)",
    min_tasks=3,
    max_tasks=10,
)
FY_START = Peak(
    name="fiscal-year-start",
    start="cron(0 8 1-10 4 ? *)",
    end="cron(0 19 1-10 4 ? *)",
    min_tasks=2,
    max_tasks=8,
)

SERVICE = "aws:ecs/service:Service"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LISTENER = "aws:lb/listener:Listener"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
SCHEDULED = "aws:appautoscaling/scheduledAction:ScheduledAction"
#: What the component creates with no options.
DEFAULT_INVENTORY = Counter(
    {
        "aws:ecs/cluster:Cluster": 1,
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": 1,
        "aws:iam/role:Role": 2,
        ATTACHMENT: 1,
        TASK: 1,
        "aws:ec2/securityGroup:SecurityGroup": 2,
        INGRESS: 2,
        EGRESS: 2,
        "aws:lb/loadBalancer:LoadBalancer": 1,
        "aws:lb/targetGroup:TargetGroup": 1,
        "aws:acm/certificate:Certificate": 1,
        LISTENER: 1,
        SERVICE: 1,
        "aws:appautoscaling/target:Target": 1,
        "aws:appautoscaling/policy:Policy": 1,
    }
)


def _args(**kw: Any) -> StatelessServiceArgs:
    base: dict[str, Any] = {
        "vpc_id": "vpc-0123",
        "vpc_cidr": VPC_CIDR,
        "subnet_ids": ["subnet-a", "subnet-c"],
        "log_group_name": "/gcmod/test/application",
        "tags": TAGS,
        # The shapes asserted below are production's (issue 20 made the defaults
        # environment-aware; the stack "test" alone would mean development).
        "env": "production",
    }
    return StatelessServiceArgs(**{**base, **kw})


def _synth(args: StatelessServiceArgs, keep: dict | None = None) -> ResourceGraph:
    def program() -> None:
        svc = StatelessService("web", args)
        if keep is not None:
            keep["svc"] = svc

    return run_program(program, project="gcmod", stack="test", region=REGION)


@pytest.fixture(scope="module")
def kept() -> dict:
    return {}


@pytest.fixture(scope="module")
def g(kept: dict) -> ResourceGraph:
    """The component with no options (only the required inputs and tags)."""
    return _synth(_args(), kept)


@pytest.fixture(scope="module")
def opt() -> ResourceGraph:
    """The component with every option moved away from its default."""
    cfg = ServiceConfig(
        architecture="X86_64",
        cpu=1024,
        memory=2048,
        min_tasks=1,
        max_tasks=6,
        certificate_arn=CERT,
        peaks=(MONTH_END, FY_START),
    )
    return _synth(
        _args(
            config=cfg,
            environment={"TZ": "Asia/Tokyo", "APP_MODE": "prod"},
            secrets={"DB_CREDENTIALS": DB_SECRET, "API_KEY": f"{API_SECRET}:key::"},
        )
    )


def one(graph: ResourceGraph, token: str) -> ResourceNode:
    nodes = graph.of_type(token)
    assert len(nodes) == 1, f"{len(nodes)} x {token}"
    return nodes[0]


def container(graph: ResourceGraph) -> dict:
    defs = json.loads(one(graph, TASK).inputs["containerDefinitions"])
    assert len(defs) == 1
    return defs[0]


def dep(node: ResourceNode, prop: str) -> set[str]:
    """URNs the input ``prop`` was computed from (ids are unknown before deploy)."""
    return set(node.property_dependencies.get(prop, ()))


def urn(graph: ResourceGraph, name: str) -> str:
    return graph.named(name).urn


# ---------------------------------------------------------------------------
# Defaults
# ---------------------------------------------------------------------------
def test_default_task_is_graviton_fargate_half_vcpu(g: ResourceGraph) -> None:
    td = one(g, TASK)
    assert td.get("runtimePlatform.cpuArchitecture") == "ARM64"
    assert td.get("runtimePlatform.operatingSystemFamily") == "LINUX"
    assert (td.get("cpu"), td.get("memory")) == ("512", "1024")
    assert td.get("requiresCompatibilities") == ["FARGATE"]
    assert td.get("networkMode") == "awsvpc"
    assert dep(td, "taskRoleArn") == {urn(g, "web-task-role")}
    assert dep(td, "executionRoleArn") == {urn(g, "web-execution-role")}


def test_default_container_is_read_only_and_logs_to_the_group(g: ResourceGraph) -> None:
    c = container(g)
    assert c["name"] == "app"
    assert c["image"] == ServiceConfig().image
    assert c["readonlyRootFilesystem"] is True
    assert c["portMappings"] == [{"containerPort": 8080, "protocol": "tcp"}]
    log = c["logConfiguration"]
    assert log["logDriver"] == "awslogs"
    assert log["options"]["awslogs-group"] == "/gcmod/test/application"
    assert log["options"]["awslogs-region"] == REGION
    assert c["environment"] == [] and c["secrets"] == []
    # the only writable path is the task's ephemeral /tmp
    assert [m["containerPath"] for m in c["mountPoints"]] == ["/tmp"]
    assert one(g, TASK).get("volumes") == [{"name": "tmp"}]


def test_cluster_without_container_insights_and_fargate_default(g: ResourceGraph) -> None:
    cluster = one(g, "aws:ecs/cluster:Cluster")
    assert cluster.get("settings") == [{"name": "containerInsights", "value": "disabled"}]
    cp = one(g, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
    assert sorted(cp.get("capacityProviders")) == ["FARGATE", "FARGATE_SPOT"]
    strategy = cp.get("defaultCapacityProviderStrategies")
    assert [s["capacityProvider"] for s in strategy] == ["FARGATE"]


def test_service_private_rolling_with_rollback(g: ResourceGraph) -> None:
    svc = one(g, SERVICE)
    assert "launchType" not in svc.inputs
    assert [
        (s["capacityProvider"], s["weight"]) for s in svc.get("capacityProviderStrategies")
    ] == [("FARGATE", 1)]
    assert svc.get("networkConfiguration.assignPublicIp") is False
    assert svc.get("networkConfiguration.subnets") == ["subnet-a", "subnet-c"]
    assert dep(svc, "networkConfiguration") == {urn(g, "web-service-sg")}
    assert svc.get("deploymentCircuitBreaker") == {"enable": True, "rollback": True}
    assert svc.get("deploymentMinimumHealthyPercent") == 100
    assert svc.get("deploymentMaximumPercent") == 200
    assert svc.get("desiredCount") == 1
    assert svc.get("enableExecuteCommand") is False
    assert svc.get("propagateTags") == "SERVICE"
    assert svc.get("waitForSteadyState") is False
    lb = svc.get("loadBalancers.0")
    assert (lb["containerName"], lb["containerPort"]) == ("app", 8080)
    assert dep(svc, "loadBalancers") == {urn(g, "web-tg")}
    # created after the listener (the target group must be attached to an ALB)
    # and after the cluster's capacity providers
    assert urn(g, "web-https") in svc.dependencies
    assert urn(g, "web-capacity") in svc.dependencies


def test_internal_alb_https_only_tls13(g: ResourceGraph) -> None:
    alb = one(g, "aws:lb/loadBalancer:LoadBalancer")
    assert alb.get("internal") is True
    assert alb.get("loadBalancerType") == "application"
    assert alb.get("dropInvalidHeaderFields") is True
    assert alb.get("subnets") == ["subnet-a", "subnet-c"]
    assert dep(alb, "securityGroups") == {urn(g, "web-alb-sg")}
    listener = one(g, LISTENER)  # exactly one: no port-80 listener
    assert (listener.get("port"), listener.get("protocol")) == (443, "HTTPS")
    assert listener.get("sslPolicy") == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert [a["type"] for a in listener.get("defaultActions")] == ["forward"]
    assert dep(listener, "defaultActions") == {urn(g, "web-tg")}
    assert not [n for n in g.of_type(LISTENER) if n.get("port") == 80]


def test_ip_target_group_health_check(g: ResourceGraph) -> None:
    tg = one(g, "aws:lb/targetGroup:TargetGroup")
    assert tg.get("targetType") == "ip"
    assert (tg.get("protocol"), tg.get("port")) == ("HTTP", 8080)
    assert tg.get("healthCheck.path") == ServiceConfig().health_check_path == "/"
    assert tg.get("deregistrationDelay") == 30
    assert tg.get("vpcId") == "vpc-0123"


def test_default_certificate_is_dns_validated_wildcard(g: ResourceGraph) -> None:
    cert = one(g, "aws:acm/certificate:Certificate")
    assert cert.get("domainName") == "*.gcmod.internal"
    assert cert.get("validationMethod") == "DNS"
    assert dep(one(g, LISTENER), "certificateArn") == {cert.urn}


def test_default_autoscaling_target_tracking_no_schedule(g: ResourceGraph) -> None:
    target = one(g, "aws:appautoscaling/target:Target")
    assert target.get("serviceNamespace") == "ecs"
    assert target.get("scalableDimension") == "ecs:service:DesiredCount"
    assert (target.get("minCapacity"), target.get("maxCapacity")) == (1, 4)
    assert dep(target, "resourceId") == {urn(g, "web-cluster"), urn(g, "web-service")}
    policy = one(g, "aws:appautoscaling/policy:Policy")
    assert policy.get("policyType") == "TargetTrackingScaling"
    tt = policy.get("targetTrackingScalingPolicyConfiguration")
    assert tt["targetValue"] == 60
    assert tt["predefinedMetricSpecification"]["predefinedMetricType"] == (
        "ECSServiceAverageCPUUtilization"
    )
    assert (tt["scaleInCooldown"], tt["scaleOutCooldown"]) == (300, 60)
    assert g.of_type(SCHEDULED) == []


def _trusts_ecs_tasks(role: ResourceNode) -> bool:
    stmt = json.loads(role.get("assumeRolePolicy"))["Statement"]
    return [(s["Principal"], s["Action"]) for s in stmt] == [
        ({"Service": "ecs-tasks.amazonaws.com"}, "sts:AssumeRole")
    ]


def test_task_role_has_no_permissions(g: ResourceGraph) -> None:
    task_role = g.named("web-task-role")
    assert _trusts_ecs_tasks(task_role)
    assert "managedPolicyArns" not in task_role.inputs
    assert "inlinePolicies" not in task_role.inputs
    granting = [n for n in g.of_type(ATTACHMENT, ROLE_POLICY) if task_role.urn in dep(n, "role")]
    assert granting == []


def test_execution_role_has_only_the_managed_policy(g: ResourceGraph) -> None:
    role = g.named("web-execution-role")
    assert _trusts_ecs_tasks(role)
    attachments = [n for n in g.of_type(ATTACHMENT) if role.urn in dep(n, "role")]
    assert [a.get("policyArn") for a in attachments] == [EXECUTION_ROLE_POLICY_ARN]
    assert g.of_type(ROLE_POLICY) == []  # no secrets, no inline policy


def test_security_groups_admit_only_vpc_https_and_alb(g: ResourceGraph) -> None:
    alb_sg, svc_sg = urn(g, "web-alb-sg"), urn(g, "web-service-sg")
    rules = g.of_type(INGRESS)
    alb_in = [r for r in rules if dep(r, "securityGroupId") == {alb_sg}]
    svc_in = [r for r in rules if dep(r, "securityGroupId") == {svc_sg}]
    assert len(alb_in) + len(svc_in) == len(rules) == 2
    (a,) = alb_in
    assert (a.get("ipProtocol"), a.get("fromPort"), a.get("toPort")) == ("tcp", 443, 443)
    assert a.get("cidrIpv4") == VPC_CIDR
    (s,) = svc_in
    assert (s.get("fromPort"), s.get("toPort")) == (8080, 8080)
    assert "cidrIpv4" not in s.inputs
    assert dep(s, "referencedSecurityGroupId") == {alb_sg}
    # the ALB may only reach the tasks
    (alb_out,) = [r for r in g.of_type(EGRESS) if dep(r, "securityGroupId") == {alb_sg}]
    assert dep(alb_out, "referencedSecurityGroupId") == {svc_sg}
    assert alb_out.get("fromPort") == 8080


def test_no_ingress_from_anywhere(g: ResourceGraph, opt: ResourceGraph) -> None:
    for graph in (g, opt):
        for r in graph.of_type(INGRESS):
            assert r.get("cidrIpv4") not in ("0.0.0.0/0",) and r.get("cidrIpv6") != "::/0"
        for sg in graph.of_type("aws:ec2/securityGroup:SecurityGroup"):
            assert not sg.get("ingress")


def _taggable(token: str) -> bool:
    """Whether the pulumi_aws resource behind ``token`` accepts ``tags``."""
    return bool(aws_taggable(token))


def test_every_taggable_resource_carries_the_tags(g: ResourceGraph, opt: ResourceGraph) -> None:
    for graph in (g, opt):
        taggable = [n for n in graph.custom_resources if _taggable(n.type)]
        assert len(taggable) >= 15
        for n in taggable:
            assert n.tags == ALL_TAGS, n.name


def test_children_parented_and_prefixed(g: ResourceGraph) -> None:
    (comp,) = g.of_type("gcmod:service:StatelessService")
    assert comp.name == "web"
    kids = g.custom_resources
    assert Counter(n.type for n in kids) == DEFAULT_INVENTORY
    for n in kids:
        assert n.parent == comp.urn, n.name
        assert n.name.startswith("web-"), n.name


def test_attributes_are_exposed(g: ResourceGraph, kept: dict) -> None:
    svc: StatelessService = kept["svc"]
    assert isinstance(svc.cluster, aws.ecs.Cluster)
    assert isinstance(svc.service, aws.ecs.Service)
    assert isinstance(svc.listener, aws.lb.Listener)
    assert isinstance(svc.target_group, aws.lb.TargetGroup)
    assert isinstance(svc.scalable_target, aws.appautoscaling.Target)
    for attr in (
        "cluster_name",
        "cluster_arn",
        "service_name",
        "load_balancer_arn",
        "load_balancer_dns_name",
        "listener_arn",
        "target_group_arn",
        "security_group_id",
        "alb_security_group_id",
        "task_role_arn",
        "execution_role_arn",
    ):
        assert isinstance(getattr(svc, attr), pulumi.Output), attr


# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------
def test_options_x86_and_size(opt: ResourceGraph) -> None:
    td = one(opt, TASK)
    assert td.get("runtimePlatform.cpuArchitecture") == "X86_64"
    assert (td.get("cpu"), td.get("memory")) == ("1024", "2048")


def test_given_certificate_is_used_and_none_requested(opt: ResourceGraph) -> None:
    assert opt.of_type("aws:acm/certificate:Certificate") == []
    assert one(opt, LISTENER).get("certificateArn") == CERT


def test_peaks_scale_on_schedule_in_tokyo_time(opt: ResourceGraph) -> None:
    actions = {n.name: n for n in opt.of_type(SCHEDULED)}
    assert len(actions) == 4
    target = urn(opt, "web-scaling")
    for peak in (MONTH_END, FY_START):
        start = actions[f"web-peak-{peak.name}-start"]
        end = actions[f"web-peak-{peak.name}-end"]
        assert start.get("schedule") == peak.start and end.get("schedule") == peak.end
        assert start.get("scalableTargetAction") == {
            "minCapacity": peak.min_tasks,
            "maxCapacity": peak.max_tasks,
        }
        assert end.get("scalableTargetAction") == {"minCapacity": 1, "maxCapacity": 6}
        for a in (start, end):
            assert a.get("timezone") == "Asia/Tokyo"
            assert a.get("serviceNamespace") == "ecs"
            assert dep(a, "resourceId") == {target}


def test_secrets_readable_by_execution_role_only(opt: ResourceGraph) -> None:
    (inline,) = opt.of_type(ROLE_POLICY)
    assert dep(inline, "role") == {urn(opt, "web-execution-role")}
    (stmt,) = json.loads(inline.get("policy"))["Statement"]
    assert stmt["Effect"] == "Allow"
    assert stmt["Action"] == "secretsmanager:GetSecretValue"
    # the JSON-key suffix of API_KEY is not part of the secret's ARN
    assert sorted(stmt["Resource"]) == sorted([DB_SECRET, API_SECRET])
    c = container(opt)
    assert c["secrets"] == [
        {"name": "API_KEY", "valueFrom": f"{API_SECRET}:key::"},
        {"name": "DB_CREDENTIALS", "valueFrom": DB_SECRET},
    ]
    assert c["environment"] == [
        {"name": "APP_MODE", "value": "prod"},
        {"name": "TZ", "value": "Asia/Tokyo"},
    ]


def test_autoscaling_owns_desired_count_and_schedule_owns_bounds(monkeypatch) -> None:
    seen: dict[str, list[str] | None] = {}

    def spy(cls: type) -> type:
        class Spy(cls):  # type: ignore[misc, valid-type]
            def __init__(self, name: str, *a: Any, opts=None, **kw: Any) -> None:
                seen[cls.__name__] = opts.ignore_changes if opts else None
                super().__init__(name, *a, opts=opts, **kw)

        return Spy

    monkeypatch.setattr(aws.ecs, "Service", spy(aws.ecs.Service))
    monkeypatch.setattr(aws.appautoscaling, "Target", spy(aws.appautoscaling.Target))
    _synth(_args())
    assert seen == {"Service": ["desiredCount"], "Target": None}
    _synth(_args(bounds_managed_by_schedule=True))
    assert seen["Target"] == ["minCapacity", "maxCapacity"]


def test_log_region_follows_the_component_provider() -> None:
    def program() -> None:
        osaka = aws.Provider("osaka", region="ap-northeast-3")
        StatelessService("web", _args(), opts=pulumi.ResourceOptions(providers={"aws": osaka}))

    graph = run_program(program, project="gcmod", stack="test", region=REGION)
    assert container(graph)["logConfiguration"]["options"]["awslogs-region"] == "ap-northeast-3"
    assert one(graph, TASK).region == "ap-northeast-3"


# ---------------------------------------------------------------------------
# Validation (raised before anything is registered)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"subnet_ids": ["subnet-a"]}, "at least two subnets"),
        ({"subnet_ids": "subnet-a,subnet-c"}, "at least two subnets"),
        ({"subnet_ids": ["subnet-a", "subnet-a"]}, "same subnet twice"),
        ({"vpc_cidr": "0.0.0.0/0"}, "whole internet"),
        ({"vpc_cidr": "10.20.0.1/16"}, "not a network CIDR"),
        ({"secrets": {"DB": ""}}, "empty ARN"),
        ({"secrets": {"DB": "arn:aws:ssm:ap-northeast-1:1:parameter/x"}}, "Secrets Manager"),
        ({"secrets": {"DB": DB_SECRET}, "environment": {"DB": "x"}}, "both"),
        ({"environment": {"BAD-NAME": "x"}}, "environment variable name"),
        ({"domain": "Not A Domain"}, "DNS name"),
        (
            {"config": ServiceConfig(peaks=(MONTH_END, MONTH_END))},
            "peak names must be unique",
        ),
    ],
)
def test_invalid_args_raise_value_error(kw: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        StatelessService("web", _args(**kw))


def test_unmatched_hosts_can_get_a_404() -> None:
    g = run_program(
        lambda: StatelessService(
            "svc",
            StatelessServiceArgs(
                vpc_id="vpc-1",
                vpc_cidr="10.0.0.0/16",
                subnet_ids=["subnet-a", "subnet-b"],
                log_group_name="/gcmod/t/application",
                unmatched_hosts="not-found",
            ),
        ),
        project="gcmod",
        stack="test",
        region="ap-northeast-1",
    )
    (listener,) = g.of_type("aws:lb/listener:Listener")
    (action,) = listener.inputs["defaultActions"]
    assert action["type"] == "fixed-response"
    assert action["fixedResponse"]["statusCode"] == "404"
