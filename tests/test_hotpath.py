"""The hot path's shortcuts change nothing but the time: the harness converts each
resource once, the collector runs less often during a synth and the rules."""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path

import pulumi
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
        assert gc.get_threshold() == gctune.STEP_THRESHOLDS
        assert gc.get_freeze_count() > 0
        with gctune.fewer_collections():  # re-entrant
            assert gc.get_threshold() == gctune.STEP_THRESHOLDS
        assert gc.get_threshold() == gctune.STEP_THRESHOLDS
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
    assert seen == [gctune.STEP_THRESHOLDS]
    assert [r.name for r in graph] == ["b"]
    assert gc.get_freeze_count() == 0


def _plain(view):
    from pulumi_policy.proxy import _DictProxy, _ListProxy

    if isinstance(view, _DictProxy):
        return {k: _plain(v) for k, v in view["__target"].items()}
    if isinstance(view, _ListProxy):
        return [_plain(v) for v in view["__target"]]
    return view


def _res_plain(res):
    return (
        res.type, res.name, res.urn, res.region, res.provider_name,
        _plain(res.props), _plain(res.provider_props),
        res.parent.urn if res.parent else None,
        [d.urn for d in res.dependencies],
        {k: [d.urn for d in v] for k, v in res.property_dependencies.items()},
    )  # fmt: skip


def test_no_rule_writes_to_the_shared_views(sample_stacks) -> None:
    """The policies of one check share each resource's read-only view, and the
    stack rules one view of the stack: after checking every sample, every view
    still equals a fresh one."""
    import pulumi_policy.policy as pp

    from gcmod.policies import memo, pack

    fresh = pp.unknown_checking_proxy.__wrapped__
    shared = stacks = 0
    for _name, (_cfg, graph) in sample_stacks.items():
        with harness.converted_once():
            harness.check_graph(graph)
            table = dict(memo.table())
        for key, (source, view) in table.items():
            if key[0] == "proxy":
                assert _plain(view) == _plain(fresh(source))
                shared += 1
            elif key[0] == "stack-view":
                by_urn, resources = view
                again_by_urn, again = pack.stack_view(source)  # outside a check: built anew
                assert again is not resources
                assert [_res_plain(r) for r in resources] == [_res_plain(r) for r in again]
                assert list(by_urn) == list(again_by_urn)
                stacks += 1
    assert shared > 100 and stacks == len(sample_stacks)


# --------------------------------------------------------------------------- synth
class _Holder(pulumi.ComponentResource):
    """A program's own component (its children's stack traces pass its __init__)."""

    def __init__(self, name: str) -> None:
        import pulumi_aws as aws

        super().__init__("test:index:Holder", name, None, None)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(f"{name}-b", tags={"Owner": "a"}, opts=child)
        self.register_outputs({})


def _every_kind_of_input() -> None:
    """Registrations of every shape the SDK's round trip treats specially."""
    import pulumi_aws as aws

    holder = _Holder("h")
    plain = aws.s3.Bucket("plain", tags={"System": "x", "Environment": "dev"})
    aws.s3.Bucket("nested-null", tags={"Owner": None, "System": "x"})  # type: ignore[dict-item]
    aws.ssm.Parameter("secret", type="SecureString", value=pulumi.Output.secret("s3cret"))
    role = aws.iam.Role("role", assume_role_policy="{}")
    aws.lambda_.Function(
        "fn",
        role=role.arn,
        handler="index.handler",
        runtime="python3.12",
        code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c): ...")}),
    )
    pulumi.CustomResource("test:index:Thing", "list", {"list": [1, None, "x"], "map": {}})
    aws.s3.BucketPolicy("policy", bucket=plain.bucket, policy=holder.bucket.arn.apply(str))
    aws.s3.Bucket("after", tags=plain.tags.apply(lambda t: {**(t or {}), "Copy": "1"}))


def test_the_monitor_answers_each_registration_as_the_sdk_would(monkeypatch) -> None:
    """The mock monitor answers with the request's own properties only where the
    SDK's deserialize -> serialize round trip gives them back unchanged; secrets,
    assets and nulls in a map take the SDK's monitor, and the graph is the same
    as when every registration takes it."""
    from pulumi.runtime import rpc
    from pulumi.runtime.sync_await import _sync_await

    from gcmod import synth
    from gcmod.synth import run_program

    real = synth._round_trips
    short, long_, long_changed, wrong = [], [], [], []

    def checked(struct):
        again = _sync_await(
            rpc.serialize_properties(rpc.deserialize_properties(struct, keep_unknowns=True), {})
        )
        if real(struct):
            short.append(struct)
            if again != struct:
                wrong.append(struct)
        else:
            long_.append(struct)
            if again != struct:
                long_changed.append(struct)
        return real(struct)

    monkeypatch.setattr(synth, "_round_trips", checked)
    fast = run_program(_every_kind_of_input, project="p", stack="s", region="ap-northeast-1")
    assert not wrong
    assert len(short) >= 5 and len(long_) >= 3  # null in a map, secret, asset
    assert long_changed  # the null in a map: the round trip drops it
    monkeypatch.setattr(synth, "_round_trips", lambda _struct: False)
    slow = run_program(_every_kind_of_input, project="p", stack="s", region="ap-northeast-1")
    assert fast.dumps() == slow.dumps()
    assert fast.named("after").inputs["tags"] == {"System": "x", "Environment": "dev", "Copy": "1"}
    assert fast.named("secret").inputs["value"] == "<secret>"


def test_the_stack_trace_stand_in_gives_the_sdks_frames(monkeypatch) -> None:
    """_sdk_stack_trace walks the frames the SDK's _get_stack_trace extracts (the
    callers of the third __init__, same URIs and lines), up to run_program's."""
    from gcmod import synth
    from gcmod.synth import run_program

    pairs = []
    real_factory = synth._sdk_stack_trace

    def factory(facts, source_pb2, original):
        fast = real_factory(facts, source_pb2, original)

        def both():
            pairs.append((fast(), original()))
            return pairs[-1][0]

        return both

    monkeypatch.setattr(synth, "_sdk_stack_trace", factory)
    graph = run_program(_every_kind_of_input, project="p", stack="s", region="ap-northeast-1")

    def upto_synth(trace):
        out = []
        for f in trace.frames:
            out.append((f.pc.uri, f.pc.line) if f.HasField("pc") else None)
            if f.HasField("pc") and f.pc.uri.endswith("/gcmod/synth.py"):
                break
        return out

    assert len(pairs) == len(graph.resources)
    for fast, sdk in pairs:
        assert upto_synth(fast) == upto_synth(sdk)
        assert len(fast.frames) <= len(sdk.frames)
    # empty only where the SDK finds no third __init__ (a bare CustomResource)
    assert sum(1 for fast, _sdk in pairs if not fast.frames) <= 1
    here = Path(__file__).resolve()
    lines = here.read_text().splitlines()
    assert graph.named("h-b").source.file == here.as_posix()  # the program's own component
    assert "self.bucket = aws.s3.Bucket(" in lines[graph.named("h-b").source.line - 1]
    assert '_Holder("h")' in lines[graph.named("h").source.line - 1]


# --------------------------------------------------------------------------- rules
def test_per_type_servicers_give_the_full_servicers_report(sample_stacks, monkeypatch) -> None:
    """Analyzing each resource with only the policies whose rule applies to its
    type gives the report the whole pack gives: every sample, and a program with
    findings, waived ones among them."""
    import datetime as dt

    from gcmod.policies import pack
    from gcmod.policies.waivers import Waiver
    from gcmod.synth import run_program

    graphs = {name: g for name, (_c, g) in sample_stacks.items()}
    graphs["findings"] = run_program(
        _every_kind_of_input, project="p", stack="prod", region="ap-northeast-1"
    )
    waivers = [
        Waiver(rule, name, "accepted", dt.date(2099, 1, 1), "someone", "file")
        for rule, name in (("GCM-TAG-001", "secret"), ("GCM-SEC-020", "plain"))
    ]  # a resource rule's finding and a stack rule's
    reports = {name: to_json(harness.check_graph(g, waivers=waivers)) for name, g in graphs.items()}
    real = pack.make_servicer
    monkeypatch.setattr(pack, "make_servicer", lambda rules=None, resource_type=None: real(rules))
    for name, graph in graphs.items():
        assert to_json(harness.check_graph(graph, waivers=waivers)) == reports[name], name
    found = reports["findings"]
    assert found["mandatory"] > 0 and found["waived"] == 2


def test_a_type_servicer_holds_only_the_policies_for_its_type() -> None:
    from gcmod.policies import pack
    from gcmod.policies.model import all_rules

    names = [p.name for p in pack.build_policies()]
    only = pack.make_servicer(resource_type="aws:ssm/parameter:Parameter")
    held = [p.name for p in only._PolicyAnalyzerServicer__policies]
    applying = [
        r.policy_name
        for r in all_rules()
        if r.scope != "stack" and r.applies_to("aws:ssm/parameter:Parameter")
    ]
    assert held == [*applying, pack.WAIVED_POLICY, pack.WAIVED_STACK_POLICY]
    assert len(held) < len(names) / 5


# --------------------------------------------------------------------------- exit
def test_a_command_skips_the_last_collection_at_exit(tmp_path) -> None:
    """tune_process registers one gc.freeze at exit, after the handlers registered
    later (atexit runs last-in first-out), so the final collection walks nothing."""
    import subprocess
    import sys

    code = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0))\n"
        "from gcmod.gctune import tune_process\n"
        "n = atexit._ncallbacks()\n"
        "tune_process(); tune_process()\n"
        "print('registered:', atexit._ncallbacks() - n)\n"
        "print('frozen now:', gc.get_freeze_count() > 0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    assert out.splitlines() == ["registered: 1", "frozen now: False", "frozen at exit: True"]


# --------------------------------------------------------------------------- the stack request
def _servicer(config: dict | None):
    from gcmod.policies import pack

    servicer = pack.make_servicer()
    normalized = harness.normalize_pack_config(config, harness.all_rules())
    servicer.Configure(harness.configure_request(normalized), None)
    return servicer


@pytest.mark.parametrize(
    "config",
    [None, {"all": "mandatory"}, {"all": "disabled"}, {"GCM-TEN-002": "advisory"}],
    ids=["defaults", "all-mandatory", "all-disabled", "one-stack-rule-advisory"],
)
def test_the_stack_built_once_answers_as_the_servicer(sample_stacks, config) -> None:
    """analyze_stack builds the stack's resources once for all stack policies;
    its response is the servicer's own AnalyzeStack response, message for
    message, for every sample and a program with findings (diagnostics,
    not-applicable, order)."""
    from gcmod.policies.stackdriver import analyze_stack, supported
    from gcmod.synth import run_program

    assert supported(), "the installed pulumi-policy is not the one stackdriver reproduces"
    graphs = [g for _c, g in sample_stacks.values()]
    graphs.append(
        run_program(_every_kind_of_input, project="p", stack="prod", region="ap-northeast-1")
    )
    found = 0
    for graph in graphs:
        request = harness.analyze_stack_request(graph)
        expected = _servicer(config).AnalyzeStack(request, None)
        with harness.converted_once():
            got = analyze_stack(_servicer(config), request)
        assert got == expected, graph.stack
        found += len(got.diagnostics)
    assert (found == 0) == (config == {"all": "disabled"})


def test_another_pulumi_policy_release_gets_the_servicers_own_stack_analysis(
    sample_stacks, monkeypatch
) -> None:
    from gcmod.policies import stackdriver

    _cfg, graph = sample_stacks["saas-prod"]
    request = harness.analyze_stack_request(graph)
    servicer = _servicer(None)
    calls = []
    real = servicer.AnalyzeStack
    monkeypatch.setattr(servicer, "AnalyzeStack", lambda *a: calls.append(a) or real(*a))
    monkeypatch.setattr(stackdriver, "supported", lambda: False)
    assert stackdriver.analyze_stack(servicer, request) == real(request, None)
    assert len(calls) == 1
