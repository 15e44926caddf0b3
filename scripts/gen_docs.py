"""Regenerate the generated reference docs under docs/.

Usage: python scripts/gen_docs.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from gcmod.components.docs import render_markdown as render_components_markdown
from gcmod.configdoc import render_markdown, render_usage_markdown
from gcmod.policies.model import all_rules
from gcmod.policies.report import rules_markdown
from gcmod.terminology import render_markdown as terminology_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs"
GENERATED = {
    "components.md": render_components_markdown,
    "configuration.md": render_markdown,
    "rules.md": lambda: _rules_md(),
    "usage.md": render_usage_markdown,
    "terminology.md": terminology_markdown,
}


def _rules_md() -> str:
    """The rule reference, with how gcmod decides environment, region and schedule
    before the rules themselves."""
    from gcmod.policies.evidencedoc import decisions_markdown

    text = rules_markdown(all_rules())
    head, sep, rest = text.partition("\n## ")
    return head + "\n" + decisions_markdown() + sep.lstrip("\n") + rest if sep else text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, render in GENERATED.items():
        path = DOCS / name
        text = render()
        if check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print("stale generated docs: " + ", ".join(stale) + " (run python scripts/gen_docs.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
