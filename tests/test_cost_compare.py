"""Comparing two estimates (`gcmod estimate --compare`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gcmod.cost import compare as cmp
from gcmod.cost import report
from gcmod.cost.model import EstimateResult


@pytest.fixture(scope="module")
def docs(sample_estimates: dict[str, EstimateResult]) -> dict[str, dict]:
    return {name: report.to_json(res) for name, res in sample_estimates.items()}


def test_compare_with_itself_is_all_zeros(docs: dict[str, dict]) -> None:
    for name, doc in docs.items():
        c = cmp.compare(doc, doc)
        rows = c.totals + c.categories + c.levers + c.resources
        assert rows, name
        assert all(r.delta_usd == 0 and r.delta_jpy == 0 for r in rows), name
        assert c.count("added") == c.count("removed") == c.count("changed") == 0
        assert c.count("same") == len({li["resource"] for li in doc["planned"]["lines"]})
        assert "no change" in cmp.markdown(c)


def test_differences_add_up_to_the_totals(docs: dict[str, dict]) -> None:
    before, after = docs["saas-prod"], docs["saas-staging"]
    c = cmp.compare(before, after)
    planned = next(r for r in c.totals if r.key == "planned")
    assert planned.delta_usd == pytest.approx(
        after["planned"]["monthlyUsd"] - before["planned"]["monthlyUsd"]
    )
    # Per resource, per category: the differences sum to the total's, in USD and exactly in yen.
    assert sum(r.delta_usd for r in c.resources) == pytest.approx(planned.delta_usd)
    assert sum(r.delta_jpy for r in c.resources) == planned.delta_jpy
    assert sum(r.delta_jpy for r in c.categories) == planned.delta_jpy
    lever_d = sum(r.delta_usd for r in c.levers)
    assert lever_d == pytest.approx(
        sum(lv["monthlyUsd"] for lv in after["levers"])
        - sum(lv["monthlyUsd"] for lv in before["levers"])
    )
    # The stack prefix is dropped, so the two stacks of one program match by resource.
    db = next(r for r in c.resources if r.key == "db-cluster")
    assert db.status == "changed" and db.delta_usd < 0
    # A resource only one side has is added or removed.
    assert {r.status for r in c.resources} >= {"changed", "same"}
    assert c.count("removed") >= 1  # saas-staging copies no backups to Osaka


def test_markdown_is_short_with_totals_first(docs: dict[str, dict]) -> None:
    c = cmp.compare(docs["saas-prod"], docs["saas-dev"])
    md = cmp.markdown(c)
    assert md.index("Totals") < md.index("By category") < md.index("Resources")
    assert md.count("\n| ") <= 3 + 10 + 8 + cmp.TOP_ROWS + 8
    assert len(md) < 65536  # a GitHub comment's limit
    doc = cmp.to_json(c)
    assert json.loads(json.dumps(doc)) == doc
    assert len(doc["resources"]) == len(c.resources)
    assert "Δ USD/month" in cmp.table(c)


def test_a_file_that_is_not_an_estimate_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"schema": "something/1"}', encoding="utf-8")
    with pytest.raises(cmp.CompareInputError, match="not a gcmod estimate"):
        cmp.load_estimate_json(bad)
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(cmp.CompareInputError, match="not a readable JSON"):
        cmp.load_estimate_json(bad)
