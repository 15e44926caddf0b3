"""What moto lacks for the demo and the tests: AWS Backup region settings.

moto (5.2) implements neither ``DescribeRegionSettings`` nor
``UpdateRegionSettings`` (``GET``/``PUT /account-settings``), so an audit
against it would report the ``backup.region-settings`` collector as a gap, and
the demo could not show GCM-BAK-004. :func:`install` adds both operations to
moto's AWS Backup service, per account and region, in this process (for
in-process ``mock_aws`` and for a ``moto_server`` started by
``python -m gcmod.audit.motoext -H 127.0.0.1 -p PORT``). The response has the
shape of the AWS Backup API Reference's DescribeRegionSettings; a region
nobody updated reports :data:`DEFAULT_OPT_IN`.

This only ever extends a local fake: nothing here talks to AWS.
"""

from __future__ import annotations

import json
import sys
from typing import Any

#: Opt-in of a region nobody updated: the database and volume types on, as
#: AWS Backup has them by default (AWS Backup Developer Guide, "Service opt-in",
#: checked 2026-11); types added later are off until opted in.
DEFAULT_OPT_IN: dict[str, bool] = {
    "Aurora": True,
    "DocumentDB": True,
    "DynamoDB": True,
    "EBS": True,
    "EC2": True,
    "EFS": True,
    "FSx": True,
    "Neptune": True,
    "RDS": True,
    "Storage Gateway": True,
    "VirtualMachine": True,
    "S3": False,
    "Redshift": False,
    "Timestream": False,
    "CloudFormation": False,
}
DEFAULT_MANAGEMENT: dict[str, bool] = {"DynamoDB": False, "EFS": True}

_PATH = "{0}/account-settings$"


def _settings(backend: Any) -> dict[str, dict[str, bool]]:
    if not hasattr(backend, "gcmod_region_settings"):
        backend.gcmod_region_settings = {
            "ResourceTypeOptInPreference": dict(DEFAULT_OPT_IN),
            "ResourceTypeManagementPreference": dict(DEFAULT_MANAGEMENT),
        }
    return backend.gcmod_region_settings


def _describe_region_settings(self: Any) -> str:
    return json.dumps(_settings(self.backup_backend))


def _update_region_settings(self: Any) -> str:
    body = json.loads(self.body or "{}")
    current = _settings(self.backup_backend)
    for key in ("ResourceTypeOptInPreference", "ResourceTypeManagementPreference"):
        current[key].update(body.get(key) or {})
    return "{}"


def install() -> None:
    """Add DescribeRegionSettings/UpdateRegionSettings to moto's AWS Backup (idempotent)."""
    from moto.backup import urls
    from moto.backup.responses import BackupResponse

    BackupResponse.describe_region_settings = _describe_region_settings  # type: ignore[attr-defined]
    BackupResponse.update_region_settings = _update_region_settings  # type: ignore[attr-defined]
    urls.url_paths.setdefault(_PATH, BackupResponse.dispatch)


def main(argv: list[str] | None = None) -> None:
    """``moto_server`` with :func:`install` applied (same arguments)."""
    install()
    from moto.server import main as moto_main

    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
