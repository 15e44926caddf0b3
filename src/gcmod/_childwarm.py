"""Imported once by the fork server of :mod:`gcmod.childrun`: what every
``--project`` child would otherwise import again. ``pulumi_aws`` loads its
submodules lazily, so the ones vendor programs use most are touched here
(about 5 s on a loaded CI machine, paid once per gcmod command)."""

import pulumi
import pulumi.runtime  # noqa: F401
import pulumi_aws

import gcmod.project
import gcmod.synth  # noqa: F401

#: Classes of pulumi_aws loaded ahead (gcmod's own components use all of them).
WARM = (
    ("ec2", "Vpc"), ("iam", "Role"), ("s3", "Bucket"), ("lb", "LoadBalancer"),
    ("rds", "Cluster"), ("ecs", "Service"), ("cloudwatch", "LogGroup"),
    ("backup", "Plan"), ("appautoscaling", "Policy"), ("kms", "Key"),
    ("scheduler", "Schedule"), ("get_availability_zones", None),
)  # fmt: skip

for _module, _cls in WARM:
    try:
        _found = getattr(pulumi_aws, _module)
        if _cls:
            getattr(_found, _cls)
    except Exception:  # a warm-up only: the child imports what it needs anyway
        pass
