"""Policy pack entry point: ``pulumi preview --policy-pack policies``.

Starts the CrossGuard analyzer (a gRPC server on 127.0.0.1 that prints its
port and serves until the engine stops it). Import :mod:`gcmod.policies.pack`
or :mod:`gcmod.policies.harness` instead to use the rules without serving.
"""

import io
import sys

from pulumi_policy import EnforcementLevel, PolicyPack

from gcmod.policies.pack import PACK_DESCRIPTION, PACK_NAME, build_policies

# The engine reads the port the pack prints; make sure it is not left in a
# buffer when stdout is a pipe and Python was started without -u.
sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), write_through=True)

PolicyPack(
    name=PACK_NAME,
    policies=build_policies(),
    enforcement_level=EnforcementLevel.ADVISORY,
    description=PACK_DESCRIPTION,
)
