"""docs/rules.md: "How gcmod decides the environment, region and schedule of a resource",
rendered from the tables the deciding modules use (so the page cannot drift)."""

from __future__ import annotations

from gcmod.policies import evidence, schedules
from gcmod.policies.rules.backup import DR_ALLOWED_MODULES, DR_ALLOWED_TYPES

TITLE = "How gcmod decides the environment, region and schedule of a resource"


def _codes(items) -> str:
    return ", ".join(f"`{i}`" for i in items)


def decisions_markdown() -> str:
    words: dict[str, list[str]] = {}
    for word, env in evidence.ENV_WORDS.items():
        words.setdefault(env, []).append(word)
    aliases = "\n".join(f"  - {k}: {_codes(v)}" for k, v in evidence.TAG_ALIASES.items())
    envs = "\n".join(f"  - {env}: {_codes(ws)}" for env, ws in words.items())
    return f"""## {TITLE}

リソースの環境・リージョン・停止スケジュールの判定方法

Rules never read an environment tag, a provider or a region themselves: they ask one
module (`policies/evidence.py`, schedules in `policies/schedules.py`), which weighs the
evidence below in this order and records which evidence decided. Every finding carries
it: `environmentFrom` / `regionFrom` in `--json` and SARIF, the "DECIDED BY" column of
the table (e.g. `tag Environment=development`).

ルールは環境タグ・プロバイダー・リージョンを自分で読まず、1つのモジュールに問い合わせる。判定は
以下の順で行い、どの根拠で決まったかを各指摘に記録する (`--json` と SARIF の
`environmentFrom` / `regionFrom`、表の「判定の根拠」列)。

### Environment / 環境

1. the policy config's `environment` setting (forces it) / ポリシー設定 `environment`
2. gcmod's tag `{evidence.GCMOD_ENV_TAG}` on the resource / gcmod のタグ
3. a common tag on the resource, key case-insensitive / 一般的なタグ
   (キーの大文字小文字を区別しない): {_codes(evidence.ENV_TAG_KEYS)}
4. the same tags in the provider's `defaultTags` (a mapping, or the JSON string pulumi-aws
   sends for an explicit provider) / プロバイダーの `defaultTags` (マッピングまたは JSON 文字列)
5. the stack name, read by its `-` `_` `.` parts (`saas-prod`) / スタック名
6. the policy config's `defaultEnvironment` / ポリシー設定 `defaultEnvironment`
7. else **unknown**: the report says so, and each rule judges as the stricter environment
   for that rule (production for most; non-production for GCM-SCHED-001, which asks
   non-production to stop at night) / 不明: レポートに明示し、ルールごとに厳しい側の環境として判定

Words naming an environment (case-insensitive) / 環境を表す語:

{envs}

### Region and provider / リージョンとプロバイダー

1. the resource's own `region` input (pulumi-aws 7) / リソース自身の `region` 入力
2. its provider's `region`; the default provider's is the stack's `aws:region` /
   プロバイダーの `region` (デフォルトプロバイダーはスタックの `aws:region`)
3. else unknown / 不明

A provider is the engine's default provider only when its logical name is `default` or
`default_<major>_<minor>_<patch>...` (the names the engine gives the providers it
creates); an explicit provider named `default-osaka` is explicit. GCM-DR-001 treats a
resource as DR standby when it is in the DR region and not in the stack's own region.
In the DR region only these may exist (backup-only DR, 構成C) / DR リージョンに置けるもの:
modules {_codes(DR_ALLOWED_MODULES)}; types {_codes(sorted(DR_ALLOWED_TYPES))};
plus the policy config's `allowedInDrRegion`.

### Schedule / 停止スケジュール

A non-production {_codes(schedules.SCHEDULABLE)} counts as scheduled when something in the
stack both stops and starts *it* / 停止と起動の両方がそのリソースを指している場合に限り
スケジュール済みとみなす:

1. gcmod's `{schedules.TAG_SCHEDULE}` tag naming a schedule group with an enabled schedule
2. the AWS Instance Scheduler tag (`Schedule`; setting `instanceSchedulerTagKey`) on
   {_codes(schedules.INSTANCE_SCHEDULER_TYPES)}
3. EventBridge Scheduler universal targets (`aws-sdk:rds:stopDBCluster` / `startDBCluster` /
   `stopDBInstance` / `startDBInstance`, `aws-sdk:ec2:stopInstances` / `startInstances`,
   `aws-sdk:ecs:updateService` with DesiredCount 0, `aws-sdk:applicationautoscaling:
   registerScalableTarget` with MaxCapacity 0, `aws-sdk:autoscaling:updateAutoScalingGroup`,
   `aws-sdk:ssm:startAutomationExecution` of the runbooks below)
4. Application Auto Scaling scheduled actions (max capacity 0) and Auto Scaling group
   scheduled actions (desired or max 0)
5. EventBridge rules with a schedule expression whose target runs SSM Automation
   `AWS-StopEC2Instance` / `AWS-StartEC2Instance` / `AWS-StopRdsInstance` /
   `AWS-StartRdsInstance`

An action names the resource when its input holds the resource's identifier (RDS
identifier, ECS service name, Auto Scaling group name) or, when the input is only known
after deployment, when it depends on the resource. A stop without a start, a disabled
schedule or a schedule naming another resource does not count / 停止のみ・無効・別リソースを
指すスケジュールは数えない. An always-on exemption (`gcmod:always-on`, setting
`exemptTagKey`) needs a reason of at least {schedules.MIN_REASON_WORDS} words (or
{schedules.MIN_REASON_CHARS_JA} Japanese characters); the report lists each exemption with
its reason / 常時稼働の除外には理由 (3語以上、日本語は6文字以上) が必要で、レポートに理由を表示する.

### Cost-allocation tags / コスト配分タグ

GCM-TAG-001 asks each taggable resource for system and environment, and the tenant in a
multi-tenant build; the resource's tags and its provider's default tags count, under any
of these keys (case-insensitive; setting `tagAliases`) / 以下のキー (別名) を受け付ける:

{aliases}
"""
