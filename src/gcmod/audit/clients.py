"""Clients for the audit: read-only, retrying, counted.

:func:`make_client` is the only way the audit makes a boto3 client. Each one

* refuses any non-read operation (:mod:`gcmod.audit.guard`);
* retries throttling and transient errors with botocore's *adaptive* mode
  (client-side rate limiting plus exponential backoff), 10 attempts by default;
* counts every API call as ``service.Operation`` in a :class:`CallCounter`
  (one per call, not per retry attempt), for the efficiency benchmark;
* identifies itself with ``gcmod-audit`` in the User-Agent (visible in CloudTrail);
* gives up connecting after :data:`DEFAULT_CONNECT_TIMEOUT` seconds (botocore
  waits 60), so an unreachable endpoint is reported quickly
  (:data:`PREFLIGHT_MAX_ATTEMPTS` for the first call, see :mod:`gcmod.audit.scope`);
* talks to ``endpoint_url`` when given (``gcmod audit --endpoint-url``: every
  client), else to the endpoint botocore is configured with
  (``AWS_ENDPOINT_URL_<SERVICE>``, ``AWS_ENDPOINT_URL``, ``endpoint_url`` in the
  profile; :func:`configured_endpoint`), else to AWS.

A local endpoint (an IP address or ``localhost``: a ``moto_server``, a proxy)
cannot take a host prefix: S3 is then addressed path-style, and S3 Control,
whose endpoint rules put the account id in front of any custom host
(``{AccountId}.{url#authority}`` in botocore's s3control endpoint ruleset),
is sent to the endpoint's own host (:func:`keep_endpoint_host`). A DNS-named
endpoint (a VPC interface endpoint) keeps botocore's addressing.

:func:`client_factory` gives the ``(session, service, region) -> client``
function :class:`~gcmod.audit.collect.CollectContext` takes.
"""

from __future__ import annotations

import ipaddress
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from botocore.config import Config

from gcmod.audit.collect import CallCounter
from gcmod.audit.guard import install_read_only_guard

USER_AGENT_EXTRA = "gcmod-audit"
DEFAULT_MAX_ATTEMPTS = 10
#: Seconds to wait for a TCP connection (botocore's default is 60).
DEFAULT_CONNECT_TIMEOUT = 5
#: Attempts of the audit's first call (sts:GetCallerIdentity): an endpoint that
#: cannot be reached is reported after at most 2 x 5 s plus one backoff.
PREFLIGHT_MAX_ATTEMPTS = 2
#: Services whose endpoint rules put a host prefix in front of a custom endpoint.
_HOST_PREFIXED = frozenset({"s3control"})
#: Clients a factory keeps for reuse: the services of a few account-regions in flight.
CLIENT_CACHE_SIZE = 48

# boto3 sessions are not thread-safe: client creation is serialised; the
# clients themselves are thread-safe. CallCounter.add is a read-modify-write.
_CREATE_LOCK = threading.Lock()
_COUNT_LOCK = threading.Lock()


def client_config(max_attempts: int = DEFAULT_MAX_ATTEMPTS, *, path_style: bool = False) -> Config:
    extra: dict[str, Any] = {"s3": {"addressing_style": "path"}} if path_style else {}
    return Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        connect_timeout=DEFAULT_CONNECT_TIMEOUT,
        user_agent_extra=USER_AGENT_EXTRA,
        **extra,
    )


def fast_timestamp(value: Any) -> Any:
    """botocore's timestamp parser, with ISO 8601 strings that carry their offset
    (what EC2, RDS and CloudWatch send: ``2026-01-05T10:00:00.000Z``) read by
    :meth:`datetime.fromisoformat` instead of dateutil: parsing a few thousand
    snapshot or volume timestamps was a third of the audit's own CPU. Anything
    else (epoch numbers, RFC 822 dates, no offset) goes to botocore's parser."""
    if isinstance(value, str) and len(value) > 10 and value[10:11] == "T":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    from botocore.parsers import DEFAULT_TIMESTAMP_PARSER

    return DEFAULT_TIMESTAMP_PARSER(value)


def _use_fast_timestamps(session: Any) -> None:
    core = getattr(session, "_session", session)
    try:
        factory = core.get_component("response_parser_factory")
    except Exception:  # not a botocore session: leave it alone
        return
    factory.set_parser_defaults(timestamp_parser=fast_timestamp)


def configured_endpoint(session: Any, service: str) -> str | None:
    """The endpoint botocore would give a ``service`` client of ``session`` without an
    explicit ``endpoint_url``: ``AWS_ENDPOINT_URL_<SERVICE>``, then
    ``AWS_ENDPOINT_URL``, then the profile's ``endpoint_url`` settings, unless
    ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` is set (botocore's own lookup)."""
    core = getattr(session, "_session", session)
    try:
        from botocore.configprovider import ConfiguredEndpointProvider

        if core.get_config_variable("ignore_configured_endpoint_urls"):
            return None
        found = ConfiguredEndpointProvider(
            full_config=core.full_config,
            scoped_config=core.get_scoped_config(),
            client_name=service,
        ).provide()
    except Exception:  # an unreadable profile: botocore will say so when the client is made
        return None
    return found if isinstance(found, str) and found else None


def is_local(endpoint_url: str) -> bool:
    """True for an endpoint on an IP address or ``localhost`` (no DNS subdomains)."""
    host = urlsplit(endpoint_url).hostname or ""
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def install_counter(client: Any, counter: CallCounter, service: str) -> Any:
    def count(model: Any = None, **_: Any) -> None:
        with _COUNT_LOCK:
            counter.add(f"{service}.{model.name if model is not None else '?'}")

    client.meta.events.register_first(
        f"before-call.{client.meta.service_model.service_id.hyphenize()}", count
    )
    return client


def keep_endpoint_host(client: Any, endpoint_url: str) -> None:
    """Send every request to ``endpoint_url``'s host itself: s3control's endpoint
    rules prefix the account id (``123456789012.127.0.0.1``), which a local
    endpoint cannot resolve."""
    host = urlsplit(endpoint_url).netloc

    def rewrite(request: Any = None, **_: Any) -> None:
        parts = urlsplit(request.url)
        if parts.netloc != host:
            request.url = urlunsplit(parts._replace(netloc=host))

    client.meta.events.register_first(
        f"before-sign.{client.meta.service_model.service_id.hyphenize()}", rewrite
    )


def make_client(
    session: Any,
    service: str,
    region: str,
    counter: CallCounter,
    endpoint_url: str | None = None,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> Any:
    """A guarded, adaptive-retrying, counted boto3 client for ``service`` in ``region``.

    ``endpoint_url`` (the ``--endpoint-url`` option) wins over the configured one."""
    endpoint = endpoint_url or configured_endpoint(session, service)
    local = bool(endpoint) and is_local(endpoint)
    kwargs: dict[str, Any] = {
        "region_name": region,
        "config": client_config(max_attempts, path_style=local and service == "s3"),
    }
    if endpoint:
        kwargs["endpoint_url"] = endpoint
    with _CREATE_LOCK:
        _use_fast_timestamps(session)
        client = session.client(service, **kwargs)
    if local and service in _HOST_PREFIXED:
        keep_endpoint_host(client, endpoint)
    install_read_only_guard(client)
    install_counter(client, counter, service)
    return client


def client_factory(
    counter: CallCounter,
    endpoint_url: str | None = None,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> Callable[[Any, str, str], Any]:
    """``(session, service, region) -> client`` for :class:`CollectContext`.

    Clients are shared by the collectors (boto3 clients are thread-safe) and
    the last :data:`CLIENT_CACHE_SIZE` kept: making a client costs far more than
    a call, and a client per collector run was most of a multi-account audit's
    time; keeping every client would cost memory per account instead
    (docs/performance.md)."""
    made: OrderedDict[tuple[int, str, str], tuple[Any, Any]] = OrderedDict()
    lock = threading.Lock()

    def factory(session: Any, service: str, region: str) -> Any:
        key = (id(session), service, region)
        with lock:
            if key in made:  # the session is kept with its client, so its id stays its own
                made.move_to_end(key)
                return made[key][1]
            client = make_client(
                session, service, region, counter, endpoint_url, max_attempts=max_attempts
            )
            made[key] = (session, client)
            while len(made) > CLIENT_CACHE_SIZE:
                made.popitem(last=False)
            return client

    return factory
