"""The ``gcmod`` commands, one module each; :mod:`gcmod.cli` assembles them.

:mod:`gcmod.commands.common` holds what several commands share: exit codes,
error handling, options and the synth helpers. Keep imports light here too
(see :mod:`gcmod.cli`): a command imports what it needs when it runs.
"""
