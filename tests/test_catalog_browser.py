"""The built catalogue in headless Chromium, from file://: no console errors, every
internal link resolves, each template page shows its diagram and its cost table.

Drives Debian's Chromium (/usr/bin/chromium, installed by .ci/run) through the
playwright package; no browser is downloaded and nothing leaves the machine.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from gcmod.catalog.browser import chromium


@pytest.fixture(scope="module")
def site(catalog_site) -> tuple[Path, dict]:
    return catalog_site


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _visit(browser, path: Path) -> tuple[object, list[str], list[str]]:
    """Open ``path``; return the page, its console errors and page errors, and any
    request that did not stay on file://."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("file:") else None)
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, errors, outside


def _links(page) -> list[str]:
    return page.eval_on_selector_all(
        "a[href], link[href], img[src], script[src]",
        "els => els.map(e => e.href || e.src)",
    )


def test_every_page_loads_cleanly_and_its_links_resolve(site, browser) -> None:
    out, data = site
    pages = [out / data["index"][lang] for lang in data["languages"]]
    pages += [out / t["pages"][lang] for t in data["templates"] for lang in data["languages"]]
    seen_links = 0
    for path in pages:
        page, errors, outside = _visit(browser, path)
        try:
            assert errors == [], f"{path}: {errors}"
            assert outside == [], f"{path}: requests off the disk: {outside}"
            # the stylesheet was applied (the top bar is styled by the inlined report.css)
            bg = page.eval_on_selector(".topbar", "e => getComputedStyle(e).backgroundColor")
            assert bg == "rgb(20, 40, 75)", f"{path}: report.css not applied ({bg})"
            for url in _links(page):
                parts = urlsplit(url)
                assert parts.scheme == "file", f"{path}: {url}"
                target = Path(unquote(parts.path))
                assert target.is_file(), f"{path}: {url}"
                if parts.fragment:
                    assert page.query_selector(f"#{parts.fragment}") is not None
                seen_links += 1
        finally:
            page.close()
    assert seen_links >= 4 * len(pages)


def test_each_template_page_shows_its_diagram_and_cost_table(site, browser) -> None:
    out, data = site
    for t in data["templates"]:
        for lang in data["languages"]:
            page, errors, _ = _visit(browser, out / t["pages"][lang])
            try:
                assert errors == []
                svg = page.locator("svg.arch")
                assert svg.count() == 1 and svg.is_visible()
                box = svg.bounding_box()
                assert box and box["width"] > 300 and box["height"] > 150, box
                # the boxes of the diagram are drawn (one per group)
                assert page.locator("svg.arch g.node").count() >= 5
                cost = page.locator("table.cost")
                assert cost.is_visible()
                assert cost.locator("tbody tr").count() == len(t["stacks"])
                assert page.locator("table.rules tbody tr").count() >= 20
                shown = page.locator("table.cost").inner_text()
                assert t["stacks"][0]["name"] in shown
            finally:
                page.close()


def test_index_screenshot(site, browser, tmp_path) -> None:
    out, data = site
    page, errors, _ = _visit(browser, out / "index.html")
    try:
        assert errors == []
        cards = page.locator("a.tcard")
        assert cards.count() == len(data["templates"])
        assert all(cards.nth(i).is_visible() for i in range(cards.count()))
        shot = tmp_path / "index.png"
        page.screenshot(path=str(shot), full_page=True)
    finally:
        page.close()
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert width == 1280 and height >= 900
