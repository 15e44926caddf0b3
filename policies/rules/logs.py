"""Log retention rules (guidance: keep the minimum logs, in a managed service)."""

from __future__ import annotations

from collections.abc import Iterator

from gcmod.policies.model import Ctx, Finding, Res, Setting, Text, rule
from gcmod.policies.rulekit import env_ja

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


@rule(
    id="GCM-LOG-001",
    title=Text(
        en="Log groups expire within their class maximum",
        ja="ロググループに保存期間 (上限内) が設定されている",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="logs",
    resource_types=(LOG_GROUP,),
    rationale=Text(
        en="The source deck (2025-10) lists unbounded logs among the causes of higher costs and "
        "the guide asks to define which logs are needed and for how long, keeping the minimum in "
        "a managed service. A log group with no retention keeps every byte forever.",
        ja="資料 (2025年10月) はログの無期限保存をコスト増の一因とし、ガイドは必要なログと保存期間を"
        "定め、最小限をマネージドサービスで保管するよう求めている。保存期間のないロググループは"
        "全てを永久に保存する。",
    ),
    remediation=Text(
        en="Set retentionInDays to the log class's period (gcmod: logging.classes.<name>."
        "retentionDays); archive what must be kept for years to S3 with lifecycle rules.",
        ja="`retentionInDays` をログ区分の保存期間に設定する (gcmod: `logging.classes.<name>."
        "retentionDays`)。長期保存が必要なものは S3 にアーカイブしライフサイクルを設定する。",
    ),
    settings=(
        Setting(
            "maxRetentionDays",
            "object",
            {"production": 731, "staging": 90, "development": 30},
            "Longest CloudWatch Logs retention allowed per environment (days); longer-kept "
            "logs belong in an S3 archive.",
        ),
    ),
)
def log_retention(res: Res, ctx: Ctx) -> Iterator[Finding]:
    days = res.get("retentionInDays")
    limit = ctx.per_environment("maxRetentionDays", res)
    if not days:
        yield Finding(
            Text(
                en=f"log group {res.name} never expires (no retentionInDays)",
                ja=f"ロググループ {res.name} は無期限保存です (retentionInDays 未設定)",
            )
        )
    elif days > limit:
        env = ctx.environment(res)
        yield Finding(
            Text(
                en=f"log group {res.name} keeps logs {days:g} days; the {env} maximum is {limit:g}",
                ja=f"ロググループ {res.name} の保存期間 {days:g} 日は{env_ja(env)}環境の上限 {limit:g} 日を超えます",
            )
        )
