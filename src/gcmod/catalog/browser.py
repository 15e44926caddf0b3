"""Open the built catalogue in the system's headless Chromium (tests, screenshot).

Uses the ``playwright`` package (a dev extra) with Debian's Chromium at
``/usr/bin/chromium`` (``.ci/run`` installs it); no browser is downloaded.
Everything runs from ``file://``: the catalogue needs no server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: The browser (override with GCMOD_CHROMIUM).
CHROMIUM = os.environ.get("GCMOD_CHROMIUM", "/usr/bin/chromium")
ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (playwright ``Browser``), closed on exit.

    Raises :class:`FileNotFoundError` naming the path and how to install it when
    there is no browser there."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        raise FileNotFoundError(
            f"no Chromium at {CHROMIUM}: install Debian's package "
            "(sudo apt-get install chromium) or set GCMOD_CHROMIUM to a Chromium binary"
        )

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(ARGS), headless=True)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page_file: Path, png: Path, *, width: int = 1280, height: int = 900) -> Path:
    """Save a screenshot of the top of ``page_file`` (``width`` x ``height`` CSS px,
    device scale 1) to ``png``."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(page_file.resolve().as_uri())
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png), full_page=False)
    return png
