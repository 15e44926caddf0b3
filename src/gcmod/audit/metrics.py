"""Observed utilisation of deployed instances, from CloudWatch (read-only).

:func:`collect_utilisation` asks CloudWatch ``GetMetricData`` for each
instance's ``AWS/EC2 CPUUtilization`` over the last ``days`` days, as hourly
averages: ONE query per instance, up to :data:`MAX_QUERIES` (500, the API's
limit) queries per call, each call followed through its ``NextToken`` pages. So
1,200 instances cost 3 calls (plus a page more wherever CloudWatch splits a
large answer), never one call per instance.

Per instance it returns ``{"cpuAverage": mean of the hourly averages,
"cpuMax": the highest hourly average, "days": days, "datapoints": n}``;
instances with no datapoints (stopped, new, or metrics not published) are left
out. The peak *hourly average* is what a sizing decision can rely on: a
one-minute spike does not justify a larger instance.

IAM: ``cloudwatch:GetMetricData``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

#: Most MetricDataQueries one GetMetricData call accepts (CloudWatch API Reference).
MAX_QUERIES = 500
#: Seconds per datapoint: hourly averages.
PERIOD = 3600
IAM_ACTIONS: tuple[str, ...] = ("cloudwatch:GetMetricData",)


def _batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _query(qid: str, instance_id: str) -> dict[str, Any]:
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/EC2",
                "MetricName": "CPUUtilization",
                "Dimensions": [{"Name": "InstanceId", "Value": instance_id}],
            },
            "Period": PERIOD,
            "Stat": "Average",
        },
        "ReturnData": True,
    }


def collect_utilisation(
    ctx: Any,
    instance_ids: Iterable[str],
    days: int = 14,
    now: datetime | None = None,
) -> dict[str, dict[str, float]]:
    """``{instance_id: {"cpuAverage", "cpuMax", "days", "datapoints"}}`` for the
    instances CloudWatch has CPU data for, from batched GetMetricData calls
    (``ctx.client("cloudwatch")`` in the context's account and region)."""
    ids = list(dict.fromkeys(i for i in instance_ids if i))
    if not ids:
        return {}
    end = (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=days)
    client = ctx.client("cloudwatch")
    values: dict[str, list[float]] = {}
    for batch in _batches(ids, MAX_QUERIES):
        by_qid = {f"q{n}": iid for n, iid in enumerate(batch)}
        kwargs: dict[str, Any] = {
            "MetricDataQueries": [_query(q, iid) for q, iid in by_qid.items()],
            "StartTime": start,
            "EndTime": end,
            "ScanBy": "TimestampAscending",
        }
        while True:
            resp = client.get_metric_data(**kwargs)
            for result in resp.get("MetricDataResults", []):
                iid = by_qid.get(result.get("Id", ""))
                if iid is not None and result.get("Values"):
                    values.setdefault(iid, []).extend(float(v) for v in result["Values"])
            token = resp.get("NextToken")
            if not token:
                break
            kwargs["NextToken"] = token
    return {
        iid: {
            "cpuAverage": round(sum(v) / len(v), 2),
            "cpuMax": round(max(v), 2),
            "days": days,
            "datapoints": len(v),
        }
        for iid, v in values.items()
        if v
    }


def metric_sums(
    ctx: Any,
    namespace: str,
    metric: str,
    dimension: str,
    ids: Iterable[str],
    days: int = 14,
    now: datetime | None = None,
) -> dict[str, float]:
    """``{id: sum of metric over the last days days}`` for every id asked, from
    batched GetMetricData calls (daily sums, 500 queries per call). An id with no
    datapoint sums to 0: CloudWatch publishes ``RequestCount`` and the NAT
    gateway byte counts only for periods with traffic, so silence is no traffic
    (Cloud Custodian's ``metrics`` filter reads it the same way, ``missing-value: 0``)."""
    wanted = list(dict.fromkeys(i for i in ids if i))
    if not wanted:
        return {}
    end = (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=days)
    client = ctx.client("cloudwatch")
    sums = dict.fromkeys(wanted, 0.0)
    for batch in _batches(wanted, MAX_QUERIES):
        by_qid = {f"q{n}": ident for n, ident in enumerate(batch)}
        queries = [
            {
                "Id": q,
                "MetricStat": {
                    "Metric": {
                        "Namespace": namespace,
                        "MetricName": metric,
                        "Dimensions": [{"Name": dimension, "Value": ident}],
                    },
                    "Period": 86400,
                    "Stat": "Sum",
                },
                "ReturnData": True,
            }
            for q, ident in by_qid.items()
        ]
        kwargs: dict[str, Any] = {
            "MetricDataQueries": queries,
            "StartTime": start,
            "EndTime": end,
        }
        while True:
            resp = client.get_metric_data(**kwargs)
            for result in resp.get("MetricDataResults", []):
                ident = by_qid.get(result.get("Id", ""))
                if ident is not None:
                    sums[ident] += float(sum(result.get("Values") or ()))
            token = resp.get("NextToken")
            if not token:
                break
            kwargs["NextToken"] = token
    return sums


def age_days(created: Any, now: datetime | None = None) -> float | None:
    """Days since ``created`` (a datetime from boto3), or None."""
    if not isinstance(created, datetime):
        return None
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return ((now or datetime.now(UTC)) - created).total_seconds() / 86400
