"""Starting sizes of a scaffolded stack, by municipality size band and environment.

These are **starting points**, not measurements: the same shapes as gcmod's
sample stacks (``stacks/Pulumi.saas-*.yaml``: three ~100,000-resident cities
sharing one production environment of 1 vCPU tasks and 0.5–8 ACU;
``stacks/Pulumi.town-prod.yaml``: one town on 0.25 vCPU and 0.5–2 ACU), laid
out per band, and all within the size caps of rule GCM-COST-003 for each
environment (production 8 vCPU / 32 ACU, staging 2 vCPU / 4 ACU, development
2 vCPU / 2 ACU; ``policies/rules/compute.py``). Resize from measured
utilisation (guide lever 1) once the system runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcmod import reference as ref


@dataclass(frozen=True)
class Sizing:
    """Service and database bounds of one stack."""

    cpu: int
    """Fargate CPU units per task."""
    memory: int
    """Fargate memory (MiB) per task."""
    min_tasks: int
    max_tasks: int
    min_acu: float
    max_acu: float
    backup_retention_days: int
    """AWS Backup retention; within GCM-BAK-001's bounds for the environment."""
    log_retention_days: tuple[int, int, int] | None
    """Retention of the application, access and audit log classes; ``None``
    keeps the schema's defaults (30, 90, 400 days + a five-year archive)."""
    copy_backups: bool
    """Copy recovery points to the DR region (production only: GCM-DR-002)."""


#: Production by band (the band of the population the environment serves).
PRODUCTION: dict[str, Sizing] = {
    "designated-city": Sizing(2048, 4096, 2, 10, 1.0, 16.0, 35, None, True),
    "core-city": Sizing(1024, 2048, 2, 6, 0.5, 8.0, 35, None, True),
    "city": Sizing(512, 1024, 1, 4, 0.5, 4.0, 35, None, True),
    "town-village": Sizing(256, 512, 1, 2, 0.5, 2.0, 35, None, True),
}
#: Staging: smaller bounds, stopped outside business hours (the schema's
#: default outside production), one week of backups, shorter logs, no DR copy.
STAGING: dict[str, Sizing] = {
    "designated-city": Sizing(1024, 2048, 1, 2, 0.5, 4.0, 7, (14, 30, 90), False),
    "core-city": Sizing(512, 1024, 1, 2, 0.5, 2.0, 7, (14, 30, 90), False),
    "city": Sizing(512, 1024, 1, 2, 0.5, 2.0, 7, (14, 30, 90), False),
    "town-village": Sizing(256, 512, 1, 1, 0.5, 1.0, 7, (14, 30, 90), False),
}
#: Development: the smallest shapes whatever the band (test data only).
DEVELOPMENT: dict[str, Sizing] = {
    band: Sizing(256, 512, 1, 1, 0.5, 1.0, 7, (7, 14, 30), False)
    for band in ref.MUNICIPALITY_CLASSES
}
BY_ENVIRONMENT: dict[str, dict[str, Sizing]] = {
    "production": PRODUCTION,
    "staging": STAGING,
    "development": DEVELOPMENT,
}

#: Data a tenant's database holds today (GB) by the tenant's own band, summed
#: over the tenants for production (the sample ``saas-prod``: three cities,
#: 60 GB). Assumptions of the order of magnitude; declare the measured size
#: in ``gcmod:database.dataGb``.
TENANT_DATA_GB: dict[str, float] = {
    "designated-city": 150.0,
    "core-city": 50.0,
    "city": 20.0,
    "town-village": 5.0,
}
#: Share of the production data a staging copy holds (masked extracts), and
#: the fixed size of development data (test data only). Assumptions.
STAGING_DATA_SHARE = 1 / 6
DEVELOPMENT_DATA_GB = 2.0

assert set(PRODUCTION) == set(STAGING) == set(TENANT_DATA_GB) == set(ref.MUNICIPALITY_CLASSES)


def sizing(environment: str, band: str) -> Sizing:
    """The starting size of a stack of ``environment`` serving ``band``."""
    return BY_ENVIRONMENT[environment][band]


def data_gb(environment: str, tenant_bands: list[str]) -> float:
    """Declared data size (GB) of a stack whose tenants fall in ``tenant_bands``."""
    prod = sum(TENANT_DATA_GB[b] for b in tenant_bands)
    if environment == "production":
        return prod
    if environment == "staging":
        return max(DEVELOPMENT_DATA_GB, round(prod * STAGING_DATA_SHARE))
    return DEVELOPMENT_DATA_GB
