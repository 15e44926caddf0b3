"""Backup pricing follows each service's billing rule (pricers.backup.BACKUP_RULES)."""

from __future__ import annotations

import re

import pytest

from gcmod.cost.arithmetic import DAYS_PER_MONTH
from gcmod.cost.pricers import BACKUP_RULES, backup_charges


def _by_key(charges):
    out: dict[tuple[str, str], float] = {}
    for c in charges:
        out[(c.price_key, c.region)] = out.get((c.price_key, c.region), 0.0) + c.quantity
    return out


def test_every_rule_cites_a_page_and_a_date() -> None:
    for kind, rule in BACKUP_RULES.items():
        assert rule.points in ("full", "incremental"), kind
        assert rule.copies in ("full", "incremental"), kind
        if kind != "snapshot-script":
            assert "https://" in rule.source and re.search(r"\d{4}-\d{2}-\d{2}", rule.source), kind


def test_aurora_snapshots_are_full_beyond_the_automated_window() -> None:
    # 60 GB, 35 daily snapshots, 1-day automated backup: 34 full snapshots billed.
    q = _by_key(
        backup_charges("db", "t", "ap-northeast-1", kind="aurora", full_gb=60, daily_change=0.02,
                       retention_days=35, automated_days=1)
    )  # fmt: skip
    assert q[("aurora.backup.gb-month", "ap-northeast-1")] == pytest.approx(34 * 60)
    # A 7-day automated window hides seven of them.
    q7 = _by_key(
        backup_charges("db", "t", "ap-northeast-1", kind="aurora", full_gb=60, daily_change=0.02,
                       retention_days=35, automated_days=7)
    )  # fmt: skip
    assert q7[("aurora.backup.gb-month", "ap-northeast-1")] == pytest.approx(28 * 60)


def test_aurora_cross_region_copies_are_full_and_transferred_in_full() -> None:
    q = _by_key(
        backup_charges("db", "t", "ap-northeast-1", kind="aurora", full_gb=60, daily_change=0.02,
                       retention_days=35, copy_region="ap-northeast-3", copy_retention_days=14)
    )  # fmt: skip
    assert q[("backup.cross-region-transfer.gb", "ap-northeast-1")] == pytest.approx(
        60 * DAYS_PER_MONTH
    )
    assert q[("aurora.backup.gb-month", "ap-northeast-3")] == pytest.approx(14 * 60)


def test_rds_is_incremental_less_the_provisioned_storage() -> None:
    q = _by_key(
        backup_charges("db", "t", "r", kind="rds", full_gb=100, daily_change=0.02,
                       retention_days=35, allowance_gb=50)
    )  # fmt: skip
    stored = 100 + 100 * 0.02 * 34
    assert q[("rds.snapshot.gb-month", "r")] == pytest.approx(stored - 50)
    big = _by_key(
        backup_charges("db", "t", "r", kind="rds", full_gb=100, daily_change=0.02,
                       retention_days=35, allowance_gb=1000)
    )  # fmt: skip
    assert big.get(("rds.snapshot.gb-month", "r"), 0.0) == 0.0


def test_ebs_is_incremental_and_full_once_cold() -> None:
    q = _by_key(
        backup_charges("v", "t", "r", kind="ebs", full_gb=100, daily_change=0.01,
                       retention_days=120, cold_after_days=30)
    )  # fmt: skip
    assert q[("backup.warm.gb-month", "r")] == pytest.approx(100 + 100 * 0.01 * 29)
    assert q[("backup.cold.gb-month", "r")] == pytest.approx(90 * 100)


def test_ebs_copies_are_incremental() -> None:
    q = _by_key(
        backup_charges("v", "t", "r", kind="ebs", full_gb=100, daily_change=0.01,
                       retention_days=7, copy_region="d", copy_retention_days=7)
    )  # fmt: skip
    assert q[("backup.cross-region-transfer.gb", "r")] == pytest.approx(1 * DAYS_PER_MONTH)
    assert q[("backup.warm.gb-month", "d")] == pytest.approx(100 + 6)


def test_continuous_backup_is_the_automated_backup_less_the_volume() -> None:
    q = _by_key(
        backup_charges("db", "t", "r", kind="aurora", full_gb=60, daily_change=0.02,
                       retention_days=35, continuous=True)
    )  # fmt: skip
    assert q[("aurora.backup.gb-month", "r")] == pytest.approx(60 * 0.02 * 34)


def test_second_copy_action_adds_no_local_storage() -> None:
    only_copy = backup_charges("db", "t", "r", kind="aurora", full_gb=60, daily_change=0.02,
                               retention_days=35, copy_region="d", copy_retention_days=7,
                               include_local=False)  # fmt: skip
    assert {c.region for c in only_copy if c.price_key == "aurora.backup.gb-month"} == {"d"}
