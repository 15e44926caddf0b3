"""The estimate's assumptions as rows a reader can follow, in Japanese or English.

Each row is a label, the value in words and units, and where the value comes
from. No raw JSON, no internal keys, no float noise and no folders of the
machine the estimate ran on: ``--json`` keeps the assumptions as recorded
(``EstimateResult.assumptions``); this is how the reports show them. The
Japanese sources come from ``EstimateResult.assumptions_ja``
(:mod:`gcmod.cost.notes`). A key without a label here is shown as itself, as
data (the test of the Japanese reports finds any that slipped through).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from gcmod.cost.figures import fmt_jpy, fmt_money, lever_name
from gcmod.cost.model import EstimateResult
from gcmod.cost.phrase import Phrase
from gcmod.cost.sizing import CAPACITY_NAMES, END_NAMES, ops_role
from gcmod.cost.usage import ENVIRONMENT_JA, band_ja

#: Assumptions the report shows elsewhere: the lever steps (施策別の削減額) and
#: every price used (the price sources; ``--json`` and ``--xlsx`` list them).
SHOWN_ELSEWHERE = frozenset({"waterfall", "pricesUsed"})

#: An absolute file path (POSIX or Windows): reports name the file, not the machine's folders.
ABS_PATH = re.compile(r"(?:[A-Za-z]:\\|/)(?:[^\s()/\\]+[/\\])+([^\s()/\\]+)")


def no_paths(text: str) -> str:
    """``text`` with every absolute path cut to its file name."""
    return ABS_PATH.sub(r"\1", text)


@dataclass(frozen=True)
class AssumptionRow:
    key: str
    """The key in ``--json`` (data)."""
    label: str
    value: str
    source: str
    label_is_key: bool = False
    """No label is known: the key itself is the label (shown as data)."""


@dataclass(frozen=True)
class _Ctx:
    lang: str
    rate: float
    names: dict[str, str]
    """Local government code -> the municipality's name (from the shares)."""

    def w(self, ja: str, en: str) -> str:
        return ja if self.lang == "ja" else en

    @property
    def sep(self) -> str:
        return "、" if self.lang == "ja" else ", "


# --------------------------------------------------------------------------- values


def num(x: Any) -> str:
    """A number without float noise: ``8,034.05``, ``0.205``, ``3,000,000``."""
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
        return str(x)
    if float(x).is_integer():
        return f"{int(x):,}"
    if abs(x) >= 100:
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:,.4g}" if abs(x) >= 1e-4 else f"{x:.2e}"


def _hours(v: Any, c: _Ctx) -> str:
    return c.w(f"{num(v)}時間", f"{num(v)} h")


def _gb(v: Any, c: _Ctx) -> str:
    return f"{num(v)} GB"


def _gb_month(v: Any, c: _Ctx) -> str:
    return c.w(f"月 {num(v)} GB", f"{num(v)} GB a month")


def _per_month(v: Any, c: _Ctx) -> str:
    return c.w(f"月 {num(v)}件", f"{num(v)} a month")


def _calls(v: Any, c: _Ctx) -> str:
    return c.w(f"月 {num(v)}回", f"{num(v)} a month")


def _ratio_pct(v: Any, c: _Ctx) -> str:
    return f"{num(round(float(v) * 100, 2))}%" if isinstance(v, int | float) else str(v)


def _plain(v: Any, c: _Ctx) -> str:
    return num(v)


def _times(v: Any, c: _Ctx) -> str:
    return c.w(f"{num(v)}倍", f"× {num(v)}")


def _count(v: Any, c: _Ctx) -> str:
    return c.w(f"{num(v)}個", num(v))


def _yes_no(v: Any, c: _Ctx) -> str:
    if isinstance(v, bool):
        return c.w("あり", "yes") if v else c.w("なし", "no")
    return str(v)


def _days(v: Any, c: _Ctx) -> str:
    if v is None:
        return c.w("無期限", "never expires")
    return c.w(f"{num(v)}日", f"{num(v)} days")


def _money(v: Any, c: _Ctx) -> str:
    return fmt_money(float(v), c.rate, c.lang) if isinstance(v, int | float) else str(v)


def _yen(v: Any, c: _Ctx) -> str:
    return fmt_jpy(int(v), c.lang) if isinstance(v, int | float) else str(v)


def _file(v: Any, c: _Ctx) -> str:
    return PurePath(str(v)).name or str(v)


def _tenant(code: str, c: _Ctx) -> str:
    name = c.names.get(code)
    return f"{name} ({code})" if name else code


def _per_tenant(v: Any, c: _Ctx) -> str:
    if not isinstance(v, Mapping) or not v:
        return c.w("なし", "none")
    return c.sep.join(f"{_tenant(code, c)} {num(n)}" for code, n in v.items())


def _bands(v: Any, c: _Ctx) -> str:
    if not isinstance(v, Mapping) or not v:
        return c.w("なし", "none")
    return c.sep.join(
        f"{_tenant(code, c)}: {band_ja(b) if c.lang == 'ja' else b}" for code, b in v.items()
    )


def _by_class(v: Any, c: _Ctx) -> str:
    if not isinstance(v, Mapping):
        return str(v)
    return c.sep.join(f"{cls} {num(gb)} GB" for cls, gb in v.items())


def _running(v: Any, c: _Ctx) -> str:
    if not isinstance(v, Mapping):
        return str(v)
    names = {"app": c.w("アプリ", "app"), "db": c.w("データベース", "database")}
    return c.sep.join(f"{names.get(k, k)} {_hours(h, c)}" for k, h in v.items())


def _range(v: Any, c: _Ctx) -> str:
    if not isinstance(v, Mapping):
        return str(v)
    return f"{_money(v.get('lowUsd'), c)} 〜 {_money(v.get('highUsd'), c)}"


def _end(v: Any, c: _Ctx) -> str:
    return END_NAMES[v].pick(c.lang) if v in END_NAMES else str(v)


def _environments(v: Any, c: _Ctx) -> str:
    return c.w("団体ごとに1つ", "one per municipality") if v == "one per municipality" else str(v)


def _env_name(env: str, c: _Ctx) -> str:
    if env == "other":
        return c.w("その他の環境", "other environments")
    return ENVIRONMENT_JA.get(env, env) if c.lang == "ja" else env


def _servers(v: Any, c: _Ctx) -> str:
    if not isinstance(v, Mapping):
        return str(v)
    return c.sep.join(f"{_env_name(env, c)} {c.w(f'{num(n)}台', num(n))}" for env, n in v.items())


def _capacity(v: Any, c: _Ctx) -> str:
    return CAPACITY_NAMES[v].pick(c.lang) if v in CAPACITY_NAMES else str(v)


def _ops_servers(v: Any, c: _Ctx) -> str:
    if not isinstance(v, Mapping):
        return str(v)
    parts = []
    for env, roles in v.items():
        servers = c.sep.join(
            f"{(ops_role(role) + Phrase(' server', 'サーバー')).pick(c.lang)} ({itype})"
            for role, itype in (roles or {}).items()
        )
        parts.append(f"{_env_name(env, c)}: {servers or c.w('なし', 'none')}")
    return c.w("。", "; ").join(parts)


def _standby_shape(v: Any, c: _Ctx) -> str:
    if not isinstance(v, Mapping):
        return str(v)
    words = {
        "appServers": c.w("アプリサーバー {n}台", "{n} app server(s)"),
        "loadBalancers": c.w("ロードバランサー {n}台", "{n} load balancer(s)"),
        "natGateways": c.w("NAT ゲートウェイ {n}台", "{n} NAT gateway(s)"),
    }
    parts = [words[k].format(n=num(n)) for k, n in v.items() if k in words]
    if "db" in v:
        parts.append(
            c.w("データベース: シングル AZ、同じクラス", "database: Single-AZ, same class")
        )
    return c.sep.join(parts)


def _unpriced(v: Any, c: _Ctx) -> str:
    if not v:
        return c.w("なし", "none")
    if isinstance(v, list) and all(isinstance(x, Mapping) for x in v):
        return c.w("。", "; ").join(
            f"{x.get('type')}: {', '.join(map(str, x.get('resources') or []))}" for x in v
        )
    return _generic(v, c)


def _sentences(v: Any, c: _Ctx) -> str:
    if not v:
        return c.w("なし", "none")
    if isinstance(v, list):
        return c.w("。", "; ").join(str(x) for x in v)
    return str(v)


def _prices(v: Any, c: _Ctx) -> str:
    if not v:
        return c.w("なし", "none")
    items = v if isinstance(v, list) else [v]
    head = c.w(f"{len(items)}件: ", f"{len(items)}: ")
    return head + c.w("。", "; ").join(str(x) for x in items)


def _commitments(v: Any, c: _Ctx) -> str:
    if not isinstance(v, Mapping):
        return _generic(v, c)
    terms = v.get("terms") or {}
    names = {"1yr": c.w("1年", "1 year"), "3yr": c.w("3年", "3 years")}
    saves = [
        c.w(
            f"{names.get(term, term)}: 月 {_money(t.get('savingUsd', 0.0), c)} の削減",
            f"{names.get(term, term)}: {_money(t.get('savingUsd', 0.0), c)}/month less",
        )
        for term, t in terms.items()
        if isinstance(t, Mapping)
    ]
    parts = [c.sep.join(saves)] if saves else []
    if v.get("eligible"):
        parts.append(c.w("対象: ", "covered: ") + ", ".join(v["eligible"]))
    for res, why in (v.get("notEligible") or {}).items():
        parts.append(c.w(f"対象外: {res} ({why})", f"not covered: {res} ({why})"))
    return c.w("。", "; ").join(parts)


def _missing_model(v: Any, c: _Ctx) -> str:
    if not isinstance(v, Mapping) or not v:
        return c.w("なし", "none")

    def step(s: str) -> str:
        return c.w("リフト&シフト", "lift-and-shift") if s == "baseline" else lever_name(s, c.lang)

    return c.w("。", "; ").join(f"{step(s)}: {', '.join(map(str, keys))}" for s, keys in v.items())


def _budgets(v: Any, c: _Ctx) -> str:
    if not isinstance(v, Mapping):
        return _generic(v, c)
    env = f"{c.w('環境', 'environment')} {_money(v.get('environmentUsd'), c)}"
    times = v.get("timesPlan")
    if isinstance(times, int | float):
        env += c.w(f" (計画の{num(round(times, 2))}倍)", f" ({num(round(times, 2))} × the plan)")
    tenants = v.get("tenantsUsd") or {}
    if not tenants:
        return env
    each = c.sep.join(f"{_tenant(code, c)} {_money(usd, c)}" for code, usd in tenants.items())
    return env + c.w("。利用団体ごと: ", "; each municipality: ") + each


def _generic(v: Any, c: _Ctx) -> str:
    """Any other value: words and numbers, never JSON."""
    if isinstance(v, bool):
        return _yes_no(v, c)
    if isinstance(v, int | float):
        return num(v)
    if isinstance(v, Mapping):
        return "; ".join(f"{k}: {_generic(x, c)}" for k, x in v.items()) or c.w("なし", "none")
    if isinstance(v, list | tuple | set | frozenset):
        items = sorted(v, key=str) if isinstance(v, set | frozenset) else list(v)
        return "; ".join(_generic(x, c) for x in items) or c.w("なし", "none")
    if v is None:
        return c.w("なし", "none")
    return str(v)


# --------------------------------------------------------------------------- labels

Format = Callable[[Any, _Ctx], str]

#: Key -> (label, how its value reads). Japanese labels follow docs/terminology.md.
SPECS: dict[str, tuple[Phrase, Format]] = {
    "catalogue": (Phrase("Price catalogue", "価格カタログ"), _file),
    "hoursPerMonth": (Phrase("Hours in a month", "1か月の時間"), _hours),
    "runningHours": (Phrase("Running hours a month", "月の稼働時間"), _running),
    "usage.dataGb": (Phrase("Data in the database", "データベースのデータ量"), _gb),
    "usage.requestsPerMonth": (Phrase("Requests", "リクエスト数"), _per_month),
    "usage.tenantRequestsPerMonth": (
        Phrase("Requests by municipality (a month)", "利用団体別のリクエスト数 (月)"),
        _per_tenant,
    ),
    "usage.logGbPerMonth": (
        Phrase("Logs by class (a month)", "ログ区分別のログ量 (月)"),
        _by_class,
    ),
    "usage.albLcu": (
        Phrase("Load balancer capacity units (average)", "ロードバランサーの LCU (平均)"),
        _plain,
    ),
    "usage.auroraUtilisation": (
        Phrase("Aurora average capacity use", "Aurora の平均使用率"),
        _ratio_pct,
    ),
    "usage.auroraIoPerRequest": (
        Phrase("Aurora I/O per request", "1リクエストあたりの Aurora の I/O"),
        _plain,
    ),
    "usage.backupDailyChangeRate": (
        Phrase("Data changed a day (backups)", "1日に変わるデータの割合 (バックアップ)"),
        _ratio_pct,
    ),
    "usage.secretsApiCallsPerMonth": (
        Phrase("Secrets Manager API calls", "Secrets Manager の API 呼び出し"),
        _calls,
    ),
    "usage.kmsRequestsPerMonth": (Phrase("KMS requests", "KMS リクエスト"), _per_month),
    "usage.firehoseGbPerMonth": (
        Phrase("Logs archived by Firehose", "Firehose で送るログ量"),
        _gb_month,
    ),
    "usage.endpointGbPerMonth": (
        Phrase("Data through VPC endpoints", "VPC エンドポイントを通るデータ量"),
        _gb_month,
    ),
    "usage.natGbPerMonth": (
        Phrase("Data through NAT gateways", "NAT ゲートウェイを通るデータ量"),
        _gb_month,
    ),
    "usage.sqsRequestsPerMonth": (Phrase("SQS requests", "SQS リクエスト"), _per_month),
    "usage.logStorageRatio": (
        Phrase("Log stored per GB ingested", "取り込み 1 GB あたりのログ保存量"),
        _plain,
    ),
    "usage.archiveCompressionRatio": (
        Phrase("Archive size per GB of logs", "ログ 1 GB あたりのアーカイブ量"),
        _plain,
    ),
    "usage.tenantBands": (Phrase("Size band of each municipality", "利用団体の規模区分"), _bands),
    "baseline": (Phrase("Lift-and-shift", "リフト&シフト"), _generic),
    "tenants": (Phrase("Municipalities", "利用団体"), _generic),
    "levers": (Phrase("Savings by lever", "施策別の削減額"), _generic),
    "baseline.range": (Phrase("Lift-and-shift range", "リフト&シフトの幅"), _range),
    "baseline.end": (Phrase("End of the range used", "比較に使う端"), _end),
    "baseline.environments": (Phrase("Environments", "環境の数"), _environments),
    "baseline.appServers": (Phrase("App servers", "アプリサーバーの台数"), _servers),
    "baseline.appCapacity": (Phrase("App server size", "アプリサーバーの大きさ"), _capacity),
    "baseline.dbMultiAzInProduction": (
        Phrase("Multi-AZ database in production", "本番環境のデータベースのマルチ AZ"),
        _yes_no,
    ),
    "baseline.warmStandby": (Phrase("Warm standby", "ウォームスタンバイ"), _yes_no),
    "baseline.opsServers": (Phrase("Operations servers", "運用サーバー"), _ops_servers),
    "baseline.fullBackups": (Phrase("Nightly full backups", "毎晩のフルバックアップ"), _yes_no),
    "baseline.storageGrowthFactor": (
        Phrase("Storage headroom", "ストレージの余裕 (倍率)"),
        _times,
    ),
    "baseline.logRetentionDays": (Phrase("Log retention", "ログの保存期間"), _days),
    "baseline.rootVolume": (
        Phrase("Root volume per server", "サーバーごとのルートボリューム"),
        _plain,
    ),
    "baseline.warmStandbyShape": (
        Phrase("Warm standby (high end)", "ウォームスタンバイの構成 (上限)"),
        _standby_shape,
    ),
    "baseline.natOtherGbPerEnvironment": (
        Phrase("Other traffic through NAT per environment", "環境ごとの NAT のその他の通信"),
        _gb_month,
    ),
    "baseline.managedAlarmsPerEnvironment": (
        Phrase("CloudWatch alarms per environment", "環境ごとの CloudWatch アラーム"),
        _count,
    ),
    "baseline.managedDashboardsPerEnvironment": (
        Phrase("CloudWatch dashboards per environment", "環境ごとの CloudWatch ダッシュボード"),
        _count,
    ),
    "baseline.hoursPerMonth": (
        Phrase("Lift-and-shift running hours", "リフト&シフトの稼働時間"),
        _hours,
    ),
    "baseline.quotationMonthlyJpy": (
        Phrase("Vendor's quotation (a month)", "ベンダーの見積額 (月)"),
        _yen,
    ),
    "baseline.unpriced": (
        Phrase("Lift-and-shift types not priced", "積算できないリフト&シフトの種類"),
        _unpriced,
    ),
    "modern_model_usd": (Phrase("Modern model (a month)", "モダン化後のモデル (月)"), _money),
    "plan_vs_model_usd": (Phrase("Plan minus model", "計画とモデルの差"), _money),
    "unpriced": (Phrase("Resource types not priced", "積算していないリソースの種類"), _unpriced),
    "notes.assumptions": (Phrase("Pricing assumptions", "積算の前提"), _sentences),
    "notes.unpriced": (Phrase("Not priced", "積算していないもの"), _sentences),
    "notes.hours": (Phrase("Running hours not found", "稼働時間が分からないもの"), _sentences),
    "notes.buckets without a usage volume": (
        Phrase("Buckets without a volume", "量の分からないバケット"),
        _sentences,
    ),
    "notes.log groups without a usage volume": (
        Phrase("Log groups without a volume", "量の分からないロググループ"),
        _sentences,
    ),
    "observability.budgets": (Phrase("Cost budgets (AWS Budgets)", "予算 (AWS Budgets)"), _budgets),
    "notes.sns": (Phrase("SNS topics", "SNS トピック"), _sentences),
    "unverifiedOrStalePrices": (
        Phrase("Unverified or old prices", "未確認または古い価格"),
        _prices,
    ),
    "commitments": (Phrase("Commitments (option)", "確約利用 (参考)"), _commitments),
    "missingInModel": (
        Phrase("Prices missing in the model", "モデルで見つからない価格"),
        _missing_model,
    ),
}


def rows(result: EstimateResult, lang: str) -> list[AssumptionRow]:
    """Every assumption of ``result`` the report shows, in recorded order."""
    c = _Ctx(lang, result.jpy_per_usd, {sh.code: sh.name for sh in result.shares})
    out = []
    for key, raw in result.assumptions.items():
        if key in SHOWN_ELSEWHERE:
            continue
        ja = result.assumptions_ja.get(key, {}) if lang == "ja" else {}
        value, source, unit = raw, "", None
        if isinstance(raw, Mapping) and "value" in raw:
            value, source, unit = raw["value"], str(raw.get("source", "")), raw.get("unit")
        value = ja.get("value", value)
        source = str(ja.get("source") or source)
        spec = SPECS.get(key)
        text = spec[1](value, c) if spec else _generic(value, c)
        if unit and not isinstance(value, Mapping | list | tuple):
            text = f"{text} {unit}"
        out.append(
            AssumptionRow(
                key=key,
                label=spec[0].pick(lang) if spec else key,
                value=no_paths(text),
                source=no_paths(source),
                label_is_key=spec is None,
            )
        )
    return out


def raw_rows(result: EstimateResult) -> list[tuple[str, str, str]]:
    """(key, value, source) in English, every assumption but the price list (the
    spreadsheet's assumptions sheet; its price sheet lists the prices)."""
    return [(r.key, r.value, r.source) for r in rows(result, "en")]
