"""What a rule is, and the view of a resource every runner gives it.

A rule is one small unit: metadata (id, titles, severity, enforcement,
rationale citing the guidance, remediation, settings) and one ``check``
function. The same function decides under ``pulumi preview --policy-pack``,
under ``gcmod check`` (offline) and in the audit of a deployed account,
because all three reach it through the same CrossGuard adapter
(:mod:`gcmod.policies.pack`), each handing it a :class:`Res`.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from gcmod.policies.evidence import Decided

Severity = Literal["low", "medium", "high", "critical"]
Enforcement = Literal["mandatory", "advisory", "disabled"]
Scope = Literal["resource", "stack"]
Environment = Literal["production", "staging", "development"]

#: The guidance's levers (Digital Agency cost-optimisation approach guide v1.0,
#: 2025-03-24, as summarised in the source deck, 2025-10), plus the security
#: and tagging baselines the rules also enforce.
LEVERS: dict[str, tuple[str, str]] = {
    "sizing": ("インスタンスの選択とサイズ", "Instance selection and size (lever 1)"),
    "operating-hours": ("稼働時間", "Operating hours (lever 2)"),
    "managed-services": ("マネージドサービスの活用", "Managed services (lever 3)"),
    "storage": ("ストレージの種類と容量", "Storage type and capacity (lever 4)"),
    "dr": ("DR構成", "DR configuration (lever 5)"),
    "logs": ("ログの保存", "Log retention"),
    "multi-tenancy": ("マルチテナント (公共SaaS)", "Multi-tenancy (public SaaS)"),
    "tagging": ("コスト配分タグ", "Cost allocation"),
    "security": ("セキュリティ", "Security baseline"),
    "reliability": ("信頼性", "Reliability"),
    "governance": ("免除の管理", "Waivers (accepted findings)"),
}


@dataclass(frozen=True)
class Text:
    """A user-facing text in both languages: rule texts and findings, and the
    estimate's line descriptions and notes (``gcmod.cost.phrase.Phrase``).

    Pieces join with ``+`` (a plain ``str`` is data, the same in both languages)."""

    en: str
    ja: str

    @classmethod
    def same(cls, text: str) -> Text:
        """Data written the same in both languages (a name, an id, a number)."""
        return cls(text, text)

    def __call__(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en

    pick = __call__

    def __add__(self, other: Text | str) -> Text:
        o = other if isinstance(other, Text) else Text.same(other)
        return Text(self.en + o.en, self.ja + o.ja)

    def __radd__(self, other: str) -> Text:
        return Text.same(other) + self

    def __bool__(self) -> bool:
        return bool(self.en or self.ja)

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True)
class Setting:
    """A threshold the pack's config can change (JSON-schema typed)."""

    name: str
    type: Literal["number", "integer", "boolean", "string", "object", "array"]
    default: Any
    description: str
    choices: tuple[str, ...] = ()
    """For a string: the values allowed (empty: any string)."""

    def schema(self) -> dict[str, Any]:
        out = {"type": self.type, "default": self.default, "description": self.description}
        if self.choices:
            out["enum"] = list(self.choices)
        return out


@dataclass(frozen=True)
class Finding:
    """One violation: a bilingual message, and the resource it is about."""

    message: Text
    urn: str | None = None


@dataclass
class Res:
    """A resource as rules see it, whichever runner feeds it.

    ``props`` are the resource's inputs as the engine sends them (camelCase,
    wrapped so that reading an unknown value raises, as under the engine).
    """

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    region: str | None = None
    """Where the resource is created, as :func:`gcmod.policies.evidence.region_of`
    decides it (the runner sets it)."""
    parent: Res | None = None
    dependencies: list[Res] = field(default_factory=list)
    provider_props: Mapping[str, Any] = field(default_factory=dict)
    """Inputs of the resource's provider (region, defaultTags, ...)."""
    provider_name: str | None = None
    """Logical name of the resource's provider (the engine names its default
    providers ``default`` or ``default_<version>``)."""
    property_dependencies: Mapping[str, list[Res]] = field(default_factory=dict)
    """Per top-level input, the resources its value came from (stack rules only;
    empty where the runner knows none, e.g. the audit)."""

    def get(self, path: str, default: Any = None) -> Any:
        """Prop at a dotted path; ``default`` when absent (unknown still raises)."""
        cur: Any = self.props
        for part in path.split("."):
            if isinstance(cur, Mapping) and part in cur:
                cur = cur[part]
            elif isinstance(cur, Sequence) and not isinstance(cur, str) and part.isdigit():
                idx = int(part)
                if idx >= len(cur):
                    return default
                cur = cur[idx]
            else:
                return default
            if cur is None:
                return default
        return cur

    @property
    def tags(self) -> Mapping[str, Any]:
        """The resource's own ``tags`` input; an Auto Scaling group's list of
        ``{key, value, propagateAtLaunch}`` is read as the mapping it stands for."""
        t = self.props.get("tags")
        if isinstance(t, Mapping):
            return t
        if isinstance(t, Sequence) and not isinstance(t, str):
            out: dict[str, Any] = {}
            for item in t:
                if isinstance(item, Mapping) and isinstance(item.get("key"), str):
                    out[item["key"]] = item.get("value")
            return out
        return {}

    @property
    def effective_tags(self) -> Mapping[str, Any]:
        """Tags the resource ends up with: its provider's ``defaultTags`` (mapping or
        the JSON string pulumi-aws sends), then its own."""
        from gcmod.policies.evidence import provider_default_tags

        # A lazy view: values are read only when asked for, so an unknown tag
        # value raises only for the rule that needs it (as under the engine).
        return ChainMap(self.tags, provider_default_tags(self.provider_props))  # type: ignore[arg-type]

    def ancestors(self) -> Iterator[Res]:
        cur = self.parent
        while cur is not None:
            yield cur
            cur = cur.parent


@dataclass(frozen=True)
class Ctx:
    """What a check knows besides the resource: its rule's settings."""

    rule: Rule
    config: Mapping[str, Any]

    def setting(self, name: str) -> Any:
        if name in self.config:
            return self.config[name]
        for s in self.rule.settings:
            if s.name == name:
                return s.default
        raise KeyError(f"rule {self.rule.id} has no setting {name!r}")

    def environment(self, res: Res) -> Environment:
        """The resource's environment (:func:`gcmod.policies.evidence.environment_of`);
        when no evidence decides, the rule's :attr:`Rule.unknown_environment` (the
        stricter case for that rule)."""
        decided = self.environment_decided(res)
        return decided.value if decided.value is not None else self.rule.unknown_environment

    def environment_decided(self, res: Res) -> Decided[Environment]:
        """The resource's environment with the evidence that decided it (None: unknown)."""
        from gcmod.policies.evidence import environment_of

        return environment_of(res, self.config)

    def per_environment(self, name: str, res: Res) -> Any:
        """A setting that maps environment -> value."""
        table = self.setting(name)
        return table[self.environment(res)]


ResourceCheck = Callable[[Res, Ctx], Iterable[Finding]]
StackCheck = Callable[[Sequence[Res], Ctx], Iterable[Finding]]

#: Settings every rule accepts.
COMMON_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "environment",
        "string",
        "",
        "Environment of every resource of the stack (production, staging or development), "
        "overriding tags and the stack name; empty: decided from the evidence (see "
        "'How gcmod decides the environment, region and schedule of a resource').",
        choices=("", "production", "staging", "development"),
    ),
    Setting(
        "defaultEnvironment",
        "string",
        "",
        "Environment assumed when no tag, provider default tag or stack name names one "
        "(production, staging or development); empty: unknown, and each rule judges as the "
        "stricter environment.",
        choices=("", "production", "staging", "development"),
    ),
    Setting(
        "waivers",
        "array",
        [],
        "Accepted findings: objects with rule, resource (logical name or URN glob), "
        "reason, expires (YYYY-MM-DD) and approvedBy; gcmod check fills it from "
        "gcmod-waivers.yaml (docs/waivers.md).",
    ),
)


@dataclass(frozen=True)
class Rule:
    """One policy, checkov/Custodian style."""

    id: str
    """Stable id, e.g. ``GCM-COST-001``; also the policy name (lower case)."""
    title: Text
    severity: Severity
    enforcement: Enforcement
    lever: str
    rationale: Text
    """Why, citing the guidance."""
    remediation: Text
    check: ResourceCheck | StackCheck
    scope: Scope = "resource"
    resource_types: tuple[str, ...] = ()
    """Type tokens a resource rule looks at (empty: every resource)."""
    settings: tuple[Setting, ...] = ()
    unknown_environment: Environment = "production"
    """The environment the rule judges a resource as when no evidence names one:
    the stricter case for this rule (production for rules that relax outside it)."""

    @property
    def policy_name(self) -> str:
        return self.id.lower()

    def applies_to(self, type_token: str) -> bool:
        return not self.resource_types or type_token in self.resource_types

    def all_settings(self) -> tuple[Setting, ...]:
        return COMMON_SETTINGS + self.settings


_REGISTRY: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add a rule to the catalogue (ids are unique and never reused)."""
    if rule.id in _REGISTRY:
        raise ValueError(f"duplicate rule id {rule.id}")
    if rule.lever not in LEVERS:
        raise ValueError(f"{rule.id}: unknown lever {rule.lever!r}")
    _REGISTRY[rule.id] = rule
    return rule


def rule(**meta: Any) -> Callable[[Callable[..., Iterable[Finding]]], Rule]:
    """Decorator: ``@rule(id=..., title=Text(...), ...)`` over the check function."""

    def wrap(fn: Callable[..., Iterable[Finding]]) -> Rule:
        return register(Rule(check=fn, **meta))

    return wrap


def all_rules() -> list[Rule]:
    """Every registered rule, in id order (imports the rule modules)."""
    from gcmod.policies import rules  # noqa: F401  (registers the rules)

    return sorted(_REGISTRY.values(), key=lambda r: r.id)


def get_rule(rule_id: str) -> Rule:
    all_rules()
    return _REGISTRY[rule_id.upper()]
