"""Reference facts the configuration is validated against.

Every table says where it comes from and when it was checked. Keep them here,
in one place, so the schema, the policies and the docs quote the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass

# ---------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------
#: AWS regions in Japan. Source: AWS General Reference, "AWS service endpoints"
#: (Asia Pacific (Tokyo) ap-northeast-1, Asia Pacific (Osaka) ap-northeast-3),
#: checked 2026-11. Government Cloud data stays in Japan (source deck, 2025-10).
#: Region -> (Japanese, English) name of its city.
REGION_CITIES: dict[str, tuple[str, str]] = {
    "ap-northeast-1": ("東京", "Tokyo"),
    "ap-northeast-3": ("大阪", "Osaka"),
}
JAPAN_REGIONS: dict[str, str] = {r: f"{en} / {ja}" for r, (ja, en) in REGION_CITIES.items()}
#: Primary region of the Government Cloud estate (source deck, 2025-10).
PRIMARY_REGION = "ap-northeast-1"
#: Remote site for backup-only DR (構成C) (source deck, 2025-10).
DR_REGION = "ap-northeast-3"
#: The regions gcmod works in by default (audit, price refresh): home, then DR.
GOV_REGIONS: tuple[str, ...] = (PRIMARY_REGION, DR_REGION)


def dr_partner(region: str) -> str | None:
    """The other Japanese region, where ``region``'s backups are copied (None
    outside Japan)."""
    if region not in JAPAN_REGIONS:
        return None
    return next(r for r in JAPAN_REGIONS if r != region)


# ---------------------------------------------------------------------------
# The 20 standardised businesses (標準化対象20業務)
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Business:
    """One of the businesses covered by the standardisation act."""

    id: str
    ja: str
    en: str


#: Source: 地方公共団体情報システムの標準化に関する法律 (令和3年法律第40号) and its
#: cabinet order, as listed by the Digital Agency's "地方公共団体情報システムの
#: 標準化" page and the source deck (2025-10); checked 2026-11. Check the
#: Digital Agency's own page before relying on this list for anything legal.
BUSINESSES: tuple[Business, ...] = (
    Business("jumin-kihon-daicho", "住民基本台帳", "Resident registry"),
    Business("koseki-fuhyo", "戸籍の附票", "Family register supplementary record"),
    Business("inkan-toroku", "印鑑登録", "Seal registration"),
    Business("senkyonin-meibo", "選挙人名簿管理", "Electoral roll"),
    Business("kotei-shisanzei", "固定資産税", "Fixed asset tax"),
    Business("kojin-juminzei", "個人住民税", "Individual inhabitant tax"),
    Business("hojin-juminzei", "法人住民税", "Corporate inhabitant tax"),
    Business("keijidoshazei", "軽自動車税", "Light vehicle tax"),
    Business("koseki", "戸籍", "Family register"),
    Business("shugaku", "就学", "School enrolment"),
    Business("kenko-kanri", "健康管理", "Health management"),
    Business("jido-fuyo-teate", "児童扶養手当", "Child rearing allowance"),
    Business("seikatsu-hogo", "生活保護", "Public assistance"),
    Business("shogaisha-fukushi", "障害者福祉", "Welfare for persons with disabilities"),
    Business("kaigo-hoken", "介護保険", "Long-term care insurance"),
    Business("kokumin-kenko-hoken", "国民健康保険", "National health insurance"),
    Business("koki-koreisha-iryo", "後期高齢者医療", "Late-stage elderly medical care"),
    Business("kokumin-nenkin", "国民年金", "National pension"),
    Business("jido-teate", "児童手当", "Child allowance"),
    Business("kodomo-kosodate", "子ども・子育て支援", "Child and child-rearing support"),
)
BUSINESS_BY_ID: dict[str, Business] = {b.id: b for b in BUSINESSES}


# ---------------------------------------------------------------------------
# Municipality size bands
# ---------------------------------------------------------------------------
#: Municipality classes and their counts, from the source deck's table
#: (2025-10): designated cities 20, core cities 62, other cities 710, towns
#: and villages 926.
MUNICIPALITY_CLASSES: dict[str, tuple[str, int]] = {
    "designated-city": ("指定都市", 20),
    "core-city": ("中核市", 62),
    "city": ("一般市", 710),
    "town-village": ("町村", 926),
}


# ---------------------------------------------------------------------------
# CloudWatch Logs retention
# ---------------------------------------------------------------------------
#: The only values PutRetentionPolicy accepts, in days. Source: Amazon
#: CloudWatch Logs API Reference, PutRetentionPolicy, "retentionInDays"
#: (checked 2026-11). "Never expire" is the absence of a policy, which gcmod
#: does not allow.
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
    2192, 2557, 2922, 3288, 3653,
)  # fmt: skip


# ---------------------------------------------------------------------------
# Fargate task sizes
# ---------------------------------------------------------------------------
def _steps(lo: int, hi: int, step: int) -> tuple[int, ...]:
    return tuple(range(lo, hi + 1, step))


#: CPU units -> allowed memory (MiB) for a Fargate task on Linux. Source:
#: Amazon ECS Developer Guide, "Amazon ECS task definition parameters for
#: Fargate", task size table (platform version 1.4.0), checked 2026-11.
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: _steps(1024, 4096, 1024),
    1024: _steps(2048, 8192, 1024),
    2048: _steps(4096, 16384, 1024),
    4096: _steps(8192, 30720, 1024),
    8192: _steps(16384, 61440, 4096),
    16384: _steps(32768, 122880, 8192),
}


def fargate_memory_choices(cpu: int) -> str:
    """Human-readable list of memory sizes Fargate offers for ``cpu`` units."""
    mem = FARGATE_SIZES.get(cpu)
    if mem is None:
        return "none (cpu must be one of " + ", ".join(map(str, FARGATE_SIZES)) + ")"
    if len(mem) <= 3:
        return ", ".join(map(str, mem))
    return f"{mem[0]}–{mem[-1]} in steps of {mem[1] - mem[0]}"


# ---------------------------------------------------------------------------
# Aurora Serverless v2 capacity
# ---------------------------------------------------------------------------
#: Aurora Serverless v2 capacity bounds in ACUs, in steps of 0.5. Minimum 0
#: (automatic pause) needs Aurora PostgreSQL 13.15/14.12/15.7/16.3 or later;
#: maximum 256. Source: Amazon Aurora User Guide, "Aurora Serverless v2
#: capacity" (checked 2026-11).
ACU_MIN = 0.0
ACU_MAX = 256.0
ACU_STEP = 0.5

#: Aurora PostgreSQL engine version the components default to. Source: Amazon
#: Aurora PostgreSQL release notes, 16.x is a supported major version with
#: Serverless v2 and automatic pause (checked 2026-11).
DEFAULT_AURORA_POSTGRES_VERSION = "16.6"


# ---------------------------------------------------------------------------
# Local government code (全国地方公共団体コード)
# ---------------------------------------------------------------------------
def lg_code_check_digit(first5: str) -> int:
    """Check digit of a local government code.

    Source: 総務省「全国地方公共団体コード」仕様 (JIS X 0401/0402 and the
    ministry's check-digit rule): s = 6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5,
    check = (11 − s mod 11) mod 10.
    """
    if len(first5) != 5 or not first5.isdigit():
        raise ValueError("need exactly five digits")
    s = sum(w * int(d) for w, d in zip((6, 5, 4, 3, 2), first5, strict=True))
    return (11 - s % 11) % 10


def is_valid_lg_code(code: str) -> bool:
    """True when ``code`` is six ASCII digits whose last is the check digit
    (full-width digits are refused: the code becomes part of a DNS host name)."""
    return (
        len(code) == 6
        and code.isascii()
        and code.isdigit()
        and lg_code_check_digit(code[:5]) == int(code[5])
        and code[:2] != "00"
        and int(code[:2]) <= 47
    )


# ---------------------------------------------------------------------------
# Application Load Balancer quotas
# ---------------------------------------------------------------------------
#: Listener rules per Application Load Balancer, default rules excluded: 100 by
#: default, adjustable through Service Quotas (Elastic Load Balancing, "Rules
#: per Application Load Balancer"). Condition values per rule: 5, not
#: adjustable. Source: Elastic Load Balancing User Guide for Application Load
#: Balancers, "Quotas for your Application Load Balancers"
#: (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html),
#: checked 2026-11-27. Beyond the quota CreateRule fails with TooManyRules.
ALB_RULES_PER_LOAD_BALANCER = 100
ALB_CONDITION_VALUES_PER_RULE = 5
