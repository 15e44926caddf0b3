"""Time of the stack rules that link buckets and Elastic IPs to what configures them.

Usage: python benchmarks/bench_bucket_rules.py [--sizes 100,1000] [--json PATH|-]

Per size N a graph is built in memory with N buckets, each with a public access
block, a lifecycle configuration, a bucket policy (unknown before deployment)
and a versioning configuration, and N Elastic IPs each used by a NAT gateway
(7 N resources). Each rule then runs alone through the offline engine path
(``check_graph``), and the wall and CPU time of that run are reported, beside a
baseline rule that links nothing (GCM-LOG-001: the harness's own cost).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchlib import emit_json

from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode
from gcmod.policies.harness import check_graph
from gcmod.policies.model import get_rule

RULES = ("GCM-LOG-001", "GCM-SEC-020", "GCM-SEC-022", "GCM-STO-003", "GCM-STO-004", "GCM-NET-003")
ALL_ON = dict.fromkeys(
    ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True
)


def _node(type_: str, name: str, inputs: dict[str, Any], dep: ResourceNode | None = None):
    return ResourceNode(
        f"urn:pulumi:bench::bench::{type_}::{name}",
        type_,
        name,
        True,
        inputs,
        dependencies=(dep.urn,) if dep is not None else (),
        region="ap-northeast-1",
    )


def graph(n: int) -> ResourceGraph:
    nodes: list[ResourceNode] = []
    for i in range(n):
        b = _node("aws:s3/bucket:Bucket", f"logs-{i}", {"bucket": f"logs-{i}"})
        nodes += [
            b,
            _node("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", f"pab-{i}",
                  {"bucket": UNKNOWN, **ALL_ON}, b),
            _node("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", f"lc-{i}",
                  {"bucket": UNKNOWN, "rules": [{"id": "x", "status": "Enabled",
                                                 "expiration": {"days": 30}}]}, b),
            _node("aws:s3/bucketPolicy:BucketPolicy", f"pol-{i}",
                  {"bucket": UNKNOWN, "policy": UNKNOWN}, b),
            _node("aws:s3/bucketVersioning:BucketVersioning", f"ver-{i}",
                  {"bucket": UNKNOWN, "versioningConfiguration": {"status": "Enabled"}}, b),
        ]  # fmt: skip
        eip = _node("aws:ec2/eip:Eip", f"eip-{i}", {"domain": "vpc"})
        nodes += [eip, _node("aws:ec2/natGateway:NatGateway", f"nat-{i}",
                             {"allocationId": UNKNOWN}, eip)]  # fmt: skip
    return ResourceGraph("bench", "bench", "ap-northeast-1", tuple(nodes))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000")
    ap.add_argument("--json", dest="json_path")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for n in sizes:
        g = graph(n)
        for rule_id in RULES:
            wall, cpu = time.perf_counter(), time.process_time()
            report = check_graph(g, rules=[get_rule(rule_id)])
            rows.append(
                {
                    "buckets": n,
                    "resources": len(g.resources),
                    "rule": rule_id,
                    "wall_s": round(time.perf_counter() - wall, 2),
                    "cpu_s": round(time.process_time() - cpu, 2),
                    "violations": len(report.violations),
                }
            )
            r = rows[-1]
            print(f"{n:>6} buckets {r['resources']:>6} resources  {rule_id:<12} "
                  f"{r['wall_s']:>7.2f} s wall {r['cpu_s']:>7.2f} s CPU  "
                  f"{r['violations']} violation(s)")  # fmt: skip
    emit_json(
        {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "load": Path("/proc/loadavg").read_text().split()[:3]
            if Path("/proc/loadavg").exists()
            else None,
            "rows": rows,
        },
        args.json_path,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
