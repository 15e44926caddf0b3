"""API calls, wall time and peak memory of ``run_audit`` against a moto_server.

Usage: python benchmarks/bench_audit.py [--sizes 1000,10000] [--json] [--log-share 0.2]

Per size N a fresh ``moto_server`` is started on 127.0.0.1 (a free port) and
seeded in the home region with N resources: unattached EBS volumes (collected
by paged ``DescribeVolumes``) and CloudWatch log groups (``--log-share`` of N;
paged ``DescribeLogGroups``, 50 per page, with their tags from the Resource
Groups Tagging API's paged ``GetResources``, 100 per page). The audit then
runs with the full collector set over the default regions. A size-0 run gives
the baseline (one empty page per operation).

"Calls grow with pages, not resources" holds when, for every operation,
``calls(N) - calls(0)`` equals the extra pages ``ceil(n / page) - 1`` of the
paged operations plus the documented per-resource calls, and nothing else.

Page sizes are the server's defaults (the collectors pass no page size): moto
answers ``DescribeVolumes`` in one page however many volumes exist (as AWS does
when ``MaxResults`` is omitted), ``DescribeLogGroups`` 50 per page (the AWS
default too).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import socket
import subprocess
import sys
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HOME = "ap-northeast-1"
LOOPBACK = "127.0.0.1"
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": HOME,
    "AWS_EC2_METADATA_DISABLED": "true",
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}
os.environ.update(FAKE_ENV)
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_SESSION_TOKEN", None)

import boto3  # noqa: E402  (after the fake credentials are in the environment)

from gcmod.audit.collect import all_collectors  # noqa: E402
from gcmod.audit.runner import run_audit  # noqa: E402
from gcmod.audit.scope import DEFAULT_REGIONS, single_account_scope  # noqa: E402

#: Server page size of the bulk operations (None: one page whatever the count).
PAGE_SIZE: dict[str, int | None] = {"ec2.DescribeVolumes": None, "logs.DescribeLogGroups": 50}
#: Calls made once per resource of the bulk kinds (collector, operation).
PER_RESOURCE: dict[str, str] = {}
#: Tag listings paged by the Resource Groups Tagging API (100 per page); each full
#: page returns a continuation token, so N tagged resources add N // 100 calls.
TAG_PAGE = 100
SEED_THREADS = 8


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


class MotoServer:
    """``moto_server -H 127.0.0.1 -p PORT`` as a subprocess; terminated on exit."""

    def __enter__(self) -> str:
        port = _free_port()
        # moto_server with gcmod's additions (AWS Backup region settings).
        cmd = [sys.executable, "-m", "gcmod.audit.motoext", "-H", LOOPBACK, "-p", str(port)]
        # The server runs this checkout's gcmod whatever PYTHONPATH says: only the
        # audit under test may differ (bench_audit_parents.py measures an older one).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self.proc.returncode}")
            try:
                with socket.create_connection((LOOPBACK, port), timeout=0.5):
                    return f"http://{LOOPBACK}:{port}"
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("moto_server did not start")

    def __exit__(self, *_: Any) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _session() -> Any:
    return boto3.Session(
        region_name=HOME, aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def seed(url: str, volumes: int, log_groups: int) -> float:
    """Create the bulk resources in the home region; seconds taken."""
    session = _session()
    ec2 = session.client("ec2", region_name=HOME, endpoint_url=url)
    logs = session.client("logs", region_name=HOME, endpoint_url=url)

    def volume(i: int) -> None:
        ec2.create_volume(
            AvailabilityZone=f"{HOME}a",
            Size=10,
            VolumeType="gp3",
            TagSpecifications=[
                {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": f"bench-vol-{i}"}]}
            ],
        )

    def log_group(i: int) -> None:
        logs.create_log_group(logGroupName=f"/bench/{i:06d}", tags={"Environment": "production"})

    t0 = time.perf_counter()
    with ThreadPoolExecutor(SEED_THREADS) as pool:
        list(pool.map(volume, range(volumes)))
        list(pool.map(log_group, range(log_groups)))
    return time.perf_counter() - t0


def audit(url: str) -> dict[str, Any]:
    scope = single_account_scope(_session(), endpoint_url=url)
    tracemalloc.start()
    t0 = time.perf_counter()
    result = run_audit(scope, endpoint_url=url)
    wall = time.perf_counter() - t0
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    counts = result.resource_counts.get(scope.accounts[0].account_id, {})
    return {
        "wall_s": round(wall, 2),
        "tracemalloc_peak_mib": round(peak / 2**20, 1),
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "resources_collected": sum(counts.values()),
        "resources_by_type": counts,
        "calls_total": result.calls.total,
        "calls": dict(sorted(result.calls.calls.items())),
        "gaps": [f"{g.region} {g.collector}: {g.kind}" for g in result.gaps],
        "findings": len(result.findings),
    }


def run_size(n: int, log_share: float) -> dict[str, Any]:
    n_logs = round(n * log_share)
    n_vols = n - n_logs
    with MotoServer() as url:
        seed_s = seed(url, n_vols, n_logs)
        row = {"n": n, "volumes": n_vols, "log_groups": n_logs, "seed_s": round(seed_s, 1)}
        row.update(audit(url))
    return row


def pages(n: int, size: int | None) -> int:
    return 1 if not size else max(1, math.ceil(n / size))


def analyse(row: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """Expected vs measured growth over the size-0 baseline, per operation."""
    seeded = {"ec2.DescribeVolumes": row["volumes"], "logs.DescribeLogGroups": row["log_groups"]}
    expected_extra: dict[str, int] = {}
    page_table = {}
    for op, size in PAGE_SIZE.items():
        p = pages(seeded[op], size)
        # DescribeVolumes runs twice per region (ec2.instances + ec2.volumes); the
        # bulk sits in the home region only, so each home-region call site pages.
        sites = base["calls"].get(op, 0) // len(DEFAULT_REGIONS)
        expected_extra[op] = (p - 1) * sites
        page_table[op] = {
            "page_size": size or "server: all in one",
            "pages_expected": p,
            "call_sites_per_region": sites,
            "calls_baseline": base["calls"].get(op, 0),
            "calls": row["calls"].get(op, 0),
        }
    expected_extra["resourcegroupstaggingapi.GetResources"] = row["log_groups"] // TAG_PAGE
    ops = set(row["calls"]) | set(base["calls"])
    growth = {op: row["calls"].get(op, 0) - base["calls"].get(op, 0) for op in ops}
    unexplained = {
        op: g for op, g in sorted(growth.items()) if g != expected_extra.get(op, 0) and g
    }
    paged_growth = sum(growth.get(op, 0) for op in PAGE_SIZE)
    per_resource_growth = sum(growth.get(op, 0) for op in PER_RESOURCE)
    return {
        "pages": page_table,
        "calls_growth_paged_ops": paged_growth,
        "calls_growth_per_resource_ops": per_resource_growth,
        "calls_without_per_resource": row["calls_total"] - per_resource_growth,
        "unexplained_growth": unexplained,
        "pages_not_resources": not unexplained
        and paged_growth == sum(expected_extra[op] for op in PAGE_SIZE),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated resource counts")
    ap.add_argument("--log-share", type=float, default=0.2, help="share of N as log groups")
    ap.add_argument("--json", metavar="PATH", nargs="?", const="-", help="write JSON (- = stdout)")
    opts = ap.parse_args()
    sizes = [int(s) for s in opts.sizes.split(",") if s.strip()]
    all_collectors()  # import cost outside the timings
    base = run_size(0, opts.log_share)
    rows = []
    for n in sizes:
        row = run_size(n, opts.log_share)
        row["analysis"] = analyse(row, base)
        rows.append(row)
        a = row["analysis"]
        print(
            f"N={n:>6} (volumes {row['volumes']}, log groups {row['log_groups']}): "
            f"seed {row['seed_s']}s; audit {row['wall_s']}s, "
            f"{row['resources_collected']} resources, {row['calls_total']} calls; "
            f"tracemalloc peak {row['tracemalloc_peak_mib']} MiB, "
            f"max RSS {row['max_rss_mib']} MiB; gaps {len(row['gaps'])}",
            file=sys.stderr,
        )
        for op, p in a["pages"].items():
            print(f"    {op}: {p}", file=sys.stderr)
        print(
            f"    pages-not-resources (paged ops): {a['pages_not_resources']}; "
            f"unexplained growth: {a['unexplained_growth'] or 'none'}",
            file=sys.stderr,
        )
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": sys.version.split()[0],
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "baseline": base,
        # Calls the collectors declare as made once per parent resource (none of
        # them is in this benchmark's mix; see bench_audit_parents.py).
        "per_parent_calls": {
            c.name: sorted(c.per_parent) for c in all_collectors() if c.per_parent
        },
        "results": rows,
    }
    if opts.json:
        text = json.dumps(report, indent=2, ensure_ascii=False)
        if opts.json == "-":
            print(text)
        else:
            Path(opts.json).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
