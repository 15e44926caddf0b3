"""Rule modules; importing this package registers every rule."""

from gcmod.policies.rules import logs  # noqa: F401
