"""Data and container collectors: RDS/Aurora, ECS, Application Auto Scaling.

Each node's inputs use the pulumi_aws argument names of the resource that would
have created it (``aws:rds/cluster:Cluster``, ``aws:ecs/service:Service``, ...),
so the policy rules read them unchanged. Values the API does not return are
left out, as a Pulumi program that does not set them would leave them out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from gcmod.audit.collect import CollectContext, collector
from gcmod.graph import UNKNOWN, ResourceNode

RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS_GLOBAL_CLUSTER = "aws:rds/globalCluster:GlobalCluster"
ECS_CLUSTER = "aws:ecs/cluster:Cluster"
ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SCALABLE_TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"

#: DescribeServices takes at most 10 services per call; DescribeClusters 100.
_SERVICES_PER_CALL = 10
_CLUSTERS_PER_CALL = 100


def prune(value: Any) -> Any:
    """Drop None values and empty containers, recursively (unset Pulumi args)."""
    if isinstance(value, Mapping):
        out = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None and v != {} and v != []}
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value


def tag_dict(tags: Iterable[Mapping[str, Any]] | None, key: str = "Key", value: str = "Value"):
    """``[{"Key": k, "Value": v}]`` (or ``key``/``value``) as ``{k: v}``."""
    return {t[key]: t.get(value, "") for t in tags or () if key in t}


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# ---------------------------------------------------------------------------
# RDS / Aurora
# ---------------------------------------------------------------------------
@collector("rds.clusters", "rds", ["rds:DescribeDBClusters"])
def rds_clusters(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Aurora and Multi-AZ DB clusters (tags come with DescribeDBClusters)."""
    for c in ctx.paginate("rds", "describe_db_clusters", "DBClusters"):
        sv2 = c.get("ServerlessV2ScalingConfiguration") or {}
        engine = c.get("Engine")
        inputs = {
            "clusterIdentifier": c["DBClusterIdentifier"],
            "engine": engine,
            "engineVersion": c.get("EngineVersion"),
            "engineMode": c.get("EngineMode"),
            "databaseName": c.get("DatabaseName"),
            "masterUsername": c.get("MasterUsername"),
            "port": c.get("Port"),
            "storageEncrypted": c.get("StorageEncrypted"),
            "kmsKeyId": c.get("KmsKeyId"),
            "deletionProtection": c.get("DeletionProtection"),
            "backupRetentionPeriod": c.get("BackupRetentionPeriod"),
            "preferredBackupWindow": c.get("PreferredBackupWindow"),
            "copyTagsToSnapshot": c.get("CopyTagsToSnapshot"),
            "availabilityZones": c.get("AvailabilityZones"),
            "dbSubnetGroupName": c.get("DBSubnetGroup"),
            "vpcSecurityGroupIds": [
                g["VpcSecurityGroupId"] for g in c.get("VpcSecurityGroups") or ()
            ],
            "serverlessv2ScalingConfiguration": {
                "minCapacity": sv2.get("MinCapacity"),
                "maxCapacity": sv2.get("MaxCapacity"),
            },
            # Multi-AZ DB clusters (non-Aurora) carry their own class and storage.
            "dbClusterInstanceClass": c.get("DBClusterInstanceClass"),
            "storageType": c.get("StorageType") if not str(engine).startswith("aurora") else None,
            "allocatedStorage": c.get("AllocatedStorage")
            if not str(engine).startswith("aurora")
            else None,
            "iops": c.get("Iops"),
            "replicationSourceIdentifier": c.get("ReplicationSourceIdentifier"),
            "globalClusterIdentifier": c.get("GlobalClusterIdentifier"),
            "tags": tag_dict(c.get("TagList")),
        }
        yield ctx.node(RDS_CLUSTER, c["DBClusterIdentifier"], c["DBClusterArn"], prune(inputs))


@collector("rds.global-clusters", "rds", ["rds:DescribeGlobalClusters"])
def rds_global_clusters(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Aurora global databases (GCM-DR-001: a live replica in a second region is
    warm standby). A global cluster belongs to no region and DescribeGlobalClusters
    lists every one of the account, so it is collected once, in the home region.
    Tags come with the listing (TagList) where the endpoint returns them; otherwise
    they are unknown, not empty."""
    if ctx.region != ctx.home_region:
        return
    for g in ctx.paginate("rds", "describe_global_clusters", "GlobalClusters"):
        ident = g["GlobalClusterIdentifier"]
        inputs = {
            "globalClusterIdentifier": ident,
            "engine": g.get("Engine"),
            "engineVersion": g.get("EngineVersion"),
            "databaseName": g.get("DatabaseName"),
            "storageEncrypted": g.get("StorageEncrypted"),
            "deletionProtection": g.get("DeletionProtection"),
            "tags": tag_dict(g["TagList"]) if "TagList" in g else UNKNOWN,
        }
        arn = g.get("GlobalClusterArn") or ctx.urn(f"global-cluster/{ident}")
        yield ctx.node(RDS_GLOBAL_CLUSTER, ident, arn, prune(inputs))


def _cluster_arn(instance_arn: str, cluster_id: str) -> str:
    """The ARN of an instance's cluster, in the instance's partition/region/account."""
    head = instance_arn.rsplit(":db:", 1)[0]
    return f"{head}:cluster:{cluster_id}"


@collector("rds.instances", "rds", ["rds:DescribeDBInstances"])
def rds_instances(ctx: CollectContext) -> Iterator[ResourceNode]:
    """DB instances (tags come with DescribeDBInstances). Aurora members become
    ``aws:rds/clusterInstance:ClusterInstance`` depending on their cluster's node.
    Performance Insights (enabled, retention: GCM-DB-002) is read here, per
    instance, for cluster members too; it is not set on the cluster node, so a
    cluster's retention is reported once per instance that keeps it, not twice."""
    for d in ctx.paginate("rds", "describe_db_instances", "DBInstances"):
        ident = d["DBInstanceIdentifier"]
        arn = d["DBInstanceArn"]
        tags = tag_dict(d.get("TagList"))
        cluster_id = d.get("DBClusterIdentifier")
        common = {
            "identifier": ident,
            "engine": d.get("Engine"),
            "engineVersion": d.get("EngineVersion"),
            "instanceClass": d.get("DBInstanceClass"),
            "availabilityZone": d.get("AvailabilityZone"),
            "publiclyAccessible": d.get("PubliclyAccessible"),
            "performanceInsightsEnabled": d.get("PerformanceInsightsEnabled"),
            "performanceInsightsRetentionPeriod": d.get("PerformanceInsightsRetentionPeriod"),
            "monitoringInterval": d.get("MonitoringInterval"),
            "autoMinorVersionUpgrade": d.get("AutoMinorVersionUpgrade"),
            "dbSubnetGroupName": (d.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
            "tags": tags,
        }
        if cluster_id:
            inputs = {**common, "clusterIdentifier": cluster_id}
            dep = ctx.urn(_cluster_arn(arn, cluster_id))
            yield ctx.node(RDS_CLUSTER_INSTANCE, ident, arn, prune(inputs), [dep])
            continue
        inputs = {
            **common,
            "allocatedStorage": d.get("AllocatedStorage"),
            "maxAllocatedStorage": d.get("MaxAllocatedStorage"),
            "storageType": d.get("StorageType"),
            "iops": d.get("Iops"),
            "storageThroughput": d.get("StorageThroughput"),
            "storageEncrypted": d.get("StorageEncrypted"),
            "kmsKeyId": d.get("KmsKeyId"),
            "multiAz": d.get("MultiAZ"),
            "deletionProtection": d.get("DeletionProtection"),
            "backupRetentionPeriod": d.get("BackupRetentionPeriod"),
            "dbName": d.get("DBName"),
            "username": d.get("MasterUsername"),
            "licenseModel": d.get("LicenseModel"),
            "vpcSecurityGroupIds": [
                g["VpcSecurityGroupId"] for g in d.get("VpcSecurityGroups") or ()
            ],
            # An identifier in the same region, an ARN across regions (as in Pulumi).
            "replicateSourceDb": d.get("ReadReplicaSourceDBInstanceIdentifier"),
        }
        yield ctx.node(RDS_INSTANCE, ident, arn, prune(inputs))


# ---------------------------------------------------------------------------
# ECS
# ---------------------------------------------------------------------------
#: ECS calls made per cluster: the API has no cross-cluster listing.
ECS_PER_CLUSTER = {
    "ecs.ListServices": "ListServices takes one cluster per request (ECS API Reference, "
    "ListServices: 'cluster' is a single cluster); one paginated call per cluster.",
}


def _cluster_arns(ctx: CollectContext) -> list[str]:
    """ListClusters, once per account and region (shared by the ECS collectors)."""
    return ctx.once(
        "ecs:clusters", lambda: list(ctx.paginate("ecs", "list_clusters", "clusterArns"))
    )


def _services(ctx: CollectContext) -> list[dict[str, Any]]:
    """Every ECS service here: ListServices per cluster (the API is per cluster),
    DescribeServices in batches of 10. Fetched once per account and region:
    ``ecs.services`` and ``ecs.task-definitions`` share one listing."""

    def fetch() -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        ecs = ctx.client("ecs")
        for cluster in _cluster_arns(ctx):
            arns = list(ctx.paginate("ecs", "list_services", "serviceArns", cluster=cluster))
            for batch in _batches(arns, _SERVICES_PER_CALL):
                resp = ecs.describe_services(cluster=cluster, services=batch, include=["TAGS"])
                out += resp.get("services", [])
        return out

    return ctx.once("ecs:services", fetch)


@collector("ecs.clusters", "ecs", ["ecs:ListClusters", "ecs:DescribeClusters"])
def ecs_clusters(ctx: CollectContext) -> Iterator[ResourceNode]:
    """ECS clusters: ListClusters, then DescribeClusters (with tags and settings)
    in batches of 100."""
    ecs = ctx.client("ecs")
    for batch in _batches(_cluster_arns(ctx), _CLUSTERS_PER_CALL):
        resp = ecs.describe_clusters(clusters=batch, include=["TAGS", "SETTINGS"])
        for c in resp.get("clusters", []):
            inputs = {
                "name": c["clusterName"],
                "settings": [
                    {"name": s["name"], "value": s["value"]} for s in c.get("settings") or ()
                ],
                "tags": tag_dict(c.get("tags"), "key", "value"),
            }
            yield ctx.node(ECS_CLUSTER, c["clusterName"], c["clusterArn"], prune(inputs))


def _network(cfg: Mapping[str, Any] | None) -> dict[str, Any] | None:
    vpc = (cfg or {}).get("awsvpcConfiguration")
    if not vpc:
        return None
    public = vpc.get("assignPublicIp")
    return {
        "subnets": vpc.get("subnets"),
        "securityGroups": vpc.get("securityGroups"),
        "assignPublicIp": None if public is None else public == "ENABLED",
    }


@collector(
    "ecs.services",
    "ecs",
    ["ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices"],
    per_parent=ECS_PER_CLUSTER,
)
def ecs_services(ctx: CollectContext) -> Iterator[ResourceNode]:
    """ECS services: ListServices per cluster (the API is per cluster), then
    DescribeServices (with tags) in batches of 10. Each service depends on its
    cluster and task definition nodes."""
    for s in _services(ctx):
        deps = [ctx.urn(s["clusterArn"])]
        if s.get("taskDefinition"):
            deps.append(ctx.urn(s["taskDefinition"]))
        inputs = {
            "name": s["serviceName"],
            "cluster": s.get("clusterArn"),
            "taskDefinition": s.get("taskDefinition"),
            "desiredCount": s.get("desiredCount"),
            "launchType": s.get("launchType"),
            "platformVersion": s.get("platformVersion"),
            "schedulingStrategy": s.get("schedulingStrategy"),
            "capacityProviderStrategies": [
                {
                    "capacityProvider": p.get("capacityProvider"),
                    "weight": p.get("weight"),
                    "base": p.get("base"),
                }
                for p in s.get("capacityProviderStrategy") or ()
            ],
            "networkConfiguration": _network(s.get("networkConfiguration")),
            "enableExecuteCommand": s.get("enableExecuteCommand"),
            "propagateTags": s.get("propagateTags"),
            "tags": tag_dict(s.get("tags"), "key", "value"),
        }
        yield ctx.node(ECS_SERVICE, s["serviceName"], s["serviceArn"], prune(inputs), deps)


@collector(
    "ecs.task-definitions",
    "ecs",
    ["ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices", "ecs:DescribeTaskDefinition"],
    per_parent={
        **ECS_PER_CLUSTER,
        "ecs.DescribeTaskDefinition": "DescribeTaskDefinition takes one task definition per "
        "request and ListTaskDefinitions returns ARNs only (ECS API Reference); one call per "
        "distinct definition a service runs (services sharing one definition share the call; "
        "inactive revisions are not read).",
    },
)
def ecs_task_definitions(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Task definitions that a service runs (not every inactive revision).
    DescribeTaskDefinition takes one definition per call, so this is one call per
    distinct definition in use (deduplicated across services); the service
    listing is shared with ``ecs.services``."""
    ecs = ctx.client("ecs")
    seen: set[str] = set()
    for s in _services(ctx):
        arn = s.get("taskDefinition")
        if not arn or arn in seen:
            continue
        seen.add(arn)
        resp = ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
        td = resp["taskDefinition"]
        rp = td.get("runtimePlatform") or {}
        inputs = {
            "family": td.get("family"),
            "cpu": td.get("cpu"),
            "memory": td.get("memory"),
            "networkMode": td.get("networkMode"),
            "requiresCompatibilities": td.get("requiresCompatibilities"),
            "runtimePlatform": {
                "operatingSystemFamily": rp.get("operatingSystemFamily"),
                "cpuArchitecture": rp.get("cpuArchitecture"),
            },
            "executionRoleArn": td.get("executionRoleArn"),
            "taskRoleArn": td.get("taskRoleArn"),
            # pulumi_aws takes the container definitions as a JSON string.
            "containerDefinitions": json.dumps(td.get("containerDefinitions") or [], default=str),
            "tags": tag_dict(resp.get("tags"), "key", "value"),
        }
        name = f"{td.get('family')}:{td.get('revision')}"
        yield ctx.node(TASK_DEFINITION, name, arn, prune(inputs))


# ---------------------------------------------------------------------------
# Application Auto Scaling (ECS services)
# ---------------------------------------------------------------------------
def _ecs_service_arn(ctx: CollectContext, resource_id: str) -> str | None:
    """``service/<cluster>/<service>`` -> the service's ARN (long format)."""
    parts = resource_id.split("/")
    if len(parts) != 3 or parts[0] != "service":
        return None
    return f"arn:aws:ecs:{ctx.region}:{ctx.account_id}:service/{parts[1]}/{parts[2]}"


def _target_urn(ctx: CollectContext, namespace: str, resource_id: str, dim: str) -> str:
    return ctx.urn(f"appautoscaling/{namespace}/{resource_id}/{dim}")


@collector(
    "application-autoscaling.targets",
    "application-autoscaling",
    ["application-autoscaling:DescribeScalableTargets", "tag:GetResources"],
)
def scalable_targets(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Scalable targets of ECS services (namespace ``ecs``), each depending on the
    ECS service node it scales.

    DescribeScalableTargets returns no tags and ListTagsForResource takes one
    target per call, so tags come from the Resource Groups Tagging API (one call
    per page). A target it does not return may be untagged or not indexed (moto
    indexes no scalable targets), so its tags are left *unknown*, not empty: a
    rule that needs them (GCM-TAG-001) reports that it could not decide instead
    of a missing tag."""
    tagged = ctx.tags_by_arn("application-autoscaling")
    for t in ctx.paginate(
        "application-autoscaling", "describe_scalable_targets", "ScalableTargets",
        ServiceNamespace="ecs",
    ):  # fmt: skip
        rid, dim = t["ResourceId"], t["ScalableDimension"]
        svc = _ecs_service_arn(ctx, rid)
        suspended = t.get("SuspendedState") or {}
        inputs = {
            "serviceNamespace": t["ServiceNamespace"],
            "resourceId": rid,
            "scalableDimension": dim,
            "minCapacity": t.get("MinCapacity"),
            "maxCapacity": t.get("MaxCapacity"),
            "roleArn": t.get("RoleARN"),
            "suspendedState": {
                "dynamicScalingInSuspended": suspended.get("DynamicScalingInSuspended"),
                "dynamicScalingOutSuspended": suspended.get("DynamicScalingOutSuspended"),
                "scheduledScalingSuspended": suspended.get("ScheduledScalingSuspended"),
            },
            "tags": tagged.get(t.get("ScalableTargetARN") or "", UNKNOWN),
        }
        urn = _target_urn(ctx, t["ServiceNamespace"], rid, dim)
        deps = [ctx.urn(svc)] if svc else []
        yield ctx.node(SCALABLE_TARGET, f"{rid}/{dim}", urn, prune(inputs), deps)


def _target_tracking(cfg: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not cfg:
        return None
    pre = cfg.get("PredefinedMetricSpecification") or {}
    return {
        "targetValue": cfg.get("TargetValue"),
        "scaleInCooldown": cfg.get("ScaleInCooldown"),
        "scaleOutCooldown": cfg.get("ScaleOutCooldown"),
        "disableScaleIn": cfg.get("DisableScaleIn"),
        "predefinedMetricSpecification": {
            "predefinedMetricType": pre.get("PredefinedMetricType"),
            "resourceLabel": pre.get("ResourceLabel"),
        },
    }


def _step(cfg: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not cfg:
        return None
    return {
        "adjustmentType": cfg.get("AdjustmentType"),
        "cooldown": cfg.get("Cooldown"),
        "metricAggregationType": cfg.get("MetricAggregationType"),
        "minAdjustmentMagnitude": cfg.get("MinAdjustmentMagnitude"),
        "stepAdjustments": [
            {
                "scalingAdjustment": s.get("ScalingAdjustment"),
                "metricIntervalLowerBound": s.get("MetricIntervalLowerBound"),
                "metricIntervalUpperBound": s.get("MetricIntervalUpperBound"),
            }
            for s in cfg.get("StepAdjustments") or ()
        ],
    }


@collector(
    "application-autoscaling.policies",
    "application-autoscaling",
    ["application-autoscaling:DescribeScalingPolicies"],
)
def scaling_policies(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Scaling policies of ECS services, each depending on its scalable target node."""
    for p in ctx.paginate(
        "application-autoscaling", "describe_scaling_policies", "ScalingPolicies",
        ServiceNamespace="ecs",
    ):  # fmt: skip
        rid, dim, ns = p["ResourceId"], p["ScalableDimension"], p["ServiceNamespace"]
        inputs = {
            "name": p["PolicyName"],
            "policyType": p.get("PolicyType"),
            "resourceId": rid,
            "scalableDimension": dim,
            "serviceNamespace": ns,
            "targetTrackingScalingPolicyConfiguration": _target_tracking(
                p.get("TargetTrackingScalingPolicyConfiguration")
            ),
            "stepScalingPolicyConfiguration": _step(p.get("StepScalingPolicyConfiguration")),
        }
        deps = [_target_urn(ctx, ns, rid, dim)]
        yield ctx.node(SCALING_POLICY, p["PolicyName"], p["PolicyARN"], prune(inputs), deps)
