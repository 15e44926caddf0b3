"""Rule modules; importing this package registers every rule."""

from gcmod.policies.rules import (  # noqa: F401
    backup,
    compute,
    idle,
    logs,
    network,
    schedule,
    storage,
    tenancy,
)
