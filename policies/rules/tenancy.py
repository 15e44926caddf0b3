"""Tenancy rules: one shared environment, Multi-AZ only where asked, cost tags.

The source deck (2025-10) traces most of the cost rise to vendors lifting each
municipality onto its own IaaS environment ("B: IaaS type", tens of
environments) instead of one multi-tenant system ("after reform": one
environment, one system). These rules look for that shape in the graph, for
availability bought beyond the standard, and for the tags that make each
tenant's share of a shared bill visible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import UnknownValueError

from gcmod import reference as ref
from gcmod.awstypes import taggable
from gcmod.policies.evidence import TAG_ALIASES, tag_keys
from gcmod.policies.model import Ctx, Finding, Res, Setting, Text, rule
from gcmod.policies.rulekit import GUIDE_JA, Unknowns, env_ja, known, names

VPC = "aws:ec2/vpc:Vpc"
ECS_CLUSTER = "aws:ecs/cluster:Cluster"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS_INSTANCE = "aws:rds/instance:Instance"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")

#: Tag keys that name the tenant (municipality) a resource serves (case-insensitive).
TENANT_TAG_KEYS: tuple[str, ...] = TAG_ALIASES["tenant"]
#: Tenant values that mean "shared by all tenants", not one tenant.
SHARED_TENANT = "shared"


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def tenant_of(res: Res) -> str | None:
    """The tenant a resource is tagged for, if any (unknown values: none)."""
    try:
        tags = res.tags
    except UnknownValueError:
        return None
    for key in tag_keys(tags, TENANT_TAG_KEYS):
        try:
            value = tags[key]
        except UnknownValueError:
            continue
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


# ---------------------------------------------------------------------------
# GCM-TEN-001
# ---------------------------------------------------------------------------
def _is_alb(r: Res) -> bool:
    kind = known(r, "loadBalancerType", "application")
    return r.type in LOAD_BALANCERS and str(kind).lower() == "application"


def _is_standalone_db(r: Res) -> bool:
    # A read replica belongs to its source instance; it is not another environment.
    return r.type == RDS_INSTANCE and not known(r, "replicateSourceDb")


#: What an environment is made of: (kind, Japanese kind, test).
_KINDS: tuple[tuple[str, str, Callable[[Res], bool]], ...] = (
    ("VPCs", "VPC", lambda r: r.type == VPC),
    ("ECS clusters", "ECS クラスター", lambda r: r.type == ECS_CLUSTER),
    ("RDS/Aurora clusters", "RDS/Aurora クラスター", lambda r: r.type == RDS_CLUSTER),
    ("standalone RDS instances", "単体の RDS インスタンス", _is_standalone_db),
    ("application load balancers", "Application Load Balancer", _is_alb),
)


@rule(
    id="GCM-TEN-001",
    title=Text(
        en="One shared environment for all tenants, not one per municipality",
        ja="テナント (自治体) ごとに環境を複製せず、1つの共有環境で提供する",
    ),
    severity="high",
    enforcement="mandatory",
    lever="multi-tenancy",
    scope="stack",
    rationale=Text(
        en="The source deck (2025-10) finds that operating costs rose 2.3x on average (up to "
        "5.7x) largely because vendors built each municipality its own IaaS environment ('B: "
        "IaaS type', tens of environments) instead of one system in one environment; national "
        "systems that modernised first cut infrastructure costs by 65%. The public SaaS "
        "requirements (公共SaaS) make a shared multi-tenant environment the principle, with one "
        "source and version for all tenants. Every duplicated VPC, container cluster, database "
        "and load balancer repeats fixed charges and operations work per tenant.",
        ja="資料 (2025年10月) によると運用経費は平均2.3倍 (最大5.7倍) に増えた。主な原因は、"
        "ベンダーが自治体ごとに IaaS 環境を構築したこと (「B: IaaS型」、数十環境) であり、"
        "「1環境1システム」になっていないことにある。先にモダン化した国のシステムはインフラ経費を"
        "65% 削減した。公共SaaS の要件は、マルチテナントの共有環境と全テナント共通の1ソース・1"
        "バージョンを原則とする。VPC・コンテナクラスター・データベース・ロードバランサーを複製すると、"
        "固定費と運用作業がテナントの数だけ重複する。",
    ),
    remediation=Text(
        en="Serve all municipalities from one VPC, one ECS cluster, one database and one load "
        "balancer; separate tenants in the application (tenant id, row-level security, host "
        "names) and tag per-tenant resources with gcmod:tenant for cost shares (gcmod's "
        "platform does this with `tenants:` in the stack config).",
        ja="全自治体を1つの VPC・ECS クラスター・データベース・ロードバランサーで提供し、テナントの"
        "分離はアプリケーション側 (テナント ID、行レベルセキュリティ、ホスト名) で行う。テナント固有の"
        "リソースには費用按分のため gcmod:tenant タグを付ける (gcmod のプラットフォームはスタック設定の"
        " `tenants:` でこれを行う)。",
    ),
    settings=(
        Setting(
            "maxEnvironments",
            "integer",
            1,
            "Most VPCs, ECS clusters, RDS/Aurora clusters, standalone RDS instances and "
            "application load balancers of each kind per environment and region.",
        ),
    ),
)
def one_shared_environment(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    limit = ctx.setting("maxEnvironments")
    if not isinstance(limit, int | float) or limit < 1:
        limit = 1
    limit = int(limit)
    unknowns = Unknowns()
    # Grouped by environment and region: a DR copy in Osaka is the DR rules' concern.
    groups: dict[tuple[str, str, str], list[Res]] = {}
    for r in resources:
        for kind, _ja, test in _KINDS:
            if test(r):
                env = unknowns.read(lambda r=r: ctx.environment(r))
                if env is not None:
                    groups.setdefault((kind, env, r.region or ""), []).append(r)
                break
    kinds_ja = {kind: ja for kind, ja, _ in _KINDS}
    for (kind, env, region), found in groups.items():
        if len(found) <= limit:
            continue
        # Name the copies in a stable order, whatever order the runner saw them in.
        items = sorted(found, key=lambda r: (r.name, r.urn))
        tenants = sorted({t for t in (tenant_of(r) for r in items) if t})
        per_tenant = len(tenants) > 1
        where = f"{env}" + (f" ({region})" if region else "")
        where_ja = f"{env_ja(env)}環境" + (f" ({region})" if region else "")
        en = (
            f"{items[limit].name}: {len(items)} {kind} in {where} ({names(items)}); "
            f"at most {limit} allowed: one shared environment serves all tenants"
        )
        kind_ja = kinds_ja[kind]
        # a space only beside a Latin word (docs/terminology.md)
        lead, gap = (" " if kind_ja[0].isascii() else ""), (" " if kind_ja[-1].isascii() else "")
        ja = (
            f"{items[limit].name}: {where_ja}に{lead}{kind_ja}{gap}が {len(items)} 個あります "
            f"({names(items)})。上限は {limit} 個です"
        )
        if per_tenant:
            en += f"; these are per-tenant copies (tenants: {', '.join(tenants)})"
            ja += f"。これらはテナントごとの複製です (テナント: {', '.join(tenants)})"
        ja += "。全テナントを1つの共有環境で提供してください"
        yield Finding(Text(en=en, ja=ja), urn=items[limit].urn)
    unknowns.raise_if_any()


# ---------------------------------------------------------------------------
# GCM-TEN-002
# ---------------------------------------------------------------------------
def _load_balancer_of(rule_res: Res) -> tuple[str, Res | None] | None:
    """(grouping key, load balancer) of a listener rule: its listener's load
    balancer when both are in the stack, else its listener (a lower bound on the
    load balancer's count), else the literal listener ARN; None when unknown."""
    for listener in (d for d in rule_res.dependencies if d.type in LISTENERS):
        for lb in (d for d in listener.dependencies if d.type in LOAD_BALANCERS):
            return lb.urn, lb
        return listener.urn, listener
    arn = known(rule_res, "listenerArn")
    return (arn, None) if isinstance(arn, str) and arn else None


@rule(
    id="GCM-TEN-002",
    title=Text(
        en="The shared load balancer's listener rules stay within the AWS quota",
        ja="共有ロードバランサーのリスナールール数を AWS のクォータ内に収める",
    ),
    severity="high",
    enforcement="mandatory",
    lever="multi-tenancy",
    scope="stack",
    rationale=Text(
        en="One shared environment routes each municipality by a host-based listener rule on "
        "one Application Load Balancer. AWS allows "
        f"{ref.ALB_RULES_PER_LOAD_BALANCER} rules per Application Load Balancer (default rules "
        "excluded; adjustable through Service Quotas) and "
        f"{ref.ALB_CONDITION_VALUES_PER_RULE} condition values per rule (Elastic Load Balancing "
        "User Guide, 'Quotas for your Application Load Balancers', checked 2026-11-27). Beyond "
        "the quota the deployment fails part-way with TooManyRules, so a stack that serves "
        "more tenants than the quota allows is not deployable as declared.",
        ja="1つの共有環境は、自治体ごとにホストベースのリスナールールで1つの Application Load "
        "Balancer に振り分ける。AWS のクォータは Application Load Balancer あたり "
        f"{ref.ALB_RULES_PER_LOAD_BALANCER} ルール (デフォルトルールを除く。Service Quotas で引き上げ"
        f"可能)、ルールあたりの条件値 {ref.ALB_CONDITION_VALUES_PER_RULE} 個である (Elastic Load "
        "Balancing ユーザーガイド「Application Load Balancer のクォータ」、2026年11月27日確認)。"
        "超えるとデプロイが途中で TooManyRules により失敗するため、クォータを超えるテナント数の"
        "スタックは宣言どおりにはデプロイできない。",
    ),
    remediation=Text(
        en="Request a higher 'Rules per Application Load Balancer' quota in Service Quotas "
        "before deploying and set maxRulesPerLoadBalancer to the granted value, or serve fewer "
        "tenants per environment.",
        ja="デプロイ前に Service Quotas で「Application Load Balancer あたりのルール」の引き上げを"
        "申請し、認められた値を maxRulesPerLoadBalancer に設定する。または1環境あたりのテナント数を"
        "減らす。",
    ),
    settings=(
        Setting(
            "maxRulesPerLoadBalancer",
            "integer",
            ref.ALB_RULES_PER_LOAD_BALANCER,
            "Listener rules the account may have per Application Load Balancer (the AWS "
            "default quota; set the value Service Quotas granted).",
        ),
    ),
)
def listener_rules_within_quota(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    limit = ctx.setting("maxRulesPerLoadBalancer")
    if not isinstance(limit, int | float) or limit < 1:
        limit = ref.ALB_RULES_PER_LOAD_BALANCER
    limit = int(limit)
    groups: dict[str, tuple[Res | None, list[Res]]] = {}
    for r in resources:
        if r.type not in LISTENER_RULES:
            continue
        found = _load_balancer_of(r)
        if found is not None:
            key, owner = found
            groups.setdefault(key, (owner, []))[1].append(r)
    for key, (owner, rules) in groups.items():
        if len(rules) <= limit:
            continue
        items = sorted(rules, key=lambda r: (r.name, r.urn))
        where = owner.name if owner is not None else key
        en = (
            f"{where}: {len(items)} listener rules ({names(items)}) on one load balancer; the "
            f"quota allows {limit} (AWS default {ref.ALB_RULES_PER_LOAD_BALANCER}, adjustable): "
            f"the deployment would fail with TooManyRules at rule {limit + 1}"
        )
        ja = (
            f"{where}: 1つのロードバランサーにリスナールールが {len(items)} 個あります "
            f"({names(items)})。クォータは {limit} 個 (AWS の既定値 "
            f"{ref.ALB_RULES_PER_LOAD_BALANCER}、引き上げ可能) で、{limit + 1} 個目のルールで"
            "デプロイが TooManyRules により失敗します"
        )
        yield Finding(Text(en=en, ja=ja), urn=owner.urn if owner is not None else items[limit].urn)


# ---------------------------------------------------------------------------
# GCM-DB-001
# ---------------------------------------------------------------------------
def _cluster_members(
    resources: Sequence[Res],
) -> tuple[dict[str, Res], dict[str, list[Res]]]:
    """Clusters by URN (or by a literal identifier for clusters outside the
    stack) and the cluster instances that belong to each."""
    clusters = {r.urn: r for r in resources if r.type == RDS_CLUSTER}
    by_ident: dict[str, str] = {}
    for c in clusters.values():
        ident = known(c, "clusterIdentifier")
        if isinstance(ident, str):
            by_ident[ident] = c.urn
    members: dict[str, list[Res]] = {}
    for r in resources:
        if r.type != RDS_CLUSTER_INSTANCE:
            continue
        key = None
        ident = known(r, "clusterIdentifier")
        if isinstance(ident, str):
            key = by_ident.get(ident, ident)
        else:
            deps = [d.urn for d in r.dependencies if d.type == RDS_CLUSTER]
            key = deps[0] if deps else None
        if key is not None:
            members.setdefault(key, []).append(r)
    return clusters, members


def _spans_azs(instances: Sequence[Res]) -> bool:
    """More than one instance, unless all are pinned to the same AZ."""
    if len(instances) < 2:
        return False
    zones = [known(i, "availabilityZone") for i in instances]
    if all(isinstance(z, str) for z in zones):
        return len(set(zones)) > 1
    return True


@rule(
    id="GCM-DB-001",
    title=Text(
        en="Multi-AZ databases only where the availability grade asks for them",
        ja="可用性区分が求める場合に限りデータベースをマルチ AZ にする",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="sizing",
    scope="stack",
    rationale=Text(
        en="A Multi-AZ RDS instance, an Aurora cluster with a reader in a second AZ or a "
        "Multi-AZ DB cluster pays for two or three database instances where one serves the "
        "load. The non-functional requirement standard's availability figure of 99.5% "
        "(第1.2版; secondary source, check before relying on it) is met single-AZ with managed "
        "recovery: AWS commits 99.9% for a Single-AZ Aurora cluster (Aurora SLA) and 99.5% for "
        "a Single-AZ RDS instance (RDS SLA), checked 2026-11; Aurora keeps six copies of the "
        "data across three AZs either way. The guide (v1.0, 2025-03-24) asks to size from need "
        "and the source deck (2025-10) names service levels above need as a cause of higher "
        "costs. Mandatory, since the exception is one setting away (availabilityGrade: high).",
        ja="マルチ AZ の RDS インスタンス、別 AZ にリーダーを持つ Aurora クラスター、マルチ AZ DB "
        "クラスターは、1台で足りる負荷に2〜3台分のデータベースインスタンス料金を払う構成である。非機能"
        "要求標準の可用性 99.5% (第1.2版、二次情報のため利用前に要確認) はシングル AZ とマネージドな"
        "復旧で満たせる。AWS はシングル AZ の Aurora クラスターに 99.9% (Aurora SLA)、シングル AZ の "
        "RDS インスタンスに 99.5% (RDS SLA) を約束しており (2026年11月確認)、Aurora はどちらの構成でも"
        f"データを3つの AZ に6重に保存する。{GUIDE_JA}は必要量に基づくサイズ決定を求め、資料 "
        "(2025年10月) は必要以上のサービスレベルをコスト増の一因に挙げている。例外は設定1つ "
        "(availabilityGrade: high) で明示できるため必須 (`mandatory`) とする。",
    ),
    remediation=Text(
        en="Run one writer (gcmod:database.multiAz: false, the default) and rely on managed "
        "recovery and AWS Backup; where the system's availability grade really requires "
        "Multi-AZ, set availabilityGrade to high in the policy config.",
        ja="ライター1台で運用し (gcmod:database.multiAz: false、既定値)、マネージドな復旧と "
        "AWS Backup に任せる。システムの可用性区分が本当にマルチ AZ を必要とする場合は、ポリシー設定で "
        "availabilityGrade を high にする。",
    ),
    settings=(
        Setting(
            "availabilityGrade",
            "string",
            "standard",
            "standard (the non-functional standard's 99.5%, met single-AZ) or high "
            "(Multi-AZ databases allowed).",
        ),
    ),
)
def multi_az_only_where_needed(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    grade = str(ctx.setting("availabilityGrade") or "standard").strip().lower()
    if grade == "high":
        return
    unknowns = Unknowns()
    for r in resources:
        if r.type == RDS_INSTANCE and unknowns.read(lambda r=r: r.get("multiAz")) is True:
            yield Finding(
                Text(
                    en=f"RDS instance {r.name} has multiAz true (a standby instance in a second "
                    f"AZ); the {grade} availability grade allows single-AZ only",
                    ja=f"RDS インスタンス {r.name} は multiAz が true です (別 AZ にスタンバイ"
                    f"インスタンス)。可用性区分 {grade} ではシングル AZ のみ許可されます",
                ),
                urn=r.urn,
            )
    clusters, members = _cluster_members(resources)
    for urn, c in clusters.items():
        engine = str(unknowns.read(lambda c=c: c.get("engine", "aurora"), "aurora"))
        if not engine.startswith("aurora"):
            if unknowns.read(lambda c=c: c.get("dbClusterInstanceClass")):
                yield Finding(
                    Text(
                        en=f"RDS cluster {c.name} is a Multi-AZ DB cluster (engine {engine}: one "
                        f"writer and two readers in three AZs); the {grade} availability grade "
                        "allows single-AZ only",
                        ja=f"RDS クラスター {c.name} はマルチ AZ DB クラスターです (エンジン {engine}:"
                        f" 3つの AZ にライター1台とリーダー2台)。可用性区分 {grade} ではシングル AZ "
                        "のみ許可されます",
                    ),
                    urn=c.urn,
                )
            continue
        instances = members.get(urn, [])
        if _spans_azs(instances):
            yield Finding(
                Text(
                    en=f"Aurora cluster {c.name} has {len(instances)} instances "
                    f"({names(instances)}) across AZs; the {grade} availability grade allows "
                    "one writer (single-AZ)",
                    ja=f"Aurora クラスター {c.name} には AZ をまたいで {len(instances)} 台の"
                    f"インスタンスがあります ({names(instances)})。可用性区分 {grade} では"
                    "ライター1台 (シングル AZ) のみ許可されます",
                ),
                urn=c.urn,
            )
    for key, instances in members.items():
        if key not in clusters and _spans_azs(instances):
            yield Finding(
                Text(
                    en=f"Aurora cluster {key} (outside this stack) gets {len(instances)} instances "
                    f"({names(instances)}) across AZs; the {grade} availability grade allows one",
                    ja=f"Aurora クラスター {key} (このスタック外) に AZ をまたいで {len(instances)} "
                    f"台のインスタンスがあります ({names(instances)})。可用性区分 {grade} では1台のみ"
                    "許可されます",
                ),
                urn=instances[1].urn,
            )
    unknowns.raise_if_any()


# ---------------------------------------------------------------------------
# GCM-TAG-001
# ---------------------------------------------------------------------------
@rule(
    id="GCM-TAG-001",
    title=Text(
        en="Taggable resources carry the cost-allocation tags",
        ja="タグ付け可能なリソースにコスト配分タグを付ける",
    ),
    severity="low",
    enforcement="mandatory",
    lever="tagging",
    rationale=Text(
        en="The estimate checklist (見積チェックリスト, 2025-04) asks that costs be justified and "
        "reviewable per municipality, and the public SaaS requirements ask for per-tenant usage "
        "visible by dashboard or API. In a shared environment that is only possible when every "
        "taggable resource says which system, environment and tenant ('shared' for shared "
        "resources) it serves, and those keys are activated as cost-allocation tags. Low "
        "severity but mandatory: an untagged resource is a cost nobody can attribute.",
        ja="見積チェックリスト (2025年4月) は自治体ごとに費用の根拠を示し確認できることを求め、公共SaaS"
        " の要件はテナントごとの利用状況をダッシュボードや API で見えるようにすることを求めている。"
        "共有環境でこれを実現するには、タグ付け可能な全リソースにシステム・環境・テナント (共有リソースは"
        " shared) を示すタグを付け、それらをコスト配分タグとして有効化する必要がある。重大度は低いが、"
        "タグのないリソースは誰の費用か按分できないため必須とする。",
    ),
    remediation=Text(
        en="Tag every resource with gcmod.components.tags.cost_tags(system, environment, "
        "tenant) (gcmod's components do), and activate the keys as cost allocation tags in the "
        "billing console.",
        ja="全リソースに ``gcmod.components.tags.cost_tags(system, environment, tenant)`` のタグを付け"
        " (gcmod のコンポーネントは付与済み)、請求コンソールでそのキーをコスト配分タグとして有効化する。",
    ),
    settings=(
        Setting(
            "requiredTags",
            "array",
            ["system", "environment", "tenant"],
            "What every taggable resource must carry with a non-empty value: a concept "
            "(system, environment, tenant), satisfied by any of its keys in tagAliases, or a "
            "literal tag key. tenant is asked only in a multi-tenant environment (see "
            "multiTenant).",
        ),
        Setting(
            "tagAliases",
            "object",
            {k: list(v) for k, v in TAG_ALIASES.items()},
            "Tag keys (case-insensitive) that carry each concept; the resource's own tags and "
            "its provider's defaultTags both count.",
        ),
        Setting(
            "multiTenant",
            "string",
            "auto",
            "Whether the tenant tag is asked: yes, no, or auto (asked when the resource or "
            "its provider's default tags already carry a tenant key or gcmod's tags, i.e. it "
            "belongs to a multi-tenant build).",
        ),
    ),
)
def cost_allocation_tags(res: Res, ctx: Ctx) -> Iterator[Finding]:
    if not taggable(res.type):
        return  # AWS cannot tag it (the pulumi_aws resource takes no tags)
    wanted = [k for k in ctx.setting("requiredTags") or [] if isinstance(k, str) and k.strip()]
    if not wanted:
        return
    aliases = _aliases(ctx.setting("tagAliases"))
    tags = res.effective_tags  # provider defaultTags count too (mapping or JSON string)
    if "tenant" in wanted and not _multi_tenant(tags, aliases, ctx.setting("multiTenant")):
        wanted = [k for k in wanted if k != "tenant"]
    missing = [k for k in wanted if not _carried(tags, aliases.get(k, (k,)))]
    if missing:
        shown = [_shown(k, aliases) for k in missing]
        required = ", ".join(_shown(k, aliases) for k in wanted)
        alias_text = "; ".join(
            f"{_shown(k, aliases)}: {', '.join(aliases[k][1:5])}"
            for k in missing
            if len(aliases.get(k, ())) > 1
        )
        tail_en = f" (aliases accepted: {alias_text})" if alias_text else ""
        # Tag keys are data: code spans in Japanese, so a reader (and the untranslated
        # check) does not take System or App for untranslated English.
        alias_ja = "、".join(
            f"{_shown(k, aliases)}: " + ", ".join(f"`{a}`" for a in aliases[k][1:5])
            for k in missing
            if len(aliases.get(k, ())) > 1
        )
        tail_ja = f" (別名も可: {alias_ja})" if alias_ja else ""
        yield Finding(
            Text(
                en=f"{res.name} ({res.type}) lacks cost-allocation tag(s) {', '.join(shown)}; "
                f"required: {required}{tail_en}",
                ja=f"{res.name} ({res.type}) にコスト配分タグ {', '.join(shown)} がありません。"
                f"必須タグ: {required}{tail_ja}",
            )
        )


def _aliases(value: Any) -> dict[str, tuple[str, ...]]:
    out = {k: tuple(v) for k, v in TAG_ALIASES.items()}
    if isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(v, list | tuple) and all(isinstance(x, str) for x in v) and v:
                out[str(k)] = tuple(v)
    return out


def _shown(concept: str, aliases: Mapping[str, Sequence[str]]) -> str:
    """A concept by its first key (gcmod's), a literal key as itself."""
    keys = aliases.get(concept)
    return keys[0] if keys else concept


def _carried(tags: Mapping[str, Any], keys: Sequence[str]) -> bool:
    """Some key of ``keys`` is set to a non-empty value (or one known after deployment)."""
    for key in tag_keys(tags, keys):
        try:
            value = tags[key]
        except UnknownValueError:
            return True  # set, to a value known after deployment
        if isinstance(value, str) and value.strip():
            return True
    return False


#: gcmod's cost-allocation keys (components.tags.cost_tags): a build that uses them
#: tags every resource with its tenant too.
_GCMOD_COST_KEYS = ("gcmod:system", "gcmod:environment", "gcmod:tenant")


def _multi_tenant(tags: Mapping[str, Any], aliases: Mapping[str, Sequence[str]], mode: Any) -> bool:
    mode = str(mode or "auto").strip().lower()
    if mode in ("yes", "true"):
        return True
    if mode in ("no", "false"):
        return False
    if tag_keys(tags, aliases.get("tenant", ())):
        return True
    return bool(tag_keys(tags, _GCMOD_COST_KEYS))  # gcmod's cost tags include the tenant
