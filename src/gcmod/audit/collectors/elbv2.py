"""Elastic Load Balancing v2 collectors: load balancers and their listeners.

Load balancers and listeners are keyed by their ARNs. Inputs follow
``aws.lb.LoadBalancer`` and ``aws.lb.Listener`` (camelCase), so GCM-SEC-011,
GCM-TEN-001 and GCM-DR-001 run on them unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from gcmod.audit.collect import CollectContext, collector
from gcmod.graph import ResourceNode

LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"

#: Most ARNs one DescribeTags call accepts (ELBv2 API Reference).
TAGS_PER_CALL = 20


def _compact(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def _tags(ctx: CollectContext, arns: Sequence[str]) -> dict[str, dict[str, str]]:
    """Tags of ``arns``, 20 ARNs per DescribeTags call."""
    out: dict[str, dict[str, str]] = {}
    client = ctx.client("elbv2")
    for i in range(0, len(arns), TAGS_PER_CALL):
        resp = client.describe_tags(ResourceArns=list(arns[i : i + TAGS_PER_CALL]))
        for d in resp.get("TagDescriptions", []):
            out[d["ResourceArn"]] = {
                t["Key"]: t.get("Value", "") for t in d.get("Tags", []) if "Key" in t
            }
    return out


def _load_balancers(ctx: CollectContext) -> list[Mapping[str, Any]]:
    """DescribeLoadBalancers (paged), once per account and region: the load
    balancer and listener collectors share it."""
    return ctx.once(
        "elbv2:load-balancers",
        lambda: list(ctx.paginate("elbv2", "describe_load_balancers", "LoadBalancers")),
    )


def load_balancer_inputs(lb: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    """DescribeLoadBalancers item -> ``aws.lb.LoadBalancer`` inputs."""
    azs = lb.get("AvailabilityZones") or []
    return _compact(
        {
            "name": lb.get("LoadBalancerName"),
            "internal": lb.get("Scheme") == "internal",
            "loadBalancerType": lb.get("Type"),
            "ipAddressType": lb.get("IpAddressType"),
            "subnets": [z["SubnetId"] for z in azs if z.get("SubnetId")],
            "securityGroups": lb.get("SecurityGroups") or None,
            "tags": dict(tags),
        }
    )


@collector(
    "elbv2.load-balancers",
    "elbv2",
    ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTags"],
)
def load_balancers(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.lb.LoadBalancer``: internal, loadBalancerType, subnets,
    securityGroups, ipAddressType, tags; depends on its subnets and security
    groups. DescribeLoadBalancers is paged; tags come from DescribeTags, 20
    load balancers per call."""
    lbs = _load_balancers(ctx)
    tags = _tags(ctx, [lb["LoadBalancerArn"] for lb in lbs])
    for lb in lbs:
        arn = lb["LoadBalancerArn"]
        inputs = load_balancer_inputs(lb, tags.get(arn, {}))
        deps = [ctx.urn(s) for s in inputs.get("subnets", [])]
        deps += [ctx.urn(g) for g in inputs.get("securityGroups", [])]
        yield ctx.node(LOAD_BALANCER, lb.get("LoadBalancerName") or arn, arn, inputs, deps)


def _action(a: Mapping[str, Any]) -> dict[str, Any]:
    """One ELBv2 Action -> Pulumi's ``defaultActions`` item."""
    redirect = a.get("RedirectConfig")
    fixed = a.get("FixedResponseConfig")
    forward = a.get("ForwardConfig")
    return _compact(
        {
            "type": a.get("Type"),
            "order": a.get("Order"),
            "targetGroupArn": a.get("TargetGroupArn"),
            "redirect": _compact(
                {
                    "protocol": redirect.get("Protocol"),
                    "port": redirect.get("Port"),
                    "host": redirect.get("Host"),
                    "path": redirect.get("Path"),
                    "query": redirect.get("Query"),
                    "statusCode": redirect.get("StatusCode"),
                }
            )
            if isinstance(redirect, Mapping)
            else None,
            "fixedResponse": _compact(
                {
                    "contentType": fixed.get("ContentType"),
                    "messageBody": fixed.get("MessageBody"),
                    "statusCode": fixed.get("StatusCode"),
                }
            )
            if isinstance(fixed, Mapping)
            else None,
            "forward": _compact(
                {
                    "targetGroups": [
                        _compact({"arn": t.get("TargetGroupArn"), "weight": t.get("Weight")})
                        for t in forward.get("TargetGroups", [])
                    ],
                    "stickiness": _compact(
                        {
                            "enabled": forward["TargetGroupStickinessConfig"].get("Enabled"),
                            "duration": forward["TargetGroupStickinessConfig"].get(
                                "DurationSeconds"
                            ),
                        }
                    )
                    if forward.get("TargetGroupStickinessConfig")
                    else None,
                }
            )
            if isinstance(forward, Mapping)
            else None,
        }
    )


def listener_inputs(listener: Mapping[str, Any]) -> dict[str, Any]:
    """DescribeListeners item -> ``aws.lb.Listener`` inputs."""
    certs: Iterable[Mapping[str, Any]] = listener.get("Certificates") or []
    return _compact(
        {
            "loadBalancerArn": listener.get("LoadBalancerArn"),
            "protocol": listener.get("Protocol"),
            "port": listener.get("Port"),
            "sslPolicy": listener.get("SslPolicy"),
            "certificateArn": next(
                (c["CertificateArn"] for c in certs if c.get("CertificateArn")), None
            ),
            "alpnPolicy": (listener.get("AlpnPolicy") or [None])[0],
            "defaultActions": [_action(a) for a in listener.get("DefaultActions", [])],
        }
    )


@collector(
    "elbv2.listeners",
    "elbv2",
    ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners"],
    per_parent={
        "elbv2.DescribeListeners": "DescribeListeners takes one LoadBalancerArn per request "
        "(ELBv2 API Reference, DescribeListeners: LoadBalancerArn or ListenerArns, not a list "
        "of load balancers); one paginated call per load balancer.",
    },
)
def listeners(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.lb.Listener``: protocol, port, sslPolicy, certificateArn,
    defaultActions (``[{type, redirect: {protocol, ...}, forward, ...}]``);
    depends on its load balancer.

    DescribeListeners takes one load balancer ARN per request, so this is one
    paginated call per load balancer (unavoidable: the API has no batch form;
    declared as a per-parent call). The load balancers come from the listing
    ``elbv2.load-balancers`` already made."""
    for lb in _load_balancers(ctx):
        lb_arn = lb["LoadBalancerArn"]
        lb_name = lb.get("LoadBalancerName") or lb_arn
        for li in ctx.paginate("elbv2", "describe_listeners", "Listeners", LoadBalancerArn=lb_arn):
            inputs = listener_inputs(li)
            name = f"{lb_name}-{inputs.get('protocol', 'listener').lower()}-{inputs.get('port')}"
            yield ctx.node(LISTENER, name, li["ListenerArn"], inputs, [ctx.urn(lb_arn)])
