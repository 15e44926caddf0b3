"""In-process moto with fake credentials, for the audit tests.

Nothing here can reach a real AWS endpoint: the credentials are fake, the
instance metadata endpoint is off, and every call is served by moto.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from moto import mock_aws

#: Environment that makes boto3 use fake credentials and no metadata endpoint.
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_EC2_METADATA_DISABLED": "true",
}
#: Variables that could point boto3 at real credentials or another endpoint.
CLEARED = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL")


@contextmanager
def moto_account(mp: pytest.MonkeyPatch, region: str) -> Iterator[None]:
    """Fake credentials for ``region`` set on ``mp``, and moto serving every call."""
    for key in CLEARED:
        mp.delenv(key, raising=False)
    for key, value in FAKE_AWS_ENV.items():
        mp.setenv(key, value)
    mp.setenv("AWS_DEFAULT_REGION", region)
    with mock_aws():
        yield
