"""run_audit over moto accounts: same rules, gaps, multi-account, retries, counting."""

from __future__ import annotations

import boto3
import pytest
from awsmock import moto_account
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from gcmod.audit.clients import make_client
from gcmod.audit.collect import CallCounter, Collector, provider_urn
from gcmod.audit.runner import Gap, run_audit
from gcmod.audit.scope import Scope, discover_accounts, single_account_scope

HOME, OSAKA = "ap-northeast-1", "ap-northeast-3"
VOLUME = "aws:ebs/volume:Volume"


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch):
    with moto_account(monkeypatch, HOME):
        yield


def _volumes(ctx):
    for v in ctx.paginate("ec2", "describe_volumes", "Volumes"):
        tags = {t["Key"]: t["Value"] for t in v.get("Tags", [])}
        yield ctx.node(
            VOLUME,
            tags.get("Name", v["VolumeId"]),
            v["VolumeId"],
            {
                "availabilityZone": v["AvailabilityZone"],
                "size": float(v["Size"]),
                "type": v["VolumeType"],
                "encrypted": v["Encrypted"],
                "tags": tags,
            },
        )


VOLUMES = Collector("test.volumes", "ec2", ("ec2:DescribeVolumes",), _volumes)


def _denied(ctx):
    ctx.client("ec2")  # a client is made; the call is refused by IAM
    raise ClientError(
        {"Error": {"Code": "UnauthorizedOperation", "Message": "not authorized"}},
        "DescribeInstances",
    )


DENIED = Collector("test.denied", "ec2", ("ec2:DescribeInstances",), _denied)


def _volume(session, region, name, *, encrypted, size=100):
    ec2 = session.client("ec2", region_name=region)
    ec2.create_volume(
        AvailabilityZone=f"{region}a",
        Size=size,
        VolumeType="gp3",
        Encrypted=encrypted,
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": name}]}],
    )


def test_single_account_two_regions_same_rules_waste_and_counts(catalog):
    s = boto3.Session(region_name=HOME)
    _volume(s, HOME, "tokyo-plain", encrypted=False, size=100)
    _volume(s, HOME, "tokyo-enc", encrypted=True)
    _volume(s, OSAKA, "osaka-plain", encrypted=False, size=50)
    seen = []
    scope = single_account_scope(s)
    assert scope.regions == (HOME, OSAKA)
    result = run_audit(
        scope,
        collectors=[VOLUMES],
        catalog=catalog,
        progress=lambda d, t, label: seen.append((d, t, label)),
    )
    assert result.gaps == []
    assert [d for d, _, _ in seen] == [1, 2] and all(t == 2 for _, t, _ in seen)
    (acct,) = result.accounts
    assert acct.account_id == "123456789012"
    g = acct.graph
    assert (g.project, g.stack, g.region) == ("audit", "123456789012", HOME)
    assert acct.resource_counts == {VOLUME: 3}
    # Osaka resources sit behind an explicit regional provider; Tokyo has none.
    prov = g.by_urn[provider_urn(OSAKA)]
    assert prov.type == "pulumi:providers:aws" and prov.inputs == {"region": OSAKA}
    assert provider_urn(HOME) not in g.by_urn
    assert g.named("osaka-plain").provider == prov.urn
    # The same rule (GCM-SEC-021) the offline check runs, on both regions.
    sec = [f for f in result.findings if f.violation.rule.id == "GCM-SEC-021"]
    assert sorted(f.violation.resource_name for f in sec) == ["osaka-plain", "tokyo-plain"]
    assert all(f.mandatory for f in sec)
    assert {f.violation.resource_name: f.region for f in sec} == {
        "tokyo-plain": HOME,
        "osaka-plain": OSAKA,
    }
    # Waste: encrypting a volume saves nothing (issue 15: a finding carries only what
    # its fix saves; it used to carry the volume's whole monthly cost).
    waste = {f.violation.resource_name: (f.waste_usd, f.waste.method) for f in sec}
    assert waste == {"tokyo-plain": (0.0, "none"), "osaka-plain": (0.0, "none")}
    assert result.exit_code == 1
    # Every API call counted: one get_caller_identity, one describe_volumes per region.
    assert result.calls.calls["ec2.DescribeVolumes"] == 2


def test_clean_account_exits_zero(catalog):
    s = boto3.Session(region_name=HOME)
    _volume(s, HOME, "enc", encrypted=True)
    # Stack-level and tagging rules are mandatory; the pack config switches them off,
    # exactly as for the offline check.
    result = run_audit(single_account_scope(s), collectors=[VOLUMES], catalog=catalog)
    off = {f.violation.rule.id for f in result.mandatory}
    assert "GCM-SEC-021" not in off and off
    result = run_audit(
        single_account_scope(s),
        collectors=[VOLUMES],
        catalog=catalog,
        policy_config=dict.fromkeys(off, "disabled"),
    )
    assert not result.mandatory and result.exit_code == 0


def test_access_denied_is_a_gap_and_the_rest_completes(catalog):
    s = boto3.Session(region_name=HOME)
    _volume(s, HOME, "plain", encrypted=False)
    result = run_audit(
        single_account_scope(s), collectors=[VOLUMES, DENIED], catalog=catalog, concurrency=2
    )
    assert {(g.region, g.collector, g.kind) for g in result.gaps} == {
        (HOME, "test.denied", "access-denied"),
        (OSAKA, "test.denied", "access-denied"),
    }
    assert all(isinstance(g, Gap) and "UnauthorizedOperation" in g.reason for g in result.gaps)
    assert result.accounts[0].resource_counts == {VOLUME: 1}
    assert result.mandatory and not result.complete  # both facts are kept apart...
    # ...and mandatory findings decide the exit code whether complete or not (issue 15:
    # an incomplete audit with findings used to exit 3 and hide them from a CI gate).
    assert result.exit_code == 1


def test_write_attempt_by_a_collector_is_a_gap_not_a_change(catalog):
    def writer(ctx):
        ctx.client("ec2").create_volume(AvailabilityZone=f"{ctx.region}a", Size=1)
        return []

    bad = Collector("test.writer", "ec2", ("ec2:DescribeVolumes",), writer)
    s = boto3.Session(region_name=HOME)
    result = run_audit(
        Scope(regions=(HOME,), accounts=single_account_scope(s).accounts),
        collectors=[bad],
        catalog=catalog,
    )
    assert [g.kind for g in result.gaps] == ["read-only-guard"]
    assert boto3.client("ec2", region_name=HOME).describe_volumes()["Volumes"] == []


def test_multi_account_through_organizations(catalog):
    mgmt = boto3.Session(region_name=HOME)
    org = mgmt.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    ids = []
    for name in ("kouki", "juki"):
        st = org.create_account(AccountName=name, Email=f"{name}@example.invalid")
        ids.append(st["CreateAccountStatus"]["AccountId"])
    role = "OrganizationAccountAccessRole"
    # Seed an unencrypted volume in the first member account, as that account.
    creds = mgmt.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{ids[0]}:role/{role}", RoleSessionName="seed"
    )["Credentials"]
    member = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=HOME,
    )
    _volume(member, HOME, "member-plain", encrypted=False)

    counter = CallCounter()
    targets = discover_accounts(mgmt, role, counter=counter)
    assert {t.account_id for t in targets} == {"123456789012", *ids}
    mgmt_target = next(t for t in targets if t.account_id == "123456789012")
    assert mgmt_target.role_arn is None  # the management account uses the current session
    assert counter.calls["organizations.ListAccounts"] >= 1

    result = run_audit(
        Scope(regions=(HOME, OSAKA), accounts=targets, role_name=role),
        collectors=[VOLUMES],
        catalog=catalog,
        counter=counter,
    )
    assert result.gaps == []
    assert sorted(result.reports) == sorted(t.account_id for t in targets)
    assert result.reports[ids[0]].resource_counts == {VOLUME: 1}
    assert result.reports[ids[1]].resource_counts == {}
    sec = [f for f in result.findings if f.violation.rule.id == "GCM-SEC-021"]
    assert [(f.account, f.violation.resource_name) for f in sec] == [(ids[0], "member-plain")]
    assert result.exit_code == 1
    assert result.calls.calls["sts.AssumeRole"] == 2  # once per member account


def test_failed_assume_role_is_one_gap_per_account(catalog):
    from gcmod.audit.scope import AccountTarget

    t = AccountTarget("222222222222", role_arn="arn:aws:iam::222222222222:role/x")
    # No base session: assuming fails; the account becomes a single gap.
    result = run_audit(Scope(regions=(HOME,), accounts=[t]), collectors=[VOLUMES], catalog=catalog)
    assert [(g.account, g.collector) for g in result.gaps] == [("222222222222", "sts.assume-role")]
    assert result.accounts == [] and result.exit_code == 3


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_):
        yield self.body

    def read(self, *_):
        return self.body


THROTTLE = (
    b"<?xml version='1.0' encoding='UTF-8'?><Response><Errors><Error>"
    b"<Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>"
    b"</Error></Errors><RequestID>r1</RequestID></Response>"
)


def test_throttling_is_retried_adaptively_and_counted_once(monkeypatch):
    """The first attempt answers RequestLimitExceeded, the second reaches moto.

    (botocore's Stubber answers in ``before-call``, which bypasses the retry
    handler, so the throttle is injected in ``before-send``, inside the retry loop.)"""
    import botocore.retries.standard as standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, ctx: 0.01)
    counter = CallCounter()
    ec2 = make_client(boto3.Session(), "ec2", HOME, counter, max_attempts=3)
    attempts = []

    def throttle_once(request, **_):
        attempts.append(request.url)
        if len(attempts) == 1:
            return AWSResponse(request.url, 503, {}, _Raw(THROTTLE))
        return None

    ec2.meta.events.register_first("before-send.ec2.DescribeVolumes", throttle_once)
    assert ec2.describe_volumes()["Volumes"] == []
    assert len(attempts) == 2
    assert counter.calls == {"ec2.DescribeVolumes": 1}


def test_classify_failures():
    from botocore.exceptions import EndpointConnectionError

    from gcmod.audit.runner import classify

    def err(code):
        return ClientError({"Error": {"Code": code, "Message": "m"}}, "DescribeVolumes")

    assert classify(err("AccessDenied"))[0] == "access-denied"
    assert classify(err("UnauthorizedOperation"))[0] == "access-denied"
    assert classify(err("OptInRequired"))[0] == "region-unavailable"
    assert classify(err("RequestLimitExceeded"))[0] == "throttled"
    assert classify(EndpointConnectionError(endpoint_url="https://x"))[0] == "endpoint"
    assert classify(KeyError("VolumeId"))[0] == "error"


def test_policy_generator_refuses_non_read_actions():
    from gcmod.audit.iampolicy import audit_policy_document

    bad = Collector("test.bad", "ec2", ("ec2:DeleteVolume",), lambda ctx: [])
    with pytest.raises(ValueError, match="DeleteVolume"):
        audit_policy_document([bad])
    doc = audit_policy_document([VOLUMES], management=False)
    assert doc["Statement"][0]["Action"] == [
        "cloudwatch:GetMetricData",
        "ec2:DescribeVolumes",
        "sts:GetCallerIdentity",
    ]
    assert len(doc["Statement"]) == 1
