"""The estimate report's view model: plain data computed once from an
:class:`~gcmod.cost.model.EstimateResult` in one language, read by every
renderer (text table and Markdown in :mod:`gcmod.cost.estimate_text`, HTML in
:mod:`gcmod.cost.estimate_html`).

Every yen figure is the one :mod:`gcmod.cost.yen` split from its total, so the
rows of each table add up to its total row in both currencies.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcmod import __version__
from gcmod.cost import assumption_view
from gcmod.cost.assumption_view import AssumptionRow, no_paths
from gcmod.cost.estimate_charts import (
    BASELINE,
    PLANNED,
    Bar,
    Chart,
    Step,
    before_after,
    colour,
    waterfall,
)
from gcmod.cost.estimate_words import labels, unit
from gcmod.cost.figures import (
    HOURS_PER_MONTH,
    NATIONAL_INFRA_PERCENT_LOWER,
    TARGET_PERCENT_LOWER,
    Money,
    categories_of,
    category_name,
    fmt_money,
    fmt_number,
    fmt_pct,
    fmt_rate,
    fmt_unit_price,
    lever_name,
    ordered_levers,
    pct_of,
    percent_lower,
    unattributed_usd,
    yen_of,
)
from gcmod.cost.model import Estimate, EstimateResult
from gcmod.cost.yen import estimate_yen
from gcmod.graph import short_type

#: Keys of ``EstimateResult.assumptions`` shown as the price catalogue's source/date.
CATALOGUE_KEYS = ("catalogue", "catalogueDate", "catalogue_date", "priceCatalogue", "prices")


@dataclass(frozen=True)
class Total:
    key: str
    """``planned``, ``baseline`` or ``saving``."""
    label: str
    month: Money


@dataclass(frozen=True)
class CategoryRow:
    key: str
    name: str
    colour: str
    planned: Money
    baseline: Money

    @property
    def change(self) -> Money:
        return self.planned.minus(self.baseline)


@dataclass(frozen=True)
class LineRow:
    resource: str
    type: str
    description: str
    tenant: str
    quantity: str
    unit: str
    unit_price: str
    monthly: Money


@dataclass(frozen=True)
class LinesTable:
    title: str
    rows: list[LineRow]
    """Largest first."""
    total: Money
    tenants: bool
    """Whether any line belongs to one tenant (the tables show a tenant column)."""


@dataclass(frozen=True)
class LeverRow:
    key: str
    """A lever, ``unattributed`` or ``total``."""
    name: str
    name_ja: str
    """The guide's Japanese name beside an English one (empty in Japanese)."""
    saving: Money
    pct: str
    """Share of the lift-and-shift."""
    explanation: str


@dataclass(frozen=True)
class ShareRow:
    code: str
    name: str
    population: str
    equal: Money
    by_population: Money
    by_usage: Money


@dataclass(frozen=True)
class MissingRow:
    estimate: str
    resource: str
    type: str
    price_key: str
    region: str
    reason: str


@dataclass(frozen=True)
class Card:
    cls: str
    label: str
    value: str
    subs: list[str]


@dataclass
class EstimateView:
    lang: str
    words: dict[str, str]
    version: str
    title: str
    kicker: str
    meta: list[str]
    has_baseline: bool
    planned_label: str
    totals: list[Total]
    percent_lower: float | None
    headline: str
    """The ratio phrase and the verdict against the government target, one sentence."""
    verdict_ok: bool | None
    gauge: dict[str, object] | None
    summary_notes: list[str]
    """Under the headline: the range, the commitment option, the target's note."""
    missing_warning: str | None
    cards: list[Card]
    categories: list[CategoryRow]
    category_total: CategoryRow
    other_note: str | None
    lines: LinesTable
    baseline_lines: LinesTable
    levers: list[LeverRow]
    lever_total: LeverRow | None
    shares: list[ShareRow]
    share_total: ShareRow | None
    missing: list[MissingRow]
    missing_intro: str | None
    assumptions: list[AssumptionRow]
    sources: list[tuple[str, str]]
    before_after: Chart
    waterfall: Chart
    footer: str


def _ratio_phrase(p: float | None, t: dict[str, str]) -> str:
    if p is None:
        return t["no_baseline"]
    if p > 0:
        return t["lower"].format(p=fmt_pct(p))
    if p < 0:
        return t["higher"].format(p=fmt_pct(-p))
    return t["same"]


def _verdict(p: float | None, t: dict[str, str]) -> str:
    if p is None:
        return ""
    if p >= NATIONAL_INFRA_PERCENT_LOWER:
        return t["v_beyond"]
    return t["v_meets"] if p >= TARGET_PERCENT_LOWER else t["v_short"]


def fx_source(result: EstimateResult, lang: str) -> str:
    """Where the exchange rate comes from, in ``lang`` (no machine paths)."""
    text = result.fx_source
    if lang == "ja":
        if text.startswith("--jpy-rate"):
            text = labels("ja")["fx_given"]
        elif result.fx_source_ja:
            text = result.fx_source_ja
    return no_paths(text)


def _catalogue_note(result: EstimateResult, lang: str) -> str | None:
    for key in CATALOGUE_KEYS:
        if key in result.assumptions:
            row = next(r for r in assumption_view.rows(result, lang) if r.key == key)
            return f"{row.value} ({row.source})" if row.source else row.value
    return None


def _lines(est: Estimate, title: str, rate: float, lang: str) -> LinesTable:
    ey = estimate_yen(est, rate)
    paired = sorted(
        zip(est.lines, ey.lines, strict=True),
        key=lambda p: (-p[0].monthly_usd, p[0].resource, p[0].description),
    )
    rows = [
        LineRow(
            resource=li.resource,
            type=short_type(li.resource_type),
            description=(li.description_ja or li.description) if lang == "ja" else li.description,
            tenant=li.tenant,
            quantity=fmt_number(li.quantity),
            unit=unit(li.unit, lang),
            unit_price=fmt_unit_price(li.unit_price_usd),
            monthly=Money(li.monthly_usd, y, lang),
        )
        for li, y in paired
    ]
    return LinesTable(
        title,
        rows,
        Money(est.monthly_usd, ey.total, lang),
        any(li.tenant != "shared" for li in est.lines),
    )


def build(result: EstimateResult, lang: str = "ja") -> EstimateView:
    """The view model of ``result`` in ``lang`` (``ja`` or ``en``)."""
    t = labels(lang)
    rate = result.jpy_per_usd
    yen = yen_of(result)
    p = percent_lower(result)
    base_usd = result.baseline.monthly_usd

    def money(usd: float, jpy: int) -> Money:
        return Money(usd, jpy, lang)

    def pct(usd: float) -> str:
        return f"{fmt_pct(usd / base_usd * 100)}%" if base_usd else "—"

    planned_label = t["planned"] if result.has_baseline else t["planned_program"]
    planned = money(result.planned.monthly_usd, yen.planned.total)
    baseline = money(base_usd, yen.baseline.total)
    saving = money(result.saving_usd, yen.saving)
    totals = [Total("planned", planned_label, planned)]
    if result.has_baseline:
        totals += [Total("baseline", t["baseline"], baseline), Total("saving", t["saving"], saving)]

    # -- the headline, the target and the notes under it
    phrase = _ratio_phrase(p, t)
    verdict = _verdict(p, t)
    headline = phrase
    if verdict:
        headline = phrase + ("。" if lang == "ja" else ". ") + verdict
    elif not headline.endswith((".", "。")):
        headline += "。" if lang == "ja" else "."
    notes: list[str] = []
    rng = result.baseline_range
    if rng is not None:
        lo, hi = rng.low.monthly_usd, rng.high.monthly_usd
        notes.append(
            t["range"].format(
                low=fmt_money(lo, rate, lang),
                high=fmt_money(hi, rate, lang),
                plo=fmt_pct(pct_of(result.planned.monthly_usd, lo) or 0.0),
                phi=fmt_pct(pct_of(result.planned.monthly_usd, hi) or 0.0),
            )
        )
    commit = result.assumptions.get("commitments")
    if isinstance(commit, dict) and (commit.get("value") or {}).get("terms"):
        terms = commit["value"]["terms"]
        notes.append(
            t["commitments"].format(
                one=fmt_money(terms["1yr"]["savingUsd"], rate, lang),
                three=fmt_money(terms["3yr"]["savingUsd"], rate, lang),
            )
        )
    if verdict:
        notes.append(t["target_note"])
    missing = [("planned", m) for m in result.planned.missing] + [
        ("baseline", m) for m in result.baseline.missing
    ]
    which = {"planned": planned_label, "baseline": t["baseline"]}

    # -- cards (HTML) and the gauge
    per_month, per_year = t["per_month"], t["per_year"]

    def card(cls: str, label: str, m: Money, value: str | None = None) -> Card:
        year = m.times(12)
        subs = [
            f"{per_year} {year.first}",
            f"{m.second}{per_month} · {year.second} ({per_year})",
        ]
        return Card(cls, label, value or f"{m.first}{per_month}", subs)

    if result.has_baseline:
        shown = (
            f"{fmt_pct(p)}% {t['reduction']}"
            if p is not None and p >= 0
            else f"+{fmt_pct(-(p or 0))}%"
        )
        save = card("saving" + (" up" if result.saving_usd < 0 else ""), t["saving"], saving, shown)
        save.subs.insert(0, f"{saving.first}{per_month}")
        cards = [
            card("baseline", t["baseline_long"], baseline),
            card("planned", planned_label, planned),
            save,
        ]
    else:
        cards = [card("planned", planned_label, planned)]
    gauge = None
    if p is not None:
        gauge = {
            "fill": min(max(p, 0.0), 100.0),
            "label": phrase,
            "marks": [
                (TARGET_PERCENT_LOWER, t["gauge_target"]),
                (NATIONAL_INFRA_PERCENT_LOWER, t["gauge_national"]),
            ],
        }

    # -- categories
    cats = categories_of(result)
    pc, bc = result.planned.by_category(), result.baseline.by_category()
    categories = [
        CategoryRow(
            c,
            category_name(c, lang),
            colour(c, cats),
            money(pc.get(c, 0.0), yen.planned.categories.get(c, 0)),
            money(bc.get(c, 0.0), yen.baseline.categories.get(c, 0)),
        )
        for c in cats
    ]
    category_total = CategoryRow("total", t["total"], "", planned, baseline)
    other = [
        (li.description_ja or li.description) if lang == "ja" else li.description
        for li in result.planned.lines + result.baseline.lines
        if li.category == "other"
    ]
    other_note = None
    if other:
        items = list(dict.fromkeys(other))
        shown_items = ("、" if lang == "ja" else "; ").join(items[:5])
        other_note = t["other_note"].format(items=shown_items + (" …" if len(items) > 5 else ""))

    # -- levers
    levers = [
        LeverRow(
            s.lever,
            lever_name(s.lever, lang),
            lever_name(s.lever, "ja") if lang == "en" else "",
            money(s.monthly_usd, yen.levers.get(s.lever, 0)),
            pct(s.monthly_usd),
            (s.explanation_ja or s.explanation) if lang == "ja" else s.explanation,
        )
        for s in ordered_levers(result)
    ]
    rest = unattributed_usd(result)
    if rest or yen.unattributed:
        why = t["unattributed_model"] if result.levers else t["unattributed_given"]
        levers.append(
            LeverRow("unattributed", t["unattributed"], "", money(rest, yen.unattributed),
                     pct(rest), why)
        )  # fmt: skip
    lever_total = (
        LeverRow("total", t["levers_total"], "", saving, pct(result.saving_usd), "")
        if levers
        else None
    )

    # -- shares
    ys = yen.shares
    shares = [
        ShareRow(
            sh.code,
            sh.name,
            fmt_number(sh.population),
            money(sh.equal_usd, ys["equal"][i]),
            money(sh.population_usd, ys["population"][i]),
            money(sh.usage_usd, ys["usage"][i]),
        )
        for i, sh in enumerate(result.shares)
    ]
    share_total = None
    if result.shares:
        s = result.shares
        share_total = ShareRow(
            t["total"],
            "",
            fmt_number(sum(x.population for x in s)),
            money(sum(x.equal_usd for x in s), sum(ys["equal"])),
            money(sum(x.population_usd for x in s), sum(ys["population"])),
            money(sum(x.usage_usd for x in s), sum(ys["usage"])),
        )

    # -- charts
    def segments(which: str) -> list[tuple[str, str, float, str, str]]:
        parts = [(c, getattr(c, which)) for c in categories]
        return [(c.key, c.name, m.usd, m.first, m.both) for c, m in parts]

    bars = [
        Bar(t["baseline"], BASELINE, base_usd, baseline.first + per_month, baseline.second,
            segments("baseline")),
        Bar(t["planned"], PLANNED, planned.usd, planned.first + per_month, planned.second,
            segments("planned")),
    ]  # fmt: skip
    chart_ba = before_after(
        bars,
        [(c.key, c.name) for c in categories],
        title=t["chart_ba_title"],
        desc="; ".join(
            f"{b.label}: {m.both}" for b, m in zip(bars, (baseline, planned), strict=True)
        )
        + f"; {phrase}",
        change=None if p is None else (p, f"−{fmt_pct(p)}%" if p >= 0 else f"+{fmt_pct(-p)}%"),
    )
    steps = [Step(t["baseline"], 0.0, base_usd, "baseline", baseline.both)]
    running = base_usd
    for lv in levers:
        sign = "−" if lv.saving.usd >= 0 else "+"
        mag = Money(abs(lv.saving.usd), abs(lv.saving.jpy), lang)
        value = f"{sign}{mag.first} ({sign}{mag.second})"
        steps.append(Step(lv.name, running, running - lv.saving.usd, "step", value))
        running -= lv.saving.usd
    steps.append(Step(t["planned"], 0.0, planned.usd, "planned", planned.both))
    chart_wf = waterfall(steps, title=t["chart_wf_title"])

    stackline = t["stackline"].format(stack=result.stack, region=result.region)
    currency = t["currency"].format(
        hours=HOURS_PER_MONTH, rate=fmt_rate(rate), source=fx_source(result, lang)
    )
    return EstimateView(
        lang=lang,
        words=t,
        version=__version__,
        title=f"{t['title']}: {result.stack}",
        kicker=t["kicker"],
        meta=[stackline, currency],
        has_baseline=result.has_baseline,
        planned_label=planned_label,
        totals=totals,
        percent_lower=p,
        headline=headline,
        verdict_ok=None if p is None else p >= TARGET_PERCENT_LOWER,
        gauge=gauge,
        summary_notes=notes,
        missing_warning=t["missing_warn"].format(n=len(missing)) if missing else None,
        cards=cards,
        categories=categories,
        category_total=category_total,
        other_note=other_note,
        lines=_lines(result.planned, t["sec_lines"], rate, lang),
        baseline_lines=_lines(result.baseline, t["sec_baseline_lines"], rate, lang),
        levers=levers,
        lever_total=lever_total,
        shares=shares,
        share_total=share_total,
        missing=[
            MissingRow(
                which[w],
                m.resource,
                short_type(m.resource_type),
                m.price_key,
                m.region,
                (m.reason_ja or m.reason) if lang == "ja" else m.reason,
            )
            for w, m in missing
        ],
        missing_intro=t["missing_intro"].format(n=len(missing)) if missing else None,
        assumptions=assumption_view.rows(result, lang),
        sources=[
            (t["fx"], t["fx_value"].format(rate=fmt_rate(rate), source=fx_source(result, lang))),
            (t["catalogue"], _catalogue_note(result, lang) or t["catalogue_none"]),
            (t["targets"], t["target_note"]),
        ],
        before_after=chart_ba,
        waterfall=chart_wf,
        footer=t["footer"].format(version=__version__),
    )
