"""The arithmetic of a monthly estimate: pure functions, no prices, no I/O.

Conventions
-----------
* **A month is 730 hours.** AWS's own convention: the AWS Pricing Calculator
  FAQ ("How does the AWS Pricing Calculator calculate the monthly cost?") and
  the service pricing pages' examples price hourly resources at 730 hours a
  month (365 days × 24 hours ÷ 12 months). Every "24/7" figure here is 730
  hours, every GB-month is 730 GB-hours, and a day is 1/30.42 of a month.
* **Storage that accumulates** (logs, backups) is priced at what is *stored*
  on average in a month:

  - with a retention of *R* days, the steady state: data arrives at *X* GB a
    day and each byte stays *R* days, so *X·R* GB are stored at any time
    (:func:`retained_gb`);
  - **never expires** (the lift-and-shift default of a CloudWatch log group
    with no retention, or a backup rule without ``deleteAfter``): there is no
    steady state, storage grows for ever. The figure used is the **average
    stored over a five-year horizon** (:data:`HORIZON_MONTHS`) starting
    empty, *X·H/2* for a horizon of *H* days: what a five-year contract pays
    per month on average. It understates the later years (in year five the
    group holds about *X·H*), so the baseline is, if anything, too cheap.

  The two regimes are compared over the same five years; a bounded retention
  longer than half the horizon (2.5 years) stores more in steady state than
  the never-expiring average, because the average counts the growth years.
* **Backups**: an incremental chain of daily recovery points kept *R* days is
  one full copy plus *R − 1* incremental ones; full copies keep *R* full
  copies (:func:`backup_stored_gb`). Which one a service bills (EBS and RDS
  incremental, Aurora snapshots full beyond the automated-backup window,
  cross-region copies) is decided per service, each rule citing its AWS page,
  in :data:`gcmod.cost.pricers.backup.BACKUP_RULES`.
* Money stays unrounded inside the model; :func:`round_money` rounds for
  display (and for figures that must add up to the cent).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

#: Hours in AWS's billing month (365 × 24 / 12). Source: AWS Pricing Calculator
#: FAQ and the AWS pricing pages' examples, which price 24/7 use at 730 hours.
HOURS_PER_MONTH = 730.0
#: Days in a 730-hour month.
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
#: Horizon over which never-expiring storage is averaged: five years, the
#: period lift-and-shift estimates size storage for (the estimate checklist's
#: "capacity five years ahead") and a typical municipal contract term.
HORIZON_MONTHS = 60
#: The horizon in days (of 730-hour months).
HORIZON_DAYS = HORIZON_MONTHS * DAYS_PER_MONTH


def monthly_hours(scheduled: float | None) -> float:
    """Running hours in a month: ``None`` (nothing scheduled) is 24/7, 730 h;
    a scheduled figure is clipped to 0–730 (a 31-day month has 744 hours, but
    the model's month is AWS's 730-hour one)."""
    if scheduled is None:
        return HOURS_PER_MONTH
    if math.isnan(scheduled):
        raise ValueError("scheduled hours must be a number")
    return min(max(float(scheduled), 0.0), HOURS_PER_MONTH)


def hourly_cost(unit_price: float, hours: float, count: float = 1) -> float:
    """Cost of ``count`` resources billed per hour for ``hours`` hours."""
    return unit_price * hours * count


def gb_month(unit_price: float, gb: float, months: float = 1.0) -> float:
    """Cost of keeping ``gb`` GB stored for ``months`` months at a GB-month price."""
    return unit_price * gb * months


def per_day(gb_per_month: float) -> float:
    """A monthly volume as a daily one (730-hour months)."""
    return gb_per_month / DAYS_PER_MONTH


def retained_gb(
    gb_per_day: float, retention_days: float | None, horizon_days: float = HORIZON_DAYS
) -> float:
    """GB stored on average when ``gb_per_day`` arrive and each byte is kept
    ``retention_days`` (steady state *X·R*); ``None`` means never expires:
    the average over ``horizon_days`` starting empty, *X·H/2* (see the module
    docstring)."""
    if gb_per_day < 0:
        raise ValueError("gb_per_day must not be negative")
    if retention_days is None:
        return gb_per_day * horizon_days / 2
    if retention_days < 0:
        raise ValueError("retention_days must not be negative")
    return gb_per_day * retention_days


def never_expire_points(horizon_days: float = HORIZON_DAYS) -> float:
    """Average number of daily recovery points held over the horizon when none expire."""
    return horizon_days / 2


def backup_stored_gb(
    full_gb: float,
    daily_change: float,
    retention_days: float | None,
    *,
    incremental: bool = True,
    horizon_days: float = HORIZON_DAYS,
) -> float:
    """GB stored by daily backups of ``full_gb`` kept ``retention_days``.

    Incremental: one full copy plus ``retention_days − 1`` increments of
    ``daily_change × full_gb``. Full: ``retention_days`` full copies.
    ``None`` (never deleted) uses the average number of points over the
    horizon (:func:`never_expire_points`).
    """
    if full_gb < 0 or daily_change < 0:
        raise ValueError("sizes and change rates must not be negative")
    points = never_expire_points(horizon_days) if retention_days is None else retention_days
    if points <= 0:
        return 0.0
    if not incremental:
        return full_gb * points
    return full_gb + full_gb * daily_change * max(points - 1, 0.0)


def average_acu(min_acu: float, max_acu: float, utilisation: float) -> float:
    """Average Aurora Serverless v2 capacity: the minimum plus ``utilisation``
    (0–1) of the scaling range. Serverless v2 bills the capacity it holds each
    second, which sits at the minimum when idle and rises with load; the
    utilisation share is a usage assumption (see ``gcmod.cost.usage``)."""
    if not 0 <= utilisation <= 1:
        raise ValueError("utilisation must be between 0 and 1")
    if max_acu < min_acu:
        raise ValueError("max_acu must not be below min_acu")
    return min_acu + utilisation * (max_acu - min_acu)


def rotated_key_months(rotation_days: float | None, horizon_months: int = HORIZON_MONTHS) -> float:
    """Average billed key-months of one KMS key over the horizon.

    AWS KMS pricing page: each customer managed key costs one key-month; with
    automatic rotation each of the first two rotations adds one more key-month
    (the increase is capped at the second rotation). With yearly rotation over
    five years: (1 + 2 + 3 + 3 + 3) / 5 = 2.4. ``None``: no rotation, 1.
    """
    if rotation_days is None:
        return 1.0
    if rotation_days <= 0:
        raise ValueError("rotation_days must be positive")
    total = 0.0
    for month in range(horizon_months):
        rotations = math.floor((month * HOURS_PER_MONTH) / (24 * rotation_days))
        total += 1 + min(2, rotations)
    return total / horizon_months


def prorate(total: float, weights: list[float]) -> list[float]:
    """Split ``total`` in proportion to ``weights`` (equally if they sum to 0);
    the parts add up to ``total`` (the last takes the floating remainder)."""
    n = len(weights)
    if n == 0:
        return []
    s = math.fsum(weights)
    parts = [total / n] * n if s <= 0 else [total * w / s for w in weights]
    parts[-1] = total - math.fsum(parts[:-1])
    return parts


def round_money(usd: float, places: int = 2) -> float:
    """Round half up to ``places`` decimals (cents by default), as invoices do."""
    q = Decimal(1).scaleb(-places)
    return float(Decimal(repr(usd)).quantize(q, rounding=ROUND_HALF_UP))
