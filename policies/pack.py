"""Rules as CrossGuard policies: the one adapter every runner goes through.

``pulumi preview --policy-pack policies`` starts ``policies/__main__.py``,
which serves :func:`build_policies` over gRPC. ``gcmod check`` and the audit
call the same policies through the same analyzer servicer in-process
(:mod:`gcmod.policies.harness`). Nothing here decides anything: it turns a
:class:`~gcmod.policies.model.Rule` into a policy and a finding into a
violation.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from gcmod.policies import memo
from gcmod.policies.evidence import region_value
from gcmod.policies.model import LEVERS, Ctx, Finding, Res, Rule, Text, all_rules
from gcmod.policies.waivers import UNWAIVABLE_LEVER, Waiver, config_waivers, waiver_for

PACK_NAME = "gcmod"
PACK_DESCRIPTION = (
    "gcmod: Government Cloud cost-optimisation and security policies "
    "(デジタル庁 コスト最適化のアプローチガイド 第1.0版に基づくポリシー)"
)
#: Separates the English and Japanese lines of a violation message.
MESSAGE_SEPARATOR = "\n"


def format_message(f: Finding) -> str:
    """English line, then Japanese line; :func:`split_message` reverses it."""
    return f"{f.message.en}{MESSAGE_SEPARATOR}{f.message.ja}"


def split_message(rule: Rule, engine_message: str) -> tuple[str, str]:
    """(en, ja) from an engine diagnostic message (description + our message)."""
    lines = engine_message.split("\n")
    if lines and lines[0] == description(rule):
        lines = lines[1:]
    if len(lines) >= 2:
        return lines[0], lines[1]
    text = lines[0] if lines else ""
    return text, text


def description(rule: Rule) -> str:
    return f"{rule.title.en} / {rule.title.ja}"


def _res(type_: str, name: str, urn: str, props: Any, provider: Any) -> Res:
    res = Res(
        type_,
        name,
        urn,
        props,
        provider_props=provider.props if provider is not None else {},
        provider_name=provider.name if provider is not None else None,
    )
    res.region = region_value(res)
    return res


#: The policies that report waived findings (advisory, so a waived finding
#: never fails), one per kind of analysis; they run after every rule.
WAIVED_POLICY = "gcmod-waived"
WAIVED_STACK_POLICY = "gcmod-waived-stack"
#: Prefix of the last line of a waived finding's message: the finding as JSON.
WAIVED_MARK = "gcmod-waiver: "


@dataclass(frozen=True)
class WaivedFinding:
    """A finding a waiver accepted, as the ``gcmod-waived`` policies report it."""

    rule: str
    enforcement: str
    """The level the finding had before it was waived."""
    message: Text
    urn: str
    waiver: Waiver

    def to_message(self) -> str:
        data = {
            "rule": self.rule,
            "enforcement": self.enforcement,
            "en": self.message.en,
            "ja": self.message.ja,
            "waiver": self.waiver.to_config(),
        }
        return "\n".join(
            [
                self.waiver.describe("en"),
                self.waiver.describe("ja"),
                self.message.en,
                self.message.ja,
                WAIVED_MARK + json.dumps(data, ensure_ascii=False, sort_keys=True),
            ]
        )

    @classmethod
    def from_message(cls, engine_message: str, urn: str) -> WaivedFinding | None:
        last = engine_message.rsplit("\n", 1)[-1]
        if not last.startswith(WAIVED_MARK):
            return None
        try:
            data = json.loads(last[len(WAIVED_MARK) :])
            waiver = Waiver.from_config(data["waiver"])
            if waiver is None:
                return None
            return cls(
                rule=str(data["rule"]),
                enforcement=str(data["enforcement"]),
                message=Text(en=str(data["en"]), ja=str(data["ja"])),
                urn=urn,
                waiver=waiver,
            )
        except (ValueError, KeyError, TypeError):
            return None


_waived = threading.local()


def _waived_buffer() -> list[WaivedFinding]:
    """Waived findings of the analysis running on this thread, waiting for the
    ``gcmod-waived`` policy (the servicer runs every policy of one request on
    one thread, in order)."""
    if not hasattr(_waived, "items"):
        _waived.items = []
    return _waived.items


def _report(
    rule: Rule,
    findings: Iterable[Finding],
    report_violation: ReportViolation,
    config: Mapping[str, Any],
    by_urn: Mapping[str, Res],
    subject: Res | None = None,
) -> None:
    """Report each finding, unless a waiver in date accepts it: then it waits for
    the ``gcmod-waived`` policy, which reports it as waived."""
    if rule.lever == UNWAIVABLE_LEVER:
        for f in findings:
            report_violation(format_message(f), f.urn)
        return
    file_waivers = config_waivers(config)
    for f in findings:
        res = by_urn.get(f.urn) if f.urn else subject
        urn = res.urn if res is not None else (f.urn or "")
        active = waiver_for(rule, res, urn, file_waivers)
        if active is None:
            report_violation(format_message(f), f.urn)
        else:
            _waived_buffer().append(
                WaivedFinding(rule.id, rule.enforcement, f.message, urn, active)
            )


def _resource_validate(rule: Rule):
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if not rule.applies_to(args.resource_type):
            return
        res = _res(args.resource_type, args.name, args.urn, args.props, args.provider)
        config = args.get_config() or {}
        findings = rule.check(res, Ctx(rule, config))
        _report(rule, findings, report_violation, config, {args.urn: res}, res)

    return validate


def _report_waived(only_urn: str | None, report_violation: ReportViolation) -> None:
    buffer = _waived_buffer()
    items, buffer[:] = list(buffer), []
    for w in items:
        if only_urn is None or w.urn == only_urn:
            report_violation(w.to_message(), w.urn or None)


def waived_policies() -> list:
    """The two policies that report waived findings (advisory)."""
    common: dict[str, Any] = {
        "description": "Waived finding (accepted until its expiry) / "
        "免除された指摘 (期限まで受け入れ)",
        "enforcement_level": EnforcementLevel.ADVISORY,
        "severity": Severity.LOW,
        "tags": ["governance", "gcmod"],
    }
    return [
        ResourceValidationPolicy(
            name=WAIVED_POLICY,
            validate=lambda args, report: _report_waived(args.urn, report),
            display_name="gcmod waived finding",
            **common,
        ),
        StackValidationPolicy(
            name=WAIVED_STACK_POLICY,
            validate=lambda _args, report: _report_waived(None, report),
            display_name="gcmod waived finding (stack)",
            **common,
        ),
    ]


def stack_view(resources: list[Any]) -> tuple[dict[str, Res], list[Res]]:
    """The rules' view of a stack's ``PolicyResource`` list: each resource as a
    :class:`Res`, linked to its parent and dependencies, by URN and in order.
    Built once per list inside a check (:mod:`gcmod.policies.memo`) and shared,
    read-only, by every stack rule (tests/test_hotpath.py checks no rule writes
    to it); built per rule when the pack is served over gRPC."""

    def build() -> tuple[dict[str, Res], list[Res]]:
        by_urn: dict[str, Res] = {}
        for r in resources:
            by_urn[r.urn] = _res(r.resource_type, r.name, r.urn, r.props, r.provider)
        for r in resources:
            res = by_urn[r.urn]
            if r.parent is not None:
                res.parent = by_urn.get(r.parent.urn)
            res.dependencies = [by_urn[d.urn] for d in r.dependencies if d.urn in by_urn]
            res.property_dependencies = {
                key: [by_urn[d.urn] for d in deps if d.urn in by_urn]
                for key, deps in (r.property_dependencies or {}).items()
            }
        return by_urn, list(by_urn.values())

    return memo.remembered("stack-view", resources, build)


def _stack_validate(rule: Rule):
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        by_urn, resources = stack_view(args.resources)
        config = args.get_config() or {}
        findings = rule.check(list(resources), Ctx(rule, config))
        _report(rule, findings, report_violation, config, by_urn)

    return validate


def to_policy(rule: Rule) -> ResourceValidationPolicy | StackValidationPolicy:
    """The CrossGuard policy for one rule."""
    common: dict[str, Any] = {
        "name": rule.policy_name,
        "description": description(rule),
        "enforcement_level": EnforcementLevel(rule.enforcement),
        "config_schema": PolicyConfigSchema(
            properties={s.name: s.schema() for s in rule.all_settings()}
        ),
        "display_name": f"{rule.id} {rule.title.en}",
        "severity": Severity(rule.severity),
        "tags": [rule.lever, "gcmod"],
        "remediation_steps": f"{rule.remediation.en}\n{rule.remediation.ja}",
    }
    if rule.scope == "stack":
        return StackValidationPolicy(validate=_stack_validate(rule), **common)
    return ResourceValidationPolicy(validate=_resource_validate(rule), **common)


def build_policies(rules: Iterable[Rule] | None = None) -> list:
    """A policy per rule, then the ``gcmod-waived`` policies (they must run last)."""
    return [to_policy(r) for r in (rules if rules is not None else all_rules())] + (
        waived_policies()
    )


def make_servicer(rules: Iterable[Rule] | None = None, resource_type: str | None = None):
    """The analyzer servicer ``PolicyPack`` serves over gRPC, built in-process.
    With ``resource_type``: only the resource policies whose rule applies to that
    type, and the waived-finding policies (for ``Analyze`` of such resources)."""
    from pulumi_policy.policy import _PolicyAnalyzerServicer

    rules = list(rules if rules is not None else all_rules())
    if resource_type is not None:
        rules = [r for r in rules if r.scope != "stack" and r.applies_to(resource_type)]
    # PolicyPack always reports version 0.0.1 itself (the CLI takes the real
    # version from PulumiPolicy.yaml); use the same so messages match exactly.
    return _PolicyAnalyzerServicer(
        PACK_NAME,
        "0.0.1",
        build_policies(rules),
        EnforcementLevel.ADVISORY,
        None,
        PACK_DESCRIPTION,
    )


def lever_text(rule: Rule) -> Mapping[str, str]:
    ja, en = LEVERS[rule.lever]
    return {"ja": ja, "en": en}
