"""The built catalogue in headless Chromium, from file://: no console errors, every
internal link resolves, each template page shows its diagram and its cost table.

Drives Debian's Chromium (/usr/bin/chromium, installed by .ci/run) through the
playwright package; no browser is downloaded and nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest


@pytest.fixture(scope="module")
def site(catalog_site) -> tuple[Path, dict]:
    return catalog_site


@pytest.fixture(scope="module")
def tab(browser):
    """One tab (tests/conftest.py's Chromium) for every page of the module, each
    visit a navigation: a new tab per page (a browser context and a renderer
    process) cost ~0.3 s CPU more per visit, twice what loading the page costs."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    yield page
    page.close()


@contextmanager
def _visit(tab, path: Path) -> Iterator[tuple[list[str], list[str]]]:
    """Open ``path`` in ``tab``; yield the console errors and page errors of this
    visit, and any request of it that did not stay on file://."""
    errors: list[str] = []
    outside: list[str] = []
    listeners = {
        "console": lambda m: errors.append(m.text) if m.type == "error" else None,
        "pageerror": lambda e: errors.append(str(e)),
        "requestfailed": lambda r: errors.append(f"failed: {r.url}"),
        "request": lambda r: outside.append(r.url) if not r.url.startswith("file:") else None,
    }
    for event, listener in listeners.items():
        tab.on(event, listener)
    try:
        tab.goto(path.resolve().as_uri(), wait_until="load")
        yield errors, outside
    finally:
        for event, listener in listeners.items():
            tab.remove_listener(event, listener)


def _links(page) -> list[str]:
    return page.eval_on_selector_all(
        "a[href], link[href], img[src], script[src]",
        "els => els.map(e => e.href || e.src)",
    )


def test_every_page_loads_cleanly_and_its_links_resolve(site, tab) -> None:
    out, data = site
    pages = [out / data["index"][lang] for lang in data["languages"]]
    pages += [out / t["pages"][lang] for t in data["templates"] for lang in data["languages"]]
    seen_links = 0
    for path in pages:
        with _visit(tab, path) as (errors, outside):
            assert errors == [], f"{path}: {errors}"
            assert outside == [], f"{path}: requests off the disk: {outside}"
            # the stylesheet was applied (the top bar is styled by the inlined report.css)
            bg = tab.eval_on_selector(".topbar", "e => getComputedStyle(e).backgroundColor")
            assert bg == "rgb(20, 40, 75)", f"{path}: report.css not applied ({bg})"
            for url in _links(tab):
                parts = urlsplit(url)
                assert parts.scheme == "file", f"{path}: {url}"
                target = Path(unquote(parts.path))
                assert target.is_file(), f"{path}: {url}"
                if parts.fragment:
                    assert tab.query_selector(f"#{parts.fragment}") is not None
                seen_links += 1
    assert seen_links >= 4 * len(pages)


def test_each_template_page_shows_its_diagram_and_cost_table(site, tab) -> None:
    out, data = site
    for t in data["templates"]:
        for lang in data["languages"]:
            with _visit(tab, out / t["pages"][lang]) as (errors, _):
                assert errors == []
                svg = tab.locator("svg.arch")
                assert svg.count() == 1 and svg.is_visible()
                box = svg.bounding_box()
                assert box and box["width"] > 300 and box["height"] > 150, box
                # the boxes of the diagram are drawn (one per group)
                assert tab.locator("svg.arch g.node").count() >= 5
                cost = tab.locator("table.cost")
                assert cost.is_visible()
                assert cost.locator("tbody tr").count() == len(t["stacks"])
                assert tab.locator("table.rules tbody tr").count() >= 20
                shown = tab.locator("table.cost").inner_text()
                assert t["stacks"][0]["name"] in shown


def test_index_screenshot(site, tab, tmp_path) -> None:
    out, data = site
    with _visit(tab, out / "index.html") as (errors, _):
        assert errors == []
        cards = tab.locator("a.tcard")
        assert cards.count() == len(data["templates"])
        assert all(cards.nth(i).is_visible() for i in range(cards.count()))
        shot = tmp_path / "index.png"
        tab.screenshot(path=str(shot), full_page=True)
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert width == 1280 and height >= 900
