"""A stack's estimate: the planned graph against the lift-and-shift it replaces.

:func:`estimate_stack` prices a synthesized graph (:mod:`gcmod.cost.pricers`),
builds the lift-and-shift baseline and the lever waterfall
(:mod:`gcmod.cost.baseline`), splits the planned total among the tenants
(:mod:`gcmod.cost.shares`) and records every assumption with its source in
``EstimateResult.assumptions``. :func:`estimate_file` does the same from a
stack file (synth, usage file, packaged catalogue).
"""

from __future__ import annotations

from typing import Any

from gcmod.config import StackConfig
from gcmod.cost.arithmetic import HOURS_PER_MONTH
from gcmod.cost.baseline import (
    baseline_assumptions,
    baseline_assumptions_ja,
    missing_in,
    model_inputs,
    steps_table,
    waterfall,
)
from gcmod.cost.commitments import NOT_ELIGIBLE_SERVERLESS, commitment_options
from gcmod.cost.model import BaselineRange, Estimate, EstimateResult
from gcmod.cost.notes import Notes
from gcmod.cost.phrase import Phrase, join
from gcmod.cost.pricers import GraphPricing, PriceSource, price_graph
from gcmod.cost.shares import tenant_shares
from gcmod.cost.sizing import HIGH, LOW
from gcmod.cost.usage import Usage, assumptions, assumptions_ja, usage_for
from gcmod.graph import ResourceGraph
from gcmod.stackfiles import StackRef


def _catalogue_text(catalog: PriceSource) -> Phrase:
    prices = list(getattr(catalog, "prices", {}).values())
    dates = sorted(p.checked for p in prices if getattr(p, "checked", None))
    fx_date = getattr(catalog, "fx_date", None)
    text = Phrase(f"{len(prices)} prices", f"価格 {len(prices)}件")
    if dates:
        first, last = dates[0].isoformat(), dates[-1].isoformat()
        text += Phrase(f", checked {first} to {last}", f"、確認日 {first}〜{last}")
    text += Phrase(f"; {catalog.jpy_per_usd:g} JPY/USD", f"、{catalog.jpy_per_usd:g} 円/USD")
    if fx_date is not None:
        text += f" ({fx_date.isoformat()})"
    return text


def _kind_hours(hours: dict[str, dict[str, dict[str, float]]], kind: str) -> float | None:
    found = [h for group in hours.values() for h in group.get(kind, {}).values()]
    return max(found) if found else None


def _usage_notes(
    catalog: PriceSource,
    gp: GraphPricing,
    usage: Usage,
    app_hours: float | None,
    db_hours: float | None,
) -> Notes:
    """The catalogue, the hours and each usage input, with their sources."""
    notes = Notes()
    notes.add("catalogue", str(getattr(catalog, "path", "")), _catalogue_text(catalog))
    notes.add(
        "hoursPerMonth",
        HOURS_PER_MONTH,
        Phrase(
            "AWS Pricing Calculator FAQ: 730 hours a month (24/7)",
            "AWS 料金見積ツールの FAQ: 月730時間 (24時間365日)",
        ),
    )
    notes.add(
        "runningHours",
        {"app": app_hours or HOURS_PER_MONTH, "db": db_hours or HOURS_PER_MONTH},
        Phrase(
            "average monthly hours of the running calendar read back from the stack's "
            "shutdown schedules",
            "スタックの自動停止スケジュールから読み取った稼働カレンダーの月平均時間",
        )
        if gp.hours
        else Phrase("not scheduled: 24/7", "自動停止なし: 24時間365日"),
    )
    notes.merge(assumptions(usage), assumptions_ja(usage), prefix="usage.")
    return notes


#: A price older than this is stale (as `gcmod prices list` marks it).
STALE_AFTER_DAYS = 365


def price_notes(catalog: PriceSource, *estimates: Estimate) -> Notes:
    """Every catalogue price the estimates use, with its source and date, and the
    unverified or stale ones among them (listed in the estimate, not hidden)."""
    import datetime as dt

    today = dt.date.today()
    used: dict[tuple[str, str], dict[str, Any]] = {}
    for est in estimates:
        for li in est.lines:
            ident = (li.price_key, li.region)
            if ident in used:
                continue
            find = getattr(catalog, "find", None)
            price = find(*ident) if find is not None else None
            if price is None:
                continue
            used[ident] = {
                "key": price.key,
                "region": price.region,
                "usd": price.usd,
                "unit": price.unit,
                "source": price.source,
                "checked": price.checked.isoformat(),
                "verified": price.verified,
                "stale": (today - price.checked).days > STALE_AFTER_DAYS,
            }
    rows = [used[k] for k in sorted(used)]
    flagged = [
        Phrase.same(f"{r['key']} @ {r['region']}: ")
        + join(
            [
                *([Phrase("unverified", "未確認")] if not r["verified"] else []),
                *(
                    [Phrase(f"stale (checked {r['checked']})", f"古い (確認日 {r['checked']})")]
                    if r["stale"]
                    else []
                ),
            ],
            ", ",
            "、",
        )
        for r in rows
        if r["stale"] or not r["verified"]
    ]
    notes = Notes()
    notes.add(
        "pricesUsed",
        rows,
        Phrase(
            "the price catalogue: each price used by this estimate, its source and the date "
            "it was checked",
            "価格カタログ: この概算が使う各価格とその出典、確認日",
        ),
    )
    notes.add(
        "unverifiedOrStalePrices",
        [f.en for f in flagged],
        Phrase(
            f"prices nobody could confirm, or checked more than {STALE_AFTER_DAYS} days ago "
            "(`gcmod prices list`); the figures using them are less certain",
            f"確認できなかった価格、または確認から{STALE_AFTER_DAYS}日を超えた価格 "
            "(`gcmod prices list`)。これを使う金額は不確かさが大きい",
        ),
        value_ja=[f.ja for f in flagged],
    )
    return notes


def _pricing_notes(gp: GraphPricing) -> Notes:
    """What pricing the graph could not price or had to assume."""
    notes = Notes()
    notes.add(
        "unpriced",
        [{"type": t, "resources": names} for t, names in sorted(gp.unpriced.items())],
        Phrase(
            "resource types with no pricer and not known to be free: not counted",
            "積算の方法がなく、無料とも分かっていないリソースの種類: 合計に含めていない",
        ),
    )
    for topic, items in sorted(gp.notes.items()):
        notes.add(
            f"notes.{topic}",
            items,
            Phrase("pricing the graph", "構成の積算"),
            value_ja=gp.notes_ja.get(topic, items),
        )
    return notes


def _budget(cfg: StackConfig, planned_usd: float) -> tuple[dict[str, Any], Phrase] | None:
    """The stack's budget limits and where they come from (none when observability
    is off), with a warning where the actual-cost alert (80 % of the environment
    budget) would fire in an ordinary month."""
    from gcmod.cost.guardrails import (
        ACTUAL_ALERT_SHARE,
        BUDGET_HEADROOM,
        ROUND_USD,
        environment_budget_usd,
        tenant_budgets_usd,
    )

    obs = cfg.observability
    if not obs.enabled:
        return None
    env = environment_budget_usd(cfg)
    source = (
        Phrase.same("gcmod:observability.monthlyBudgetUsd")
        if obs.monthly_budget_usd is not None
        else Phrase(
            f"default: {BUDGET_HEADROOM:g} × the modelled monthly cost of the capacity the "
            "config declares (24/7, without the traffic-driven part, packaged catalogue), "
            f"rounded up to {ROUND_USD} USD (gcmod.cost.guardrails)",
            f"既定値: 設定が宣言する容量のモデル上の月額 (24時間365日、利用量で変わる部分を除く、"
            f"同梱の価格カタログ) の {BUDGET_HEADROOM:g}倍を {ROUND_USD} USD 単位に切り上げ "
            "(gcmod.cost.guardrails)",
        )
    )
    actual = ACTUAL_ALERT_SHARE
    if planned_usd > 0 and actual * env < planned_usd:
        source += Phrase(
            f"; warning: {actual:.0%} of the environment budget (${actual * env:,.2f}) is below "
            f"this estimate (${planned_usd:,.2f}): its actual-cost alert would fire every month",
            f"。注意: 環境の予算の {actual:.0%} (${actual * env:,.2f}) がこの概算 "
            f"(${planned_usd:,.2f}) を下回るため、実績額のアラートが毎月発報します",
        )
    value = {
        "environmentUsd": env,
        "timesPlan": env / planned_usd if planned_usd > 0 else None,
        "tenantsUsd": tenant_budgets_usd(cfg),
    }
    return value, source


def budget_note(cfg: StackConfig, planned_usd: float) -> dict[str, Any] | None:
    """The stack's budget limits beside the plan (none when observability is off),
    with a warning where the actual-cost alert (80 % of the environment budget)
    would fire in an ordinary month."""
    budget = _budget(cfg, planned_usd)
    return None if budget is None else {"value": budget[0], "source": budget[1].en}


def estimate_stack(
    cfg: StackConfig,
    graph: ResourceGraph,
    catalog: PriceSource,
    usage: Usage,
    *,
    stack: str,
) -> EstimateResult:
    """Planned and baseline monthly estimates of one stack, with the lever
    waterfall, the tenants' shares and the assumptions behind them."""
    usage = usage.resolve(cfg)
    planned, gp = price_graph(graph, usage, catalog)
    app_hours = _kind_hours(gp.hours, "ecs-service")
    db_hours = _kind_hours(gp.hours, "aurora-cluster")
    w = waterfall(model_inputs(cfg, usage, app_hours, db_hours, LOW), catalog)
    w_high = waterfall(model_inputs(cfg, usage, app_hours, db_hours, HIGH), catalog)
    final = w.final
    notes = _usage_notes(catalog, gp, usage, app_hours, db_hours)
    notes.add(
        "baseline.range",
        {"lowUsd": w.baseline.monthly_usd, "highUsd": w_high.baseline.monthly_usd},
        Phrase(
            "two ends built from the evidence that exists (gcmod.cost.sizing, "
            "docs/baseline.md); the headline saving uses the low (conservative) end",
            "手に入る根拠から組み立てた2つの端 (gcmod.cost.sizing、docs/baseline.md)。"
            "見出しの削減額は下限 (控えめ) を使う",
        ),
    )
    notes.merge(baseline_assumptions(LOW), baseline_assumptions_ja(LOW), prefix="baseline.")
    notes.add(
        "waterfall",
        steps_table(w),
        Phrase(
            "the baseline, then each lever applied in order and re-priced; "
            "saving = cost before the step − cost after it",
            "リフト&シフトに施策を順に適用して積算し直したもの。削減額 = 適用前の額 − 適用後の額",
        ),
    )
    notes.add(
        "modern_model_usd",
        final.monthly_usd,
        Phrase(
            "the waterfall's last step: an abstract modern scenario built from the stack "
            "config and usage, not from the graph",
            "施策を適用した最後の段階: 構成からではなく、スタック設定と使用量から組み立てた"
            "モダン化後のモデル",
        ),
    )
    notes.add("plan_vs_model_usd", planned.monthly_usd - final.monthly_usd, PLAN_VS_MODEL)
    budget = _budget(cfg, planned.monthly_usd)
    if budget is not None:
        notes.add("observability.budgets", *budget)
    pricing = _pricing_notes(gp)
    notes.merge(pricing.en, pricing.ja)
    prices = price_notes(catalog, planned, w.baseline, w_high.baseline)
    notes.merge(prices.en, prices.ja)
    options = commitment_options(
        planned, catalog, production=cfg.is_production, app_hours=app_hours
    )
    if options is not None:
        notes.add(
            "commitments",
            options,
            Phrase(
                "an option, not applied: 1-year / 3-year Compute Savings Plans and RDS reserved "
                "instances for the always-on production compute and databases "
                "(gcmod.cost.commitments; the estimate checklist asks about volume discounts)",
                "参考 (未適用): 常時稼働する本番環境のコンピュートとデータベースに対する1年・3年の "
                "Compute Savings Plans と RDS リザーブドインスタンス (gcmod.cost.commitments。"
                "見積チェックリストはボリュームディスカウントを確認するよう求めている)",
            ),
            value_ja={
                **options,
                "notEligible": {r: NOT_ELIGIBLE_SERVERLESS.ja for r in options["notEligible"]},
            },
        )
    missing_model = missing_in(w)
    if missing_model:
        notes.add(
            "missingInModel",
            missing_model,
            Phrase(
                "prices the baseline/waterfall could not find (those steps look cheaper)",
                "リフト&シフトや施策の段階で見つからなかった価格 (その段階は安く見える)",
            ),
        )
    return EstimateResult(
        stack=stack,
        region=cfg.region,
        planned=planned,
        baseline=w.baseline,
        levers=w.levers,
        shares=tenant_shares(cfg, planned, usage),
        jpy_per_usd=catalog.jpy_per_usd,
        fx_source=catalog.fx_source,
        fx_source_ja=getattr(catalog, "fx_source_ja", ""),
        assumptions=notes.en,
        assumptions_ja=notes.ja,
        baseline_range=BaselineRange(
            low=w.baseline,
            high=w_high.baseline,
            assumptions_low=dict(baseline_assumptions(LOW)),
            assumptions_high=dict(baseline_assumptions(HIGH)),
            levers_high=w_high.levers,
        ),
    )


def estimate_file(ref: StackRef, catalog: PriceSource | None = None) -> EstimateResult:
    """Synthesize a stack file offline and estimate it (usage file beside it,
    packaged catalogue unless one is given)."""
    from gcmod.config import load_stack_file
    from gcmod.pricing import Catalog
    from gcmod.program import synth_config

    cfg = load_stack_file(ref.path)
    usage = usage_for(cfg, ref.path)  # a bad usage file is refused before the synth
    graph = synth_config(cfg, ref.name)
    return estimate_stack(
        cfg, graph, catalog if catalog is not None else Catalog.load(), usage, stack=ref.name
    )


#: Why a program that is not a gcmod stack has no lift-and-shift baseline.
NO_BASELINE = Phrase(
    "none: the lift-and-shift baseline and the lever waterfall are modelled from a gcmod "
    "stack config (tenants, service, database); a vendor's program is itself the "
    "architecture under review, so it is priced as planned and `gcmod check` names what "
    "would lower it",
    "なし: リフト&シフトと施策の段階は gcmod のスタック設定 (利用団体、サービス、データベース) "
    "からモデル化する。ベンダーのプログラムはそれ自体が検討対象の構成なので計画として積算し、"
    "何を変えれば下がるかは `gcmod check` が示す",
)
#: The plan priced from its graph against the lever model (the unattributed saving).
PLAN_VS_MODEL = Phrase(
    "planned estimate minus the modern scenario: the scenario has a NAT gateway per AZ and "
    "leaves out VPC endpoints, KMS keys, secrets, scheduler, metrics, scheduled peaks and S3 "
    "requests, which the plan prices from its graph",
    "計画の概算からモダン化後のモデルを引いた額: モデルは AZ ごとに NAT ゲートウェイを置き、"
    "VPC エンドポイント、KMS キー、シークレット、スケジューラー、メトリクス、ピーク時の増強、"
    "S3 リクエストを含まない。計画はこれらを構成から積算する",
)


def estimate_program(
    graph: ResourceGraph, catalog: PriceSource, usage: Usage, *, stack: str
) -> EstimateResult:
    """The planned monthly estimate of a Pulumi program that is not a gcmod stack.

    Priced from the graph alone with ``usage`` (resolved against
    :func:`gcmod.cost.usage.program_basis` unless a usage file was given):
    no baseline, no levers and no tenant shares (the program names no tenants).
    """
    from gcmod.cost.usage import program_basis

    usage = usage.resolve(program_basis())
    planned, gp = price_graph(graph, usage, catalog)
    notes = _usage_notes(catalog, gp, usage, None, None)
    notes.add("baseline", "none", NO_BASELINE, value_ja="なし")
    notes.add(
        "tenants",
        "unknown",
        Phrase(
            "a Pulumi program does not say which municipalities it serves: no per-tenant "
            "shares; the usage preset stands for one city-sized system",
            "Pulumi のプログラムはどの団体が使うかを示さないため、団体別の負担額はない。"
            "使用量のプリセットは一般市1つ分のシステムを表す",
        ),
        value_ja="不明",
    )
    for more in (_pricing_notes(gp), price_notes(catalog, planned)):
        notes.merge(more.en, more.ja)
    return EstimateResult(
        stack=stack,
        region=graph.region,
        planned=planned,
        baseline=Estimate(label="baseline: not applicable"),
        levers=[],
        shares=[],
        jpy_per_usd=catalog.jpy_per_usd,
        fx_source=catalog.fx_source,
        fx_source_ja=getattr(catalog, "fx_source_ja", ""),
        assumptions=notes.en,
        assumptions_ja=notes.ja,
    )
