"""AWS Secrets Manager and AWS KMS."""

from __future__ import annotations

from gcmod.cost.arithmetic import (
    rotated_key_months,
)
from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers.core import (
    Charge,
    PricingContext,
    _n,
    _num,
    pricer,
)
from gcmod.graph import ResourceNode


def _secret_charge(node: ResourceNode, ctx: PricingContext, what: Phrase) -> Charge:
    return ctx.charge(
        node,
        "security",
        Phrase("Secrets Manager secret (", "Secrets Manager のシークレット (") + what + ")",
        "secretsmanager.secret-month",
        1,
        ctx.tenant(node),
    )


@pricer("aws:secretsmanager/secret:Secret")
def price_secret(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    return [_secret_charge(node, ctx, Phrase.same(node.name))]


@pricer("aws:kms/key:Key")
def price_kms_key(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A customer managed key: key-months, with the first two yearly rotations
    each adding one (averaged over five years: 2.4 with rotation)."""
    rotation = None
    if node.inputs.get("enableKeyRotation") is True:
        rotation = _num(node.inputs.get("rotationPeriodInDays"), 365.0)
    months = rotated_key_months(rotation)
    how = (
        Phrase("no rotation", "ローテーションなし")
        if rotation is None
        else Phrase(
            f"rotated every {_n(rotation)} d, 5-year average",
            f"{_n(rotation)}日ごとにローテーション、5年間の平均",
        )
    )
    return [
        ctx.charge(
            node,
            "security",
            Phrase(
                f"KMS customer managed key ({_n(months)} key-months: {how.en})",
                f"KMS カスタマー管理キー ({_n(months)} キー月: {how.ja})",
            ),
            "kms.key-month",
            months,
            ctx.tenant(node),
        )
    ]
