"""Resource graph -> planned monthly :class:`~gcmod.cost.model.Estimate`.

One small pricer per resource type, in one module per AWS service of this
package, all registered in :data:`PRICERS` (the ``@pricer`` decorator of
:mod:`.core`; importing this package imports every service module, as
``gcmod.policies.rules`` does for the rules), turns a :class:`~gcmod.graph.ResourceNode` into
:class:`Charge` s: a quantity of one catalogue key in one region. A second
step, :func:`price_charges`, prices the charges with the catalogue, the same
function the lift-and-shift baseline and the lever waterfall use
(:mod:`gcmod.cost.baseline`). So every figure is *quantity × catalogue price*,
and the quantity says how it was computed (``description``).

Rules
-----
* **Region**: a charge is priced in the region of its resource (``node.region``),
  so the DR vault in Osaka is priced at Osaka's prices.
* **Tenant**: the ``gcmod:tenant`` tag (``shared`` when absent).
* **Running hours**: 730 a month (24/7, AWS's convention) unless the stack's
  shutdown schedules stop the resource: then the average monthly hours of the
  running calendar read back from the graph (:mod:`gcmod.runcalendar`). The ECS
  service's and the Aurora cluster's hours come from the calendar targets of
  their kind in the schedule group named by their ``gcmod:schedule`` tag.
* **A missing price is never zero**: a key the catalogue lacks becomes a
  :class:`~gcmod.cost.model.MissingPrice` in ``Estimate.missing``.
* **Tiers** (free tiers, volume tiers) are applied to the stack's total of a
  key in a region, then shared among its lines pro rata (an account pays the
  tiers once, not per resource). Where the catalogue carries a free tier as
  its first tier (EventBridge Scheduler), it is credited to this stack in full;
  the account-wide allowances the catalogue names in a source but does not
  tier (CloudWatch's 3 free dashboards, SNS, KMS and SQS requests) are not
  credited: they are shared with everything else in the account.
* Types in :data:`FREE_TYPES` cost nothing by themselves (the reason is
  given); types in :data:`PRICED_VIA` are priced with another resource; any
  other type without a pricer is listed as *unpriced* in the estimate's notes,
  never silently dropped.
* What the graph cannot say (data size, traffic, log volume) is the usage
  profile (:mod:`gcmod.cost.usage`).

Known simplifications (each says which way it errs)
-----------------------------------------------------
* On-demand Linux list prices; no Savings Plans, reserved instances or the
  Government Cloud's volume discounts (the deck's short-term measures), so
  every absolute figure is an upper bound.
* Data transfer inside a region and to the internet is not priced (a
  back-office system behind an internal load balancer sends little out).
* CloudWatch Logs Insights queries, X-Ray, CloudTrail, Config and Security Hub
  are account-level services outside the stack.
* AWS Backup restore testing restores the Aurora cluster monthly for about an
  hour; AWS Backup charges per GB restored only for some resource types, and
  the restored cluster is deleted after validation. It is listed, not priced.

Adding a resource type: a function ``@pricer("aws:<svc>/<res>:<Res>")`` returning
:class:`Charge` s, in the module of its service (a new module is imported below).
"""

from __future__ import annotations

from gcmod.cost.pricers import (  # noqa: F401  (importing registers the pricers)
    backup,
    budgets,
    cloudwatch,
    connectivity,
    ec2,
    ecs,
    elb,
    firehose,
    logs,
    rds,
    s3,
    scheduler,
    security,
    sns,
    sqs,
    ssm,
    vpc,
)
from gcmod.cost.pricers.backup import (
    BACKUP_KEYS,
    BACKUP_RULES,
    COLD_KINDS,
    FULL_COPY_KINDS,
    BackupRule,
    backup_charges,
)
from gcmod.cost.pricers.core import (
    DATA_GB_TAG,
    FREE_TYPES,
    PRICED_VIA,
    PRICERS,
    SHARED,
    TENANT_TAG,
    Charge,
    Pricer,
    PriceSource,
    PricingContext,
    price_charges,
    pricer,
)
from gcmod.cost.pricers.ec2 import DEFAULT_ROOT_VOLUME, ebs_charges, ec2_charges
from gcmod.cost.pricers.ecs import FARGATE_ARCH, fargate_charges
from gcmod.cost.pricers.elb import alb_charges
from gcmod.cost.pricers.logs import log_group_charges
from gcmod.cost.pricers.pricegraph import (
    GraphPricing,
    graph_charges,
    price_graph,
    scheduled_hours,
)
from gcmod.cost.pricers.rds import aurora_charges, rds_instance_charges
from gcmod.cost.pricers.s3 import S3_CLASS_KEYS, archive_charges, transition_charges
from gcmod.cost.pricers.vpc import nat_charges, public_ip_charge

__all__ = [
    "BACKUP_KEYS",
    "BACKUP_RULES",
    "COLD_KINDS",
    "DATA_GB_TAG",
    "DEFAULT_ROOT_VOLUME",
    "FARGATE_ARCH",
    "FREE_TYPES",
    "FULL_COPY_KINDS",
    "PRICED_VIA",
    "PRICERS",
    "S3_CLASS_KEYS",
    "SHARED",
    "TENANT_TAG",
    "BackupRule",
    "Charge",
    "GraphPricing",
    "PriceSource",
    "Pricer",
    "PricingContext",
    "alb_charges",
    "archive_charges",
    "aurora_charges",
    "backup_charges",
    "ebs_charges",
    "ec2_charges",
    "fargate_charges",
    "graph_charges",
    "log_group_charges",
    "nat_charges",
    "price_charges",
    "price_graph",
    "pricer",
    "public_ip_charge",
    "rds_instance_charges",
    "scheduled_hours",
    "transition_charges",
]
