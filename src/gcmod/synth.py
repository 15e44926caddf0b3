"""Offline synth: run a Pulumi program under the SDK's mock runtime.

No Pulumi CLI, no provider plugin, no credentials, no network. The mock
monitor records every registration with its parent, dependencies and
provider; the mocks mirror ``pulumi preview``: a new resource's outputs are
its inputs, and what only the provider computes (ids, ARNs) stays unknown.
Data sources are answered with documented, plausible values
(:data:`ACCOUNT_ID`, :data:`AVAILABILITY_ZONES`, the default VPC and its
subnets, an AMI id per architecture, IAM policy documents rendered from their
statements; the list is in docs/projects.md); any other call is an error that
names the data source, never a silent ``None``. A stack reference's outputs
come from the mapping given to :func:`run_program`, else they stay unknown,
as in a preview of a stack whose reference is not readable.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pathlib
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gcmod.graph import UNKNOWN, ResourceGraph, ResourceNode, SourceLocation

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


#: The engine's signatures of assets and archives (pulumi sdk/go/common/resource:
#: asset.go AssetSig, archive.go ArchiveSig; the same in pulumi.runtime.rpc).
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"


def _asset(value: Any) -> dict[str, Any] | None:
    """An asset or archive as the engine marshals it: the signature key and one of
    ``text``/``path``/``uri`` (an asset) or ``assets``/``path``/``uri`` (an archive),
    with the ``hash`` of a text asset (SHA-256 of its text, as the engine computes
    it). None when ``value`` is neither."""
    import pulumi

    if isinstance(value, pulumi.StringAsset):
        text = value.text
        return {
            _SIG_KEY: ASSET_SIG,
            "hash": hashlib.sha256(text.encode()).hexdigest(),
            "text": text,
        }
    if isinstance(value, pulumi.FileAsset):
        return {_SIG_KEY: ASSET_SIG, "path": str(value.path)}
    if isinstance(value, pulumi.RemoteAsset):
        return {_SIG_KEY: ASSET_SIG, "uri": str(value.uri)}
    if isinstance(value, pulumi.AssetArchive):
        assets = {str(k): _asset(v) or UNKNOWN for k, v in sorted(value.assets.items())}
        return {_SIG_KEY: ARCHIVE_SIG, "assets": assets}
    if isinstance(value, pulumi.FileArchive):
        return {_SIG_KEY: ARCHIVE_SIG, "path": str(value.path)}
    if isinstance(value, pulumi.RemoteArchive):
        return {_SIG_KEY: ARCHIVE_SIG, "uri": str(value.uri)}
    return None


def _clean(value: Any) -> Any:
    """Engine wire values -> plain JSON-able values with UNKNOWN/SECRET markers;
    assets and archives keep the engine's form (:func:`_asset`)."""
    if isinstance(value, str):
        return UNKNOWN if value == _UNKNOWN_WIRE else value
    if value is None or isinstance(value, (bool, int, float)):
        return value
    from pulumi.output import Unknown

    if isinstance(value, Unknown):
        return UNKNOWN
    asset = _asset(value)
    if asset is not None:
        return asset
    if isinstance(value, dict):
        sig = value.get(_SIG_KEY)
        if sig == _SECRET_SIG:
            return SECRET
        if sig == _RESOURCE_SIG:
            return value.get("urn", UNKNOWN)
        if sig in (ASSET_SIG, ARCHIVE_SIG):
            return {k: v if k == _SIG_KEY else _clean(v) for k, v in value.items()}
        if sig is not None:
            return UNKNOWN
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


#: Byte strings whose absence from a ``Struct``'s wire form means the SDK's
#: deserialize -> serialize round trip gives that ``Struct`` back unchanged: the
#: signature key (secrets, resource references, assets, archives and output
#: values are rewritten), a null or empty value in a map entry (deserializing
#: drops the key) and an empty list element (it comes back as null). Any of
#: them (or the same bytes inside a string) sends a registration the long way.
_ROUND_TRIP_BREAKERS = (_SIG_KEY.encode(), b"\x12\x02\x08\x00", b"\x12\x00", b"\x0a\x00")


def _round_trips(struct: Any) -> bool:
    """Whether the SDK's round trip (``deserialize_properties`` then
    ``serialize_properties``) of ``struct`` is ``struct`` itself."""
    data = struct.SerializeToString()
    return not any(b in data for b in _ROUND_TRIP_BREAKERS)


def _resource_refs_as_urns(struct: Any) -> Any:
    """``struct``, or a copy whose resource references are their URN strings.

    A program that passes a resource object where an input is expected (as
    vendor programs do: ``bucket=bucket``) makes the SDK send a resource
    reference. Deserializing it on a worker thread of the SDK's pool (where the
    SDK's mock monitor answers unless :func:`_inline_calls` is in effect)
    rehydrates the resource there (an SDK ``get`` on an event loop that is not the
    program's): the synth then hung or failed with "attached to a different
    loop". The monitor takes the URN instead, whichever thread it answers on:
    the graph records it (as :func:`_clean` always did for a reference), the
    mocks see it, and the output resolves to a string, as it would under the
    engine (whose providers get an identifier, not a resource object)."""
    if _RESOURCE_SIG.encode() not in struct.SerializeToString():
        return struct
    copy = type(struct)()
    copy.CopyFrom(struct)

    def replace(value: Any) -> None:
        kind = value.WhichOneof("kind")
        if kind == "list_value":
            for item in value.list_value.values:
                replace(item)
        elif kind == "struct_value":
            fields = value.struct_value.fields
            sig = fields.get(_SIG_KEY)
            if sig is not None and sig.string_value == _RESOURCE_SIG:
                value.string_value = fields["urn"].string_value if "urn" in fields else ""
            else:
                for item in fields.values():
                    replace(item)

    for item in copy.fields.values():
        replace(item)
    return copy


def _with_object(request: Any, struct: Any) -> Any:
    """A copy of a ``RegisterResourceRequest`` with ``struct`` as its properties."""
    copy = type(request)()
    copy.CopyFrom(request)
    copy.object.CopyFrom(struct)
    return copy


def _provider_urn(ref: str) -> str | None:
    """A provider reference is ``<urn>::<id>``; keep the URN."""
    if not ref:
        return None
    urn, sep, _id = ref.rpartition("::")
    return urn if sep else ref


@dataclass
class RunLog:
    """What a run asked the mock runtime that was not a resource (for reporting)."""

    calls: dict[str, int] = field(default_factory=dict)
    """Data source token -> how many times it was answered."""
    stack_references: dict[str, bool] = field(default_factory=dict)
    """Referenced stack -> whether its outputs were given (else unknown)."""


@functools.cache
def _library_dirs() -> tuple[str, ...]:
    """Folders whose code is never "the user's program": gcmod itself (its
    components, policies and stacks), the Pulumi SDK and providers, installed
    packages and the standard library."""
    import sysconfig

    import pulumi

    import gcmod
    import gcmod.components
    import gcmod.policies
    import gcmod.stacks

    dirs = {
        os.path.dirname(os.path.realpath(m.__file__ or ""))
        for m in (gcmod, gcmod.components, gcmod.policies, gcmod.stacks, pulumi)
    }
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            dirs.add(os.path.realpath(path))
    return tuple(sorted(d + os.sep for d in dirs if d))


def _frame_path(uri: str) -> str | None:
    """A file path from a source position's ``file://`` URI (None for others)."""
    from urllib.parse import unquote, urlparse
    from urllib.request import url2pathname

    parsed = urlparse(uri)
    if parsed.scheme != "file" or not parsed.path:
        return None
    return url2pathname(unquote(parsed.path))


def _is_program_file(path: str) -> bool:
    real = os.path.realpath(path)
    if not os.path.isfile(real):
        return False  # <frozen ...>, <string>
    parts = set(real.split(os.sep))
    if {"site-packages", "dist-packages"} & parts:
        return False
    return not real.startswith(_library_dirs())


def _file_uri(filename: str) -> str | None:
    """The URI the SDK gives a frame's file (``pathlib.Path.as_uri``); None where it
    gives no position (no file name, a relative one)."""
    if not filename:
        return None
    try:
        return pathlib.Path(filename).as_uri()
    except Exception:  # the SDK gives no position then
        return None


class _PathFacts:
    """What a run asks about the files of its stack frames, each answered once
    per run (a file cannot move while the program runs): ~2,000 registrations
    share a dozen files, and each answer costs a ``realpath`` or a URI parse."""

    def __init__(self) -> None:
        self._synth = os.path.realpath(__file__)
        self.uri = functools.cache(_file_uri)
        self.path = functools.cache(_frame_path)
        """:func:`_frame_path` of a URI."""
        self.real = functools.cache(os.path.realpath)
        self.is_program = functools.cache(_is_program_file)
        """:func:`_is_program_file` of a path."""

    def is_synth(self, path: str) -> bool:
        """:func:`path_is_synth` of ``path``."""
        return self.real(path) == self._synth


def request_frames(request: Any, facts: _PathFacts | None = None) -> list[tuple[str, int]]:
    """(file, line) of the frames of a ``RegisterResource`` request, innermost
    first: its stack trace, else its ``sourcePosition``; frames of run_program
    and its callers (gcmod's CLI, a test) are cut off."""
    facts = facts or _PathFacts()
    frames: list[tuple[str, int]] = []
    for frame in request.stackTrace.frames if request.HasField("stackTrace") else ():
        path = facts.path(frame.pc.uri) if frame.HasField("pc") else None
        if path and facts.is_synth(path):
            break
        if path and frame.pc.line > 0:
            frames.append((path, frame.pc.line))
    if not frames and request.HasField("sourcePosition") and request.sourcePosition.line > 0:
        path = facts.path(request.sourcePosition.uri)
        if path:
            frames.append((path, request.sourcePosition.line))
    return frames


def path_is_synth(path: str) -> bool:
    return os.path.realpath(path) == os.path.realpath(__file__)


def source_location(
    frames: list[tuple[str, int]], root: Path | None, facts: _PathFacts | None = None
) -> SourceLocation | None:
    """Where the user's program declared a resource, from its registration's frames
    (innermost first): the innermost frame that is the program's own code (see
    :class:`~gcmod.graph.SourceLocation`); frames under ``root`` win over other
    non-library frames. The SDK's stack trace reaches into the program's frames
    even for a component's children, so those point at the component call."""
    facts = facts or _PathFacts()
    own = [(p, n) for p, n in frames if facts.is_program(p)]
    if root is not None:
        real_root = Path(facts.real(str(root)))
        inside = [(p, n) for p, n in own if Path(facts.real(p)).is_relative_to(real_root)]
        if inside:
            path, line = inside[0]
            rel = Path(facts.real(path)).relative_to(real_root)
            return SourceLocation(rel.as_posix(), line)
    if not own:
        return None
    path, line = own[0]
    return SourceLocation(Path(facts.real(path)).as_posix(), line)


def _walk_frames(frame: Any, facts: _PathFacts) -> list[tuple[str, int]]:
    """(file, line) of ``frame`` and its callers, innermost first, up to (not
    including) the first frame of this module; frames without a line are left out."""
    frames: list[tuple[str, int]] = []
    while frame is not None:
        filename = frame.f_code.co_filename
        if facts.is_synth(filename):
            break
        if frame.f_lineno:
            frames.append((filename, frame.f_lineno))
        frame = frame.f_back
    return frames


def _sdk_stack_trace(facts: _PathFacts, source_pb2: Any, original: Callable[[], Any]):
    """A stand-in for the SDK's ``pulumi.runtime.resource._get_stack_trace`` that
    gives the same frames with the same positions (the callers of the third
    ``__init__`` up the stack, innermost first, ``Path.as_uri`` of each file)
    without ``traceback.extract_stack`` (which reads every frame's source line)
    and a ``Path`` per frame; the trace stops after the first frame of this
    module, beyond which :func:`request_frames` reads nothing."""

    def _get_stack_trace() -> Any:
        if getattr(sys, "tracebacklimit", None) is not None:
            return original()  # the SDK's trace is cut to that many frames
        frame = sys._getframe()
        inits = 0
        while frame is not None:
            if frame.f_code.co_name == "__init__":
                inits += 1
                if inits == 3:
                    break
            frame = frame.f_back
        if frame is None or frame.f_back is None:
            return source_pb2.StackTrace()
        frames = []
        frame = frame.f_back
        while frame is not None:
            uri = facts.uri(frame.f_code.co_filename)
            line = frame.f_lineno
            if uri is None or line is None:
                frames.append(source_pb2.StackFrame())
            else:
                pos = source_pb2.SourcePosition(uri=uri, line=line)
                frames.append(source_pb2.StackFrame(pc=pos))
                path = facts.path(uri)
                if path and facts.is_synth(path):
                    break
            frame = frame.f_back
        return source_pb2.StackTrace(frames=frames)

    return _get_stack_trace


@contextlib.contextmanager
def _registration_stacks(recorder: _Recorder) -> Iterator[None]:
    """Keep the Python stack at each registration (``Resource.__init__`` calls
    ``register_resource`` on the program's thread), for SDKs that send no source
    position with the request; and let the SDK compute its own stack trace
    through :func:`_sdk_stack_trace` (same frames, a fraction of the cost)."""
    import traceback

    import pulumi.resource as presource
    import pulumi.runtime.resource as rtresource

    facts = recorder.facts
    original = presource.register_resource

    def register_resource(res: Any, ty: str, name: str, *args: Any, **kwargs: Any) -> Any:
        if getattr(sys, "tracebacklimit", None) is None:
            frames = _walk_frames(sys._getframe(1), facts)
        else:  # extract_stack honours the limit
            frames = []
            for f in reversed(traceback.extract_stack()[:-1]):
                if path_is_synth(f.filename):
                    break
                if f.lineno:
                    frames.append((f.filename, f.lineno))
        recorder.registration_frames[(ty, name)] = frames
        return original(res, ty, name, *args, **kwargs)

    sdk_trace = getattr(rtresource, "_get_stack_trace", None)
    source_pb2 = getattr(rtresource, "source_pb2", None)
    presource.register_resource = register_resource  # type: ignore[assignment]
    if sdk_trace is not None and source_pb2 is not None:
        rtresource._get_stack_trace = _sdk_stack_trace(facts, source_pb2, sdk_trace)
    try:
        yield
    finally:
        presource.register_resource = original
        if sdk_trace is not None and source_pb2 is not None:
            rtresource._get_stack_trace = sdk_trace


class _Recorder:
    """Holds what the mock monitor saw during one run."""

    def __init__(
        self,
        default_region: str,
        stack_references: Mapping[str, Mapping[str, Any]] | None = None,
        source_root: Path | None = None,
    ):
        self.default_region = default_region
        self.source_root = source_root
        self.registration_frames: dict[tuple[str, str], list[tuple[str, int]]] = {}
        """(type, name) -> Python stack at registration (innermost first), used
        when a request carries no source position."""
        self.nodes: list[ResourceNode] = []
        self.provider_regions: dict[str, str] = {}
        self.stack_urn: str | None = None
        self.stack_reference_outputs = dict(stack_references or {})
        self.log = RunLog()
        self.facts = _PathFacts()
        self.thread_loops: dict[Any, Any] = {}
        """Event loops the SDK opened on the monitor's worker threads, by thread
        (closed after the run once their thread has ended)."""

    def track_thread_loop(self) -> None:
        """Remember this worker thread's event loop, so it is closed after the run
        (left open, it is torn down noisily at exit when the program failed)."""
        import asyncio
        import threading

        if threading.current_thread() is threading.main_thread():
            return
        try:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:
            return
        self.thread_loops[threading.current_thread()] = loop

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
            if args.typ == STACK_REFERENCE:
                return _stack_reference(recorder, args.resource_id or args.inputs.get("name"))
            if args.typ.startswith("pulumi:providers:"):
                return f"{args.name}-id", dict(args.inputs)
            # Preview: outputs echo inputs; the provider-assigned id stays unknown.
            return "", dict(args.inputs)

        def call(self, args: MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
            region = recorder.region_of(args.provider, "aws") or recorder.default_region
            call_args = dict(args.args)
            if isinstance(call_args.get("region"), str) and call_args["region"]:
                region = call_args["region"]  # pulumi-aws 7: a per-call region
            answer = _answer_call(args.token, call_args, region)
            if answer is not None:
                recorder.log.calls[args.token] = recorder.log.calls.get(args.token, 0) + 1
            if answer is None:
                raise SynthError(
                    f"data source {args.token} cannot be answered offline; "
                    "gcmod's mock runtime answers: " + ", ".join(sorted(_CALLS))
                )
            return answer, []

    return GcmodMocks()


#: Type token of ``pulumi.StackReference`` (read, not registered).
STACK_REFERENCE = "pulumi:pulumi:StackReference"
#: The engine's wire value of an unknown (computed) value.
_UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _stack_reference(recorder: _Recorder, name: Any) -> tuple[str, dict]:
    """A stack reference: the outputs given for it, else unknown outputs (any
    value derived from them stays unknown, as in a preview)."""
    name = str(name)
    outputs = recorder.stack_reference_outputs.get(name)
    recorder.log.stack_references[name] = outputs is not None
    return name, {
        "name": name,
        "outputs": dict(outputs) if outputs is not None else _UNKNOWN_WIRE,
        "secretOutputNames": [],
    }


def _hex_id(prefix: str, *parts: Any) -> str:
    """A stable, well-formed id (``vpc-`` + 17 hex digits) for the same question."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return f"{prefix}-{digest[:17]}"


def _filters(args: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in args.get("filters") or []:
        if isinstance(f, dict) and isinstance(f.get("name"), str):
            out.setdefault(f["name"], []).extend(str(v) for v in f.get("values") or [])
    return out


def _azs(_args: dict, region: str) -> dict:
    zones = AVAILABILITY_ZONES.get(region, [(f"{region}a", f"{region}-az1")])
    return {
        "id": region,
        "names": [n for n, _ in zones],
        "zoneIds": [z for _, z in zones],
        "state": "available",
        "groupNames": [region],
    }


def _az(args: dict, region: str) -> dict:
    zones = AVAILABILITY_ZONES.get(region, [(f"{region}a", f"{region}-az1")])
    pick = next(
        (
            z
            for z in zones
            if args.get("name") in (None, z[0]) and args.get("zoneId") in (None, z[1])
        ),
        None,
    )
    if pick is None:
        raise SynthError(
            "aws:index/getAvailabilityZone: no availability zone "
            f"{_shown_ask(args, 'name', 'zoneId')} in {region}; the offline answer has "
            + ", ".join(f"{n} ({z})" for n, z in zones)
        )
    return {
        "id": pick[0],
        "name": pick[0],
        "zoneId": pick[1],
        "nameSuffix": pick[0][len(region) :],
        "region": region,
        "state": "available",
        "groupName": region,
        "networkBorderGroup": region,
        "optInStatus": "opt-in-not-required",
        "zoneType": "availability-zone",
    }


#: The default VPC's CIDR and its default subnets' (one /20 per zone). Source:
#: Amazon VPC User Guide, "Default VPCs" (172.31.0.0/16, a /20 default subnet
#: in each Availability Zone), checked 2026-11.
DEFAULT_VPC_CIDR = "172.31.0.0/16"
DEFAULT_SUBNET_CIDRS = ("172.31.32.0/20", "172.31.0.0/20", "172.31.16.0/20", "172.31.48.0/20")


def _vpc_id(args: dict, region: str) -> str:
    vpc = args.get("id") or args.get("vpcId") or (_filters(args).get("vpc-id") or [None])[0]
    return str(vpc) if vpc else _hex_id("vpc", "default", region)


def _vpc(args: dict, region: str) -> dict:
    vid = _vpc_id(args, region)
    default = vid == _hex_id("vpc", "default", region)
    return {
        "id": vid,
        "arn": f"arn:aws:ec2:{region}:{ACCOUNT_ID}:vpc/{vid}",
        "cidrBlock": args.get("cidrBlock") or DEFAULT_VPC_CIDR,
        "cidrBlockAssociations": [],
        "default": default,
        "dhcpOptionsId": _hex_id("dopt", region),
        "enableDnsHostnames": True,
        "enableDnsSupport": True,
        "enableNetworkAddressUsageMetrics": False,
        "instanceTenancy": "default",
        "ipv6AssociationId": "",
        "ipv6CidrBlock": "",
        "ipv6CidrBlockAssociations": [],
        "mainRouteTableId": _hex_id("rtb", vid),
        "ownerId": ACCOUNT_ID,
        "region": region,
        "state": "available",
        "tags": dict(args.get("tags") or {}),
    }


def _subnet_list(args: dict, region: str) -> list[tuple[str, str, str, str]]:
    """(subnet id, zone, zone id, cidr) of each subnet of the asked VPC: one per zone."""
    vid = _vpc_id(args, region)
    zones = AVAILABILITY_ZONES.get(region, [(f"{region}a", f"{region}-az1")])
    wanted = set(_filters(args).get("availability-zone") or [])
    return [
        (_hex_id("subnet", vid, zone), zone, zone_id, DEFAULT_SUBNET_CIDRS[i % 4])
        for i, (zone, zone_id) in enumerate(zones)
        if not wanted or zone in wanted
    ]


def _subnets(args: dict, region: str) -> dict:
    return {
        "id": region,
        "ids": [s[0] for s in _subnet_list(args, region)],
        "filters": args.get("filters"),
        "region": region,
        "tags": args.get("tags"),
    }


def _shown_ask(args: dict, *keys: str) -> str:
    return ", ".join(f"{k}={args[k]!r}" for k in keys if args.get(k) is not None)


def _subnet(args: dict, region: str) -> dict:
    subnets = _subnet_list(args, region)
    zone = args.get("availabilityZone") or (_filters(args).get("availability-zone") or [None])[0]
    found = next((s for s in subnets if zone in (None, s[1])), None)
    if found is None:
        zones = AVAILABILITY_ZONES.get(region, [(f"{region}a", f"{region}-az1")])
        raise SynthError(
            f"aws:ec2/getSubnet: no default subnet in availability zone {zone!r} of {region}; "
            "the offline answer has one in each of " + ", ".join(n for n, _ in zones)
        )
    sid, az, az_id, cidr = found
    sid = str(args.get("id") or sid)
    return {
        "id": sid,
        "arn": f"arn:aws:ec2:{region}:{ACCOUNT_ID}:subnet/{sid}",
        "availabilityZone": az,
        "availabilityZoneId": az_id,
        "availableIpAddressCount": 4091,
        "cidrBlock": args.get("cidrBlock") or cidr,
        "defaultForAz": True,
        "mapPublicIpOnLaunch": True,
        "ownerId": ACCOUNT_ID,
        "region": region,
        "state": "available",
        "tags": dict(args.get("tags") or {}),
        "vpcId": _vpc_id(args, region),
    }


def _security_group(args: dict, region: str) -> dict:
    name = args.get("name") or (_filters(args).get("group-name") or ["default"])[0]
    vid = _vpc_id(args, region)
    gid = str(args.get("id") or _hex_id("sg", vid, name))
    return {
        "id": gid,
        "arn": f"arn:aws:ec2:{region}:{ACCOUNT_ID}:security-group/{gid}",
        "description": "default VPC security group" if name == "default" else name,
        "name": name,
        "region": region,
        "tags": dict(args.get("tags") or {}),
        "vpcId": vid,
    }


def _ami_arch(args: dict) -> str:
    """arm64 when the filters or the name pattern ask for Arm, else x86_64."""
    asked = " ".join(
        [*(v for vs in _filters(args).values() for v in vs), str(args.get("nameRegex") or "")]
    ).lower()
    return "arm64" if ("arm64" in asked or "aarch64" in asked) else "x86_64"


def _ami(args: dict, region: str) -> dict:
    """An image matching the filters: the name pattern with ``*`` filled in
    (Amazon Linux 2023 by default), an id stable per region, architecture and name."""
    arch = _ami_arch(args)
    pattern = (_filters(args).get("name") or [f"al2023-ami-2023.*-kernel-6.1-{arch}"])[0]
    name = pattern.replace("*", "0").replace("?", "0")
    image = _hex_id("ami", region, arch, name)
    owners = [str(o) for o in args.get("owners") or []]
    owner = next((o for o in owners if o.isdigit()), ACCOUNT_ID)
    return {
        "id": image,
        "imageId": image,
        "arn": f"arn:aws:ec2:{region}::image/{image}",
        "architecture": arch,
        "name": name,
        "description": f"{name} (gcmod offline answer, not a real image)",
        "ownerId": owner,
        "imageOwnerAlias": "amazon" if "amazon" in owners else "",
        "imageType": "machine",
        "platformDetails": "Linux/UNIX",
        "usageOperation": "RunInstances",
        "rootDeviceName": "/dev/xvda",
        "rootDeviceType": "ebs",
        "virtualizationType": "hvm",
        "enaSupport": True,
        "bootMode": "uefi-preferred" if arch == "x86_64" else "uefi",
        "imdsSupport": "v2.0",
        "state": "available",
        "public": True,
        "hypervisor": "xen",
        "creationDate": "2026-11-01T00:00:00.000Z",
        "blockDeviceMappings": [
            {
                "deviceName": "/dev/xvda",
                "ebs": {"volume_size": "8", "volume_type": "gp3", "encrypted": "false"},
                "noDevice": "",
                "virtualName": "",
            }
        ],
        "productCodes": [],
        "stateReason": {"code": "UNSET", "message": "UNSET"},
        "tags": {},
        "filters": args.get("filters"),
        "owners": owners,
        "mostRecent": args.get("mostRecent"),
        "region": region,
    }


def _ami_ids(args: dict, region: str) -> dict:
    return {"id": region, "ids": [_ami(args, region)["id"]], "region": region}


def _one_or_list(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


def _principals(items: list[dict]) -> str | dict[str, Any]:
    out: dict[str, list[str]] = {}
    for p in items:
        out.setdefault(str(p.get("type")), []).extend(str(i) for i in p.get("identifiers") or [])
    if list(out) == ["*"] and out["*"] == ["*"]:
        return "*"
    return {k: _one_or_list(v) for k, v in out.items()}


def _statement(st: dict) -> dict[str, Any]:
    """One ``statements`` entry rendered as IAM JSON, in the Terraform provider's
    manner: single values as strings, ``Principal: "*"`` for type ``*``."""
    out: dict[str, Any] = {}
    if st.get("sid"):
        out["Sid"] = st["sid"]
    out["Effect"] = st.get("effect") or "Allow"
    for key, name in (("actions", "Action"), ("notActions", "NotAction")):
        if st.get(key):
            out[name] = _one_or_list([str(v) for v in st[key]])
    for key, name in (("resources", "Resource"), ("notResources", "NotResource")):
        if st.get(key):
            out[name] = _one_or_list([str(v) for v in st[key]])
    for key, name in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
        if st.get(key):
            out[name] = _principals(st[key])
    conditions: dict[str, dict[str, Any]] = {}
    for c in st.get("conditions") or []:
        values = [str(v) for v in c.get("values") or []]
        conditions.setdefault(str(c.get("test")), {})[str(c.get("variable"))] = _one_or_list(values)
    if conditions:
        out["Condition"] = conditions
    return out


def _merge(statements: list[dict], extra: list[dict]) -> list[dict]:
    """``extra`` statements replace those with the same Sid, the rest are appended."""
    out = list(statements)
    for st in extra:
        sid = st.get("Sid")
        at = next((i for i, s in enumerate(out) if sid and s.get("Sid") == sid), None)
        if at is None:
            out.append(st)
        else:
            out[at] = st
    return out


def _documents(values: list[Any]) -> list[dict]:
    out: list[dict] = []
    for text in values:
        try:
            doc = json.loads(text) if isinstance(text, str) else None
        except json.JSONDecodeError:
            doc = None
        if not isinstance(doc, dict):
            raise SynthError(
                "aws:iam/getPolicyDocument: a source or override policy document is not "
                f"a JSON object: {str(text)[:60]!r}"
            )
        st = doc.get("Statement") or []
        out += st if isinstance(st, list) else [st]
    return out


def _policy_document(args: dict, _region: str) -> dict:
    """``aws.iam.get_policy_document``: the statements rendered as a real IAM
    policy (sources first, then the statements, then the overrides, replacing
    statements with the same Sid)."""
    statements = _documents(args.get("sourcePolicyDocuments") or [])
    statements = _merge(statements, [_statement(s) for s in args.get("statements") or []])
    statements = _merge(statements, _documents(args.get("overridePolicyDocuments") or []))
    doc: dict[str, Any] = {"Version": args.get("version") or "2012-10-17"}
    if args.get("policyId"):
        doc["Id"] = args["policyId"]
    doc["Statement"] = statements
    text = json.dumps(doc, indent=2)
    return {
        "id": hashlib.sha256(text.encode()).hexdigest()[:10],
        "json": text,
        "minifiedJson": json.dumps(doc, separators=(",", ":")),
        "statements": args.get("statements"),
        "version": doc["Version"],
        "policyId": args.get("policyId"),
    }


_CALLS: dict[str, Callable[[dict, str], dict]] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": _azs,
    "aws:index/getAvailabilityZone:getAvailabilityZone": _az,
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
    "aws:ec2/getAmi:getAmi": _ami,
    "aws:ec2/getAmiIds:getAmiIds": _ami_ids,
    "aws:ec2/getVpc:getVpc": _vpc,
    "aws:ec2/getVpcs:getVpcs": lambda a, r: {"id": r, "ids": [_vpc_id(a, r)], "region": r},
    "aws:ec2/getSubnet:getSubnet": _subnet,
    "aws:ec2/getSubnets:getSubnets": _subnets,
    "aws:ec2/getSecurityGroup:getSecurityGroup": _security_group,
    "aws:iam/getPolicyDocument:getPolicyDocument": _policy_document,
}


def _answer_call(token: str, args: dict, region: str) -> dict | None:
    fn = _CALLS.get(token)
    return fn(args, region) if fn else None


def _make_monitor(recorder: _Recorder):
    from pulumi.runtime import rpc
    from pulumi.runtime.mocks import MockMonitor, MockResourceArgs
    from pulumi.runtime.proto import resource_pb2
    from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

    try:  # the SDK's own helper, as its MockMonitor resolves a request's transforms
        from pulumi.runtime.mocks import _resolve_callbacks
    except ImportError:  # an SDK whose mocks know no transforms: its own monitor
        _resolve_callbacks = None

    class RecordingMonitor(MockMonitor):
        """The SDK's mock monitor, keeping the whole registration request."""

        def Invoke(self, request):
            try:
                return super().Invoke(request)
            finally:
                recorder.track_thread_loop()

        def ReadResource(self, request):
            try:
                return super().ReadResource(request)
            finally:
                recorder.track_thread_loop()

        def _register(self, request) -> tuple[Any, Any]:
            """``MockMonitor.RegisterResource`` (same URN, mock answer, recorded
            state and response), and the inputs deserialized for the graph.
            When the request's properties are plain (:func:`_round_trips`: no
            secret, asset, resource reference or null in a map), they are
            deserialized once, for the mocks and the graph alike (the SDK's
            monitor passes ``keep_unknowns=None``, the same in a preview), and
            are the response's properties when the mocks echo them, without
            serializing the mocks' answer again (~0.4 ms a resource). Any other
            request goes through the SDK's monitor as it always did."""
            plain_refs = _resource_refs_as_urns(request.object)
            if plain_refs is not request.object:
                request = _with_object(request, plain_refs)
            plain = (
                _resolve_callbacks is not None
                and request.type != "pulumi:pulumi:Stack"
                and _round_trips(request.object)
            )
            if not plain:
                resp = super().RegisterResource(request)
                if request.type == "pulumi:pulumi:Stack":
                    return resp, None
                return resp, rpc.deserialize_properties(request.object, keep_unknowns=True)
            urn = self.make_urn(request.parent, request.type, request.name)
            _ensure_event_loop()  # as the SDK's monitor (this thread's loop)
            inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
            resource_args = MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=inputs,
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom or False,
                transforms=_resolve_callbacks(request.transforms),
            )
            id_, state = self.mocks.new_resource(resource_args)
            if state == inputs:
                obj_proto = request.object
            else:
                obj_proto = _sync_await(rpc.serialize_properties(state, {}))
            self.resources[urn] = MockMonitor.ResourceRegistration(urn, id_, state)
            resp = resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=obj_proto)
            return resp, inputs

        def RegisterResource(self, request):
            try:
                resp, raw = self._register(request)
            finally:
                recorder.track_thread_loop()
            if request.type == "pulumi:pulumi:Stack":
                recorder.stack_urn = resp.urn
                return resp
            inputs = _clean(raw)
            package = request.type.split(":", 1)[0]
            if request.type.startswith("pulumi:providers:"):
                package = request.type.rsplit(":", 1)[-1]
                region = inputs.get("region") if isinstance(inputs, dict) else None
                if isinstance(region, str) and region != UNKNOWN:
                    recorder.provider_regions[resp.urn] = region
                node_region = recorder.provider_regions.get(resp.urn)
            else:
                node_region = recorder.region_of(request.provider, package)
                own = inputs.get("region") if isinstance(inputs, dict) else None
                if package == "aws" and isinstance(own, str) and own and own != UNKNOWN:
                    node_region = own  # pulumi-aws 7: a per-resource region beats the provider's
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
                    source=source_location(
                        request_frames(request, recorder.facts)
                        or recorder.registration_frames.get((request.type, request.name), []),
                        recorder.source_root,
                        recorder.facts,
                    ),
                )
            )
            return resp

    return RecordingMonitor


#: Modules whose ``run_in_executor(None, ...)`` calls :func:`_inline_calls`
#: answers on the loop's thread: the SDK's runtime, which calls the monitor so.
_INLINE_CALLERS = "pulumi.runtime."


@contextlib.contextmanager
def _inline_calls() -> Iterator[None]:
    """The SDK's monitor calls answered on the event loop's own thread.

    The SDK hands every call to the monitor (register, invoke, read) to the
    loop's default thread pool, as it must for a real engine over gRPC. The mock
    monitor answers at once from memory, so the hand-off only costs a thread
    switch, a wake-up of the loop and lock contention per call (300 tenants,
    in one process: 0.83 of the synth's CPU without it; docs/performance.md).
    While this is in effect, ``run_in_executor(None, fn, *args)`` called from
    the SDK's runtime (:data:`_INLINE_CALLERS`) on this thread's loop calls
    ``fn`` and returns a future already done with its result or exception. The
    program's own calls keep the pool (a helper of theirs may wait for the
    loop), as do calls with an explicit executor and a loop that is already
    running (a synth called from a notebook's loop). The monitor's own nested
    waits (``_sync_await`` while serializing an answer) pump the same loop, as
    the SDK does for a synchronous invoke inside an apply.
    """
    import sys

    from pulumi.runtime.sync_await import _ensure_event_loop

    loop = _ensure_event_loop()
    if loop.is_running():
        yield
        return
    pooled = loop.run_in_executor

    def run_in_executor(executor: Any, func: Callable[..., Any], *args: Any) -> Any:
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if executor is not None or not caller.startswith(_INLINE_CALLERS):
            return pooled(executor, func, *args)
        future = loop.create_future()
        try:
            future.set_result(func(*args))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # delivered to the awaiting task, as the pool does
            future.set_exception(exc)
        return future

    loop.run_in_executor = run_in_executor  # type: ignore[method-assign]
    try:
        yield
    finally:
        if loop.__dict__.get("run_in_executor") is run_in_executor:
            del loop.run_in_executor


@contextlib.contextmanager
def _lean_runtime() -> Iterator[None]:
    """What every step of a synth runs under: fewer collections
    (:mod:`gcmod.gctune`), the SDK's lean stand-ins (:mod:`gcmod.sdklean`) and
    its monitor calls inline (:func:`_inline_calls`)."""
    from gcmod.gctune import fewer_collections
    from gcmod.sdklean import lean_sdk

    with fewer_collections(), lean_sdk(), _inline_calls():
        yield


def _close_event_loop(thread_loops: Mapping[Any, Any] | None = None) -> None:
    """Join the mock monitor's worker threads (each holds an event loop of its
    own), close the loops of those that ended and this one, so nothing is torn
    down noisily at exit (a thread still alive keeps its loop for later runs)."""
    import asyncio

    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        return
    if loop.is_running():
        return
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()
    for thread, other in (thread_loops or {}).items():
        if thread.is_alive() or other is loop or other.is_running() or other.is_closed():
            continue
        other.close()
    asyncio.set_event_loop(asyncio.new_event_loop())


def run_program(
    program: Callable[[], None],
    *,
    project: str,
    stack: str,
    region: str,
    config: Mapping[str, str] | None = None,
    secret_keys: tuple[str, ...] = (),
    stack_references: Mapping[str, Mapping[str, Any]] | None = None,
    log: RunLog | None = None,
    source_root: Path | None = None,
) -> ResourceGraph:
    """Run ``program`` under the mock runtime and return what it registered.

    ``config`` holds namespaced keys with the engine's string values, and
    ``secret_keys`` those of them the program gets as secrets;
    ``stack_references`` maps a referenced stack's name to its outputs;
    ``log``, if given, receives the data sources answered and the stack
    references read; ``source_root`` is the project directory source
    locations are given relative to.
    Raises :class:`SynthError` when the program fails, a registration errors,
    the mock runtime is not in effect, or nothing was registered.
    """
    import pulumi.runtime.config as pconfig
    from pulumi.runtime import set_mocks, settings
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    recorder = _Recorder(region, stack_references, source_root)
    if log is not None:
        recorder.log = log
    settings.ROOT.set(None)
    pconfig.set_all_config({"aws:region": region, **(config or {})}, list(secret_keys))
    monitor = _make_monitor(recorder)(_make_mocks(recorder))
    set_mocks(_make_mocks(recorder), project=project, stack=stack, preview=True, monitor=monitor)
    if settings.SETTINGS.monitor is not monitor:
        raise SynthError("the Pulumi mock runtime is not in effect; refusing to synthesize")
    # As pulumi.runtime.test does: nothing a previous (failed) run left pending
    # is awaited in this one, on a loop that is closed by now.
    settings.SETTINGS.rpc_manager.clear()
    settings.SETTINGS.outputs.clear()
    # The program runs outside the event loop, as in Pulumi's own unit-test
    # pattern, so synchronous invokes complete; then the registrations it
    # queued are awaited and their errors surface here.
    try:
        try:
            with _lean_runtime(), _registration_stacks(recorder):
                program()
        finally:
            with _lean_runtime():
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
        _close_event_loop(recorder.thread_loops)
    if not recorder.nodes:
        raise SynthError(
            "the program registered no resources: is the mock runtime in effect, "
            "and does the program declare anything?"
        )
    # Registration order follows the program's awaits (and, with an engine,
    # its worker threads); URN order is stable and groups each component's children.
    nodes = tuple(sorted(recorder.nodes, key=lambda n: n.urn))
    return ResourceGraph(project=project, stack=stack, region=region, resources=nodes)
