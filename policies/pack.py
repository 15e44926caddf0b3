"""Rules as CrossGuard policies: the one adapter every runner goes through.

``pulumi preview --policy-pack policies`` starts ``policies/__main__.py``,
which serves :func:`build_policies` over gRPC. ``gcmod check`` and the audit
call the same policies through the same analyzer servicer in-process
(:mod:`gcmod.policies.harness`). Nothing here decides anything: it turns a
:class:`~gcmod.policies.model.Rule` into a policy and a finding into a
violation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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

from gcmod.policies.evidence import region_of
from gcmod.policies.model import LEVERS, Ctx, Finding, Res, Rule, all_rules

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
    res.region = region_of(res).value
    return res


def _report(findings: Iterable[Finding], report_violation: ReportViolation) -> None:
    for f in findings:
        report_violation(format_message(f), f.urn)


def _resource_validate(rule: Rule):
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if not rule.applies_to(args.resource_type):
            return
        res = _res(args.resource_type, args.name, args.urn, args.props, args.provider)
        _report(rule.check(res, Ctx(rule, args.get_config() or {})), report_violation)

    return validate


def _stack_validate(rule: Rule):
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        by_urn: dict[str, Res] = {}
        for r in args.resources:
            by_urn[r.urn] = _res(r.resource_type, r.name, r.urn, r.props, r.provider)
        for r in args.resources:
            res = by_urn[r.urn]
            if r.parent is not None:
                res.parent = by_urn.get(r.parent.urn)
            res.dependencies = [by_urn[d.urn] for d in r.dependencies if d.urn in by_urn]
            res.property_dependencies = {
                key: [by_urn[d.urn] for d in deps if d.urn in by_urn]
                for key, deps in (r.property_dependencies or {}).items()
            }
        resources = list(by_urn.values())
        _report(rule.check(resources, Ctx(rule, args.get_config() or {})), report_violation)

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
    return [to_policy(r) for r in (rules if rules is not None else all_rules())]


def make_servicer(rules: Iterable[Rule] | None = None):
    """The analyzer servicer ``PolicyPack`` serves over gRPC, built in-process."""
    from pulumi_policy.policy import _PolicyAnalyzerServicer

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
