"""Facts about pulumi_aws resource types, read from the installed SDK.

Reading the SDK imports ``pulumi_aws`` (seconds of start-up); the types a
deployed-account audit produces are answered from :data:`TAGGABLE`, a table
of the SDK's own answers that a test keeps equal to the SDK
(tests/test_audit_evaluate.py).
"""

from __future__ import annotations

import importlib
import inspect
from functools import cache

#: ``taggable`` of the types the audit's collectors emit, as the SDK answers it.
TAGGABLE: dict[str, bool] = {
    "aws:alb/loadBalancer:LoadBalancer": True,
    "aws:appautoscaling/policy:Policy": False,
    "aws:appautoscaling/target:Target": True,
    "aws:autoscaling/group:Group": True,
    "aws:backup/plan:Plan": True,
    "aws:backup/regionSettings:RegionSettings": False,
    "aws:backup/vault:Vault": True,
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": False,
    "aws:cloudwatch/logGroup:LogGroup": True,
    "aws:ebs/snapshot:Snapshot": True,
    "aws:ebs/volume:Volume": True,
    "aws:ec2/eip:Eip": True,
    "aws:ec2/instance:Instance": True,
    "aws:ec2/launchTemplate:LaunchTemplate": True,
    "aws:ec2/natGateway:NatGateway": True,
    "aws:ec2/securityGroup:SecurityGroup": True,
    "aws:ec2/subnet:Subnet": True,
    "aws:ec2/vpc:Vpc": True,
    "aws:ec2/vpcEndpoint:VpcEndpoint": True,
    "aws:ecs/cluster:Cluster": True,
    "aws:ecs/service:Service": True,
    "aws:ecs/taskDefinition:TaskDefinition": True,
    "aws:lb/listener:Listener": True,
    "aws:lb/loadBalancer:LoadBalancer": True,
    "aws:rds/cluster:Cluster": True,
    "aws:rds/clusterInstance:ClusterInstance": True,
    "aws:rds/globalCluster:GlobalCluster": True,
    "aws:rds/instance:Instance": True,
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": False,
    "aws:s3/bucket:Bucket": True,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": False,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": False,
    "aws:scheduler/schedule:Schedule": False,
    "aws:scheduler/scheduleGroup:ScheduleGroup": True,
}


def taggable(type_token: str) -> bool | None:
    """Whether the pulumi_aws resource behind ``type_token`` accepts ``tags``
    (:data:`TAGGABLE`, else the SDK: :func:`sdk_taggable`)."""
    known = TAGGABLE.get(type_token)
    return known if known is not None else sdk_taggable(type_token)


@cache
def sdk_taggable(type_token: str) -> bool | None:
    """Whether the pulumi_aws resource behind ``type_token`` accepts ``tags``;
    None when the type is not a pulumi_aws resource this process can find.

    ``aws:ec2/vpc:Vpc`` -> ``pulumi_aws.ec2.Vpc``; ``aws:index/x:X`` ->
    ``pulumi_aws.X``; the ``lambda`` module is ``pulumi_aws.lambda_``.
    """
    pkg, _, rest = type_token.partition(":")
    module, _, cls_name = rest.partition(":")
    if pkg != "aws" or not module or not cls_name:
        return None
    mod_name = module.split("/")[0]
    candidates = ["pulumi_aws"] if mod_name == "index" else [f"pulumi_aws.{mod_name}"]
    candidates.append(f"pulumi_aws.{mod_name}_")
    for path in candidates:
        try:
            mod = importlib.import_module(path)
        except ImportError:
            continue
        cls = getattr(mod, cls_name, None)
        if not inspect.isclass(cls):
            continue
        init = getattr(cls, "_internal_init", None)
        if init is not None:
            try:
                return "tags" in inspect.signature(init).parameters
            except (TypeError, ValueError):
                pass
        args_cls = getattr(mod, f"{cls_name}Args", None)
        if inspect.isclass(args_cls):
            return hasattr(args_cls, "tags")
    return None
