"""API calls, wall time and peak memory of ``run_audit`` against a moto_server.

Usage: python benchmarks/bench_audit.py [--sizes 1000,10000] [--accounts 1,10,100]
                                        [--per-account 5] [--json [PATH]] [--log-share 0.2]

Every figure comes from a fresh child process (this script with ``--job``), so
its max RSS is that run's alone; the moto_server is another process and is not
counted.

Accounts (``--accounts``): an AWS Organization in the moto_server with N
accounts in all (the management account and N - 1 members made with
``CreateAccount``); each member is seeded, as itself (``sts:AssumeRole`` into
``OrganizationAccountAccessRole``), with ``--per-account`` unattached volumes
and one tagged log group. The audit then discovers the accounts
(``organizations:ListAccounts``), assumes the role into each member and runs
the full collector set over the default regions, as ``gcmod audit --org-role``
does. Calls should grow with accounts (the same per-account set, plus one
``AssumeRole`` per member), not faster.

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
from benchlib import emit_json  # noqa: E402

from gcmod.audit.collect import CallCounter, all_collectors  # noqa: E402
from gcmod.audit.runner import run_audit  # noqa: E402
from gcmod.audit.scope import (  # noqa: E402
    DEFAULT_REGIONS,
    organization_scope,
    single_account_scope,
)

#: Server page size of the bulk operations (None: one page whatever the count).
PAGE_SIZE: dict[str, int | None] = {"ec2.DescribeVolumes": None, "logs.DescribeLogGroups": 50}
#: Calls made once per resource of the bulk kinds (collector, operation).
PER_RESOURCE: dict[str, str] = {}
#: Tag listings paged by the Resource Groups Tagging API (100 per page); each full
#: page returns a continuation token, so N tagged resources add N // 100 calls.
TAG_PAGE = 100
SEED_THREADS = 8
#: The role ``CreateAccount`` makes in each member (AWS Organizations' default).
ORG_ROLE = "OrganizationAccountAccessRole"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


class MotoServer:
    """``moto_server -H 127.0.0.1 -p PORT`` as a subprocess; terminated on exit."""

    def __enter__(self) -> MotoServer:
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
                    self.url = f"http://{LOOPBACK}:{port}"
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("moto_server did not start")

    def cpu_s(self) -> float:
        """CPU seconds the server has used so far (user + system, Linux /proc)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

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


def seed(url: str, volumes: int, log_groups: int, session: Any = None) -> float:
    """Create the bulk resources in the home region; seconds taken."""
    session = session or _session()
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


def _cpu_self() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def audit(server: MotoServer, role: str | None = None, trace: bool = True) -> dict[str, Any]:
    """Run the audit (one account, or the organization through ``role``)."""
    url = server.url
    if trace:
        tracemalloc.start()
    cpu0, server_cpu0 = _cpu_self(), server.cpu_s()
    t0 = time.perf_counter()
    counter = CallCounter()
    if role:
        scope = organization_scope(_session(), role, counter=counter, endpoint_url=url)
    else:
        # As before: the caller-identity call is set-up, not audit work.
        scope = single_account_scope(_session(), endpoint_url=url)
    result = run_audit(scope, endpoint_url=url, counter=counter)
    wall = time.perf_counter() - t0
    cpu, server_cpu = _cpu_self() - cpu0, server.cpu_s() - server_cpu0
    _cur, peak = tracemalloc.get_traced_memory() if trace else (0, float("nan"))
    tracemalloc.stop()
    counts: dict[str, int] = {}
    for per_account in result.resource_counts.values():
        for k, v in per_account.items():
            counts[k] = counts.get(k, 0) + v
    return {
        "accounts_audited": len(result.accounts),
        "wall_s": round(wall, 2),
        "audit_cpu_s": round(cpu, 1),
        "moto_server_cpu_s": round(server_cpu, 1),
        "tracemalloc_peak_mib": round(peak / 2**20, 1),
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "resources_collected": sum(counts.values()),
        "resources_by_type": counts,
        "calls_total": result.calls.total,
        "calls": dict(sorted(result.calls.calls.items())),
        "gaps": [f"{g.region} {g.collector}: {g.kind}" for g in result.gaps],
        "findings": len(result.findings),
    }


def run_size(n: int, log_share: float, trace: bool = True) -> dict[str, Any]:
    n_logs = round(n * log_share)
    n_vols = n - n_logs
    with MotoServer() as server:
        seed_s = seed(server.url, n_vols, n_logs)
        row = {"n": n, "volumes": n_vols, "log_groups": n_logs, "seed_s": round(seed_s, 1)}
        row.update(audit(server, trace=trace))
    return row


def _member_session(url: str, account_id: str) -> Any:
    sts = _session().client("sts", region_name=HOME, endpoint_url=url)
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{ORG_ROLE}", RoleSessionName="bench-seed"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=HOME,
    )


def run_accounts(n: int, per_account: int, trace: bool = True) -> dict[str, Any]:
    """An organization of ``n`` accounts (management + n - 1 members), each seeded."""
    with MotoServer() as server:
        url = server.url
        t0 = time.perf_counter()
        org = _session().client("organizations", region_name="us-east-1", endpoint_url=url)
        org.create_organization(FeatureSet="ALL")
        members = [
            org.create_account(
                AccountName=f"bench-{i:03d}", Email=f"bench-{i:03d}@example.invalid"
            )["CreateAccountStatus"]["AccountId"]
            for i in range(1, n)
        ]
        seed(url, per_account, 1)  # the management account
        for aid in members:
            seed(url, per_account, 1, _member_session(url, aid))
        row = {
            "accounts": n,
            "members": len(members),
            "volumes_per_account": per_account,
            "log_groups_per_account": 1,
            "seed_s": round(time.perf_counter() - t0, 1),
        }
        row.update(audit(server, ORG_ROLE, trace))
    calls = row["calls"]
    org_calls = calls.get("organizations.ListAccounts", 0) + calls.get("sts.AssumeRole", 0)
    row["calls_per_account"] = round((row["calls_total"] - org_calls) / n, 1)
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


def run_job(job: str, opts: argparse.Namespace) -> dict[str, Any]:
    """One figure, in this process: ``resources:N`` or ``accounts:N``."""
    kind, _, n = job.partition(":")
    all_collectors()  # import cost outside the timings
    if kind == "resources":
        return run_size(int(n), opts.log_share, not opts.no_tracemalloc)
    if kind == "accounts":
        return run_accounts(int(n), opts.per_account, not opts.no_tracemalloc)
    raise SystemExit(f"unknown job {job!r}")


def spawn(job: str, opts: argparse.Namespace) -> dict[str, Any]:
    """Run ``job`` in a fresh child process (its ``max_rss_mib`` is then its own)."""
    cmd = [sys.executable, __file__, "--job", job, "--log-share", str(opts.log_share),
           "--per-account", str(opts.per_account)]  # fmt: skip
    if opts.no_tracemalloc:
        cmd.append("--no-tracemalloc")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, check=False)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}")
    return json.loads(proc.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated resource counts")
    ap.add_argument("--accounts", default="", help="comma-separated account counts, e.g. 1,10,100")
    ap.add_argument("--per-account", type=int, default=5, help="volumes seeded per account")
    ap.add_argument("--log-share", type=float, default=0.2, help="share of N as log groups")
    ap.add_argument("--json", metavar="PATH", nargs="?", const="-", help="write JSON (- = stdout)")
    ap.add_argument(
        "--no-tracemalloc", action="store_true", help="skip tracemalloc (faster; max RSS only)"
    )
    ap.add_argument("--job", help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.job:
        print(json.dumps(run_job(opts.job, opts)))
        return 0
    sizes = [int(s) for s in opts.sizes.split(",") if s.strip()]
    account_counts = [int(s) for s in opts.accounts.split(",") if s.strip()]
    load_before = os.getloadavg()
    rows = []
    if sizes:
        base = spawn("resources:0", opts)
    for n in sizes:
        row = spawn(f"resources:{n}", opts)
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
    account_rows = []
    for n in account_counts:
        row = spawn(f"accounts:{n}", opts)
        account_rows.append(row)
        print(
            f"accounts={n:>4}: seed {row['seed_s']}s; audit {row['wall_s']}s, "
            f"{row['accounts_audited']} accounts, {row['resources_collected']} resources, "
            f"{row['calls_total']} calls ({row['calls_per_account']} per account, "
            f"AssumeRole {row['calls'].get('sts.AssumeRole', 0)}, "
            f"ListAccounts {row['calls'].get('organizations.ListAccounts', 0)}); "
            f"CPU audit {row['audit_cpu_s']}s, moto_server {row['moto_server_cpu_s']}s; "
            f"tracemalloc peak {row['tracemalloc_peak_mib']} MiB, "
            f"max RSS {row['max_rss_mib']} MiB; gaps {len(row['gaps'])}",
            file=sys.stderr,
            flush=True,
        )
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": sys.version.split()[0],
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "baseline": base if sizes else None,
        # Calls the collectors declare as made once per parent resource (none of
        # them is in this benchmark's mix; see bench_audit_parents.py).
        "per_parent_calls": {
            c.name: sorted(c.per_parent) for c in all_collectors() if c.per_parent
        },
        "results": rows,
        "accounts": account_rows,
    }
    emit_json(report, opts.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
