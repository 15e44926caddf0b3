"""The price catalogue: the packaged file, validation messages, tiered arithmetic."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gcmod.pricing import Catalog, CatalogError, MissingPriceError, Price, Tier, packaged_path
from gcmod.pricing.refresh import EC2_TYPES, RDS_CLASSES  # the types the refresh keeps priced
from gcmod.reference import GOV_REGIONS

REGIONS = GOV_REGIONS
#: Every key the cost model may ask for (the issue's list), in both regions.
REQUIRED_KEYS = (
    "fargate.vcpu-hour.arm64",
    "fargate.gb-hour.arm64",
    "fargate.vcpu-hour.x86_64",
    "fargate.gb-hour.x86_64",
    *(f"ec2.instance-hour.{t}" for t in EC2_TYPES),
    *(f"rds.instance-hour.postgres.{c}" for c in RDS_CLASSES),
    *(f"rds.instance-hour.postgres-multiaz.{c}" for c in RDS_CLASSES),
    "aurora.acu-hour",
    "aurora.storage.gb-month",
    "aurora.io.million-requests",
    "aurora.backup.gb-month",
    "rds.storage.gp2.gb-month",
    "rds.storage.gp3.gb-month",
    "rds.storage.gp2-multiaz.gb-month",
    "rds.storage.gp3-multiaz.gb-month",
    "rds.snapshot.gb-month",
    "ebs.gp2.gb-month",
    "ebs.gp3.gb-month",
    "ebs.io1.gb-month",
    "ebs.snapshot.gb-month",
    "s3.standard.gb-month",
    "s3.standard-ia.gb-month",
    "s3.glacier-ir.gb-month",
    "s3.deep-archive.gb-month",
    "s3.put.thousand-requests",
    "logs.ingest.gb",
    "logs.ingest-ia.gb",
    "logs.storage.gb-month",
    "backup.warm.gb-month",
    "backup.cold.gb-month",
    "backup.cross-region-transfer.gb",
    "natgateway.hour",
    "natgateway.gb",
    "vpce.interface.hour",
    "vpce.gb",
    "alb.hour",
    "alb.lcu-hour",
    "publicipv4.hour",
    "secretsmanager.secret-month",
    "secretsmanager.10k-api-calls",
    "kms.key-month",
    "kms.10k-requests",
    "scheduler.million-invocations",
    "cloudwatch.alarm-month",
    "cloudwatch.custom-metric-month",
    "firehose.gb",
    "sqs.million-requests",
    "ssm.standard-parameter-month",
)


# ---------------------------------------------------------------------------
# the packaged catalogue
# ---------------------------------------------------------------------------
def test_packaged_catalogue_loads(catalog: Catalog) -> None:
    assert catalog.path == packaged_path()
    assert catalog.path.name == "prices.yaml"
    assert catalog.currency == "USD"
    assert len(catalog) >= 2 * len(REQUIRED_KEYS)
    assert catalog.regions() == set(REGIONS)
    # a documented public reference rate, not a guess
    assert 100 < catalog.jpy_per_usd < 200
    assert "報告省令レート" in catalog.fx_source
    assert isinstance(catalog.fx_date, date)


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("key", REQUIRED_KEYS)
def test_every_required_key_is_priced_in_both_regions(
    catalog: Catalog, key: str, region: str
) -> None:
    price = catalog.get(key, region)
    assert price.key == key and price.region == region
    assert price.usd >= 0


def test_every_entry_has_a_source_a_checked_date_and_a_unit(catalog: Catalog) -> None:
    for price in catalog:
        assert price.source.strip(), price
        assert isinstance(price.checked, date), price
        assert price.checked <= date(2026, 12, 31), price
        assert price.unit.strip(), price
        if price.usd == 0:
            assert price.note, price  # free items say why


def test_unverified_entries_are_marked_and_say_why(catalog: Catalog) -> None:
    unverified = catalog.unverified()
    assert unverified, "the catalogue is honest about what it could not confirm"
    for price in unverified:
        assert price.note is not None
        assert price.note.startswith("unverified: ") and len(price.note) > 20
    # what was read from a source is verified, in both regions
    assert catalog.get("ec2.instance-hour.m5.large", "ap-northeast-3").verified
    assert catalog.get("fargate.vcpu-hour.arm64", "ap-northeast-1").verified


def test_osaka_differs_where_the_source_says_so(catalog: Catalog) -> None:
    tokyo = catalog.get("ec2.instance-hour.t4g.medium", "ap-northeast-1")
    osaka = catalog.get("ec2.instance-hour.t4g.medium", "ap-northeast-3")
    assert (tokyo.usd, osaka.usd) == (0.0432, 0.0435)


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("klass", RDS_CLASSES)
def test_multi_az_is_twice_single_az(catalog: Catalog, klass: str, region: str) -> None:
    single = catalog.get(f"rds.instance-hour.postgres.{klass}", region).usd
    multi = catalog.get(f"rds.instance-hour.postgres-multiaz.{klass}", region).usd
    assert multi == pytest.approx(2 * single)


def test_s3_standard_is_tiered_at_50_and_500_tb(catalog: Catalog) -> None:
    price = catalog.get("s3.standard.gb-month", "ap-northeast-1")
    assert [t.up_to for t in price.tiers] == [51200, 512000, None]
    assert price.usd == price.tiers[0].usd
    # 60 TB: 50 TB at the first price, 10 TB at the second
    assert catalog.cost("s3.standard.gb-month", "ap-northeast-1", 61440) == pytest.approx(
        51200 * 0.025 + 10240 * 0.024
    )


def test_scheduler_free_tier_is_the_first_tier(catalog: Catalog) -> None:
    key = "scheduler.million-invocations"
    assert catalog.cost(key, "ap-northeast-1", 14) == 0
    assert catalog.cost(key, "ap-northeast-1", 20) == pytest.approx(6.0)


def test_lookups(catalog: Catalog) -> None:
    assert catalog.find("nope", "ap-northeast-1") is None
    assert "natgateway.hour" in catalog.keys()
    with pytest.raises(MissingPriceError) as err:
        catalog.get("ec2.instance-hour.x9.huge", "ap-northeast-1")
    assert err.value.key == "ec2.instance-hour.x9.huge"
    assert err.value.region == "ap-northeast-1"
    assert str(err.value) == "no price for ec2.instance-hour.x9.huge in ap-northeast-1"
    assert isinstance(err.value, Exception)
    with pytest.raises(MissingPriceError):
        catalog.get("natgateway.hour", "us-east-1")
    with pytest.raises(MissingPriceError):
        catalog.cost("natgateway.hour", "eu-west-1", 730)


def test_to_jpy(catalog: Catalog) -> None:
    assert catalog.to_jpy(2.0) == pytest.approx(2.0 * catalog.jpy_per_usd)


def test_stale_lists_entries_older_than_a_year(catalog: Catalog) -> None:
    old = catalog.stale(date(2026, 11, 27))
    assert all((date(2026, 11, 27) - p.checked).days > 365 for p in old)
    assert [p.key for p in old] == sorted(p.key for p in old)
    assert catalog.stale(date(2000, 1, 1)) == []
    everything = catalog.stale(date(2100, 1, 1))
    assert len(everything) == len(catalog)
    fresh = catalog.stale(date(2026, 11, 27), max_age_days=100_000)
    assert fresh == []


# ---------------------------------------------------------------------------
# arithmetic
# ---------------------------------------------------------------------------
def _price(usd: float, tiers: tuple[Tier, ...] = ()) -> Price:
    return Price("k", "r", "GB", usd, "test", date(2026, 1, 1), tiers)


amounts = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
prices = st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False)


@st.composite
def tier_lists(draw: st.DrawFn, decreasing: bool = False) -> tuple[Tier, ...]:
    bounds = sorted(
        draw(
            st.lists(
                st.floats(min_value=1, max_value=1e6, allow_nan=False),
                min_size=0,
                max_size=4,
                unique=True,
            )
        )
    )
    usd = draw(st.lists(prices, min_size=len(bounds) + 1, max_size=len(bounds) + 1))
    if decreasing:
        usd = sorted(usd, reverse=True)
    return tuple(Tier(b, p) for b, p in zip([*bounds, None], usd, strict=True))


@given(price=prices, q=amounts)
def test_untiered_cost_is_quantity_times_price(price: float, q: float) -> None:
    assert _price(price).cost(q) == pytest.approx(q * price)


@given(tiers=tier_lists(), a=amounts, b=amounts)
def test_cost_is_monotonic_in_quantity(tiers: tuple[Tier, ...], a: float, b: float) -> None:
    p = _price(tiers[0].usd, tiers)
    low, high = sorted((a, b))
    assert p.cost(low) <= p.cost(high) + 1e-9 * max(1.0, p.cost(high))


@given(tiers=tier_lists())
def test_tiers_sum_across_boundaries(tiers: tuple[Tier, ...]) -> None:
    p = _price(tiers[0].usd, tiers)
    lower, expected = 0.0, 0.0
    for tier in tiers:
        if tier.up_to is None:
            # 10 units into the open tier
            assert p.cost(lower + 10) == pytest.approx(expected + 10 * tier.usd)
            break
        expected += (tier.up_to - lower) * tier.usd
        assert p.cost(tier.up_to) == pytest.approx(expected)
        # halfway through the tier, only the part above the lower bound is at this price
        mid = (lower + tier.up_to) / 2
        assert p.cost(mid) == pytest.approx(expected - (tier.up_to - mid) * tier.usd)
        lower = tier.up_to


@given(tiers=tier_lists(decreasing=True), a=amounts, b=amounts)
def test_decreasing_tiers_are_subadditive(tiers: tuple[Tier, ...], a: float, b: float) -> None:
    p = _price(tiers[0].usd, tiers)
    assert p.cost(a + b) <= p.cost(a) + p.cost(b) + 1e-9 * max(1.0, p.cost(a + b))


@settings(max_examples=50)
@given(q=amounts)
def test_packaged_tiered_prices_are_monotonic(catalog: Catalog, q: float) -> None:
    # the packaged catalogue, loaded once per session (conftest), not once per example
    for price in catalog:
        if price.tiers:
            assert price.cost(q) <= price.cost(q + 1) + 1e-9


@pytest.mark.parametrize("bad", [-1, -0.001, math.nan])
def test_negative_or_nan_quantity_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="quantity must be >= 0"):
        _price(1.0).cost(bad)


# ---------------------------------------------------------------------------
# bad catalogue files
# ---------------------------------------------------------------------------
def _entry(**overrides: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "key": "s3.x",
        "region": "ap-northeast-1",
        "unit": "GB-month",
        "usd": 0.025,
        "source": "test",
        "checked": "2026-11-27",
    }
    for name, value in overrides.items():
        if value is _DROP:
            entry.pop(name)
        else:
            entry[name] = value
    return entry


_DROP = object()
_FX = {"jpyPerUsd": 157, "source": "test rate", "date": "2026-02-20"}


def _doc(*entries: dict[str, object], **top: object) -> dict[str, object]:
    doc: dict[str, object] = {"currency": "USD", "fx": dict(_FX), "prices": list(entries)}
    doc.update(top)
    return doc


TIERS_OK = [{"upTo": 100, "usd": 0.025}, {"upTo": None, "usd": 0.02}]
E = "prices[0] s3.x @ ap-northeast-1: "
BAD_FILES = [
    ("missing source", _doc(_entry(source=_DROP)), E + "missing source"),
    ("empty source", _doc(_entry(source="  ")), E + "missing source"),
    ("missing checked", _doc(_entry(checked=_DROP)), E + "missing checked"),
    (
        "bad checked",
        _doc(_entry(checked="last week")),
        E + "checked must be an ISO date (YYYY-MM-DD)",
    ),
    ("missing unit", _doc(_entry(unit=_DROP)), E + "missing unit"),
    ("missing usd", _doc(_entry(usd=_DROP)), E + "missing usd"),
    ("text usd", _doc(_entry(usd="0.025")), E + "usd must be a number, not '0.025'"),
    ("bool usd", _doc(_entry(usd=True)), E + "usd must be a number, not True"),
    ("negative usd", _doc(_entry(usd=-1)), E + "usd must not be negative (-1)"),
    (
        "free without note",
        _doc(_entry(usd=0)),
        E + "usd is 0: a free item needs a note saying why",
    ),
    ("unknown field", _doc(_entry(price=1)), E + "unknown field 'price'"),
    ("missing key", _doc(_entry(key=_DROP)), "prices[0]: missing key"),
    ("missing region", _doc(_entry(region=_DROP)), "prices[0] s3.x @ ?: missing region"),
    ("not a mapping", _doc("s3.x"), "prices[0]: an entry must be a mapping"),  # type: ignore[arg-type]
    (
        "duplicate",
        _doc(_entry(), _entry(usd=0.03)),
        "prices[1] s3.x @ ap-northeast-1: duplicate key and region",
    ),
    (
        "tiers not ascending",
        _doc(
            _entry(
                tiers=[
                    {"upTo": 100, "usd": 0.025},
                    {"upTo": 10, "usd": 0.02},
                    {"upTo": None, "usd": 0.01},
                ]
            )
        ),
        E + "tiers not ascending: tier 2 upTo 10 <= 100",
    ),
    (
        "open tier first",
        _doc(_entry(tiers=[{"upTo": None, "usd": 0.025}, {"upTo": 10, "usd": 0.02}])),
        E + "tier 1: only the last tier may have upTo null",
    ),
    (
        "last tier bounded",
        _doc(_entry(tiers=[{"upTo": 10, "usd": 0.025}, {"upTo": 20, "usd": 0.02}])),
        E + "tier 2: the last tier must have upTo null",
    ),
    (
        "usd not a tier price",
        _doc(_entry(usd=0.5, tiers=TIERS_OK)),
        E + "usd 0.5 is not one of the tier prices",
    ),
    (
        "tier without upTo",
        _doc(_entry(tiers=[{"usd": 0.025}])),
        E + "tier 1: missing upTo (null for the last tier)",
    ),
    ("empty tiers", _doc(_entry(tiers=[])), E + "tiers must be a non-empty list"),
    ("unknown top-level", _doc(_entry(), extra=1), "unknown top-level field 'extra'"),
    ("no prices", _doc(), "prices must be a non-empty list"),
    ("euro", _doc(_entry(), currency="EUR"), "currency must be USD, not 'EUR'"),
    (
        "zero rate",
        _doc(_entry(), fx={**_FX, "jpyPerUsd": 0}),
        "fx: jpyPerUsd must be a positive number",
    ),
    ("fx without source", _doc(_entry(), fx={**_FX, "source": ""}), "fx: missing source"),
    ("top level list", ["prices"], "the top level must be a mapping with currency, fx, prices"),
]


@pytest.mark.parametrize(
    ("doc", "message"),
    [(d, m) for _, d, m in BAD_FILES],
    ids=[name for name, _, _ in BAD_FILES],
)
def test_bad_catalogue_files(tmp_path: Path, doc: object, message: str) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        Catalog.load(path)
    assert str(err.value) == f"{path}: {message}"
    assert err.value.path == path


def test_bad_catalogue_error_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(_doc(_entry(), _entry(region="ap-northeast-3", usd="x"))))
    with pytest.raises(CatalogError) as err:
        Catalog.load(path)
    assert (err.value.key, err.value.region, err.value.index) == ("s3.x", "ap-northeast-3", 1)


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(CatalogError) as err:
        Catalog.load(missing)
    assert str(err.value) == f"{missing}: cannot read the file (No such file or directory)"
    broken = tmp_path / "broken.yaml"
    broken.write_text("currency: USD\nprices: [\n  - {key: a\n", encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        Catalog.load(broken)
    assert str(err.value).startswith(f"{broken}: not valid YAML at line ")


def test_a_valid_small_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    doc = _doc(
        _entry(tiers=TIERS_OK),
        _entry(key="ssm.free", usd=0, note="standard parameters are free"),
        _entry(key="old", checked="2020-01-01", note="unverified: guessed"),
    )
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    catalog = Catalog.load(path)
    assert catalog.keys() == {"s3.x", "ssm.free", "old"}
    assert catalog.cost("ssm.free", "ap-northeast-1", 1000) == 0
    assert catalog.cost("s3.x", "ap-northeast-1", 150) == pytest.approx(100 * 0.025 + 50 * 0.02)
    assert [p.key for p in catalog.stale(date(2026, 11, 27))] == ["old"]
    assert [p.key for p in catalog.unverified()] == ["old"]
    assert catalog.fx_date == date(2026, 2, 20)
