"""Render an audit: table, JSON, SARIF 2.1.0 and a self-contained HTML page."""

from __future__ import annotations

from typing import Any

from gcmod import __version__
from gcmod.audit.runner import AuditResult, Finding
from gcmod.cost.figures import fmt_jpy, fmt_usd
from gcmod.graph import short_type
from gcmod.policies.model import Text
from gcmod.policies.report import evidence_json

LABELS = {
    "en": {
        "headers": ["LEVEL", "ACCOUNT", "REGION", "RULE", "RESOURCE", "WASTE/MO", "MESSAGE"],
        "mandatory": "MANDATORY",
        "advisory": "advisory",
        "unknown": "unknown",
        "waived": "waived",
        "summary": (
            "{accounts} account(s), {resources} resources; {m} mandatory and {a} advisory "
            "finding(s); estimated waste up to {usd}/month; {calls} API calls"
        ),
        "gaps": "INCOMPLETE: {n} part(s) could not be read:",
        "clean": "No mandatory findings.",
        "calls": "API calls: {page} per page, {parent} per parent resource{detail}",
    },
    "ja": {
        "headers": ["区分", "アカウント", "リージョン", "ルール", "リソース", "無駄/月", "内容"],
        "mandatory": "必須",
        "advisory": "推奨",
        "unknown": "不明",
        "waived": "免除",
        "summary": (
            "アカウント {accounts} 件・リソース {resources} 件、必須 {m} 件・推奨 {a} 件。"
            "是正による削減額は月 {jpy} ({usd})。API 呼び出し {calls} 回"
        ),
        "gaps": "不完全: 読み取れなかった箇所が {n} 件あります:",
        "clean": "必須の指摘はありません。",
        "calls": "API 呼び出し: ページ単位 {page} 回、親リソース単位 {parent} 回{detail}",
    },
}


def calls_line(result: AuditResult, lang: str = "en") -> str:
    """API calls made, split into per-page calls and the declared per-parent ones."""
    split = result.call_split
    detail = ", ".join(f"{op} {v['calls']}" for op, v in split["parents"].items())
    return LABELS[lang]["calls"].format(
        page=split["perPage"],
        parent=split["perParent"],
        detail=f" ({detail})" if detail else "",
    )


def finding_message(f: Finding) -> Text:
    """The finding's message; for a rule that could not decide, what the audit did
    not collect (the engine's own wording speaks of a preview)."""
    v = f.violation
    if not v.unknown:
        return v.message
    path = v.unknown_at or "a value"
    return Text(
        en=f"could not decide: {path} was not collected by the audit",
        ja=f"監査で {path} を収集できなかったため、このルールを判定できません",
    )


def finding_fingerprints(result: AuditResult) -> dict[int, str]:
    """``id(finding)`` -> its fingerprint: rule + the resource's ARN (or account,
    region and id), distinct per finding (:func:`gcmod.policies.report.fingerprints`);
    the audit's SARIF fingerprint and baseline key."""
    from gcmod.policies.report import fingerprints

    out: dict[int, str] = {}
    for acct in result.accounts:
        prints = fingerprints([f.violation for f in acct.findings])
        out.update(zip(map(id, acct.findings), prints, strict=True))
    return out


def _level(f: Finding, lang: str) -> str:
    t = LABELS[lang]
    if f.violation.waived:
        return t["waived"]
    if f.violation.unknown:
        return t["unknown"]
    return t["mandatory"] if f.mandatory else t["advisory"]


def _kind(f: Finding) -> str:
    if f.violation.unknown:
        return "unknown"
    return "mandatory" if f.mandatory else "advisory"


def _waste(f: Finding, lang: str = "en") -> str:
    if f.waste_usd is None:
        return "-"
    if lang == "ja" and f.waste.monthly_jpy is not None:
        return f"{fmt_jpy(f.waste.monthly_jpy, lang)} ({fmt_usd(f.waste_usd)})"
    return fmt_usd(f.waste_usd)


def _ordered(result: AuditResult) -> list[Finding]:
    return sorted(
        result.findings,
        key=lambda f: (not f.mandatory, f.account, f.violation.rule.id, f.violation.urn),
    )


def total_waste(result: AuditResult) -> float:
    return round(sum(a.waste_usd for a in result.accounts), 2)


def total_waste_jpy(result: AuditResult) -> int:
    return sum(a.waste_jpy for a in result.accounts)


def waste_by(result: AuditResult, key: str) -> dict[str, dict[str, Any]]:
    """Savings summed by ``rule`` or ``lever``: USD (cents), JPY, findings; these add
    up exactly to the estate total because each finding's figure is already rounded."""
    out: dict[str, dict[str, Any]] = {}
    for f in result.findings:
        k = f.violation.rule.id if key == "rule" else f.violation.rule.lever
        row = out.setdefault(k, {"usd": 0.0, "jpy": 0, "findings": 0, "unknown": 0})
        row["findings"] += 1
        if f.waste_usd is None:
            row["unknown"] += 1
            continue
        row["usd"] = round(row["usd"] + f.waste_usd, 2)
        row["jpy"] += f.waste.monthly_jpy or 0
    return dict(sorted(out.items()))


def table(result: AuditResult, lang: str = "en") -> str:
    from gcmod.textable import paint, render

    t = LABELS[lang]
    rows = [
        (
            paint(_level(f, lang), _kind(f)),
            f.account,
            f.region or "-",
            f.violation.rule.id,
            f"{short_type(f.violation.resource_type)} {f.violation.resource_name}".strip(),
            _waste(f, lang),
            finding_message(f)(lang),
        )
        for f in _ordered(result)
    ]
    out = [render(t["headers"], rows, right=(5,))] if rows else []
    out.append(
        t["summary"].format(
            accounts=len(result.accounts),
            resources=sum(sum(c.values()) for c in result.resource_counts.values()),
            m=len(result.mandatory),
            a=len(result.findings) - len(result.mandatory),
            usd=fmt_usd(total_waste(result)),
            jpy=fmt_jpy(total_waste_jpy(result), lang),
            calls=result.calls.total,
        )
    )
    out.append(calls_line(result, lang))
    if result.gaps:
        out.append(t["gaps"].format(n=len(result.gaps)))
        out += [
            f"  - {g.account} {g.region} {g.collector}: {g.kind}: {g.reason}" for g in result.gaps
        ]
    elif not result.mandatory:
        out.append(t["clean"])
    return "\n".join(out)


def to_json(result: AuditResult) -> dict[str, Any]:
    prints = finding_fingerprints(result)
    return {
        "tool": {"name": "gcmod", "version": __version__},
        "regions": list(result.scope.regions),
        "homeRegion": result.scope.home_region,
        "complete": result.complete,
        "mandatoryFindings": len(result.mandatory),
        "exitCode": result.exit_code,
        "apiCalls": {
            "total": result.calls.total,
            "byOperation": dict(sorted(result.calls.calls.items())),
            # Calls that grow with pages vs the declared calls made once per parent
            # resource (no batch form in the AWS API), each with its reason.
            "perPage": result.call_split["perPage"],
            "perParent": result.call_split["perParent"],
            "perParentByOperation": result.call_split["parents"],
        },
        "wasteMethod": result.waste_method,
        "wasteUsd": total_waste(result),
        "wasteJpy": total_waste_jpy(result),
        "wasteByRule": waste_by(result, "rule"),
        "wasteByLever": waste_by(result, "lever"),
        "accounts": [
            {
                "account": a.account_id,
                "name": a.name,
                "resources": a.resource_counts,
                "wasteUsd": a.waste_usd,
                "wasteJpy": a.waste_jpy,
                "mandatory": sum(1 for f in a.findings if f.mandatory),
                "advisory": sum(1 for f in a.findings if not f.mandatory),
            }
            for a in result.accounts
        ],
        "findings": [
            {
                "account": f.account,
                "region": f.region,
                "rule": f.violation.rule.id,
                "severity": f.violation.rule.severity,
                "enforcement": f.violation.enforcement,
                "unknown": f.violation.unknown,
                "lever": f.violation.rule.lever,
                "resource": f.violation.urn,
                "type": f.violation.resource_type,
                "name": f.violation.resource_name,
                "wasteUsd": f.waste_usd,
                "wasteJpy": f.waste.monthly_jpy,
                "saving": {"method": f.waste.method, "basis": f.waste.basis},
                "message": {"en": finding_message(f).en, "ja": finding_message(f).ja},
                "fingerprint": prints[id(f)],
                "waiver": f.violation.waiver.to_config() if f.violation.waiver else None,
                # which evidence decided the environment (the region is the account's)
                **{k: v for k, v in evidence_json(f.violation).items() if k != "region"},
            }
            for f in _ordered(result)
        ],
        "gaps": [
            {
                "account": g.account,
                "region": g.region,
                "collector": g.collector,
                "kind": g.kind,
                "reason": g.reason,
            }
            for g in result.gaps
        ],
    }


def to_sarif(result: AuditResult, lang: str = "en") -> dict[str, Any]:
    """SARIF 2.1.0, one run per account; results located at the resource's ARN."""
    from gcmod.policies.model import all_rules
    from gcmod.policies.report import (
        FINGERPRINT_KEY,
        SARIF_SCHEMA,
        sarif_level,
        sarif_rule,
        sarif_suppression,
    )

    rules = all_rules()
    index = {r.id: i for i, r in enumerate(rules)}
    prints = finding_fingerprints(result)
    runs = []
    for acct in result.accounts:
        results = []
        for f in acct.findings:
            v = f.violation
            results.append(
                {
                    "ruleId": v.rule.id,
                    "ruleIndex": index[v.rule.id],
                    "level": sarif_level(v),
                    "message": {"text": finding_message(f)(lang)},
                    "locations": [
                        {
                            "physicalLocation": {"artifactLocation": {"uri": v.urn}},
                            "logicalLocations": [
                                {
                                    "name": v.resource_name,
                                    "fullyQualifiedName": v.urn,
                                    "kind": "resource",
                                }
                            ],
                        }
                    ],
                    "partialFingerprints": {FINGERPRINT_KEY: prints[id(f)]},
                    "properties": {
                        "account": f.account,
                        "region": f.region,
                        "wasteUsd": f.waste_usd,
                    },
                }
            )
            if v.waived:
                results[-1]["suppressions"] = [sarif_suppression(v, lang)]
        runs.append(
            {
                "tool": {
                    "driver": {
                        "name": "gcmod-audit",
                        "version": __version__,
                        "rules": [sarif_rule(r) for r in rules],
                    }
                },
                "results": results,
                "properties": {"account": acct.account_id, "complete": result.complete},
            }
        )
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs}


def html_report(result: AuditResult, lang: str = "ja") -> str:
    """A self-contained page (gcmod.reports layout): summary, savings by lever,
    findings by rule and by account, every finding, and what could not be read."""
    from dataclasses import asdict

    from gcmod.audit.view import build
    from gcmod.reports import render

    return render("audit.html.j2", **asdict(build(result, lang)))
