"""``AnalyzeStack`` with the stack's resources built once for all stack policies.

pulumi_policy's servicer answers an ``AnalyzeStackRequest`` by building the
whole list of ``PolicyResource`` objects (properties, options, provider,
parent and dependency links) once *per stack policy*: 19 policies × 3,086
resources on the 1,000-tenant stack, about a fifth of that check's CPU.
:func:`analyze_stack` builds the list once and then does, policy by policy,
exactly what the servicer does (enforcement level, violation reporter,
config, stack tags, awaitable results, unknown values during a preview,
not-applicable). Every policy gets the same list (the servicer gives each a
copy; gcmod's policies only read it, and build their view of it once:
:func:`gcmod.policies.pack.stack_view`), so the response is the one ``servicer.AnalyzeStack`` gives:
tests/test_hotpath.py compares the two, message for message, on every sample,
a program with findings and waivers, and a program with unknown values.

It reads the servicer's private attributes, so it is used only with the
pulumi-policy release it was checked against (:data:`CHECKED_RELEASES`); with
any other the servicer's own ``AnalyzeStack`` runs. The pack served over gRPC
(what ``pulumi preview`` talks to) always uses the servicer's own.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
from functools import cache
from inspect import isawaitable
from typing import Any

#: pulumi-policy releases whose ``_PolicyAnalyzerServicer.AnalyzeStack`` this
#: module reproduces (read from its source, pulumi_policy/policy.py).
CHECKED_RELEASES = frozenset({"1.21.0"})


@cache
def supported() -> bool:
    """Whether the installed pulumi-policy is one :func:`analyze_stack` reproduces."""
    try:
        return importlib.metadata.version("pulumi-policy") in CHECKED_RELEASES
    except importlib.metadata.PackageNotFoundError:
        return False


def stack_resources(servicer: Any, request: Any) -> list[Any]:
    """The request's resources as linked ``PolicyResource`` objects, as the
    servicer builds them for each stack policy."""
    import pulumi_policy.policy as pp

    built: list[tuple[Any, str, list[str], dict[str, list[str]]]] = []
    by_urn: dict[str, Any] = {}
    for r in request.resources:
        props = pp.unknown_checking_proxy(
            pp.deserialize_properties(pp.json_format.MessageToDict(r.properties))
        )
        resource = pp.PolicyResource(
            r.type,
            props,
            r.urn,
            r.name,
            servicer._get_resource_options(r),
            servicer._get_provider_resource(r),
            None,
            [],
            {},
        )
        deps = {k: list(v.urns) for k, v in r.propertyDependencies.items()}
        built.append((resource, r.parent, list(r.dependencies), deps))
        by_urn[resource.urn] = resource
    for resource, parent, dependencies, property_dependencies in built:
        if parent is not None and parent in by_urn:
            resource.parent = by_urn[parent]
        resource.dependencies.extend(by_urn[d] for d in dependencies if d in by_urn)
        for key, urns in property_dependencies.items():
            resource.property_dependencies[key] = [by_urn[d] for d in urns if d in by_urn]
    return [resource for resource, *_ in built]


def analyze_stack(servicer: Any, request: Any) -> Any:
    """What ``servicer.AnalyzeStack(request, None)`` answers, the resources built once."""
    if not supported():
        return servicer.AnalyzeStack(request, None)
    import pulumi_policy.policy as pp
    from pulumi_policy import EnforcementLevel, StackValidationArgs, StackValidationPolicy

    servicer._configure_runtime_settings()
    response = pp.proto.AnalyzeResponse()
    resources: list[Any] | None = None
    for policy in servicer._PolicyAnalyzerServicer__policies:
        level = servicer._get_enforcement_level(policy)
        if level == EnforcementLevel.DISABLED or not isinstance(policy, StackValidationPolicy):
            continue
        if level == EnforcementLevel.REMEDIATE:
            level = EnforcementLevel.MANDATORY  # as the servicer: stacks are not remediated
        report = servicer._create_report_violation(
            response, policy.name, policy.description, level, policy.severity
        )
        if resources is None:
            resources = stack_resources(servicer, request)
        args = StackValidationArgs(
            resources,  # one list for all: the pack's policies only read it
            servicer._get_policy_config(policy.name),
            servicer._PolicyAnalyzerServicer__stack_tags,
        )
        try:
            result = policy.validate(args, report)
            if isawaitable(result):
                loop = asyncio.new_event_loop()
                loop.run_until_complete(asyncio.Task(result, loop=loop))
                loop.close()
        except pp.UnknownValueError as e:
            pack = servicer._PolicyAnalyzerServicer__policy_pack_name
            version = servicer._PolicyAnalyzerServicer__policy_pack_version
            response.diagnostics.append(
                pp.proto.AnalyzeDiagnostic(
                    policyName=policy.name,
                    policyPackName=pack,
                    policyPackVersion=version,
                    message=(
                        f"can't run policy '{policy.name}' from policy pack "
                        f"'{pack}@v{version}' during preview: {e.message}"
                    ),
                    urn="",
                    description=policy.description,
                    enforcementLevel=servicer._map_enforcement_level(EnforcementLevel.ADVISORY),
                )
            )
        except pp._NotApplicableError as e:
            response.not_applicable.append(
                pp.proto.PolicyNotApplicable(policy_name=policy.name, reason=e.reason or "")
            )
    return response
