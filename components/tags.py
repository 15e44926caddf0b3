"""Cost-allocation tags carried by every taggable resource."""

from __future__ import annotations

from collections.abc import Mapping

#: Tag keys gcmod sets. Activate them as cost allocation tags in the billing
#: console so Cost Explorer can split the bill by system, environment and tenant.
TAG_SYSTEM = "gcmod:system"
TAG_ENVIRONMENT = "gcmod:environment"
TAG_TENANT = "gcmod:tenant"
TAG_MANAGED_BY = "gcmod:managed-by"
COST_TAG_KEYS: tuple[str, ...] = (TAG_SYSTEM, TAG_ENVIRONMENT, TAG_TENANT, TAG_MANAGED_BY)

#: Tag naming the shutdown schedule group a resource runs under.
TAG_SCHEDULE = "gcmod:schedule"
#: Tag on a schedule group: the ISO date (exclusive) its holiday-aware schedules end.
TAG_HORIZON_END = "gcmod:schedule-horizon-end"

#: Tenant value for resources shared by all tenants.
SHARED = "shared"
MANAGED_BY = "gcmod"


def cost_tags(
    system: str,
    environment: str,
    tenant: str = SHARED,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The tags for one resource: the stack's extra tags, then gcmod's own
    (gcmod's keys win so cost allocation cannot be switched off by accident)."""
    return {
        **(extra or {}),
        TAG_SYSTEM: system,
        TAG_ENVIRONMENT: environment,
        TAG_TENANT: tenant,
        TAG_MANAGED_BY: MANAGED_BY,
    }


def with_tenant(tags: Mapping[str, str], tenant: str) -> dict[str, str]:
    """``tags`` re-labelled for one tenant's resource."""
    return {**tags, TAG_TENANT: tenant}


def component_tags(tags: Mapping[str, str], environment: str) -> dict[str, str]:
    """The tags a component puts on its resources: the caller's, completed with
    gcmod's cost-allocation keys. ``environment`` is the component's (it wins over
    a tag); the system is the caller's ``gcmod:system`` tag, else the stack config
    ``gcmod:system``, else the Pulumi project name; the tenant defaults to ``shared``."""
    import pulumi

    given = dict(tags)
    system = given.get(TAG_SYSTEM) or pulumi.Config("gcmod").get("system") or pulumi.get_project()
    return {
        **given,
        TAG_SYSTEM: system,
        TAG_ENVIRONMENT: environment,
        TAG_TENANT: given.get(TAG_TENANT) or SHARED,
        TAG_MANAGED_BY: MANAGED_BY,
    }
