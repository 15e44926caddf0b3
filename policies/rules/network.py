"""Network rules: NAT gateways, VPC endpoints, open ingress, HTTPS listeners.

The components build a private-only VPC that reaches AWS services through VPC
endpoints (no NAT gateway, no public ingress, HTTPS with a TLS 1.2+ policy).
These rules hold any program, gcmod's or not, to the same shape.

Resources are linked to their VPC through the dependency graph (a NAT gateway
depends on its subnet, the subnet on the VPC), because the ids that would link
them are unknown before deployment.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

from gcmod.policies.model import Ctx, Environment, Finding, Res, Setting, Text, rule
from gcmod.policies.rulekit import GUIDE_JA, Unknowns, env_ja, known, names, peek

VPC = "aws:ec2/vpc:Vpc"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")


#: Services whose VPC endpoint is a *gateway* endpoint: no hourly and no per-GB
#: charge (Amazon VPC pricing page, "Gateway endpoints ... no additional
#: charge", checked 2026-11). An S3 *interface* endpoint is billed per hour and GB.
GATEWAY_SERVICES = frozenset({"s3", "dynamodb"})

#: What an HTTPS/TLS listener gets without ``sslPolicy``: for listeners created
#: through the API, CloudFormation or CDK (Terraform/Pulumi included), ELB uses
#: ELBSecurityPolicy-2016-08, which still accepts TLS 1.0 and 1.1. Source: ELB
#: User Guide, "Security policies for your Application Load Balancer",
#: Considerations, checked 2026-11.
API_DEFAULT_SSL_POLICY = "ELBSecurityPolicy-2016-08"

#: Predefined ELB policies that accept TLS 1.2 or 1.3 only (same page, policy
#: table, checked 2026-11): the TLS13-1-2 family (incl. Res, Ext*, FIPS, PQ
#: variants), TLS 1.3-only, the TLS-1-2 family and the forward-secrecy FS-1-2
#: family. ELBSecurityPolicy-TLS13-1-1-*, -TLS13-1-0-*, -FS-1-1-*, -2016-08 and
#: older accept TLS 1.0/1.1 and are not listed.
TLS12_POLICIES: tuple[str, ...] = (
    "ELBSecurityPolicy-TLS13-1-2-*",
    "ELBSecurityPolicy-TLS13-1-3-*",
    "ELBSecurityPolicy-TLS-1-2-*",
    "ELBSecurityPolicy-FS-1-2-*",
)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def vpc_of(res: Res) -> str | None:
    """The VPC a resource belongs to: the nearest VPC in its dependencies
    (breadth first), else a literal ``vpcId``; None when neither is known."""
    frontier, seen = [res], {res.urn}
    while frontier:
        found = sorted(d.urn for r in frontier for d in r.dependencies if d.type == VPC)
        if found:
            return found[0]
        nxt = []
        for r in frontier:
            for d in r.dependencies:
                if d.urn not in seen:
                    seen.add(d.urn)
                    nxt.append(d)
        frontier = nxt
    vpc_id = known(res, "vpcId")
    return vpc_id if isinstance(vpc_id, str) else None


# ---------------------------------------------------------------------------
# GCM-NET-001
# ---------------------------------------------------------------------------
@rule(
    id="GCM-NET-001",
    title=Text(
        en="No NAT gateway per availability zone outside production",
        ja="本番以外の環境で AZ ごとに NAT ゲートウェイを置かない",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="sizing",
    scope="stack",
    rationale=Text(
        en="Each NAT gateway is billed for every hour it exists, busy or idle, plus every GB it "
        "processes (Amazon VPC pricing, Asia Pacific (Tokyo): USD 0.062 per hour and 0.062 per "
        "GB, checked 2026-11). One per availability zone buys zone-failure tolerance that a "
        "staging or development environment does not need. The Digital Agency's guide (v1.0, "
        "2025-03-24) asks to size from need rather than habit, and the source deck (2025-10) "
        "names service levels set higher than needed among the causes of higher costs. The "
        "lever is sizing: redundant copies of an always-on component are capacity beyond need.",
        ja=f"NAT ゲートウェイは使用の有無にかかわらず存在する時間と処理したデータ量で課金される "
        "(Amazon VPC 料金、アジアパシフィック (東京): 1時間 0.062 USD、1GB 0.062 USD、2026年11月確認)。"
        "AZ ごとに置くのは AZ 障害への備えであり、検証・開発環境には不要である。"
        f"{GUIDE_JA}は慣習でなく必要量に基づくサイズ決定を求め、資料 (2025年10月) は必要以上のサービス"
        "レベルをコスト増の一因に挙げている。常時稼働部品の冗長化は必要量を超える容量にあたるため、"
        "施策は「インスタンスの選択とサイズ」とする。",
    ),
    remediation=Text(
        en="Outside production use one shared NAT gateway (`gcmod:network.natGateway: single`), "
        "or none: reach AWS services through VPC endpoints (gcmod's default).",
        ja="本番以外では NAT ゲートウェイを1つに集約する (`gcmod:network.natGateway: single`)。"
        "あるいは VPC エンドポイントで AWS サービスに接続し NAT ゲートウェイを置かない (gcmod の既定)。",
    ),
    settings=(
        Setting(
            "maxNatGateways",
            "object",
            {"production": None, "staging": 1, "development": 1},
            "Most NAT gateways allowed per environment; null or a missing environment "
            "means no limit.",
        ),
    ),
)
def nat_gateways_outside_production(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    limits = ctx.setting("maxNatGateways")
    limits = limits if isinstance(limits, Mapping) else {}
    by_env: dict[Environment, list[Res]] = {}
    for r in resources:
        if r.type == NAT_GATEWAY:
            by_env.setdefault(ctx.environment(r), []).append(r)
    for env, found in by_env.items():
        nats = sorted(found, key=lambda r: (r.name, r.urn))  # stable, whatever the input order
        limit = limits.get(env)
        if not isinstance(limit, int | float) or limit < 0 or len(nats) <= limit:
            continue
        # One finding per NAT gateway beyond the limit: each is a resource to remove.
        for extra in nats[int(limit) :]:
            yield Finding(
                Text(
                    en=f"NAT gateway {extra.name}: the {env} environment has {len(nats)} "
                    f"NAT gateways ({names(nats)}); at most {limit:g} allowed in {env}",
                    ja=f"NAT ゲートウェイ {extra.name}: {env_ja(env)}環境に NAT ゲートウェイが "
                    f"{len(nats)} 個あります ({names(nats)})。{env_ja(env)}環境の上限は {limit:g} 個です",
                ),
                urn=extra.urn,
            )


# ---------------------------------------------------------------------------
# GCM-NET-002
# ---------------------------------------------------------------------------
def _endpoint_service(name: str, services: Iterable[str]) -> str | None:
    """``com.amazonaws.ap-northeast-1.ecr.api`` -> ``ecr.api`` (when wanted)."""
    for svc in services:
        if name.endswith(f".{svc}"):
            return svc
    return None


@rule(
    id="GCM-NET-002",
    title=Text(
        en="VPCs with a NAT gateway reach AWS services through VPC endpoints",
        ja="NAT ゲートウェイのある VPC は AWS サービスに VPC エンドポイントで接続する",
    ),
    severity="low",
    enforcement="advisory",
    lever="managed-services",
    scope="stack",
    rationale=Text(
        en="Traffic from private subnets to S3, ECR and CloudWatch Logs that goes through a NAT "
        "gateway pays the NAT data-processing charge on every GB (Amazon VPC pricing, Tokyo: "
        "USD 0.062 per GB, checked 2026-11); image pulls and logs make this a steady line on the "
        "bill. The S3 gateway endpoint is free, and interface endpoints process data for a "
        "fraction of that (USD 0.01 per GB plus an hourly charge per AZ). The guide (v1.0, "
        "2025-03-24) asks to use managed services; the design's network takes endpoints instead "
        "of NAT. Advisory: whether interface endpoints pay off depends on traffic volume.",
        ja="プライベートサブネットから S3・ECR・CloudWatch Logs への通信が NAT ゲートウェイを通ると、"
        "1GB ごとに NAT のデータ処理料金がかかる (Amazon VPC 料金、東京: 1GB 0.062 USD、2026年11月"
        "確認)。イメージの取得とログ送信で毎月の請求に確実に上乗せされる。S3 のゲートウェイ型"
        "エンドポイントは無料で、インターフェイス型エンドポイントのデータ処理料金はその数分の一 "
        f"(1GB 0.01 USD と AZ ごとの時間料金) である。{GUIDE_JA}はマネージドサービスの活用を求めている。"
        "インターフェイス型が得かどうかは通信量によるため推奨 (`advisory`) とする。",
    ),
    remediation=Text(
        en="Add an S3 gateway endpoint (free) on the private route tables, and interface "
        "endpoints with private DNS for ecr.api, ecr.dkr and logs (gcmod's Network does both).",
        ja="プライベートルートテーブルに S3 のゲートウェイ型エンドポイント (無料) を追加し、ecr.api・"
        "ecr.dkr・logs にはプライベート DNS を有効にしたインターフェイス型エンドポイントを追加する "
        "(gcmod の Network は両方を作成する)。",
    ),
    settings=(
        Setting(
            "requiredEndpoints",
            "array",
            ["s3", "ecr.api", "ecr.dkr", "logs"],
            "Services a VPC with a NAT gateway should reach through VPC endpoints "
            "(s3 and dynamodb as gateway endpoints, the others as interface endpoints).",
        ),
    ),
)
def endpoints_before_nat(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    wanted = [s for s in ctx.setting("requiredEndpoints") or [] if isinstance(s, str)]
    if not wanted:
        return
    unknowns = Unknowns()
    vpcs = {r.urn: r for r in resources if r.type == VPC}
    nat_vpcs: dict[str | None, list[Res]] = {}
    have: dict[str | None, set[str]] = {}
    for r in resources:
        if r.type == NAT_GATEWAY:
            nat_vpcs.setdefault(vpc_of(r), []).append(r)
        elif r.type == VPC_ENDPOINT:
            name = unknowns.read(lambda r=r: r.get("serviceName"))
            svc = _endpoint_service(name, wanted) if isinstance(name, str) else None
            if svc is None:
                continue
            kind = unknowns.read(lambda r=r: r.get("vpcEndpointType", "Gateway"), "Gateway")
            if svc in GATEWAY_SERVICES and str(kind).lower() != "gateway":
                continue
            have.setdefault(vpc_of(r), set()).add(svc)
    everywhere = set().union(*have.values()) if have else set()
    for key, nats in nat_vpcs.items():
        # A NAT gateway whose VPC cannot be told: any endpoint in the stack counts.
        present = everywhere if key is None else have.get(key, set())
        missing = [s for s in wanted if s not in present]
        if not missing:
            continue
        vpc = vpcs.get(key) if key else None
        where = f"VPC {vpc.name}" if vpc else (f"VPC {key}" if key else "the VPC")
        where_ja = f"VPC {vpc.name}" if vpc else (f"VPC {key}" if key else "VPC")
        kinds = ", ".join(
            f"{s} ({'gateway' if s in GATEWAY_SERVICES else 'interface'})" for s in missing
        )
        kinds_ja = "、".join(
            f"{s} ({'ゲートウェイ型' if s in GATEWAY_SERVICES else 'インターフェイス型'})"
            for s in missing
        )
        yield Finding(
            Text(
                en=f"{where} has NAT gateway {names(nats)} but no VPC endpoint for {kinds}: that "
                "traffic pays NAT data processing per GB",
                ja=f"{where_ja} には NAT ゲートウェイ {names(nats)} がありますが、{kinds_ja} の VPC "
                "エンドポイントがありません。この通信には GB 単位の NAT データ処理料金がかかります",
            ),
            urn=vpc.urn if vpc else nats[0].urn,
        )
    unknowns.raise_if_any()


# ---------------------------------------------------------------------------
# GCM-SEC-010
# ---------------------------------------------------------------------------
def _is_world(cidr: Any) -> bool:
    if not isinstance(cidr, str):
        return False
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _ports_allowed(protocol: Any, lo: Any, hi: Any, allowed: set[int]) -> bool:
    """Whether a rule's whole port range is in the allowed public ports."""
    if not allowed or str(protocol).lower() not in ("tcp", "udp", "6", "17"):
        return False
    if not isinstance(lo, int | float) or not isinstance(hi, int | float):
        return False
    lo_i, hi_i = int(lo), int(hi)
    return lo_i <= hi_i and all(p in allowed for p in range(lo_i, hi_i + 1))


def _ports_text(protocol: Any, lo: Any, hi: Any) -> str:
    proto = str(protocol) if protocol is not None else "?"
    if proto in ("-1", "all"):
        return "all traffic"
    if isinstance(lo, int | float) and isinstance(hi, int | float):
        return f"{proto} {lo:g}" if lo == hi else f"{proto} {lo:g}-{hi:g}"
    return proto


@rule(
    id="GCM-SEC-010",
    title=Text(
        en="No ingress from the whole internet (0.0.0.0/0 or ::/0)",
        ja="インターネット全体 (0.0.0.0/0・::/0) からの受信を許可しない",
    ),
    severity="critical",
    enforcement="mandatory",
    lever="security",
    resource_types=(SECURITY_GROUP, DEFAULT_SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE),
    rationale=Text(
        en="Standard-compliant systems serve municipal staff over closed networks; the design "
        "puts the load balancer and tasks in private subnets admitting only the VPC or named "
        "security groups. A security group open to 0.0.0.0/0 or ::/0 exposes the service to "
        "the internet (AWS Security Hub controls EC2.18/EC2.19 flag unrestricted ingress). The "
        "source deck (2025-10) asks for security at the level needed, not an exposed surface "
        "that then needs extra protective services.",
        ja="標準準拠システムは閉域網経由で自治体職員が利用する。設計ではロードバランサーとタスクを"
        "プライベートサブネットに置き、VPC 内または指定したセキュリティグループからの通信のみを許可する。"
        "0.0.0.0/0 や ::/0 を許可したセキュリティグループはサービスをインターネットに公開する "
        "(AWS Security Hub のコントロール EC2.18/EC2.19 も無制限の受信を検出する)。資料 (2025年10月) は"
        "必要な水準のセキュリティを求めており、公開面を作ってから追加の防御サービスで守る構成は避ける。",
    ),
    remediation=Text(
        en="Admit the VPC CIDR, the closed network's ranges (LGWAN, the office network) or a "
        "referenced security group instead. A deliberately public port can be listed in "
        "allowedPublicPorts, which keeps the exception visible in the policy config.",
        ja="代わりに VPC の CIDR、閉域網 (LGWAN・庁内ネットワーク) のアドレス範囲、または参照する"
        "セキュリティグループを許可する。意図的に公開するポートは allowedPublicPorts に列挙し、"
        "例外をポリシー設定で明示する。",
    ),
    settings=(
        Setting(
            "allowedPublicPorts",
            "array",
            [],
            "TCP/UDP ports that may be open to 0.0.0.0/0 or ::/0 (e.g. [443] for a "
            "deliberately public HTTPS endpoint). Empty: none.",
        ),
    ),
)
def no_world_ingress(res: Res, ctx: Ctx) -> Iterator[Finding]:
    allowed = {
        int(p) for p in ctx.setting("allowedPublicPorts") or [] if isinstance(p, int | float)
    }
    unknowns = Unknowns()
    # (cidrs, protocol, from, to) per ingress permission
    perms: list[tuple[list[Any], Any, Any, Any]] = []
    if res.type in (SECURITY_GROUP, DEFAULT_SECURITY_GROUP):
        for perm in unknowns.items(unknowns.read(lambda: res.get("ingress"), [])):
            if not isinstance(perm, Mapping):
                continue
            cidrs = [
                *unknowns.items(unknowns.read(lambda p=perm: p.get("cidrBlocks"), [])),
                *unknowns.items(unknowns.read(lambda p=perm: p.get("ipv6CidrBlocks"), [])),
            ]
            perms.append(
                (
                    cidrs,
                    unknowns.read(lambda p=perm: p.get("protocol")),
                    unknowns.read(lambda p=perm: p.get("fromPort")),
                    unknowns.read(lambda p=perm: p.get("toPort")),
                )
            )
    elif res.type == SECURITY_GROUP_RULE:
        if str(res.get("type", "")).lower() != "ingress":
            return
        cidrs = [
            *unknowns.items(unknowns.read(lambda: res.get("cidrBlocks"), [])),
            *unknowns.items(unknowns.read(lambda: res.get("ipv6CidrBlocks"), [])),
        ]
        perms.append((cidrs, res.get("protocol"), res.get("fromPort"), res.get("toPort")))
    else:  # INGRESS_RULE
        cidrs = [
            unknowns.read(lambda: res.get("cidrIpv4")),
            unknowns.read(lambda: res.get("cidrIpv6")),
        ]
        perms.append((cidrs, res.get("ipProtocol"), res.get("fromPort"), res.get("toPort")))

    for cidrs, protocol, lo, hi in perms:
        open_to = [c for c in cidrs if _is_world(c)]
        if not open_to or _ports_allowed(protocol, lo, hi, allowed):
            continue
        ports = _ports_text(protocol, lo, hi)
        ports_ja = "全通信" if ports == "all traffic" else ports
        allowed_txt = ", ".join(str(p) for p in sorted(allowed)) or "none"
        allowed_ja = ", ".join(str(p) for p in sorted(allowed)) or "なし"
        yield Finding(
            Text(
                en=f"{res.name} admits {ports} from {' and '.join(open_to)} (the whole internet); "
                f"allowed: the VPC, closed-network ranges or security groups (public ports "
                f"allowed: {allowed_txt})",
                ja=f"{res.name} は {' と '.join(open_to)} (インターネット全体) から {ports_ja} を"
                f"受信できます。許可されるのは VPC・閉域網のアドレス範囲・セキュリティグループからの"
                f"受信です (公開を認めるポート: {allowed_ja})",
            )
        )
    unknowns.raise_if_any()


# ---------------------------------------------------------------------------
# GCM-SEC-011
# ---------------------------------------------------------------------------
@rule(
    id="GCM-SEC-011",
    title=Text(
        en="Load balancer listeners use HTTPS with a TLS 1.2+ policy",
        ja="ロードバランサーのリスナーは TLS 1.2 以上のポリシーで HTTPS を使う",
    ),
    severity="high",
    enforcement="mandatory",
    lever="security",
    resource_types=LISTENERS,
    rationale=Text(
        en="Resident data (住民記録, 税務, 福祉) must be encrypted in transit. An HTTP listener may "
        "only redirect to HTTPS. An HTTPS or TLS listener without an explicit policy gets "
        "ELBSecurityPolicy-2016-08, which still accepts TLS 1.0 and 1.1 (ELB User Guide, "
        "'Security policies for your Application Load Balancer', checked 2026-11); the "
        "ELBSecurityPolicy-TLS13-1-2-* family is AWS's recommendation. The public SaaS "
        "requirements ask for secure user authentication, which needs a secure channel.",
        ja="住民記録・税務・福祉などの住民データは通信経路上で暗号化しなければならない。HTTP リスナーは "
        "HTTPS へのリダイレクトのみに使う。ポリシーを指定しない HTTPS/TLS リスナーには "
        "ELBSecurityPolicy-2016-08 が適用され、TLS 1.0・1.1 を受け入れてしまう (ELB ユーザーガイド"
        "「Application Load Balancer のセキュリティポリシー」、2026年11月確認)。AWS の推奨は "
        "ELBSecurityPolicy-TLS13-1-2-* 系である。公共SaaS の要件は安全な利用者認証を求めており、"
        "その前提として安全な通信路が必要である。",
    ),
    remediation=Text(
        en="Serve HTTPS with sslPolicy ELBSecurityPolicy-TLS13-1-2-2021-06 (or another policy in "
        "allowedSslPolicies); make any HTTP listener's default action a redirect to HTTPS "
        "(status HTTP_301).",
        ja="sslPolicy に ELBSecurityPolicy-TLS13-1-2-2021-06 (または allowedSslPolicies にある"
        "ポリシー) を指定して HTTPS で提供する。HTTP リスナーを残す場合は既定アクションを HTTPS への"
        "リダイレクト (HTTP_301) にする。",
    ),
    settings=(
        Setting(
            "allowedSslPolicies",
            "array",
            list(TLS12_POLICIES),
            "ELB security policies allowed on HTTPS/TLS listeners (shell-style patterns); "
            "the default admits the TLS 1.2+ predefined policies only.",
        ),
    ),
)
def https_listeners(res: Res, ctx: Ctx) -> Iterator[Finding]:
    # ALB listeners default to HTTP when no protocol is given.
    protocol = str(res.get("protocol", "HTTP")).upper()
    if protocol == "HTTP":
        actions = res.get("defaultActions", [])
        actions = list(actions) if isinstance(actions, Sequence) else []
        bad = []
        for a in actions:
            kind = str(a.get("type", "")) if isinstance(a, Mapping) else ""
            redirect = a.get("redirect") if isinstance(a, Mapping) else None
            target = (
                str(redirect.get("protocol", "#{protocol}"))
                if isinstance(redirect, Mapping)
                else ""
            )
            if kind.lower() != "redirect" or target.upper() != "HTTPS":
                bad.append(f"{kind or '?'}" + (f" to {target}" if kind == "redirect" else ""))
        if bad or not actions:
            what = ", ".join(bad) or "no default action"
            yield Finding(
                Text(
                    en=f"listener {res.name} serves plain HTTP (default action: {what}); an HTTP "
                    "listener may only redirect to HTTPS",
                    ja=f"リスナー {res.name} は暗号化されていない HTTP で応答します (既定アクション: "
                    f"{what})。HTTP リスナーに許されるのは HTTPS へのリダイレクトのみです",
                )
            )
    elif protocol in ("HTTPS", "TLS"):
        policy = res.get("sslPolicy")
        allowed = [p for p in ctx.setting("allowedSslPolicies") or [] if isinstance(p, str)]
        if policy is None:
            yield Finding(
                Text(
                    en=f"{protocol} listener {res.name} has no sslPolicy, so ELB applies "
                    f"{API_DEFAULT_SSL_POLICY} (accepts TLS 1.0/1.1); allowed: {', '.join(allowed)}",
                    ja=f"{protocol} リスナー {res.name} に sslPolicy がないため ELB は "
                    f"{API_DEFAULT_SSL_POLICY} (TLS 1.0/1.1 を受け入れる) を適用します。"
                    f"許可されるポリシー: {', '.join(allowed)}",
                )
            )
        elif not any(fnmatchcase(str(policy), p) for p in allowed):
            yield Finding(
                Text(
                    en=f"{protocol} listener {res.name} uses sslPolicy {policy}, which is not a "
                    f"TLS 1.2+ policy; allowed: {', '.join(allowed)}",
                    ja=f"{protocol} リスナー {res.name} の sslPolicy {policy} は TLS 1.2 以上に"
                    f"限定したポリシーではありません。許可されるポリシー: {', '.join(allowed)}",
                )
            )


# ---------------------------------------------------------------------------
# GCM-NET-003 Elastic IPs attached
# ---------------------------------------------------------------------------
EIP = "aws:ec2/eip:Eip"
EIP_ASSOCIATION = "aws:ec2/eipAssociation:EipAssociation"
#: Resources that put an Elastic IP to use, and the inputs through which they
#: name it (pulumi-aws input names; the allocation id is unknown before deployment,
#: so the link is the dependency plus the input being set).
EIP_USERS: dict[str, tuple[str, ...]] = {
    EIP_ASSOCIATION: ("allocationId", "publicIp"),
    NAT_GATEWAY: ("allocationId", "secondaryAllocationIds"),
    "aws:lb/loadBalancer:LoadBalancer": ("subnetMappings",),
    "aws:alb/loadBalancer:LoadBalancer": ("subnetMappings",),
    "aws:transfer/server:Server": ("endpointDetails",),
}
#: Public IPv4 addresses, attached or idle, cost USD 0.005 per hour each since
#: 2024-02-01 (Amazon VPC pricing, "Public IPv4 address" tab; AWS News Blog
#: "New – AWS Public IPv4 Address Charge", 2023-07-28; checked 2026-12).
PUBLIC_IPV4_USD_PER_HOUR = 0.005


def _used_eips(resources: Sequence[Res]) -> set[str]:
    """URNs of the Elastic IPs something in the stack attaches: a user that depends
    on the address through one of its EIP inputs, or names its known public IP or
    allocation id (one pass over the stack)."""
    eips = [r for r in resources if r.type == EIP]
    by_id: dict[str, str] = {}
    for e in eips:
        for key in ("publicIp", "allocationId"):
            value = known(e, key)
            if isinstance(value, str) and value:
                by_id[value] = e.urn
    used: set[str] = set()
    for user in (r for r in resources if r.type in EIP_USERS):
        if not any(_is_set(user, f) for f in EIP_USERS[user.type]):
            continue
        used.update(d.urn for d in user.dependencies if d.type == EIP)
        for key in ("publicIp", "allocationId"):
            value = known(user, key)
            if isinstance(value, str) and value in by_id:
                used.add(by_id[value])
    return used


def _is_set(res: Res, path: str) -> bool:
    """An input is present (known or not; an empty string names nothing)."""
    return peek(res, path) not in (None, "")


@rule(
    id="GCM-NET-003",
    title=Text(
        en="Elastic IPs are attached to something",
        ja="Elastic IP がどこにも関連付けられずに残っていない",
    ),
    severity="low",
    enforcement="mandatory",
    lever="sizing",
    scope="stack",
    rationale=Text(
        en="Since 2024-02-01 AWS charges USD 0.005 an hour (about USD 3.65 a month) for every "
        "public IPv4 address, whether in use or idle (Amazon VPC pricing, public IPv4; checked "
        "2026-12). An Elastic IP attached to no instance, network interface, NAT gateway or "
        "load balancer buys nothing. The guide (v1.0, 2025-03-24) asks to pay only for what "
        "the system uses. Peers flag the same: the AWS Config managed rule / AWS Guard rule "
        "eip-attached, checkov CKV2_AWS_19 ('Ensure that all EIP addresses allocated to a VPC "
        "are attached to EC2 instances') and Cloud Custodian's elastic-ip resource with the "
        "filter AssociationId: absent.",
        ja="2024年2月1日以降、パブリック IPv4 アドレスは使用中か否かにかかわらず 1 時間 0.005 USD "
        "(月約 3.65 USD) 課金される (Amazon VPC 料金、パブリック IPv4)。インスタンス・ネットワーク"
        "インターフェイス・NAT ゲートウェイ・ロードバランサーのいずれにも関連付けられていない "
        f"Elastic IP は何の役にも立たない。{GUIDE_JA} は使う分だけ支払うことを求めている。同じ点を "
        "`AWS Config` マネージドルール / `AWS Guard` ルール eip-attached、`checkov` CKV2_AWS_19、"
        "`Cloud Custodian` の elastic-ip リソース (フィルター `AssociationId: absent`) も検出する。",
    ),
    remediation=Text(
        en="Attach the address (Eip instance / networkInterface, an EipAssociation, a NAT "
        "gateway's allocationId or a network load balancer's subnetMappings) or delete it.",
        ja="アドレスを関連付ける (`Eip` の instance / networkInterface、EipAssociation、NAT "
        "ゲートウェイの allocationId、ネットワークロードバランサーの subnetMappings) か、削除する。",
    ),
)
def eip_attached(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    used = _used_eips(resources)
    for eip in (r for r in resources if r.type == EIP):
        if _is_set(eip, "instance") or _is_set(eip, "networkInterface") or eip.urn in used:
            continue
        yield Finding(
            Text(
                en=f"Elastic IP {eip.name} is attached to nothing in the stack (no instance, "
                "network interface, EipAssociation, NAT gateway or load balancer uses it); it "
                f"costs USD {PUBLIC_IPV4_USD_PER_HOUR} an hour idle: attach or release it",
                ja=f"Elastic IP {eip.name} はスタック内のどこにも関連付けられていません "
                "(インスタンス・ネットワークインターフェイス・EipAssociation・NAT ゲートウェイ・"
                f"ロードバランサーのいずれも使っていません)。未使用でも 1 時間 "
                f"{PUBLIC_IPV4_USD_PER_HOUR} USD かかります。関連付けるか解放してください",
            ),
            eip.urn,
        )
