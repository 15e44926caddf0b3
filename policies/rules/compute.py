"""Compute rules: instance generation and size, Graviton, no self-built operations
servers, autoscaling, and the compute security baseline (IMDSv2, no public IPs).

Guidance: デジタル庁「ガバメントクラウドの適切な利用によるコスト最適化のアプローチガイド」
第1.0版 (2025-03-24; "the guide"), as summarised in the source deck (2025-10):
lever 1 instance selection and size (guide p.22), lever 2 operating hours and
scaling with load (p.24), lever 3 managed services instead of self-built
operations servers (p.26); and the estimate checklist (見積チェックリスト, 2025-04):
sizing justified by utilisation, latest-generation instance types, operations
automated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from gcmod.policies.model import Ctx, Finding, Res, Setting, Text, rule
from gcmod.policies.rulekit import ENV_JA, GUIDE_EN, GUIDE_JA, each, known_or_none, truthy

EC2_INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"
SUBNET = "aws:ec2/subnet:Subnet"
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
ECS_SERVICE = "aws:ecs/service:Service"
SCALABLE_TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
LAMBDA_FUNCTION = "aws:lambda/function:Function"

ECS_DESIRED_COUNT = "ecs:service:DesiredCount"


#: Environment names in Japanese messages.


def _num(value: Any) -> float | None:
    """A number, or None for anything else (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _env_limit(ctx: Ctx, name: str, res: Res) -> float | None:
    """Per-environment setting; an environment missing from a configured object
    falls back to the rule's default for that environment."""
    env = ctx.environment(res)
    table = ctx.setting(name)
    value = table.get(env) if isinstance(table, Mapping) else None
    if _num(value) is None:
        default = next(s.default for s in ctx.rule.settings if s.name == name)
        value = default.get(env)
    return _num(value)


# ---------------------------------------------------------------------------
# Instance types
# ---------------------------------------------------------------------------
_TYPE_RE = re.compile(r"^(?P<prefix>[a-z]+)(?P<gen>\d+)(?P<attrs>[a-z0-9-]*)$")


def _split_type(instance_type: Any) -> tuple[bool, str, str, str, str] | None:
    """``db.r6g.large`` -> (is_db, family 'r6g', prefix 'r', attrs 'g', size 'large').

    None when the value is not an instance type gcmod can read (including
    ``db.serverless``)."""
    if not isinstance(instance_type, str):
        return None
    value = instance_type.strip().lower()
    is_db = value.startswith("db.")
    if is_db:
        value = value[3:]
    family, dot, size = value.partition(".")
    m = _TYPE_RE.match(family)
    if not dot or not size or m is None:
        return None
    return is_db, family, m["prefix"], m["attrs"], size


def _is_graviton(prefix: str, attrs: str) -> bool:
    """AWS names Graviton families with a ``g`` after the generation digit
    (m7g, c6gn, t4g, r8gd, x2gd, i4g, im4gn, is4gen); A1 is the first Graviton.
    Source: Amazon EC2 instance types guide, "Instance type naming conventions"
    (checked 2026-11)."""
    return "g" in attrs.split("-", 1)[0] or prefix == "a"


#: EC2 families AWS lists as previous generation. Source: AWS "Previous
#: Generation Instances" (https://aws.amazon.com/ec2/previous-generation/) and
#: the EC2 instance types guide's "Previous generation instance types"; the ones
#: still offered report ``CurrentGeneration: false`` in DescribeInstanceTypes
#: (a1, c1, c3, c4, d2, i2, m1, m2, m3, m4, r3, r4, t1). Checked 2026-11.
PREVIOUS_GENERATION_EC2: frozenset[str] = frozenset(
    {
        "a1", "c1", "c3", "c4", "cc1", "cc2", "cg1", "cr1", "d2", "g2", "g3",
        "g3s", "hi1", "hs1", "i2", "m1", "m2", "m3", "m4", "p2", "r3", "r4", "t1",
    }
)  # fmt: skip
#: EC2 families gcmod treats as superseded although DescribeInstanceTypes still
#: reports ``CurrentGeneration: true`` for them (checked 2026-11): T2 runs on the
#: Xen hypervisor, not Nitro, and AWS's upgrade path for burstable instances on the
#: Previous Generation page is T3/T4g. The guide asks for the latest generation.
SUPERSEDED_EC2: frozenset[str] = frozenset({"t2"})
#: RDS instance classes AWS lists as previous generation. Source: Amazon RDS User
#: Guide, "DB instance classes" (previous-generation classes), and the RDS
#: end-of-support notices for db.m4, db.r4 and db.t2 (2024). Checked 2026-11.
PREVIOUS_GENERATION_RDS: frozenset[str] = frozenset(
    {"t1", "t2", "m1", "m2", "m3", "m4", "r3", "r4"}
)
#: Current families suggested in messages, by family prefix.
_UPGRADE_EC2 = {
    "t": "t4g / t3", "m": "m7g / m7i", "c": "c7g / c7i", "r": "r7g / r7i",
    "a": "m7g / c7g", "i": "i4g / i4i", "d": "d3", "g": "g5 / g6", "p": "p5",
    "x": "x2gd / x2idn", "cc": "c7g / c7i", "cr": "r7g / r7i", "hi": "i4i", "hs": "d3",
    "cg": "g5",
}  # fmt: skip
_UPGRADE_RDS = {"t": "db.t4g", "m": "db.m7g", "r": "db.r7g"}


def _generation_problem(instance_type: Any) -> tuple[str, str] | None:
    """(en, ja) reason when ``instance_type`` is previous generation, else None."""
    parsed = _split_type(instance_type)
    if parsed is None:
        return None
    is_db, family, prefix, _attrs, _size = parsed
    if is_db:
        if family in PREVIOUS_GENERATION_RDS:
            up = _UPGRADE_RDS.get(prefix, "a current DB instance class")
            return (
                f"db.{family} is a previous-generation RDS instance class; use {up}",
                f"db.{family} は RDS の旧世代インスタンスクラスです。{up} を使用してください",
            )
        return None
    up = _UPGRADE_EC2.get(prefix, "a current-generation family")
    if family in PREVIOUS_GENERATION_EC2:
        return (
            f"{family} is a previous-generation EC2 family (AWS); use {up}",
            f"{family} は AWS が旧世代とする EC2 ファミリーです。{up} を使用してください",
        )
    if family in SUPERSEDED_EC2:
        return (
            f"{family} is superseded by Nitro-based families (gcmod treats it as previous "
            f"generation); use {up}",
            f"{family} は Nitro 世代に置き換えられたファミリーです (gcmod では旧世代として扱います)。"
            f"{up} を使用してください",
        )
    return None


def _type_field(res: Res) -> str:
    return "instanceClass" if res.type.startswith("aws:rds/") else "instanceType"


@rule(
    id="GCM-COST-001",
    title=Text(
        en="Current-generation instance families only",
        ja="現行世代のインスタンスファミリーを使用している",
    ),
    severity="high",
    enforcement="mandatory",
    lever="sizing",
    resource_types=(EC2_INSTANCE, LAUNCH_TEMPLATE, RDS_INSTANCE, RDS_CLUSTER_INSTANCE),
    rationale=Text(
        en=f"Lever 1 of {GUIDE_EN} (instance selection and size) asks for the latest "
        "instance generation, and the estimate checklist (2025-04) asks auditors to confirm "
        "that the latest generation is used. Previous-generation families cost more for the "
        "same work than their Nitro/Graviton successors.",
        ja=f"{GUIDE_JA} の施策1 (インスタンスの選定・サイズ) は現行世代の採用を求め、見積チェック"
        "リスト (2025年4月) も「現行世代が採用されているか」の確認を求めている。旧世代のファミリーは"
        "後継の Nitro/Graviton 世代より同じ処理に多くの費用がかかる。",
    ),
    remediation=Text(
        en="Change instanceType/instanceClass to a current family (e.g. t4g, m7g, c7g, r7g; "
        "db.t4g, db.m7g, db.r7g; or Aurora Serverless v2 db.serverless). To keep an old "
        "family for a documented reason, list it in allowFamilies.",
        ja="instanceType/instanceClass を現行世代 (例: t4g, m7g, c7g, r7g / db.t4g, db.m7g, "
        "db.r7g / Aurora Serverless v2 の db.serverless) に変更する。理由があり旧世代を使い続ける"
        "場合は allowFamilies に明記する。",
    ),
    settings=(
        Setting(
            "allowFamilies",
            "array",
            [],
            'Families allowed despite being previous generation, e.g. ["m4", "db.t2"] '
            "(state the reason in the policy config's review record).",
        ),
    ),
)
def current_generation(res: Res, ctx: Ctx) -> Iterator[Finding]:
    field = _type_field(res)
    value = res.get(field)
    problem = _generation_problem(value)
    if problem is None:
        return
    allowed = ctx.setting("allowFamilies")
    allowed = {str(a).lower() for a in allowed} if isinstance(allowed, list) else set()
    parsed = _split_type(value)
    family = parsed[1] if parsed else ""
    if family in allowed or f"db.{family}" in allowed:
        return
    en, ja = problem
    yield Finding(
        Text(
            en=f"{res.name}: {field} {value} — {en}",
            ja=f"{res.name}: {field} {value} — {ja}",
        )
    )


# ---------------------------------------------------------------------------
# GCM-COST-002 Graviton
# ---------------------------------------------------------------------------
#: x86 family prefixes with a Graviton equivalent (EC2: general purpose, compute,
#: memory, burstable; RDS: db.m, db.r, db.t). Source: AWS Graviton instance
#: pages (M7g/C7g/R7g/T4g) and Amazon RDS "Supported DB engines for DB instance
#: classes" (db.m7g/db.r7g/db.t4g). Checked 2026-11.
_GRAVITON_EC2 = {"m": "m7g", "c": "c7g", "r": "r7g", "t": "t4g"}
_GRAVITON_RDS = {"m": "db.m7g", "r": "db.r7g", "t": "db.t4g"}
#: RDS engines that do not run on Graviton classes (Amazon RDS User Guide,
#: "Supported DB engines for DB instance classes"; checked 2026-11).
_NO_GRAVITON_ENGINES = ("sqlserver", "oracle", "db2", "custom-")


def _graviton_suggestion(instance_type: Any) -> str | None:
    parsed = _split_type(instance_type)
    if parsed is None:
        return None
    is_db, _family, prefix, attrs, _size = parsed
    if _is_graviton(prefix, attrs) or _generation_problem(instance_type) is not None:
        return None  # already Graviton, or GCM-COST-001's finding
    table = _GRAVITON_RDS if is_db else _GRAVITON_EC2
    base = table.get(prefix)
    if base is None:
        return None
    if not is_db and prefix != "t" and "d" in attrs.split("-", 1)[0]:
        base += "d"  # local NVMe SSD variant (m7gd, c7gd, r7gd)
    return base


@rule(
    id="GCM-COST-002",
    title=Text(
        en="Use Graviton (Arm64) where an equivalent exists",
        ja="同等の Graviton (Arm64) があるものは Graviton を使用している",
    ),
    severity="low",
    enforcement="advisory",
    lever="sizing",
    resource_types=(
        EC2_INSTANCE,
        LAUNCH_TEMPLATE,
        RDS_INSTANCE,
        RDS_CLUSTER_INSTANCE,
        TASK_DEFINITION,
        LAMBDA_FUNCTION,
    ),
    rationale=Text(
        en=f"Lever 1 of {GUIDE_EN} asks to choose the instance type that fits the workload "
        "at the lowest cost. Graviton families cost less per vCPU than their x86 "
        "counterparts (AWS lists Fargate Arm64 vCPU and GB rates 20% below x86, and Lambda "
        "arm64 duration 20% below x86_64). Whether the software runs on Arm64 is a judgement "
        "the vendor must make, hence advisory. Peers: AWS Compute Optimizer's Graviton "
        "migration recommendations; for Lambda, a function without architectures runs on "
        "x86_64.",
        ja=f"{GUIDE_JA} の施策1 は処理に見合う最も安価なインスタンスタイプの選定を求めている。"
        "Graviton ファミリーは同等の x86 より vCPU 当たりの料金が安い (Fargate では Arm64 の vCPU・"
        "メモリ単価が x86 より 20% 安く、Lambda の arm64 の実行時間単価は x86_64 より 20% 安い)。"
        "ソフトウェアが Arm64 で動作するかはベンダーの判断が必要なため推奨 (`advisory`) とする。"
        "`AWS Compute Optimizer` も Graviton への移行を推奨する。Lambda は `architectures` 未指定なら "
        "x86_64 で動作する。",
    ),
    remediation=Text(
        en="Build multi-architecture images and set runtimePlatform.cpuArchitecture = ARM64 "
        "(gcmod's service default); set a Lambda function's architectures to [\"arm64\"] "
        "(native dependencies and layers built for arm64); move EC2/RDS to the Graviton family "
        "named in the message once the software is verified on Arm64.",
        ja="マルチアーキテクチャのイメージをビルドし runtimePlatform.cpuArchitecture を ARM64 に"
        'する (gcmod のサービスの既定値)。Lambda 関数は `architectures` を ["arm64"] にする '
        "(ネイティブ依存ライブラリとレイヤーは arm64 用にビルドする)。EC2/RDS は Arm64 での動作確認後、"
        "メッセージに示す Graviton ファミリーへ移行する。",
    ),
)
def graviton(res: Res, ctx: Ctx) -> Iterator[Finding]:
    if res.type == TASK_DEFINITION:
        yield from _task_architecture(res)
        return
    if res.type == LAMBDA_FUNCTION:
        yield from _lambda_architecture(res)
        return
    if res.type == RDS_INSTANCE:
        engine = res.get("engine")
        if isinstance(engine, str) and engine.lower().startswith(_NO_GRAVITON_ENGINES):
            return
    field = _type_field(res)
    value = res.get(field)
    suggestion = _graviton_suggestion(value)
    if suggestion is None:
        return
    yield Finding(
        Text(
            en=f"{res.name}: {field} {value} is x86; the Graviton equivalent {suggestion} "
            "costs less if the software runs on Arm64",
            ja=f"{res.name}: {field} {value} は x86 です。ソフトウェアが Arm64 で動作するなら"
            f"同等の Graviton {suggestion} の方が安価です",
        )
    )


#: Fargate Linux/ARM64 per-vCPU-hour and per-GB-hour prices are 20% below
#: Linux/x86 (source: AWS Fargate pricing, ap-northeast-1; checked 2026-11).
def _task_architecture(res: Res) -> Iterator[Finding]:
    compat = res.get("requiresCompatibilities")
    if not isinstance(compat, Sequence) or isinstance(compat, str):
        return
    if "FARGATE" not in [c for c in compat if isinstance(c, str)]:
        return  # EC2 launch type: the instances' architecture decides (checked above)
    os_family = res.get("runtimePlatform.operatingSystemFamily")
    if isinstance(os_family, str) and os_family.upper().startswith("WINDOWS"):
        return  # Windows containers on Fargate are x86 only
    arch = res.get("runtimePlatform.cpuArchitecture")
    if isinstance(arch, str) and arch.upper() == "ARM64":
        return
    shown = arch if isinstance(arch, str) else "not set (Fargate default X86_64)"
    shown_ja = arch if isinstance(arch, str) else "未設定 (Fargate の既定値 X86_64)"
    yield Finding(
        Text(
            en=f"task definition {res.name}: cpuArchitecture {shown}; Fargate ARM64 (Graviton) "
            "costs 20% less per vCPU and GB",
            ja=f"タスク定義 {res.name}: cpuArchitecture が {shown_ja} です。Fargate の ARM64 "
            "(Graviton) は vCPU・メモリ単価が 20% 安価です",
        )
    )


#: Lambda bills arm64 duration 20% below x86_64 (AWS News Blog, "AWS Lambda
#: Functions Powered by AWS Graviton2 Processor", 2021-09-29; AWS Lambda pricing,
#: checked 2026-12). arm64 needs a runtime on Amazon Linux 2 or later; these
#: Amazon Linux 1 runtimes are x86_64 only (Lambda Developer Guide, "Selecting and
#: configuring an instruction set architecture" and "Lambda runtimes", deprecated
#: runtimes; checked 2026-12).
LAMBDA_X86_ONLY_RUNTIMES = frozenset(
    {"go1.x", "java8", "python2.7", "python3.6", "python3.7", "nodejs10.x", "nodejs8.10",
     "ruby2.5", "dotnetcore2.1", "provided"}
)  # fmt: skip


def _lambda_architecture(res: Res) -> Iterator[Finding]:
    arch = [a for a in (res.get("architectures") or []) if isinstance(a, str)]
    if "arm64" in arch:
        return
    runtime = res.get("runtime")
    if isinstance(runtime, str) and runtime in LAMBDA_X86_ONLY_RUNTIMES:
        return
    shown = arch[0] if arch else "not set (Lambda default x86_64)"
    shown_ja = arch[0] if arch else "未設定 (Lambda の既定値 x86_64)"
    yield Finding(
        Text(
            en=f"Lambda function {res.name}: architectures {shown}; arm64 (Graviton) costs 20% "
            "less per GB-second if the code and its layers run on Arm64",
            ja=f"Lambda 関数 {res.name}: `architectures` が {shown_ja} です。コードとレイヤーが Arm64 "
            "で動作するなら arm64 (Graviton) は GB 秒単価が 20% 安価です",
        )
    )


# ---------------------------------------------------------------------------
# GCM-COST-003 size caps
# ---------------------------------------------------------------------------
#: vCPU and memory (GiB) of burstable (T) sizes. Source: Amazon EC2 instance
#: types guide, general purpose specifications (T3/T3a/T4g; T2 has 1 vCPU up to
#: small). Checked 2026-11.
_BURSTABLE: dict[str, tuple[float, float]] = {
    "nano": (2, 0.5), "micro": (2, 1), "small": (2, 2), "medium": (2, 4),
    "large": (2, 8), "xlarge": (4, 16), "2xlarge": (8, 32),
}  # fmt: skip
#: GiB of memory per vCPU by family prefix, an APPROXIMATION of the AWS
#: specification tables (Amazon EC2 instance types guide: general purpose m = 4,
#: compute optimized c = 2, memory optimized r = 8, x = 16, z = 8, storage
#: optimized i/d ~ 8, accelerated g ~ 4, a1 = 2; checked 2026-11). Families not
#: listed are checked on vCPU only.
_GIB_PER_VCPU: dict[str, float] = {
    "c": 2, "m": 4, "t": 4, "r": 8, "x": 16, "z": 8, "i": 8, "d": 8, "g": 4, "a": 2,
}  # fmt: skip
_XLARGE_RE = re.compile(r"^(\d+)xlarge$")


def instance_size(instance_type: Any) -> tuple[float, float | None] | None:
    """(vCPU, memory GiB or None) of an EC2 type / RDS class, from gcmod's table.

    vCPU: medium (non-burstable) 1, large 2, xlarge 4, Nxlarge 4N; burstable sizes
    from :data:`_BURSTABLE`. Memory: vCPU × :data:`_GIB_PER_VCPU`. An
    approximation good enough for caps; None for sizes it cannot read (metal)."""
    parsed = _split_type(instance_type)
    if parsed is None:
        return None
    _is_db, family, prefix, _attrs, size = parsed
    if prefix == "t":
        if size not in _BURSTABLE:
            return None
        vcpu, mem = _BURSTABLE[size]
        if family in ("t1", "t2") and size in ("nano", "micro", "small"):
            vcpu = 1
        return vcpu, mem
    if size in ("nano", "micro", "small", "medium"):
        vcpu = 1.0
    elif size == "large":
        vcpu = 2.0
    elif size == "xlarge":
        vcpu = 4.0
    elif (m := _XLARGE_RE.match(size)) is not None:
        vcpu = 4.0 * int(m[1])
    else:
        return None
    ratio = _GIB_PER_VCPU.get(prefix)
    return vcpu, (vcpu * ratio if ratio is not None else None)


def _fargate_amount(value: Any, unit: str) -> float | None:
    """A Fargate size in whole units: a number in 1/1024ths ("1024" CPU units,
    "2048" MiB) or ``<n> <unit>`` ("1 vCPU", "2 GB")."""
    n = _num(value)
    if n is not None:
        return n / 1024
    if not isinstance(value, str):
        return None
    v = value.strip().lower().replace(" ", "")
    try:
        return float(v[: -len(unit)]) if v.endswith(unit) else float(v) / 1024
    except ValueError:
        return None


def _fargate_cpu(value: Any) -> float | None:
    """Task cpu in vCPU: "1024" (CPU units) or "1 vCPU"."""
    return _fargate_amount(value, "vcpu")


def _fargate_memory(value: Any) -> float | None:
    """Task memory in GiB: "2048" (MiB) or "2 GB"."""
    return _fargate_amount(value, "gb")


@rule(
    id="GCM-COST-003",
    title=Text(
        en="Compute and database size within the environment's caps",
        ja="コンピュート・データベースのサイズが環境ごとの上限内である",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="sizing",
    resource_types=(
        TASK_DEFINITION,
        EC2_INSTANCE,
        LAUNCH_TEMPLATE,
        RDS_INSTANCE,
        RDS_CLUSTER_INSTANCE,
        RDS_CLUSTER,
    ),
    rationale=Text(
        en=f"Lever 1 of {GUIDE_EN} sizes from measured utilisation, not from the on-premises "
        "box: its example cuts a 16 vCPU / 128 GB server averaging 30% CPU down to 2 vCPU / "
        "32 GB. The estimate checklist (2025-04) asks that sizing be justified by current "
        "CPU, memory and DB utilisation. Stateless services scale out instead of up, so a "
        "task or instance above the environment's cap is over-provisioned unless the "
        "utilisation data says otherwise (then raise the cap in the policy config).",
        ja=f"{GUIDE_JA} の施策1 はオンプレミスの機器ではなく実際の利用状況からサイズを決めるとし、"
        "年間平均 CPU 使用率 30% の 16vCPU/128GB を 2vCPU/32GB に見直す例を示している。見積チェック"
        "リスト (2025年4月) も CPU・メモリ・DB の使用率に基づくサイジングを求めている。ステートレスな"
        "サービスはスケールアップではなくスケールアウトするため、環境の上限を超えるタスクや"
        "インスタンスは過剰である (利用実績が示す場合はポリシー設定で上限を引き上げる)。",
    ),
    remediation=Text(
        en="Size from measured utilisation: lower the Fargate task cpu/memory, the instance "
        "size or Aurora maxCapacity, and scale out with more tasks; or, with utilisation data "
        "that justifies it, raise maxVcpu/maxMemoryGiB/maxAcu for the environment in the "
        "policy config.",
        ja="利用実績に基づいてサイズを決める。Fargate タスクの cpu/memory、インスタンスサイズ、"
        "Aurora の maxCapacity を下げ、タスク数でスケールアウトする。利用実績で必要性を示せる場合は"
        "ポリシー設定で当該環境の maxVcpu/maxMemoryGiB/maxAcu を引き上げる。",
    ),
    settings=(
        Setting(
            "maxVcpu",
            "object",
            {"production": 8, "staging": 2, "development": 2},
            "Largest vCPU count of one task or instance, per environment. Development "
            "allows 2 because the smallest current EC2 types (t4g/t3 nano) have 2 vCPUs.",
        ),
        Setting(
            "maxMemoryGiB",
            "object",
            {"production": 32, "staging": 8, "development": 4},
            "Largest memory (GiB) of one task or instance, per environment.",
        ),
        Setting(
            "maxAcu",
            "object",
            {"production": 32, "staging": 4, "development": 2},
            "Largest Aurora Serverless v2 maxCapacity (ACU, about 2 GiB each), per environment.",
        ),
    ),
)
def size_caps(res: Res, ctx: Ctx) -> Iterator[Finding]:
    # The environment (tags) is read only once there is a size to compare.
    if res.type == RDS_CLUSTER:
        acu = _num(res.get("serverlessv2ScalingConfiguration.maxCapacity"))
        if acu is None:
            return
        cap = _env_limit(ctx, "maxAcu", res)
        env = ctx.environment(res)
        env_ja = ENV_JA.get(env, env)
        if cap is not None and acu > cap:
            yield Finding(
                Text(
                    en=f"Aurora cluster {res.name}: maxCapacity {acu:g} ACU exceeds the {env} "
                    f"cap of {cap:g} ACU",
                    ja=f"Aurora クラスター {res.name}: maxCapacity {acu:g} ACU は{env_ja}環境の上限 "
                    f"{cap:g} ACU を超えています",
                )
            )
        return
    if res.type == TASK_DEFINITION:
        vcpu = _fargate_cpu(res.get("cpu"))
        mem = _fargate_memory(res.get("memory"))
        what_en, what_ja = f"task definition {res.name}", f"タスク定義 {res.name}"
        approx = ""
    else:
        field = _type_field(res)
        value = res.get(field)
        if not isinstance(value, str) or _split_type(value) is None:
            return  # absent, db.serverless (the cluster's maxCapacity is checked), unreadable
        size = instance_size(value)
        what_en, what_ja = f"{res.name} ({value})", f"{res.name} ({value})"
        if size is None:
            yield Finding(
                Text(
                    en=f"{what_en}: the size {value.split('.')[-1]} is not in gcmod's size "
                    "table (bare metal?); declare a sized instance type within the caps",
                    ja=f"{what_ja}: サイズ {value.split('.')[-1]} は gcmod のサイズ表にありません"
                    " (ベアメタル?)。上限内のサイズを指定してください",
                )
            )
            return
        vcpu, mem = size
        approx = "~"
    if vcpu is None and mem is None:
        return
    env = ctx.environment(res)
    env_ja = ENV_JA.get(env, env)
    max_vcpu = _env_limit(ctx, "maxVcpu", res)
    max_mem = _env_limit(ctx, "maxMemoryGiB", res)
    if vcpu is not None and max_vcpu is not None and vcpu > max_vcpu:
        yield Finding(
            Text(
                en=f"{what_en}: {vcpu:g} vCPU exceeds the {env} cap of {max_vcpu:g} vCPU",
                ja=f"{what_ja}: {vcpu:g} vCPU は{env_ja}環境の上限 {max_vcpu:g} vCPU を超えています",
            )
        )
    if mem is not None and max_mem is not None and mem > max_mem:
        yield Finding(
            Text(
                en=f"{what_en}: {approx}{mem:g} GiB memory exceeds the {env} cap of "
                f"{max_mem:g} GiB",
                ja=f"{what_ja}: メモリ {approx}{mem:g} GiB は{env_ja}環境の上限 {max_mem:g} GiB を"
                "超えています",
            )
        )


# ---------------------------------------------------------------------------
# GCM-COST-004 self-built operations servers
# ---------------------------------------------------------------------------
#: Operations function -> (keywords, managed service en, ja). Keywords match as
#: words: not inside a longer word ("catalog", "blog", "login" do not match
#: "log"), optionally followed by s/srv/svr/sv/server/host and digits.
_OPS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "backup": (
        tuple("backup bkup bkp veeam arcserve netbackup backupexec".split()),
        "AWS Backup",
        "AWS Backup",
    ),
    "monitoring": (
        tuple(
            "monitor monitoring zabbix nagios prometheus grafana icinga munin cacti kanshi".split()
        ),
        "Amazon CloudWatch (metrics, alarms; Amazon Managed Service for Prometheus/Grafana)",
        "Amazon CloudWatch (メトリクス・アラーム。Amazon Managed Service for Prometheus/Grafana)",
    ),
    "logging": (
        tuple(
            "log logs logging syslog rsyslog fluentd elk elastic elasticsearch kibana "
            "logstash splunk graylog loki".split()
        ),
        "Amazon CloudWatch Logs",
        "Amazon CloudWatch Logs",
    ),
    "job scheduling": (
        tuple("job jobs scheduler cron rundeck jp1 senju hinemos".split()),
        "Amazon EventBridge Scheduler / AWS Step Functions",
        "Amazon EventBridge Scheduler / AWS Step Functions",
    ),
    "patching": (
        ("wsus", "patch"),
        "AWS Systems Manager Patch Manager",
        "AWS Systems Manager Patch Manager",
    ),
}
_OPS_JA = {
    "backup": "バックアップ",
    "monitoring": "監視",
    "logging": "ログ収集",
    "job scheduling": "ジョブ管理",
    "patching": "パッチ適用",
}
#: Japanese names (matched as substrings: Japanese has no word boundaries; bare
#: ログ is left out because it is inside カタログ, ブログ and ログイン).
_OPS_JA_WORDS: dict[str, tuple[str, ...]] = {
    "backup": ("バックアップ",),
    "monitoring": ("監視",),
    "logging": ("ログサーバー", "ログ収集", "ログ管理", "ログ集約"),
    "job scheduling": ("ジョブ管理", "ジョブスケジューラ", "ジョブサーバー", "運用管理", "千手"),
    "patching": ("パッチ管理",),
}
_SUFFIX = r"(?:s|srv|svr|sv|server|servers|host|hosts)?"
_OPS_RE: dict[str, re.Pattern[str]] = {
    kind: re.compile(
        r"(?<![a-z])(?:"
        + "|".join(re.escape(k) for k in sorted(words, key=len, reverse=True))
        + r")"
        + _SUFFIX
        + r"(?![a-z])"
    )
    for kind, (words, _en, _ja) in _OPS.items()
}
#: Tag keys whose values describe what a server does (compared case-insensitively).
ROLE_TAG_KEYS = frozenset(
    {"name", "role", "purpose", "function", "service", "app", "application", "component",
     "usage", "type", "server", "用途", "役割", "名前"}
)  # fmt: skip
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _normalise(text: str) -> str:
    """``ZabbixServer_01`` -> ``zabbix server 01``."""
    return re.sub(r"[^0-9a-z\u3040-\u30ff\u4e00-\u9fff]+", " ", _CAMEL.sub(" ", text).lower())


def ops_function(text: str) -> str | None:
    """The operations function a name indicates (``backup``, ``monitoring``, ...), or None."""
    if not isinstance(text, str) or not text:
        return None
    norm = _normalise(text)
    for kind, pattern in _OPS_RE.items():
        if pattern.search(norm) or any(w in text for w in _OPS_JA_WORDS[kind]):
            return kind
    return None


def _role_tag_values(tags: Any) -> Iterator[str]:
    """Values of role-describing tags, from a map or an ASG's list of {key, value}."""
    if isinstance(tags, Mapping):
        for key in list(tags):
            if isinstance(key, str) and key.lower() in ROLE_TAG_KEYS:
                value = tags[key]
                if isinstance(value, str):
                    yield value
    elif isinstance(tags, Sequence) and not isinstance(tags, str):
        for item in tags:
            if isinstance(item, Mapping):
                key, value = item.get("key"), item.get("value")
                if isinstance(key, str) and key.lower() in ROLE_TAG_KEYS:
                    if isinstance(value, str):
                        yield value


def _names(res: Res) -> Iterator[tuple[str, str]]:
    """(where, text) pairs that say what the resource is."""
    yield "name", res.name
    for field in ("name", "namePrefix"):
        value = res.get(field)
        if isinstance(value, str):
            yield field, value
    for value in _role_tag_values(res.get("tags")):
        yield "tag", value
    if res.type == LAUNCH_TEMPLATE:
        specs = res.get("tagSpecifications")
        if isinstance(specs, Sequence) and not isinstance(specs, str):
            for spec in specs:
                if isinstance(spec, Mapping):
                    yield from (("tag", v) for v in _role_tag_values(spec.get("tags")))


@rule(
    id="GCM-COST-004",
    title=Text(
        en="No self-built backup, monitoring, log or job servers",
        ja="バックアップ・監視・ログ・ジョブ管理のサーバーを自前で構築していない",
    ),
    severity="high",
    enforcement="mandatory",
    lever="managed-services",
    resource_types=(EC2_INSTANCE, LAUNCH_TEMPLATE, AUTOSCALING_GROUP),
    rationale=Text(
        en=f"Lever 3 of {GUIDE_EN} replaces the basic operations functions with managed "
        "services, so that backup and monitoring servers no longer run 24/7, and asks not to "
        "build one's own operations systems (backup, job management); the estimate checklist "
        "(2025-04) asks that backup, monitoring and incident response be automated.",
        ja=f"{GUIDE_JA} の施策3 は運用管理系の基本機能をマネージドサービスで代替し、バックアップ"
        "サーバーや監視サーバーを常時稼働させないこと、独自の運用管理システム (バックアップ、ジョブ管理"
        "等) の構築を避けることを求めている。見積チェックリスト (2025年4月) も運用作業 (バックアップ、"
        "監視・障害対応等) の自動化を求めている。",
    ),
    remediation=Text(
        en="Remove the server and use the managed service the message names (AWS Backup, "
        "CloudWatch, CloudWatch Logs, EventBridge Scheduler, Systems Manager); gcmod's "
        "ManagedBackup, ManagedLogging and ScheduledShutdown components do this. If the name "
        "is a false match, rename the resource or its Name tag.",
        ja="サーバーを廃止し、メッセージに示すマネージドサービス (AWS Backup、CloudWatch、CloudWatch "
        "Logs、EventBridge Scheduler、Systems Manager) を使用する。gcmod の ManagedBackup・"
        "ManagedLogging・ScheduledShutdown コンポーネントが対応する。誤検知の場合はリソース名や "
        "`Name` タグを見直す。",
    ),
)
def no_ops_servers(res: Res, ctx: Ctx) -> Iterator[Finding]:
    for where, text in _names(res):
        kind = ops_function(text)
        if kind is None:
            continue
        _words, managed_en, managed_ja = _OPS[kind]
        label = {"name": "name", "namePrefix": "name prefix", "tag": "tag"}.get(where, where)
        label_ja = {"name": "名前", "namePrefix": "名前の接頭辞", "tag": "タグ"}.get(where, where)
        yield Finding(
            Text(
                en=f"{res.name} looks like a self-built {kind} server ({label} {text!r}); "
                f"use {managed_en} instead of a server running 24/7",
                ja=f"{res.name} は自前の{_OPS_JA[kind]}サーバーと見られます ({label_ja} 「{text}」)。"
                f"常時稼働のサーバーではなく {managed_ja} を使用してください",
            )
        )
        return


# ---------------------------------------------------------------------------
# GCM-COST-005 autoscaling
# ---------------------------------------------------------------------------
def _target_links(target: Res, service: Res) -> bool:
    if any(d.urn == service.urn for d in target.dependencies):
        return True
    rid = known_or_none(target.get, "resourceId")
    name = known_or_none(service.get, "name")
    return isinstance(rid, str) and isinstance(name, str) and rid.endswith(f"/{name}")


def _policy_links(policy: Res, target: Res) -> bool:
    if any(d.urn == target.urn for d in policy.dependencies):
        return True
    a, b = known_or_none(policy.get, "resourceId"), known_or_none(target.get, "resourceId")
    return isinstance(a, str) and a.startswith("service/") and a == b


def _ecs_service_findings(
    svc: Res, targets: list[Res], policies: list[Res], cap: float | None
) -> Iterator[Finding]:
    if svc.get("schedulingStrategy") == "DAEMON":
        return  # one task per container instance: scales with the cluster, not the service
    linked = [
        t
        for t in targets
        if t.get("scalableDimension") == ECS_DESIRED_COUNT and _target_links(t, svc)
    ]
    if not linked:
        yield Finding(
            Text(
                en=f"ECS service {svc.name} has no Application Auto Scaling target "
                f"({ECS_DESIRED_COUNT}): its task count is fixed around the clock",
                ja=f"ECS サービス {svc.name} に Application Auto Scaling のターゲット "
                f"({ECS_DESIRED_COUNT}) がありません。タスク数が終日固定です",
            ),
            svc.urn,
        )
        return
    for t in linked:
        lo, hi = _num(t.get("minCapacity")), _num(t.get("maxCapacity"))
        where_en = f"ECS service {svc.name} (scalable target {t.name})"
        where_ja = f"ECS サービス {svc.name} (スケーリングターゲット {t.name})"
        if hi is None or hi <= 0:
            shown = f"{hi:g}" if hi is not None else "not set"
            yield Finding(
                Text(
                    en=f"{where_en}: maxCapacity {shown}; it must be above 0",
                    ja=f"{where_ja}: maxCapacity が {shown if hi is not None else '未設定'} です。"
                    "1 以上にしてください",
                ),
                t.urn,
            )
        elif lo is not None and lo > hi:
            yield Finding(
                Text(
                    en=f"{where_en}: minCapacity {lo:g} is above maxCapacity {hi:g}",
                    ja=f"{where_ja}: minCapacity {lo:g} が maxCapacity {hi:g} を超えています",
                ),
                t.urn,
            )
        elif cap is not None and hi > cap:
            yield Finding(
                Text(
                    en=f"{where_en}: maxCapacity {hi:g} exceeds the cap of {cap:g} tasks",
                    ja=f"{where_ja}: maxCapacity {hi:g} は上限 {cap:g} タスクを超えています",
                ),
                t.urn,
            )
        if not any(_policy_links(p, t) for p in policies):
            yield Finding(
                Text(
                    en=f"{where_en}: no scaling policy (aws:appautoscaling/policy) is attached, "
                    "so the task count never follows the load",
                    ja=f"{where_ja}: スケーリングポリシー (aws:appautoscaling/policy) がなく、"
                    "タスク数が負荷に追従しません",
                ),
                t.urn,
            )


#: What holds a fleet's bounds: (English, Japanese) kind, min input, max input.
_FLEETS: dict[str, tuple[str, str, str, str]] = {
    AUTOSCALING_GROUP: ("Auto Scaling group", "Auto Scaling グループ", "minSize", "maxSize"),
    SCALABLE_TARGET: ("ECS scalable target", "ECS スケーリングターゲット", "minCapacity",
                      "maxCapacity"),
}  # fmt: skip


def _fixed_fleet(res: Res) -> Iterator[Finding]:
    """A fleet whose minimum equals its maximum (above one) never scales: an Auto
    Scaling group (minSize = maxSize) or an ECS service's scalable target
    (minCapacity = maxCapacity)."""
    en, ja, lo_key, hi_key = _FLEETS[res.type]
    lo, hi = _num(res.get(lo_key)), _num(res.get(hi_key))
    if lo is not None and hi is not None and lo == hi and hi > 1:
        yield Finding(
            Text(
                en=f"{en} {res.name} is a fixed fleet ({lo_key} = {hi_key} = {hi:g}); "
                "let it scale in and out with the load",
                ja=f"{ja} {res.name} は台数固定です ({lo_key} = {hi_key} = {hi:g})。"
                "負荷に応じてスケールイン・アウトさせてください",
            ),
            res.urn,
        )


def _is_ecs_target(res: Res) -> bool:
    ns = known_or_none(res.get, "serviceNamespace")
    dim = known_or_none(res.get, "scalableDimension")
    return ns == "ecs" or dim == ECS_DESIRED_COUNT


@rule(
    id="GCM-COST-005",
    title=Text(
        en="ECS services autoscale with sane bounds; no fixed EC2 or ECS fleets",
        ja="ECS サービスが妥当な範囲でオートスケールし、EC2・ECS を台数固定で運用していない",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="operating-hours",
    scope="stack",
    rationale=Text(
        en=f"Lever 2 of {GUIDE_EN} asks stateless applications to scale out and in with the "
        "load (CPU or memory triggers, scheduled scaling for known peaks such as month-end), "
        "with the minimum and maximum decided from the observed load, so that no surplus "
        "capacity runs. A service without a scaling target and policy, or a fleet with "
        "min = max (an Auto Scaling group's minSize = maxSize, an ECS scalable target's "
        "minCapacity = maxCapacity), pays for its peak all the time.",
        ja=f"{GUIDE_JA} の施策2 はステートレスなアプリケーションを負荷に応じてスケールアウト・イン"
        "させ (CPU・メモリ使用率をトリガーとし、月末等の定期的な負荷はスケジュールによる"
        "オートスケール)、最大・最小をこれまでの負荷から決めて余剰リソースを抑えるよう求めている。"
        "スケーリングのターゲットとポリシーのないサービスや、最小 = 最大の固定台数 (Auto Scaling "
        "グループの minSize = maxSize、ECS スケーリングターゲットの minCapacity = maxCapacity) は"
        "常にピーク分の費用がかかる。",
    ),
    remediation=Text(
        en="Register each ECS service as a scalable target (ecs:service:DesiredCount) with "
        "0 < minCapacity < maxCapacity <= maxTasksCap and attach a target-tracking policy "
        "(gcmod's StatelessService does this); give Auto Scaling groups a range and a policy.",
        ja="各 ECS サービスをスケーラブルターゲット (ecs:service:DesiredCount) に登録し、"
        "minCapacity < maxCapacity <= maxTasksCap (maxCapacity は 1 以上) とし、ターゲット追跡"
        "ポリシーを設定する (gcmod の StatelessService が行う)。Auto Scaling グループには台数の幅と"
        "ポリシーを設定する。",
    ),
    settings=(
        Setting(
            "maxTasksCap",
            "number",
            50,
            "Largest maxCapacity (tasks) of one ECS service's scalable target.",
        ),
    ),
)
def autoscaling(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    targets = [r for r in resources if r.type == SCALABLE_TARGET]
    policies = [r for r in resources if r.type == SCALING_POLICY]
    cap = _num(ctx.setting("maxTasksCap"))

    def one(res: Res) -> Iterator[Finding]:
        if res.type == ECS_SERVICE:
            yield from _ecs_service_findings(res, targets, policies, cap)
        elif res.type == AUTOSCALING_GROUP or (res.type == SCALABLE_TARGET and _is_ecs_target(res)):
            yield from _fixed_fleet(res)

    yield from each(resources, one)


# ---------------------------------------------------------------------------
# Security baseline: GCM-SEC-001 IMDSv2, GCM-SEC-002 no public IPs
# ---------------------------------------------------------------------------
@rule(
    id="GCM-SEC-001",
    title=Text(
        en="EC2 instance metadata requires IMDSv2 tokens",
        ja="EC2 のインスタンスメタデータで IMDSv2 (トークン) を必須にしている",
    ),
    severity="high",
    enforcement="mandatory",
    lever="security",
    resource_types=(EC2_INSTANCE, LAUNCH_TEMPLATE),
    rationale=Text(
        en="IMDSv1 answers any request from the instance, so a server-side request forgery "
        "flaw in an application leaks the instance role's credentials; IMDSv2 requires a "
        'session token and AWS recommends requiring it (EC2 User Guide, "Use IMDSv2"; '
        "checked 2026-11). It costs nothing, so it is part of the security baseline gcmod keeps "
        "in every environment, alongside the cost levers.",
        ja="IMDSv1 はインスタンス内からのあらゆる要求に応答するため、アプリケーションの SSRF 脆弱性"
        "でインスタンスロールの認証情報が漏えいする。IMDSv2 はセッショントークンを必須とし、AWS は"
        "その必須化を推奨している (EC2 ユーザーガイド「IMDSv2 を使用する」)。費用がかからないため、"
        "gcmod がコスト施策とあわせてすべての環境で維持するセキュリティの基準としている。",
    ),
    remediation=Text(
        en='Set metadataOptions.httpTokens = "required" (or httpEndpoint = "disabled" if '
        "the instance needs no metadata).",
        ja='metadataOptions.httpTokens を "required" にする (メタデータが不要なら httpEndpoint '
        'を "disabled" にする)。',
    ),
)
def imdsv2(res: Res, ctx: Ctx) -> Iterator[Finding]:
    options = res.get("metadataOptions")
    if options is None and res.type == EC2_INSTANCE and res.get("launchTemplate") is not None:
        return  # the launch template supplies the metadata options; it is checked itself
    tokens = res.get("metadataOptions.httpTokens")
    endpoint = res.get("metadataOptions.httpEndpoint")
    if tokens == "required" or endpoint == "disabled":
        return
    shown = tokens if isinstance(tokens, str) else "not set (IMDSv1 allowed)"
    shown_ja = tokens if isinstance(tokens, str) else "未設定 (IMDSv1 が使用可能)"
    yield Finding(
        Text(
            en=f'{res.name}: metadataOptions.httpTokens is {shown}; it must be "required"',
            ja=f'{res.name}: metadataOptions.httpTokens が {shown_ja} です。"required" に'
            "してください",
        )
    )


@rule(
    id="GCM-SEC-002",
    title=Text(
        en="No public IP addresses on tasks, instances or subnets",
        ja="タスク・インスタンス・サブネットでパブリック IP を割り当てていない",
    ),
    severity="high",
    enforcement="mandatory",
    lever="security",
    resource_types=(ECS_SERVICE, EC2_INSTANCE, LAUNCH_TEMPLATE, SUBNET),
    rationale=Text(
        en="Municipal offices reach the Government Cloud systems over closed networks, and "
        "gcmod's design puts containers and servers in private subnets behind an internal load "
        "balancer, reaching AWS services through VPC endpoints. A public IP exposes the "
        "workload to the internet and, since 2024-02-01, AWS also charges for every public "
        "IPv4 address, in use or not (Amazon VPC pricing, public IPv4; checked 2026-11).",
        ja="自治体はガバメントクラウド上のシステムに閉域網で接続し、gcmod はコンテナやサーバーを"
        "プライベートサブネットの内部ロードバランサーの背後に置き、AWS サービスへは VPC "
        "エンドポイントで接続する。パブリック IP はワークロードをインターネットに露出させ、さらに "
        "2024年2月1日からはパブリック IPv4 アドレスごとに (未使用でも) 課金される (Amazon VPC 料金)。",
    ),
    remediation=Text(
        en="Set assignPublicIp / associatePublicIpAddress / mapPublicIpOnLaunch to false and "
        "reach the internet, if at all, through VPC endpoints or a NAT gateway.",
        ja="assignPublicIp / associatePublicIpAddress / mapPublicIpOnLaunch を false にし、"
        "外部への通信が必要なら VPC エンドポイントまたは NAT ゲートウェイを経由する。",
    ),
)
def no_public_ip(res: Res, ctx: Ctx) -> Iterator[Finding]:
    if res.type == ECS_SERVICE:
        checks = [
            ("networkConfiguration.assignPublicIp", res.get("networkConfiguration.assignPublicIp"))
        ]
        what_en, what_ja = f"ECS service {res.name}", f"ECS サービス {res.name}"
    elif res.type == SUBNET:
        checks = [("mapPublicIpOnLaunch", res.get("mapPublicIpOnLaunch"))]
        what_en, what_ja = f"subnet {res.name}", f"サブネット {res.name}"
    elif res.type == EC2_INSTANCE:
        checks = [("associatePublicIpAddress", res.get("associatePublicIpAddress"))]
        what_en, what_ja = f"instance {res.name}", f"インスタンス {res.name}"
    else:
        nics = res.get("networkInterfaces")
        nics = nics if isinstance(nics, Sequence) and not isinstance(nics, str) else []
        checks = [
            (
                f"networkInterfaces[{i}].associatePublicIpAddress",
                nic.get("associatePublicIpAddress"),
            )
            for i, nic in enumerate(nics)
            if isinstance(nic, Mapping)
        ]
        what_en, what_ja = f"launch template {res.name}", f"起動テンプレート {res.name}"
    for field, value in checks:
        if truthy(value):
            yield Finding(
                Text(
                    en=f"{what_en}: {field} is true (public IP address); it must be false",
                    ja=f"{what_ja}: {field} が true です (パブリック IP)。false にしてください",
                )
            )


# ---------------------------------------------------------------------------
# GCM-COST-006 measured utilisation (deployed accounts)
# ---------------------------------------------------------------------------
#: Input key under which the audit records measured utilisation of a deployed
#: resource (CloudWatch CPUUtilization, hourly averages over ``days``); absent
#: before deployment, where the rule then does not apply.
OBSERVED = "gcmodObserved"


@rule(
    id="GCM-COST-006",
    title=Text(
        en="Instances are sized from measured utilisation",
        ja="インスタンスが実測の使用率に基づくサイズになっている",
    ),
    severity="medium",
    enforcement="advisory",
    lever="sizing",
    resource_types=(EC2_INSTANCE,),
    rationale=Text(
        en=f"Lever 1 of {GUIDE_EN} asks to size from measured CPU and memory use, not from the "
        "on-premises server (its example: a 16 vCPU / 128 GB server averaging 30% CPU is cut "
        "down), and the estimate checklist (2025-04) asks for sizing justified by current "
        "utilisation. An instance whose CPU stays low all month pays for capacity it never uses.",
        ja=f"{GUIDE_JA} の施策1 はオンプレミスのサーバーではなく CPU・メモリの実測値からサイズを"
        "決めるよう求め (例: 平均 CPU 使用率 30% の 16 vCPU / 128 GB サーバーは縮小)、見積チェック"
        "リスト (2025年4月) も現在の使用率に基づくサイジングを求めている。CPU 使用率が月を通じて"
        "低いインスタンスは使わない能力に費用を払っている。",
    ),
    remediation=Text(
        en="Move to a smaller size (or to Fargate with autoscaling) so that average CPU sits "
        "nearer the target; re-measure after a month-end peak.",
        ja="平均 CPU 使用率が目標に近づくよう小さいサイズに変更する (または Fargate とオート"
        "スケールに移行する)。月末のピークの後に再測定する。",
    ),
    settings=(
        Setting(
            "maxAverageCpuPercent",
            "number",
            20,
            "Average CPU (%) below which an instance counts as oversized.",
        ),
        Setting(
            "maxPeakCpuPercent",
            "number",
            60,
            "Highest hourly average CPU (%) below which it counts as oversized.",
        ),
        Setting("minDays", "number", 7, "Days of measurements needed before judging."),
    ),
)
def measured_utilisation(res: Res, ctx: Ctx) -> Iterator[Finding]:
    observed = known_or_none(res.get, OBSERVED)
    if not isinstance(observed, Mapping):
        return
    avg, peak = _num(observed.get("cpuAverage")), _num(observed.get("cpuMax"))
    days = _num(observed.get("days")) or 0
    if avg is None or peak is None or days < ctx.setting("minDays"):
        return
    if avg < ctx.setting("maxAverageCpuPercent") and peak < ctx.setting("maxPeakCpuPercent"):
        itype = known_or_none(res.get, "instanceType") or "?"
        yield Finding(
            Text(
                en=f"instance {res.name} ({itype}) averaged {avg:.1f}% CPU with a highest hourly "
                f"average of {peak:.1f}% over {days:g} days: size it down",
                ja=f"インスタンス {res.name} ({itype}) の CPU 使用率は {days:g} 日間で平均 "
                f"{avg:.1f}%、1時間平均の最大 {peak:.1f}% です。サイズを縮小してください",
            )
        )
