"""Every sample stack passes the whole policy pack: nothing mandatory, nothing
advisory, and no rule left undecided for an unknown value."""

from __future__ import annotations

import pytest
from conftest import SAMPLE_NAMES

from gcmod.policies.harness import check_graph
from gcmod.policies.model import all_rules


def test_every_sample_is_checked() -> None:
    assert {"saas-prod", "saas-staging", "saas-dev", "town-prod", "saas-dr"} <= set(SAMPLE_NAMES)


@pytest.mark.parametrize("stack", SAMPLE_NAMES)
def test_sample_passes_every_rule(sample_stacks, stack: str) -> None:
    _cfg, graph = sample_stacks[stack]
    report = check_graph(graph)
    assert len(report.rules) == len(all_rules()) >= 27
    assert [(v.rule.id, v.resource_name, v.message.en) for v in report.violations] == []
