"""``gcmod rules``: the policy rules."""

from __future__ import annotations

import click

from gcmod.clihelp import LocalizedCommand
from gcmod.commands.common import echo_json, echo_text, lang_option, wide_option


@click.command(cls=LocalizedCommand)
@lang_option
@wide_option
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
def rules(lang: str, as_json: bool) -> None:
    """List the policy rules / ポリシールール一覧.

    The same catalogue the policy pack serves; docs/rules.md is generated from it.
    """
    from gcmod.policies.model import all_rules
    from gcmod.policies.report import rules_json, rules_table

    catalogue = all_rules()
    if as_json:
        echo_json(rules_json(catalogue))
    else:
        echo_text(rules_table(catalogue, lang))
