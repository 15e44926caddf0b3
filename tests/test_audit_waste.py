"""Savings of audit findings against list-price arithmetic done by hand (issue 15).

A small deployed estate, shaped as the collectors shape it: a development
m4.xlarge on a 2,000 GB gp2 root volume that runs 24/7, three NAT gateways in
development (one allowed), and an unattached 100 GB gp2 volume for a month.
Tokyo list prices from the sourced catalogue (src/gcmod/data/prices.yaml), checked
first: m4.xlarge $0.258/h, m5.xlarge $0.248/h, gp2 $0.12 and gp3 $0.096 per
GB-month, NAT gateway $0.062/h; 157 yen to the dollar.
"""

from __future__ import annotations

from datetime import date

import pytest

from gcmod.audit.report import to_json
from gcmod.audit.runner import AuditResult, evaluate_account
from gcmod.audit.scope import AccountTarget, Scope
from gcmod.graph import ResourceNode
from gcmod.officecalendar import office_days

HOME = "ap-northeast-1"
TODAY = date(2027, 4, 1)
DEV = {"Environment": "development", "System": "juki"}
PRICES = {
    "ec2.instance-hour.m4.xlarge": 0.258,
    "ec2.instance-hour.m5.xlarge": 0.248,
    "ebs.gp2.gb-month": 0.12,
    "ebs.gp3.gb-month": 0.096,
    "natgateway.hour": 0.062,
}


def _node(type_: str, name: str, inputs: dict) -> ResourceNode:
    return ResourceNode(
        urn=f"arn:aws:gcmod:{HOME}:123456789012:{name}",
        type=type_,
        name=name,
        custom=True,
        inputs=inputs,
        region=HOME,
    )


def _estate() -> list[ResourceNode]:
    root = {"volumeId": "vol-0a1", "volumeType": "gp2", "volumeSize": 2000, "encrypted": True}
    nodes = [
        _node("aws:ec2/instance:Instance", "app",
              {"instanceType": "m4.xlarge", "metadataOptions": {"httpTokens": "required"},
               "rootBlockDevice": root, "ebsBlockDevices": [],
               # no System tag: a GCM-TAG-001 finding (Environment/System are aliases)
               "tags": {"Environment": "development"}}),
        _node("aws:ebs/volume:Volume", "loose",
              {"type": "gp2", "size": 100, "encrypted": True, "tags": DEV,
               "gcmodObserved": {"state": "available", "ageDays": 30.0}}),
    ]  # fmt: skip
    nodes += [
        _node(
            "aws:ec2/natGateway:NatGateway", f"nat-{z}", {"connectivityType": "public", "tags": DEV}
        )
        for z in "acd"
    ]
    return nodes


@pytest.fixture(scope="module")
def result(catalog) -> AuditResult:
    for key, usd in PRICES.items():
        assert catalog.get(key, HOME).usd == usd, key  # the prices the arithmetic uses
    assert catalog.jpy_per_usd == 157
    target = AccountTarget("123456789012")
    acct = evaluate_account(target, HOME, _estate(), catalog, None, today=TODAY)
    return AuditResult(Scope(regions=(HOME,), home_region=HOME, accounts=[target]), [acct])


def _saving(result: AuditResult, rule_id: str, name: str):
    [f] = [
        f for f in result.findings
        if f.violation.rule.id == rule_id and f.violation.resource_name == name
    ]  # fmt: skip
    return f.waste


def _office_share() -> float:
    """Off-hours share of 730 h: office days Apr 2027 - Mar 2028 × 10 h (08:00-18:00), a
    month on average; the office days come from the office calendar (its own tests)."""
    days = len(office_days(date(2027, 4, 1), date(2028, 4, 1)))
    return 1 - days * 10 / 12 / 730


@pytest.mark.parametrize(
    ("rule_id", "name", "usd", "method"),
    [
        ("GCM-COST-001", "app", 730 * (0.258 - 0.248), "current-generation"),  # m4 → m5
        ("GCM-STO-001", "app", 2000 * (0.12 - 0.096), "gp3"),  # root volume vol-0a1
        ("GCM-IDLE-001", "loose", 100 * 0.12, "delete"),
        ("GCM-STO-001", "loose", 0.0, "gp3"),  # counted once: deleting it saves all
        ("GCM-NET-001", "nat-c", 730 * 0.062, "delete"),  # each extra gateway
        ("GCM-NET-001", "nat-d", 730 * 0.062, "delete"),
        ("GCM-TAG-001", "app", 0.0, "none"),  # a missing tag saves nothing by itself
    ],
)
def test_each_saving_is_the_hand_computed_difference(result, rule_id, name, usd, method):
    w = _saving(result, rule_id, name)
    assert w.method == method
    assert w.monthly_usd == round(usd, 2)
    assert w.monthly_jpy == round(round(usd, 2) * 157)


def test_unscheduled_development_saves_the_office_calendars_off_hours(result) -> None:
    w = _saving(result, "GCM-SCHED-001", "app")
    share = _office_share()
    assert 0.6 < share < 0.8  # about 243 office days of 10 h in a year
    # After the move to m5 (applied first, counted once): the off-hours share of m5's hours.
    assert w.method == "off-hours" and w.monthly_usd == round(share * 730 * 0.248, 2)


def test_the_gp2_finding_names_the_volume_and_the_instance(result) -> None:
    [f] = [f for f in result.findings if f.violation.rule.id == "GCM-STO-001"
           and f.violation.resource_name == "app"]  # fmt: skip
    assert "vol-0a1" in f.violation.message.en and "app" in f.violation.message.en
    assert "vol-0a1" in f.violation.message.ja


def test_totals_by_rule_and_by_lever_add_up_to_the_estate(result) -> None:
    doc = to_json(result)
    share = _office_share()
    hand = [7.30, 48.00, 12.00, 45.26, 45.26, round(share * 730 * 0.248, 2)]
    assert doc["wasteUsd"] == round(sum(hand), 2)
    assert doc["wasteJpy"] == sum(round(x * 157) for x in hand)
    for key in ("wasteByRule", "wasteByLever"):
        rows = doc[key].values()
        assert round(sum(r["usd"] for r in rows), 2) == doc["wasteUsd"]
        assert sum(r["jpy"] for r in rows) == doc["wasteJpy"]
    assert doc["wasteByRule"]["GCM-NET-001"]["usd"] == 90.52
    assert doc["wasteByLever"]["tagging"]["usd"] == 0.0
    per_finding = [f["wasteUsd"] for f in doc["findings"] if f["wasteUsd"] is not None]
    assert round(sum(per_finding), 2) == doc["wasteUsd"]
    assert all(f["saving"]["method"] for f in doc["findings"])


def test_the_japanese_report_shows_the_same_yen_that_add_up(result) -> None:
    """The HTML view shows the audit's own yen (each finding's, summed), so the total
    card, the bars by lever and the rows by rule agree to the yen."""
    from gcmod.audit.view import build

    doc = to_json(result)
    view = build(result, "ja", rate=157.0)
    assert view.cards[2]["value"] == f"{doc['wasteJpy']:,}円"

    def yen(text: str) -> int:
        return int(text.removesuffix("円").replace(",", "")) if text != "-" else 0

    assert sum(yen(b["label"]) for b in view.lever_bars) == doc["wasteJpy"]
    assert sum(yen(row[4]) for row in view.rule_rows) == doc["wasteJpy"]
