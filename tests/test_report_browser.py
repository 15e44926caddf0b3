"""Every HTML report, in both languages, at a phone's width (390 px) and a desktop's
(1280 px), in headless Chromium: no sideways scroll of the page, no text under
11 px, and text contrast of at least 4.5:1 (tests/reportcheck.py).

Drives Debian's Chromium (/usr/bin/chromium, installed by .ci/run) through the
playwright package; nothing is downloaded and nothing leaves the machine.

``GCMOD_SCREENSHOTS=docs/screenshots pytest -n 0 tests/test_report_browser.py``
also saves the first screen of each Japanese page at both widths there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportcheck import measure, problems

from gcmod.reports import DESKTOP_PX, PHONE_PX

WIDTHS = (PHONE_PX, DESKTOP_PX)
LANGS = ("ja", "en")


@pytest.fixture(scope="module")
def pages(tmp_path_factory, sample_estimates, demo_audit, catalog_site) -> dict[str, Path]:
    """Every report page: kind-lang -> file. Slow for the first test of a worker:
    it builds the session's demo audit, catalogue and sample estimates when no
    earlier test on that worker has (tests/conftest.py; ~5-15 s CPU together)."""
    from gcmod.audit.report import html_report
    from gcmod.cost import report as estimate_report

    out = tmp_path_factory.mktemp("reports")
    files: dict[str, Path] = {}
    for lang in LANGS:
        path = out / f"audit-{lang}.html"
        path.write_text(html_report(demo_audit, lang), encoding="utf-8")
        files[f"audit-{lang}"] = path
        files[f"estimate-{lang}"] = estimate_report.write_html(
            sample_estimates["saas-prod"], out / f"estimate-{lang}.html", lang=lang
        )
    site, data = catalog_site
    for lang in data["languages"]:
        files[f"catalog-index-{lang}"] = site / data["index"][lang]
        first = data["templates"][0]
        files[f"catalog-template-{lang}"] = site / first["pages"][lang]
    return files


KINDS = ("audit", "estimate", "catalog-index", "catalog-template")
#: Languages whose pages are saved as screenshots when GCMOD_SCREENSHOTS is set
#: (tests/reportcheck.py); docs/reports.md shows them.
SCREENSHOT_LANGS = ("ja",)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_report_reads_well_at_width(pages, browser, kind: str, lang: str, width: int) -> None:
    path = pages[f"{kind}-{lang}"]
    shot = f"{kind}-{lang}-{width}" if lang in SCREENSHOT_LANGS else None
    found = problems(measure(browser, path.resolve().as_uri(), width, shot))
    assert not found, f"{path.name} at {width}px:\n" + "\n".join(found)


def test_the_check_catches_what_a_phone_reader_would_meet(browser, tmp_path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!doctype html><meta name="viewport" content="width=device-width">'
        '<p style="font-size:9px">小さい文字</p>'
        '<p style="color:#fff;background:#e69f00">白地にオレンジ</p>'
        '<div style="width:900px">wide</div>'
        '<svg viewBox="0 0 1000 100" style="width:100%"><rect width="300" height="100" '
        'fill="#d55e00"/><text x="10" y="50" font-size="12" fill="#fff">chart</text></svg>',
        encoding="utf-8",
    )
    found = problems(measure(browser, bad.as_uri(), PHONE_PX))
    assert any("sideways" in p for p in found)
    assert any("under 11 px" in p and "小さい文字" in p for p in found)
    assert any("under 11 px" in p and "chart" in p for p in found)  # SVG text scaled down
    assert any("contrast" in p and "白地にオレンジ" in p for p in found)
    assert any("contrast" in p and "chart" in p for p in found)  # white on the orange bar
