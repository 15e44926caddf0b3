"""What keeps a many-account audit lean: shared clients and one service-model loader.

Behaviour only (the timings are in benchmarks/bench_audit.py): the factory
hands the collectors of one account and region the same guarded, counted
client, never another account's or region's, keeps a bounded number, and the
assumed-role sessions parse each service model once between them.
"""

from __future__ import annotations

import boto3
import pytest
from awsmock import moto_account

from gcmod.audit import clients
from gcmod.audit.clients import client_factory
from gcmod.audit.collect import CallCounter
from gcmod.audit.guard import ReadOnlyViolation
from gcmod.audit.scope import assume_role_session

REGION = "ap-northeast-1"
OSAKA = "ap-northeast-3"


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch):
    with moto_account(monkeypatch, REGION):
        yield


def test_factory_shares_a_client_per_session_service_and_region():
    counter = CallCounter()
    factory = client_factory(counter)
    a, b = boto3.Session(region_name=REGION), boto3.Session(region_name=REGION)
    ec2 = factory(a, "ec2", REGION)
    assert factory(a, "ec2", REGION) is ec2
    assert factory(a, "ec2", OSAKA) is not ec2
    assert factory(a, "ec2", OSAKA).meta.region_name == OSAKA
    assert factory(a, "logs", REGION) is not ec2
    assert factory(b, "ec2", REGION) is not ec2  # another account's credentials


def test_shared_client_stays_guarded_and_counts_each_call_once():
    counter = CallCounter()
    factory = client_factory(counter)
    session = boto3.Session(region_name=REGION)
    factory(session, "ec2", REGION).describe_vpcs()
    factory(session, "ec2", REGION).describe_vpcs()
    assert counter.calls == {"ec2.DescribeVpcs": 2}
    with pytest.raises(ReadOnlyViolation):
        factory(session, "ec2", REGION).create_vpc(CidrBlock="10.0.0.0/16")
    assert counter.calls == {"ec2.DescribeVpcs": 2}


def test_factory_keeps_a_bounded_number_of_clients(monkeypatch):
    monkeypatch.setattr(clients, "CLIENT_CACHE_SIZE", 2)
    factory = client_factory(CallCounter())
    session = boto3.Session(region_name=REGION)
    first = factory(session, "ec2", REGION)
    factory(session, "logs", REGION)
    assert factory(session, "ec2", REGION) is first  # recently used: kept
    factory(session, "rds", REGION)  # evicts logs, the least recently used
    assert factory(session, "ec2", REGION) is first
    assert factory(session, "logs", REGION) is not None  # made again, still works


def test_assumed_role_sessions_share_one_model_loader():
    base = boto3.Session(region_name=REGION)
    one = assume_role_session(base, "arn:aws:iam::111111111111:role/audit")
    two = assume_role_session(base, "arn:aws:iam::222222222222:role/audit")
    loader = one._session.get_component("data_loader")
    assert two._session.get_component("data_loader") is loader
    assert len(loader.search_paths) == len(set(loader.search_paths))
    # Each keeps its own credentials and region.
    creds = {s.get_credentials().access_key for s in (one, two)}
    assert len(creds) == 2
    assert one.region_name == two.region_name == REGION
    ids = {s.client("sts", region_name=REGION).get_caller_identity()["Account"] for s in (one, two)}
    assert ids == {"111111111111", "222222222222"}
