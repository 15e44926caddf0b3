"""Regenerate docs/catalog-index.png: build the catalogue, screenshot its index.

    python scripts/screenshot_catalog.py [--out docs/catalog-index.png]

Needs the dev extras (playwright) and Chromium at /usr/bin/chromium (as
.ci/run installs it); works offline, from file://.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    from gcmod.catalog import entries_from_templates
    from gcmod.catalog.browser import screenshot
    from gcmod.catalog.build import build

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "catalog-index.png")
    ap.add_argument("--lang", choices=["ja", "en"], default="ja")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=900)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gcmod-shot-") as work:
        work_dir = Path(work)
        entries = entries_from_templates(work_dir / "templates")
        site = work_dir / "site"
        langs = [args.lang, *(x for x in ("ja", "en") if x != args.lang)]
        build(entries, site, langs=langs, progress=lambda m: print(m, file=sys.stderr))
        screenshot(site / "index.html", args.out, width=args.width, height=args.height)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
