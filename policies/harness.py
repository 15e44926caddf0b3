"""Run the policy pack offline over a resource graph, the way the engine does.

The engine sends the pack one ``AnalyzeRequest`` per resource and one
``AnalyzeStackRequest`` for the whole stack, after a ``Configure`` with the
pack config (defaults filled in from each policy's schema). This module builds
the same protobuf requests from a :class:`~gcmod.graph.ResourceGraph` and hands
them to the same analyzer servicer ``PolicyPack`` serves over gRPC, so inputs
are wrapped as the engine wraps them (reading an unknown value raises),
not-applicable is reported as the engine would, and a rule that passes here
passes under ``pulumi preview``. The gRPC test sends these very requests to a
running pack.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from gcmod.graph import ResourceGraph, ResourceNode, SourceLocation, engine_value
from gcmod.loader import shown
from gcmod.policies import memo
from gcmod.policies.evidence import environment_of, region_of
from gcmod.policies.model import Environment, Res, Rule, Setting, Text, all_rules
from gcmod.policies.rulekit import env_ja
from gcmod.policies.waivers import Waiver, waivers_problem

_LEVELS = ("advisory", "mandatory", "disabled")


class PolicyConfigError(Exception):
    """A policy pack config that cannot be used. ``str()`` is the user message."""


# ---------------------------------------------------------------------------
# Pack config (the JSON file `pulumi preview --policy-pack-config` takes)
# ---------------------------------------------------------------------------
def load_pack_config(path: Path) -> dict[str, Any]:
    """Read a policy config JSON file (:mod:`gcmod.loader`: size, UTF-8, duplicate
    keys, finite numbers) and check it against every rule's declared settings
    (:func:`normalize_pack_config`), before any stack is synthesized or account read."""
    from gcmod.loader import LoadError, load_json

    try:
        data = load_json(path)
    except FileNotFoundError:
        raise PolicyConfigError(f"{path}: file not found") from None
    except OSError as exc:
        raise PolicyConfigError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    except LoadError as exc:
        raise PolicyConfigError(str(exc)) from None
    if not isinstance(data, dict):
        raise PolicyConfigError(f"{path}: must be a JSON object keyed by policy id")
    normalize_pack_config(data, all_rules(), source=str(path))  # refused before anything runs
    return data


def normalize_pack_config(
    config: Mapping[str, Any] | None, rules: list[Rule], source: str = "policy config"
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Per policy name: (enforcement level, properties with schema defaults filled
    in), as the Pulumi CLI computes them before ``Configure``. Unknown policies,
    levels and properties are errors."""
    by_name = {r.policy_name: r for r in rules}
    out = {
        r.policy_name: (r.enforcement, {s.name: s.default for s in r.all_settings()}) for r in rules
    }
    problems: list[str] = []

    def apply(name: str, value: Any, label: str | None = None) -> None:
        """Apply ``value`` to policy ``name``; problems are named ``label``
        (``all`` for the entry that applies to every policy)."""
        label = label or name
        r = by_name[name]
        level, props = out[name]
        if isinstance(value, str):
            value = {"enforcementLevel": value}
        if not isinstance(value, dict):
            problems.append(f"{label}: must be an enforcement level or an object")
            return
        allowed = {s.name: s for s in r.all_settings()}
        for key, v in value.items():
            if key == "enforcementLevel":
                if v not in _LEVELS:
                    problems.append(
                        f"{label}.enforcementLevel: {shown(v, 40)} is not one of {_LEVELS}"
                    )
                else:
                    level = v
            elif key in allowed:
                problem = setting_problem(allowed[key], v)
                if problem:
                    problems.append(f"{label}.{key}: {problem} (got {shown(v, 60)})")
                else:
                    props[key] = v
            else:
                problems.append(
                    f"{label}.{key}: unknown setting; allowed: "
                    + ", ".join(["enforcementLevel", *sorted(allowed)])
                )
        out[name] = (level, props)

    for key, value in (config or {}).items():
        if key == "all":
            for name in by_name:
                apply(name, value, "all")
    for key, value in (config or {}).items():
        if key == "all":
            continue
        name = key.lower()
        if name not in by_name:
            problems.append(f"{key}: no such policy; see `gcmod rules`")
            continue
        apply(name, value)
    if problems:
        unique = list(dict.fromkeys(problems))  # an ``all`` entry is reported once
        raise PolicyConfigError(f"{source}:\n" + "\n".join(f"  - {p}" for p in unique))
    return out


def add_waivers(
    normalized: dict[str, tuple[str, dict[str, Any]]], waivers: Iterable[Waiver]
) -> dict[str, tuple[str, dict[str, Any]]]:
    """The normalized config with ``waivers`` (a waiver file's) added to every
    rule's ``waivers`` setting, as a ``{"all": {"waivers": [...]}}`` config would."""
    entries = [w.to_config() for w in waivers]
    if not entries:
        return normalized
    return {
        name: (level, {**props, "waivers": [*(props.get("waivers") or []), *entries]})
        for name, (level, props) in normalized.items()
    }


#: Environment names a per-environment setting may name.
ENVIRONMENTS: tuple[str, ...] = get_args(Environment)
#: Bound of numeric settings (days, counts, sizes, percentages): finite, ≥ 0.
MAX_SETTING_NUMBER = 1e9


def _number_problem(v: Any, kind: str = "number") -> str | None:
    integer = kind == "integer"
    ok_type = isinstance(v, int) if integer else isinstance(v, int | float)
    if isinstance(v, bool) or not ok_type:
        return f"must be {'an integer' if integer else 'a number'}"
    if not math.isfinite(v) or not 0 <= v <= MAX_SETTING_NUMBER:
        return f"must be a finite number from 0 to {MAX_SETTING_NUMBER:.0e}"
    return None


def setting_problem(setting: Setting, v: Any) -> str | None:
    """Why ``v`` does not fit ``setting``'s declared type (None when it fits):
    numbers finite and from 0 up, strings from the declared choices, arrays of
    text or numbers, per-environment tables keyed by environment names."""
    if setting.name == "waivers":
        return waivers_problem(v)
    kind = setting.type
    if kind in ("number", "integer"):
        return _number_problem(v, kind)
    if kind == "boolean":
        return None if isinstance(v, bool) else "must be true or false"
    if kind == "string":
        if not isinstance(v, str) or len(v) > 256:
            return "must be a string (at most 256 characters)"
        if setting.choices and v not in setting.choices:
            return "must be one of " + ", ".join(c or '""' for c in setting.choices)
        return None
    if kind == "array":
        if not isinstance(v, list) or len(v) > 1000:
            return "must be a list (at most 1000 items)"
        for item in v:
            if isinstance(item, str):
                continue
            if _number_problem(item) is not None:
                return "items must be strings or finite numbers"
        return None
    # object: a table per environment, shaped like the default
    if not isinstance(v, dict):
        return "must be an object mapping environment names to values"
    default = setting.default if isinstance(setting.default, dict) else {}
    if set(default) <= set(ENVIRONMENTS):
        unknown = sorted(set(v) - set(ENVIRONMENTS))
        if unknown:
            return f"unknown environment {unknown[0]!r}; allowed: " + ", ".join(ENVIRONMENTS)
        nullable = any(x is None for x in default.values())
        for env, x in v.items():
            if x is None and nullable:
                continue
            problem = _number_problem(x)
            if problem:
                return f"{env}: {problem}" + (" or null (no limit)" if nullable else "")
    return None


def configure_request(normalized: Mapping[str, tuple[str, dict[str, Any]]]):
    from google.protobuf import struct_pb2
    from pulumi.runtime.proto import analyzer_pb2 as pb

    levels = {"advisory": pb.ADVISORY, "mandatory": pb.MANDATORY, "disabled": pb.DISABLED}
    req = pb.ConfigureAnalyzerRequest()
    for name, (level, props) in normalized.items():
        s = struct_pb2.Struct()
        s.update(props)
        cfg = pb.PolicyConfig(enforcementLevel=levels[level], properties=s)
        req.policyConfig[name].CopyFrom(cfg)
    return req


# ---------------------------------------------------------------------------
# Requests from the graph
# ---------------------------------------------------------------------------
def _struct(props: Mapping[str, Any]):
    from google.protobuf import struct_pb2

    s = struct_pb2.Struct()
    s.update(engine_value(dict(props)))
    return s


def _stack_urn(graph: ResourceGraph) -> str:
    g = graph
    return f"urn:pulumi:{g.stack}::{g.project}::pulumi:pulumi:Stack::{g.project}-{g.stack}"


def _provider(graph: ResourceGraph, node: ResourceNode, built: dict[str, Any] | None = None):
    """The resource's provider as the engine describes it (``built``: providers
    already described, by URN, so that each is converted once)."""
    from pulumi.runtime.proto import analyzer_pb2 as pb

    if node.provider and node.provider in graph.by_urn:
        key = node.provider
    else:
        key = f"default:{node.package}"
    if built is not None and key in built:
        return built[key]
    if node.provider and node.provider in graph.by_urn:
        p = graph.by_urn[node.provider]
        out = pb.AnalyzerProviderResource(
            type=p.type, properties=_struct(p.inputs), urn=p.urn, name=p.name
        )
    else:
        pkg = node.package
        region = {"region": graph.region} if pkg == "aws" else {}
        name = "default"
        out = pb.AnalyzerProviderResource(
            type=f"pulumi:providers:{pkg}",
            properties=_struct(region),
            urn=f"urn:pulumi:{graph.stack}::{graph.project}::pulumi:providers:{pkg}::{name}",
            name=name,
        )
    if built is not None:
        built[key] = out
    return out


def _options(graph: ResourceGraph, node: ResourceNode):
    from pulumi.runtime.proto import analyzer_pb2 as pb

    return pb.AnalyzerResourceOptions(parent=node.parent or _stack_urn(graph))


def analyzed_nodes(graph: ResourceGraph) -> list[ResourceNode]:
    """What the engine analyzes one by one: custom resources, not providers."""
    return [r for r in graph.resources if r.custom and not r.type.startswith("pulumi:")]


def _structs(graph: ResourceGraph) -> dict[str, Any]:
    """Each resource's properties as a protobuf ``Struct``, by URN (built once for
    both kinds of request; a request copies the ``Struct`` it is given)."""
    return {n.urn: _struct(n.inputs) for n in graph.resources}


def analyze_requests(graph: ResourceGraph, structs: Mapping[str, Any] | None = None) -> list:
    """One ``AnalyzeRequest`` per analyzed resource (``structs``: from :func:`_structs`)."""
    from pulumi.runtime.proto import analyzer_pb2 as pb

    structs = structs if structs is not None else _structs(graph)
    providers: dict[str, Any] = {}
    return [
        pb.AnalyzeRequest(
            type=n.type,
            properties=structs[n.urn],
            urn=n.urn,
            name=n.name,
            options=_options(graph, n),
            provider=_provider(graph, n, providers),
        )
        for n in analyzed_nodes(graph)
    ]


def analyze_stack_request(graph: ResourceGraph, structs: Mapping[str, Any] | None = None):
    """The ``AnalyzeStackRequest`` of the whole graph (``structs``: from :func:`_structs`)."""
    from pulumi.runtime.proto import analyzer_pb2 as pb

    structs = structs if structs is not None else _structs(graph)
    providers: dict[str, Any] = {}
    resources = []
    for n in graph.resources:
        resources.append(
            pb.AnalyzerResource(
                type=n.type,
                properties=structs[n.urn],
                urn=n.urn,
                name=n.name,
                options=_options(graph, n),
                provider=_provider(graph, n, providers),
                parent=n.parent or "",
                dependencies=list(n.dependencies),
                propertyDependencies={
                    k: pb.AnalyzerPropertyDependencies(urns=list(v))
                    for k, v in n.property_dependencies.items()
                },
            )
        )
    return pb.AnalyzeStackRequest(resources=resources)


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Violation:
    """One diagnostic the pack reported."""

    rule: Rule
    enforcement: str  # mandatory | advisory
    message: Text
    urn: str
    resource_type: str
    resource_name: str
    unknown: bool = False
    """True when the rule could not run because a value is unknown before deployment."""
    unknown_at: str = ""
    """With ``unknown``: the property path the engine named (``.tags``), if any."""
    source: SourceLocation | None = None
    """Where the program declared the resource (None: not known, or the stack)."""
    waiver: Waiver | None = None
    """The waiver in date that accepted this finding (it then fails nothing)."""
    environment: str = ""
    """The resource's environment as the rule judged it ("" for a stack finding;
    ``unknown`` when no evidence named one)."""
    environment_from: Text | None = None
    """Which evidence decided the environment (:mod:`gcmod.policies.evidence`)."""
    region: str = ""
    """Where the resource is created ("" when unknown or for a stack finding)."""
    region_from: Text | None = None
    """Which evidence decided the region."""

    @property
    def mandatory(self) -> bool:
        return self.enforcement == "mandatory" and not self.unknown and self.waiver is None

    @property
    def waived(self) -> bool:
        return self.waiver is not None


@dataclass(frozen=True)
class AlwaysOn:
    """A resource exempted from GCM-SCHED-001 by its always-on tag, and why."""

    name: str
    type: str
    urn: str
    reason: str


def always_on(
    graph: ResourceGraph, configs: Mapping[str, tuple[str, dict[str, Any]]] | None = None
) -> list[AlwaysOn]:
    """The exemptions GCM-SCHED-001 accepted (its exempt tag with a reason in words,
    on a resource it judges as non-production), for the report to show."""
    from gcmod.policies.model import Ctx, get_rule
    from gcmod.policies.schedules import SCHEDULABLE, reason_ok

    rule = get_rule("GCM-SCHED-001")
    level, props = (configs or {}).get(rule.policy_name, (rule.enforcement, {}))
    if level == "disabled":
        return []
    ctx = Ctx(rule, props)
    key = ctx.setting("exemptTagKey")
    out = []
    for node in analyzed_nodes(graph):
        if node.type not in SCHEDULABLE or not isinstance(key, str):
            continue
        reason = node.tags.get(key)
        if reason_ok(reason) and ctx.environment(evidence_res(graph, node)) != "production":
            out.append(AlwaysOn(node.name, node.type, node.urn, reason.strip()))
    return out


@dataclass
class CheckReport:
    """Everything one offline check found."""

    stack: str
    region: str
    rules: list[Rule]
    resources: int
    violations: list[Violation] = field(default_factory=list)
    not_applicable: int = 0
    always_on: list[AlwaysOn] = field(default_factory=list)
    """Non-production resources exempted from the shutdown schedule, with their reasons."""

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.mandatory]

    @property
    def advisory(self) -> list[Violation]:
        """Findings that fail nothing and are not waived (advisory, or undecided)."""
        return [v for v in self.violations if not v.mandatory and not v.waived]

    @property
    def waived(self) -> list[Violation]:
        return [v for v in self.violations if v.waived]

    def by_rule(self, rule_id: str) -> list[Violation]:
        return [v for v in self.violations if v.rule.id == rule_id]


def _level_name(level: int) -> str:
    from pulumi.runtime.proto import analyzer_pb2 as pb

    return {pb.MANDATORY: "mandatory", pb.ADVISORY: "advisory", pb.DISABLED: "disabled"}.get(
        level, "advisory"
    )


def evidence_res(graph: ResourceGraph, node: ResourceNode) -> Res:
    """The resource as the pack sees it (plain inputs, its provider's or the default
    provider's inputs), for :mod:`gcmod.policies.evidence` to weigh."""
    provider = graph.by_urn.get(node.provider) if node.provider else None
    if provider is not None:
        props, name = provider.inputs, provider.name
    else:
        props = {"region": graph.region} if node.package == "aws" else {}
        name = "default"
    res = Res(node.type, node.name, node.urn, node.inputs, provider_props=props, provider_name=name)
    res.region = region_of(res).value
    return res


def _evidence(
    graph: ResourceGraph, node: ResourceNode | None, rule: Rule, config: Mapping[str, Any]
) -> dict[str, Any]:
    """Violation fields saying which evidence decided the resource's environment and region."""
    if node is None:
        return {}
    res = evidence_res(graph, node)
    env = environment_of(res, config)
    region = region_of(res)
    if env.value is not None:
        environment, env_from = env.value, env.source
    else:
        judged = rule.unknown_environment
        environment = "unknown"
        env_from = Text(
            f"{env.source.en}; judged as {judged}, the stricter case for this rule",
            f"{env.source.ja}。このルールでより厳しい {env_ja(judged)} として判定",
        )
    return {
        "environment": environment,
        "environment_from": env_from,
        "region": region.value or "",
        "region_from": region.source,
    }


def collect(
    responses: Iterable[tuple[Any, ResourceNode | None]],
    rules: list[Rule],
    graph: ResourceGraph,
    report: CheckReport,
    configs: Mapping[str, tuple[str, dict[str, Any]]] | None = None,
) -> None:
    """Turn AnalyzeResponses (from the servicer or over gRPC) into violations;
    ``configs`` (the normalized pack config) decides the evidence fields."""
    from gcmod.policies.pack import (
        WAIVED_POLICY,
        WAIVED_STACK_POLICY,
        WaivedFinding,
        split_message,
    )

    by_name = {r.policy_name: r for r in rules}
    by_id = {r.id: r for r in rules}
    for resp, node in responses:
        report.not_applicable += len(resp.not_applicable)
        for d in resp.diagnostics:
            urn = d.urn or (node.urn if node else "")
            target = graph.by_urn.get(urn) or node
            if d.policyName in (WAIVED_POLICY, WAIVED_STACK_POLICY):
                waived = WaivedFinding.from_message(d.message, urn)
                if waived is not None and waived.rule in by_id:
                    report.violations.append(
                        Violation(
                            rule=by_id[waived.rule],
                            enforcement=waived.enforcement,
                            message=waived.message,
                            urn=urn,
                            resource_type=target.type if target else "",
                            resource_name=target.name if target else "",
                            source=target.source if target else None,
                            waiver=waived.waiver,
                            **_evidence(
                                graph,
                                graph.by_urn.get(urn),
                                by_id[waived.rule],
                                (configs or {}).get(by_id[waived.rule].policy_name, ("", {}))[1],
                            ),
                        )
                    )
                continue
            rule = by_name.get(d.policyName)
            if rule is None:
                continue
            unknown = d.message.startswith("can't run policy")
            at = _unknown_path(d.message) if unknown else ""
            en, ja = (d.message, _unknown_ja(at)) if unknown else split_message(rule, d.message)
            report.violations.append(
                Violation(
                    rule=rule,
                    enforcement=_level_name(d.enforcementLevel),
                    message=Text(en=en, ja=ja),
                    urn=urn,
                    resource_type=target.type if target else "",
                    resource_name=target.name if target else "",
                    unknown=unknown,
                    unknown_at=at,
                    source=target.source if target else None,
                    **_evidence(
                        graph,
                        graph.by_urn.get(urn),
                        rule,
                        (configs or {}).get(rule.policy_name, ("", {}))[1],
                    ),
                )
            )


def check_graph(
    graph: ResourceGraph,
    config: Mapping[str, Any] | None = None,
    rules: list[Rule] | None = None,
    source: str = "policy config",
    waivers: Iterable[Waiver] = (),
) -> CheckReport:
    """Run the pack over ``graph`` in-process, exactly as the engine would
    (``waivers``: those of a waiver file, added to every rule's config)."""
    rules = rules if rules is not None else all_rules()
    from gcmod.gctune import fewer_collections
    from gcmod.policies.pack import make_servicer
    from gcmod.policies.stackdriver import analyze_stack

    normalized = add_waivers(normalize_pack_config(config, rules, source), waivers)
    configure = configure_request(normalized)
    servicer = _converting_once(make_servicer(rules))
    servicer.Configure(configure, None)
    # One servicer per resource type, holding the resource policies whose rule
    # applies to it (and the waived-finding policy): a policy whose rule does not
    # apply returns before reading anything, so skipping it changes nothing in the
    # response, and saves the servicer's per-policy setup (~25 of 28 policies
    # for a tenant's listener rule or parameter).
    by_type: dict[str, Any] = {}

    def servicer_for(type_: str) -> Any:
        if type_ not in by_type:
            by_type[type_] = _converting_once(make_servicer(rules, resource_type=type_))
            by_type[type_].Configure(configure, None)
        return by_type[type_]

    report = CheckReport(graph.stack, graph.region, rules, len(analyzed_nodes(graph)))
    nodes = analyzed_nodes(graph)
    with fewer_collections(), converted_once():
        structs = _structs(graph)
        responses = [
            (servicer_for(node.type).Analyze(req, None), node)
            for req, node in zip(analyze_requests(graph, structs), nodes, strict=True)
        ]
        stack_request = analyze_stack_request(graph, structs)
        responses.append((analyze_stack(servicer, stack_request), None))
    collect(responses, rules, graph, report, normalized)
    if any(r.id == "GCM-SCHED-001" for r in rules):
        report.always_on = always_on(graph, normalized)
    return report


# ---------------------------------------------------------------------------
# Each resource's properties converted once, however many policies read them
# ---------------------------------------------------------------------------
# pulumi_policy's servicer turns a request's protobuf properties into a dict
# (json_format.MessageToDict, deserialize_properties, unknown_checking_proxy)
# once per policy, ~60 times per resource. Inside converted_once() (this thread
# only) the three steps are memoized per message, so the policies of one check
# read the same read-only view (rules never write to a resource's properties:
# tests/test_hotpath.py checks the views are unchanged after every sample's
# check). Outside it (the pack served over gRPC, other threads) the servicer
# works unchanged.
class _MemoJsonFormat:
    """Stands in for ``google.protobuf.json_format`` inside pulumi_policy.policy."""

    def __init__(self, real: Any):
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def MessageToDict(self, message: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return self._real.MessageToDict(message, *args, **kwargs)
        return memo.remembered("dict", message, lambda: self._real.MessageToDict(message))


def _memo_deserialize(real: Any):
    def deserialize_properties(props: Any, proxy_secrets: bool = False) -> Any:
        if proxy_secrets:
            return real(props, proxy_secrets)
        return memo.remembered("props", props, lambda: real(props))

    deserialize_properties.__wrapped__ = real  # type: ignore[attr-defined]
    return deserialize_properties


def _memo_proxy(real: Any):
    def unknown_checking_proxy(props: Any) -> Any:
        return memo.remembered("proxy", props, lambda: real(props))

    unknown_checking_proxy.__wrapped__ = real  # type: ignore[attr-defined]
    return unknown_checking_proxy


def _memo_method(method: Any, tag: str):
    """``method(request)`` memoized per request message inside :func:`converted_once`."""

    def memoized(request: Any) -> Any:
        return memo.remembered(tag, request, lambda: method(request))

    return memoized


def _converting_once(servicer: Any) -> Any:
    """``servicer`` whose per-policy description of a resource's provider and
    options (``_get_provider_resource``, ``_get_resource_options``: one object
    per policy and resource, and a conversion of the provider's properties) is
    made once per request message inside :func:`converted_once`, read-only like
    the properties' view (the other ~20 stack policies read the same objects)."""
    for name in ("_get_provider_resource", "_get_resource_options"):
        method = getattr(servicer, name, None)
        if method is not None:
            setattr(servicer, name, _memo_method(method, name))
    return servicer


def _install_memo() -> None:
    import pulumi_policy.policy as pp

    if not isinstance(pp.json_format, _MemoJsonFormat):
        pp.json_format = _MemoJsonFormat(pp.json_format)
    if not hasattr(pp.deserialize_properties, "__wrapped__"):
        pp.deserialize_properties = _memo_deserialize(pp.deserialize_properties)
    if not hasattr(pp.unknown_checking_proxy, "__wrapped__"):
        pp.unknown_checking_proxy = _memo_proxy(pp.unknown_checking_proxy)


@contextmanager
def converted_once() -> Iterator[None]:
    """Memoize the servicer's protobuf -> dict conversion in this thread for the block."""
    _install_memo()
    with memo.scope():
        yield


_UNKNOWN_PATH = re.compile(r"value at (\S+) can't be known")


def _unknown_path(message: str) -> str:
    """The property path (``.tags``) an engine "can't run policy" message names, or ''."""
    m = _UNKNOWN_PATH.search(message)
    return m.group(1) if m else ""


def _unknown_ja(path: str) -> str:
    path = path or "値"
    return f"プレビュー時点では {path} が確定しないため、このルールを判定できません"
