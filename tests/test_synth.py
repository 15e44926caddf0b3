"""The offline synth harness: graph shape, engine-like semantics, loud failures."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest

from gcmod.graph import UNKNOWN, ResourceGraph
from gcmod.synth import SynthError, run_program


class _Pair(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("gcmod:test:Pair", name, None, None)
        child = pulumi.ResourceOptions(parent=self)
        self.vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block="10.1.0.0/16", opts=child)
        self.subnet = aws.ec2.Subnet(
            f"{name}-subnet", vpc_id=self.vpc.id, cidr_block="10.1.0.0/24", opts=child
        )
        osaka = aws.Provider(f"{name}-osaka", region="ap-northeast-3", opts=child)
        self.vault = aws.backup.Vault(
            f"{name}-vault", opts=pulumi.ResourceOptions(parent=self, provider=osaka)
        )
        self.register_outputs({"vpc": self.vpc.id})


def _pair() -> None:
    _Pair("p")


def test_graph_records_parent_dependencies_provider_and_region() -> None:
    g = run_program(_pair, project="gcmod", stack="t", region="ap-northeast-1")
    comp = g.named("p")
    assert comp.custom is False and comp.parent is None
    vpc, subnet, vault = g.named("p-vpc"), g.named("p-subnet"), g.named("p-vault")
    assert vpc.parent == comp.urn and subnet.parent == comp.urn
    assert subnet.dependencies == (vpc.urn,)
    assert subnet.property_dependencies["vpcId"] == (vpc.urn,)
    assert vpc.region == "ap-northeast-1"
    assert vault.region == "ap-northeast-3"
    assert vault.provider == g.named("p-osaka").urn
    assert vpc.provider is None


def test_provider_computed_values_are_unknown_as_in_preview() -> None:
    g = run_program(_pair, project="gcmod", stack="t", region="ap-northeast-1")
    assert g.named("p-subnet").inputs["vpcId"] == UNKNOWN
    assert g.named("p-subnet").inputs["cidrBlock"] == "10.1.0.0/24"


def test_json_round_trip_is_stable() -> None:
    g = run_program(_pair, project="gcmod", stack="t", region="ap-northeast-1")
    data = json.loads(g.dumps())
    assert data["schemaVersion"] == 1
    assert set(data["resources"][0]) == {
        "urn", "type", "name", "custom", "inputs", "parent", "dependencies",
        "propertyDependencies", "provider", "region", "source",  # source: since issue 17
    }  # fmt: skip
    assert data["resources"][0]["source"]["file"] == Path(__file__).resolve().as_posix()
    assert ResourceGraph.from_json(data) == g


def test_program_error_is_reported_not_raised_raw() -> None:
    def broken() -> None:
        aws.ec2.Vpc("v", cidr_block="10.0.0.0/16")
        raise RuntimeError("boom")

    with pytest.raises(SynthError, match="the program failed: RuntimeError: boom"):
        run_program(broken, project="gcmod", stack="t", region="ap-northeast-1")


def test_unanswerable_data_source_names_itself() -> None:
    def uses_kms_alias() -> None:  # not in _CALLS (getAmi is answered since issue 9)
        aws.kms.get_alias(name="alias/gcmod")

    with pytest.raises(SynthError, match=r"aws:kms/getAlias:getAlias cannot be answered"):
        run_program(uses_kms_alias, project="gcmod", stack="t", region="ap-northeast-1")


def test_empty_program_fails_loudly() -> None:
    with pytest.raises(SynthError, match="registered no resources"):
        run_program(lambda: None, project="gcmod", stack="t", region="ap-northeast-1")


def test_mocks_answer_availability_zones_per_region() -> None:
    seen: dict[str, list[str]] = {}

    def prog() -> None:
        seen["names"] = aws.get_availability_zones(state="available").names
        aws.ec2.Vpc("v", cidr_block="10.0.0.0/16")

    run_program(prog, project="gcmod", stack="t", region="ap-northeast-1")
    assert seen["names"] == ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]


def test_synth_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a, **_k):
        raise OSError("network disabled by test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    g = run_program(_pair, project="gcmod", stack="t", region="ap-northeast-1")
    assert len(g.custom_resources) == 3
    # the whole default sample, too
    from gcmod.program import synth_stack
    from gcmod.stackfiles import resolve, samples_dir

    _cfg, sample = synth_stack(resolve("saas-prod", samples_dir()))
    assert len(sample.custom_resources) > 50


def test_synth_output_is_reproducible() -> None:
    dumps = {
        run_program(_pair, project="gcmod", stack="t", region="ap-northeast-1").dumps()
        for _ in range(3)
    }
    assert len(dumps) == 1


def test_monitor_calls_are_answered_on_the_programs_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Registrations, invokes and reads go to the mock monitor without a thread
    pool: no work is submitted to one, and the monitor answers on this thread."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from pulumi.runtime.mocks import MockMonitor

    submitted: list[object] = []
    real_submit = ThreadPoolExecutor.submit

    def counting_submit(self, fn, /, *args, **kwargs):
        submitted.append(fn)
        return real_submit(self, fn, *args, **kwargs)

    answered_on: set[str] = set()
    for name in ("RegisterResource", "Invoke", "ReadResource"):
        real = getattr(MockMonitor, name)

        def on_thread(self, request, _real=real):
            answered_on.add(threading.current_thread().name)
            return _real(self, request)

        monkeypatch.setattr(MockMonitor, name, on_thread)
    monkeypatch.setattr(ThreadPoolExecutor, "submit", counting_submit)

    def prog() -> None:
        _pair()
        region = aws.get_region().region  # an invoke
        bucket = aws.s3.Bucket("b", tags={"Region": region})
        aws.s3.BucketPolicy("bp", bucket=bucket.id, policy=bucket.arn.apply(lambda a: a or "{}"))
        aws.ec2.Vpc.get("existing", "vpc-0123456789abcdef0")  # a read

    g = run_program(prog, project="gcmod", stack="t", region="ap-northeast-1")
    assert g.named("b").inputs["tags"] == {"Region": "ap-northeast-1"}
    assert g.named("bp").dependencies == (g.named("b").urn,)
    assert submitted == []
    assert answered_on == {threading.current_thread().name}


def test_a_programs_own_executor_calls_keep_the_thread_pool() -> None:
    """Only the SDK's monitor calls are answered inline: a program's own helper
    run with ``run_in_executor`` (here one that waits for the loop, which would
    never return if it ran on the loop's thread) still runs on a pool thread."""
    import asyncio
    import threading

    ran_on: list[str] = []

    async def lookup_prefix() -> str:
        loop = asyncio.get_running_loop()

        def blocking() -> str:
            ran_on.append(threading.current_thread().name)
            done = asyncio.run_coroutine_threadsafe(asyncio.sleep(0, result="juki"), loop)
            return done.result(timeout=20)

        return await loop.run_in_executor(None, blocking)

    def prog() -> None:
        prefix = pulumi.Output.from_input(lookup_prefix())
        aws.s3.Bucket("logs", bucket=prefix.apply(lambda p: f"{p}-logs-131016"))

    g = run_program(prog, project="vendor", stack="dev", region="ap-northeast-1")
    assert g.named("logs").inputs["bucket"] == "juki-logs-131016"
    assert ran_on and ran_on[0] != threading.current_thread().name


def _in_a_fresh_thread(fn):
    """``fn()`` on a new thread (no event loop of its own yet, none running)."""
    import threading

    out: dict = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # re-raised on the caller's thread
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_inline_calls_deliver_results_and_errors_then_restore_the_loop() -> None:
    import asyncio

    from gcmod.synth import _inline_calls

    def scenario() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:

            async def both():
                ok = await loop.run_in_executor(None, lambda x: x * 2, 21)
                try:
                    await loop.run_in_executor(None, lambda: 1 / 0)
                except ZeroDivisionError as exc:
                    return ok, exc
                return ok, None

            with _inline_calls():
                assert "run_in_executor" in loop.__dict__
                ok, err = loop.run_until_complete(both())
            assert ok == 42 and isinstance(err, ZeroDivisionError)
            assert "run_in_executor" not in loop.__dict__  # the pool again afterwards
            assert loop.run_until_complete(loop.run_in_executor(None, lambda: 7)) == 7

            async def inside_a_running_loop() -> bool:
                with _inline_calls():
                    return "run_in_executor" in loop.__dict__

            assert loop.run_until_complete(inside_a_running_loop()) is False
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    _in_a_fresh_thread(scenario)
