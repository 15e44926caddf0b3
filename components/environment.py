"""Which environment (production, staging, development) a component is in.

A component used in a vendor's own program decides its environment once, in
this order, and picks the defaults the policy pack accepts for it:

1. the ``env`` argument of the component's args;
2. the stack config: ``gcmod:environment`` (the key gcmod's own stack program
   reads), else ``<project>:environment`` of the vendor's project;
3. the tags given to the component, then the stack's provider default tags
   (``aws:defaultTags``), read with the tag keys the rules read
   (``gcmod:environment``, ``Environment``, ``env``, ``Stage``, ...);
4. the stack name, whole or by its ``-``/``_``/``.``-separated words
   (``saas-prod``, ``town_dev``);
5. otherwise production (the components then tag every resource with it, so
   the pack never meets them as "unknown").

The word -> environment mapping is the rules' own (:func:`environment_from_word`);
the components then tag every resource ``gcmod:environment=<env>``, so the pack
judges them in the environment they were built for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Environment = Literal["production", "staging", "development"]
ENVIRONMENTS: tuple[Environment, ...] = ("production", "staging", "development")
#: What a component assumes without environment evidence (it then tags every resource).
DEFAULT_ENVIRONMENT: Environment = "production"
_WORDS = re.compile(r"[-_.\s/]+")


def _from_rules_table(value: str) -> Environment | None:
    """The rules' own word table (policies/evidence.py)."""
    from gcmod.policies.evidence import environment_from_word as decide

    return decide(value)


#: Word -> environment, decided where the rules decide it (policies/evidence.py).
_RULES_WORD: Callable[[str], Environment | None] = _from_rules_table


def environment_from_word(value: Any) -> Environment | None:
    """The environment a word names (``prod``, ``stg``, ``開発``...), else None."""
    return _RULES_WORD(value) if isinstance(value, str) else None


def _env_tag_keys() -> tuple[str, ...]:
    from gcmod.policies.evidence import ENV_TAG_KEYS, GCMOD_ENV_TAG

    return (GCMOD_ENV_TAG, *ENV_TAG_KEYS)


@dataclass(frozen=True)
class Resolved:
    """The environment and the evidence that decided it (shown in warnings and docs)."""

    environment: Environment
    source: str


def _from_tags(tags: Mapping[str, Any] | None) -> Environment | None:
    if not isinstance(tags, Mapping):
        return None
    from gcmod.policies.evidence import tag_keys

    for key in tag_keys(tags, _env_tag_keys()):  # case-insensitive, as the rules read them
        env = environment_from_word(tags.get(key))
        if env is not None:
            return env
    return None


def _stack_config(key: str) -> str | None:
    import pulumi

    namespace, _, name = key.partition(":")
    return pulumi.Config(namespace).get(name)


def _default_tags() -> Mapping[str, Any] | None:
    raw = _stack_config("aws:defaultTags")
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return None
    tags = value.get("tags") if isinstance(value, Mapping) else None
    return tags if isinstance(tags, Mapping) else None


def resolve_environment(
    explicit: str | None = None, tags: Mapping[str, Any] | None = None
) -> Resolved:
    """Decide the environment (see the module doc for the order).

    Raises ValueError when ``explicit`` is given but names no environment.
    """
    import pulumi

    if explicit is not None:
        env = environment_from_word(explicit)
        if env is None:
            raise ValueError(
                f"environment {explicit!r} is not an environment; allowed: "
                + ", ".join(ENVIRONMENTS)
                + " (or prod, stg, dev, 本番, 検証, 開発)"
            )
        return Resolved(env, "argument")
    for key in ("gcmod:environment", f"{pulumi.get_project()}:environment"):
        raw = _stack_config(key)
        if raw is not None:
            env = environment_from_word(raw)
            if env is None:
                raise ValueError(
                    f"stack config {key} is {raw!r}; allowed: " + ", ".join(ENVIRONMENTS)
                )
            return Resolved(env, f"stack config {key}")
    env = _from_tags(tags)
    if env is not None:
        return Resolved(env, "tags")
    env = _from_tags(_default_tags())
    if env is not None:
        return Resolved(env, "aws:defaultTags")
    stack = pulumi.get_stack()
    for word in (stack, *_WORDS.split(stack)):
        env = environment_from_word(word)
        if env is not None:
            return Resolved(env, f"stack name {stack}")
    return Resolved(DEFAULT_ENVIRONMENT, "default (no evidence: the pack assumes production)")
