"""The one place that decides a resource's environment, region and provider.

Rules never read an environment tag, a provider name or a region themselves:
they ask this module, which weighs the evidence in a documented order and
says which evidence decided (``tag Environment=development``), so a report can
show an auditor why a rule judged as it did.

Environment, first evidence that names one wins:

1. the policy config's ``environment`` setting (forces it for the stack);
2. gcmod's tag ``gcmod:environment`` on the resource;
3. a common tag on the resource (:data:`ENV_TAG_KEYS`, key case-insensitive),
   whose value names an environment (:func:`environment_from_word`);
4. the same tags in its provider's ``defaultTags`` (a mapping, or the JSON
   string pulumi-aws sends for an explicit provider);
5. the stack name (``saas-prod``, ``dev``: each ``-``/``_``/``.`` part);
6. the policy config's ``defaultEnvironment``;
7. else *unknown*: each rule then judges as the stricter of the environments
   it could be (:attr:`Rule.unknown_environment`), and the report says so.

Region: the resource's own ``region`` input (pulumi-aws 7), else its
provider's ``region``, else unknown. The provider is the engine's *default*
provider only when its logical name is ``default`` or ``default_<version>``
(the names the engine gives the providers it creates); an explicit provider
named ``default-osaka`` is an explicit provider.

Schedule: whether something in the stack stops and starts the resource is decided
by :func:`gcmod.policies.schedules.schedule_of` (re-exported here), in the order
that module documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pulumi_policy.proxy import UnknownValueError

from gcmod.policies.model import Environment, Text
from gcmod.policies.schedules import ScheduleDecision, schedule_of

__all__ = [
    "Decided", "Provider", "ScheduleDecision", "environment_from_name", "environment_from_word",
    "environment_of", "in_stack_region", "is_default_provider_name", "provider_of", "region_of",
    "schedule_of", "tag_keys",
]  # fmt: skip

if TYPE_CHECKING:
    from gcmod.policies.model import Res

T = TypeVar("T")

#: gcmod's own environment tag (written by its components).
GCMOD_ENV_TAG = "gcmod:environment"
#: Tag keys vendors use for the environment, matched case-insensitively.
ENV_TAG_KEYS: tuple[str, ...] = ("Environment", "Env", "Stage", "Environ", "環境")
#: Cost-allocation concepts and the tag keys that carry them (case-insensitive):
#: gcmod's key first, then the keys vendors commonly use.
TAG_ALIASES: dict[str, tuple[str, ...]] = {
    "system": ("gcmod:system", "System", "SystemName", "Application", "App", "Service",
               "Project", "システム", "システム名"),
    "environment": (GCMOD_ENV_TAG, *ENV_TAG_KEYS),
    "tenant": ("gcmod:tenant", "Tenant", "TenantId", "Municipality", "LocalGovernment",
               "Customer", "自治体", "テナント"),
}  # fmt: skip
#: Environment words (case-insensitive) -> environment.
ENV_WORDS: dict[str, Environment] = {
    "production": "production", "prod": "production", "prd": "production",
    "live": "production", "本番": "production", "本番環境": "production",
    "staging": "staging", "stage": "staging", "stg": "staging", "stag": "staging",
    "preprod": "staging", "pre-production": "staging", "検証": "staging",
    "検証環境": "staging", "ステージング": "staging",
    "development": "development", "dev": "development", "develop": "development",
    "test": "development", "testing": "development", "tst": "development", "sandbox": "development",
    "開発": "development", "開発環境": "development", "テスト": "development",
    "テスト環境": "development",
}  # fmt: skip
#: Environments from the strictest for cost rules that relax outside production.
ENVIRONMENTS: tuple[Environment, ...] = ("production", "staging", "development")
#: Names the engine gives the default providers it creates: ``default`` or
#: ``default_<major>_<minor>_<patch>[_<pre>][_<build>][_<download url>]``
#: (pulumi/pkg/resource/deploy/providers: ProviderRequest.DefaultName).
_DEFAULT_PROVIDER_NAME = re.compile(r"default(_\d+_\d+_\d+(_\w+)*)?")
_NAME_PARTS = re.compile(r"[-_./\s]+")


@dataclass(frozen=True)
class Decided(Generic[T]):
    """A decided value (None: unknown) and the evidence that decided it."""

    value: T | None
    source: Text
    """Which evidence decided, e.g. ``tag Environment=development``."""

    @property
    def known(self) -> bool:
        return self.value is not None

    def shown(self, lang: str = "en") -> str:
        """``development (tag Environment=development)`` for reports."""
        value = self.value if self.value is not None else ("不明" if lang == "ja" else "unknown")
        return f"{value} ({self.source(lang)})"


@dataclass(frozen=True)
class Provider:
    """The provider a resource is created through."""

    name: str | None
    """Logical name (None: the runner gave none, i.e. the engine's default)."""
    default: bool
    """The engine's default provider (configured from the stack's ``aws:*`` keys)."""
    region: str | None
    default_tags: Mapping[str, Any]

    def label(self) -> str:
        return "default provider" if self.default else f"provider {self.name}"

    def label_ja(self) -> str:
        return "デフォルトプロバイダー" if self.default else f"プロバイダー {self.name}"


# ---------------------------------------------------------------------------
# Words and names
# ---------------------------------------------------------------------------
def environment_from_word(value: str) -> Environment | None:
    """The environment a word names (``PROD``, ``development``, ``本番``, ``stg``),
    case-insensitive and ignoring surrounding spaces; None when it names none."""
    if not isinstance(value, str):
        return None
    return ENV_WORDS.get(value.strip().lower())


def environment_from_name(name: str) -> Environment | None:
    """The environment a name such as a stack name names: the whole name, else
    the last of its ``-``/``_``/``.`` parts that is an environment word
    (``saas-prod`` -> production, ``jumin_dev_01`` -> development)."""
    whole = environment_from_word(name)
    if whole is not None:
        return whole
    found = [e for e in (environment_from_word(p) for p in _NAME_PARTS.split(name)) if e]
    return found[-1] if found else None


def is_default_provider_name(name: str | None) -> bool:
    """Whether a provider's logical name is one the engine gives a default provider."""
    return name is None or _DEFAULT_PROVIDER_NAME.fullmatch(name) is not None


def stack_of(urn: str) -> str | None:
    """The stack name in a URN (``urn:pulumi:<stack>::<project>::...``)."""
    if not urn.startswith("urn:pulumi:"):
        return None
    stack, sep, _ = urn[len("urn:pulumi:") :].partition("::")
    return stack if sep and stack else None


# ---------------------------------------------------------------------------
# Provider
# ---------------------------------------------------------------------------
def _as_mapping(value: Any) -> Mapping[str, Any]:
    """A mapping, or the mapping a JSON object string holds (pulumi-aws sends an
    explicit provider's object inputs as JSON strings); else empty."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def provider_default_tags(provider_props: Mapping[str, Any]) -> Mapping[str, Any]:
    """``defaultTags.tags`` of a provider's inputs, in the mapping or JSON-string form.
    An unknown value counts as no default tags (it cannot be evidence)."""
    try:
        default = _as_mapping(provider_props.get("defaultTags"))
        tags = _as_mapping(default.get("tags"))
    except UnknownValueError:
        return {}
    return tags


def _provider_region(provider_props: Mapping[str, Any]) -> str | None:
    try:
        region = provider_props.get("region")
    except UnknownValueError:
        region = None
    return region if isinstance(region, str) and region and region != "<unknown>" else None


def provider_of(res: Res) -> Provider:
    """The resource's provider: its name, whether it is the engine's default one,
    its region and its default tags."""
    return Provider(
        name=res.provider_name,
        default=is_default_provider_name(res.provider_name),
        region=_provider_region(res.provider_props),
        default_tags=provider_default_tags(res.provider_props),
    )


# ---------------------------------------------------------------------------
# Region
# ---------------------------------------------------------------------------
def _own_region(res: Res) -> str | None:
    try:
        value = res.props.get("region")
    except UnknownValueError:
        return None
    return value if isinstance(value, str) and value and value != "<unknown>" else None


def region_of(res: Res) -> Decided[str]:
    """Where the resource is created: its own ``region`` input (pulumi-aws 7), else
    its provider's region (the default provider's is the stack's ``aws:region``),
    else unknown."""
    own = _own_region(res)
    if own is not None:
        return Decided(own, Text(f"input region={own}", f"入力 region={own}"))
    p = provider_of(res)
    if p.region is not None:
        if p.default:
            return Decided(
                p.region,
                Text(
                    f"stack aws:region={p.region} (default provider)",
                    f"スタックの aws:region={p.region} (デフォルトプロバイダー)",
                ),
            )
        return Decided(
            p.region,
            Text(
                f"provider {p.name} region={p.region}",
                f"プロバイダー {p.name} の region={p.region}",
            ),
        )
    return Decided(
        None,
        Text(
            f"unknown: {p.label()} sets no known region",
            f"不明: {p.label_ja()} に確定した region がありません",
        ),
    )


def region_value(res: Res) -> str | None:
    """``region_of(res).value`` without the evidence text (the runners set
    :attr:`Res.region` from it for every resource, once per stack policy)."""
    return _own_region(res) or _provider_region(res.provider_props)


def in_stack_region(res: Res) -> bool:
    """Whether the resource lives in the stack's own region: it is created through
    the default provider and its own ``region`` input, if any, is that provider's."""
    p = provider_of(res)
    if not p.default:
        return False
    own = _own_region(res)
    return own is None or p.region is None or own == p.region


# ---------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------
def _keys(tags: Mapping[str, Any]) -> list[str]:
    try:
        return [k for k in tags if isinstance(k, str)]
    except UnknownValueError:
        return []


def _from_tags(
    tags: Mapping[str, Any], where_en: str, where_ja: str
) -> Decided[Environment] | None:
    """The environment ``tags`` name: gcmod's key first, then the common keys in
    :data:`ENV_TAG_KEYS` order (case-insensitive). Reading an unknown value of a
    key that could decide raises UnknownValueError, as the engine does."""
    keys = _keys(tags)
    ordered = [k for k in keys if k == GCMOD_ENV_TAG]
    lowered = {k.lower(): k for k in keys}
    ordered += [lowered[c.lower()] for c in ENV_TAG_KEYS if c.lower() in lowered]
    for key in ordered:
        value = tags[key]
        env = environment_from_word(value) if isinstance(value, str) else None
        if env is not None:
            return Decided(env, Text(f"{where_en}{key}={value}", f"{where_ja}{key}={value}"))
    return None


def _config_env(config: Mapping[str, Any], name: str) -> Environment | None:
    value = config.get(name)
    return environment_from_word(value) if isinstance(value, str) and value.strip() else None


def environment_of(res: Res, config: Mapping[str, Any] | None = None) -> Decided[Environment]:
    """The resource's environment and the evidence that decided it (module
    docstring gives the order). ``config`` is the rule's policy config."""
    config = config or {}
    forced = _config_env(config, "environment")
    if forced is not None:
        return Decided(
            forced,
            Text(
                f"policy config environment={config['environment']}",
                f"ポリシー設定 environment={config['environment']}",
            ),
        )
    found = _from_tags(res.tags, "tag ", "タグ ")
    if found is not None:
        return found
    p = provider_of(res)
    found = _from_tags(
        p.default_tags, f"{p.label()} defaultTags ", f"{p.label_ja()} の defaultTags "
    )
    if found is not None:
        return found
    stack = stack_of(res.urn)
    env = environment_from_name(stack) if stack else None
    if env is not None:
        return Decided(env, Text(f"stack name {stack}", f"スタック名 {stack}"))
    fallback = _config_env(config, "defaultEnvironment")
    if fallback is not None:
        return Decided(
            fallback,
            Text(
                f"policy config defaultEnvironment={config['defaultEnvironment']}",
                f"ポリシー設定 defaultEnvironment={config['defaultEnvironment']}",
            ),
        )
    return Decided(
        None,
        Text(
            "unknown: no environment tag, provider default tag, stack name or config names one",
            "不明: 環境を示すタグ・プロバイダーの既定タグ・スタック名・設定がありません",
        ),
    )


def tag_keys(tags: Mapping[str, Any], keys: Sequence[str]) -> list[str]:
    """The keys of ``tags`` that match ``keys`` (case-insensitive), in ``keys`` order."""
    lowered: dict[str, list[str]] = {}
    for k in _keys(tags):
        lowered.setdefault(k.lower(), []).append(k)
    return [found for key in keys for found in lowered.get(key.lower(), [])]
