"""Elastic Load Balancing v2 collectors: load balancers and their listeners.

Load balancers and listeners are keyed by their ARNs. Inputs follow
``aws.lb.LoadBalancer`` and ``aws.lb.Listener`` (camelCase), so GCM-SEC-011,
GCM-TEN-001 and GCM-DR-001 run on them unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from gcmod.audit import metrics
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


#: Days of CloudWatch RequestCount behind the idle check (GCM-IDLE-003).
METRIC_DAYS = 14


def metric_dimension(arn: str) -> str:
    """``arn:...:loadbalancer/app/name/id`` -> ``app/name/id`` (the CloudWatch
    ``LoadBalancer`` dimension)."""
    return arn.split(":loadbalancer/", 1)[-1]


def healthy_targets(ctx: CollectContext, lb_arns: Sequence[str]) -> dict[str, int]:
    """Healthy targets per load balancer: the target groups from one paged
    DescribeTargetGroups listing, then DescribeTargetHealth per target group
    attached to a load balancer (the API has no batch form)."""
    groups: dict[str, list[str]] = {arn: [] for arn in lb_arns}
    for tg in ctx.paginate("elbv2", "describe_target_groups", "TargetGroups"):
        for lb in tg.get("LoadBalancerArns") or ():
            if lb in groups:
                groups[lb].append(tg["TargetGroupArn"])
    client = ctx.client("elbv2")
    health: dict[str, int] = {}
    out: dict[str, int] = {}
    for lb, tgs in groups.items():
        for tg in tgs:
            if tg not in health:
                desc = client.describe_target_health(TargetGroupArn=tg)
                health[tg] = sum(
                    1
                    for d in desc.get("TargetHealthDescriptions", [])
                    if (d.get("TargetHealth") or {}).get("State") == "healthy"
                )
        out[lb] = sum(health[tg] for tg in tgs)
    return out


@collector(
    "elbv2.load-balancers",
    "elbv2",
    [
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
        *metrics.IAM_ACTIONS,
    ],
    per_parent={
        "elbv2.DescribeTargetHealth": "takes one TargetGroupArn (no batch form); read for "
        "each target group attached to a load balancer"
    },
)
def load_balancers(ctx: CollectContext) -> Iterator[ResourceNode]:
    """``aws.lb.LoadBalancer``: internal, loadBalancerType, subnets,
    securityGroups, ipAddressType, tags; depends on its subnets and security
    groups. DescribeLoadBalancers is paged; tags come from DescribeTags, 20
    load balancers per call. Observed: age in days, healthy targets
    (:func:`healthy_targets`) and, for application load balancers, the requests
    over :data:`METRIC_DAYS` days (CloudWatch RequestCount, batched GetMetricData)."""
    lbs = _load_balancers(ctx)
    arns = [lb["LoadBalancerArn"] for lb in lbs]
    tags = _tags(ctx, arns)
    healthy = healthy_targets(ctx, arns) if lbs else {}
    albs = [a for a, lb in zip(arns, lbs, strict=True) if lb.get("Type") == "application"]
    requests = metrics.metric_sums(
        ctx,
        "AWS/ApplicationELB",
        "RequestCount",
        "LoadBalancer",
        [metric_dimension(a) for a in albs],
        METRIC_DAYS,
    )
    for lb in lbs:
        arn = lb["LoadBalancerArn"]
        inputs = load_balancer_inputs(lb, tags.get(arn, {}))
        inputs["gcmodObserved"] = _compact(
            {
                "ageDays": metrics.age_days(lb.get("CreatedTime")),
                "healthyTargets": healthy.get(arn),
                "requests": requests.get(metric_dimension(arn)),
                "days": METRIC_DAYS,
            }
        )
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
