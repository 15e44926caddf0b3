"""The audit's read-only guarantee, enforced in code rather than promised.

Every boto3 client the audit makes gets :func:`install_read_only_guard`: a
botocore ``before-parameter-build`` handler, registered first, that raises
:class:`ReadOnlyViolation` for any operation that is not a read, before its
parameters are built, before it is signed and long before anything is sent.
A collector that tried to write (by a bug, or a future edit) fails loudly
instead of changing the account; the IAM policy generated from the collectors
(:mod:`gcmod.audit.iampolicy`) is a second, independent line of defence.

What counts as a read: an operation (API name, ``DescribeInstances``) or IAM
action (``ec2:DescribeInstances``) whose name begins ``Describe``, ``List`` or
``Get``. The only exceptions are the two STS calls in :data:`ALLOWED_NON_READ`:
``sts:AssumeRole`` (how the audit reaches member accounts) and
``sts:GetCallerIdentity`` (a ``Get``, listed for clarity). They return
credentials or identity and change nothing in any account.
"""

from __future__ import annotations

import re
from typing import Any

#: Name prefixes of read operations (API operation names and IAM action names).
READ_PREFIXES = ("Describe", "List", "Get")
#: The only non-read calls the audit makes: they return credentials/identity, change nothing.
ALLOWED_NON_READ = frozenset({("sts", "AssumeRole"), ("sts", "GetCallerIdentity")})

_READ = re.compile(r"^(?:Describe|List|Get)(?:[A-Z*]|$)")


class ReadOnlyViolation(PermissionError):
    """A non-read AWS operation was attempted through a guarded client."""

    def __init__(self, service: str, operation: str) -> None:
        self.service = service
        self.operation = operation
        super().__init__(
            f"gcmod audit is read-only: refused {service}:{operation} "
            "(only Describe*/List*/Get* and sts:AssumeRole are allowed)"
        )


def is_read_only(service: str, operation: str) -> bool:
    """True for a read operation. ``service`` is the IAM prefix / endpoint prefix
    (``ec2``, ``sts``); ``operation`` the API or IAM action name (``DescribeVolumes``)."""
    if (service.lower(), operation) in ALLOWED_NON_READ:
        return True
    return bool(_READ.match(operation))


def is_read_only_action(action: str) -> bool:
    """``is_read_only`` for an IAM action string ``service:Action``."""
    service, sep, op = action.partition(":")
    return bool(sep) and bool(service) and is_read_only(service, op)


def _service_prefix(client: Any) -> str:
    model = client.meta.service_model
    return (model.endpoint_prefix or model.service_name).lower()


def install_read_only_guard(client: Any) -> Any:
    """Make ``client`` refuse every non-read operation (raises :class:`ReadOnlyViolation`
    before the request is built). Returns the client."""
    service = _service_prefix(client)
    # The STS allowlist is keyed by "sts"; other services by their endpoint prefix.

    def guard(model: Any = None, **_: Any) -> None:
        op = model.name if model is not None else "?"
        if not is_read_only(service, op):
            raise ReadOnlyViolation(service, op)

    client.meta.events.register_first(
        f"before-parameter-build.{client.meta.service_model.service_id.hyphenize()}", guard
    )
    client.meta.__dict__["gcmod_read_only"] = True
    return client


def is_guarded(client: Any) -> bool:
    return bool(client.meta.__dict__.get("gcmod_read_only"))
