"""Pulumi program: ``pulumi up`` runs this with the stack's config.

The config is validated once, with the same schema `gcmod synth/check` use,
before any resource is registered (:func:`gcmod.program.run_engine`).
"""

from gcmod.program import run_engine

run_engine("stacks")
