"""Serverless rules: Lambda memory and timeout caps, Lambda log groups with a
retention, DynamoDB capacity outside production.

(Lambda on arm64 is GCM-COST-002's, with the other Graviton advice.)

Guidance: the Digital Agency's cost-optimisation approach guide
(「ガバメントクラウドの適切な利用によるコスト最適化のアプローチガイド」 v1.0,
2025-03-24): lever 1 (size from the measured need), log retention (keep the
minimum logs, for a defined period), lever 2 (pay for capacity only while it is
used); each rule names the peer check (Cloud Custodian, AWS Config, AWS Trusted
Advisor) that looks at the same setting.

Environment thresholds are read through :meth:`Ctx.per_environment`, which
decides the environment of a resource in the one documented place.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from gcmod.policies.model import Ctx, Finding, Res, Setting, Text, rule
from gcmod.policies.rulekit import GUIDE_EN, GUIDE_JA, UNKNOWN, env_ja, items, known, peek

LAMBDA_FUNCTION = "aws:lambda/function:Function"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
DYNAMODB_TABLE = "aws:dynamodb/table:Table"

#: Lambda's defaults when memorySize / timeout are not given: 128 MB and 3 s
#: (Lambda API Reference, CreateFunction ``MemorySize`` and ``Timeout``; checked 2026-12).
LAMBDA_DEFAULT_MEMORY_MB = 128
LAMBDA_DEFAULT_TIMEOUT_S = 3
#: The log group Lambda writes to, and creates on first invocation without a
#: retention, when the function names none (Lambda Developer Guide, "Sending Lambda
#: function logs to CloudWatch Logs"; CloudWatch Logs keeps log data indefinitely
#: unless a retention is set, CloudWatch Logs User Guide, "Change log data
#: retention"; checked 2026-12).
LAMBDA_LOG_PREFIX = "/aws/lambda/"
#: DynamoDB's billing mode when none is given (pulumi-aws ``dynamodb.Table``
#: ``billingMode``: "Defaults to PROVISIONED"; checked 2026-12).
DYNAMODB_DEFAULT_BILLING = "PROVISIONED"


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


# ---------------------------------------------------------------------------
# GCM-FN-001 Lambda memory and timeout caps
# ---------------------------------------------------------------------------
@rule(
    id="GCM-FN-001",
    title=Text(
        en="Lambda memory and timeout within the environment's caps",
        ja="Lambda のメモリとタイムアウトが環境ごとの上限内にある",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="sizing",
    resource_types=(LAMBDA_FUNCTION,),
    rationale=Text(
        en=f"Lever 1 of {GUIDE_EN} asks to size from the measured need. Lambda bills the "
        "memory allocated times the duration of every invocation (GB-seconds), so memory "
        "beyond the need is paid on every call, and a long timeout lets a hung invocation "
        "bill up to 15 minutes (Lambda quotas: 128-10,240 MB, timeout up to 900 s; AWS Lambda "
        "pricing; checked 2026-12). Non-production functions serve tests, not residents. "
        "Peers look at the same settings: AWS Trusted Advisor's cost checks 'AWS Lambda "
        "Functions with Excessive Timeouts' and 'AWS Lambda over-provisioned functions for "
        "memory size', and Cloud Custodian's lambda resource with value filters on MemorySize "
        "and Timeout.",
        ja=f"{GUIDE_JA} の施策1 は実測の必要量に基づくサイズを求めている。Lambda は割り当てメモリ×"
        "実行時間 (GB 秒) で課金されるため、必要以上のメモリは毎回の呼び出しで支払うことになり、"
        "長いタイムアウトは停止した呼び出しに最大 15 分の課金を許す (Lambda のクォータ: 128〜"
        "10,240 MB、タイムアウト最大 900 秒)。本番以外の関数は住民ではなくテストのためにある。"
        "同じ設定を `AWS Trusted Advisor` のコスト最適化チェック (タイムアウトが過剰な Lambda 関数、"
        "メモリサイズが過剰な Lambda 関数) や `Cloud Custodian` の lambda リソース (`MemorySize`・"
        "`Timeout` の `value` フィルター) も確認する。",
    ),
    remediation=Text(
        en="Set memorySize and timeout from measurements (CloudWatch Lambda Insights, AWS "
        "Compute Optimizer's Lambda recommendations, or AWS Lambda Power Tuning) within "
        "maxMemoryMb and maxTimeoutSeconds; move work longer than the cap to Step Functions "
        "or an ECS task.",
        ja="`memorySize` と `timeout` を実測 (`CloudWatch Lambda Insights`、`AWS Compute Optimizer` の "
        "Lambda の推奨、`AWS Lambda Power Tuning`) に基づき maxMemoryMb・maxTimeoutSeconds の範囲で"
        "設定する。上限を超える長時間の処理は `Step Functions` や ECS タスクに移す。",
    ),
    settings=(
        Setting(
            "maxMemoryMb",
            "object",
            {"production": 4096, "staging": 2048, "development": 1024},
            "Largest Lambda memorySize (MB) per environment.",
        ),
        Setting(
            "maxTimeoutSeconds",
            "object",
            {"production": 900, "staging": 300, "development": 120},
            "Longest Lambda timeout (seconds) per environment.",
        ),
    ),
)
def lambda_size(res: Res, ctx: Ctx) -> Iterator[Finding]:
    env = ctx.environment(res)
    checks = (
        ("memorySize", LAMBDA_DEFAULT_MEMORY_MB, "maxMemoryMb", "MB", "MB"),
        ("timeout", LAMBDA_DEFAULT_TIMEOUT_S, "maxTimeoutSeconds", "s", "秒"),
    )
    for field, default, setting, unit, unit_ja in checks:
        value = _num(res.get(field))
        value = default if value is None else value
        cap = _num(ctx.per_environment(setting, res))
        if cap is not None and value > cap:
            yield Finding(
                Text(
                    en=f"Lambda function {res.name}: {field} {value:g} {unit} exceeds the {env} "
                    f"cap of {cap:g} {unit} ({setting})",
                    ja=f"Lambda 関数 {res.name}: {field} {value:g} {unit_ja} は{env_ja(env)}環境の"
                    f"上限 {cap:g} {unit_ja} ({setting}) を超えています",
                )
            )


# ---------------------------------------------------------------------------
# GCM-LOG-002 Lambda functions log to a group with a retention
# ---------------------------------------------------------------------------
def _has_log_group(fn: Res, groups: Sequence[Res]) -> bool | None:
    """Whether the stack creates the log group ``fn`` writes to; None when values
    unknown before deployment leave it open."""
    if peek(fn, "loggingConfig.logGroup") is not None:
        # Its own group: created here (GCM-LOG-001 judges it) or managed elsewhere.
        return True
    open_names = False
    fn_name = peek(fn, "name")
    for g in groups:
        name = peek(g, "name")
        if isinstance(name, str):
            if isinstance(fn_name, str) and name == f"{LAMBDA_LOG_PREFIX}{fn_name}":
                return True
            if fn_name is UNKNOWN and name.startswith(LAMBDA_LOG_PREFIX):
                open_names = True
        elif name is UNKNOWN:
            # Written as name=fn.name.apply(lambda n: f"/aws/lambda/{n}"): unknown
            # before deployment, but built from the function.
            if any(d.urn == fn.urn for d in g.dependencies):
                return True
            open_names = True
    return None if open_names else False


@rule(
    id="GCM-LOG-002",
    title=Text(
        en="Lambda functions log to a log group the stack gives a retention",
        ja="Lambda 関数のロググループをスタックで作成し保存期間を設定している",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="logs",
    scope="stack",
    rationale=Text(
        en="A Lambda function whose log group is not created with it gets /aws/lambda/<name> "
        "from AWS on its first invocation, with no retention: CloudWatch Logs keeps it forever "
        "and it bills every month (Lambda Developer Guide, 'Sending Lambda function logs to "
        "CloudWatch Logs'; checked 2026-12). The source deck (2025-10) lists unbounded logs "
        "among the causes of higher costs and the guide (v1.0, 2025-03-24) asks to keep the "
        "minimum logs for a defined period. Peers find the group only after it exists: the "
        "AWS Config managed rule cw-loggroup-retention-period-check and Cloud Custodian's "
        "log-group resource (retention filter, set-retention action); gcmod finds the missing "
        "group before deployment. A group the stack does create is judged by GCM-LOG-001.",
        ja="ロググループを関数と一緒に作成しない Lambda 関数には、最初の呼び出し時に AWS が "
        "/aws/lambda/<関数名> を保存期間なしで作成する。CloudWatch Logs はそれを永久に保存し、"
        "毎月課金が続く (Lambda デベロッパーガイド「Lambda 関数のログを CloudWatch Logs に送信する」)。"
        "資料 (2025年10月) はログの無期限保存をコスト増の一因とし、ガイド (v1.0, 2025年3月24日) は"
        "必要最小限のログを期間を定めて保存するよう求めている。`AWS Config` マネージドルール "
        "cw-loggroup-retention-period-check や `Cloud Custodian` の log-group リソース (`retention` "
        "フィルター、`set-retention` アクション) は作成後に検出するが、gcmod はデプロイ前に検出する。"
        "スタックが作成するロググループの保存期間は GCM-LOG-001 が判定する。",
    ),
    remediation=Text(
        en="Create the function's log group in the program with retentionInDays: either "
        "aws.cloudwatch.LogGroup named /aws/lambda/<function name> (give the function an "
        "explicit name, or build the group's name from function.name), or a group of your own "
        "passed as loggingConfig.logGroup.",
        ja="関数のロググループを retentionInDays 付きでプログラム内に作成する。"
        "/aws/lambda/<関数名> という名前の aws.cloudwatch.LogGroup (関数に明示的な名前を付けるか、"
        "function.name からグループ名を組み立てる) か、独自のロググループを loggingConfig.logGroup "
        "に指定する。",
    ),
)
def lambda_log_group(resources: Sequence[Res], ctx: Ctx) -> Iterator[Finding]:
    groups = [r for r in resources if r.type == LOG_GROUP]
    undecided: list[str] = []
    for fn in (r for r in resources if r.type == LAMBDA_FUNCTION):
        has = _has_log_group(fn, groups)
        if has is None:
            undecided.append(fn.name)
        if has is not False:
            continue
        fn_name = known(fn, "name")
        shown = f"{LAMBDA_LOG_PREFIX}{fn_name if isinstance(fn_name, str) else '<name>'}"
        yield Finding(
            Text(
                en=f"Lambda function {fn.name} has no log group in the stack: AWS will create "
                f"{shown} on first use, kept forever; create it with retentionInDays",
                ja=f"Lambda 関数 {fn.name} のロググループがスタックにありません。最初の呼び出し時に "
                f"AWS が {shown} を無期限保存で作成します。retentionInDays 付きで作成してください",
            ),
            fn.urn,
        )
    if undecided:
        # As the engine does for a value it cannot read before deployment.
        raise UnknownValueError(UNKNOWN_STRING_VALUE, [undecided[0], "name"])


# ---------------------------------------------------------------------------
# GCM-COST-007 DynamoDB provisioned capacity outside production
# ---------------------------------------------------------------------------
def _capacity_units(res: Res) -> float:
    """Read + write capacity units of a provisioned table and its global secondary
    indexes (unknown values raise)."""
    total = (_num(res.get("readCapacity")) or 0) + (_num(res.get("writeCapacity")) or 0)
    for gsi in items(res.get("globalSecondaryIndexes")):
        if isinstance(gsi, Mapping):
            total += (_num(gsi.get("readCapacity")) or 0) + (_num(gsi.get("writeCapacity")) or 0)
    return total


@rule(
    id="GCM-COST-007",
    title=Text(
        en="DynamoDB tables outside production do not provision large capacity",
        ja="本番以外の DynamoDB テーブルで大きな容量をプロビジョニングしていない",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="operating-hours",
    resource_types=(DYNAMODB_TABLE,),
    rationale=Text(
        en=f"Lever 2 of {GUIDE_EN} asks to pay for capacity only while it is used. A "
        "provisioned DynamoDB table bills every read and write capacity unit by the hour, "
        "used or not, while on-demand (PAY_PER_REQUEST) bills per request and nothing when "
        "idle (Amazon DynamoDB pricing; checked 2026-12). Development and test tables see "
        "little, intermittent traffic. Peers look at the same setting: the AWS Config managed "
        "rule dynamodb-autoscaling-enabled (provisioned tables must scale) and Cloud "
        "Custodian's dynamodb-table resource with value filters on ProvisionedThroughput.",
        ja=f"{GUIDE_JA} の施策2 は使っている間だけ容量に支払うことを求めている。プロビジョンド"
        "モードの DynamoDB テーブルは読み込み・書き込みキャパシティユニットごとに使用の有無に"
        "かかわらず時間課金され、オンデマンド (PAY_PER_REQUEST) はリクエストごとの課金で、アイドル"
        "時は課金されない (Amazon DynamoDB 料金)。開発・テスト用のテーブルのトラフィックは少なく"
        "断続的である。同じ設定を `AWS Config` マネージドルール dynamodb-autoscaling-enabled や "
        "`Cloud Custodian` の dynamodb-table リソース (ProvisionedThroughput の `value` フィルター) も"
        "確認する。",
    ),
    remediation=Text(
        en="Set billingMode to PAY_PER_REQUEST outside production (or keep the provisioned "
        "read + write capacity units, indexes included, within maxProvisionedCapacityUnits).",
        ja="本番以外では billingMode を PAY_PER_REQUEST にする (またはインデックスを含む読み込み+"
        "書き込みキャパシティユニットを maxProvisionedCapacityUnits 以内にする)。",
    ),
    settings=(
        Setting(
            "maxProvisionedCapacityUnits",
            "object",
            {"production": None, "staging": 50, "development": 20},
            "Largest provisioned read + write capacity units of a table (its global secondary "
            "indexes included) per environment; null: no cap.",
        ),
    ),
)
def dynamodb_capacity(res: Res, ctx: Ctx) -> Iterator[Finding]:
    mode = res.get("billingMode") or DYNAMODB_DEFAULT_BILLING
    if str(mode).upper() != "PROVISIONED":
        return
    cap = _num(ctx.per_environment("maxProvisionedCapacityUnits", res))
    if cap is None:
        return
    units = _capacity_units(res)
    if units > cap:
        env = ctx.environment(res)
        yield Finding(
            Text(
                en=f"DynamoDB table {res.name} provisions {units:g} read + write capacity units "
                f"in {env} (cap {cap:g}); use PAY_PER_REQUEST",
                ja=f"DynamoDB テーブル {res.name} は{env_ja(env)}環境で読み込み+書き込み "
                f"{units:g} キャパシティユニットをプロビジョニングしています (上限 {cap:g})。"
                "PAY_PER_REQUEST を使ってください",
            )
        )
