"""The hot path's shortcuts change nothing but the time: the harness converts each
resource once, the collector runs less often during a synth and the rules."""

from __future__ import annotations

import contextlib
import gc

import pytest

from gcmod import gctune
from gcmod.policies import harness
from gcmod.policies.report import to_json


def test_converted_once_gives_the_same_report_with_far_fewer_conversions(
    sample_stacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pulumi_policy.policy as pp

    _cfg, graph = sample_stacks["saas-prod"]
    harness._install_memo()
    real = pp.json_format._real
    calls = {"n": 0}

    class Counting:
        def __getattr__(self, name):
            return getattr(real, name)

        def MessageToDict(self, *a, **k):
            calls["n"] += 1
            return real.MessageToDict(*a, **k)

    monkeypatch.setattr(pp.json_format, "_real", Counting())
    once = harness.check_graph(graph)
    converted = calls["n"]
    calls["n"] = 0
    monkeypatch.setattr(harness, "converted_once", contextlib.nullcontext)
    per_policy = harness.check_graph(graph)
    assert to_json(once) == to_json(per_policy)
    assert once.violations == per_policy.violations
    # about once per message (a resource's properties, its provider's; in the
    # per-resource and in the stack request), not once per policy reading them
    assert converted <= 5 * len(graph)
    assert per_policy and calls["n"] > 5 * converted


def test_outside_a_check_the_servicer_converts_as_before() -> None:
    import pulumi_policy.policy as pp
    from google.protobuf import struct_pb2

    harness._install_memo()
    s = struct_pb2.Struct()
    s.update({"a": 1})
    first, second = pp.json_format.MessageToDict(s), pp.json_format.MessageToDict(s)
    assert first == second == {"a": 1.0} and first is not second  # no memo outside
    with harness.converted_once():
        assert pp.json_format.MessageToDict(s) is pp.json_format.MessageToDict(s)


def test_fewer_collections_restores_the_collector() -> None:
    before = gc.get_threshold()
    with gctune.fewer_collections():
        assert gc.get_threshold() == gctune.THRESHOLDS
        assert gc.get_freeze_count() > 0
        with gctune.fewer_collections():  # re-entrant
            assert gc.get_threshold() == gctune.THRESHOLDS
        assert gc.get_threshold() == gctune.THRESHOLDS
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_the_synth_runs_with_the_tuned_collector() -> None:
    import pulumi_aws as aws

    from gcmod.synth import run_program

    seen = []

    def program() -> None:
        seen.append(gc.get_threshold())
        aws.s3.Bucket("b")

    graph = run_program(program, project="p", stack="s", region="ap-northeast-1")
    assert seen == [gctune.THRESHOLDS]
    assert [r.name for r in graph] == ["b"]
    assert gc.get_freeze_count() == 0


def _plain(view):
    from pulumi_policy.proxy import _DictProxy, _ListProxy

    if isinstance(view, _DictProxy):
        return {k: _plain(v) for k, v in view["__target"].items()}
    if isinstance(view, _ListProxy):
        return [_plain(v) for v in view["__target"]]
    return view


def test_no_rule_writes_to_the_shared_views(sample_stacks) -> None:
    """The policies of one check share each resource's read-only view: after
    checking every sample, every view still equals a fresh one."""
    import pulumi_policy.policy as pp

    fresh = pp.unknown_checking_proxy.__wrapped__
    shared = 0
    for _name, (_cfg, graph) in sample_stacks.items():
        with harness.converted_once():
            harness.check_graph(graph)
            for key, (props, view) in harness._memo.table.items():
                if isinstance(key, tuple) and key[0] == "proxy":
                    assert _plain(view) == _plain(fresh(props))
                    shared += 1
    assert shared > 100
