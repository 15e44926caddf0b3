"""Rules about waivers themselves: an expired waiver, a waiver that waives nothing.

The waivers are read by :mod:`gcmod.policies.waivers` (the ``gcmod:waive`` tag
on each resource, and the ``waivers`` setting carrying ``gcmod-waivers.yaml``);
whether a finding is waived is decided by the pack adapter
(:mod:`gcmod.policies.pack`). These rules are not waivable.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from gcmod.policies.model import Ctx, Finding, Res, Text, rule
from gcmod.policies.waivers import Waiver, config_waivers, tag_waivers, today

_WHY_EN = (
    "The Digital Agency's cost-optimisation approach guide v1.0 (2025-03-24) asks that "
    "deviations from the optimised architecture be decided and reviewed, not left in place. "
    "A waiver accepts one finding for a stated reason until a date; past that date the "
    "acceptance must be reviewed again."
)
_WHY_JA = (
    "デジタル庁「コスト最適化のアプローチガイド」第1.0版 (2025年3月24日) は、最適化された構成から"
    "外れる判断を決定し見直すことを求めている。免除は理由と期限を付けて一件の指摘を受け入れる"
    "ものであり、期限を過ぎたら改めて見直す必要がある。"
)


def _own_tags(res: Res) -> Mapping[str, Any]:
    """The resource's own tags (an unknown tags value: none can be read)."""
    try:
        tags = res.props.get("tags")
        return dict(tags) if isinstance(tags, Mapping) else {}
    except Exception:  # unknown before deployment: no waiver can be read from it
        return {}


def _expired_text(w: Waiver, name: str) -> Text:
    by_en = f", approved by {w.approved_by}" if w.approved_by else ""
    by_ja = f"、承認者 {w.approved_by}" if w.approved_by else ""
    return Text(
        en=f"the waiver of {w.rule} on {name} ({w.source}{by_en}) expired on {w.expires}: "
        f"{w.reason}",
        ja=f"{name} の {w.rule} の免除 ({w.source}{by_ja}) は {w.expires} に期限切れです: "
        f"{w.reason}",
    )


@rule(
    id="GCM-GOV-001",
    title=Text(en="Waivers are within their expiry date", ja="免除が有効期限内である"),
    severity="medium",
    enforcement="mandatory",
    lever="governance",
    scope="stack",
    rationale=Text(en=_WHY_EN, ja=_WHY_JA),
    remediation=Text(
        en="Fix the finding the waiver accepted, or review the waiver and set a new "
        "expires date (gcmod:waive tag or gcmod-waivers.yaml).",
        ja="免除していた指摘を解消するか、免除を見直して新しい期限を設定する "
        "(gcmod:waive タグまたは gcmod-waivers.yaml)。",
    ),
)
def expired_waivers(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    on = today()
    for res in resources:
        for w in tag_waivers(_own_tags(res))[0]:
            if not w.active(on):
                yield Finding(_expired_text(w, res.name), res.urn)
    for w in config_waivers(ctx.config):
        if w.active(on):
            continue
        matched = [r for r in resources if w.matches(w.rule, r.name, r.urn)]
        for res in matched:
            yield Finding(_expired_text(w, res.name), res.urn)
        if not matched:
            yield Finding(_expired_text(w, w.resource))


@rule(
    id="GCM-GOV-002",
    title=Text(en="Every waiver waives something", ja="免除が対象を持つ"),
    severity="low",
    enforcement="advisory",
    lever="governance",
    scope="stack",
    rationale=Text(en=_WHY_EN, ja=_WHY_JA),
    remediation=Text(
        en="Correct the waiver (rule id, resource name or URN pattern, RULE:YYYY-MM-DD:reason "
        "in the gcmod:waive tag) or delete it.",
        ja="免除の記述 (ルール ID、リソース名または URN パターン、gcmod:waive タグの "
        "RULE:YYYY-MM-DD:理由) を直すか、削除する。",
    ),
)
def idle_waivers(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    from gcmod.policies.model import all_rules

    known = {r.id for r in all_rules()}
    for res in resources:
        waivers, problems = tag_waivers(_own_tags(res))
        for p in problems:
            yield Finding(
                Text(
                    en=f"{res.name}: the waiver tag cannot be read: {p}",
                    ja=f"{res.name}: 免除タグを読み取れません: {p}",
                ),
                res.urn,
            )
        for w in waivers:
            if w.rule not in known:
                yield Finding(
                    Text(
                        en=f"{res.name}: the waiver names no rule of the pack: {w.rule}",
                        ja=f"{res.name}: 免除のルール {w.rule} はポリシーパックにありません",
                    ),
                    res.urn,
                )
    for w in config_waivers(ctx.config):
        if not any(w.matches(w.rule, r.name, r.urn) for r in resources):
            yield Finding(
                Text(
                    en=f"the waiver of {w.rule} for {w.resource!r} ({w.source}) matches no "
                    "resource of the stack",
                    ja=f"{w.resource!r} に対する {w.rule} の免除 ({w.source}) に該当する"
                    "リソースがありません",
                )
            )
