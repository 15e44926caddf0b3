"""The template catalogue: diagram layout, page content, links, output folder, CLI."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from fixtures import liftshift

from gcmod.catalog import CatalogOutputError, entries_from_stacks
from gcmod.catalog.analysis import StackResult
from gcmod.catalog.build import MANIFEST, build, check_output
from gcmod.catalog.diagram import (
    MAX_ROWS,
    ROOT_KEY,
    _ranks,
    group_edges,
    group_resources,
    layout,
    render_svg,
)
from gcmod.cli import main
from gcmod.cost.report import fmt_usd
from gcmod.policies.harness import check_graph
from gcmod.policies.model import all_rules
from gcmod.scaffold import templates

SVG = "{http://www.w3.org/2000/svg}"


# --------------------------------------------------------------------------- diagram


def _kinds(groups) -> dict[str, list]:
    out: dict[str, list] = {}
    for g in groups:
        out.setdefault(g.kind.rsplit(":", 1)[-1], []).append(g)
    return out


def test_every_cloud_resource_is_in_exactly_one_group(sample_stacks) -> None:
    for _cfg, graph in sample_stacks.values():
        groups = group_resources(graph)
        urns = [r.urn for g in groups for r in g.resources]
        assert sorted(urns) == sorted(r.urn for r in graph.custom_resources)
        for g in groups:
            assert {r.region or graph.region for r in g.resources} == {g.region}


def test_groups_follow_components_and_split_the_dr_region(sample_stacks) -> None:
    _cfg, graph = sample_stacks["saas-prod"]
    kinds = _kinds(group_resources(graph))
    assert {"Network", "StatelessService", "Database", "ManagedLogging", "ManagedBackup"} <= set(
        kinds
    )
    # the backup component has a vault in Tokyo and its DR copy vault in Osaka
    assert sorted(g.region for g in kinds["ManagedBackup"]) == ["ap-northeast-1", "ap-northeast-3"]
    osaka = next(g for g in kinds["ManagedBackup"] if g.region == "ap-northeast-3")
    assert "aws:backup/vault:Vault" in {r.type for r in osaka.resources}
    # tenant routing declared by the platform itself
    assert any(r.type == "aws:lb/listenerRule:ListenerRule" for r in kinds[ROOT_KEY][0].resources)
    # the development stack's shutdown schedule is a group of its own
    dev_kinds = _kinds(group_resources(sample_stacks["saas-dev"][1]))
    assert "ScheduledShutdown" in dev_kinds


def test_edges_point_from_a_dependency_to_its_dependent(sample_stacks) -> None:
    _cfg, graph = sample_stacks["saas-prod"]
    groups = group_resources(graph)
    edges = group_edges(graph, groups)
    idx = {g.kind.rsplit(":", 1)[-1] + "@" + g.region: i for i, g in enumerate(groups)}
    net = idx["Network@ap-northeast-1"]
    app = idx["StatelessService@ap-northeast-1"]
    db = idx["Database@ap-northeast-1"]
    assert edges[(net, app)] >= 1 and edges[(net, db)] >= 1
    assert (app, net) not in edges  # the network depends on nothing of the service
    # the copy rule of the Tokyo plan refers to the Osaka vault
    assert edges[(idx["ManagedBackup@ap-northeast-3"], idx["ManagedBackup@ap-northeast-1"])] >= 1


def _overlap(a, b) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


@pytest.mark.parametrize("name", ["saas-prod", "saas-dev", "saas-dr", "town-prod"])
def test_layout_boxes_do_not_overlap_and_sit_in_their_region(sample_stacks, name) -> None:
    _cfg, graph = sample_stacks[name]
    lay = layout(graph)
    for i, a in enumerate(lay.boxes):
        for b in lay.boxes[i + 1 :]:
            assert not _overlap(a, b), (lay.groups[a.group].name, lay.groups[b.group].name)
    frames = {f.region: f for f in lay.regions}
    for b in lay.boxes:
        f = frames[lay.groups[b.group].region]
        assert f.x <= b.x and b.x + b.w <= f.x + f.w and f.y <= b.y and b.y + b.h <= f.y + f.h
    for i, a in enumerate(lay.regions):
        for b in lay.regions[i + 1 :]:
            assert not _overlap(a, b)
    assert lay.regions[0].region == graph.region and lay.regions[0].primary
    assert 0 < lay.width and all(f.x + f.w <= lay.width + 0.01 for f in lay.regions)


@pytest.mark.parametrize("name", ["saas-prod", "saas-dev"])
def test_a_dependent_sits_right_of_what_it_depends_on(sample_stacks, name) -> None:
    _cfg, graph = sample_stacks[name]
    lay = layout(graph)
    pairs = {(e.source, e.target) for e in lay.edges}
    for e in lay.edges:
        if e.cross_region or (e.target, e.source) in pairs:
            continue  # cycles are broken one way, across regions frames decide
        assert lay.boxes[e.source].x < lay.boxes[e.target].x, e


def test_ranks_break_a_cycle_by_priority() -> None:
    # 0 <-> 1 (a cycle), 1 -> 2; node 1 has the higher priority, so it goes first
    ranks = _ranks([0, 1, 2], {(0, 1): 1, (1, 0): 1, (1, 2): 1}, {0: (5, 0), 1: (1, 1), 2: (9, 2)})
    assert ranks[1] < ranks[0] and ranks[1] < ranks[2]
    # a leaf sits in the last column, next to what depends on nothing further
    assert _ranks([0, 1, 2], {(0, 1): 1}, {0: (0, 0), 1: (0, 1), 2: (0, 2)}) == {0: 0, 1: 1, 2: 1}


def test_box_rows_are_capped_and_keep_the_count(sample_stacks) -> None:
    _cfg, graph = sample_stacks["saas-dev"]
    for g in group_resources(graph):
        for lang in ("ja", "en"):
            rows = g.rows(lang)
            assert 1 <= len(rows) <= MAX_ROWS
            assert sum(n for _, n in rows) == len(g.resources)


def test_svg_is_wellformed_with_a_box_per_group(sample_stacks) -> None:
    _cfg, graph = sample_stacks["saas-prod"]
    for lang, words in (("ja", ["ネットワーク", "大阪"]), ("en", ["Network", "Osaka region"])):
        svg = render_svg(graph, lang, svg_id="t")
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert root.find(f"{SVG}title").text
        nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
        assert len(nodes) == len(group_resources(graph))
        edges = [p for p in root.iter(f"{SVG}path") if p.get("class") == "edge"]
        assert len(edges) == len(group_edges(graph, group_resources(graph)))
        for w in words:
            assert w in svg


def test_a_graph_without_components_is_grouped_by_region() -> None:
    graph = liftshift.graph()
    groups = group_resources(graph)
    assert {g.kind for g in groups} == {ROOT_KEY}
    assert {g.region for g in groups} == {"ap-northeast-1", "ap-northeast-3"}
    ET.fromstring(render_svg(graph, "en"))


# --------------------------------------------------------------------------- policy status


def test_rule_status_reports_violations_of_the_lift_and_shift(sample_stacks) -> None:
    cfg, _graph = sample_stacks["saas-prod"]
    graph = liftshift.graph()
    report = check_graph(graph)
    s = StackResult(stack=None, cfg=cfg, graph=graph, report=report, estimate=None)
    statuses = {r.id: s.rule_status(r) for r in report.rules}
    mandatory = {v.rule.id for v in report.mandatory}
    assert mandatory, "the lift-and-shift breaks mandatory rules"
    for rid in mandatory:
        status, n = statuses[rid]
        assert status == "mandatory" and n == sum(v.mandatory for v in report.by_rule(rid))
    for rid, (status, _n) in statuses.items():
        if not report.by_rule(rid):
            assert status in ("pass", "n/a", "disabled")
    passed, ran = s.rules_passed()
    assert passed == ran - len({v.rule.id for v in report.violations})


# --------------------------------------------------------------------------- built site


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.lang: str | None = None
        self.ids: list[str] = []
        self.classes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("a", "link") and a.get("href"):
            self.links.append(a["href"])
        if tag in ("img", "script") and a.get("src"):
            self.links.append(a["src"])
        if a.get("id"):
            self.ids.append(a["id"])
        for c in (a.get("class") or "").split():
            self.classes.append((tag, c))


def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def site(catalog_site) -> tuple[Path, dict]:
    return catalog_site


def test_one_page_per_template_and_language(site) -> None:
    out, data = site
    ids = [t.id for t in templates()]
    assert [t["id"] for t in data["templates"]] == ids
    for tid in ids:
        assert (out / "templates" / f"{tid}.html").is_file()
        assert (out / "en" / "templates" / f"{tid}.html").is_file()
    assert _parse(out / "index.html").lang == "ja"
    assert _parse(out / "en" / "index.html").lang == "en"
    assert _parse(out / "en" / "templates" / f"{ids[0]}.html").lang == "en"
    listed = set(data["files"])
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert listed == on_disk


def test_every_internal_link_resolves(site) -> None:
    out, _ = site
    pages = list(out.rglob("*.html"))
    assert len(pages) == 2 + 2 * len(templates())
    for page in pages:
        parsed = _parse(page)
        assert parsed.links, page
        for link in parsed.links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, f"{page}: absolute link {link}"
            if not parts.path:
                assert parts.fragment in parsed.ids, f"{page}: no #{parts.fragment}"
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page}: {link} -> {target}"
            assert out.resolve() in target.parents


def test_pages_load_nothing_from_outside(site) -> None:
    out, _ = site
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text
        assert not re.search(r"(href|src)=\"(https?:)?//", text), page
        assert "@import" not in text
        assert not re.search(r"url\((?!#)", text), page  # only url(#marker) inside the SVG
    for css in out.rglob("*.css"):
        assert "url(" not in css.read_text(encoding="utf-8")


def test_template_page_has_diagram_rules_costs_and_options(site) -> None:
    out, data = site
    rules = all_rules()
    for t in data["templates"]:
        for lang in ("ja", "en"):
            page = out / t["pages"][lang]
            text = page.read_text(encoding="utf-8")
            parsed = _parse(page)
            assert ("svg", "arch") in parsed.classes
            assert ("table", "cost") in parsed.classes
            assert ("table", "rules") in parsed.classes
            assert ("table", "config") in parsed.classes
            # rule ids, option keys and stack names are data, marked translate="no"
            for r in rules:
                assert f'<span class="id" translate="no">{r.id}</span>' in text
            assert '<span class="id" translate="no">gcmod:service.minTasks</span>' in text
            # one cost row per stack, with the manifest's figures
            for s in t["stacks"]:
                assert f'"><span class="id" translate="no">{s["name"]}</span></td>' in text
            primary = next(s for s in t["stacks"] if s["name"] == t["primaryStack"])
            if lang == "en":
                assert fmt_usd(primary["plannedMonthlyUsd"]) in text
                assert fmt_usd(primary["baselineMonthlyUsd"]) in text
            # the per-tenant shares section and the before/after chart
            assert 'id="chart-ba-title"' in text and 'id="chart-wf-title"' in text
            assert text.count("<svg") == 3  # diagram, before/after, lever waterfall


def test_templates_pass_the_mandatory_rules_in_the_catalogue(site) -> None:
    _, data = site
    for t in data["templates"]:
        for s in t["stacks"]:
            assert s["rules"]["mandatory"] == 0, (t["id"], s["name"])
            assert 0 < s["rules"]["passed"] <= s["rules"]["ran"] <= len(all_rules())
            assert 0 < s["plannedMonthlyUsd"] < s["baselineMonthlyUsd"]


def test_index_compares_every_template(site) -> None:
    out, data = site
    for lang, prefix in (("ja", ""), ("en", "en/")):
        text = (out / prefix / "index.html").read_text(encoding="utf-8")
        assert ("table", "compare") in _parse(out / prefix / "index.html").classes
        for t in data["templates"]:
            assert f'href="templates/{t["id"]}.html"' in text
            assert (t["titleJa"] if lang == "ja" else t["titleEn"]) in text.replace("&amp;", "&")


def test_index_says_a_dr_template_costs_nothing_until_deployed(site) -> None:
    from gcmod.catalog.pages import T

    out, _data = site
    for lang, prefix in (("ja", ""), ("en", "en/")):
        text = (out / prefix / "index.html").read_text(encoding="utf-8")
        cards = [c.split("</a>")[0] for c in text.split('class="tcard"')[1:]]
        dr = [c for c in cards if "templates/dr-rebuild.html" in c.split(">")[0]]
        others = [c for c in cards if c not in dr]
        assert len(dr) == 1 and T[lang]["dr_cost"] in dr[0]
        assert len(others) == 2 and not any(T[lang]["dr_cost"] in c for c in others)


# --------------------------------------------------------------------------- output folder


def test_refuses_a_non_empty_folder_that_is_not_a_catalogue(tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CatalogOutputError, match="not empty"):
        check_output(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(CatalogOutputError, match="not a folder"):
        check_output(tmp_path / "file")
    assert check_output(tmp_path / "new") is None
    with pytest.raises(CatalogOutputError, match="cannot write"):
        check_output(tmp_path / "file" / "below")


def test_rebuild_replaces_a_previous_catalogue_only(tmp_path) -> None:
    entries = [e for e in entries_from_stacks() if e.id == "town"]
    out = tmp_path / "site"
    out.mkdir()
    (out / "templates").mkdir()
    (out / "templates" / "old.html").write_text("stale")
    (out / "keep.txt").write_text("not ours")
    manifest = {"schema": "gcmod.catalog/1", "files": ["templates/old.html", "../outside.txt"]}
    (out / MANIFEST).write_text(json.dumps(manifest))
    (tmp_path / "outside.txt").write_text("never touched")
    data = build(entries, out, langs=["en"])
    assert not (out / "templates" / "old.html").exists()
    assert (out / "keep.txt").read_text() == "not ours"
    assert (tmp_path / "outside.txt").read_text() == "never touched"
    assert (out / "templates" / "town.html").is_file()
    assert _parse(out / "index.html").lang == "en" and not (out / "en").exists()
    assert data["index"] == {"en": "index.html"}
    assert json.loads((out / MANIFEST).read_text())["files"] == data["files"]


@pytest.mark.parametrize("files", [5, "index.html", {"a": 1}, [1, 2], None])
def test_a_malformed_manifest_is_not_taken_for_a_previous_catalogue(tmp_path, files) -> None:
    (tmp_path / MANIFEST).write_text(json.dumps({"schema": "gcmod.catalog/1", "files": files}))
    (tmp_path / "i").write_text("mine")  # one of the letters a string 'files' would name
    with pytest.raises(CatalogOutputError, match="holds no previous catalogue"):
        check_output(tmp_path)
    assert check_output(tmp_path, force=True) is None  # nothing of it would be deleted
    assert (tmp_path / "i").read_text() == "mine"


def test_force_writes_into_a_foreign_folder_beside_its_files(tmp_path) -> None:
    (tmp_path / "README.txt").write_text("publish folder")
    entries = [e for e in entries_from_stacks() if e.id == "town"]
    with pytest.raises(CatalogOutputError):
        build(entries, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["README.txt"]
    build(entries, tmp_path, force=True)
    assert (tmp_path / "README.txt").read_text() == "publish folder"
    assert (tmp_path / "index.html").is_file() and (tmp_path / MANIFEST).is_file()


def test_bad_languages_are_refused_before_writing(tmp_path) -> None:
    with pytest.raises(CatalogOutputError, match="languages"):
        build(entries_from_stacks(), tmp_path / "x", langs=["fr"])
    assert not (tmp_path / "x").exists()


# --------------------------------------------------------------------------- CLI


def test_cli_refuses_a_foreign_folder_with_exit_2(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("keep")
    result = CliRunner().invoke(main, ["catalog", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "not empty" in result.output and "--force" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
    result = CliRunner().invoke(main, ["catalog", "--out", str(tmp_path / "a.txt")])
    assert result.exit_code == 2 and "not a folder" in result.output
    assert "カタログを作成できません / cannot build the catalogue" in result.output


def test_cli_refuses_an_unwritable_folder_before_any_work(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    # Root may write anywhere, so the permission is denied through os.access.
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != locked and real(p, mode))
    result = CliRunner().invoke(main, ["catalog", "--out", str(locked / "site")])
    assert result.exit_code == 2, result.output
    assert f"({locked} is not a writable folder)" in result.output
    assert "[1/" not in result.output  # refused before scaffolding anything
    assert list(locked.iterdir()) == []


def test_cli_refuses_an_empty_out_instead_of_the_current_folder(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # empty: "." would be accepted as the output folder
    result = CliRunner().invoke(main, ["catalog", "--out", ""])
    assert result.exit_code == 2
    assert "--out: 空のパスは使えません / the path is empty" in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_builds_with_progress_and_json(tmp_path) -> None:
    """Two whole `gcmod catalog` builds, as a user runs them (~4 s CPU with the
    session's graph cache warm: scaffolding, checks, estimates and pages of every
    template, twice; the second over the first's folder is the point)."""
    out = tmp_path / "cat"
    result = CliRunner().invoke(main, ["catalog", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == "gcmod.catalog/1"
    assert len(data["templates"]) == len(templates())
    for k, t in enumerate(templates(), 1):
        assert f"[{k}/{len(templates())}] {t.id}: 合成・検査・概算 / synth" in result.stderr
    assert (out / "index.html").is_file() and (out / "en" / "index.html").is_file()
    # a second run over its own catalogue needs no --force, and keeps a file of the user's
    (out / "README.txt").write_text("publish notes")
    again = CliRunner().invoke(main, ["catalog", "--out", str(out), "--lang", "en"])
    assert again.exit_code == 0, again.output
    assert f"カタログ / catalogue of {len(templates())} templates: open" in again.stdout
    assert _parse(out / "index.html").lang == "en"
    assert (out / "README.txt").read_text() == "publish notes"
    assert not (out / "en").exists()  # the previous build's folder, now empty, is gone


def test_option_types_read_in_japanese_and_keep_names_as_data() -> None:
    from gcmod.catalog.view import _default_cell, rich, type_text

    def shown(pieces):
        return "".join(f"`{p}`" if code else p for p, code in pieces)

    assert shown(type_text("int", "ja")) == "整数"
    assert shown(type_text("int or null", "ja")) == "整数 (省略可)"
    assert (
        shown(type_text("list of [TenantConfig](#tenantconfig)", "ja")) == "`TenantConfig` のリスト"
    )
    assert (
        shown(type_text("map of str to [LogClass](#logclass)", "ja"))
        == "文字列から `LogClass` への対応表"
    )
    assert shown(type_text("`none` \\| `single` \\| `per-az`", "ja")) == (
        "次のいずれか: `none` / `single` / `per-az`"
    )
    assert (
        shown(type_text("list of str", "en")) == "list of str"
    )  # English keeps the reference's words
    t = {"see_note": "注記"}
    assert _default_cell(rich("false: only where the grade asks"), t, "ja") == {
        "rich": [("false", True)],
        "sub": "注記",
    }
    assert _default_cell(rich("none: VPC endpoints serve it"), t, "ja")["text"] == "なし"
    assert _default_cell(rich("true in production, false elsewhere."), t, "ja") == {"text": "注記"}


def test_catalogue_texts_are_escaped_and_only_svg_passes_as_markup() -> None:
    from gcmod.catalog.view import _svg, rich
    from gcmod.reports import render

    evil = '<img src=x onerror="alert(1)">'
    card = {
        "href": "templates/x.html", "title": evil, "summary": rich(f"`{evil}` {evil}"),
        "planned": "1円", "per_month": "/月", "chip": "−1%", "chip_cls": "ok", "bar": 50,
        "vs": evil, "dr_note": "", "facts": evil,
    }  # fmt: skip
    view = {
        "lang": "ja", "version": "0", "site": evil, "back": None,
        "switch": {"href": "en/index.html", "lang": "en", "text": evil},
        "footer": rich(evil), "title": evil, "kicker": evil, "intro": rich(evil),
        "templates_title": evil, "cards": [card], "compare_title": evil,
        "compare_columns": [{"label": evil}, {"label": "ID", "id": True}],
        "compare_rows": [[{"text": evil, "sub": evil}, {"text": evil, "id": True}]], "note": evil,
    }  # fmt: skip
    html = render("catalog_index.html.j2", **view)
    assert "<img" not in html and html.count("&lt;img src=x") >= 12
    assert '<code translate="no">&lt;img' in html  # code in backticks is data
    assert str(_svg("<svg></svg>")) == "<svg></svg>"  # the one way markup gets in
