"""The gcmod stack program: one shared platform built from a StackConfig.

``stacks/__main__.py`` calls :func:`build` under the Pulumi engine;
:func:`synth` runs the same function under the mock runtime.
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
