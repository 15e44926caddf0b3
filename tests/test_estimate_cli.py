"""`gcmod estimate` as a user runs it."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcmod.cli import main
from gcmod.stackfiles import samples_dir


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


@pytest.fixture(scope="module")
def prod_json() -> dict:
    res = CliRunner().invoke(main, ["estimate", "saas-prod", "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_default_sample_is_far_cheaper_than_the_lift_and_shift(prod_json) -> None:
    planned = prod_json["planned"]["monthlyUsd"]
    baseline = prod_json["baseline"]["monthlyUsd"]
    assert 0 < planned < baseline * 0.7  # at least the government's 30% target
    assert prod_json["ratio"] == pytest.approx(planned / baseline, rel=1e-6)
    assert {lv["lever"] for lv in prod_json["levers"]} >= {
        "multi-tenancy", "dr", "managed-services", "sizing", "operating-hours", "storage", "logs"
    }  # fmt: skip
    assert len(prod_json["shares"]) == 3


def test_jpy_rate_option_converts_at_that_rate(runner: CliRunner, prod_json) -> None:
    res = runner.invoke(main, ["estimate", "saas-prod", "--json", "--jpy-rate", "100"])
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data["fx"]["jpyPerUsd"] == 100
    assert data["planned"]["monthlyJpy"] == round(data["planned"]["monthlyUsd"] * 100)


def test_table_markdown_and_html(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(main, ["estimate", "--lang", "ja"])
    assert res.exit_code == 0 and "saas-prod" in res.output
    res = runner.invoke(main, ["estimate", "town-prod", "--markdown"])
    assert res.exit_code == 0 and "| " in res.output
    out = tmp_path / "report.html"
    res = runner.invoke(main, ["estimate", "saas-dev", "--html", str(out)])
    assert res.exit_code == 0
    text = out.read_text(encoding="utf-8")
    HTMLParser().feed(text)
    assert text.count("<svg") >= 2 and '<html lang="ja"' in text
    assert "<script" not in text


def test_bad_usage_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    stack = tmp_path / "Pulumi.town.yaml"
    stack.write_text(
        (samples_dir() / "Pulumi.town-prod.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "usage.town.yaml").write_text("dataGbs: 3\n", encoding="utf-8")
    res = runner.invoke(main, ["estimate", str(stack)])
    assert res.exit_code == 2
    assert "usage.town.yaml" in res.output and "dataGbs" in res.output
    assert "Traceback" not in res.output


def test_usage_file_changes_the_estimate(runner: CliRunner, tmp_path: Path) -> None:
    stack = tmp_path / "Pulumi.town.yaml"
    stack.write_text(
        (samples_dir() / "Pulumi.town-prod.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    base = json.loads(runner.invoke(main, ["estimate", str(stack), "--json"]).output)
    (tmp_path / "usage.town.yaml").write_text("dataGb: 500\n", encoding="utf-8")
    more = json.loads(runner.invoke(main, ["estimate", str(stack), "--json"]).output)
    assert more["planned"]["monthlyUsd"] > base["planned"]["monthlyUsd"]


def test_json_and_markdown_together_is_a_usage_error(runner: CliRunner) -> None:
    assert runner.invoke(main, ["estimate", "--json", "--markdown"]).exit_code == 2


def test_lever_explanations_come_in_both_languages(prod_json) -> None:
    for lever in prod_json["levers"]:
        assert lever["explanation"] and lever["explanationJa"] != lever["explanation"]
        assert any("\u3040" <= ch <= "\u9fff" for ch in lever["explanationJa"]), lever


def test_compare_with_its_own_json_is_zero_and_exports_are_written(
    runner: CliRunner, tmp_path: Path, prod_json
) -> None:
    # One CLI run (one synth, ~15 s on the shared machine) covers --compare FILE,
    # --csv and --xlsx wiring; the arithmetic is tested in test_cost_compare.py and
    # test_cost_spreadsheet.py on shared session estimates.
    before = tmp_path / "before.json"
    before.write_text(json.dumps(prod_json, ensure_ascii=False), encoding="utf-8")
    csv_path, xlsx_path = tmp_path / "e.csv", tmp_path / "e.xlsx"
    res = runner.invoke(
        main,
        ["estimate", "saas-prod", "--compare", str(before), "--json",
         "--csv", str(csv_path), "--xlsx", str(xlsx_path)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    diff = json.loads(res.stdout)
    assert diff["schema"] == "gcmod.estimate-compare/1"
    rows = diff["totals"] + diff["categories"] + diff["levers"] + diff["resources"]
    assert rows and all(r["deltaUsd"] == 0 and r["deltaJpy"] == 0 for r in rows)
    assert diff["counts"]["same"] == len(diff["resources"])
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    from openpyxl import load_workbook

    assert "明細 Line items" in load_workbook(xlsx_path).sheetnames


def test_compare_refuses_what_is_not_an_estimate(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "other.json"
    bad.write_text("[]", encoding="utf-8")
    res = runner.invoke(main, ["estimate", "--compare", str(bad), "--compare-stack", "x"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    res = runner.invoke(main, ["estimate", "--compare-stack", "x"])
    assert res.exit_code == 2 and "--compare-stack goes with --compare" in res.output


def test_bad_inventory_exits_2_naming_the_key(runner: CliRunner, tmp_path: Path) -> None:
    inv = tmp_path / "inv.yaml"
    inv.write_text("name: x\nservers:\n  - {name: a, vcpu: 2, memoryGb: 4, ram: 8}\n", "utf-8")
    res = runner.invoke(main, ["estimate", "town-prod", "--baseline", str(inv)])
    assert res.exit_code == 2 and "servers[0].ram: unknown key" in res.output
    assert "Traceback" not in res.output
    res = runner.invoke(main, ["estimate", "--baseline-project", str(tmp_path)])
    assert res.exit_code == 2 and "go together" in res.output
