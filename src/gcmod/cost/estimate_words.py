"""The estimate's words in Japanese and English: titles, headings, column
names and the sentences around the figures (one place for both languages)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Cloud cost estimate",
        "stackline": "Stack {stack} · region {region}",
        "currency": (
            "Cloud usage fees per month ({hours} hours), in USD; "
            "JPY = USD × {rate} JPY/USD ({source}), rounded to the yen."
        ),
        "planned": "Planned (modernised)",
        "planned_short": "Planned",
        "planned_program": "Planned (the program as written)",
        "baseline": "Lift-and-shift",
        "baseline_long": "Lift-and-shift (one IaaS environment per municipality)",
        "saving": "Saving",
        "usd_month": "USD/month",
        "jpy_month": "JPY/month",
        "usd_year": "USD/year",
        "jpy_year": "JPY/year",
        "per_month": "/month",
        "per_year": "per year",
        "lower": "{p}% lower than the lift-and-shift",
        "commitments": (
            "Option, not applied: committing the always-on production compute and databases "
            "would save {one}/month for 1 year, {three}/month for 3 years (see “Commitments "
            "(option)” under Assumptions)."
        ),
        "range": (
            "Lift-and-shift range {low} (low, conservative: used above) to {high} (high): "
            "{plo}%–{phi}% lower. How the range is built: docs/baseline.md."
        ),
        "higher": "{p}% higher than the lift-and-shift",
        "same": "the same as the lift-and-shift",
        "no_baseline": "No lift-and-shift cost to compare with.",
        "v_beyond": (
            "Meets the government target (at least 30% lower) and reaches the 65% "
            "that national systems achieved on infrastructure by modernising first."
        ),
        "v_meets": (
            "Meets the government target (at least 30% lower); national systems that "
            "modernised first reached 65% lower on infrastructure."
        ),
        "v_short": (
            "Short of the government target (at least 30% lower); national systems that "
            "modernised first reached 65% lower on infrastructure."
        ),
        "target_note": (
            "The target applies to total operating cost; this estimate covers cloud usage "
            "fees only. Source: MIC Digital Advisor K. Miki, “Rising operating costs after "
            "municipal system standardisation”, 9 Oct 2025 (national systems, FY2024 budget: "
            "infrastructure 16,877 → 5,949 million yen, −65%)."
        ),
        "missing_warn": (
            "{n} item(s) not counted — price missing. The totals above exclude them (see "
            "“Not counted”)."
        ),
        "missing_intro": (
            "The totals exclude these {n} item(s): their price is not known, so the totals "
            "are lower than the real cost by their amount."
        ),
        "sec_category": "Cost by category",
        "category": "Category",
        "total": "Total",
        "sec_lines": "Planned line items",
        "sec_lines_top": "Largest planned line items ({n} of {total})",
        "lines_more": "{n} more line(s), {usd} in total; all lines in --json and --html.",
        "sec_baseline_lines": "Lift-and-shift line items",
        "resource": "Resource",
        "what": "What is priced",
        "quantity": "Quantity",
        "unit_price": "Unit price",
        "monthly": "Monthly",
        "tenant": "Tenant",
        "sec_levers": "Savings by lever",
        "lever": "Lever (cost-optimisation guide)",
        "saving_month": "Saving/month",
        "pct_baseline": "% of lift-and-shift",
        "explanation": "How",
        "unattributed": "Other / not attributed",
        "unattributed_model": (
            "The plan is priced from its resources, the levers from a model of the stack: "
            "this is what the model leaves out (VPC endpoints, KMS keys, secrets, scheduler, "
            "metrics, scheduled peaks, S3 requests); see “Plan minus model” under Assumptions."
        ),
        "unattributed_given": (
            "A given lift-and-shift has no lever steps: the whole saving is shown here."
        ),
        "other_note": "“Other” holds costs that fit no other category: {items}.",
        "change": "Change",
        "kicker": "Government Cloud",
        "fx_given": "--jpy-rate (given on the command line)",
        "levers_total": "Total saving",
        "no_levers": "No savings attributed to levers.",
        "sec_shares": "Per-tenant shares (per month)",
        "code": "Code",
        "name": "Municipality",
        "population": "Population",
        "equal": "Equal split",
        "by_population": "By population",
        "by_usage": "By usage",
        "no_shares": "No tenants.",
        "shares_note": (
            "The allocation method moves cost between large cities and small towns: an "
            "equal split weighs on small towns, a split by population on large cities, and "
            "a split by usage follows what each municipality actually uses."
        ),
        "sec_missing": "Not counted — price missing",
        "estimate": "Estimate",
        "type": "Type",
        "price_key": "Price key",
        "region": "Region",
        "reason": "Reason",
        "sec_assumptions": "Assumptions",
        "item": "Input",
        "value": "Value",
        "source": "Source",
        "no_assumptions": "None recorded.",
        "sec_sources": "Price sources",
        "fx": "Exchange rate",
        "fx_value": "{rate} JPY/USD ({source}); every JPY figure rounded to the yen.",
        "catalogue": "Price catalogue",
        "catalogue_none": "See the price key of each line item.",
        "targets": "Target and comparison",
        "footer": (
            "This is an estimate generated by gcmod {version} from the planned configuration, "
            "not a quote. Actual charges depend on usage, exchange rate, discounts and tax."
        ),
        "chart_ba_title": "Monthly cost: lift-and-shift and planned, by category",
        "chart_wf_title": "From the lift-and-shift to the planned cost, saving by lever",
        "summary": "Summary",
        "gauge_target": "target 30%",
        "gauge_national": "national systems 65%",
        "reduction": "reduction",
    },
    "ja": {
        "title": "クラウド利用料の見積 (概算)",
        "stackline": "スタック {stack}・リージョン {region}",
        "currency": (
            "金額はクラウド利用料の月額 ({hours}時間) です。"
            "円換算 = USD × {rate} 円/USD ({source})、1円未満四捨五入。"
        ),
        "planned": "計画 (モダン化後)",
        "planned_short": "計画",
        "planned_program": "計画 (プログラムのとおり)",
        "baseline": "リフト&シフト",
        "baseline_long": "リフト&シフト (団体ごとにIaaS環境を構築)",
        "saving": "削減額",
        "usd_month": "月額 (USD)",
        "jpy_month": "月額 (円)",
        "usd_year": "年額 (USD)",
        "jpy_year": "年額 (円)",
        "per_month": "/月",
        "per_year": "年額",
        "lower": "リフト&シフトより {p}% 低い",
        "commitments": (
            "参考 (未適用): 常時稼働する本番環境のコンピュートとデータベースを確約利用にすると、"
            "1年で月 {one}、3年で月 {three} の削減 (前提条件の「確約利用 (参考)」を参照)。"
        ),
        "range": (
            "リフト&シフトの幅は {low} (下限・控えめ: 上の比較に使用) から {high} (上限): "
            "{plo}%〜{phi}% 低い。幅の作り方は docs/baseline.md を参照。"
        ),
        "higher": "リフト&シフトより {p}% 高い",
        "same": "リフト&シフトと同額",
        "no_baseline": "比較するリフト&シフトの金額がありません。",
        "v_beyond": (
            "政府目標 (少なくとも3割削減) を満たし、先にモダン化した国の情報システムの"
            "基盤経費削減率 65% に達しています。"
        ),
        "v_meets": (
            "政府目標 (少なくとも3割削減) を満たしています。先にモダン化した国の情報システムは"
            "基盤経費を 65% 削減しています。"
        ),
        "v_short": (
            "政府目標 (少なくとも3割削減) に届いていません。先にモダン化した国の情報システムは"
            "基盤経費を 65% 削減しています。"
        ),
        "target_note": (
            "目標は運用経費全体に対するもので、この見積はクラウド利用料のみを対象とします。"
            "出典: 総務省 大臣官房 デジタル統括アドバイザー 三木浩平「自治体システム標準化後の"
            "運用経費高騰問題」(2025年10月9日)。国の情報システム (令和6年度予算ベース) の"
            "基盤経費 16,877 → 5,949 百万円 (▲65%)。"
        ),
        "missing_warn": (
            "{n}件は価格が見つからず、合計に含まれていません (「合計に含まれていない項目」を参照)。"
        ),
        "missing_intro": (
            "以下の{n}件は価格が不明のため合計に含まれていません。"
            "その分、合計は実際の費用より低くなっています。"
        ),
        "sec_category": "カテゴリー別の月額",
        "category": "カテゴリー",
        "total": "合計",
        "sec_lines": "計画の明細",
        "sec_lines_top": "計画の主な明細 ({total}件中{n}件)",
        "lines_more": "ほか {n}件、計 {usd}。全明細は --json と --html で出力できます。",
        "sec_baseline_lines": "リフト&シフトの明細",
        "resource": "リソース",
        "what": "内容",
        "quantity": "数量",
        "unit_price": "単価",
        "monthly": "月額",
        "tenant": "利用団体",
        "sec_levers": "施策別の削減額",
        "lever": "施策 (コスト最適化の手引き)",
        "saving_month": "削減額/月",
        "pct_baseline": "リフト&シフト比",
        "explanation": "方法",
        "unattributed": "その他 (施策によらない差)",
        "unattributed_model": (
            "計画はリソースごとに積算し、施策はスタックのモデルで積算するため生じる差。"
            "モデルに含まれない VPC エンドポイント、KMS キー、シークレット、スケジューラー、"
            "メトリクス、ピーク時の増強、S3 リクエストの分 (前提条件の「計画とモデルの差」を参照)。"
        ),
        "unattributed_given": (
            "与えられたリフト&シフトには施策の段階がないため、削減額の全体をここに示します。"
        ),
        "other_note": "「その他」はほかのカテゴリーに入らない費用です: {items}。",
        "change": "差額",
        "kicker": "ガバメントクラウド",
        "fx_given": "--jpy-rate (コマンドラインで指定)",
        "levers_total": "削減額の合計",
        "no_levers": "施策別の削減額はありません。",
        "sec_shares": "利用団体別の負担額 (月額)",
        "code": "団体コード",
        "name": "団体名",
        "population": "人口",
        "equal": "均等割",
        "by_population": "人口割",
        "by_usage": "利用量割",
        "no_shares": "団体の登録がありません。",
        "shares_note": (
            "按分の方法によって、大きな市と小さな町村の間で負担が移ります。"
            "均等割は小さな町村に、人口割は大きな市に重くなり、"
            "利用量割は各団体の実際の利用に応じた負担になります。"
        ),
        "sec_missing": "合計に含まれていない項目 (価格なし)",
        "estimate": "概算",
        "type": "種類",
        "price_key": "価格キー",
        "region": "リージョン",
        "reason": "理由",
        "sec_assumptions": "前提条件",
        "item": "項目",
        "value": "値",
        "source": "根拠",
        "no_assumptions": "記録されていません。",
        "sec_sources": "価格の出典",
        "fx": "為替レート",
        "fx_value": "{rate} 円/USD ({source})。円換算はすべて1円未満四捨五入。",
        "catalogue": "価格カタログ",
        "catalogue_none": "各明細の価格キーを参照してください。",
        "targets": "目標と比較",
        "footer": (
            "この資料は gcmod {version} が計画中の構成から自動作成した概算であり、"
            "見積書ではありません。実際の請求額は利用量、為替、割引、税により変わります。"
        ),
        "chart_ba_title": "月額の比較: リフト&シフトと計画 (カテゴリー別)",
        "chart_wf_title": "リフト&シフトから計画まで: 施策別の削減額",
        "summary": "概要",
        "gauge_target": "目標 30%",
        "gauge_national": "国の実績 65%",
        "reduction": "削減",
    },
}


def labels(lang: str) -> dict[str, str]:
    """The words of ``lang`` (``ja`` or ``en``)."""
    try:
        return LABELS[lang]
    except KeyError:
        raise ValueError(f"unknown language {lang!r}; use 'ja' or 'en'") from None


#: The price catalogue's units in Japanese (a unit not listed is shown as it is;
#: tests/test_untranslated.py checks every unit of the packaged catalogue).
UNITS_JA: dict[str, str] = {
    "1,000 requests": "1,000リクエスト",
    "10,000 API calls": "1万回の API 呼び出し",
    "10,000 requests": "1万リクエスト",
    "100,000 notifications": "10万通知",
    "ACU-hour": "ACU 時間",
    "GB": "GB",
    "GB-hour": "GB 時間",
    "GB-month": "GB 月",
    "LCU-hour": "LCU 時間",
    "NAT gateway-hour": "NAT ゲートウェイ時間",
    "address-hour": "アドレス時間",
    "alarm-month": "アラーム月",
    "attachment-hour": "アタッチメント時間",
    "budget-day": "予算日",
    "connection-hour": "接続時間",
    "dashboard-month": "ダッシュボード月",
    "endpoint-AZ-hour": "エンドポイント AZ 時間",
    "hosted-zone-month": "ホストゾーン月",
    "instance-hour": "インスタンス時間",
    "key-month": "キー月",
    "load balancer-hour": "ロードバランサー時間",
    "metric-month": "メトリクス月",
    "million invocations": "100万回の呼び出し",
    "million publishes": "100万回の発行",
    "million requests": "100万リクエスト",
    "parameter-month": "パラメーター月",
    "ratio to on-demand": "オンデマンド比",
    "secret-month": "シークレット月",
    "vCPU-hour": "vCPU 時間",
}


def unit(name: str, lang: str) -> str:
    """A catalogue unit in ``lang``."""
    return UNITS_JA.get(name, name) if lang == "ja" else name
