"""The audit report's view model: plain data computed once from an
:class:`~gcmod.audit.runner.AuditResult`, rendered by ``audit.html.j2``.

Summary first (status in words, findings by severity, waste by lever, largest
saving first), then by rule, by account, every finding, and what could not be
read — explained in words, never as a raw error page. Yen first in Japanese.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from gcmod import __version__
from gcmod.audit.runner import AuditResult, Finding
from gcmod.cost.figures import Money
from gcmod.graph import short_type
from gcmod.policies.model import LEVERS

#: One colour per lever, each >= 3:1 against white (WCAG 2.2 non-text contrast).
LEVER_COLOURS = {
    "sizing": "#1d4e89", "operating-hours": "#b54708", "managed-services": "#067647",
    "storage": "#6941c6", "dr": "#c11574", "logs": "#0e7090", "multi-tenancy": "#475467",
    "tagging": "#a15c07", "security": "#912018", "reliability": "#344054",
}  # fmt: skip

WORDS = {
    "ja": {
        "title": "クラウド環境の監査結果",
        "subtitle": "デプロイ済み AWS アカウントの監査 (読み取り専用)",
        "mandatory": "必須",
        "advisory": "推奨",
        "unknown": "判定不能",
        "waived": "免除",
        "cards": (
            "必須の指摘",
            "推奨の指摘",
            "削減できる額 (月額)",
            "アカウント",
            "リソース",
            "API 呼び出し",
        ),
        "per_year": "年額 {v}",
        "bad": "必須の指摘が {n} 件あります。下の一覧を確認し、是正してください。",
        "incomplete": "読み取れなかった箇所が {n} 件あります。"
        "その範囲は監査されていません (下記参照)。",
        "ok": "必須の指摘はなく、すべての範囲を読み取りました。",
        "by_lever": "施策別の削減できる額 (月額、大きい順)",
        "no_waste": "金額で示せる削減はありません。",
        "by_rule": "ルール別",
        "by_account": "アカウント別",
        "findings": "指摘一覧",
        "gaps": "読み取れなかった箇所",
        "rule_cols": ("ルール", "内容", "区分", "件数", "削減額/月"),
        "acct_cols": ("アカウント", "名前", "リソース", "必須", "削減額/月"),
        "finding_cols": (
            "区分",
            "アカウント",
            "リージョン",
            "ルール",
            "リソース",
            "削減額/月",
            "内容",
        ),
        "gap_cols": ("アカウント", "リージョン", "対象", "理由"),
        "total": "合計",
        "method": "削減額の求め方: 価格カタログ (出典・確認日つき) のオンデマンド価格から、"
        "指摘を是正したときに減る月額を見積もっています。",
        "rate": "換算レート: 1米ドル = {rate} 円 (価格カタログの為替レート、{date}。"
        "出典は gcmod prices list で確認できます)",
        "kinds": {
            "access-denied": "権限がないため読み取れませんでした",
            "region-unavailable": "リージョンが使えないため読み取れませんでした",
            "endpoint": "エンドポイントに接続できませんでした",
            "throttled": "呼び出し回数の制限を超えました",
            "read-only-guard": "読み取り以外の呼び出しを防止しました",
            "error": "エラーで読み取れませんでした",
        },
    },
    "en": {
        "title": "Cloud account audit",
        "subtitle": "Audit of deployed AWS accounts (read-only)",
        "mandatory": "mandatory",
        "advisory": "advisory",
        "unknown": "undecided",
        "waived": "waived",
        "cards": (
            "Mandatory findings",
            "Advisory findings",
            "Saving if fixed (monthly)",
            "Accounts",
            "Resources",
            "API calls",
        ),
        "per_year": "{v} a year",
        "bad": "{n} mandatory finding(s): review the list below and fix them.",
        "incomplete": "{n} part(s) could not be read and were not audited (see below).",
        "ok": "No mandatory findings, and every part was read.",
        "by_lever": "Saving by lever (monthly, largest first)",
        "no_waste": "No saving that can be priced.",
        "by_rule": "By rule",
        "by_account": "By account",
        "findings": "Findings",
        "gaps": "Not read",
        "rule_cols": ("Rule", "Title", "Level", "Findings", "Saving/mo"),
        "acct_cols": ("Account", "Name", "Resources", "Mandatory", "Saving/mo"),
        "finding_cols": ("Level", "Account", "Region", "Rule", "Resource", "Saving/mo", "Message"),
        "gap_cols": ("Account", "Region", "What", "Why"),
        "total": "Total",
        "method": "How savings are found: from the on-demand prices of the price catalogue "
        "(each with its source and date), the monthly cost that fixing the finding removes.",
        "rate": "Exchange rate: 1 USD = {rate} JPY (the price catalogue's rate of {date}; "
        "source: {source})",
        "kinds": {
            "access-denied": "access denied",
            "region-unavailable": "region not available",
            "endpoint": "could not connect to the endpoint",
            "throttled": "throttled",
            "read-only-guard": "a call other than a read was stopped",
            "error": "error",
        },
    },
}

_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain_reason(reason: str, limit: int = 160) -> str:
    """An error text without markup: an HTML error page becomes its words, cut short."""
    text = _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", reason))).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class AuditView:
    lang: str
    title: str
    subtitle: str
    version: str
    status_kind: str
    status_lines: list[str]
    cards: list[dict[str, str]]
    lever_title: str
    lever_bars: list[dict[str, Any]]
    no_waste: str
    sections: dict[str, str]
    rule_columns: list[dict[str, Any]]
    rule_rows: list[list[Any]]
    account_columns: list[dict[str, Any]]
    account_rows: list[list[Any]]
    finding_columns: list[dict[str, Any]]
    finding_rows: list[list[Any]]
    gap_columns: list[dict[str, Any]]
    gap_rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)


def _cols(labels: tuple[str, ...], numeric: tuple[int, ...] = (), ids: tuple[int, ...] = ()):
    return [{"label": lab, "numeric": i in numeric, "id": i in ids} for i, lab in enumerate(labels)]


def _level(f: Finding, w: dict[str, Any]) -> dict[str, str]:
    if f.violation.unknown:
        return {"text": w["unknown"], "badge": "unknown"}
    if f.violation.waived:  # a gcmod:waive tag on the deployed resource (docs/waivers.md)
        return {"text": w["waived"], "badge": "advisory"}
    kind = "mandatory" if f.mandatory else "advisory"
    return {"text": w[kind], "badge": kind}


def _resource(f: Finding) -> str:
    return f"{short_type(f.violation.resource_type)} {f.violation.resource_name}".strip()


def build(
    result: AuditResult,
    lang: str = "ja",
    rate: float | None = None,
    rate_source: str | None = None,
    rate_date: str | None = None,
) -> AuditView:
    """The view model of ``result`` in ``lang``; ``rate`` yen per dollar (default: the
    packaged price catalogue's documented rate)."""
    from gcmod.audit.report import (
        calls_line,
        finding_message,
        total_waste,
        total_waste_jpy,
        waste_by,
    )

    if rate is None:
        from gcmod.pricing import Catalog

        cat = Catalog.load()
        rate, rate_source = cat.jpy_per_usd, getattr(cat, "fx_source", None)
        rate_date = str(getattr(cat, "fx_date", "") or "")
    w = WORDS[lang]

    def money(usd: float | None, jpy: float | None = None) -> str:
        """The reader's currency: the audit's own yen (each finding's, summed) when
        given, so that every figure shown adds up; else converted at ``rate``."""
        if usd is None:
            return "-"
        return Money(usd, round(usd * rate if jpy is None else jpy), lang).first

    findings = sorted(
        result.findings,
        key=lambda f: (not f.mandatory, -(f.waste_usd or 0), f.account, f.violation.rule.id),
    )
    n_mand = len(result.mandatory)
    n_adv = sum(1 for f in result.findings if not f.mandatory and not f.violation.unknown)
    waste, waste_jpy = total_waste(result), total_waste_jpy(result)

    lines = []
    if n_mand:
        lines.append(w["bad"].format(n=n_mand))
    if result.gaps:
        lines.append(w["incomplete"].format(n=len(result.gaps)))
    if not lines:
        lines.append(w["ok"])
    kind = "bad" if n_mand else ("warn" if result.gaps else "ok")

    labels = w["cards"]
    cards = [
        {"label": labels[0], "value": str(n_mand)},
        {"label": labels[1], "value": str(n_adv)},
        {
            "label": labels[2],
            "value": money(waste, waste_jpy),
            "sub": w["per_year"].format(v=money(waste * 12, waste_jpy * 12)),
        },
        {"label": labels[3], "value": str(len(result.accounts))},
        {
            "label": labels[4],
            "value": str(sum(sum(c.values()) for c in result.resource_counts.values())),
        },
        {"label": labels[5], "value": str(result.calls.total)},
    ]

    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_rule[f.violation.rule.id].append(f)
    rule_waste = waste_by(result, "rule")
    i = 0 if lang == "ja" else 1
    bars = [
        {
            "name": LEVERS[lev][i],
            "value": row["usd"],
            "label": money(row["usd"], row["jpy"]),
            "colour": LEVER_COLOURS.get(lev, "#1d4e89"),
        }
        for lev, row in sorted(waste_by(result, "lever").items(), key=lambda kv: -kv[1]["usd"])
        if row["usd"] > 0
    ]

    rule_rows = []
    for rid, fs in sorted(by_rule.items(), key=lambda kv: (-rule_waste[kv[0]]["usd"], kv[0])):
        rule = fs[0].violation.rule
        rule_rows.append(
            [
                {"text": rid, "id": True},
                rule.title(lang),
                _level(fs[0], w),
                str(len(fs)),
                money(rule_waste[rid]["usd"], rule_waste[rid]["jpy"]),
            ]
        )
    account_rows = [
        [
            {"text": a.account_id, "id": True},
            a.name or "-",
            str(sum(a.resource_counts.values())),
            str(sum(1 for f in a.findings if f.mandatory)),
            money(a.waste_usd, a.waste_jpy),
        ]
        for a in result.accounts
    ]
    finding_rows = [
        [
            _level(f, w),
            {"text": f.account, "id": True},
            {"text": f.region or "-", "id": True},
            {"text": f.violation.rule.id, "id": True},
            {"text": _resource(f), "id": True},
            money(f.waste_usd, f.waste.monthly_jpy),
            finding_message(f)(lang),
        ]
        for f in findings
    ]
    gap_rows = [
        [
            {"text": g.account, "id": True},
            {"text": g.region, "id": True},
            {"text": g.collector, "id": True},
            f"{w['kinds'].get(g.kind, w['kinds']['error'])}: {plain_reason(g.reason)}",
        ]
        for g in result.gaps
    ]
    # The API calls split into per-page and declared per-parent calls (the audit's
    # efficiency claim, also in the table footer and --json).
    notes = [calls_line(result, lang), w["method"]]
    if rate_source:
        notes.append(w["rate"].format(rate=f"{rate:g}", source=rate_source, date=rate_date or "-"))
    return AuditView(
        lang=lang,
        title=w["title"],
        subtitle=w["subtitle"],
        version=__version__,
        status_kind=kind,
        status_lines=lines,
        cards=cards,
        lever_title=w["by_lever"],
        lever_bars=bars,
        no_waste=w["no_waste"],
        sections={k: w[k] for k in ("by_rule", "by_account", "findings", "gaps")},
        rule_columns=_cols(w["rule_cols"], numeric=(3, 4), ids=(0,)),
        rule_rows=rule_rows,
        account_columns=_cols(w["acct_cols"], numeric=(2, 3, 4), ids=(0,)),
        account_rows=account_rows,
        finding_columns=_cols(w["finding_cols"], numeric=(5,)),
        finding_rows=finding_rows,
        gap_columns=_cols(w["gap_cols"]),
        gap_rows=gap_rows,
        notes=notes,
    )
