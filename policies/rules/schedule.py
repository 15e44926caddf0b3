"""Operating-hours rules: non-production stops outside office hours, and the
holiday-aware schedules do not run out.

Guidance: デジタル庁「ガバメントクラウドの適切な利用によるコスト最適化のアプローチガイド」
第1.0版 (2025-03-24), lever 2 operating hours (guide p.24, source deck 2025-10):
stop what is not used at night, on weekends and holidays; non-production must not
run 24/365. Estimate checklist (2025-04): are production and test environments
running 24 h / 365 days? Review the hours, stop on holidays.

The tags are the ones :mod:`gcmod.components.shutdown` writes: ``gcmod:schedule``
on each resource a ``ScheduledShutdown`` starts and stops (value: the schedule
group's name), ``gcmod:schedule-horizon-end`` on the schedule group (ISO date, the
first day the monthly schedules no longer cover).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone

from gcmod.components.tags import TAG_HORIZON_END, TAG_SCHEDULE  # noqa: F401 (re-exported)
from gcmod.policies.model import Ctx, Finding, Res, Setting, Text, rule
from gcmod.policies.rulekit import ENV_JA, GUIDE_EN, GUIDE_JA, each
from gcmod.policies.schedules import (
    ASG,
    EC2_INSTANCE,
    ECS_SERVICE,
    INSTANCE_SCHEDULER_TAG,
    RDS_CLUSTER,
    RDS_INSTANCE,
    SCHEDULE,
    SCHEDULE_GROUP,
    group_names,
    reason_ok,
    schedule_in_group,
    schedule_of,
)

#: Japan Standard Time; Japan has no daylight saving time.
JST = timezone(timedelta(hours=9), "JST")


_KIND = {
    EC2_INSTANCE: ("EC2 instance", "EC2 インスタンス"),
    ECS_SERVICE: ("ECS service", "ECS サービス"),
    RDS_INSTANCE: ("RDS instance", "RDS インスタンス"),
    RDS_CLUSTER: ("DB cluster", "DB クラスター"),
    ASG: ("Auto Scaling group", "Auto Scaling グループ"),
}


@rule(
    id="GCM-SCHED-001",
    title=Text(
        en="Non-production compute and databases run under a shutdown schedule",
        ja="本番以外のコンピュート・データベースが停止スケジュールの下で稼働している",
    ),
    severity="high",
    enforcement="mandatory",
    lever="operating-hours",
    scope="stack",
    rationale=Text(
        en=f"Lever 2 of {GUIDE_EN} stops resources in the hours they are not used (nights, "
        "weekends, holidays): in the cloud the bill follows running time. The estimate "
        "checklist (2025-04) asks whether test environments run 24 h / 365 days and, if so, "
        "whether their hours were reviewed. A non-production resource outside every "
        "schedule runs 24/7.",
        ja=f"{GUIDE_JA} の施策2 は夜間・週末・祝日など利用しない時間帯にリソースを停止するよう"
        "求めている (クラウドの料金は稼働時間に比例する)。見積チェックリスト (2025年4月) も検証環境が"
        "24時間365日稼働になっていないか、稼働時間を見直したかの確認を求めている。どのスケジュールにも"
        "属さない本番以外のリソースは24時間稼働となる。",
    ),
    remediation=Text(
        en="Put the resource under gcmod's ScheduledShutdown (it tags it gcmod:schedule = "
        "<group> and creates the group's start/stop schedules for municipal office days). If "
        "it really must run around the clock, tag it with the exemption key (default "
        "gcmod:always-on) and the reason as the value.",
        ja="gcmod の ScheduledShutdown の対象にする (gcmod:schedule = <グループ名> のタグを付け、"
        "開庁日の起動・停止スケジュールをグループに作成する)。常時稼働が本当に必要な場合は除外キー "
        "(既定 gcmod:always-on) のタグに理由を値として付ける。",
    ),
    settings=(
        Setting(
            "exemptTagKey",
            "string",
            "gcmod:always-on",
            "Tag key that exempts a non-production resource from the schedule; its value "
            "must state the reason in a few words (at least three, or six Japanese "
            "characters), shown in the report.",
        ),
        Setting(
            "instanceSchedulerTagKey",
            "string",
            INSTANCE_SCHEDULER_TAG,
            "Tag key of the AWS Instance Scheduler (its default is Schedule); a resource "
            "carrying it counts as stopped and started. Empty: not used.",
        ),
    ),
    unknown_environment="development",
)
def shutdown_schedule(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    exempt_key = ctx.setting("exemptTagKey")
    scheduler_tag = ctx.setting("instanceSchedulerTagKey")

    def one(res: Res) -> Iterator[Finding]:
        if res.type not in _KIND:
            return
        env = ctx.environment(res)
        if env == "production":
            return
        kind_en, kind_ja = _KIND[res.type]
        what_en = f"{kind_en} {res.name} ({env})"
        what_ja = f"{kind_ja} {res.name} ({ENV_JA.get(env, env)}環境)"
        tags = res.tags
        if isinstance(exempt_key, str) and exempt_key in tags:
            reason = tags.get(exempt_key)
            if reason_ok(reason):
                return
            shown = reason.strip() if isinstance(reason, str) else ""
            yield Finding(
                Text(
                    en=f"{what_en}: tag {exempt_key} exempts it from the shutdown schedule but "
                    + (f"gives no reason in words ({shown!r})" if shown else "gives no reason")
                    + "; state why it must run 24/7 in a few words as the tag's value",
                    ja=f"{what_ja}: タグ {exempt_key} で停止スケジュールから除外されていますが理由が"
                    + (f"十分に書かれていません ({shown!r})" if shown else "ありません")
                    + "。24時間稼働が必要な理由を数語以上でタグの値に記載してください",
                ),
                res.urn,
            )
            return
        decision = schedule_of(
            res, resources, scheduler_tag if isinstance(scheduler_tag, str) else ""
        )
        if decision.scheduled:
            return
        yield Finding(
            Text(
                en=f"{what_en} runs 24/7: {decision.source.en}; non-production must not run 24/365",
                ja=f"{what_ja} は24時間稼働です。{decision.source.ja}。本番以外の環境を24時間365日"
                "稼働させないでください",
            ),
            res.urn,
        )

    yield from each(resources, one)


def _today(ctx: Ctx) -> date | None:
    value = ctx.setting("today")
    if not value:
        return datetime.now(JST).date()
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


@rule(
    id="GCM-SCHED-002",
    title=Text(
        en="Shutdown schedules cover the coming weeks (holiday horizon not ending)",
        ja="停止スケジュールの対象期間 (祝日を反映した期間) がまもなく終わらない",
    ),
    severity="medium",
    enforcement="advisory",
    lever="operating-hours",
    scope="stack",
    rationale=Text(
        en=f"Lever 2 of {GUIDE_EN} stops non-production outside office hours, including "
        "national holidays and the year-end break. Cron cannot skip holidays, so gcmod's "
        "schedules list each month's office days up to a horizon (tag "
        f"{TAG_HORIZON_END}); after it nothing starts, so the environment stays stopped "
        "until someone redeploys. The guide also asks to review operating hours regularly. "
        "Advisory: a near horizon is a maintenance reminder, not waste.",
        ja=f"{GUIDE_JA} の施策2 は本番以外を開庁時間外 (祝日・年末年始を含む) に停止するよう求めて"
        "いる。cron では祝日を除外できないため、gcmod のスケジュールは各月の開庁日を対象期間 "
        f"(タグ {TAG_HORIZON_END}) まで列挙する。期間後は起動されず、再デプロイまで環境が停止した"
        "ままになる。ガイドは稼働時間の定期的な見直しも求めている。期間切れ間近は保守の通知であり"
        "浪費ではないため推奨 (`advisory`) とする。",
    ),
    remediation=Text(
        en="Run `pulumi up` for the stack to roll the horizon forward (the schedules are "
        "regenerated from the current month), well before the date in the message.",
        ja="メッセージの日付より十分前にスタックの `pulumi up` を実行し、対象期間を延長する "
        "(スケジュールは当月から再生成される)。",
    ),
    settings=(
        Setting(
            "minDaysLeft",
            "number",
            30,
            "Fewest days the schedules must still cover from today.",
        ),
        Setting(
            "today",
            "string",
            "",
            "Date to count from (ISO, e.g. 2026-04-01); empty: today in Asia/Tokyo.",
        ),
    ),
)
def schedule_horizon(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    today = _today(ctx)
    if today is None:
        yield Finding(
            Text(
                en=f"setting today {ctx.setting('today')!r} is not an ISO date (YYYY-MM-DD)",
                ja=f"設定 today の値 {ctx.setting('today')!r} は ISO 形式の日付 (YYYY-MM-DD) では"
                "ありません",
            )
        )
        return
    min_days = ctx.setting("minDaysLeft")
    min_days = min_days if isinstance(min_days, int | float) else 30
    schedules = [r for r in resources if r.type == SCHEDULE]

    def one(group: Res) -> Iterator[Finding]:
        if group.type != SCHEDULE_GROUP:
            return
        tags = group.tags
        end_text = tags.get(TAG_HORIZON_END) if isinstance(tags, Mapping) else None
        if end_text is None:
            names = group_names(group)
            if any(any(schedule_in_group(s, group, n) for n in names) for s in schedules):
                yield Finding(
                    Text(
                        en=f"schedule group {group.name} has schedules but no {TAG_HORIZON_END} "
                        "tag: cannot tell when its schedules stop covering office days",
                        ja=f"スケジュールグループ {group.name} にはスケジュールがありますが "
                        f"{TAG_HORIZON_END} タグがないため、対象期間の終わりが分かりません",
                    ),
                    group.urn,
                )
            return
        try:
            end = date.fromisoformat(str(end_text))
        except ValueError:
            yield Finding(
                Text(
                    en=f"schedule group {group.name}: {TAG_HORIZON_END} {end_text!r} is not an "
                    "ISO date (YYYY-MM-DD)",
                    ja=f"スケジュールグループ {group.name}: {TAG_HORIZON_END} の値 {end_text!r} は "
                    "ISO 形式の日付 (YYYY-MM-DD) ではありません",
                ),
                group.urn,
            )
            return
        left = (end - today).days
        if left <= 0:
            yield Finding(
                Text(
                    en=f"schedule group {group.name}: the horizon ended on {end.isoformat()} "
                    f"(0 days left as of {today.isoformat()}); nothing starts any more, "
                    "redeploy the stack",
                    ja=f"スケジュールグループ {group.name}: 対象期間は {end.isoformat()} に終了して"
                    f"います ({today.isoformat()} 時点で残り0日)。以後は起動されないため"
                    "スタックを再デプロイしてください",
                ),
                group.urn,
            )
        elif left < min_days:
            yield Finding(
                Text(
                    en=f"schedule group {group.name}: {left} days left until the horizon ends "
                    f"on {end.isoformat()} (minimum {min_days:g}); redeploy the stack to roll it "
                    "forward",
                    ja=f"スケジュールグループ {group.name}: 対象期間の終了 ({end.isoformat()}) まで"
                    f"残り{left}日です (最低 {min_days:g} 日)。スタックを再デプロイして延長して"
                    "ください",
                ),
                group.urn,
            )

    yield from each(resources, one)
