"""Endpoints reach every audit client, local ones without host prefixes, and an
unreachable endpoint fails fast (issues 14 and 15). No request leaves the process:
a ``before-send`` hook answers in place of the network."""

from __future__ import annotations

import socket
import time
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from click.testing import CliRunner

from gcmod.audit.clients import configured_endpoint, fast_timestamp, is_local, make_client
from gcmod.audit.collect import CallCounter
from gcmod.cli import main

HOME = "ap-northeast-1"
ACCOUNT = "123456789012"
FAKE = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": HOME, "AWS_EC2_METADATA_DISABLED": "true"}  # fmt: skip


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for k, v in FAKE.items():
        monkeypatch.setenv(k, v)
    for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
              "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):  # fmt: skip
        monkeypatch.delenv(k, raising=False)
    return monkeypatch


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any):
        yield self.body

    def read(self, *_: Any) -> bytes:
        return self.body


def _capture(client: Any, body: bytes) -> list[str]:
    """Answer every request of ``client`` with ``body``; return the URLs asked."""
    urls: list[str] = []

    def answer(request: Any = None, **_: Any) -> AWSResponse:
        urls.append(request.url)
        return AWSResponse(request.url, 200, {}, _Raw(body))

    client.meta.events.register("before-send", answer)
    return urls


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends


def test_configured_endpoint_is_botocores_lookup(env) -> None:
    env.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    env.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:5001")
    s = botocore.session.Session()
    assert configured_endpoint(s, "ec2") == "http://127.0.0.1:5000"
    assert configured_endpoint(s, "s3") == "http://127.0.0.1:5001"  # per service wins
    env.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    assert configured_endpoint(botocore.session.Session(), "ec2") is None


def test_local_endpoints() -> None:
    assert is_local("http://127.0.0.1:5000") and is_local("http://localhost:4566")
    assert is_local("http://[::1]:5000")
    assert not is_local("https://vpce-0abc.s3-control.ap-northeast-1.vpce.amazonaws.com")


S3CONTROL_BODY = b"<ListAccessPointsResult><AccessPointList/></ListAccessPointsResult>"


def test_s3control_stays_on_the_local_host_from_the_environment(env) -> None:
    """AWS_ENDPOINT_URL alone (no --endpoint-url) reaches S3 Control, on its own host:
    the endpoint rules would send ``123456789012.127.0.0.1:5123``."""
    env.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5123")
    plain = boto3.Session(region_name=HOME).client("s3control", region_name=HOME)
    seen = _capture(plain, S3CONTROL_BODY)
    plain.list_access_points(AccountId=ACCOUNT)
    assert seen[0].startswith(f"http://{ACCOUNT}.127.0.0.1:5123/")  # what botocore does
    client = make_client(boto3.Session(region_name=HOME), "s3control", HOME, CallCounter())
    seen = _capture(client, S3CONTROL_BODY)
    client.list_access_points(AccountId=ACCOUNT)
    assert seen[0].startswith("http://127.0.0.1:5123/v20180820/accesspoint")


def test_explicit_endpoint_wins_and_s3_is_path_style_on_localhost(env) -> None:
    env.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")  # overridden by the option
    client = make_client(
        boto3.Session(region_name=HOME), "s3", HOME, CallCounter(), "http://localhost:4566"
    )
    seen = _capture(client, b"<ListBucketResult><Name>logs</Name></ListBucketResult>")
    client.list_objects_v2(Bucket="logs")
    assert seen[0].startswith("http://localhost:4566/logs?")  # not logs.localhost


def test_fast_timestamps_match_botocore() -> None:
    from botocore.parsers import DEFAULT_TIMESTAMP_PARSER

    for value in ("2026-01-05T10:00:00.000Z", "2026-01-05T10:00:00+09:00", "1767607200",
                  "Mon, 05 Jan 2026 10:00:00 GMT", "2026-01-05T10:00:00"):  # fmt: skip
        assert fast_timestamp(value) == DEFAULT_TIMESTAMP_PARSER(value), value


def test_unreachable_endpoint_fails_fast_with_exit_3(env) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    t0 = time.monotonic()
    res = CliRunner().invoke(main, ["audit", "--endpoint-url", url, "--json"])
    elapsed = time.monotonic() - t0
    assert res.exit_code == 3, res.output
    assert "cannot be reached" in res.output and "接続できません" in res.output
    assert "Traceback" not in res.output
    assert elapsed < 15  # 2 attempts, 5 s connect timeout each, one short backoff


def test_endpoint_option_must_be_a_url(env) -> None:
    res = CliRunner().invoke(main, ["audit", "--endpoint-url", "127.0.0.1:5000"])
    assert res.exit_code == 2 and "not a URL" in res.output
    res = CliRunner().invoke(main, ["audit", "--demo", "--endpoint-url", "http://127.0.0.1:1"])
    assert res.exit_code == 2 and "--demo" in res.output


def test_bad_policy_config_is_refused_before_anything_is_read(env, tmp_path) -> None:
    """Named with its file, exit 2 -- before the (unreachable) endpoint is even tried."""
    bad = tmp_path / "policy.json"
    bad.write_text('{"gcm-idle-001": {"minAgeDayz": 3}}', encoding="utf-8")
    url = f"http://127.0.0.1:{_closed_port()}"
    res = CliRunner().invoke(main, ["audit", "--config", str(bad), "--endpoint-url", url])
    assert res.exit_code == 2, res.output
    assert str(bad) in res.output and "minAgeDayz" in res.output
