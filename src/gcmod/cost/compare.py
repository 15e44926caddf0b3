"""Compare two estimates: what changes per resource, category and lever.

Both sides are the estimate's JSON (:func:`gcmod.cost.report.to_json`), so a
previous ``gcmod estimate --json`` file compares like a freshly computed stack
or program. ``before`` is OTHER (``--compare``), ``after`` is the estimate being
run; every difference is after − before (negative: cheaper). Yen differences
are differences of each side's yen, which add up exactly (:mod:`gcmod.cost.yen`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from gcmod.textable import render, width

Status = Literal["added", "removed", "changed", "same"]
SCHEMA = "gcmod.estimate-compare/1"
#: Resource rows shown in the terminal and Markdown (all are in JSON).
TOP_ROWS = 15


class CompareInputError(ValueError):
    """OTHER is not an estimate gcmod can compare with."""


@dataclass(frozen=True)
class Row:
    """One compared item: monthly USD and JPY before and after."""

    key: str
    before_usd: float
    after_usd: float
    before_jpy: int
    after_jpy: int
    status: Status = "same"
    kind: str = ""

    @property
    def delta_usd(self) -> float:
        return self.after_usd - self.before_usd

    @property
    def delta_jpy(self) -> int:
        return self.after_jpy - self.before_jpy


@dataclass
class Comparison:
    before_label: str
    after_label: str
    totals: list[Row]
    categories: list[Row]
    levers: list[Row]
    resources: list[Row] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for r in self.resources if r.status == status)


def load_estimate_json(path: Path) -> dict[str, Any]:
    """A previous ``gcmod estimate --json`` file."""
    from gcmod.loader import LoadError, load_json

    try:
        doc = load_json(path)
    except (OSError, LoadError) as exc:
        raise CompareInputError(f"{path}: not a readable JSON file ({exc})") from None
    if not isinstance(doc, dict) or not str(doc.get("schema", "")).startswith("gcmod.estimate/"):
        raise CompareInputError(
            f"{path}: not a gcmod estimate (expected the output of `gcmod estimate --json`, "
            "with schema gcmod.estimate/1)"
        )
    return doc


def _resources(doc: Mapping[str, Any]) -> dict[str, tuple[float, int, str]]:
    """Resource -> (USD, JPY, type); a resource named after its stack
    (``saas-prod-db-cluster``) loses the stack prefix, so two stacks of one
    program compare resource by resource."""
    prefix = f"{doc.get('stack', '')}-"
    out: dict[str, tuple[float, int, str]] = {}
    for li in doc["planned"]["lines"]:
        name = str(li["resource"])
        name = name[len(prefix) :] if prefix != "-" and name.startswith(prefix) else name
        usd, jpy, _ = out.get(name, (0.0, 0, ""))
        out[name] = (usd + li["monthlyUsd"], jpy + li["monthlyJpy"], li["resourceType"])
    return out


def _by(items: list[Mapping[str, Any]], key: str) -> dict[str, tuple[float, int]]:
    return {str(i[key]): (float(i["monthlyUsd"]), int(i["monthlyJpy"])) for i in items}


def _rows(before: dict[str, Any], after: dict[str, Any], kinds: Mapping[str, str] | None = None):
    rows = []
    for k in sorted(set(before) | set(after)):
        b, a = before.get(k), after.get(k)
        status: Status
        if b is None:
            status = "added"
        elif a is None:
            status = "removed"
        else:
            status = "same" if abs(a[0] - b[0]) < 0.005 and a[1] == b[1] else "changed"
        rows.append(
            Row(
                k,
                b[0] if b else 0.0,
                a[0] if a else 0.0,
                b[1] if b else 0,
                a[1] if a else 0,
                status,
                (kinds or {}).get(k, ""),
            )
        )
    return rows


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> Comparison:
    """The differences between two estimate documents (after − before)."""

    def total(doc: Mapping[str, Any], part: str) -> tuple[float, int] | None:
        d = doc.get(part)
        if not d:
            return None
        return (float(d["monthlyUsd"]), int(d["monthlyJpy"]))

    totals = []
    for name, part in (("planned", "planned"), ("baseline", "baseline"), ("saving", "saving")):
        b, a = total(before, part), total(after, part)
        if part != "planned" and not (before.get("saving") and after.get("saving")):
            continue  # a side without a baseline (a program) has no baseline to compare
        b, a = b or (0.0, 0), a or (0.0, 0)
        totals.append(Row(name, b[0], a[0], b[1], a[1], "same" if b == a else "changed"))
    res_b, res_a = _resources(before), _resources(after)
    kinds = {k: v[2] for k, v in {**res_b, **res_a}.items()}
    resources = _rows(
        {k: v[:2] for k, v in res_b.items()}, {k: v[:2] for k, v in res_a.items()}, kinds
    )
    resources.sort(key=lambda r: (-abs(r.delta_usd), r.key))
    return Comparison(
        before_label=str(before.get("stack", "before")),
        after_label=str(after.get("stack", "after")),
        totals=totals,
        categories=_rows(
            _by(before["planned"]["byCategory"], "category"),
            _by(after["planned"]["byCategory"], "category"),
        ),
        levers=_rows(_by(before.get("levers", []), "lever"), _by(after.get("levers", []), "lever"))
        if before.get("levers") and after.get("levers")
        else [],
        resources=resources,
    )


# --------------------------------------------------------------------------- renderers


def _usd(x: float) -> str:
    sign = "-" if round(x, 2) < 0 else ""
    return f"{sign}${abs(x):,.2f}"


def _dusd(x: float) -> str:
    return ("+" if round(x, 2) > 0 else "") + _usd(x)


def _djpy(x: int) -> str:
    return f"{'+' if x > 0 else '-' if x < 0 else ''}¥{abs(x):,}"


def _table_rows(rows: list[Row], with_status: bool = False) -> list[list[str]]:
    out = []
    for r in rows:
        cells = [
            r.key,
            _usd(r.before_usd),
            _usd(r.after_usd),
            _dusd(r.delta_usd),
            _djpy(r.delta_jpy),
        ]
        if with_status:
            cells.insert(1, r.status)
        out.append(cells)
    return out


HEAD = ["", "before", "after", "Δ USD/month", "Δ JPY/month"]


def _sections(c: Comparison, top: int | None) -> list[tuple[str, list[str], list[list[str]]]]:
    changed = [r for r in c.resources if r.status != "same"]
    shown = changed if top is None else changed[:top]
    secs = [
        ("Totals / 合計", HEAD, _table_rows(c.totals)),
        (
            "By category / 区分別",
            HEAD,
            _table_rows([r for r in c.categories if r.status != "same"]),
        ),
    ]
    if c.levers:
        secs.append(
            ("By lever / 施策別", HEAD, _table_rows([r for r in c.levers if r.status != "same"]))
        )
    secs.append(
        (
            f"Resources / リソース ({c.count('added')} added, {c.count('removed')} removed, "
            f"{c.count('changed')} changed, {c.count('same')} unchanged)",
            ["resource", "status", "before", "after", "Δ USD/month", "Δ JPY/month"],
            _table_rows(shown, with_status=True),
        )
    )
    return secs


def table(c: Comparison, top: int | None = TOP_ROWS) -> str:
    """Terminal text: totals first."""
    out = [f"Compare: {c.before_label} (before) → {c.after_label} (after); Δ = after − before"]
    for title, head, rows in _sections(c, top):
        out += ["", title, "-" * width(title)]
        out.append(render(head, rows, right=tuple(range(len(head) - 4, len(head))))
                   if rows else "no change / 変化なし")  # fmt: skip
    rest = len([r for r in c.resources if r.status != "same"]) - (top or 10**9)
    if top is not None and rest > 0:
        out.append(f"... {rest} more changed resources (--json lists all)")
    return "\n".join(out)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(c: Comparison, top: int | None = TOP_ROWS) -> str:
    """Short enough for a pull-request comment: totals first, the largest changes."""
    out = [f"### gcmod estimate: {_md_cell(c.before_label)} → {_md_cell(c.after_label)}", ""]
    for title, head, rows in _sections(c, top):
        out += [f"**{_md_cell(title)}**", ""]
        if not rows:
            out += ["no change / 変化なし", ""]
            continue
        right = set(range(len(head) - 4, len(head)))
        out.append("| " + " | ".join(_md_cell(h) or " " for h in head) + " |")
        out.append(
            "| " + " | ".join("---:" if i in right else "---" for i in range(len(head))) + " |"
        )
        out += ["| " + " | ".join(_md_cell(x) for x in row) + " |" for row in rows]
        out.append("")
    rest = len([r for r in c.resources if r.status != "same"]) - (top or 10**9)
    if top is not None and rest > 0:
        out.append(f"_{rest} more changed resources: see `--json`._")
    return "\n".join(out).rstrip() + "\n"


def _row_json(r: Row) -> dict[str, Any]:
    d: dict[str, Any] = {
        "key": r.key,
        "beforeUsd": r.before_usd,
        "afterUsd": r.after_usd,
        "deltaUsd": r.delta_usd,
        "beforeJpy": r.before_jpy,
        "afterJpy": r.after_jpy,
        "deltaJpy": r.delta_jpy,
        "status": r.status,
    }
    if r.kind:
        d["resourceType"] = r.kind
    return d


def to_json(c: Comparison) -> dict[str, Any]:
    """Everything, machine-readable (``deltaUsd`` = after − before)."""
    return {
        "schema": SCHEMA,
        "before": c.before_label,
        "after": c.after_label,
        "totals": [_row_json(r) for r in c.totals],
        "categories": [_row_json(r) for r in c.categories],
        "levers": [_row_json(r) for r in c.levers],
        "resources": [_row_json(r) for r in c.resources],
        "counts": {s: c.count(s) for s in ("added", "removed", "changed", "same")},
    }
