"""EC2, EBS and Auto Scaling collectors: deployed resources as Pulumi-shaped nodes.

Each collector lists one resource kind with one paginated ``Describe*`` call per
page (never one call per resource) and maps the API response onto the camelCase
inputs of the ``pulumi_aws`` resource that would have created it, so the policy
rules (``policies/rules/*.py``) run on it unchanged.

URNs: EC2 resources whose API response carries no ARN (VPCs, subnets, instances,
volumes, NAT gateways, endpoints, security groups, Elastic IPs, launch
templates) are keyed by their id through :meth:`CollectContext.urn`, so any
collector can link to them from the id alone (``ctx.urn(vpc_id)``). Auto Scaling
groups use their ARN.

Block devices: an instance's attached volumes are inlined, as Pulumi declares
them on ``aws.ec2.Instance`` (``rootBlockDevice`` for the volume at the
instance's ``RootDeviceName``, ``ebsBlockDevices`` for the others), joined with
their details from ONE ``DescribeVolumes`` pagination in ``ec2.instances``.
``ec2.volumes`` therefore emits only volumes attached to no instance (a
standalone ``aws.ebs.Volume``), so no volume is judged twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from gcmod.audit import metrics
from gcmod.audit.collect import CollectContext, collector
from gcmod.graph import ResourceNode

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
INSTANCE = "aws:ec2/instance:Instance"
VOLUME = "aws:ebs/volume:Volume"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
EIP = "aws:ec2/eip:Eip"
SNAPSHOT = "aws:ebs/snapshot:Snapshot"
#: Input under which collectors record what they observed (state, age, metrics);
#: read by GCM-COST-006 and the idle rules (policies/rules/idle.py).
OBSERVED = "gcmodObserved"
#: Days of CloudWatch data behind the idle checks (NAT bytes, ALB requests).
METRIC_DAYS = 14
#: "User initiated (2026-01-05 10:00:00 GMT)": when an instance was stopped (moto says UTC).
_STOPPED_AT = re.compile(r"\((\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (?:GMT|UTC)\)")
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"

#: Resources in these states are gone (or going) and cost nothing more.
_GONE = frozenset({"deleted", "deleting", "terminated", "shutting-down", "failed"})


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def tags_of(raw: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    """``[{"Key": k, "Value": v}]`` -> ``{k: v}`` (Pulumi's ``tags`` input)."""
    return {t["Key"]: t.get("Value", "") for t in raw or () if "Key" in t}


def _name(tags: Mapping[str, str], fallback: str) -> str:
    """A node's logical name: its ``Name`` tag, else the resource id."""
    name = tags.get("Name")
    return name.strip() if isinstance(name, str) and name.strip() else fallback


def _compact(d: Mapping[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is None (Pulumi leaves unset inputs out)."""
    return {k: v for k, v in d.items() if v is not None}


def _ec2_protocol(proto: Any) -> str:
    """IpProtocol as Pulumi spells it: ``-1`` stays ``-1``; numbers for tcp/udp/icmp
    become names (the security group resource accepts both)."""
    return {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}.get(str(proto), str(proto))


# ---------------------------------------------------------------------------
# VPCs and subnets
# ---------------------------------------------------------------------------
@collector("ec2.vpcs", "ec2", ["ec2:DescribeVpcs"])
def vpcs(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.ec2.Vpc``: cidrBlock, instanceTenancy, tags (DescribeVpcs, paged)."""
    for v in ctx.paginate("ec2", "describe_vpcs", "Vpcs"):
        tags = tags_of(v.get("Tags"))
        yield ctx.node(
            VPC,
            _name(tags, v["VpcId"]),
            v["VpcId"],
            _compact(
                {
                    "cidrBlock": v.get("CidrBlock"),
                    "instanceTenancy": v.get("InstanceTenancy"),
                    "tags": tags,
                }
            ),
        )


@collector("ec2.subnets", "ec2", ["ec2:DescribeSubnets"])
def subnets(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.ec2.Subnet``: vpcId, cidrBlock, availabilityZone, mapPublicIpOnLaunch,
    tags; depends on its VPC (DescribeSubnets, paged)."""
    for s in ctx.paginate("ec2", "describe_subnets", "Subnets"):
        tags = tags_of(s.get("Tags"))
        yield ctx.node(
            SUBNET,
            _name(tags, s["SubnetId"]),
            s["SubnetId"],
            _compact(
                {
                    "vpcId": s.get("VpcId"),
                    "cidrBlock": s.get("CidrBlock"),
                    "availabilityZone": s.get("AvailabilityZone"),
                    "mapPublicIpOnLaunch": bool(s.get("MapPublicIpOnLaunch", False)),
                    "tags": tags,
                }
            ),
            [ctx.urn(s["VpcId"])] if s.get("VpcId") else [],
        )


# ---------------------------------------------------------------------------
# Instances (with their block devices) and volumes
# ---------------------------------------------------------------------------
def _volume_device(vol: Mapping[str, Any] | None, mapping: Mapping[str, Any]) -> dict[str, Any]:
    """One block device in Pulumi's ``rootBlockDevice``/``ebsBlockDevices`` shape."""
    ebs = mapping.get("Ebs") or {}
    vol = vol or {}
    return _compact(
        {
            "deviceName": mapping.get("DeviceName"),
            "volumeId": ebs.get("VolumeId"),
            "volumeType": vol.get("VolumeType"),
            "volumeSize": vol.get("Size"),
            "encrypted": vol.get("Encrypted"),
            "iops": vol.get("Iops"),
            "throughput": vol.get("Throughput"),
            "kmsKeyId": vol.get("KmsKeyId"),
            "snapshotId": vol.get("SnapshotId") or None,
            "deleteOnTermination": ebs.get("DeleteOnTermination"),
            "tags": tags_of(vol.get("Tags")) if vol.get("Tags") else None,
        }
    )


def _all_volumes(ctx: CollectContext) -> list[Mapping[str, Any]]:
    """Every volume here, from ONE DescribeVolumes pagination shared by
    ``ec2.instances`` (attached ones, inlined on their instance) and
    ``ec2.volumes`` (the others)."""
    return ctx.once("ec2:volumes", lambda: list(ctx.paginate("ec2", "describe_volumes", "Volumes")))


def _instances(ctx: CollectContext) -> Iterator[Mapping[str, Any]]:
    for reservation in ctx.paginate("ec2", "describe_instances", "Reservations"):
        for inst in reservation.get("Instances", []):
            if inst.get("State", {}).get("Name") not in _GONE:
                yield inst


def instance_inputs(inst: Mapping[str, Any], volumes: Mapping[str, Any]) -> dict[str, Any]:
    """DescribeInstances item (+ volumes by id) -> ``aws.ec2.Instance`` inputs."""
    root_name = inst.get("RootDeviceName")
    root: dict[str, Any] | None = None
    others: list[dict[str, Any]] = []
    for m in inst.get("BlockDeviceMappings", []):
        if "Ebs" not in m:
            continue
        dev = _volume_device(volumes.get(m["Ebs"].get("VolumeId", "")), m)
        if m.get("DeviceName") == root_name and root is None:
            dev.pop("deviceName", None)  # rootBlockDevice has no deviceName
            dev.pop("snapshotId", None)
            root = dev
        else:
            others.append(dev)
    md = inst.get("MetadataOptions") or {}
    nics = inst.get("NetworkInterfaces") or []
    public = bool(inst.get("PublicIpAddress")) or any(
        (n.get("Association") or {}).get("PublicIp") for n in nics
    )
    lt = inst.get("LaunchTemplate") or None  # not returned by DescribeInstances; from tags
    tags = tags_of(inst.get("Tags"))
    lt_id = tags.get("aws:ec2launchtemplate:id")
    if lt_id:
        lt = {"id": lt_id, "version": tags.get("aws:ec2launchtemplate:version")}
    placement = inst.get("Placement") or {}
    return _compact(
        {
            "ami": inst.get("ImageId"),
            "instanceType": inst.get("InstanceType"),
            "subnetId": inst.get("SubnetId"),
            "availabilityZone": placement.get("AvailabilityZone"),
            "tenancy": placement.get("Tenancy"),
            "associatePublicIpAddress": public,
            "privateIp": inst.get("PrivateIpAddress"),
            "vpcSecurityGroupIds": [g["GroupId"] for g in inst.get("SecurityGroups", [])],
            "iamInstanceProfile": (inst.get("IamInstanceProfile") or {}).get("Arn"),
            "ebsOptimized": inst.get("EbsOptimized"),
            "monitoring": (inst.get("Monitoring") or {}).get("State") in ("enabled", "pending"),
            "metadataOptions": _compact(
                {
                    "httpTokens": md.get("HttpTokens"),
                    "httpEndpoint": md.get("HttpEndpoint"),
                    "httpPutResponseHopLimit": md.get("HttpPutResponseHopLimit"),
                    "instanceMetadataTags": md.get("InstanceMetadataTags"),
                }
            )
            if md
            else None,
            "rootBlockDevice": root,
            "ebsBlockDevices": others,
            "launchTemplate": lt,
            "tags": tags,
        }
    )


@collector(
    "ec2.instances",
    "ec2",
    ["ec2:DescribeInstances", "ec2:DescribeVolumes", *metrics.IAM_ACTIONS],
)
def instances(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.ec2.Instance`` (running and stopped): instanceType, metadataOptions,
    associatePublicIpAddress, subnetId, vpcSecurityGroupIds, rootBlockDevice and
    ebsBlockDevices (joined with the one DescribeVolumes pagination it shares with
    ``ec2.volumes``), launchTemplate, tags; depends on its subnet and security groups.

    DescribeInstances and DescribeVolumes are paged, so calls grow with pages.
    CPU utilisation comes from :func:`gcmod.audit.metrics.collect_utilisation`
    (GetMetricData, 500 instances per call) and is added as
    ``inputs["gcmodObserved"]`` where CloudWatch has data."""
    volumes = {v["VolumeId"]: v for v in _all_volumes(ctx) if v.get("Attachments")}
    found = list(_instances(ctx))
    observed = metrics.collect_utilisation(ctx, [i["InstanceId"] for i in found])
    for inst in found:
        deps = [ctx.urn(inst["SubnetId"])] if inst.get("SubnetId") else []
        deps += [ctx.urn(g["GroupId"]) for g in inst.get("SecurityGroups", [])]
        inputs = instance_inputs(inst, volumes)
        seen = dict(observed.get(inst["InstanceId"], {}))
        state = (inst.get("State") or {}).get("Name")
        if state == "stopped":
            seen["state"] = state
            stopped = stopped_days(inst.get("StateTransitionReason"))
            if stopped is not None:
                seen["stoppedDays"] = stopped
        if seen:
            inputs[OBSERVED] = seen
        yield ctx.node(
            INSTANCE,
            _name(inputs.get("tags", {}), inst["InstanceId"]),
            inst["InstanceId"],
            inputs,
            deps,
        )


def stopped_days(reason: Any, now: datetime | None = None) -> float | None:
    """Days since the stop named in ``StateTransitionReason``, or None."""
    m = _STOPPED_AT.search(reason or "") if isinstance(reason, str) else None
    if m is None:
        return None
    at = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    return metrics.age_days(at, now)


@collector("ec2.volumes", "ec2", ["ec2:DescribeVolumes"])
def volumes(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.ebs.Volume`` for volumes attached to no instance (attached ones are
    inlined on their instance by ``ec2.instances``): type, size, iops,
    throughput, encrypted, kmsKeyId, snapshotId, availabilityZone, tags
    (DescribeVolumes, paged); observed: state and age in days."""
    for v in _all_volumes(ctx):
        if v.get("Attachments") or v.get("State") in _GONE:
            continue
        tags = tags_of(v.get("Tags"))
        yield ctx.node(
            VOLUME,
            _name(tags, v["VolumeId"]),
            v["VolumeId"],
            _compact(
                {
                    "availabilityZone": v.get("AvailabilityZone"),
                    "type": v.get("VolumeType"),
                    "size": v.get("Size"),
                    "iops": v.get("Iops"),
                    "throughput": v.get("Throughput"),
                    "encrypted": v.get("Encrypted"),
                    "kmsKeyId": v.get("KmsKeyId"),
                    "snapshotId": v.get("SnapshotId") or None,
                    "multiAttachEnabled": v.get("MultiAttachEnabled"),
                    "tags": tags,
                    OBSERVED: _compact(
                        {"state": v.get("State"), "ageDays": metrics.age_days(v.get("CreateTime"))}
                    ),
                }
            ),
        )


@collector("ec2.snapshots", "ec2", ["ec2:DescribeSnapshots"])
def snapshots(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.ebs.Snapshot`` owned by the account: volumeId, description,
    encrypted, tags (DescribeSnapshots with OwnerIds=self, paged); observed:
    age in days and the source volume's size (GiB). The ``owner-id`` filter says
    again what ``OwnerIds=self`` means, for endpoints that ignore the latter (moto
    lists its AMI catalogue's snapshots whatever the owner); any other owner's
    snapshot that still comes back is skipped."""
    for snap in ctx.paginate(
        "ec2",
        "describe_snapshots",
        "Snapshots",
        OwnerIds=["self"],
        Filters=[{"Name": "owner-id", "Values": [ctx.account_id]}],
    ):
        if snap.get("State") == "error" or snap.get("OwnerId", ctx.account_id) != ctx.account_id:
            continue
        tags = tags_of(snap.get("Tags"))
        yield ctx.node(
            SNAPSHOT,
            _name(tags, snap["SnapshotId"]),
            snap["SnapshotId"],
            _compact(
                {
                    "volumeId": snap.get("VolumeId"),
                    "description": snap.get("Description") or None,
                    "encrypted": snap.get("Encrypted"),
                    "tags": tags,
                    OBSERVED: _compact(
                        {
                            "ageDays": metrics.age_days(snap.get("StartTime")),
                            "volumeSize": snap.get("VolumeSize"),
                        }
                    ),
                }
            ),
        )


# ---------------------------------------------------------------------------
# NAT gateways, VPC endpoints, Elastic IPs
# ---------------------------------------------------------------------------
@collector("ec2.nat-gateways", "ec2", ["ec2:DescribeNatGateways", *metrics.IAM_ACTIONS])
def nat_gateways(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.ec2.NatGateway``: subnetId, connectivityType, allocationId, tags;
    depends on its VPC and subnet (DescribeNatGateways, paged); observed: age in
    days and the bytes sent to destinations over :data:`METRIC_DAYS` days
    (CloudWatch AWS/NATGateway BytesOutToDestination, batched GetMetricData)."""
    found = [
        n
        for n in ctx.paginate("ec2", "describe_nat_gateways", "NatGateways")
        if n.get("State") not in _GONE
    ]
    sent = metrics.metric_sums(
        ctx,
        "AWS/NATGateway",
        "BytesOutToDestination",
        "NatGatewayId",
        [n["NatGatewayId"] for n in found],
        METRIC_DAYS,
    )
    for n in found:
        tags = tags_of(n.get("Tags"))
        addrs = n.get("NatGatewayAddresses") or []
        deps = [ctx.urn(x) for x in (n.get("VpcId"), n.get("SubnetId")) if x]
        yield ctx.node(
            NAT_GATEWAY,
            _name(tags, n["NatGatewayId"]),
            n["NatGatewayId"],
            _compact(
                {
                    "subnetId": n.get("SubnetId"),
                    "vpcId": n.get("VpcId"),
                    "connectivityType": n.get("ConnectivityType", "public"),
                    "allocationId": next(
                        (a["AllocationId"] for a in addrs if a.get("AllocationId")), None
                    ),
                    "tags": tags,
                    OBSERVED: _compact(
                        {
                            "ageDays": metrics.age_days(n.get("CreateTime")),
                            "bytesOut": sent.get(n["NatGatewayId"]),
                            "days": METRIC_DAYS,
                        }
                    ),
                }
            ),
            deps,
        )


@collector("ec2.vpc-endpoints", "ec2", ["ec2:DescribeVpcEndpoints"])
def vpc_endpoints(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.ec2.VpcEndpoint``: serviceName, vpcEndpointType, vpcId,
    privateDnsEnabled, subnetIds, routeTableIds, tags; depends on its VPC
    (DescribeVpcEndpoints, paged)."""
    for e in ctx.paginate("ec2", "describe_vpc_endpoints", "VpcEndpoints"):
        if str(e.get("State", "")).lower() in _GONE:
            continue
        tags = tags_of(e.get("Tags"))
        yield ctx.node(
            VPC_ENDPOINT,
            _name(tags, e["VpcEndpointId"]),
            e["VpcEndpointId"],
            _compact(
                {
                    "serviceName": e.get("ServiceName"),
                    "vpcEndpointType": e.get("VpcEndpointType"),
                    "vpcId": e.get("VpcId"),
                    "privateDnsEnabled": e.get("PrivateDnsEnabled"),
                    "subnetIds": e.get("SubnetIds") or None,
                    "routeTableIds": e.get("RouteTableIds") or None,
                    "securityGroupIds": [g["GroupId"] for g in e.get("Groups", [])] or None,
                    "tags": tags,
                }
            ),
            [ctx.urn(e["VpcId"])] if e.get("VpcId") else [],
        )


@collector("ec2.addresses", "ec2", ["ec2:DescribeAddresses"])
def addresses(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.ec2.Eip``: domain, instance, networkInterface, publicIp, tags
    (DescribeAddresses: one call, the API has no pages)."""
    for a in ctx.paginate("ec2", "describe_addresses", "Addresses"):
        tags = tags_of(a.get("Tags"))
        ident = a.get("AllocationId") or a.get("PublicIp", "")
        yield ctx.node(
            EIP,
            _name(tags, ident),
            ident,
            _compact(
                {
                    "domain": a.get("Domain"),
                    "instance": a.get("InstanceId"),
                    "networkInterface": a.get("NetworkInterfaceId"),
                    "publicIp": a.get("PublicIp"),
                    # what a NAT gateway names it by (GCM-NET-003 links the two)
                    "allocationId": a.get("AllocationId"),
                    "tags": tags,
                }
            ),
            [ctx.urn(a["InstanceId"])] if a.get("InstanceId") else [],
        )


# ---------------------------------------------------------------------------
# Security groups
# ---------------------------------------------------------------------------
def permissions(raw: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """IpPermissions -> Pulumi's inline ``ingress``/``egress`` blocks."""
    out = []
    for p in raw:
        proto = _ec2_protocol(p.get("IpProtocol", "-1"))
        all_traffic = proto == "-1"
        out.append(
            _compact(
                {
                    "protocol": proto,
                    "fromPort": 0 if all_traffic else p.get("FromPort"),
                    "toPort": 0 if all_traffic else p.get("ToPort"),
                    "cidrBlocks": [r["CidrIp"] for r in p.get("IpRanges", []) if "CidrIp" in r],
                    "ipv6CidrBlocks": [
                        r["CidrIpv6"] for r in p.get("Ipv6Ranges", []) if "CidrIpv6" in r
                    ],
                    "prefixListIds": [
                        r["PrefixListId"] for r in p.get("PrefixListIds", []) if "PrefixListId" in r
                    ],
                    "securityGroups": [
                        g["GroupId"] for g in p.get("UserIdGroupPairs", []) if "GroupId" in g
                    ],
                }
            )
        )
    return out


@collector("ec2.security-groups", "ec2", ["ec2:DescribeSecurityGroups"])
def security_groups(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.ec2.SecurityGroup`` with inline ``ingress``/``egress``
    (protocol, fromPort, toPort, cidrBlocks, ipv6CidrBlocks, ...), name,
    description, vpcId, tags; depends on its VPC (DescribeSecurityGroups, paged).
    The deployed state holds every rule however it was declared (inline,
    SecurityGroupRule or vpc.SecurityGroupIngressRule); all appear inline here."""
    for g in ctx.paginate("ec2", "describe_security_groups", "SecurityGroups"):
        tags = tags_of(g.get("Tags"))
        yield ctx.node(
            SECURITY_GROUP,
            _name(tags, g.get("GroupName") or g["GroupId"]),
            g["GroupId"],
            _compact(
                {
                    "name": g.get("GroupName"),
                    "description": g.get("Description"),
                    "vpcId": g.get("VpcId"),
                    "ingress": permissions(g.get("IpPermissions", [])),
                    "egress": permissions(g.get("IpPermissionsEgress", [])),
                    "tags": tags,
                }
            ),
            [ctx.urn(g["VpcId"])] if g.get("VpcId") else [],
        )


# ---------------------------------------------------------------------------
# Launch templates and Auto Scaling groups
# ---------------------------------------------------------------------------
def _lt_block_devices(raw: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for m in raw:
        ebs = m.get("Ebs")
        out.append(
            _compact(
                {
                    "deviceName": m.get("DeviceName"),
                    "ebs": _compact(
                        {
                            "volumeType": ebs.get("VolumeType"),
                            "volumeSize": ebs.get("VolumeSize"),
                            "encrypted": ebs.get("Encrypted"),
                            "iops": ebs.get("Iops"),
                            "throughput": ebs.get("Throughput"),
                            "kmsKeyId": ebs.get("KmsKeyId"),
                            "snapshotId": ebs.get("SnapshotId"),
                            "deleteOnTermination": ebs.get("DeleteOnTermination"),
                        }
                    )
                    if isinstance(ebs, Mapping)
                    else None,
                }
            )
        )
    return out


@collector(
    "ec2.launch-templates",
    "ec2",
    ["ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"],
)
def launch_templates(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.ec2.LaunchTemplate`` (its default version): instanceType,
    metadataOptions, networkInterfaces, blockDeviceMappings, tagSpecifications.

    DescribeLaunchTemplates is paged; the default versions' data then comes from
    DescribeLaunchTemplateVersions, which takes ``$Default`` only with ONE
    template, so this costs one call per launch template (the API allows no
    batch of default versions across templates)."""
    for t in ctx.paginate("ec2", "describe_launch_templates", "LaunchTemplates"):
        versions = list(
            ctx.paginate(
                "ec2",
                "describe_launch_template_versions",
                "LaunchTemplateVersions",
                LaunchTemplateId=t["LaunchTemplateId"],
                Versions=["$Default"],
            )
        )
        data = versions[0].get("LaunchTemplateData", {}) if versions else {}
        md = data.get("MetadataOptions") or {}
        tags = tags_of(t.get("Tags"))
        yield ctx.node(
            LAUNCH_TEMPLATE,
            t.get("LaunchTemplateName") or t["LaunchTemplateId"],
            t["LaunchTemplateId"],
            _compact(
                {
                    "name": t.get("LaunchTemplateName"),
                    "imageId": data.get("ImageId"),
                    "instanceType": data.get("InstanceType"),
                    "metadataOptions": _compact(
                        {
                            "httpTokens": md.get("HttpTokens"),
                            "httpEndpoint": md.get("HttpEndpoint"),
                            "httpPutResponseHopLimit": md.get("HttpPutResponseHopLimit"),
                        }
                    )
                    if md
                    else None,
                    "networkInterfaces": [
                        _compact(
                            {
                                "associatePublicIpAddress": n.get("AssociatePublicIpAddress"),
                                "subnetId": n.get("SubnetId"),
                                "deviceIndex": n.get("DeviceIndex"),
                            }
                        )
                        for n in data.get("NetworkInterfaces", [])
                    ]
                    or None,
                    "blockDeviceMappings": _lt_block_devices(data.get("BlockDeviceMappings", []))
                    or None,
                    "tagSpecifications": [
                        {"resourceType": s.get("ResourceType"), "tags": tags_of(s.get("Tags"))}
                        for s in data.get("TagSpecifications", [])
                    ]
                    or None,
                    "defaultVersion": t.get("DefaultVersionNumber"),
                    "tags": tags,
                }
            ),
        )


@collector("autoscaling.groups", "autoscaling", ["autoscaling:DescribeAutoScalingGroups"])
def autoscaling_groups(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.autoscaling.Group``: minSize, maxSize, desiredCapacity,
    vpcZoneIdentifiers, launchTemplate, tags; depends on its subnets and launch
    template (DescribeAutoScalingGroups, paged)."""
    for g in ctx.paginate("autoscaling", "describe_auto_scaling_groups", "AutoScalingGroups"):
        zone_ids = [s for s in str(g.get("VPCZoneIdentifier") or "").split(",") if s]
        lt = g.get("LaunchTemplate") or (
            (g.get("MixedInstancesPolicy") or {})
            .get("LaunchTemplate", {})
            .get("LaunchTemplateSpecification")
        )
        # Pulumi's Group takes tags as a list of {key, value, propagateAtLaunch}.
        tags = [
            {
                "key": t["Key"],
                "value": t.get("Value", ""),
                "propagateAtLaunch": t.get("PropagateAtLaunch", False),
            }
            for t in g.get("Tags", [])
            if "Key" in t
        ]
        deps = [ctx.urn(s) for s in zone_ids]
        if lt and lt.get("LaunchTemplateId"):
            deps.append(ctx.urn(lt["LaunchTemplateId"]))
        yield ctx.node(
            AUTOSCALING_GROUP,
            g["AutoScalingGroupName"],
            g.get("AutoScalingGroupARN") or g["AutoScalingGroupName"],
            _compact(
                {
                    "name": g["AutoScalingGroupName"],
                    "minSize": g.get("MinSize"),
                    "maxSize": g.get("MaxSize"),
                    "desiredCapacity": g.get("DesiredCapacity"),
                    "vpcZoneIdentifiers": zone_ids or None,
                    "availabilityZones": g.get("AvailabilityZones") or None,
                    "launchTemplate": _compact(
                        {
                            "id": lt.get("LaunchTemplateId"),
                            "name": lt.get("LaunchTemplateName"),
                            "version": lt.get("Version"),
                        }
                    )
                    if lt
                    else None,
                    "launchConfiguration": g.get("LaunchConfigurationName"),
                    "targetGroupArns": g.get("TargetGroupARNs") or None,
                    "tags": tags or None,
                }
            ),
            deps,
        )
