"""Offline synth: run a Pulumi program under the SDK's mock runtime.

No Pulumi CLI, no provider plugin, no credentials, no network. The mock
monitor records every registration with its parent, dependencies and
provider; the mocks mirror ``pulumi preview``: a new resource's outputs are
its inputs, and what only the provider computes (ids, ARNs) stays unknown.
Data sources the platform calls are answered with documented, plausible
values (:data:`ACCOUNT_ID`, :data:`AVAILABILITY_ZONES`); any other call is an
error that names the data source, never a silent ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode

#: The account id the mock runtime reports (AWS documentation's example id).
ACCOUNT_ID = "123456789012"

#: Availability zones the mock runtime reports per region (names, zone ids).
#: Tokyo accounts created since 2018 see a, c, d (source: AWS re:Post
#: "ap-northeast-1b is not available", checked 2026-11); Osaka has a, b, c.
AVAILABILITY_ZONES: dict[str, list[tuple[str, str]]] = {
    "ap-northeast-1": [
        ("ap-northeast-1a", "apne1-az4"),
        ("ap-northeast-1c", "apne1-az1"),
        ("ap-northeast-1d", "apne1-az2"),
    ],
    "ap-northeast-3": [
        ("ap-northeast-3a", "apne3-az3"),
        ("ap-northeast-3b", "apne3-az1"),
        ("ap-northeast-3c", "apne3-az2"),
    ],
}

_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_SIG_KEY = "4dabf18193072939515e22adb298388d"
#: Placeholder for a secret input; the value is never shown.
SECRET = "<secret>"


class SynthError(Exception):
    """The program could not be synthesized offline. ``str()`` is the user message."""


def _clean(value: Any) -> Any:
    """Engine wire values -> plain JSON-able values with UNKNOWN/SECRET markers."""
    from pulumi.output import Unknown

    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        sig = value.get(_SIG_KEY)
        if sig == _SECRET_SIG:
            return SECRET
        if sig == _RESOURCE_SIG:
            return value.get("urn", UNKNOWN)
        if sig is not None:
            return UNKNOWN
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, str) and value == "04da6b54-80e4-46f7-96ec-b56ff0331ba9":
        return UNKNOWN
    return value


def _provider_urn(ref: str) -> str | None:
    """A provider reference is ``<urn>::<id>``; keep the URN."""
    if not ref:
        return None
    urn, sep, _id = ref.rpartition("::")
    return urn if sep else ref


class _Recorder:
    """Holds what the mock monitor saw during one run."""

    def __init__(self, default_region: str):
        self.default_region = default_region
        self.nodes: list[ResourceNode] = []
        self.provider_regions: dict[str, str] = {}
        self.stack_urn: str | None = None

    def region_of(self, provider_ref: str | None, package: str) -> str | None:
        if package != "aws":
            return None
        urn = _provider_urn(provider_ref or "")
        if urn and urn in self.provider_regions:
            return self.provider_regions[urn]
        return self.default_region


def _make_mocks(recorder: _Recorder):
    from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks

    class GcmodMocks(Mocks):
        """Answers the engine's part the way ``pulumi preview`` would."""

        def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict]:
            if args.typ.startswith("pulumi:providers:"):
                return f"{args.name}-id", dict(args.inputs)
            # Preview: outputs echo inputs; the provider-assigned id stays unknown.
            return "", dict(args.inputs)

        def call(self, args: MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
            region = recorder.region_of(args.provider, "aws") or recorder.default_region
            answer = _answer_call(args.token, dict(args.args), region)
            if answer is None:
                raise SynthError(
                    f"data source {args.token} cannot be answered offline; "
                    "gcmod's mock runtime answers: " + ", ".join(sorted(_CALLS))
                )
            return answer, []

    return GcmodMocks()


def _azs(_args: dict, region: str) -> dict:
    zones = AVAILABILITY_ZONES.get(region, [(f"{region}a", f"{region}-az1")])
    return {
        "id": region,
        "names": [n for n, _ in zones],
        "zoneIds": [z for _, z in zones],
        "state": "available",
        "groupNames": [region],
    }


_CALLS: dict[str, Callable[[dict, str], dict]] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": _azs,
    "aws:index/getCallerIdentity:getCallerIdentity": lambda _a, _r: {
        "accountId": ACCOUNT_ID,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/gcmod-offline",
        "userId": "AIDAGCMODOFFLINE",
        "id": ACCOUNT_ID,
    },
    "aws:index/getRegion:getRegion": lambda _a, r: {
        "id": r,
        "name": r,
        "region": r,
        "endpoint": f"ec2.{r}.amazonaws.com",
        "description": r,
    },
    "aws:index/getPartition:getPartition": lambda _a, _r: {
        "id": "aws",
        "partition": "aws",
        "dnsSuffix": "amazonaws.com",
        "reverseDnsPrefix": "com.amazonaws",
    },
}


def _answer_call(token: str, args: dict, region: str) -> dict | None:
    fn = _CALLS.get(token)
    return fn(args, region) if fn else None


def _make_monitor(recorder: _Recorder):
    from pulumi.runtime import rpc
    from pulumi.runtime.mocks import MockMonitor

    class RecordingMonitor(MockMonitor):
        """The SDK's mock monitor, keeping the whole registration request."""

        def RegisterResource(self, request):
            resp = super().RegisterResource(request)
            if request.type == "pulumi:pulumi:Stack":
                recorder.stack_urn = resp.urn
                return resp
            inputs = _clean(rpc.deserialize_properties(request.object, keep_unknowns=True))
            package = request.type.split(":", 1)[0]
            if request.type.startswith("pulumi:providers:"):
                package = request.type.rsplit(":", 1)[-1]
                region = inputs.get("region") if isinstance(inputs, dict) else None
                if isinstance(region, str) and region != UNKNOWN:
                    recorder.provider_regions[resp.urn] = region
                node_region = recorder.provider_regions.get(resp.urn)
            else:
                node_region = recorder.region_of(request.provider, package)
            parent = request.parent or None
            recorder.nodes.append(
                ResourceNode(
                    urn=resp.urn,
                    type=request.type,
                    name=request.name,
                    custom=bool(request.custom),
                    inputs=inputs,
                    parent=None if parent == recorder.stack_urn else parent,
                    dependencies=tuple(sorted(set(request.dependencies))),
                    property_dependencies={
                        k: tuple(sorted(set(v.urns)))
                        for k, v in sorted(request.propertyDependencies.items())
                    },
                    provider=_provider_urn(request.provider),
                    region=node_region if request.custom else None,
                )
            )
            return resp

    return RecordingMonitor


def _close_event_loop() -> None:
    """Join the mock monitor's worker threads (each holds an event loop of its
    own) and close the loop, so nothing is torn down noisily at exit."""
    import asyncio

    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        return
    if loop.is_running():
        return
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()
    asyncio.set_event_loop(asyncio.new_event_loop())


def run_program(
    program: Callable[[], None],
    *,
    project: str,
    stack: str,
    region: str,
    config: Mapping[str, str] | None = None,
) -> ResourceGraph:
    """Run ``program`` under the mock runtime and return what it registered.

    Raises :class:`SynthError` when the program fails, a registration errors,
    the mock runtime is not in effect, or nothing was registered.
    """
    import pulumi.runtime.config as pconfig
    from pulumi.runtime import set_mocks, settings
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    recorder = _Recorder(region)
    settings.ROOT.set(None)
    pconfig.set_all_config({"aws:region": region, **(config or {})})
    monitor = _make_monitor(recorder)(_make_mocks(recorder))
    set_mocks(_make_mocks(recorder), project=project, stack=stack, preview=True, monitor=monitor)
    if settings.SETTINGS.monitor is not monitor:
        raise SynthError("the Pulumi mock runtime is not in effect; refusing to synthesize")
    # The program runs outside the event loop, as in Pulumi's own unit-test
    # pattern, so synchronous invokes complete; then the registrations it
    # queued are awaited and their errors surface here.
    try:
        try:
            program()
        finally:
            _sync_await(run_pulumi_func(lambda: None))
    except SynthError:
        raise
    except Exception as exc:  # the program's own error, reported with its type
        seen: set[int] = set()
        cause: BaseException | None = exc
        while cause is not None and id(cause) not in seen:
            if isinstance(cause, SynthError):
                raise cause from None
            seen.add(id(cause))
            cause = cause.__cause__ or cause.__context__
        raise SynthError(f"the program failed: {type(exc).__name__}: {exc}") from exc
    finally:
        settings.ROOT.set(None)
        _close_event_loop()
    if not recorder.nodes:
        raise SynthError(
            "the program registered no resources: is the mock runtime in effect, "
            "and does the program declare anything?"
        )
    # Registration happens on worker threads, so its order varies from run to
    # run; URN order is stable (and groups each component's children).
    nodes = tuple(sorted(recorder.nodes, key=lambda n: n.urn))
    return ResourceGraph(project=project, stack=stack, region=region, resources=nodes)
