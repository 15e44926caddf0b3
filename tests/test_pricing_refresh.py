"""`gcmod prices refresh` against a stubbed AWS Price List API (never the real one).

moto does not implement the Price List API, so these tests put botocore's Stubber
on a real ``pricing`` client and answer GetProducts with responses shaped as the
API returns them: ``PriceList`` is a list of JSON *strings*, each a product with
``product.attributes`` and ``terms.OnDemand.<sku>.<offer>.priceDimensions``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.exceptions import NoCredentialsError
from botocore.stub import Stubber

from gcmod.pricing import Catalog
from gcmod.pricing.refresh import (
    NOT_REFRESHABLE,
    QUERIES,
    RefreshError,
    dump_catalog,
    refresh,
)

TODAY = date(2026, 12, 1)
TOKYO, OSAKA = "ap-northeast-1", "ap-northeast-3"

HEADER = "# test catalogue\n# second header line\n\n"
ENTRIES: list[dict[str, Any]] = [
    {
        "key": "fargate.vcpu-hour.arm64",
        "region": TOKYO,
        "unit": "vCPU-hour",
        "usd": 0.04,
        "source": "old source",
        "checked": date(2025, 1, 1),
    },
    {
        "key": "fargate.vcpu-hour.arm64",
        "region": OSAKA,
        "unit": "vCPU-hour",
        "usd": 0.04045,
        "source": "assumed",
        "checked": date(2025, 1, 1),
        "note": "unverified: assumed equal to Tokyo",
    },
    {
        "key": "s3.standard.gb-month",
        "region": TOKYO,
        "unit": "GB-month",
        "usd": 0.025,
        "source": "old",
        "checked": date(2025, 1, 1),
        "tiers": [{"upTo": 51200, "usd": 0.025}, {"upTo": None, "usd": 0.024}],
    },
    {
        "key": "ssm.standard-parameter-month",
        "region": TOKYO,
        "unit": "parameter-month",
        "usd": 0,
        "source": "Systems Manager pricing",
        "checked": date(2025, 1, 1),
        "note": "standard parameters are free",
    },
    {
        "key": "ec2.instance-hour.m5.large",
        "region": TOKYO,
        "unit": "instance-hour",
        "usd": 0.124,
        "source": "old",
        "checked": date(2025, 1, 1),
    },
]


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    path = tmp_path / "prices.yaml"
    doc = {
        "currency": "USD",
        "fx": {"jpyPerUsd": 157, "source": "test", "date": date(2026, 2, 20)},
        "prices": [dict(e) for e in ENTRIES],
    }
    path.write_text(HEADER + dump_catalog(doc), encoding="utf-8")
    Catalog.load(path)  # the fixture itself is a valid catalogue
    return path


@pytest.fixture
def client() -> Any:
    return boto3.client(
        "pricing",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


# ---------------------------------------------------------------------------
# recorded-shape GetProducts answers
# ---------------------------------------------------------------------------
def product(
    sku: str,
    usagetype: str,
    dimensions: list[tuple[str, str, str]],
    *,
    service: str = "AmazonECS",
    region: str = TOKYO,
    unit: str = "hours",
) -> str:
    """One PriceList item as the API returns it: a JSON string.

    ``dimensions`` are (beginRange, endRange, USD) triples.
    """
    offer = f"{sku}.JRTCKXETXF"
    dims = {
        f"{offer}.{i:010d}": {
            "rateCode": f"{offer}.{i:010d}",
            "description": f"{usagetype} tier {i}",
            "beginRange": begin,
            "endRange": end,
            "unit": unit,
            "pricePerUnit": {"USD": usd},
            "appliesTo": [],
        }
        for i, (begin, end, usd) in enumerate(dimensions)
    }
    item = {
        "product": {
            "productFamily": "Compute",
            "attributes": {
                "servicecode": service,
                "regionCode": region,
                "usagetype": usagetype,
                "location": "Asia Pacific (Tokyo)" if region == TOKYO else "Asia Pacific (Osaka)",
            },
            "sku": sku,
        },
        "serviceCode": service,
        "terms": {
            "OnDemand": {
                sku: {
                    offer: {
                        "priceDimensions": dims,
                        "sku": sku,
                        "effectiveDate": "2026-11-01T00:00:00Z",
                        "offerTermCode": "JRTCKXETXF",
                        "termAttributes": {},
                    }
                }
            }
        },
        "version": "20261101000000",
        "publicationDate": "2026-11-01T00:00:00Z",
    }
    return json.dumps(item)


def answer(*items: str, token: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": list(items)}
    if token:
        response["NextToken"] = token
    return response


def request(key: str, region: str, token: str | None = None) -> dict[str, Any]:
    query = QUERIES[key]
    params: dict[str, Any] = {
        "ServiceCode": query.service_code,
        "Filters": query.resolve(region),
        "FormatVersion": "aws_v1",
        "MaxResults": 100,
    }
    if token:
        params["NextToken"] = token
    return params


FARGATE = "fargate.vcpu-hour.arm64"
S3 = "s3.standard.gb-month"
EC2 = "ec2.instance-hour.m5.large"


def s3_answer(first: str = "0.025") -> dict[str, Any]:
    return answer(
        product(
            "S3SKU",
            "APN1-TimedStorage-ByteHrs",
            [("0", "51200", first), ("51200", "512000", "0.024"), ("512000", "Inf", "0.023")],
            service="AmazonS3",
            unit="GB-Mo",
        )
    )


def ec2_answer(usd: str = "0.124") -> dict[str, Any]:
    return answer(
        product("EC2SKU", "APN1-BoxUsage:m5.large", [("0", "Inf", usd)], service="AmazonEC2")
    )


def stub_all(stubber: Stubber, *, fargate_tokyo: str = "0.04045") -> None:
    """Happy-path answers, in catalogue order (Tokyo and Osaka)."""
    stubber.add_response(
        "get_products",
        answer(product("F1", "APN1-Fargate-ARM-vCPU-Hours:perCPU", [("0", "Inf", fargate_tokyo)])),
        request(FARGATE, TOKYO),
    )
    stubber.add_response(
        "get_products",
        answer(
            product(
                "F3", "APN3-Fargate-ARM-vCPU-Hours:perCPU", [("0", "Inf", "0.04045")], region=OSAKA
            )
        ),
        request(FARGATE, OSAKA),
    )
    stubber.add_response("get_products", s3_answer(), request(S3, TOKYO))
    stubber.add_response("get_products", ec2_answer(), request(EC2, TOKYO))


# ---------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------
def test_the_request_is_a_read_only_filtered_get_products() -> None:
    assert request(FARGATE, TOKYO) == {
        "ServiceCode": "AmazonECS",
        "Filters": [
            {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "ap-northeast-1"},
            {
                "Type": "TERM_MATCH",
                "Field": "usagetype",
                "Value": "APN1-Fargate-ARM-vCPU-Hours:perCPU",
            },
        ],
        "FormatVersion": "aws_v1",
        "MaxResults": 100,
    }
    assert QUERIES[FARGATE].resolve(OSAKA)[1]["Value"] == "APN3-Fargate-ARM-vCPU-Hours:perCPU"
    transfer = QUERIES["backup.cross-region-transfer.gb"]
    assert transfer.resolve(OSAKA)[1]["Value"] == "APN3-APN1-AWS-Out-Bytes"


def test_refresh_updates_prices_checked_and_source(catalog_file: Path, client: Any) -> None:
    seen: list[tuple[str, str, str]] = []
    with Stubber(client) as stubber:
        stub_all(stubber)
        report = refresh(
            catalog_file, client=client, today=TODAY, progress=lambda *a: seen.append(a)
        )
        stubber.assert_no_pending_responses()

    assert report.ok and report.written
    assert [(c.key, c.region, c.old_usd, c.new_usd) for c in report.updated] == [
        (FARGATE, TOKYO, 0.04, 0.04045),
        (S3, TOKYO, 0.025, 0.025),  # same headline price, new 500 TB tier
    ]
    assert report.updated[1].tiers_changed
    assert sorted(report.unchanged) == [(EC2, TOKYO), (FARGATE, OSAKA)]
    assert report.not_refreshable == [
        ("ssm.standard-parameter-month", TOKYO, NOT_REFRESHABLE["ssm.standard-parameter-month"])
    ]
    assert ("ssm.standard-parameter-month", TOKYO, "manual") in seen
    assert (FARGATE, TOKYO, "updated") in seen

    catalog = Catalog.load(catalog_file)
    fargate = catalog.get(FARGATE, TOKYO)
    assert fargate.usd == 0.04045
    assert fargate.checked == TODAY
    assert fargate.source == ("AWS Price List API AmazonECS APN1-Fargate-ARM-vCPU-Hours:perCPU")
    # an API answer confirms a price nobody could verify before
    osaka = catalog.get(FARGATE, OSAKA)
    assert osaka.verified and osaka.note is None and osaka.checked == TODAY
    s3 = catalog.get(S3, TOKYO)
    assert [(t.up_to, t.usd) for t in s3.tiers] == [(51200, 0.025), (512000, 0.024), (None, 0.023)]
    # unchanged-but-confirmed entries are re-dated too; manual ones are untouched
    assert catalog.get(EC2, TOKYO).checked == TODAY
    ssm = catalog.get("ssm.standard-parameter-month", TOKYO)
    assert ssm.checked == date(2025, 1, 1) and ssm.source == "Systems Manager pricing"
    assert "updated" in report.summary() and "1 not refreshable" in report.summary()


def test_pagination_is_followed(catalog_file: Path, client: Any) -> None:
    with Stubber(client) as stubber:
        # page 1: nothing usable, a NextToken; page 2: the product
        stubber.add_response("get_products", answer(token="page-2"), request(EC2, TOKYO))
        stubber.add_response("get_products", ec2_answer("0.125"), request(EC2, TOKYO, "page-2"))
        report = refresh(catalog_file, client=client, today=TODAY, keys=[EC2])
        stubber.assert_no_pending_responses()
    assert [(c.key, c.new_usd) for c in report.updated] == [(EC2, 0.125)]
    assert Catalog.load(catalog_file).get(EC2, TOKYO).usd == 0.125


def test_an_api_error_is_reported_and_the_rest_go_on(catalog_file: Path, client: Any) -> None:
    with Stubber(client) as stubber:
        stubber.add_client_error(
            "get_products",
            service_error_code="ThrottlingException",
            service_message="Rate exceeded",
            http_status_code=400,
            expected_params=request(FARGATE, TOKYO),
        )
        stubber.add_response(
            "get_products",
            answer(product("F3", "APN3-Fargate-ARM-vCPU-Hours:perCPU", [("0", "Inf", "0.04045")])),
            request(FARGATE, OSAKA),
        )
        stubber.add_response("get_products", s3_answer(), request(S3, TOKYO))
        stubber.add_response("get_products", ec2_answer("0.13"), request(EC2, TOKYO))
        report = refresh(catalog_file, client=client, today=TODAY)
        stubber.assert_no_pending_responses()
    assert not report.ok
    assert [(f.key, f.region, f.reason) for f in report.failed] == [
        (FARGATE, TOKYO, "API error ThrottlingException: Rate exceeded")
    ]
    catalog = Catalog.load(catalog_file)
    failed = catalog.get(FARGATE, TOKYO)
    assert (failed.usd, failed.checked, failed.source) == (0.04, date(2025, 1, 1), "old source")
    assert catalog.get(EC2, TOKYO).usd == 0.13
    assert "failed   fargate.vcpu-hour.arm64 @ ap-northeast-1" in report.summary()


def test_guards_ambiguous_missing_and_implausible_answers(catalog_file: Path, client: Any) -> None:
    with Stubber(client) as stubber:
        # two products disagree: ambiguous
        stubber.add_response(
            "get_products",
            answer(
                product("A", "APN1-Fargate-ARM-vCPU-Hours:perCPU", [("0", "Inf", "0.04")]),
                product("B", "APN1-Fargate-ARM-vCPU-Hours:perCPU", [("0", "Inf", "0.05")]),
            ),
            request(FARGATE, TOKYO),
        )
        # nothing matches: not found
        stubber.add_response("get_products", answer(), request(FARGATE, OSAKA))
        # per-request price where per-thousand was expected: implausible
        stubber.add_response("get_products", s3_answer(first="25"), request(S3, TOKYO))
        # two SKUs with the same price are not ambiguous
        stubber.add_response(
            "get_products",
            answer(
                product("E1", "APN1-BoxUsage:m5.large", [("0", "Inf", "0.124")]),
                product("E2", "APN1-BoxUsage:m5.large", [("0", "Inf", "0.124")]),
            ),
            request(EC2, TOKYO),
        )
        report = refresh(catalog_file, client=client, today=TODAY)
        stubber.assert_no_pending_responses()
    reasons = {(f.key, f.region): f.reason for f in report.failed}
    assert reasons[(FARGATE, TOKYO)].startswith("ambiguous: 2 products with different prices")
    assert reasons[(FARGATE, OSAKA)].startswith("not found: no on-demand product for ")
    assert reasons[(S3, TOKYO)].startswith("implausible: API says 25, catalogue has 0.025")
    assert report.unchanged == [(EC2, TOKYO)]
    assert Catalog.load(catalog_file).get(S3, TOKYO).usd == 0.025


def test_the_file_round_trips(catalog_file: Path, client: Any) -> None:
    before_text = catalog_file.read_text(encoding="utf-8")
    before = Catalog.load(catalog_file)
    with Stubber(client) as stubber:
        stub_all(stubber)
        refresh(catalog_file, client=client, today=TODAY)
    after_text = catalog_file.read_text(encoding="utf-8")
    after = Catalog.load(catalog_file)
    assert after_text.startswith(HEADER)  # the comment block survives
    assert list(after.prices) == list(before.prices)  # same entries, same order
    assert after.jpy_per_usd == before.jpy_per_usd and after.fx_source == before.fx_source
    for ident, price in after.prices.items():
        assert price.unit == before.prices[ident].unit
    # field order inside an entry is kept
    doc = yaml.safe_load(after_text)
    assert list(doc["prices"][0]) == ["key", "region", "unit", "usd", "source", "checked"]
    assert list(doc) == ["currency", "fx", "prices"]
    # a second refresh with the same answers changes prices no further
    with Stubber(client) as stubber:
        stub_all(stubber)
        report = refresh(catalog_file, client=client, today=TODAY)
        stubber.assert_no_pending_responses()
    assert report.updated == []
    assert catalog_file.read_text(encoding="utf-8") == after_text
    assert before_text != after_text


def test_dry_run_writes_nothing(catalog_file: Path, client: Any) -> None:
    before = catalog_file.read_text(encoding="utf-8")
    with Stubber(client) as stubber:
        stub_all(stubber, fargate_tokyo="0.05")
        report = refresh(catalog_file, client=client, today=TODAY, write=False)
        stubber.assert_no_pending_responses()
    assert not report.written and report.updated
    assert "(file not written)" in report.summary()
    assert catalog_file.read_text(encoding="utf-8") == before


def test_regions_and_keys_limit_the_refresh(catalog_file: Path, client: Any) -> None:
    with Stubber(client) as stubber:
        report = refresh(catalog_file, client=client, today=TODAY, regions=("us-east-1",))
        stubber.assert_no_pending_responses()
    assert (report.updated, report.unchanged, report.failed, report.not_refreshable) == (
        [],
        [],
        [],
        [],
    )


def test_missing_credentials_stop_the_refresh(catalog_file: Path) -> None:
    class NoCredentials:
        def get_products(self, **_: Any) -> Any:
            raise NoCredentialsError()

    before = catalog_file.read_text(encoding="utf-8")
    with pytest.raises(RefreshError, match="cannot call the AWS Price List API"):
        refresh(catalog_file, client=NoCredentials(), today=TODAY)
    assert catalog_file.read_text(encoding="utf-8") == before


def test_an_invalid_catalogue_is_refused_before_any_call(tmp_path: Path, client: Any) -> None:
    from gcmod.pricing import CatalogError

    path = tmp_path / "prices.yaml"
    path.write_text("currency: USD\n", encoding="utf-8")
    with Stubber(client) as stubber:
        with pytest.raises(CatalogError):
            refresh(path, client=client, today=TODAY)
        stubber.assert_no_pending_responses()  # and no call was made


def test_every_packaged_key_is_mapped_or_documented() -> None:
    keys = Catalog.load().keys()
    assert set(QUERIES) <= keys, "a mapping for a key the catalogue does not have"
    assert keys - set(QUERIES) == set(NOT_REFRESHABLE)
    for key, query in QUERIES.items():
        filters = query.resolve(TOKYO)
        assert filters[0] == {"Type": "TERM_MATCH", "Field": "regionCode", "Value": TOKYO}
        assert all(f["Value"] and "{" not in f["Value"] for f in filters), key


def test_the_packaged_catalogue_survives_a_dump(tmp_path: Path) -> None:
    """Writing the packaged file back through the refresh writer changes nothing."""
    packaged = Catalog.load()
    text = packaged.path.read_text(encoding="utf-8")
    copy = tmp_path / "prices.yaml"
    from gcmod.pricing.refresh import _header

    copy.write_text(_header(text) + dump_catalog(yaml.safe_load(text)), encoding="utf-8")
    assert copy.read_text(encoding="utf-8") == text
