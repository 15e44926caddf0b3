"""What a reader on a phone or a desktop needs of a report page, measured in Chromium:
no sideways scroll of the page, no text under 11 px, and text contrast of at least
4.5:1 (3:1 for large text), per WCAG 2.2 (1.4.3 Contrast (Minimum))."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

#: Runs in the page; returns {scrollWidth, innerWidth, small, lowContrast, wide}.
MEASURE_JS = (Path(__file__).parent / "reportcheck.js").read_text(encoding="utf-8")

#: One tab per browser, navigated from page to page: a new tab per measurement
#: (a browser context and a renderer process each) cost ~0.3 s CPU more than a
#: navigation, twice what loading the page costs.
_tabs: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def measure(browser: Any, uri: str, width: int) -> dict[str, Any]:
    """Open ``uri`` at ``width`` CSS px and measure it (see :data:`MEASURE_JS`)."""
    tab = _tabs.get(browser)
    if tab is None or tab.is_closed():
        tab = _tabs[browser] = browser.new_page(viewport={"width": width, "height": 900})
    tab.set_viewport_size({"width": width, "height": 900})
    tab.goto(uri, wait_until="load")
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
