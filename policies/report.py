"""Render check results and the rule catalogue: table, JSON, SARIF 2.1.0, Markdown."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from gcmod import __version__
from gcmod.graph import short_type
from gcmod.policies.harness import CheckReport, Violation
from gcmod.policies.model import LEVERS, Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"mandatory": "error", "advisory": "warning", "disabled": "none"}
#: Where gcmod's docs are published (the SARIF ``helpUri`` of each rule points at
#: its section of rules.md there); ``GCMOD_DOCS_URL`` overrides it.
DOCS_URL = "https://github.com/gcmod/gcmod/blob/main/docs/"
#: GitHub code scanning's ``security-severity`` (a CVSS-like score, as a string)
#: per rule severity, for the security rules (GitHub docs, "SARIF support for
#: code scanning", reportingDescriptor properties, checked 2026-12).
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
#: Key of gcmod's own entry in ``partialFingerprints``.
FINGERPRINT_KEY = "gcmodFinding/v1"


def sarif_level(v: Violation) -> str:
    """SARIF level of a violation: a rule that could not decide is a note."""
    return "note" if v.unknown else _SARIF_LEVEL[v.enforcement]


def fingerprint(rule_id: str, subject: str) -> str:
    """A finding's identity across runs: the rule and the resource (URN in a
    program, ARN or id in an account); the baseline files use it too."""
    return hashlib.sha256(f"{rule_id}|{subject}".encode()).hexdigest()[:32]


def violation_fingerprint(v: Violation, stack: str = "") -> str:
    """:func:`fingerprint` of a check finding (a stack-level one: the stack and its message)."""
    return fingerprint(v.rule.id, v.urn or f"{stack}|{v.message.en}")


def fingerprints(violations: list[Violation], stack: str = "") -> list[str]:
    """The fingerprint of each violation, in order. A rule that reports a resource
    more than once (two open ports) gives its second and later findings, in the
    order of their English messages, the suffix ``#2``, ``#3``...: distinct, and
    stable while the findings are."""
    base = [violation_fingerprint(v, stack) for v in violations]
    groups: dict[str, list[int]] = {}
    for i, fp in enumerate(base):
        groups.setdefault(fp, []).append(i)
    out = list(base)
    for fp, idx in groups.items():
        for n, i in enumerate(sorted(idx, key=lambda i: violations[i].message.en)[1:], start=2):
            out[i] = fingerprint(fp, f"#{n}")
    return out


LABELS = {
    "en": {
        "clean": "No mandatory violations.",
        "always_on": "Always on, exempted from the shutdown schedule (GCM-SCHED-001) because:",
        "summary": "{m} mandatory, {a} advisory, {w} waived finding(s) over {n} resources, "
        "{r} rules",
        "headers": ["LEVEL", "RULE", "RESOURCE", "DECLARED AT", "MESSAGE", "DECIDED BY"],
        "mandatory": "MANDATORY",
        "advisory": "advisory",
        "unknown": "unknown",
        "waived": "waived",
        "waiver": "waived until {date} ({source}{by}): {reason}",
        "by": ", approved by {who}",
        "rules_headers": ["ID", "SEVERITY", "DEFAULT", "LEVER", "TITLE"],
    },
    "ja": {
        "clean": "必須違反はありません。",
        "always_on": "停止スケジュールから除外された常時稼働リソース (GCM-SCHED-001) とその理由:",
        "summary": "必須 {m} 件・推奨 {a} 件・免除 {w} 件 (リソース {n} 件、ルール {r} 件)",
        "headers": ["区分", "ルール", "リソース", "宣言箇所", "内容", "判定の根拠"],
        "mandatory": "必須",
        "advisory": "推奨",
        "unknown": "不明",
        "waived": "免除",
        "waiver": "{date} まで免除 ({source}{by}): {reason}",
        "by": "、承認者 {who}",
        "rules_headers": ["ID", "重要度", "既定", "施策", "タイトル"],
    },
}


def _level(v: Violation, lang: str) -> str:
    t = LABELS[lang]
    if v.waived:
        return t["waived"]
    if v.unknown:
        return t["unknown"]
    return t["mandatory"] if v.mandatory else t["advisory"]


def waiver_text(v: Violation, lang: str) -> str:
    """The waiver of a waived finding, in one line."""
    w = v.waiver
    if w is None:
        return ""
    t = LABELS[lang]
    by = t["by"].format(who=w.approved_by) if w.approved_by else ""
    return t["waiver"].format(date=w.expires, source=w.source, by=by, reason=w.reason)


def evidence_text(v: Violation, lang: str = "en") -> str:
    """``environment development (tag Environment=development)``, and the region when
    it did not come from the stack's own region: what decided the finding."""
    if not v.environment or v.environment_from is None:
        return ""
    if lang == "ja":
        from gcmod.policies.rulekit import env_ja

        env = "不明" if v.environment == "unknown" else env_ja(v.environment)
        out = f"{env}環境 ({v.environment_from(lang)})"
    else:
        out = f"environment {v.environment} ({v.environment_from(lang)})"
    if v.region_from is not None and "aws:region" not in v.region_from.en:
        where = "リージョン" if lang == "ja" else "region"
        out += f"; {where} {v.region or '?'} ({v.region_from(lang)})"
    return out


def _kind(v: Violation) -> str:
    """Terminal style of a finding's level (a waived finding is styled as advisory)."""
    return "unknown" if v.unknown else ("mandatory" if v.mandatory else "advisory")


def table(report: CheckReport, lang: str = "en") -> str:
    from gcmod.textable import paint, render

    t = LABELS[lang]
    ordered = sorted(
        report.violations, key=lambda v: (v.waived, not v.mandatory, v.rule.id, v.urn)
    )
    rows = [
        (
            paint(_level(v, lang), _kind(v)),
            v.rule.id,
            f"{short_type(v.resource_type)} {v.resource_name}".strip() or "(stack)",
            str(v.source) if v.source else "-",
            v.message(lang) + (f" [{waiver_text(v, lang)}]" if v.waived else ""),
            evidence_text(v, lang),
        )
        for v in ordered
    ]
    out = [render(t["headers"], rows)] if rows else []
    out.append(
        t["summary"].format(
            m=len(report.mandatory),
            a=len(report.advisory),
            w=len(report.waived),
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
    prints = fingerprints(report.violations, report.stack)
    return {
        "stack": report.stack,
        "region": report.region,
        "resources": report.resources,
        "rules": len(report.rules),
        "mandatory": len(report.mandatory),
        "advisory": len(report.advisory),
        "waived": len(report.waived),
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
                "source": v.source.to_json() if v.source else None,
                "fingerprint": fp,
                "waived": v.waived,
                "waiver": v.waiver.to_config() if v.waiver else None,
                **evidence_json(v),
            }
            for v, fp in zip(report.violations, prints, strict=True)
        ],
    }


def docs_url() -> str:
    return (os.environ.get("GCMOD_DOCS_URL") or DOCS_URL).rstrip("/") + "/"


def rule_help_uri(r: Rule) -> str:
    return f"{docs_url()}rules.md#{r.id.lower()}"


def sarif_rule(r: Rule) -> dict[str, Any]:
    tags = ["gcmod", r.lever]
    properties: dict[str, Any] = {"severity": r.severity}
    if r.lever == "security":
        tags.append("security")
        properties["security-severity"] = SECURITY_SEVERITY[r.severity]
    else:
        tags.append("cost" if r.lever not in ("governance", "reliability") else r.lever)
    properties["tags"] = list(dict.fromkeys(tags))
    return {
        "id": r.id,
        "name": r.policy_name,
        "shortDescription": {"text": f"{r.title.en} / {r.title.ja}"},
        "fullDescription": {"text": f"{r.rationale.en}\n{r.rationale.ja}"},
        "help": {
            "text": f"{r.remediation.en}\n{r.remediation.ja}",
            "markdown": f"{r.remediation.en}\n\n{r.remediation.ja}",
        },
        "helpUri": rule_help_uri(r),
        "defaultConfiguration": {"level": _SARIF_LEVEL[r.enforcement]},
        "properties": properties,
    }


def sarif_suppression(v: Violation, lang: str = "en") -> dict[str, Any]:
    """A waived finding's SARIF suppression: in source for a tag, external for a file."""
    w = v.waiver
    assert w is not None
    from gcmod.policies.waivers import TAG_SOURCE

    return {
        "kind": "inSource" if w.source == TAG_SOURCE else "external",
        "status": "accepted",
        "justification": waiver_text(v, lang),
        "properties": w.to_config(),
    }


def _uri(path: Path) -> str:
    """A path relative to the current folder (the repository root in CI), else a file URI."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_uri()


def to_sarif(
    report: CheckReport,
    artifact: str,
    lang: str = "en",
    source_root: Path | None = None,
    category: str | None = None,
) -> dict[str, Any]:
    """SARIF 2.1.0: one run, the rule catalogue in the driver, a result per finding
    located at the line of the program that declared the resource (``source_root``:
    the project directory source locations are relative to), else at line 1 of
    ``artifact`` (the stack file); the resource is the logical location."""
    index = {r.id: i for i, r in enumerate(report.rules)}
    results = []
    prints = fingerprints(report.violations, report.stack)
    for v, fp in zip(report.violations, prints, strict=True):
        uri, line = artifact, 1
        if v.source is not None:
            src = Path(v.source.file)
            if not src.is_absolute() and source_root is not None:
                src = source_root / src
            if src.is_absolute():
                uri, line = _uri(src), v.source.line
        result: dict[str, Any] = {
            "ruleId": v.rule.id,
            "ruleIndex": index[v.rule.id],
            "level": sarif_level(v),
            "message": {"text": v.message(lang)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {"startLine": line},
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
            "partialFingerprints": {FINGERPRINT_KEY: fp},
            "properties": {
                "resourceType": v.resource_type,
                "unknown": v.unknown,
                **evidence_json(v),
            },
        }
        if v.waived:
            result["suppressions"] = [sarif_suppression(v, lang)]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "gcmod",
                        "version": __version__,
                        "informationUri": docs_url(),
                        "rules": [sarif_rule(r) for r in report.rules],
                    }
                },
                "automationDetails": {"id": f"{category or 'gcmod-check/' + report.stack}/"},
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
        '`"all"` applies to every rule. Accept one finding for a reason until a date with '
        "a waiver (the `gcmod:waive` tag or `gcmod-waivers.yaml`; every rule's `waivers` "
        "setting carries the file to the pack): see [waivers.md](waivers.md).",
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
