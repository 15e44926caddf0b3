"""The price catalogue: AWS on-demand list prices the cost model multiplies by.

The catalogue is a YAML file (the packaged one is ``gcmod/data/prices.yaml``)::

    currency: USD
    fx: {jpyPerUsd: 150.0, source: "...", sourceJa: "...", date: 2026-11-27}
    prices:
      - key: s3.standard.gb-month
        region: ap-northeast-1
        unit: GB-month
        usd: 0.025
        source: AWS Price List API AmazonS3 APN1-TimedStorage-ByteHrs
        checked: 2026-11-27
        tiers:                       # optional: progressive monthly tiers
          - {upTo: 51200, usd: 0.025}
          - {upTo: 512000, usd: 0.024}
          - {upTo: null, usd: 0.023}
        note: optional; "unverified: <why>" marks a price nobody could confirm

It is validated once, when loaded: a bad file raises :class:`CatalogError` naming
the file, the entry and the problem, and the rest of gcmod can trust what it
gets. ``usd`` is always the headline (first paid) price per ``unit``; where
``tiers`` are given, :meth:`Price.cost` uses them instead, applied progressively
to a monthly quantity (the first ``upTo`` units at the first price, and so on).
A tier's ``upTo`` is the cumulative upper bound of the quantity, in ``unit``;
only the last tier is open (``upTo: null``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from gcmod.loader import LoadError, load_yaml

#: Where the packaged catalogue lives inside the ``gcmod`` package.
PACKAGED_CATALOG = ("data", "prices.yaml")

_TOP_FIELDS = ("currency", "fx", "prices")
_FX_FIELDS = ("jpyPerUsd", "source", "sourceJa", "date")
_ENTRY_FIELDS = ("key", "region", "unit", "usd", "source", "checked", "tiers", "note")
_REQUIRED = ("key", "region", "unit", "usd", "source", "checked")
_TIER_FIELDS = ("upTo", "usd")


class CatalogError(ValueError):
    """A price catalogue that cannot be used, and why.

    ``str()`` is one line a person can act on: the file, the entry (key and
    region) where there is one, and the problem.
    """

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        key: str | None = None,
        region: str | None = None,
        index: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.key = key
        self.region = region
        self.index = index
        where = ""
        if index is not None:
            where = f"prices[{index}]"
            if key is not None:
                where += f" {key} @ {region if region is not None else '?'}"
            where += ": "
        super().__init__(f"{self.path}: {where}{problem}")


class MissingPriceError(LookupError):
    """The catalogue has no price for ``key`` in ``region``."""

    def __init__(self, key: str, region: str) -> None:
        self.key = key
        self.region = region
        super().__init__(f"no price for {key} in {region}")

    def __str__(self) -> str:  # LookupError would quote the message
        return f"no price for {self.key} in {self.region}"


@dataclass(frozen=True)
class Tier:
    """One step of a tiered price: ``usd`` per unit up to ``up_to`` units a month
    (cumulative; ``None`` = no upper bound)."""

    up_to: float | None
    usd: float


@dataclass(frozen=True)
class Price:
    """One list price: ``usd`` per ``unit`` of ``key`` in ``region``."""

    key: str
    region: str
    unit: str
    usd: float
    source: str
    checked: date
    tiers: tuple[Tier, ...] = ()
    note: str | None = None

    @property
    def verified(self) -> bool:
        """False when the catalogue says nobody could confirm this price."""
        return not (self.note or "").lstrip().lower().startswith("unverified")

    def cost(self, quantity: float) -> float:
        """USD for ``quantity`` units in a month: tiers progressively, else linear."""
        q = float(quantity)
        if math.isnan(q) or q < 0:
            raise ValueError(f"{self.key} @ {self.region}: quantity must be >= 0, got {quantity}")
        if not self.tiers:
            return q * self.usd
        total = 0.0
        lower = 0.0
        for tier in self.tiers:
            if q <= lower:
                break
            upper = q if tier.up_to is None else min(q, tier.up_to)
            total += (upper - lower) * tier.usd
            if tier.up_to is None:
                break
            lower = tier.up_to
        return total


@dataclass(frozen=True)
class Catalog:
    """Validated prices by ``(key, region)``, and the default JPY rate."""

    prices: Mapping[tuple[str, str], Price]
    jpy_per_usd: float
    fx_source: str
    fx_date: date
    path: Path
    currency: str = field(default="USD")
    fx_source_ja: str = ""
    """``fx_source`` in Japanese (optional ``fx.sourceJa``; the reports show it)."""

    # -- loading ---------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | str | None = None) -> Catalog:
        """Load and validate a catalogue (default: the one packaged with gcmod)."""
        file = Path(path) if path is not None else packaged_path()
        try:
            doc = load_yaml(file)
        except OSError as exc:
            raise CatalogError(file, f"cannot read the file ({exc.strerror or exc})") from None
        except LoadError as exc:
            raise CatalogError(file, exc.detail) from None
        return cls.from_document(doc, file)

    @classmethod
    def from_document(cls, doc: Any, path: Path | str) -> Catalog:
        """Validate an already-parsed YAML document (``path`` is for messages)."""
        file = Path(path)
        if not isinstance(doc, dict):
            raise CatalogError(file, "the top level must be a mapping with currency, fx, prices")
        unknown = [k for k in doc if k not in _TOP_FIELDS]
        if unknown:
            raise CatalogError(file, f"unknown top-level field {unknown[0]!r}")
        for name in _TOP_FIELDS:
            if name not in doc:
                raise CatalogError(file, f"missing top-level field {name!r}")
        if doc["currency"] != "USD":
            raise CatalogError(file, f"currency must be USD, not {doc['currency']!r}")
        jpy, fx_source, fx_source_ja, fx_date = _fx(doc["fx"], file)
        entries = doc["prices"]
        if not isinstance(entries, list) or not entries:
            raise CatalogError(file, "prices must be a non-empty list")
        prices: dict[tuple[str, str], Price] = {}
        for index, raw in enumerate(entries):
            price = _entry(raw, index, file)
            ident = (price.key, price.region)
            if ident in prices:
                raise CatalogError(
                    file,
                    "duplicate key and region",
                    key=price.key,
                    region=price.region,
                    index=index,
                )
            prices[ident] = price
        return cls(
            prices=MappingProxyType(prices),
            jpy_per_usd=jpy,
            fx_source=fx_source,
            fx_date=fx_date,
            path=file,
            fx_source_ja=fx_source_ja,
        )

    # -- lookups ---------------------------------------------------------------
    def find(self, key: str, region: str) -> Price | None:
        return self.prices.get((key, region))

    def get(self, key: str, region: str) -> Price:
        price = self.prices.get((key, region))
        if price is None:
            raise MissingPriceError(key, region)
        return price

    def keys(self) -> set[str]:
        return {key for key, _ in self.prices}

    def regions(self) -> set[str]:
        return {region for _, region in self.prices}

    def __iter__(self) -> Iterator[Price]:
        """Entries in file order."""
        return iter(self.prices.values())

    def __len__(self) -> int:
        return len(self.prices)

    # -- arithmetic ------------------------------------------------------------
    def cost(self, key: str, region: str, quantity: float) -> float:
        """USD for ``quantity`` units of ``key`` in ``region`` in a month (tier-aware)."""
        return self.get(key, region).cost(quantity)

    def to_jpy(self, usd: float) -> float:
        return usd * self.jpy_per_usd

    # -- upkeep ----------------------------------------------------------------
    def stale(self, today: date, max_age_days: int = 365) -> list[Price]:
        """Entries last checked more than ``max_age_days`` before ``today``."""
        return sorted(
            (p for p in self.prices.values() if (today - p.checked).days > max_age_days),
            key=lambda p: (p.key, p.region),
        )

    def unverified(self) -> list[Price]:
        return [p for p in self.prices.values() if not p.verified]


def packaged_path() -> Path:
    """The catalogue shipped inside the gcmod package."""
    folder, name = PACKAGED_CATALOG
    return Path(str(resources.files("gcmod").joinpath(folder).joinpath(name)))


# ---------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------
def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _fx(raw: Any, file: Path) -> tuple[float, str, str, date]:
    if not isinstance(raw, dict):
        raise CatalogError(file, "fx must be a mapping with jpyPerUsd, source, date")
    unknown = [k for k in raw if k not in _FX_FIELDS]
    if unknown:
        raise CatalogError(file, f"fx: unknown field {unknown[0]!r}")
    rate = raw.get("jpyPerUsd")
    if not _is_number(rate) or rate <= 0:
        raise CatalogError(file, "fx: jpyPerUsd must be a positive number")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise CatalogError(file, "fx: missing source")
    source_ja = raw.get("sourceJa", "")
    if not isinstance(source_ja, str):
        raise CatalogError(file, "fx: sourceJa must be text")
    when = _as_date(raw.get("date"))
    if when is None:
        raise CatalogError(file, "fx: date must be an ISO date (YYYY-MM-DD)")
    return float(rate), source.strip(), source_ja.strip(), when


def _entry(raw: Any, index: int, file: Path) -> Price:
    if not isinstance(raw, dict):
        raise CatalogError(file, "an entry must be a mapping", index=index)
    key, region = raw.get("key"), raw.get("region")

    def fail(problem: str) -> CatalogError:
        return CatalogError(
            file,
            problem,
            key=key if isinstance(key, str) else None,
            region=region if isinstance(region, str) else None,
            index=index,
        )

    if not isinstance(key, str) or not key.strip():
        raise fail("missing key")
    if not isinstance(region, str) or not region.strip():
        raise fail("missing region")
    unknown = [k for k in raw if k not in _ENTRY_FIELDS]
    if unknown:
        raise fail(f"unknown field {unknown[0]!r}")
    for name in _REQUIRED[2:]:
        value = raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise fail(f"missing {name}")
    unit, source = raw["unit"], raw["source"]
    if not isinstance(unit, str):
        raise fail("unit must be a string")
    if not isinstance(source, str):
        raise fail("source must be a string")
    checked = _as_date(raw["checked"])
    if checked is None:
        raise fail("checked must be an ISO date (YYYY-MM-DD)")
    note = raw.get("note")
    if note is not None and (not isinstance(note, str) or not note.strip()):
        raise fail("note must be non-empty text")
    usd = raw["usd"]
    if not _is_number(usd):
        raise fail(f"usd must be a number, not {usd!r}")
    if usd < 0:
        raise fail(f"usd must not be negative ({usd})")
    if usd == 0 and note is None:
        raise fail("usd is 0: a free item needs a note saying why")
    tiers = _tiers(raw.get("tiers"), float(usd), fail)
    return Price(
        key=key.strip(),
        region=region.strip(),
        unit=unit.strip(),
        usd=float(usd),
        source=source.strip(),
        checked=checked,
        tiers=tiers,
        note=note.strip() if isinstance(note, str) else None,
    )


def _tiers(raw: Any, usd: float, fail: Any) -> tuple[Tier, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise fail("tiers must be a non-empty list")
    tiers: list[Tier] = []
    previous = 0.0
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise fail(f"tier {number} must be a mapping with upTo and usd")
        unknown = [k for k in item if k not in _TIER_FIELDS]
        if unknown:
            raise fail(f"tier {number}: unknown field {unknown[0]!r}")
        if "upTo" not in item:
            raise fail(f"tier {number}: missing upTo (null for the last tier)")
        price = item.get("usd")
        if not _is_number(price) or price < 0:
            raise fail(f"tier {number}: usd must be a number >= 0")
        up_to = item["upTo"]
        last = number == len(raw)
        if up_to is None:
            if not last:
                raise fail(f"tier {number}: only the last tier may have upTo null")
        else:
            if not _is_number(up_to):
                raise fail(f"tier {number}: upTo must be a number or null")
            if up_to <= previous:
                raise fail(f"tiers not ascending: tier {number} upTo {up_to} <= {previous:g}")
            if last:
                raise fail(f"tier {number}: the last tier must have upTo null")
            previous = float(up_to)
        tiers.append(Tier(None if up_to is None else float(up_to), float(price)))
    if not any(math.isclose(t.usd, usd, rel_tol=1e-9, abs_tol=0.0) for t in tiers):
        raise fail(f"usd {usd:g} is not one of the tier prices")
    return tuple(tiers)
