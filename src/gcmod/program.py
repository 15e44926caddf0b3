"""The gcmod stack program: one shared platform built from a StackConfig.

``stacks/__main__.py`` (and the program of a project made by ``gcmod new``)
calls :func:`run_engine`, which validates the stack's config and calls
:func:`build` under the Pulumi engine; :func:`synth_config` runs the same
function under the mock runtime.
"""

from __future__ import annotations

import datetime as dt

from gcmod.config import StackConfig, load_stack_file
from gcmod.graph import ResourceGraph
from gcmod.stackfiles import StackRef


def build(cfg: StackConfig, stack: str, horizon_start: dt.date | None = None):
    """Declare the platform for ``cfg``; returns the platform component."""
    import pulumi

    from gcmod.components.platform import GovCloudPlatform, PlatformArgs

    platform = GovCloudPlatform(
        stack, PlatformArgs(config=cfg, stack=stack, horizon_start=horizon_start)
    )
    pulumi.export("platform", platform.summary)
    return platform


def run_engine(stack_config_dir: str = "stacks") -> None:
    """The body of a gcmod Pulumi program: validate the config the engine passes
    (with the same schema ``gcmod check`` uses) before anything is registered,
    then :func:`build`. A bad config is logged and the program exits 2."""
    import sys

    import pulumi
    from pulumi.runtime.config import CONFIG, get_config_env

    from gcmod.config import ConfigError, from_engine_config

    stack = pulumi.get_stack()
    source = f"{stack_config_dir}/Pulumi.{stack}.yaml"
    try:
        cfg = from_engine_config({**get_config_env(), **CONFIG.get()}, source)
    except ConfigError as exc:
        pulumi.log.error(str(exc))
        sys.exit(2)
    build(cfg, stack)


def synth_config(
    cfg: StackConfig, stack: str, horizon_start: dt.date | None = None
) -> ResourceGraph:
    """Synthesize the resource graph of ``cfg`` offline."""
    from gcmod.config import PROJECT
    from gcmod.synth import run_program

    return run_program(
        lambda: build(cfg, stack, horizon_start),
        project=PROJECT,
        stack=stack,
        region=cfg.region,
    )


def synth_stack(
    ref: StackRef, horizon_start: dt.date | None = None
) -> tuple[StackConfig, ResourceGraph]:
    """Validate a stack file (before anything is registered), then synthesize it."""
    cfg = load_stack_file(ref.path)
    return cfg, synth_config(cfg, ref.name, horizon_start)
