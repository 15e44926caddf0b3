"""``gcmod audit`` against Cloud Custodian on the same moto estate, same machine, same run.

Usage: python benchmarks/bench_audit_c7n.py [--municipalities 40] [--rounds 3]
           [--custodian /tmp/c7n-venv/bin/custodian] [--json [PATH]]

Cloud Custodian is never a gcmod dependency: install it in a separate
environment first (``python3 -m venv /tmp/c7n-venv && /tmp/c7n-venv/bin/pip
install c7n==0.9.53``) and pass its ``custodian`` with ``--custodian``.

What it does:

1. starts ``moto_server`` on 127.0.0.1 (a free port; :class:`bench_audit.MotoServer`)
   and seeds the demo estate with ``--municipalities`` lift-and-shift
   municipalities (:func:`gcmod.audit.demo.seed_demo`) plus the modern
   environment, in Tokyo and Osaka;
2. runs, alternately for ``--rounds`` rounds, the two tools as child processes
   with ``AWS_ENDPOINT_URL`` set to the server and fake credentials:

   * ``gcmod audit --json`` through the CLI (:func:`gcmod.cli.main`), in a
     child that records its own CPU seconds at its first AWS API call (the
     start-up: interpreter, imports, configuration);
   * ``custodian run`` with :data:`C7N_POLICIES` (the checks of gcmod's audit
     that Cloud Custodian can make: previous-generation EC2 and RDS, gp2 and
     unattached volumes, IMDSv1, low CPU, instances stopped for months, log
     groups without or with too long a retention, NAT gateways and idle ones,
     ALBs without requests or with HTTP listeners, world-open security groups,
     Multi-AZ and unencrypted RDS, buckets without lifecycle, unassociated Elastic
     IPs, old snapshots, customer KMS keys without rotation, x86 and large Lambda
     functions, provisioned DynamoDB tables, versioned buckets, bucket policies open
     to other accounts, long Performance Insights retention; gcmod checks more:
     backup, ECS, scheduler, Auto Scaling, Aurora, VPC endpoints, Lambda log groups,
     tags) over both regions,
     cache off. Both tools ask for the account's own snapshots by ``owner-id`` as
     well as ``OwnerIds=self``: moto ignores the latter and would otherwise send
     its whole public AMI catalogue's snapshots (1,347 a region) to either;

3. reports per tool the median wall seconds, the tool's CPU seconds (user +
   system of the child) and the CPU seconds the moto_server spent answering it,
   and the ratios c7n / gcmod; plus gcmod's exit code, gaps and API calls
   (per page and per parent, from ``--json``).

Loopback only: the server binds 127.0.0.1 and both tools get its URL.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_audit import FAKE_ENV, HOME, MotoServer
from benchlib import emit_json

from gcmod.reference import DR_REGION

#: Cloud Custodian policies for the checks both tools make (c7n 0.9.53 schema).
C7N_POLICIES = """
policies:
  - name: ec2-previous-generation
    resource: aws.ec2
    filters:
      - type: value
        key: InstanceType
        op: regex
        value: "^(a1|c1|c3|c4|m1|m2|m3|m4|r3|r4|t1|t2|i2|d2)\\\\..*"
  - name: ec2-imdsv1
    resource: aws.ec2
    filters:
      - MetadataOptions.HttpTokens: optional
  - name: ebs-gp2
    resource: aws.ebs
    filters:
      - VolumeType: gp2
  - name: ebs-unattached
    resource: aws.ebs
    filters:
      - State: available
  - name: log-group-no-retention
    resource: aws.log-group
    filters:
      - retentionInDays: absent
  - name: nat-gateways
    resource: aws.nat-gateway
  - name: rds-previous-generation
    resource: aws.rds
    filters:
      - type: value
        key: DBInstanceClass
        op: regex
        value: "^db\\\\.(t1|t2|m1|m2|m3|m4|r3|r4)\\\\..*"
  - name: rds-unencrypted
    resource: aws.rds
    filters:
      - StorageEncrypted: false
  - name: s3-no-lifecycle
    resource: aws.s3
    filters:
      - type: value
        key: Lifecycle.Rules
        value: absent
  - name: eip-unassociated
    resource: aws.network-addr
    filters:
      - AssociationId: absent
  - name: ec2-low-cpu
    resource: aws.ec2
    filters:
      - State.Name: running
      - type: metrics
        name: CPUUtilization
        statistics: Average
        days: 14
        value: 20
        op: less-than
  - name: ec2-stopped-with-volumes
    resource: aws.ec2
    filters:
      - State.Name: stopped
      - type: state-age
        days: 60
        op: ge
  - name: nat-gateway-idle
    resource: aws.nat-gateway
    filters:
      - type: metrics
        name: BytesOutToDestination
        statistics: Sum
        days: 14
        value: 0
        op: eq
        missing-value: 0
  - name: alb-no-requests
    resource: aws.app-elb
    filters:
      - type: metrics
        name: RequestCount
        statistics: Sum
        days: 14
        value: 0
        op: eq
        missing-value: 0
  - name: alb-http-listener
    resource: aws.app-elb
    filters:
      - type: listener
        key: Protocol
        value: HTTP
  - name: sg-world-ingress
    resource: aws.security-group
    filters:
      - type: ingress
        Cidr:
          value: 0.0.0.0/0
  - name: rds-multi-az
    resource: aws.rds
    filters:
      - MultiAZ: true
  - name: log-group-long-retention
    resource: aws.log-group
    filters:
      - type: value
        key: retentionInDays
        value: 731
        op: greater-than
  - name: snapshot-old
    resource: aws.ebs-snapshot
    query:
      - owner-id: "123456789012"
    filters:
      - type: age
        days: 400
        op: ge
      - type: skip-ami-snapshots
        value: true
  - name: kms-key-no-rotation
    resource: aws.kms-key
    filters:
      - KeyManager: CUSTOMER
      - type: key-rotation-status
        key: KeyRotationEnabled
        value: false
  - name: lambda-x86
    resource: aws.lambda
    filters:
      - type: value
        key: "Architectures[0]"
        value: x86_64
  - name: lambda-large-memory
    resource: aws.lambda
    filters:
      - type: value
        key: MemorySize
        op: greater-than
        value: 1024
  - name: dynamodb-provisioned
    resource: aws.dynamodb-table
    filters:
      - BillingModeSummary.BillingMode: PROVISIONED
  - name: s3-versioned
    resource: aws.s3
    filters:
      - Versioning.Status: Enabled
  - name: s3-public-policy
    resource: aws.s3
    filters:
      - type: cross-account
  - name: rds-performance-insights-long-retention
    resource: aws.rds
    filters:
      - type: value
        key: PerformanceInsightsRetentionPeriod
        op: greater-than
        value: 7
"""

#: The child that runs the gcmod CLI and notes its CPU at the first API call.
GCMOD_CHILD = r"""
import json, os, sys, time
import botocore.client
_first = []
_orig = botocore.client.BaseClient._make_api_call
def _hook(self, *a, **k):
    if not _first:
        _first.append(time.process_time())
    return _orig(self, *a, **k)
botocore.client.BaseClient._make_api_call = _hook
from gcmod.cli import main
try:
    main(["audit", "--json"], prog_name="gcmod")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(os.environ["BENCH_METRICS"], "w") as f:
    json.dump({"startup_cpu_s": _first[0] if _first else None, "exit": code}, f)
"""


def _children_cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(FAKE_ENV)
    env["AWS_ENDPOINT_URL"] = url
    return env


def run_gcmod(server: MotoServer) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        metrics, out = Path(tmp, "metrics.json"), Path(tmp, "audit.json")
        env = _env(server.url) | {"BENCH_METRICS": str(metrics)}
        cpu0, scpu0, t0 = _children_cpu(), server.cpu_s(), time.perf_counter()
        with out.open("w") as stdout:
            subprocess.run([sys.executable, "-c", GCMOD_CHILD], env=env, stdout=stdout, check=False)
        wall = time.perf_counter() - t0
        cpu, scpu = _children_cpu() - cpu0, server.cpu_s() - scpu0
        m = json.loads(metrics.read_text())
        report = json.loads(out.read_text())
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "server_cpu_s": scpu,
        "startup_cpu_s": m["startup_cpu_s"],
        "exit": m["exit"],
        "complete": report["complete"],
        "gaps": [f"{g['region']} {g['collector']}: {g['kind']}" for g in report["gaps"]],
        "mandatory": report["mandatoryFindings"],
        "findings": len(report["findings"]),
        "resources": sum(sum(a["resources"].values()) for a in report["accounts"]),
        "calls": report["apiCalls"]["total"],
        "calls_per_page": report["apiCalls"]["perPage"],
        "calls_per_parent": report["apiCalls"]["perParent"],
    }


def run_c7n(server: MotoServer, custodian: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        policy = Path(tmp, "policy.yml")
        policy.write_text(C7N_POLICIES)
        cmd = [custodian, "run", "-s", str(Path(tmp, "out")), "--cache-period", "0"]
        cmd += ["--region", HOME, "--region", DR_REGION, str(policy)]
        cpu0, scpu0, t0 = _children_cpu(), server.cpu_s(), time.perf_counter()
        proc = subprocess.run(cmd, env=_env(server.url), capture_output=True, text=True)
        wall = time.perf_counter() - t0
        cpu, scpu = _children_cpu() - cpu0, server.cpu_s() - scpu0
        matched = 0
        for res in Path(tmp, "out").rglob("resources.json"):
            matched += len(json.loads(res.read_text()))
        errors = [ln for ln in proc.stderr.splitlines() if "ERROR" in ln or "Traceback" in ln]
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "server_cpu_s": scpu,
        "exit": proc.returncode,
        "matched": matched,
        "errors": errors[:5],
    }


def _median(rows: list[dict[str, Any]], key: str) -> float:
    return round(statistics.median(r[key] for r in rows), 2)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--municipalities", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--custodian", default="/tmp/c7n-venv/bin/custodian")
    ap.add_argument("--json", nargs="?", const="-", default=None)
    args = ap.parse_args(argv)
    if not Path(args.custodian).exists():
        sys.exit(f"{args.custodian} not found: install c7n in its own venv (see the module doc)")
    from gcmod.audit.demo import municipality_names, seed_demo

    gcmod_rows, c7n_rows = [], []
    with MotoServer() as server:
        t0 = time.perf_counter()
        seed_demo(server.url, HOME, municipality_names(args.municipalities))
        seed_s = time.perf_counter() - t0
        for i in range(args.rounds):  # alternate, so both meet the same machine load
            order = (run_gcmod, run_c7n) if i % 2 == 0 else (run_c7n, run_gcmod)
            for fn in order:
                if fn is run_gcmod:
                    gcmod_rows.append(run_gcmod(server))
                else:
                    c7n_rows.append(run_c7n(server, args.custodian))
                print(f"round {i + 1}: {fn.__name__} done", file=sys.stderr)
    summary = {
        key: {"gcmod": _median(gcmod_rows, key), "c7n": _median(c7n_rows, key)}
        for key in ("wall_s", "cpu_s", "server_cpu_s")
    }
    for v in summary.values():
        v["ratio"] = round(v["c7n"] / v["gcmod"], 2) if v["gcmod"] else None
    report = {
        "municipalities": args.municipalities,
        "rounds": args.rounds,
        "seed_s": round(seed_s, 1),
        "cpus": os.cpu_count(),
        "loadavg_at_end": os.getloadavg(),
        "median": summary,
        "gcmod_startup_cpu_s": _median(gcmod_rows, "startup_cpu_s"),
        "gcmod": gcmod_rows,
        "c7n": c7n_rows,
    }
    emit_json(report, args.json)
    return report


if __name__ == "__main__":
    r = main()
    print(json.dumps({k: r[k] for k in ("median", "gcmod_startup_cpu_s", "seed_s")}, indent=1))
