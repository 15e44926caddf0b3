"""KMS collector: customer managed keys and their automatic rotation (GCM-SEC-031).

A key becomes the node of the pulumi_aws resource that would have created it:
``aws:kms/key:Key`` (``enableKeyRotation``, ``rotationPeriodInDays``,
``customerMasterKeySpec``, ``keyUsage``, ``customKeyStoreId``...),
``aws:kms/externalKey:ExternalKey`` for imported key material and
``aws:kms/replicaKey:ReplicaKey`` for a multi-Region replica (whose rotation
its primary key decides). AWS managed keys (``alias/aws/*``) are no program's
resource and are not read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from botocore.exceptions import ClientError

from gcmod.audit.collect import CollectContext, collector
from gcmod.audit.collectors.data import prune
from gcmod.audit.collectors.ops import error_code, kms_aliases
from gcmod.graph import ResourceNode

KMS_KEY = "aws:kms/key:Key"
KMS_EXTERNAL_KEY = "aws:kms/externalKey:ExternalKey"
KMS_REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
#: The alias prefix of AWS managed keys (AWS KMS Developer Guide, "AWS managed
#: keys": their aliases are ``aws/<service>``; checked 2026-12).
AWS_MANAGED_ALIAS = "alias/aws/"
#: ListKeys returns at most 1,000 keys per page (AWS KMS API Reference, ListKeys
#: ``Limit``: 1-1000; checked 2026-12).
_KEYS_PER_PAGE = 1000
#: Key states whose key is on its way out: not reported (AWS KMS Developer Guide,
#: "Key states of AWS KMS keys"; checked 2026-12).
_LEAVING = frozenset({"PendingDeletion", "PendingReplicaDeletion"})
#: What AWS KMS rotates automatically: symmetric encryption keys with key material
#: it generated, outside custom key stores (AWS KMS Developer Guide, "Rotate AWS
#: KMS keys"; checked 2026-12). GetKeyRotationStatus is asked for these only.
ROTATABLE_SPEC = "SYMMETRIC_DEFAULT"


def key_aliases(ctx: CollectContext) -> tuple[set[str], dict[str, str]]:
    """(ids of the AWS managed keys here: the targets of ``alias/aws/*``; key id ->
    its first customer alias by name), from the alias listing ``backup.vaults``
    also reads (one call per page, shared)."""
    managed: set[str] = set()
    names: dict[str, str] = {}
    for a in sorted(kms_aliases(ctx), key=lambda a: str(a.get("AliasName", ""))):
        target, alias = a.get("TargetKeyId"), str(a.get("AliasName", ""))
        if not target:
            continue
        if alias.startswith(AWS_MANAGED_ALIAS):
            managed.add(str(target))
        else:
            names.setdefault(str(target), alias)
    return managed, names


def rotatable(meta: Mapping[str, Any]) -> bool:
    """Whether AWS KMS can rotate this key automatically."""
    spec = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec") or ROTATABLE_SPEC
    return (
        spec == ROTATABLE_SPEC
        and (meta.get("KeyUsage") or "ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT"
        and meta.get("Origin", "AWS_KMS") == "AWS_KMS"
        and not meta.get("CustomKeyStoreId")
        and (meta.get("MultiRegionConfiguration") or {}).get("MultiRegionKeyType") != "REPLICA"
    )


def key_inputs(
    meta: Mapping[str, Any], rotation: Mapping[str, Any] | None, tags: Mapping[str, str]
) -> tuple[str, dict[str, Any]]:
    """(type token, inputs) of one DescribeKey ``KeyMetadata`` and, for a rotatable
    key, its GetKeyRotationStatus response."""
    mr = meta.get("MultiRegionConfiguration") or {}
    common = {"description": meta.get("Description") or None, "tags": dict(tags)}
    if mr.get("MultiRegionKeyType") == "REPLICA":
        primary = (mr.get("PrimaryKey") or {}).get("Arn")
        return KMS_REPLICA_KEY, prune(
            {**common, "enabled": meta.get("Enabled"), "primaryKeyArn": primary}
        )
    if meta.get("Origin") == "EXTERNAL":
        return KMS_EXTERNAL_KEY, prune(
            {
                **common,
                "enabled": meta.get("Enabled"),
                "keySpec": meta.get("KeySpec"),
                "keyUsage": meta.get("KeyUsage"),
                "multiRegion": meta.get("MultiRegion"),
            }
        )
    rotation = rotation or {}
    inputs = {
        **common,
        "isEnabled": meta.get("Enabled"),
        "keyUsage": meta.get("KeyUsage"),
        "customerMasterKeySpec": meta.get("KeySpec") or meta.get("CustomerMasterKeySpec"),
        "multiRegion": meta.get("MultiRegion"),
        "customKeyStoreId": meta.get("CustomKeyStoreId"),
        "xksKeyId": (meta.get("XksKeyConfiguration") or {}).get("Id"),
        "enableKeyRotation": rotation.get("KeyRotationEnabled"),
        "rotationPeriodInDays": rotation.get("RotationPeriodInDays")
        if rotation.get("KeyRotationEnabled")
        else None,
    }
    return KMS_KEY, prune(inputs)


@collector(
    "kms.keys",
    "kms",
    [
        "kms:ListKeys",
        "kms:ListAliases",
        "kms:DescribeKey",
        "kms:GetKeyRotationStatus",
        "tag:GetResources",
    ],
    per_parent={
        "kms.DescribeKey": "ListKeys returns key ids only and DescribeKey takes one KeyId per "
        "request (AWS KMS API Reference); one call per key not behind an alias/aws/* alias "
        "(AWS managed keys are skipped).",
        "kms.GetKeyRotationStatus": "GetKeyRotationStatus takes one KeyId per request and no "
        "listing returns rotation (AWS KMS API Reference); one call per customer managed key "
        "AWS KMS can rotate (symmetric, generated key material, no custom key store).",
    },
)
def kms_keys(ctx: CollectContext) -> Iterator[ResourceNode]:
    """Customer managed KMS keys. ListKeys (one call per page of 1,000) returns
    ids only; AWS managed keys are told apart by their ``alias/aws/*`` alias (the
    shared alias listing) and never described. Every other key takes one
    DescribeKey, and each one AWS KMS can rotate one GetKeyRotationStatus (no
    batch form for either: declared per-parent calls). Keys pending deletion are
    left out. Tags come from the Tagging API pages. A key is named by its first
    alias (``alias/...``), else by its id."""
    managed, aliases = key_aliases(ctx)
    keys = [
        k
        for k in ctx.paginate("kms", "list_keys", "Keys", Limit=_KEYS_PER_PAGE)
        if k["KeyId"] not in managed
    ]
    if not keys:
        return
    kms = ctx.client("kms")
    tagged = ctx.tags_by_arn("kms:key")
    for k in keys:
        try:
            meta = kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
        except ClientError as exc:
            if error_code(exc) == "NotFoundException":
                continue  # deleted since the listing
            raise
        if meta.get("KeyManager") == "AWS" or meta.get("KeyState") in _LEAVING:
            continue
        rotation = None
        if rotatable(meta):
            rotation = kms.get_key_rotation_status(KeyId=k["KeyId"])
        arn = meta.get("Arn") or k.get("KeyArn") or ctx.urn(f"key/{k['KeyId']}")
        type_token, inputs = key_inputs(meta, rotation, tagged.get(arn, {}))
        name = aliases.get(k["KeyId"], k["KeyId"])
        yield ctx.node(type_token, name, arn, inputs)
