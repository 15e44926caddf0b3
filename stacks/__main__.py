"""Pulumi program: ``pulumi up`` runs this with the stack's config.

The config is validated once, with the same schema `gcmod synth/check` use,
before any resource is registered.
"""

import sys

import pulumi
from pulumi.runtime.config import CONFIG, get_config_env

from gcmod.config import ConfigError, from_engine_config
from gcmod.program import build

_stack = pulumi.get_stack()
try:
    _cfg = from_engine_config({**get_config_env(), **CONFIG.get()}, f"stacks/Pulumi.{_stack}.yaml")
except ConfigError as exc:
    pulumi.log.error(str(exc))
    sys.exit(2)

build(_cfg, _stack)
