"""Rule modules; importing this package registers every rule."""

from gcmod.policies.rules import (  # noqa: F401
    backup,
    compute,
    database,
    idle,
    logs,
    network,
    schedule,
    security,
    serverless,
    storage,
    tenancy,
    waivers,
)
