"""What the audit covers: which accounts, which regions.

Government Cloud workloads live in Tokyo (``ap-northeast-1``, the home region)
with backup copies in Osaka (``ap-northeast-3``); those are the default
regions. Accounts are either

* the current credentials' account alone (:func:`single_account_scope`,
  ``sts:GetCallerIdentity``), or
* every ACTIVE account of the AWS Organization (:func:`discover_accounts`, run
  with management-account credentials, ``organizations:ListAccounts``),
  each reached by ``sts:AssumeRole`` into ``arn:aws:iam::<id>:role/<role_name>``
  with session name ``gcmod-audit``. The management account itself is audited
  with the current credentials (it has no role to assume into itself).

Sessions are made lazily (:meth:`AccountTarget.get_session`), once per
account, so an account whose role cannot be assumed becomes a gap in the
audit rather than an error before it starts. Assumed-role credentials are
botocore :class:`~botocore.credentials.RefreshableCredentials`: every client
of the session signs with them, and botocore calls ``sts:AssumeRole`` again
(through the same guarded, counted STS client) when they come within 15
minutes of expiry (10 minutes: mandatory), so an audit longer than the STS
default of one hour keeps working. The assumed-role sessions share one
botocore data loader, so each service model is parsed once per process rather
than once per account (about 40 MiB and a second per account otherwise; see
docs/performance.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gcmod.audit.clients import DEFAULT_MAX_ATTEMPTS, PREFLIGHT_MAX_ATTEMPTS, make_client
from gcmod.audit.collect import CallCounter
from gcmod.reference import GOV_REGIONS, PRIMARY_REGION

DEFAULT_REGIONS = GOV_REGIONS
HOME_REGION = PRIMARY_REGION
SESSION_NAME = "gcmod-audit"


@dataclass
class AccountTarget:
    """One account to audit and how to get a session in it."""

    account_id: str
    name: str | None = None
    session: Any = None
    """A ready boto3 session (the current account), or None to assume ``role_arn``."""
    role_arn: str | None = None
    base_session: Any = None
    """The session that assumes ``role_arn``."""
    endpoint_url: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def get_session(self, counter: CallCounter | None = None) -> Any:
        """The boto3 session for this account (assumes the role on first use)."""
        with self._lock:
            if self.session is None:
                if self.role_arn is None or self.base_session is None:
                    raise ValueError(f"account {self.account_id}: no session and no role")
                self.session = assume_role_session(
                    self.base_session, self.role_arn, counter, self.endpoint_url
                )
            return self.session


@dataclass
class Scope:
    """Accounts × regions the audit covers."""

    regions: tuple[str, ...] = DEFAULT_REGIONS
    home_region: str = HOME_REGION
    accounts: list[AccountTarget] = field(default_factory=list)
    role_name: str | None = None

    def __post_init__(self) -> None:
        self.regions = tuple(dict.fromkeys(self.regions))
        if self.home_region not in self.regions:
            raise ValueError(f"home region {self.home_region} is not in regions {self.regions}")


def _sts(
    session: Any,
    counter: CallCounter | None,
    endpoint_url: str | None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> Any:
    region = session.region_name or HOME_REGION
    return make_client(
        session, "sts", region, counter or CallCounter(), endpoint_url, max_attempts=max_attempts
    )


def assume_role_fetcher(
    base_session: Any,
    role_arn: str,
    counter: CallCounter | None = None,
    endpoint_url: str | None = None,
) -> Callable[[], dict[str, str]]:
    """``() -> credential metadata`` for :class:`~botocore.credentials.RefreshableCredentials`:
    one ``sts:AssumeRole`` into ``role_arn`` per call, through a guarded, counted client."""
    sts = _sts(base_session, counter, endpoint_url)

    def fetch() -> dict[str, str]:
        creds = sts.assume_role(RoleArn=role_arn, RoleSessionName=SESSION_NAME)["Credentials"]
        expiry = creds["Expiration"]
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": expiry.isoformat() if hasattr(expiry, "isoformat") else str(expiry),
        }

    return fetch


_LOADER_LOCK = threading.Lock()
_SHARED_LOADER: Any = None


def _shared_loader_session(core: Any, **kwargs: Any) -> Any:
    """A boto3 session over botocore session ``core`` whose data loader (the parsed
    service models and endpoints) is shared with every other session made here."""
    import boto3
    import botocore.loaders

    global _SHARED_LOADER
    with _LOADER_LOCK:
        if _SHARED_LOADER is None:  # as botocore makes its own (honours AWS_DATA_PATH)
            _SHARED_LOADER = botocore.loaders.create_loader(core.get_config_variable("data_path"))
        core.register_component("data_loader", _SHARED_LOADER)
        session = boto3.Session(botocore_session=core, **kwargs)
        # boto3 appends its own data path to the loader per session: keep one.
        paths = _SHARED_LOADER.search_paths
        paths[:] = list(dict.fromkeys(paths))
    return session


def assume_role_session(
    base_session: Any,
    role_arn: str,
    counter: CallCounter | None = None,
    endpoint_url: str | None = None,
) -> Any:
    """A boto3 session with the credentials of ``role_arn`` (``sts:AssumeRole`` now,
    and again whenever they near expiry: refreshable credentials)."""
    import botocore.session
    from botocore.credentials import (
        CredentialProvider,
        CredentialResolver,
        RefreshableCredentials,
    )

    fetch = assume_role_fetcher(base_session, role_arn, counter, endpoint_url)
    creds = RefreshableCredentials.create_from_metadata(
        metadata=fetch(), refresh_using=fetch, method="sts-assume-role"
    )

    class AssumedRole(CredentialProvider):
        METHOD = "sts-assume-role"

        def load(self) -> RefreshableCredentials:
            return creds

    core = botocore.session.Session()
    core.register_component("credential_provider", CredentialResolver([AssumedRole()]))
    return _shared_loader_session(core, region_name=base_session.region_name or HOME_REGION)


def caller_account(
    session: Any, counter: CallCounter | None = None, endpoint_url: str | None = None
) -> str:
    """The credentials' account: the audit's first call, so it is also the check that
    the endpoint answers. It is tried :data:`PREFLIGHT_MAX_ATTEMPTS` times (connect
    timeout 5 s each), so an unreachable endpoint fails within seconds, not after
    the ten adaptive retries every later call gets."""
    sts = _sts(session, counter, endpoint_url, PREFLIGHT_MAX_ATTEMPTS)
    return sts.get_caller_identity()["Account"]


def single_account_scope(
    session: Any,
    regions: tuple[str, ...] = DEFAULT_REGIONS,
    home_region: str = HOME_REGION,
    *,
    counter: CallCounter | None = None,
    endpoint_url: str | None = None,
) -> Scope:
    """The current credentials' account only."""
    account = caller_account(session, counter, endpoint_url)
    target = AccountTarget(account, session=session, endpoint_url=endpoint_url)
    return Scope(regions, home_region, [target], None)


def discover_accounts(
    session: Any,
    role_name: str,
    *,
    counter: CallCounter | None = None,
    endpoint_url: str | None = None,
    include: Callable[[dict[str, Any]], bool] | None = None,
) -> list[AccountTarget]:
    """Every ACTIVE account of the organization, reached through ``role_name``.

    Run with management-account (or delegated administrator) credentials.
    ``include`` filters the ``list_accounts`` entries further (e.g. by id)."""
    counter = counter or CallCounter()
    region = session.region_name or HOME_REGION
    org = make_client(session, "organizations", region, counter, endpoint_url)
    me = caller_account(session, counter, endpoint_url)
    targets: list[AccountTarget] = []
    for page in org.get_paginator("list_accounts").paginate():
        for acct in page.get("Accounts", []):
            if acct.get("Status") != "ACTIVE":
                continue
            if include is not None and not include(acct):
                continue
            aid = acct["Id"]
            if aid == me:
                targets.append(
                    AccountTarget(aid, acct.get("Name"), session=session, endpoint_url=endpoint_url)
                )
            else:
                targets.append(
                    AccountTarget(
                        aid,
                        acct.get("Name"),
                        role_arn=f"arn:aws:iam::{aid}:role/{role_name}",
                        base_session=session,
                        endpoint_url=endpoint_url,
                    )
                )
    return sorted(targets, key=lambda t: t.account_id)


def organization_scope(
    session: Any,
    role_name: str,
    regions: tuple[str, ...] = DEFAULT_REGIONS,
    home_region: str = HOME_REGION,
    *,
    counter: CallCounter | None = None,
    endpoint_url: str | None = None,
) -> Scope:
    accounts = discover_accounts(session, role_name, counter=counter, endpoint_url=endpoint_url)
    return Scope(regions, home_region, accounts, role_name)
