"""The VPC: private subnets only, VPC endpoints instead of a NAT gateway.

With no options, :class:`Network` builds the cost-optimal, secure shape:

* one VPC (DNS support and host names on, which interface endpoints' private
  DNS needs) and one **private** subnet per availability zone;
* no internet gateway, no NAT gateway, no public subnet: nothing in the VPC has
  a route to the internet;
* VPC endpoints for what a Fargate platform needs: an S3 **gateway** endpoint
  (free; ECR image layers are served from S3) and **interface** endpoints for
  ``ecr.api``, ``ecr.dkr``, ``logs`` and ``secretsmanager`` with private DNS, so
  the standard AWS host names resolve to addresses inside the VPC;
* one security group for the interface endpoints admitting HTTPS (443) from the
  VPC's CIDR only, and the VPC's default security group emptied of all rules
  (AWS Security Hub control EC2.2), so nothing lands in an open group by accident.

Address plan (``config.cidr`` is a /16 to /24): the VPC is cut into quarters.
Private subnets take the first ``az_count`` quarters (a /18 each in a /16; a /26
in a /24), so adding a third AZ later renumbers nothing. The last quarter is
kept for public subnets, cut into four (a /20 each in a /16, a /28, the smallest
subnet AWS allows, in a /24): they only hold NAT gateways.

``config.nat_gateway`` ``"single"`` or ``"per-az"`` adds public subnets (no
public IPs on launch), an internet gateway, Elastic IPs and one NAT gateway in
total or one per AZ, with a default route from each private route table.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from gcmod.components.environment import resolve_environment
from gcmod.components.overrides import Planned, warn_if_rejected
from gcmod.components.providers import invoke_options
from gcmod.components.tags import component_tags
from gcmod.config import NetworkConfig

#: Services reached through interface endpoints (``com.amazonaws.<region>.<svc>``):
#: ECR API and registry (image pulls), CloudWatch Logs (awslogs driver) and
#: Secrets Manager (secrets injected into tasks, Aurora's managed password).
#: Source: Amazon ECS Developer Guide, "Amazon ECS interface VPC endpoints"
#: (Fargate platform 1.4.0 needs ecr.api, ecr.dkr, the S3 gateway endpoint,
#: and logs / secretsmanager when used), checked 2026-11.
INTERFACE_ENDPOINT_SERVICES: tuple[str, ...] = ("ecr.api", "ecr.dkr", "logs", "secretsmanager")
#: Service reached through the (free) gateway endpoint.
GATEWAY_ENDPOINT_SERVICE = "s3"
#: The only port interface endpoints serve.
HTTPS_PORT = 443
#: Quarters of the VPC for private subnets (at most three AZs), the last for public.
_QUARTERS = 2
_PUBLIC_SPLIT = 2


def service_name(region: str, service: str) -> str:
    """The VPC endpoint service name of an AWS service in ``region``."""
    return f"com.amazonaws.{region}.{service}"


def plan_subnets(cidr: str, az_count: int) -> tuple[list[str], list[str]]:
    """Private and public subnet CIDRs for ``az_count`` AZs (see the module doc)."""
    vpc = ipaddress.IPv4Network(cidr, strict=True)
    quarters = list(vpc.subnets(prefixlen_diff=_QUARTERS))
    if not 1 <= az_count < len(quarters):
        raise ValueError(f"az_count must be between 1 and {len(quarters) - 1}, got {az_count}")
    public = list(quarters[-1].subnets(prefixlen_diff=_PUBLIC_SPLIT))
    if public[0].prefixlen > 28:
        raise ValueError(f"cidr {cidr} is too small: public subnets would be below /28")
    return [str(n) for n in quarters[:az_count]], [str(n) for n in public[:az_count]]


@dataclass(frozen=True)
class NetworkArgs:
    """Inputs of :class:`Network`."""

    config: NetworkConfig = field(default_factory=NetworkConfig)
    """CIDR, number of AZs, NAT gateway mode. @default ``NetworkConfig()``
    (10.0.0.0/16, two AZs, no NAT gateway; documented in gcmod.config)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on every taggable resource; gcmod's cost-allocation keys are added
    (:func:`gcmod.components.tags.component_tags`; the network is shared by all
    tenants). @default none"""
    extra_interface_endpoints: Sequence[str] = ()
    """More interface endpoints (service suffixes such as ``ssm``) beside the
    four the platform always needs. @default none"""
    env: str | None = None
    """production, staging or development. @default decided by
    :func:`gcmod.components.environment.resolve_environment` (stack config, tags,
    stack name; else production). The network's defaults are the same in every
    environment (no NAT gateway); the environment tags the resources and decides
    the override warnings (GCM-NET-001)."""


class Network(pulumi.ComponentResource):
    """A private-only VPC whose workloads reach AWS services through VPC endpoints.

    The region and the availability zones are looked up through the component's
    provider (``opts.provider``, ``opts.providers`` or the parent's).
    """

    environment: str
    region: str
    vpc: aws.ec2.Vpc
    vpc_id: pulumi.Output[str]
    cidr_block: str
    availability_zones: list[str]
    private_subnets: list[aws.ec2.Subnet]
    private_subnet_ids: list[pulumi.Output[str]]
    private_route_tables: list[aws.ec2.RouteTable]
    private_route_table_ids: list[pulumi.Output[str]]
    public_subnet_ids: list[pulumi.Output[str]]
    nat_gateway_ids: list[pulumi.Output[str]]
    endpoint_security_group_id: pulumi.Output[str]
    endpoints: dict[str, aws.ec2.VpcEndpoint]

    def __init__(
        self,
        name: str,
        args: NetworkArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        args = args or NetworkArgs()
        cfg = args.config
        private_cidrs, public_cidrs = plan_subnets(cfg.cidr, cfg.az_count)
        env = resolve_environment(args.env, args.tags).environment
        super().__init__("gcmod:network:Network", name, None, opts)
        self.environment = env
        tags = component_tags(args.tags, env)
        child = pulumi.ResourceOptions(parent=self)
        if cfg.nat_gateway != "none":
            warn_if_rejected(
                self,
                "GCM-NET-001",
                [
                    Planned("aws:ec2/natGateway:NatGateway", f"{name}-nat-{i}", {"tags": tags})
                    for i in range(cfg.az_count if cfg.nat_gateway == "per-az" else 1)
                ],
                env,
                f"config.nat_gateway={cfg.nat_gateway}",
            )

        # Looked up through the component's provider (synchronous: the
        # zone names name the subnets).
        region = aws.get_region(opts=invoke_options(self)).region
        zones = list(aws.get_availability_zones(state="available", opts=invoke_options(self)).names)
        self.region = region
        if len(zones) < cfg.az_count:
            raise ValueError(
                f"{name}: az_count is {cfg.az_count} but {region} offers only "
                f"{len(zones)} available zones ({', '.join(zones)})"
            )
        self.availability_zones = zones[: cfg.az_count]
        self.cidr_block = cfg.cidr

        # --- VPC -----------------------------------------------------------
        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=cfg.cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=tags,
            opts=child,
        )
        self.vpc_id = self.vpc.id
        # Adopt the default security group and leave it without any rule.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",
            vpc_id=self.vpc.id,
            ingress=[],
            egress=[],
            tags=tags,
            opts=child,
        )

        # --- Private subnets, one route table each ---------------------------
        # One route table per AZ costs nothing and lets "per-az" NAT keep
        # traffic inside its zone.
        self.private_subnets = []
        self.private_route_tables = []
        for az, cidr in zip(self.availability_zones, private_cidrs, strict=True):
            subnet = aws.ec2.Subnet(
                f"{name}-private-{az}",
                vpc_id=self.vpc.id,
                cidr_block=cidr,
                availability_zone=az,
                map_public_ip_on_launch=False,
                tags=tags,
                opts=child,
            )
            table = aws.ec2.RouteTable(
                f"{name}-private-{az}", vpc_id=self.vpc.id, tags=tags, opts=child
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{az}",
                subnet_id=subnet.id,
                route_table_id=table.id,
                opts=child,
            )
            self.private_subnets.append(subnet)
            self.private_route_tables.append(table)
        self.private_subnet_ids = [s.id for s in self.private_subnets]
        self.private_route_table_ids = [t.id for t in self.private_route_tables]

        # --- VPC endpoints -------------------------------------------------
        endpoint_sg = aws.ec2.SecurityGroup(
            f"{name}-endpoints",
            vpc_id=self.vpc.id,
            description="VPC interface endpoints: HTTPS from inside the VPC only",
            tags=tags,
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-endpoints-https",
            security_group_id=endpoint_sg.id,
            ip_protocol="tcp",
            from_port=HTTPS_PORT,
            to_port=HTTPS_PORT,
            cidr_ipv4=cfg.cidr,
            description="HTTPS from the VPC",
            tags=tags,
            opts=child,
        )
        self.endpoint_security_group_id = endpoint_sg.id
        self.endpoints = {
            GATEWAY_ENDPOINT_SERVICE: aws.ec2.VpcEndpoint(
                f"{name}-{GATEWAY_ENDPOINT_SERVICE}",
                vpc_id=self.vpc.id,
                service_name=service_name(region, GATEWAY_ENDPOINT_SERVICE),
                vpc_endpoint_type="Gateway",
                route_table_ids=self.private_route_table_ids,
                tags=tags,
                opts=child,
            )
        }
        extra = [s for s in args.extra_interface_endpoints if s not in INTERFACE_ENDPOINT_SERVICES]
        for svc in (*INTERFACE_ENDPOINT_SERVICES, *dict.fromkeys(extra)):
            self.endpoints[svc] = aws.ec2.VpcEndpoint(
                f"{name}-{svc.replace('.', '-')}",
                vpc_id=self.vpc.id,
                service_name=service_name(region, svc),
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=self.private_subnet_ids,
                security_group_ids=[endpoint_sg.id],
                tags=tags,
                opts=child,
            )

        # --- Optional outbound internet through NAT ---------------------------
        self.public_subnet_ids = []
        self.nat_gateway_ids = []
        if cfg.nat_gateway != "none":
            self._add_nat(name, cfg.nat_gateway, public_cidrs, tags, child)

        self.register_outputs(
            {
                "environment": env,
                "region": region,
                "vpcId": self.vpc_id,
                "cidrBlock": self.cidr_block,
                "availabilityZones": self.availability_zones,
                "privateSubnetIds": self.private_subnet_ids,
                "privateRouteTableIds": self.private_route_table_ids,
                "publicSubnetIds": self.public_subnet_ids,
                "natGatewayIds": self.nat_gateway_ids,
                "endpointSecurityGroupId": self.endpoint_security_group_id,
            }
        )

    def _add_nat(
        self,
        name: str,
        mode: str,
        public_cidrs: list[str],
        tags: dict[str, str],
        child: pulumi.ResourceOptions,
    ) -> None:
        """Public subnets, an internet gateway and NAT gateway(s) with default routes."""
        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=self.vpc.id, tags=tags, opts=child)
        public_table = aws.ec2.RouteTable(
            f"{name}-public", vpc_id=self.vpc.id, tags=tags, opts=child
        )
        aws.ec2.Route(
            f"{name}-public-default",
            route_table_id=public_table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=igw.id,
            opts=child,
        )
        public_subnets = []
        for az, cidr in zip(self.availability_zones, public_cidrs, strict=True):
            subnet = aws.ec2.Subnet(
                f"{name}-public-{az}",
                vpc_id=self.vpc.id,
                cidr_block=cidr,
                availability_zone=az,
                # Only NAT gateways live here; nothing gets a public IP implicitly.
                map_public_ip_on_launch=False,
                tags=tags,
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{az}",
                subnet_id=subnet.id,
                route_table_id=public_table.id,
                opts=child,
            )
            public_subnets.append(subnet)
        self.public_subnet_ids = [s.id for s in public_subnets]

        nat_count = len(public_subnets) if mode == "per-az" else 1
        nats = []
        for i in range(nat_count):
            az = self.availability_zones[i]
            eip = aws.ec2.Eip(f"{name}-nat-{az}", domain="vpc", tags=tags, opts=child)
            nats.append(
                aws.ec2.NatGateway(
                    f"{name}-nat-{az}",
                    allocation_id=eip.id,
                    subnet_id=public_subnets[i].id,
                    connectivity_type="public",
                    tags=tags,
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
                )
            )
        self.nat_gateway_ids = [n.id for n in nats]
        for i, (az, table) in enumerate(
            zip(self.availability_zones, self.private_route_tables, strict=True)
        ):
            nat = nats[i] if mode == "per-az" else nats[0]
            aws.ec2.Route(
                f"{name}-private-{az}-default",
                route_table_id=table.id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nat.id,
                opts=child,
            )
