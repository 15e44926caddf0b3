"""Render check results and the rule catalogue: table, JSON, SARIF 2.1.0, Markdown."""

from __future__ import annotations

from typing import Any

from gcmod import __version__
from gcmod.graph import short_type
from gcmod.policies.harness import CheckReport, Violation
from gcmod.policies.model import LEVERS, Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"mandatory": "error", "advisory": "warning", "disabled": "none"}


def sarif_level(v: Violation) -> str:
    """SARIF level of a violation: a rule that could not decide is a note."""
    return "note" if v.unknown else _SARIF_LEVEL[v.enforcement]


LABELS = {
    "en": {
        "clean": "No mandatory violations.",
        "always_on": "Always on, exempted from the shutdown schedule (GCM-SCHED-001) because:",
        "summary": "{m} mandatory, {a} advisory finding(s) over {n} resources, {r} rules",
        "headers": ["LEVEL", "RULE", "RESOURCE", "MESSAGE", "DECIDED BY"],
        "mandatory": "MANDATORY",
        "advisory": "advisory",
        "unknown": "unknown",
        "rules_headers": ["ID", "SEVERITY", "DEFAULT", "LEVER", "TITLE"],
    },
    "ja": {
        "clean": "必須違反はありません。",
        "always_on": "停止スケジュールから除外された常時稼働リソース (GCM-SCHED-001) とその理由:",
        "summary": "必須 {m} 件・推奨 {a} 件 (リソース {n} 件、ルール {r} 件)",
        "headers": ["区分", "ルール", "リソース", "内容", "判定の根拠"],
        "mandatory": "必須",
        "advisory": "推奨",
        "unknown": "不明",
        "rules_headers": ["ID", "重要度", "既定", "施策", "タイトル"],
    },
}


def _level(v: Violation, lang: str) -> str:
    t = LABELS[lang]
    if v.unknown:
        return t["unknown"]
    return t["mandatory"] if v.mandatory else t["advisory"]


def evidence_text(v: Violation, lang: str = "en") -> str:
    """``environment development (tag Environment=development)``, and the region when
    it did not come from the stack's own region: what decided the finding."""
    if not v.environment or v.environment_from is None:
        return ""
    env = "不明" if (lang == "ja" and v.environment == "unknown") else v.environment
    label = "環境" if lang == "ja" else "environment"
    out = f"{label} {env} ({v.environment_from(lang)})"
    if v.region_from is not None and "aws:region" not in v.region_from.en:
        where = "リージョン" if lang == "ja" else "region"
        out += f"; {where} {v.region or '?'} ({v.region_from(lang)})"
    return out


def _kind(v: Violation) -> str:
    return "unknown" if v.unknown else ("mandatory" if v.mandatory else "advisory")


def table(report: CheckReport, lang: str = "en") -> str:
    from gcmod.textable import paint, render

    t = LABELS[lang]
    ordered = sorted(report.violations, key=lambda v: (not v.mandatory, v.rule.id, v.urn))
    rows = [
        (
            paint(_level(v, lang), _kind(v)),
            v.rule.id,
            f"{short_type(v.resource_type)} {v.resource_name}".strip() or "(stack)",
            v.message(lang),
            evidence_text(v, lang),
        )
        for v in ordered
    ]
    out = [render(t["headers"], rows)] if rows else []
    out.append(
        t["summary"].format(
            m=len(report.mandatory),
            a=len(report.advisory),
            n=report.resources,
            r=len(report.rules),
        )
    )
    if report.always_on:
        out.append(t["always_on"])
        out += [f"  - {short_type(a.type)} {a.name}: {a.reason}" for a in report.always_on]
    if not report.mandatory:
        out.append(t["clean"])
    return "\n".join(out)


def evidence_json(v: Violation) -> dict[str, Any]:
    """``environment``/``environmentFrom``/``region``/``regionFrom`` of a resource
    finding (English evidence, and its Japanese under ``...Ja``)."""
    if v.environment_from is None:
        return {}
    out: dict[str, Any] = {
        "environment": v.environment,
        "environmentFrom": v.environment_from.en,
        "environmentFromJa": v.environment_from.ja,
    }
    if v.region_from is not None:
        out |= {
            "region": v.region or None,
            "regionFrom": v.region_from.en,
            "regionFromJa": v.region_from.ja,
        }
    return out


def to_json(report: CheckReport) -> dict[str, Any]:
    return {
        "stack": report.stack,
        "region": report.region,
        "resources": report.resources,
        "rules": len(report.rules),
        "mandatory": len(report.mandatory),
        "advisory": len(report.advisory),
        "notApplicable": report.not_applicable,
        "alwaysOn": [
            {"name": a.name, "type": a.type, "urn": a.urn, "reason": a.reason}
            for a in report.always_on
        ],
        "violations": [
            {
                "rule": v.rule.id,
                "policy": v.rule.policy_name,
                "severity": v.rule.severity,
                "enforcement": v.enforcement,
                "unknown": v.unknown,
                "lever": v.rule.lever,
                "urn": v.urn,
                "type": v.resource_type,
                "name": v.resource_name,
                "message": {"en": v.message.en, "ja": v.message.ja},
                **evidence_json(v),
            }
            for v in report.violations
        ],
    }


def sarif_rule(r: Rule) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.policy_name,
        "shortDescription": {"text": f"{r.title.en} / {r.title.ja}"},
        "fullDescription": {"text": f"{r.rationale.en}\n{r.rationale.ja}"},
        "help": {
            "text": f"{r.remediation.en}\n{r.remediation.ja}",
            "markdown": f"{r.remediation.en}\n\n{r.remediation.ja}",
        },
        "defaultConfiguration": {"level": _SARIF_LEVEL[r.enforcement]},
        "properties": {"tags": ["gcmod", r.lever], "severity": r.severity},
    }


def to_sarif(report: CheckReport, artifact: str, lang: str = "en") -> dict[str, Any]:
    """SARIF 2.1.0: one run, the rule catalogue in the driver, a result per finding
    located at the stack file with the resource as a logical location."""
    index = {r.id: i for i, r in enumerate(report.rules)}
    results = []
    for v in report.violations:
        results.append(
            {
                "ruleId": v.rule.id,
                "ruleIndex": index[v.rule.id],
                "level": sarif_level(v),
                "message": {"text": v.message(lang)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": artifact},
                            "region": {"startLine": 1},
                        },
                        "logicalLocations": [
                            {
                                "name": v.resource_name or report.stack,
                                "fullyQualifiedName": v.urn or report.stack,
                                "kind": "resource",
                            }
                        ],
                    }
                ],
                "properties": {
                    "resourceType": v.resource_type,
                    "unknown": v.unknown,
                    **evidence_json(v),
                },
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "gcmod",
                        "version": __version__,
                        "rules": [sarif_rule(r) for r in report.rules],
                    }
                },
                "results": results,
                "properties": {"stack": report.stack, "region": report.region},
            }
        ],
    }


def rules_table(rules: list[Rule], lang: str = "en") -> str:
    from gcmod.textable import render

    t = LABELS[lang]
    idx = 0 if lang == "ja" else 1
    rows = [(r.id, r.severity, r.enforcement, LEVERS[r.lever][idx], r.title(lang)) for r in rules]
    return render(t["rules_headers"], rows)


def rules_json(rules: list[Rule]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "policy": r.policy_name,
            "scope": r.scope,
            "severity": r.severity,
            "enforcement": r.enforcement,
            "lever": r.lever,
            "resourceTypes": list(r.resource_types),
            "title": {"en": r.title.en, "ja": r.title.ja},
            "rationale": {"en": r.rationale.en, "ja": r.rationale.ja},
            "remediation": {"en": r.remediation.en, "ja": r.remediation.ja},
            "settings": [
                {"name": s.name, "type": s.type, "default": s.default, "description": s.description}
                for s in r.all_settings()
            ],
        }
        for r in rules
    ]


def rules_markdown(rules: list[Rule]) -> str:
    """The rule reference (docs/rules.md), generated from the rules' metadata."""
    import json

    out = [
        "# Policy rules / ポリシールール",
        "",
        "<!-- Generated by `python scripts/gen_docs.py` from the rules' metadata; "
        "do not edit by hand. -->",
        "",
        "Every rule runs unchanged under `pulumi preview --policy-pack policies`, "
        "`gcmod check` (offline) and the audit. Change a rule's enforcement level or "
        "thresholds with a policy config file (`--config FILE` for `gcmod check`, "
        "`--policy-pack-config FILE` for `pulumi preview`): "
        '`{"gcm-cost-003": {"enforcementLevel": "advisory", "maxVcpu": {...}}}`; '
        '`"all"` applies to every rule.',
        "",
        "| id | title | severity | default | lever |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rules:
        anchor = r.id.lower()
        out.append(
            f"| [{r.id}](#{anchor}) | {r.title.en} / {r.title.ja} | {r.severity} | "
            f"{r.enforcement} | {LEVERS[r.lever][1]} |"
        )
    out.append("")
    for r in rules:
        out += [
            f"## {r.id}",
            "",
            f"**{r.title.en}** / **{r.title.ja}**",
            "",
            f"- policy name: `{r.policy_name}`; scope: {r.scope}; severity: {r.severity}; "
            f"default enforcement: {r.enforcement}; lever: {LEVERS[r.lever][1]} "
            f"({LEVERS[r.lever][0]})",
        ]
        if r.resource_types:
            out.append("- resource types: " + ", ".join(f"`{t}`" for t in r.resource_types))
        out += [
            "",
            f"**Why.** {r.rationale.en}",
            "",
            f"**理由** {r.rationale.ja}",
            "",
            f"**Fix.** {r.remediation.en}",
            "",
            f"**対処** {r.remediation.ja}",
            "",
            "| setting | type | default | meaning |",
            "| --- | --- | --- | --- |",
        ]
        for s in r.all_settings():
            default = json.dumps(s.default, ensure_ascii=False)
            out.append(f"| `{s.name}` | {s.type} | `{default}` | {s.description} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
