"""The SDK stand-in gives the SDK's answers and leaves no cyclic garbage; the
gcmod executable freezes what a step leaves alive instead of walking it again."""

from __future__ import annotations

import gc
import subprocess
import sys

import pulumi
from hypothesis import given
from hypothesis import strategies as st
from pulumi.runtime import rpc

from gcmod import sdklean

# Values as the SDK resolves them: scalars, the SDK's Unknown, dicts and lists.
_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=4)
_values = st.recursive(
    _scalars | st.just(pulumi.output.UNKNOWN),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_values)
def test_the_stand_in_answers_as_the_sdk(value) -> None:
    assert sdklean.contains_unknowns(value) == rpc.contains_unknowns(value)


def test_shared_and_self_referencing_values() -> None:
    shared = {"a": 1}
    loop: list = [shared, shared]
    loop.append(loop)
    assert sdklean.contains_unknowns(loop) is rpc.contains_unknowns(loop) is False
    late = [loop, {"x": [pulumi.output.UNKNOWN]}]
    assert sdklean.contains_unknowns(late) is rpc.contains_unknowns(late) is True


def test_lean_sdk_is_in_place_only_inside_the_block() -> None:
    import importlib

    original = rpc.contains_unknowns
    hint_functions = {
        (m, n): getattr(importlib.import_module(m), n) for m, n in sdklean.HINT_FUNCTIONS
    }
    with sdklean.lean_sdk():
        assert rpc.contains_unknowns is sdklean.contains_unknowns
        for (m, n), real in hint_functions.items():
            assert getattr(importlib.import_module(m), n).__wrapped__ is real
    assert rpc.contains_unknowns is original
    assert {
        (m, n): getattr(importlib.import_module(m), n) for m, n in sdklean.HINT_FUNCTIONS
    } == hint_functions


def _hints_a_synth_asks_about(monkeypatch) -> list:
    """The hints the SDK asks the wrapped functions about while synthesizing a
    program with nested input types (budgets' filters and notifications, a
    listener rule's conditions and actions, lists and maps), as they come."""
    import pulumi_aws as aws

    from gcmod.synth import run_program

    seen: list = []
    real_per_hint = sdklean._per_hint

    def recording(fn):
        kept = real_per_hint(fn)

        def asked(hint):
            seen.append(hint)
            return kept(hint)

        return asked

    monkeypatch.setattr(sdklean, "_per_hint", recording)

    def program() -> None:
        topic = aws.sns.Topic("alerts")
        aws.budgets.Budget(
            "b",
            budget_type="COST",
            limit_amount="10.00",
            limit_unit="USD",
            time_unit="MONTHLY",
            cost_filters=[aws.budgets.BudgetCostFilterArgs(name="TagKeyValue", values=["a$b"])],
            notifications=[
                aws.budgets.BudgetNotificationArgs(
                    comparison_operator="GREATER_THAN",
                    notification_type="ACTUAL",
                    threshold=80,
                    threshold_type="PERCENTAGE",
                    subscriber_sns_topic_arns=[topic.arn],
                )
            ],
            tags={"Tenant": "131016"},
        )
        aws.lb.ListenerRule(
            "r",
            listener_arn="arn:aws:elasticloadbalancing:ap-northeast-1:1:listener/app/x/1/2",
            conditions=[{"host_header": {"values": ["a.example.lg.jp"]}}],
            actions=[{"type": "forward", "target_group_arn": topic.arn}],
        )
        aws.ecs.TaskDefinition(
            "t", family="f", container_definitions="[]", requires_compatibilities=["FARGATE"]
        )

    run_program(program, project="p", stack="s", region="ap-northeast-1")
    return seen


def test_the_hint_functions_answer_as_the_sdks(monkeypatch) -> None:
    """Each wrapped function gives the SDK's answer (or raises the same error)
    for every hint, asked twice (the second answer is the kept one)."""
    import importlib

    hints = _hints_a_synth_asks_about(monkeypatch)
    assert len(hints) > 100 and len({id(h) for h in hints}) > 10
    hints += [None, list, str, pulumi.Input[str], pulumi.Output[list[str]], dict[str, str]]
    for module_name, name in sdklean.HINT_FUNCTIONS:
        real = getattr(importlib.import_module(module_name), name)
        wrapped = sdklean._per_hint(real)
        for hint in hints + hints:
            try:
                expected = ("ok", real(hint))
            except Exception as exc:  # compared with the wrapper's
                expected = ("error", type(exc), str(exc))
            try:
                got = ("ok", wrapped(hint))
            except Exception as exc:
                got = ("error", type(exc), str(exc))
            assert got == expected, (name, hint)
            if got[0] == "ok":
                assert got[1] is expected[1]


def test_a_kept_answer_belongs_to_the_same_hint_object() -> None:
    """Equal but distinct hints are answered each on their own (by identity)."""
    import typing

    calls: list = []

    def answer(hint):
        calls.append(hint)
        return object()

    wrapped = sdklean._per_hint(answer)
    a = typing.ForwardRef("outputs.Thing")
    b = typing.ForwardRef("outputs.Thing")
    assert a == b and a is not b
    first, again, other = wrapped(a), wrapped(a), wrapped(b)
    assert first is again and other is not first
    assert calls == [a, b]


def _cycles_left_by_contains_unknowns() -> int:
    """How many of the SDK's per-call ``impl`` closures a synth of 20 resources
    leaves for the collector (each one a function-cell reference cycle). The
    collector is off during the synth, so all it made is in the youngest
    generation: collecting that one alone finds them without walking the heap."""
    import pulumi_aws as aws

    from gcmod.synth import run_program

    def program() -> None:
        for i in range(10):
            bucket = aws.s3.Bucket(f"b{i}", tags={"Environment": "production"})
            aws.s3.BucketPolicy(f"p{i}", bucket=bucket.bucket, policy=bucket.arn.apply(str))

    gc.collect(0)  # the youngest generation only: see the docstring
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        run_program(program, project="p", stack="s", region="ap-northeast-1")
        gc.collect(0)
        return sum(
            1
            for o in gc.garbage
            if callable(o) and getattr(o, "__qualname__", "") == "contains_unknowns.<locals>.impl"
        )
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def test_a_synth_leaves_no_cycle_per_resolved_output(monkeypatch) -> None:
    """With the SDK's own contains_unknowns, each resolved output leaves a cycle
    behind for the collector; with the stand-in, none."""
    import contextlib

    assert _cycles_left_by_contains_unknowns() == 0
    monkeypatch.setattr(sdklean, "lean_sdk", contextlib.nullcontext)
    assert _cycles_left_by_contains_unknowns() > 20


def _in_a_fresh_process(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


_STEP = (
    "import gc\n"
    "from gcmod import gctune\n"
    "{setup}\n"
    "gc.set_threshold(*gctune.THRESHOLDS)\n"
    "with gctune.fewer_collections():\n"
    "    kept = [[i] for i in range(1000)]\n"
    "print(gc.get_freeze_count() >= 1000, gc.get_threshold() == gctune.THRESHOLDS)\n"
)


def test_the_executable_keeps_what_a_step_left_frozen() -> None:
    frozen, restored = _in_a_fresh_process(_STEP.format(setup="gctune.one_shot_process()"))
    assert (frozen, restored) == ("True", "True")


def test_a_library_user_gets_the_collector_back_after_a_step() -> None:
    frozen, restored = _in_a_fresh_process(_STEP.format(setup=""))
    assert (frozen, restored) == ("False", "True")


def test_the_gcmod_executable_is_the_one_shot_entry_point() -> None:
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "gcmod"]
    assert script.value == "gcmod.cli:run"
