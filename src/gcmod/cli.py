"""The ``gcmod`` command: the click group; each command lives in :mod:`gcmod.commands`.

Keep imports here light: ``gcmod --help`` must not import pulumi or
pulumi_aws. Each command imports what it needs when it runs.
"""

from __future__ import annotations

import click

from gcmod import __version__
from gcmod.clihelp import LocalizedGroup
from gcmod.commands.audit import audit
from gcmod.commands.cache import cache
from gcmod.commands.calendar import calendar
from gcmod.commands.catalog import catalog
from gcmod.commands.check import check
from gcmod.commands.common import EXIT_USAGE, fail
from gcmod.commands.estimate import estimate
from gcmod.commands.new import new
from gcmod.commands.prices import prices
from gcmod.commands.rules import rules
from gcmod.commands.synth import synth


@click.group(
    cls=LocalizedGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="gcmod")
def main() -> None:
    """gcmod: Government Cloud modernisation toolkit / ガバメントクラウド最適化ツール.

    Builds the optimised architecture (Fargate, Aurora Serverless v2, managed
    backup and logging, scheduled shutdown, backup-only DR) from a typed stack
    config, and inspects it offline: no Pulumi CLI, no cloud credentials.
    Language: --lang, else GCMOD_LANG (ja or en), else the locale (LANG).
    """
    import os

    from gcmod.gctune import tune_process
    from gcmod.i18n import LANGS

    tune_process()
    value = os.environ.get("GCMOD_LANG", "").strip()
    if value and value.lower() not in LANGS:
        fail(f"GCMOD_LANG={value!r}: 使える値は ja と en / allowed: ja, en", EXIT_USAGE)


# In the order the commands were declared (`gcmod --help` lists them sorted).
for _command in (synth, calendar, check, rules, estimate, catalog, new, audit, cache, prices):
    main.add_command(_command)


def run() -> None:
    """The ``gcmod`` executable: one command, then the process exits."""
    from gcmod.gctune import one_shot_process

    one_shot_process()
    main()


if __name__ == "__main__":  # pragma: no cover
    run()
