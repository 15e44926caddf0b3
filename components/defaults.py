"""The defaults each component picks for its environment.

Each value is the cost-optimal shape the policy pack accepts in that
environment with its default settings (the tests build every component from
these defaults and check the graph with the pack in every environment).
Production keeps the shapes documented in :mod:`gcmod.config`; non-production
holds test data only, so it keeps logs and backups for days, copies nothing to
the DR region, runs smaller and stops outside office hours.
"""

from __future__ import annotations

from gcmod.components.environment import Environment
from gcmod.config import (
    BackupConfig,
    DatabaseConfig,
    DrConfig,
    LogClass,
    LoggingConfig,
    ServiceConfig,
)


def logging_config(env: Environment) -> LoggingConfig:
    """production: application 30 d, access 90 d, audit 400 d archived 1827 d (five
    years) to S3; staging: 14 / 30 / 90 d (GCM-LOG-001 allows 90), no archive;
    development: 7 / 14 / 30 d (GCM-LOG-001 allows 30), no archive."""
    if env == "production":
        return LoggingConfig()
    days = {"staging": (14, 30, 90), "development": (7, 14, 30)}[env]
    return LoggingConfig(
        classes={
            cls: LogClass(retention_days=d)
            for cls, d in zip(("application", "access", "audit"), days, strict=True)
        }
    )


def backup_config(env: Environment) -> BackupConfig:
    """Retention: production 35 d (GCM-BAK-001 allows 7-400), staging 14 d (1-35),
    development 7 d (1-14)."""
    return BackupConfig(retention_days={"production": 35, "staging": 14, "development": 7}[env])


def dr_config(env: Environment) -> DrConfig:
    """production: copy every recovery point to Osaka, kept 35 d (GCM-DR-002 asks for
    the copy); elsewhere no copy (test data needs no off-site backup)."""
    return DrConfig() if env == "production" else DrConfig(copy_backups=False)


def database_config(env: Environment) -> DatabaseConfig:
    """0.5-4 ACU in production and staging (GCM-COST-003 caps staging at 4),
    0.5-1 ACU in development (cap 2); single AZ everywhere (GCM-DB-001)."""
    if env == "development":
        return DatabaseConfig(max_acu=1)
    return DatabaseConfig()


def service_config(env: Environment) -> ServiceConfig:
    """0.5 vCPU / 1 GiB, 1-4 tasks in production and staging; 0.25 vCPU / 0.5 GiB,
    1-2 tasks in development (GCM-COST-003 caps development at 2 vCPU / 4 GiB)."""
    if env == "development":
        return ServiceConfig(cpu=256, memory=512, min_tasks=1, max_tasks=2)
    return ServiceConfig()


def production_only(env: Environment) -> bool:
    """Deletion protection, vault lock and restore testing (GCM-BAK-003): production."""
    return env == "production"


def scheduled_shutdown(env: Environment) -> bool:
    """Stopped outside municipal office hours (GCM-SCHED-001): everywhere but production."""
    return env != "production"
