"""What the benchmark scripts share: writing their JSON report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def emit_json(report: dict[str, Any], dest: str | None) -> None:
    """Write ``report`` as indented UTF-8 JSON to ``dest`` (``-``: stdout; None: nothing)."""
    if not dest:
        return
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if dest == "-":
        print(text)
    else:
        Path(dest).write_text(text + "\n", encoding="utf-8")
