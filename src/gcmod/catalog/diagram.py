"""Architecture diagram of a synthesized resource graph, as inline SVG.

Pure Python, no graphviz. The graph is grouped by its top-level components
(the children of the stack's root component: network, service, database,
logs, backup, shutdown, ...) and by region, so a backup copy in the DR region
(Osaka) gets its own box inside an Osaka region frame. Resources the root
declares itself (tenant routing, settings) form a group of their own.

Edges join groups: ``A -> B`` when a resource of B depends on (or takes an
input from) a resource of A. Each region is laid out in columns: a
topological order of its groups (a cycle, such as the service and the database
referring to each other's security groups, is broken in a fixed component
order: network, service, database, logs, backup, shutdown), then each group as
far right as the groups that depend on it allow. Within a column, groups are
ordered by the mean height of the groups they depend on (one barycentre pass).

:func:`layout` computes boxes and edges (testable geometry);
:func:`render_svg` draws them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from gcmod import reference as ref
from gcmod.graph import ResourceGraph, ResourceNode
from gcmod.reports.svgtext import coord, esc, fit, svg_text

#: Region display names (Japanese, English).
REGION_NAMES: dict[str, tuple[str, str]] = {
    r: (f"{ja}リージョン", f"{en} region") for r, (ja, en) in ref.REGION_CITIES.items()
}

#: The region gcmod's backup-only DR copies to (構成C): :data:`gcmod.reference.DR_REGION`.
DR_REGION = ref.DR_REGION

#: Component kinds by type token (Japanese, English).
COMPONENT_NAMES: dict[str, tuple[str, str]] = {
    "gcmod:network:Network": ("ネットワーク", "Network"),
    "gcmod:service:StatelessService": ("アプリケーション (Fargate)", "Application (Fargate)"),
    "gcmod:database:Database": ("データベース (Aurora)", "Database (Aurora)"),
    "gcmod:logging:ManagedLogging": ("ログ", "Logs"),
    "gcmod:backup:ManagedBackup": ("バックアップ", "Backup"),
    "gcmod:schedule:ScheduledShutdown": ("停止スケジュール", "Scheduled shutdown"),
    "gcmod:observability:Observability": ("監視・予算", "Monitoring and budgets"),
}
ROOT_NAME = ("テナント設定", "Tenant routing")

#: Accent colour per component kind (the root group and unknown kinds: grey).
COMPONENT_COLOURS: dict[str, str] = {
    "gcmod:network:Network": "#5B6475",
    "gcmod:service:StatelessService": "#1F4E9C",
    "gcmod:database:Database": "#0072B2",
    "gcmod:logging:ManagedLogging": "#B45309",
    "gcmod:backup:ManagedBackup": "#2E7D4F",
    "gcmod:schedule:ScheduledShutdown": "#6B4FA0",
    "gcmod:observability:Observability": "#8A5A00",
}
_ROOT_COLOUR = "#8C564B"
_KIND_ORDER = {k: i for i, k in enumerate(COMPONENT_NAMES)}

#: Readable names of resource types (Japanese, English); earlier entries are
#: listed first in a box. Other types show their class name.
TYPE_NAMES: dict[str, tuple[str, str]] = {
    "aws:lb/loadBalancer:LoadBalancer": ("ロードバランサー (ALB)", "Load balancer (ALB)"),
    "aws:ecs/service:Service": ("ECS サービス", "ECS service"),
    "aws:ecs/taskDefinition:TaskDefinition": ("タスク定義", "Task definition"),
    "aws:ecs/cluster:Cluster": ("ECS クラスター", "ECS cluster"),
    "aws:rds/cluster:Cluster": ("Aurora クラスター", "Aurora cluster"),
    "aws:rds/clusterInstance:ClusterInstance": ("DB インスタンス", "DB instance"),
    "aws:ec2/vpc:Vpc": ("VPC", "VPC"),
    "aws:ec2/subnet:Subnet": ("サブネット", "Subnet"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("VPC エンドポイント", "VPC endpoint"),
    "aws:ec2/routeTable:RouteTable": ("ルートテーブル", "Route table"),
    "aws:ec2/natGateway:NatGateway": ("NAT ゲートウェイ", "NAT gateway"),
    "aws:lb/listenerRule:ListenerRule": ("リスナールール", "Listener rule"),
    "aws:lb/listener:Listener": ("リスナー", "Listener"),
    "aws:lb/targetGroup:TargetGroup": ("ターゲットグループ", "Target group"),
    "aws:ssm/parameter:Parameter": ("SSM パラメーター", "SSM parameter"),
    "aws:cloudwatch/logGroup:LogGroup": ("ロググループ", "Log group"),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": (
        "Firehose 配信",
        "Firehose stream",
    ),
    "aws:s3/bucket:Bucket": ("S3 バケット", "S3 bucket"),
    "aws:backup/vault:Vault": ("バックアップボールト", "Backup vault"),
    "aws:backup/plan:Plan": ("バックアッププラン", "Backup plan"),
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": ("復元テスト", "Restore testing"),
    "aws:scheduler/schedule:Schedule": ("EventBridge スケジュール", "EventBridge schedule"),
    "aws:lambda/function:Function": ("Lambda 関数", "Lambda function"),
    "aws:kms/key:Key": ("KMS キー", "KMS key"),
    "aws:acm/certificate:Certificate": ("証明書 (ACM)", "Certificate (ACM)"),
    "aws:appautoscaling/target:Target": ("オートスケーリング", "Auto scaling"),
    "aws:ec2/securityGroup:SecurityGroup": ("セキュリティグループ", "Security group"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ("受信ルール", "Ingress rule"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ("送信ルール", "Egress rule"),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": (
        "パラメーターグループ",
        "Parameter group",
    ),
    "aws:rds/subnetGroup:SubnetGroup": ("DB サブネットグループ", "DB subnet group"),
    "aws:backup/selection:Selection": ("バックアップ対象", "Backup selection"),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": ("メトリクスフィルター", "Metric filter"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("アラーム", "Alarm"),
    "aws:scheduler/scheduleGroup:ScheduleGroup": ("スケジュールグループ", "Schedule group"),
    "aws:sqs/queue:Queue": ("SQS キュー", "SQS queue"),
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": ("ボールトロック", "Vault lock"),
    "aws:kms/alias:Alias": ("KMS エイリアス", "KMS alias"),
    "aws:iam/role:Role": ("IAM ロール", "IAM role"),
    "aws:iam/rolePolicy:RolePolicy": ("IAM ポリシー", "IAM policy"),
    "aws:cloudwatch/dashboard:Dashboard": ("ダッシュボード", "Dashboard"),
    "aws:budgets/budget:Budget": ("予算 (AWS Budgets)", "Budget (AWS Budgets)"),
    "aws:sns/topic:Topic": ("通知トピック (SNS)", "Notification topic (SNS)"),
    "aws:sns/topicPolicy:TopicPolicy": ("トピックポリシー", "Topic policy"),
    "aws:sns/topicSubscription:TopicSubscription": ("通知先", "Subscription"),
}
_TYPE_ORDER = {t: i for i, t in enumerate(TYPE_NAMES)}

BOX_W, HEADER_H, ROW_H, PAD_B = 216.0, 44.0, 17.0, 10.0
COL_GAP, ROW_GAP, REGION_PAD, REGION_GAP, REGION_HEAD = 52.0, 20.0, 16.0, 44.0, 40.0
MAX_ROWS = 6
ROOT_KEY = "(root)"


@dataclass
class Group:
    """The resources of one top-level component in one region."""

    key: tuple[str, str]
    """(component URN or :data:`ROOT_KEY`, region)."""
    kind: str
    """Component type token, or :data:`ROOT_KEY`."""
    name: str
    region: str
    order: int
    resources: list[ResourceNode] = field(default_factory=list)

    def title(self, lang: str) -> str:
        ja, en = (
            ROOT_NAME
            if self.kind == ROOT_KEY
            else COMPONENT_NAMES.get(self.kind, (self.kind.rsplit(":", 1)[-1],) * 2)
        )
        return ja if lang == "ja" else en

    @property
    def colour(self) -> str:
        return COMPONENT_COLOURS.get(self.kind, _ROOT_COLOUR)

    def rows(self, lang: str) -> list[tuple[str, int]]:
        """(type name, count), the important types first, at most :data:`MAX_ROWS`;
        the rest summed into a last "+ n more" row."""
        counts = Counter(r.type for r in self.resources)
        ordered = sorted(counts, key=lambda t: (_TYPE_ORDER.get(t, len(_TYPE_ORDER)), t))
        rows = [(type_name(t, lang), counts[t]) for t in ordered]
        if len(rows) > MAX_ROWS:
            rest = sum(n for _, n in rows[MAX_ROWS - 1 :])
            rows = [*rows[: MAX_ROWS - 1], ("ほか" if lang == "ja" else "other", rest)]
        return rows


def type_name(token: str, lang: str) -> str:
    names = TYPE_NAMES.get(token)
    if names:
        return names[0] if lang == "ja" else names[1]
    return token.rsplit(":", 1)[-1]


def region_name(region: str, lang: str) -> str:
    ja, en = REGION_NAMES.get(region, (region, region))
    return f"{ja if lang == 'ja' else en} ({region})"


def group_resources(graph: ResourceGraph) -> list[Group]:
    """Every cloud resource in exactly one group (providers and components are not
    resources to draw)."""
    by_urn = graph.by_urn
    roots = [r for r in graph if r.parent is None and not r.custom]
    root = roots[0].urn if len(roots) == 1 else None
    groups: dict[tuple[str, str], Group] = {}
    for r in graph.custom_resources:
        top = r
        chain = [r, *graph.ancestors(r)]
        # the ancestor just below the root component (or the resource itself)
        for node in chain:
            if node.parent == root:
                top = node
                break
        if top is r or top.custom:
            comp, kind, name = ROOT_KEY, ROOT_KEY, by_urn[root].name if root else graph.stack
        else:
            comp, kind, name = top.urn, top.type, top.name
        region = r.region or graph.region
        key = (comp, region)
        if key not in groups:
            groups[key] = Group(key, kind, name, region, len(groups))
        groups[key].resources.append(r)
    return list(groups.values())


def group_edges(graph: ResourceGraph, groups: list[Group]) -> dict[tuple[int, int], int]:
    """``(i, j) -> n``: n dependencies of group j's resources on group i's."""
    where: dict[str, int] = {}
    for i, g in enumerate(groups):
        for r in g.resources:
            where[r.urn] = i
    # a dependency on a component stands for its resources
    comp_groups: dict[str, set[int]] = {}
    for i, g in enumerate(groups):
        if g.kind != ROOT_KEY:
            comp_groups.setdefault(g.key[0], set()).add(i)
    edges: Counter[tuple[int, int]] = Counter()
    for j, g in enumerate(groups):
        for r in g.resources:
            deps = set(r.dependencies)
            for urns in r.property_dependencies.values():
                deps.update(urns)
            for d in sorted(deps):
                sources = {where[d]} if d in where else comp_groups.get(d, set())
                for i in sources:
                    if i != j:
                        edges[(i, j)] += 1
    return dict(edges)


@dataclass(frozen=True)
class Box:
    group: int
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class RegionFrame:
    region: str
    primary: bool
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Edge:
    source: int
    target: int
    count: int
    cross_region: bool


@dataclass
class Layout:
    groups: list[Group]
    boxes: list[Box]
    regions: list[RegionFrame]
    edges: list[Edge]
    width: float
    height: float


def _ranks(
    nodes: list[int], edges: dict[tuple[int, int], int], prio: dict[int, tuple[int, int]]
) -> dict[int, int]:
    """Columns: a topological order (a cycle broken at the node of lowest
    ``prio``), then each node as far right as its dependents allow, so a group
    sits just left of what depends on it and leaves end in the last column."""
    preds = {n: {i for (i, j) in edges if j == n and i in nodes and i != n} for n in nodes}
    order: list[int] = []
    todo = sorted(nodes, key=lambda n: prio[n])
    while todo:
        ready = [n for n in todo if preds[n] <= set(order)] or [todo[0]]
        order.append(ready[0])
        todo.remove(ready[0])
    pos = {n: k for k, n in enumerate(order)}
    succs = {n: [j for (i, j) in edges if i == n and j in pos and pos[j] > pos[n]] for n in nodes}
    height: dict[int, int] = {}
    for n in reversed(order):
        height[n] = 1 + max((height[j] for j in succs[n]), default=-1)
    top = max(height.values(), default=0)
    return {n: top - height[n] for n in nodes}


def _bary(n: int, edges: dict[tuple[int, int], int], centre: dict[int, float]) -> tuple[float, int]:
    """Mean height of the placed groups ``n`` depends on (0 if none), then ``n``."""
    ys = [centre[i] for (i, j) in edges if j == n and i in centre]
    return (sum(ys) / len(ys) if ys else 0.0, n)


def box_height(group: Group, lang: str = "en") -> float:
    return HEADER_H + ROW_H * len(group.rows(lang)) + PAD_B


def layout(graph: ResourceGraph, lang: str = "en") -> Layout:
    """Place the groups of ``graph``: one frame per region (the stack's region
    first), columns by dependency layer inside each frame."""
    groups = group_resources(graph)
    edges = group_edges(graph, groups)
    regions = sorted({g.region for g in groups}, key=lambda r: (r != graph.region, r))
    boxes: dict[int, Box] = {}
    frames: list[RegionFrame] = []
    x0 = 0.0
    for region in regions:
        members = [i for i, g in enumerate(groups) if g.region == region]
        local = {k: v for k, v in edges.items() if k[0] in members and k[1] in members}
        prio = {i: (_KIND_ORDER.get(groups[i].kind, len(_KIND_ORDER)), i) for i in members}
        rank = _ranks(members, local, prio)
        columns: dict[int, list[int]] = {}
        for n in members:
            columns.setdefault(rank[n], []).append(n)
        col_h = 0.0
        centre: dict[int, float] = {}
        for c in sorted(columns):
            col = columns[c]
            col.sort(key=lambda n, local=local, centre=centre: _bary(n, local, centre))
            y = REGION_HEAD + REGION_PAD
            x = x0 + REGION_PAD + c * (BOX_W + COL_GAP)
            for n in col:
                h = box_height(groups[n], lang)
                boxes[n] = Box(n, x, y, BOX_W, h)
                centre[n] = y + h / 2
                y += h + ROW_GAP
            col_h = max(col_h, y - ROW_GAP)
        ncols = len(columns)
        w = 2 * REGION_PAD + ncols * BOX_W + (ncols - 1) * COL_GAP
        frames.append(RegionFrame(region, region == graph.region, x0, 0.0, w, col_h + REGION_PAD))
        x0 += w + REGION_GAP
    height = max((f.h for f in frames), default=0.0)
    frames = [RegionFrame(f.region, f.primary, f.x, f.y, f.w, height) for f in frames]
    edge_list = [
        Edge(i, j, n, groups[i].region != groups[j].region) for (i, j), n in sorted(edges.items())
    ]
    return Layout(
        groups=groups,
        boxes=[boxes[i] for i in range(len(groups))],
        regions=frames,
        edges=edge_list,
        width=max(x0 - REGION_GAP, 0.0),
        height=height,
    )


def _ports(lay: Layout) -> dict[tuple[int, int, str], float]:
    """Spread the edges leaving/entering a box side along it, ordered by the
    other end's height, so arrows do not pile up on one point."""
    sides: dict[tuple[int, str], list[tuple[float, int, int]]] = {}
    for e in lay.edges:
        s, t = lay.boxes[e.source], lay.boxes[e.target]
        forward = s.x < t.x
        sides.setdefault((e.source, "R" if forward else "L"), []).append(
            (t.y + t.h / 2, e.source, e.target)
        )
        sides.setdefault((e.target, "L" if forward else "R"), []).append(
            (s.y + s.h / 2, e.source, e.target)
        )
    out: dict[tuple[int, int, str], float] = {}
    for (box, _side), items in sides.items():
        b = lay.boxes[box]
        items.sort()
        top, span = b.y + HEADER_H / 2, b.h - HEADER_H / 2 - PAD_B
        for k, (_, s, t) in enumerate(items):
            end = "s" if box == s else "t"
            out[(s, t, end)] = top + span * (k + 1) / (len(items) + 1)
    return out


def render_svg(graph: ResourceGraph, lang: str = "ja", *, svg_id: str = "arch") -> str:
    """The architecture diagram as one ``<svg>`` element (no scripts, no external refs)."""
    lay = layout(graph, lang)
    legend_h = 34.0
    margin = 6.0
    w, h = lay.width + 2 * margin, lay.height + legend_h + 2 * margin
    title = (
        f"{graph.stack} のアーキテクチャ図" if lang == "ja" else f"Architecture of {graph.stack}"
    )
    n_res = sum(len(g.resources) for g in lay.groups)
    desc = (
        f"{len(lay.groups)} グループ、{n_res} リソース、{len(lay.edges)} 依存関係"
        if lang == "ja"
        else f"{len(lay.groups)} groups, {n_res} resources, {len(lay.edges)} dependencies"
    )
    out = [
        f'<svg id="{svg_id}" class="arch" viewBox="0 0 {coord(w)} {coord(h)}" width="{coord(w)}" '
        f'height="{coord(h)}" role="img" aria-labelledby="{svg_id}-title {svg_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{svg_id}-title">{esc(title)}</title>',
        f'<desc id="{svg_id}-desc">{esc(desc)}</desc>',
        "<defs>"
        f'<marker id="{svg_id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" '
        'fill="#7A8494"/></marker></defs>',
        f'<g transform="translate({coord(margin)} {coord(margin)})">',
    ]
    for f in lay.regions:
        fill, stroke = ("#F5F8FD", "#9DB2D6") if f.primary else ("#FBF7EF", "#D6B98A")
        ja, en = REGION_NAMES.get(f.region, (f.region, f.region))
        label = ja if lang == "ja" else en
        if f.region == DR_REGION:
            label += " (DR)"
        out.append(
            f'<rect class="region" x="{coord(f.x)}" y="{coord(f.y)}" width="{coord(f.w)}" '
            f'height="{coord(f.h)}" rx="10" fill="{fill}" stroke="{stroke}" '
            'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        out.append(svg_text(f.x + 14, f.y + 20, fit(label, 13, f.w - 24), size=13, weight="bold"))
        out.append(svg_text(f.x + 14, f.y + 34, f.region, size=11.5, fill="#5B6475"))
    ports = _ports(lay)
    for e in lay.edges:
        s, t = lay.boxes[e.source], lay.boxes[e.target]
        forward = s.x < t.x
        x1 = s.x + s.w if forward else s.x
        x2 = t.x - 2 if forward else t.x + t.w + 2
        y1, y2 = ports[(e.source, e.target, "s")], ports[(e.source, e.target, "t")]
        dx = max(abs(x2 - x1) / 2, 24.0) * (1 if forward else -1)
        dash = ' stroke-dasharray="5 4"' if e.cross_region else ""
        n = f"{e.count} 件の依存" if lang == "ja" else f"{e.count} dependencies"
        src, dst = lay.groups[e.source].title(lang), lay.groups[e.target].title(lang)
        tip = f"{src} → {dst}: {n}"
        out.append(
            f'<path class="edge" d="M{coord(x1)} {coord(y1)} C{coord(x1 + dx)} {coord(y1)} '
            f'{coord(x2 - dx)} {coord(y2)} {coord(x2)} {coord(y2)}" fill="none" stroke="#7A8494" '
            f'stroke-width="1.6"{dash} marker-end="url(#{svg_id}-arrow)"><title>{esc(tip)}</title>'
            "</path>"
        )
    for b in lay.boxes:
        g = lay.groups[b.group]
        out.append(
            f'<g class="node" data-group="{esc(g.name)}">'
            f'<rect x="{coord(b.x)}" y="{coord(b.y)}" width="{coord(b.w)}" height="{coord(b.h)}" '
            f'rx="7" fill="#FFFFFF" stroke="#C9D0DB" stroke-width="1"/>'
            f'<rect x="{coord(b.x)}" y="{coord(b.y)}" width="5" height="{coord(b.h)}" rx="2" '
            f'fill="{g.colour}"/>'
        )
        out.append(
            svg_text(
                b.x + 14,
                b.y + 19,
                fit(g.title(lang), 13, b.w - 22),
                size=13,
                weight="bold",
                fill=g.colour,
            )
        )
        out.append(
            svg_text(b.x + 14, b.y + 34, fit(g.name, 11.5, b.w - 22), size=11.5, fill="#5B6475")
        )
        out.append(
            f'<line x1="{coord(b.x + 12)}" y1="{coord(b.y + HEADER_H - 4)}" '
            f'x2="{coord(b.x + b.w - 10)}" y2="{coord(b.y + HEADER_H - 4)}" stroke="#E3E7EE"/>'
        )
        for k, (label, n) in enumerate(g.rows(lang)):
            y = b.y + HEADER_H + ROW_H * k + 9
            out.append(svg_text(b.x + 14, y, fit(label, 11.5, b.w - 54), size=11.5))
            out.append(
                svg_text(b.x + b.w - 12, y, f"×{n}", size=11.5, anchor="end", fill="#5B6475")
            )
        out.append("</g>")
    ly = lay.height + 22
    legend = (
        "矢印 A → B: B は A に依存 (A を参照して構築)。点線: リージョン間 (バックアップのコピー)"
        if lang == "ja"
        else "Arrow A → B: B depends on A (is built from it). Dashed: across regions "
        "(backup copies)"
    )
    out.append(
        f'<path d="M0 {coord(ly - 4)} L26 {coord(ly - 4)}" stroke="#7A8494" stroke-width="1.6" '
        f'marker-end="url(#{svg_id}-arrow)"/>'
    )
    out.append(svg_text(34, ly, fit(legend, 12, max(w - 50, 100)), size=12, fill="#5B6475"))
    out.append("</g></svg>")
    return "\n".join(out)
