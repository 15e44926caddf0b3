"""Amazon Data Firehose: delivery streams into S3."""

from __future__ import annotations

from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers.core import (
    Charge,
    PricingContext,
    _n,
    pricer,
)
from gcmod.cost.pricers.logs import _prefix_class
from gcmod.cost.pricers.s3 import _objects_per_month
from gcmod.graph import ResourceNode


@pricer("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
def price_firehose(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A Firehose stream into S3: GB ingested (its log class, compressed as
    delivered by CloudWatch Logs, or ``firehoseGbPerMonth`` split among the
    streams) and the S3 PUT of each object it writes."""
    tenant = ctx.tenant(node)
    u = ctx.usage
    conf = node.inputs.get("extendedS3Configuration") or {}
    prefix = str(conf.get("prefix") or "")
    cls = _prefix_class(prefix, ctx)
    streams = ctx.graph.of_type(node.type)
    if "firehose_gb_per_month" in u.model_fields_set or cls is None:
        gb = float(u.firehose_gb_per_month or 0.0) / len(streams)
    else:
        gb = u.log_gb_per_month[cls] * u.archive_compression_ratio
    objects = _objects_per_month(node, gb)
    return [
        ctx.charge(
            node,
            "logs",
            Phrase(
                f"Firehose ingestion{', ' + cls if cls else ''} ({_n(gb)} GB)",
                f"Firehose の取り込み{'、' + cls if cls else ''} ({_n(gb)} GB)",
            ),
            "firehose.gb",
            gb,
            tenant,
        ),
        ctx.charge(
            node,
            "logs",
            Phrase(
                f"S3 PUT requests by Firehose ({_n(objects)} objects: one per buffer flush)",
                f"Firehose による S3 PUT リクエスト (オブジェクト {_n(objects)}個: "
                "バッファーの書き出しごとに1つ)",
            ),
            "s3.put.thousand-requests",
            objects / 1000,
            tenant,
        ),
    ]
