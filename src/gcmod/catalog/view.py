"""The catalogue's view models: plain data per page, computed once, rendered by
``catalog_index.html.j2`` and ``catalog_template.html.j2`` (:mod:`gcmod.reports`).

Texts reach the templates as plain strings (autoescaped there) or as rich text:
``[(text, is_code)]`` pieces, where code is data shown ``translate="no"``. The
only markup passed in is SVG drawn by gcmod itself (the architecture diagram);
:func:`_svg` marks it safe in one place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from gcmod import __version__
from gcmod.catalog.analysis import StackResult, TemplateResult
from gcmod.catalog.diagram import region_name, render_svg
from gcmod.cost import report as cost
from gcmod.loader import load_yaml
from gcmod.policies.rulekit import ENV_JA

Rich = list[tuple[str, bool]]

#: Each language's name in itself (the language switch).
LANG_NAMES = {"ja": "日本語", "en": "English"}

SEVERITY_NAMES = {
    "critical": ("重大", "Critical"),
    "high": ("高", "High"),
    "medium": ("中", "Medium"),
    "low": ("低", "Low"),
}
ENFORCEMENT_NAMES = {
    "mandatory": ("必須", "mandatory"),
    "advisory": ("推奨", "advisory"),
    "disabled": ("無効", "disabled"),
}
#: A rule's status in a stack -> badge class of report.css.
STATUS_BADGE = {
    "pass": "pass",
    "mandatory": "mandatory",
    "advisory": "advisory",
    "unknown": "unknown",
}
STATUS_ICON = {"pass": "✓", "mandatory": "✗", "advisory": "!", "unknown": "?"}

#: The configuration reference's stock default words, per language.
DEFAULT_WORDS = {
    "**required**": ("必須", "required"),
    "see section": ("下記の表を参照", "see its section"),
    "none": ("なし", "none"),
}
#: Python type names of the schema, in Japanese (the name itself stays as data).
TYPE_JA = {"str": "文字列", "int": "整数", "float": "数値", "bool": "真偽値 (true / false)"}


def _pick(names: tuple[str, str], lang: str) -> str:
    return names[0] if lang == "ja" else names[1]


def env_name(env: str, lang: str) -> str:
    """``production`` -> 本番 / Production (the rules' Japanese names)."""
    return ENV_JA.get(env, env) if lang == "ja" else env.capitalize()


def rich(text: str) -> Rich:
    """The few Markdown bits of the texts and the configuration reference
    (`code`, **strong**, [label](#anchor), escaped pipes) as rich-text pieces."""
    text = text.replace("\\|", "|")
    text = re.sub(r"\[([^\]]+)\]\(#[^)]*\)", r"\1", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    out: Rich = []
    for i, piece in enumerate(re.split(r"``?([^`]+)``?", text)):
        if piece:
            out.append((piece, i % 2 == 1))
    return out


def _svg(markup: str) -> Markup:
    """SVG drawn by gcmod (the architecture diagram of :mod:`gcmod.catalog.diagram`).
    Safe to insert unescaped: the module escapes every text and attribute it writes
    (``esc``/``html.escape``) and no user input reaches it unescaped. The one place
    the catalogue marks markup safe (the estimate's charts are drawn by the
    templates, ``parts.svg_chart``)."""
    return Markup(markup)  # escaped by its producer, see the docstring


def page_path(template_id: str) -> str:
    """A template page, relative to its language's folder."""
    return f"templates/{template_id}.html"


def stack_label(s: StackResult, lang: str, dr: str) -> str:
    extra = f" · {dr}" if s.is_dr else ""
    return f"{env_name(s.environment, lang)}{extra}"


def pct_lower(s: StackResult) -> str:
    p = cost.percent_lower(s.estimate)
    if p is None:
        return "—"
    return f"{cost.fmt_pct(p)}%" if p >= 0 else f"+{cost.fmt_pct(-p)}%"


def money(usd: float, rate: float, lang: str, *, change: bool = False) -> dict[str, Any]:
    """A money cell: the reader's currency, the other one below it."""
    other = "en" if lang == "ja" else "ja"
    first, second = cost.primary(usd, rate, lang), cost.primary(usd, rate, other)
    if other == "ja":  # the English page shows yen as ¥, not 円
        second = cost.fmt_jpy(cost.to_jpy(usd, rate), "en")
    cents = round(usd, 2)
    cls = ""
    if change and cents > 0:
        first, second, cls = "+" + first, "+" + second, "up"
    elif change and cents < 0:
        cls = "down"
    return {"text": first, "sub": second, "cls": cls}


def _chrome(
    lang: str, t: dict[str, str], *, other: str | None, other_lang: str | None, back: str | None
) -> dict[str, Any]:
    """What every catalogue page has: the top bar's links and the footer."""
    return {
        "lang": lang,
        "version": __version__,
        "site": t["site"],
        "back": {"href": back, "text": t["back"]} if back else None,
        "switch": (
            {"href": other, "lang": other_lang, "text": LANG_NAMES[other_lang]}
            if other and other_lang
            else None
        ),
        "footer": rich(t["footer"].format(version=__version__)),
    }


# --------------------------------------------------------------------------- index


def index_view(
    results: Sequence[TemplateResult],
    t: dict[str, str],
    lang: str,
    *,
    other: str | None,
    other_lang: str | None,
) -> dict[str, Any]:
    """The index: a card per template and a comparison table."""
    per_month = cost.labels(lang)["per_month"]
    cards, rows = [], []
    sep = "・" if lang == "ja" else ", "
    for r in results:
        p = r.primary
        est = p.estimate
        rate = est.jpy_per_usd
        passed, ran = p.rules_passed()
        lower = cost.percent_lower(est)
        shown = "—" if lower is None else pct_lower(p).replace("+", "")
        chip, chip_cls = (f"−{shown}", "ok") if (lower or 0) >= 0 else (f"+{shown}", "up")
        facts = (
            f"{t['tenants']} {len(p.cfg.tenants)} · {t['resources']} "
            f"{len(p.graph.custom_resources)} · {t['rules_passed']} "
            f"{t['of'].format(a=passed, b=ran)}"
        )
        cards.append(
            {
                "href": page_path(r.entry.id),
                "title": r.entry.title(lang),
                "summary": rich(r.entry.summary(lang)),
                "planned": cost.primary(est.planned.monthly_usd, rate, lang),
                "per_month": per_month,
                "chip": chip,
                "chip_cls": chip_cls,
                "bar": round(100 - min(max(lower or 0.0, 0.0), 100.0), 1),
                "vs": f"{t['vs']} {cost.primary(est.baseline.monthly_usd, rate, lang)}{per_month}",
                "dr_note": t["dr_cost"] if p.is_dr else "",
                "facts": facts,
            }
        )
        mand = len(p.report.mandatory)
        rows.append(
            [
                {"text": r.entry.title(lang), "sub": t["dr_cost"] if p.is_dr else ""},
                {"text": r.entry.id, "id": True},
                len(p.cfg.tenants),
                sep.join(env_name(e, lang) for e in r.environments),
                len(p.graph.custom_resources),
                t["of"].format(a=passed, b=ran),
                {"text": mand, "cls": "bad" if mand else ""},
                money(est.planned.monthly_usd, rate, lang),
                money(est.baseline.monthly_usd, rate, lang),
                {"text": pct_lower(p), "cls": "down"},
            ]
        )
    num = {"numeric": True}
    columns = [
        {"label": t["template"]},
        {"label": "ID", "id": True},
        {"label": t["tenants"], **num},
        {"label": t["envs"]},
        {"label": t["resources"], **num},
        {"label": t["rules_passed"], **num},
        {"label": t["mandatory"], **num},
        {"label": t["planned"], **num},
        {"label": t["baseline"], **num},
        {"label": t["lower"], **num},
    ]
    return {
        **_chrome(lang, t, other=other, other_lang=other_lang, back=None),
        "title": t["site"],
        "kicker": t["kicker"],
        "intro": rich(t["intro"]),
        "templates_title": t["templates"].format(n=len(results)),
        "cards": cards,
        "compare_title": t["compare"],
        "compare_columns": columns,
        "compare_rows": rows,
        "note": t["index_note"],
    }


# --------------------------------------------------------------------------- template page


def _policy(r: TemplateResult, t: dict[str, str], lang: str) -> dict[str, Any]:
    columns = [
        {"label": t["rule"], "id": True},
        {"label": t["rule_title"]},
        {"label": t["severity"]},
        {"label": t["enforcement"]},
        *({"label": f"{s.stack.name} ({stack_label(s, lang, t['dr'])})"} for s in r.stacks),
    ]
    rows = []
    for rule in r.rules:
        cells: list[Any] = [
            rule.id,
            rule.title(lang),
            {"text": _pick(SEVERITY_NAMES[rule.severity], lang), "badge": f"sev-{rule.severity}"},
            _pick(ENFORCEMENT_NAMES[rule.enforcement], lang),
        ]
        for s in r.stacks:
            status, n = s.rule_status(rule)
            text = {
                "mandatory": t["mandatory_n"].format(n=n),
                "advisory": t["advisory"].format(n=n),
            }.get(status, t.get(status, status))
            icon = STATUS_ICON.get(status)
            shown = f"{icon} {text}" if icon else text
            badge = STATUS_BADGE.get(status)
            cells.append(
                {"text": shown, "badge": badge} if badge else {"text": shown, "cls": "muted"}
            )
        rows.append(cells)
    pills = [
        f"{s.stack.name}: {t['rules_passed']} "
        f"{t['of'].format(a=s.rules_passed()[0], b=s.rules_passed()[1])} · "
        f"{t['mandatory']} {len(s.report.mandatory)}"
        for s in r.stacks
    ]
    return {"intro": rich(t["policy_intro"]), "pills": pills, "columns": columns, "rows": rows}


def _cost(r: TemplateResult, t: dict[str, str], lang: str) -> dict[str, Any]:
    """Each stack's cost, then the primary stack's estimate as the estimate report
    shows it (its view model, cards, tables and charts)."""
    from gcmod.cost import estimate_html, estimate_view

    ct = cost.labels(lang)
    num = {"numeric": True}
    rows = []
    for s in r.stacks:
        est = s.estimate
        rate = est.jpy_per_usd
        rows.append(
            [
                {"text": s.stack.name, "id": True},
                stack_label(s, lang, t["dr"]),
                region_name(s.cfg.region, lang),
                money(est.baseline.monthly_usd, rate, lang),
                money(est.planned.monthly_usd, rate, lang),
                {"text": pct_lower(s), "cls": "down"},
            ]
        )
    p = r.primary
    v = estimate_view.build(p.estimate, lang)
    cat_columns, cat_rows, cat_total = estimate_html.category_table(v)
    lever_columns, lever_rows, lever_total = estimate_html.lever_table(v)
    share_columns, share_rows, share_total = estimate_html.share_table(v)
    return {
        "intro": rich(t["cost_intro"]),
        "columns": [
            {"label": t["stack"], "id": True},
            {"label": t["environment"]},
            {"label": t["region"]},
            {"label": ct["baseline"], **num},
            {"label": ct["planned"], **num},
            {"label": t["lower"], **num},
        ],
        "rows": rows,
        "primary_title": t["cost_primary"].format(stack=p.stack.name),
        "cards": estimate_html.cards(v),
        "before_after": v.before_after,
        "category_columns": cat_columns,
        "category_rows": cat_rows,
        "category_total": cat_total,
        "levers_title": ct["sec_levers"],
        "waterfall": v.waterfall,
        "lever_columns": lever_columns,
        "lever_rows": lever_rows,
        "lever_total": lever_total,
        "no_levers": ct["no_levers"],
        "shares_title": t["sec_shares"].format(stack=p.stack.name),
        "share_columns": share_columns,
        "share_rows": share_rows,
        "share_total": share_total,
        "shares_note": ct["shares_note"] if share_rows else ct["no_shares"],
    }


def _lookup(config: dict, key: str) -> object:
    """The value of a reference key (``gcmod:service.minTasks``) in a stack file's
    ``config:`` mapping; ``None`` when the file does not set it or the key is
    inside a list or map."""
    if "[]" in key or "<name>" in key:
        return None
    head, _, rest = key.partition(".")
    cur: object = config.get(head)
    for part in rest.split(".") if rest else []:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _value(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return f"[{len(v)}]"
    if isinstance(v, dict):
        if all(isinstance(x, str | int | float | bool) for x in v.values()):
            return ", ".join(f"{k}={x}" for k, x in v.items())
        return "↓"
    if isinstance(v, bool):
        return str(v).lower()
    return str(v)


def type_text(md: str, lang: str) -> Rich:
    """The reference's type (``list of [TenantConfig](#tenantconfig)``, ``int or null``,
    ``` `a` \\| `b` ```) in the reader's language; names and literals stay data."""
    md = md.replace("\\|", "|")
    if lang != "ja":
        return rich(md)
    optional = md.endswith(" or null")
    md = md.removesuffix(" or null")
    m = re.fullmatch(r"map of (.+) to (.+)", md)
    if m:
        out = [
            *type_text(m[1], lang),
            ("から", False),
            *type_text(m[2], lang),
            ("への対応表", False),
        ]
    elif md.startswith("list of "):
        out = [*type_text(md.removeprefix("list of "), lang), ("のリスト", False)]
    elif " | " in md and all(x.strip().startswith("`") for x in md.split(" | ")):
        out = [("次のいずれか: ", False)]
        for i, x in enumerate(md.split(" | ")):
            out += [(" / ", False)] if i else []
            out.append((x.strip().strip("`"), True))
    elif " | " in md:
        out = []
        for i, x in enumerate(md.split(" | ")):
            out += [(" または ", False)] if i else []
            out += type_text(x.strip(), lang)
    else:
        name = re.sub(r"\[([^\]]+)\]\(#[^)]*\)", r"\1", md)
        out = [(TYPE_JA[name], False)] if name in TYPE_JA else [(name, True)]
    return _spaced([*out, (" (省略可)", False)] if optional else out)


def _spaced(pieces: Rich) -> Rich:
    """A space between Japanese text and a name beside it (「`LogClass` への対応表」)."""
    out: Rich = []
    for text, code in pieces:
        if out and out[-1][1] != code:
            before, after = (out[-1][0], text)
            if not code and after[:1] > "\u3000":
                text = " " + text
            elif code and before[-1:] > "\u3000":
                out[-1] = (before + " ", False)
        out.append((text, code))
    return out


def _is_value(text: Rich) -> bool:
    """A default that is a value (``8``, ``ap-northeast-1``, `` `single` ``), not prose."""
    return all(code or re.fullmatch(r"[\w.:/+\-\[\]{}%]*", piece.strip()) for piece, code in text)


def _default_cell(default: Rich, t: dict[str, str], lang: str) -> dict[str, Any]:
    """A default written as prose (``false: only where …``): its leading value as
    data when it has one, and a pointer to the English note for the rest."""
    text = "".join(piece for piece, _ in default)
    m = re.match(r"([\w.+\-]+(?::\d\d)?)(?:: | \(|;|$)", text)
    if not m:
        return {"text": t["see_note"]}
    value = m[1]
    if value in DEFAULT_WORDS:
        return {"text": _pick(DEFAULT_WORDS[value], lang), "sub": t["see_note"]}
    return {"rich": [(value, True)], "sub": t["see_note"]}


def _config(r: TemplateResult, t: dict[str, str], lang: str) -> dict[str, Any]:
    from gcmod.configdoc import options, sections

    p = r.primary
    doc = load_yaml(p.stack.path) or {}
    config = doc.get("config") or {}
    groups = []
    for model, prefix in sections():
        rows, notes = [], []
        for o in options(model, prefix):
            v = _value(_lookup(config, o.key))
            default = (
                rich(_pick(DEFAULT_WORDS[o.default], lang))
                if o.default in DEFAULT_WORDS
                else rich(o.default)
            )
            english_default = (
                lang == "ja" and o.default not in DEFAULT_WORDS and not _is_value(default)
            )
            if english_default:
                default_cell: Any = _default_cell(default, t, lang)
            else:
                default_cell = {"rich": default} if default else "—"
            row: list[Any] = [
                {"text": o.key, "id": True},
                {"rich": type_text(o.type, lang)},
                default_cell,
                {"text": v, "id": True, "cls": "set"} if v else "—",
            ]
            if lang == "ja":
                # the schema's texts are English only: shown as such, under a labelled note
                note = rich(o.description)
                if english_default:
                    note = [*note, (" Default: ", False), *default]
                notes.append({"key": o.key, "text": note})
            else:
                row.append({"rich": rich(o.description)} if o.description else "")
            rows.append(row)
        groups.append({"name": model.__name__, "rows": rows, "notes": notes})
    columns = [
        {"label": t["key"], "id": True},
        {"label": t["type"]},
        {"label": t["default"]},
        {"label": t["value"]},
    ]
    if lang != "ja":
        columns.append({"label": t["description"]})
    return {
        "intro": rich(t["config_intro"].format(stack=p.stack.name)),
        "columns": columns,
        "groups": groups,
        "en_note": t.get("en_note", ""),
    }


def template_view(
    r: TemplateResult,
    t: dict[str, str],
    lang: str,
    *,
    index: str,
    other: str | None,
    other_lang: str | None,
) -> dict[str, Any]:
    """One template's page."""
    p = r.primary
    est = p.estimate
    rate = est.jpy_per_usd
    passed, ran = p.rules_passed()
    envs = ", ".join(f"{s.stack.name} ({stack_label(s, lang, t['dr'])})" for s in r.stacks)
    facts = [
        {"label": t["planned"], "value": cost.primary(est.planned.monthly_usd, rate, lang)},
        {"label": t["lower"], "value": pct_lower(p)},
        {"label": t["rules_passed"], "value": t["of"].format(a=passed, b=ran)},
        {"label": t["resources"], "value": str(len(p.graph.custom_resources))},
        {"label": t["tenants"], "value": str(len(p.cfg.tenants))},
    ]
    business = p.cfg.business.ja if lang == "ja" else p.cfg.business.en
    return {
        **_chrome(lang, t, other=other, other_lang=other_lang, back=index),
        "title": r.entry.title(lang),
        "kicker": t["site"],
        "intro": rich(r.entry.summary(lang)),
        "meta": f"{business} · {t['envs']}: {envs}",
        "facts": facts,
        "sections": {k: t[f"sec_{k}"] for k in ("arch", "policy", "cost", "config", "files")},
        "toc_label": t["toc"],
        "toc": [
            (anchor, t[f"sec_{k}"])
            for anchor, k in (
                ("architecture", "arch"),
                ("policy", "policy"),
                ("cost", "cost"),
                ("config", "config"),
                ("files", "files"),
            )
        ],
        "diagram": _svg(render_svg(p.graph, lang)),
        "diagram_caption": t["arch_caption"].format(
            stack=p.stack.name, n=len(p.graph.custom_resources)
        ),
        "policy": _policy(r, t, lang),
        "cost": _cost(r, t, lang),
        "config": _config(r, t, lang),
        "files": [
            {"name": s.stack.path.name, "text": s.stack.path.read_text(encoding="utf-8")}
            for s in r.stacks
        ],
    }
