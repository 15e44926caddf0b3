"""API calls of the collectors whose AWS APIs work per parent resource.

Usage: python benchmarks/bench_audit_parents.py [--sizes 10,100] [--json PATH|-]

Per size M a fresh moto_server (``python -m gcmod.audit.motoext``: moto plus AWS
Backup region settings) is started on 127.0.0.1 and seeded in the home region
with M tagged S3 buckets, M tagged backup plans, M tagged schedule groups, M ECS
services in one cluster sharing 2 task definitions and M/10 load balancers with
one listener each. The audit then runs, over both default regions, only the
collectors of those kinds (S3, Backup, Scheduler, ECS, ELBv2), and the calls are
counted per operation and split into per-page and declared per-parent calls
(:meth:`gcmod.audit.collect.CallCounter.split`).

The split needs the collectors' ``per_parent`` declarations; with an older gcmod
on ``PYTHONPATH`` (no declarations) only the per-operation counts are reported,
which is how the "before" column of docs/performance.md was measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from typing import Any

# Fake credentials, loopback moto server, boto3 session: the same as bench_audit.
from bench_audit import HOME, MotoServer, _session
from benchlib import emit_json

from gcmod.audit.collect import all_collectors
from gcmod.audit.runner import run_audit
from gcmod.audit.scope import single_account_scope

#: The collectors measured (present in every gcmod version since the audit).
KINDS = ("s3.", "backup.", "scheduler.schedule-groups", "ecs.", "elbv2.")
TAGS = {"gcmod:system": "bench", "gcmod:environment": "production", "gcmod:tenant": "shared"}


def seed(url: str, m: int) -> None:
    """M buckets, plans, schedule groups and ECS services; M/10 load balancers."""
    s = _session()

    def client(service: str) -> Any:
        return s.client(service, region_name=HOME, endpoint_url=url)

    tag_list = [{"Key": k, "Value": v} for k, v in TAGS.items()]
    s3 = client("s3")
    backup = client("backup")
    backup.create_backup_vault(BackupVaultName="bench-vault", BackupVaultTags=TAGS)
    scheduler = client("scheduler")
    for i in range(m):
        name = f"bench-bucket-{i:05d}"
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": HOME})
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list})
        backup.create_backup_plan(
            BackupPlan={
                "BackupPlanName": f"bench-plan-{i:05d}",
                "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "bench-vault",
                           "Lifecycle": {"DeleteAfterDays": 35}}],
            },
            BackupPlanTags=TAGS,
        )  # fmt: skip
        scheduler.create_schedule_group(Name=f"bench-group-{i:05d}", Tags=tag_list)
    ecs = client("ecs")
    ecs.create_cluster(clusterName="bench")
    defs = [
        ecs.register_task_definition(
            family=f"bench-{j}",
            containerDefinitions=[{"name": "app", "image": "app:1", "memory": 512}],
        )["taskDefinition"]["taskDefinitionArn"]
        for j in range(2)
    ]
    for i in range(m):
        ecs.create_service(cluster="bench", serviceName=f"svc-{i:05d}",
                           taskDefinition=defs[i % 2], desiredCount=1)  # fmt: skip
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{i}.0/24", AvailabilityZone=f"{HOME}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ac")
    ]
    elb = client("elbv2")
    for i in range(max(1, m // 10)):
        lb = elb.create_load_balancer(Name=f"bench-{i}", Subnets=subnets)["LoadBalancers"][0]
        elb.create_listener(
            LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
            DefaultActions=[{"Type": "fixed-response",
                             "FixedResponseConfig": {"StatusCode": "404"}}],
        )  # fmt: skip


def measure(m: int) -> dict[str, Any]:
    cols = [c for c in all_collectors() if c.name.startswith(KINDS)]
    with MotoServer() as url:
        t0 = time.perf_counter()
        seed(url, m)
        seed_s = time.perf_counter() - t0
        scope = single_account_scope(_session(), endpoint_url=url)
        t0 = time.perf_counter()
        result = run_audit(scope, collectors=cols, endpoint_url=url, catalog=False)
        wall = time.perf_counter() - t0
    row: dict[str, Any] = {
        "m": m,
        "seed_s": round(seed_s, 1),
        "wall_s": round(wall, 2),
        "collectors": [c.name for c in cols],
        "resources": result.resource_counts.get(scope.accounts[0].account_id, {}),
        "calls_total": result.calls.total,
        "calls": dict(sorted(result.calls.calls.items())),
        "gaps": [f"{g.region} {g.collector}: {g.kind}" for g in result.gaps],
    }
    if hasattr(result.calls, "split"):
        split = result.calls.split(cols)
        row["per_page"] = split["perPage"]
        row["per_parent"] = split["perParent"]
        row["per_parent_by_operation"] = {op: v["calls"] for op, v in split["parents"].items()}
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="10,100", help="comma-separated parent counts M")
    ap.add_argument("--json", metavar="PATH", nargs="?", const="-", help="write JSON (- = stdout)")
    opts = ap.parse_args()
    rows = []
    for m in (int(s) for s in opts.sizes.split(",") if s.strip()):
        row = measure(m)
        rows.append(row)
        extra = (
            f" ({row['per_page']} per page, {row['per_parent']} per parent)"
            if "per_page" in row
            else ""
        )
        print(f"M={m}: {row['calls_total']} calls{extra}; audit {row['wall_s']} s; "
              f"gaps {len(row['gaps'])}", file=sys.stderr)  # fmt: skip
        for op, n in row["calls"].items():
            print(f"    {op}: {n}", file=sys.stderr)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
        },
        "results": rows,
    }
    emit_json(report, opts.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
