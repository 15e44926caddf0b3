"""The shapes an estimate is made of (data only; the arithmetic lives elsewhere).

Every figure is USD per month (730 hours) unless a field says otherwise; JPY
is derived at the end with the catalogue's documented rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: The guidance's levers a saving is attributed to, in waterfall order.
Lever = Literal[
    "multi-tenancy",
    "dr",
    "managed-services",
    "sizing",
    "operating-hours",
    "storage",
    "logs",
]
LEVER_ORDER: tuple[Lever, ...] = (
    "multi-tenancy",
    "dr",
    "managed-services",
    "sizing",
    "operating-hours",
    "storage",
    "logs",
)
LEVER_NAMES: dict[str, tuple[str, str]] = {
    "multi-tenancy": ("マルチテナント (1環境に集約)", "Multi-tenancy (one environment)"),
    "dr": ("DR構成 (バックアップのみ)", "DR (backup-only)"),
    "managed-services": ("マネージドサービス", "Managed services"),
    "sizing": ("インスタンスの選択とサイズ", "Instance selection and size"),
    "operating-hours": ("稼働時間", "Operating hours"),
    "storage": ("ストレージの種類と容量", "Storage type and capacity"),
    "logs": ("ログの保存", "Log retention"),
}

#: Names of the line-item categories (Japanese, English).
CATEGORY_NAMES: dict[str, tuple[str, str]] = {
    "compute": ("コンピュート", "Compute"),
    "database": ("データベース", "Database"),
    "storage": ("ストレージ", "Storage"),
    "backup": ("バックアップ", "Backup"),
    "logs": ("ログ", "Logs"),
    "network": ("ネットワーク", "Network"),
    "security": ("セキュリティ", "Security"),
    "operations": ("運用", "Operations"),
    "other": ("その他", "Other"),
}

#: What a line item is for (for grouping in reports).
Category = Literal[
    "compute", "database", "storage", "backup", "logs", "network", "security", "operations", "other"
]


@dataclass(frozen=True)
class LineItem:
    """One priced quantity of one resource."""

    resource: str
    """Logical name of the resource (or of the baseline element)."""
    resource_type: str
    """Pulumi type token, or ``baseline:<kind>`` for baseline elements."""
    category: Category
    description: str
    """What is priced, e.g. ``Fargate ARM64 vCPU-hours (2 tasks × 1 vCPU × 200 h)``."""
    quantity: float
    unit: str
    """Unit of ``quantity`` and of the price (``vCPU-hour``, ``GB-month``, ...)."""
    unit_price_usd: float
    monthly_usd: float
    price_key: str
    """Catalogue key the price came from."""
    region: str
    tenant: str = "shared"
    """``shared`` or a tenant's local government code."""
    description_ja: str = ""
    """``description`` in Japanese (reports only; empty: the English one)."""


@dataclass(frozen=True)
class MissingPrice:
    """A quantity that could not be priced: reported, never counted as zero."""

    resource: str
    resource_type: str
    price_key: str
    region: str
    reason: str
    reason_ja: str = ""
    """``reason`` in Japanese (reports only; empty: the English one)."""


@dataclass
class Estimate:
    """The monthly cost of one architecture."""

    label: str
    lines: list[LineItem] = field(default_factory=list)
    missing: list[MissingPrice] = field(default_factory=list)

    @property
    def monthly_usd(self) -> float:
        return sum(li.monthly_usd for li in self.lines)

    def by_category(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for li in self.lines:
            out[li.category] = out.get(li.category, 0.0) + li.monthly_usd
        return out


@dataclass(frozen=True)
class LeverSaving:
    lever: Lever
    monthly_usd: float
    """Saving attributed to this lever (baseline cost before the step minus after)."""
    explanation: str
    """What changed at this step, in English."""
    explanation_ja: str = ""
    """The same in Japanese (empty: use ``explanation``)."""


@dataclass(frozen=True)
class TenantShare:
    code: str
    name: str
    population: int
    equal_usd: float
    population_usd: float
    usage_usd: float


@dataclass
class BaselineRange:
    """Both ends of the built-in baseline (:mod:`gcmod.cost.sizing`); the result's
    ``baseline`` and ``levers`` are the low (conservative) end."""

    low: Estimate
    high: Estimate
    assumptions_low: dict[str, object]
    assumptions_high: dict[str, object]
    levers_high: list[LeverSaving] = field(default_factory=list)


@dataclass
class EstimateResult:
    """What `gcmod estimate` reports."""

    stack: str
    region: str
    planned: Estimate
    baseline: Estimate
    levers: list[LeverSaving]
    shares: list[TenantShare]
    jpy_per_usd: float
    fx_source: str
    assumptions: dict[str, object] = field(default_factory=dict)
    """Usage and sizing inputs that are not in the graph, with where they came from."""
    baseline_range: BaselineRange | None = None
    """Low and high ends of the built-in baseline (None: a given or no baseline)."""
    assumptions_ja: dict[str, dict[str, object]] = field(default_factory=dict)
    """The Japanese of ``assumptions`` for the reports (``--json`` keeps the English):
    per key ``{"source": str}`` and, where the value is English text, ``"value"``."""
    fx_source_ja: str = ""
    """``fx_source`` in Japanese (reports only; empty: the English one)."""

    @property
    def has_baseline(self) -> bool:
        """False for a program priced without a baseline (not a gcmod stack)."""
        return bool(self.baseline.lines or self.baseline.missing)

    @property
    def saving_usd(self) -> float:
        return self.baseline.monthly_usd - self.planned.monthly_usd

    @property
    def ratio(self) -> float:
        """Planned over baseline (0.35 means 65% lower)."""
        base = self.baseline.monthly_usd
        return self.planned.monthly_usd / base if base else float("nan")
