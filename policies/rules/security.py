"""Security baseline rules peers also enforce: databases not reachable from the
internet, customer managed KMS keys rotated.

Guidance: the Digital Agency's cost-optimisation approach guide
(「ガバメントクラウドの適切な利用によるコスト最適化のアプローチガイド」 v1.0,
2025-03-24) optimises cost without lowering the security the systems need; the
rules here follow the checks that checkov, the AWS Guard rules registry / AWS
Config managed rules and Cloud Custodian run on the same resources, named in
each rule's rationale.
"""

from __future__ import annotations

from collections.abc import Iterator

from gcmod.policies.model import Ctx, Finding, Res, Text, rule
from gcmod.policies.rulekit import GUIDE_JA, peek, truthy

RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
KMS_KEY = "aws:kms/key:Key"

_DB_KIND = {
    RDS_INSTANCE: ("RDS instance", "RDS インスタンス"),
    RDS_CLUSTER: ("RDS cluster", "RDS クラスター"),
    RDS_CLUSTER_INSTANCE: ("Aurora cluster instance", "Aurora クラスターインスタンス"),
}

#: Key specs and usages AWS KMS cannot rotate automatically: asymmetric keys
#: (RSA_*, ECC_*, SM2) and HMAC keys (HMAC_*, usage GENERATE_VERIFY_MAC); nor keys
#: in a custom key store (imported key material is aws.kms.ExternalKey, another type)
#: (AWS KMS Developer Guide, "Rotate AWS KMS keys", supported and unsupported
#: key types; checked 2026-12).
ROTATABLE_SPEC = "SYMMETRIC_DEFAULT"


# ---------------------------------------------------------------------------
# GCM-SEC-030 databases not publicly accessible
# ---------------------------------------------------------------------------
@rule(
    id="GCM-SEC-030",
    title=Text(
        en="Databases are not publicly accessible",
        ja="データベースをインターネットから到達可能にしていない",
    ),
    severity="critical",
    enforcement="mandatory",
    lever="security",
    resource_types=(RDS_INSTANCE, RDS_CLUSTER, RDS_CLUSTER_INSTANCE),
    rationale=Text(
        en="A publicly accessible RDS database gets a DNS name that resolves to a public IP "
        "address, so only its security group stands between residents' personal data and the "
        "internet. The guide (v1.0, 2025-03-24) optimises cost without lowering the security "
        "the systems need, and municipal offices reach the Government Cloud over closed "
        "networks. Peers flag the same setting: checkov CKV_AWS_17 ('Ensure all data stored in "
        "RDS is not publicly accessible'), the AWS Config managed rule / AWS Guard rule "
        "rds-instance-public-access-check, and Cloud Custodian's rds resource with the value "
        "filter PubliclyAccessible: true.",
        ja="パブリックアクセス可能な RDS データベースの DNS 名はパブリック IP アドレスに解決され、"
        "住民の個人情報とインターネットの間にはセキュリティグループしか残らない。"
        f"{GUIDE_JA} はシステムに必要なセキュリティを下げずにコストを最適化するものであり、自治体は"
        "閉域網でガバメントクラウドに接続する。同じ設定を `checkov` CKV_AWS_17、`AWS Config` マネージド"
        "ルール / `AWS Guard` ルール rds-instance-public-access-check、`Cloud Custodian` の rds リソース"
        "(`value` フィルター PubliclyAccessible: true) も検出する。",
    ),
    remediation=Text(
        en="Set publiclyAccessible to false (the default) and reach the database from the "
        "application's private subnets, or through Systems Manager Session Manager port "
        "forwarding for administration. gcmod's Database component does this.",
        ja="publiclyAccessible を false (既定値) にし、アプリケーションのプライベートサブネット"
        "から接続する。管理作業は `Systems Manager Session Manager` のポートフォワーディングを使う。"
        "gcmod の Database コンポーネントはこの構成になっている。",
    ),
)
def database_not_public(res: Res, ctx: Ctx) -> Iterator[Finding]:
    if not truthy(res.get("publiclyAccessible")):
        return
    en, ja = _DB_KIND[res.type]
    yield Finding(
        Text(
            en=f"{en} {res.name} is publicly accessible (publiclyAccessible: true); set it to "
            "false and reach it from private subnets",
            ja=f"{ja} {res.name} がパブリックアクセス可能です (publiclyAccessible: true)。false に"
            "し、プライベートサブネットから接続してください",
        )
    )


# ---------------------------------------------------------------------------
# GCM-SEC-031 KMS key rotation
# ---------------------------------------------------------------------------
def _not_rotatable(res: Res) -> str | None:
    """Why AWS KMS cannot rotate this key automatically, or None when it can.
    Unknown values raise (the decision needs them)."""
    spec = res.get("customerMasterKeySpec") or res.get("keySpec") or ROTATABLE_SPEC
    usage = res.get("keyUsage") or "ENCRYPT_DECRYPT"
    if str(spec).upper() != ROTATABLE_SPEC:
        return f"key spec {spec}"
    if str(usage).upper() != "ENCRYPT_DECRYPT":
        return f"key usage {usage}"
    if peek(res, "customKeyStoreId") is not None or peek(res, "xksKeyId") is not None:
        return "custom key store"
    return None


@rule(
    id="GCM-SEC-031",
    title=Text(
        en="Customer managed KMS keys rotate automatically",
        ja="カスタマーマネージド KMS キーの自動ローテーションが有効",
    ),
    severity="medium",
    enforcement="mandatory",
    lever="security",
    resource_types=(KMS_KEY,),
    rationale=Text(
        en="Automatic rotation gives a symmetric KMS key new key material every year (or the "
        "period set) while old ciphertexts stay readable, which limits how much data one key "
        "version protects (AWS KMS Developer Guide, 'Rotate AWS KMS keys'; checked 2026-12). The guide (v1.0, 2025-03-24) keeps the security the systems need while "
        "cutting cost. Peers flag the same: checkov CKV_AWS_7 ('Ensure rotation for customer "
        "created CMKs is enabled'), the AWS Config managed rule / AWS Guard rule "
        "cmk-backing-key-rotation-enabled, and Cloud Custodian's kms-key resource with the "
        "key-rotation-status filter. Asymmetric and HMAC keys, keys with imported material and "
        "keys in custom key stores are left out: AWS cannot rotate them.",
        ja="自動ローテーションを有効にすると、対称 KMS キーの鍵素材は毎年 (または指定の周期で) "
        "更新され、既存の暗号文は引き続き復号できる。1つの鍵素材が保護するデータ量を抑えられる "
        "(AWS KMS デベロッパーガイド「AWS KMS キーのローテーション」)。"
        f"{GUIDE_JA} は必要なセキュリティを保ったままコストを下げるものである。同じ点を `checkov` "
        "CKV_AWS_7、`AWS Config` マネージドルール / `AWS Guard` ルール cmk-backing-key-rotation-enabled、"
        "`Cloud Custodian` の kms-key リソース (key-rotation-status フィルター) も検出する。AWS が"
        "ローテーションできない非対称キー・HMAC キー・インポートした鍵素材のキー・カスタムキー"
        "ストアのキーは対象外とする。",
    ),
    remediation=Text(
        en="Set enableKeyRotation: true on the key (optionally rotationPeriodInDays, 90-2560). "
        "gcmod's ManagedBackup keys do this.",
        ja="キーに enableKeyRotation: true を設定する (必要なら rotationPeriodInDays を 90〜2560 "
        "日で指定)。gcmod の ManagedBackup のキーはこの構成になっている。",
    ),
)
def kms_rotation(res: Res, ctx: Ctx) -> Iterator[Finding]:
    if truthy(res.get("enableKeyRotation")):
        return
    if _not_rotatable(res) is not None:
        return
    yield Finding(
        Text(
            en=f"KMS key {res.name} does not rotate (enableKeyRotation is not true); turn "
            "automatic rotation on",
            ja=f"KMS キー {res.name} のローテーションが無効です (enableKeyRotation が true では"
            "ありません)。自動ローテーションを有効にしてください",
        )
    )
