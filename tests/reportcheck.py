"""What a reader on a phone or a desktop needs of a report page, measured in Chromium:
no sideways scroll of the page, no text under 11 px, and text contrast of at least
4.5:1 (3:1 for large text), per WCAG 2.2 (1.4.3 Contrast (Minimum)).

With ``GCMOD_SCREENSHOTS=<folder>`` set, :func:`measure` also saves the top of each
page as ``<folder>/<name>.png`` (the screenshots of docs/reports.md:
``GCMOD_SCREENSHOTS=docs/screenshots pytest -n 0 tests/test_report_browser.py``)."""

from __future__ import annotations

import os
import weakref
from pathlib import Path
from typing import Any

#: Runs in the page; returns {scrollWidth, innerWidth, small, lowContrast, wide}.
MEASURE_JS = (Path(__file__).parent / "reportcheck.js").read_text(encoding="utf-8")

#: One tab per browser, navigated from page to page: a new tab per measurement
#: (a browser context and a renderer process each) cost ~0.3 s CPU more than a
#: navigation, twice what loading the page costs.
_tabs: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


#: Height of the screenshots: a desktop's screen, a phone's (CSS px).
SCREEN_HEIGHT = {390: 844, 1280: 800}


def measure(browser: Any, uri: str, width: int, name: str | None = None) -> dict[str, Any]:
    """Open ``uri`` at ``width`` CSS px in the browser's one tab and measure it (see
    :data:`MEASURE_JS`); with ``GCMOD_SCREENSHOTS`` set, save the first screen as
    ``<name>.png`` there."""
    height = SCREEN_HEIGHT.get(width, 900)
    tab = _tabs.get(browser)
    if tab is None or tab.is_closed():
        tab = _tabs[browser] = browser.new_page(viewport={"width": width, "height": height})
    tab.set_viewport_size({"width": width, "height": height})
    tab.goto(uri, wait_until="load")
    folder = os.environ.get("GCMOD_SCREENSHOTS")
    if folder and name:
        Path(folder).mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)
    return tab.evaluate(MEASURE_JS)


def problems(result: dict[str, Any]) -> list[str]:
    out = []
    if result["scrollWidth"] > result["innerWidth"]:
        out.append(
            f"page scrolls sideways: {result['scrollWidth']} > {result['innerWidth']} px "
            f"({', '.join(result['wide'][:5])})"
        )
    out += [f"text under 11 px: {s}" for s in result["small"][:10]]
    out += [f"contrast: {s}" for s in result["lowContrast"][:10]]
    return out
