"""Amazon SNS: the budget alerts' topic, its publishes and e-mail deliveries."""

from __future__ import annotations

from gcmod.cost.phrase import Phrase
from gcmod.cost.pricers.core import Charge, PricingContext, _n, pricer
from gcmod.graph import ResourceNode

BUDGET = "aws:budgets/budget:Budget"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


@pricer("aws:sns/topic:Topic")
def price_topic(node: ResourceNode, ctx: PricingContext) -> list[Charge]:
    """A topic is free; its publishes and deliveries are not. The publishes the
    graph can say are the budget alerts that name the topic: each alert (a
    threshold of a budget) is assumed to fire at most once a month, AWS Budgets
    notifying once per budget period when a threshold is crossed. Each publish is
    delivered to every e-mail subscription. Other publishers (an application, an
    alarm) are not known here: listed in the notes, not priced. SNS's monthly free
    requests and deliveries (per account) are not credited."""
    budgets = ctx.referrers(node, "notifications", BUDGET)
    alerts = sum(len(b.inputs.get("notifications") or []) for b in budgets)
    if not budgets:
        ctx.note(
            "sns",
            Phrase(
                f"{node.name}: no budget in the graph publishes to it; its publishes are not "
                "known and not priced (the topic itself is free)",
                f"{node.name}: 構成内の予算からの発行がないため、発行数が分からず積算していません "
                "(トピック自体は無料)",
            ),
        )
        return []
    emails = [
        s
        for s in ctx.referrers(node, "topic", SUBSCRIPTION)
        if str(s.inputs.get("protocol", "")).lower() == "email"
    ]
    tenant = ctx.tenant(node)
    out = [
        ctx.charge(
            node,
            "operations",
            Phrase(
                f"SNS publishes: budget alerts ({len(budgets)} budget(s), {alerts} alert(s), "
                "each at most once a month)",
                f"SNS の発行: 予算のアラート (予算 {len(budgets)}件、アラート {alerts}件、"
                "それぞれ月に1回まで)",
            ),
            "sns.million-publishes",
            alerts / 1e6,
            tenant,
        )
    ]
    if emails:
        out.append(
            ctx.charge(
                node,
                "operations",
                Phrase(
                    f"SNS e-mail deliveries ({_n(alerts)} alert(s) × {len(emails)} address(es))",
                    f"SNS のメール配信 (アラート {_n(alerts)}件 × アドレス {len(emails)}件)",
                ),
                "sns.100k-email-notifications",
                alerts * len(emails) / 1e5,
                tenant,
            )
        )
    return out
