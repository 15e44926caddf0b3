"""The least-privilege IAM policy of the audit role, generated from the collectors.

Every collector declares exactly the actions it calls (``iam_actions``); the
policy is their sorted, de-duplicated union plus what the runner itself calls:

* ``sts:GetCallerIdentity`` — which account the credentials are in;
* ``cloudwatch:GetMetricData`` — utilisation figures behind idle-resource findings;
* ``organizations:ListAccounts`` — only needed in the management account
  (or a delegated administrator), to discover member accounts; a separate
  statement so it can be dropped from member-account roles.

Every action is a read (:func:`gcmod.audit.guard.is_read_only_action`); the
generator refuses to emit anything else. ``sts:AssumeRole`` is not in this
policy: it belongs to the *caller's* identity (the role the audit starts
from), granted on ``arn:aws:iam::*:role/<audit role>``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from gcmod.audit.collect import Collector, all_collectors
from gcmod.audit.guard import is_read_only_action

RUNNER_ACTIONS = ("sts:GetCallerIdentity", "cloudwatch:GetMetricData")
MANAGEMENT_ACTIONS = ("organizations:ListAccounts",)


def audit_actions(collectors: Iterable[Collector] | None = None) -> list[str]:
    """Sorted, de-duplicated actions of the collectors plus the runner's own."""
    cols = list(collectors) if collectors is not None else all_collectors()
    actions = sorted({a for c in cols for a in c.iam_actions} | set(RUNNER_ACTIONS))
    bad = [a for a in actions if not is_read_only_action(a)]
    if bad:
        raise ValueError(f"collectors declare non-read IAM actions: {', '.join(bad)}")
    return actions


def audit_policy_document(
    collectors: Iterable[Collector] | None = None, *, management: bool = True
) -> dict[str, Any]:
    """The IAM policy document (JSON-ready dict) for the audit role."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "GcmodAuditReadOnly",
            "Effect": "Allow",
            "Action": audit_actions(collectors),
            "Resource": "*",
        }
    ]
    if management:
        statements.append(
            {
                "Sid": "GcmodAuditOrganizationAccounts",
                "Effect": "Allow",
                "Action": list(MANAGEMENT_ACTIONS),
                "Resource": "*",
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def audit_policy_json(collectors: Iterable[Collector] | None = None, **kw: Any) -> str:
    return json.dumps(audit_policy_document(collectors, **kw), indent=2) + "\n"
