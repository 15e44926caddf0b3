"""The audit against a real HTTP endpoint: a moto_server on 127.0.0.1.

The demo estate is seeded through the server's URL and audited through the same
URL, so every call crosses a socket as it would against AWS (serialisation,
pagination tokens, retries). The findings must equal those of the in-process
``mock_aws`` run, and every call the audit makes must be a read.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter

import boto3
import pytest
from awsmock import FAKE_AWS_ENV

from gcmod.audit.demo import seed_demo
from gcmod.audit.runner import AuditResult, run_audit
from gcmod.audit.scope import single_account_scope

HOME = "ap-northeast-1"
LOOPBACK = "127.0.0.1"
FAKE_ENV = {
    **FAKE_AWS_ENV,
    "AWS_DEFAULT_REGION": HOME,
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}
READ_PREFIXES = ("Describe", "List", "Get")
MANDATORY = ("GCM-COST-001", "GCM-LOG-001", "GCM-DR-001")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def _wait_listening(port: int, proc: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto_server exited with {proc.returncode}")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not listen on {LOOPBACK}:{port} in {timeout}s")


def _moto_server_cmd(port: int) -> list[str]:
    """moto_server with gcmod's additions (AWS Backup region settings)."""
    return [sys.executable, "-m", "gcmod.audit.motoext", "-H", LOOPBACK, "-p", str(port)]


def _session() -> boto3.Session:
    return boto3.Session(
        region_name=HOME, aws_access_key_id="testing", aws_secret_access_key="testing"
    )


#: A resource named by its AWS id (no Name tag: moto's default VPC, subnets, EIPs, ...).
#: The ids are random per moto backend, so such names compare by prefix and count.
AWS_ID = re.compile(r"^([a-z]+)-[0-9a-f]{8,17}$")
#: Count-limit rules report the (limit+1)-th resource in URN order, and URNs of EC2
#: resources are moto's random ids: which NAT gateway / VPC is named varies from
#: run to run (in-process too), so these compare by rule and count only.
ORDER_DEPENDENT = frozenset({"GCM-NET-001", "GCM-TEN-001"})


def _keys(result: AuditResult) -> Counter[tuple[str, str]]:
    """(rule id, resource name) of every finding; id-named resources as ``<prefix>-*``."""
    keys: Counter[tuple[str, str]] = Counter()
    for f in result.findings:
        name = f.violation.resource_name
        rule = f.violation.rule.id
        m = AWS_ID.match(name)
        if rule in ORDER_DEPENDENT:
            name = "*"
        elif m:
            name = f"{m.group(1)}-*"
        keys[rule, name] += 1
    return keys


@pytest.fixture(scope="module")
def fake_env():
    with pytest.MonkeyPatch.context() as mp:
        for k, v in FAKE_ENV.items():
            mp.setenv(k, v)
        mp.delenv("AWS_PROFILE", raising=False)
        mp.delenv("AWS_SESSION_TOKEN", raising=False)
        yield


@pytest.fixture(scope="module")
def server_url(fake_env):
    """A moto_server subprocess on 127.0.0.1 (a free port), killed at teardown.

    Parallel test workers pick ports at the same time: a port taken between
    ``_free_port`` and the server's bind makes the server exit, and another free
    port is tried."""
    for attempt in range(3):
        port = _free_port()
        proc = subprocess.Popen(
            _moto_server_cmd(port),
            env={**os.environ, **FAKE_ENV},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_listening(port, proc)
            break
        except RuntimeError:
            proc.kill()
            proc.wait()
            if attempt == 2:
                raise
    try:
        yield f"http://{LOOPBACK}:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def server_audit(server_url) -> AuditResult:
    """The demo estate seeded and audited through the server's URL. Slow (~10 s wall
    on an idle machine, about half of it in the server process): starting moto_server
    and sending every seeding and audit call over HTTP is what this module tests."""
    seed_demo(server_url)
    scope = single_account_scope(_session(), endpoint_url=server_url)
    return run_audit(scope, endpoint_url=server_url)


@pytest.fixture(scope="module")
def in_process_audit(demo_audit) -> AuditResult:
    """The same demo estate audited in-process (``mock_aws``): the session's
    ``gcmod audit --demo`` result (tests/conftest.py), the audit's defaults
    (both regions, home ap-northeast-1, the packaged price catalogue)."""
    return demo_audit


def test_server_audit_is_complete(server_audit):
    assert server_audit.gaps == []
    assert server_audit.complete
    assert server_audit.exit_code == 1  # the demo has mandatory violations


def test_server_audit_finds_the_mandatory_violations(server_audit):
    mandatory = {f.violation.rule.id for f in server_audit.mandatory}
    assert set(MANDATORY) <= mandatory
    for rule in MANDATORY:
        assert any(f.violation.rule.id == rule and f.mandatory for f in server_audit.findings)


def test_server_audit_matches_in_process_audit(server_audit, in_process_audit):
    assert in_process_audit.gaps == []
    server, local = _keys(server_audit), _keys(in_process_audit)
    assert set(server) == set(local)
    assert server == local
    named = {k for k in server if not k[1].endswith("*")}
    assert {r for r, _ in named} >= set(MANDATORY)
    assert server_audit.resource_counts.keys() == in_process_audit.resource_counts.keys()
    assert list(server_audit.resource_counts.values()) == list(
        in_process_audit.resource_counts.values()
    )


def test_cli_with_aws_endpoint_url_completes_and_exits_1(server_audit, server_url):
    """``gcmod audit`` reaches the server through AWS_ENDPOINT_URL alone (no option):
    every client, S3 Control included, and no gap (issue 15). A second audit of the
    demo estate: ~10 s."""
    import json

    from click.testing import CliRunner

    from gcmod.cli import main

    res = CliRunner(env={"AWS_ENDPOINT_URL": server_url}).invoke(main, ["audit", "--json"])
    assert res.exit_code == 1, res.output
    doc = json.loads(res.output)
    assert doc["complete"] is True and doc["gaps"] == [] and doc["mandatoryFindings"] > 0
    assert doc["apiCalls"]["byOperation"]["s3control.GetPublicAccessBlock"] == 1


def test_server_audit_only_reads(server_audit):
    calls = server_audit.calls.calls
    assert server_audit.calls.total == sum(calls.values()) > 0
    writes = {
        key
        for key in calls
        if not (key.startswith("sts.") or key.split(".", 1)[1].startswith(READ_PREFIXES))
    }
    assert writes == set()
