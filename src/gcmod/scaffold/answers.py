"""The choices a vendor makes when scaffolding a project (``gcmod new``).

:class:`Answers` is validated with the stack schema itself: for each chosen
environment it builds the :class:`gcmod.config.StackConfig` the project will
hold, so a business, domain, region or tenant list the stacks would refuse is
refused here first, with the same message.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from gcmod import reference as ref
from gcmod.config import ConfigError, Environment, StackConfig, Tenant

SizeBand = Literal["designated-city", "core-city", "city", "town-village"]
"""Municipality size bands (:data:`gcmod.reference.MUNICIPALITY_CLASSES`)."""

#: ``--size auto``: the band of the tenants' total population (``size`` left unset).
AUTO_SIZE = "auto"

ENVIRONMENTS: tuple[str, ...] = ("production", "staging", "development")
"""The environments a stack can be (:data:`gcmod.config.Environment`), in order."""

#: A Pulumi project name: "alphanumeric characters, hyphens, underscores, and
#: periods" (Pulumi project file reference, ``name``; checked 2026-11), at most 100.
PROJECT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
PROJECT_RULE = "1-100 letters, digits, '-', '_' or '.', starting with a letter or digit"

#: Command-line flag of each answer, for messages.
FLAGS: dict[str, str] = {
    "project": "--name",
    "business": "--business",
    "size": "--size",
    "tenants": "--tenant",
    "environments": "--env",
    "domain": "--domain",
    "region": "--region",
}


class ScaffoldError(ConfigError):
    """Answers, a template name or a destination that cannot be used (exit 2)."""

    def __init__(self, problems: list[str], source: str = "gcmod new"):
        super().__init__(source, problems)


class Answers(BaseModel):
    """A vendor's choices for a new project. Unknown keys are errors."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, use_attribute_docstrings=True
    )

    project: str = Field(pattern=PROJECT_PATTERN)
    """Pulumi project name / プロジェクト名 (letters, digits, ``-``, ``_``, ``.``;
    also the ``CostCenter`` tag). Flag ``--name``."""
    business: str
    """Standard business system / 標準化対象業務: one of the 20 standardised
    businesses, e.g. ``jumin-kihon-daicho``. Flag ``--business``."""
    size: SizeBand | None = None
    """Size band / 規模 that sizes the service and database: ``designated-city``,
    ``core-city``, ``city`` or ``town-village``. @default the band of the tenants'
    total population (``auto``). Flag ``--size``."""
    tenants: tuple[Tenant, ...] = Field(min_length=1)
    """Municipalities served / 利用団体: name, six-digit local government code
    with its check digit, population. Flag ``--tenant NAME:CODE:POPULATION``."""
    environments: tuple[Environment, ...] = Field(min_length=1)
    """Environments / 環境, one stack each: production, staging, development.
    Flag ``--env``."""
    domain: str
    """Domain / ドメイン under which tenants get host names (staging and
    development use ``stg.`` and ``dev.`` below it). Flag ``--domain``."""
    region: str = ref.PRIMARY_REGION
    """AWS region / リージョン the stacks run in; backups are copied to the other
    Japan region. @default ap-northeast-1 (Tokyo). Flag ``--region``."""

    @field_validator("size", mode="before")
    @classmethod
    def _auto_size(cls, v: Any) -> Any:
        return None if v == AUTO_SIZE else v

    @field_validator("environments")
    @classmethod
    def _unique_envs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        dup = sorted({e for e in v if v.count(e) > 1})
        if dup:
            raise ValueError(f"environment(s) given twice: {', '.join(dup)}")
        return tuple(sorted(v, key=ENVIRONMENTS.index))

    @model_validator(mode="after")
    def _as_stacks(self) -> Answers:
        """Validate business, domain, region and tenants with the stack schema."""
        answered = {"system": "business", "dr": "region"}
        problems: list[str] = []
        for env in self.environments:
            try:
                StackConfig.model_validate(self.stack_fields(env))
            except ValidationError as exc:
                for e in exc.errors():
                    field = answered.get(str(e["loc"][0]), str(e["loc"][0]))
                    value = getattr(self, field, None)
                    got = f" (got {_show(value)})" if isinstance(value, str) else ""
                    msg = f"{field} ({FLAGS[field]}): {_message(e)}{got}"
                    if msg not in problems:
                        problems.append(msg)
        if problems:
            raise ValueError(_JOIN.join(problems))
        return self

    # -- derived ----------------------------------------------------------
    @property
    def population(self) -> int:
        """Residents served, all tenants together."""
        return sum(t.population for t in self.tenants)

    @property
    def size_band(self) -> str:
        """The size band: :attr:`size`, else the band of the total population."""
        from gcmod.cost.usage import band_of

        return self.size or band_of(self.population)

    def env_domain(self, environment: str) -> str:
        """The domain of one environment's stack."""
        prefix = {"production": "", "staging": "stg.", "development": "dev."}[environment]
        return prefix + self.domain

    def stack_fields(self, environment: str) -> dict[str, Any]:
        """The answered part of one environment's StackConfig (by field name)."""
        return {
            "environment": environment,
            "system": self.business,
            "region": self.region,
            "domain": self.env_domain(environment),
            "tenants": self.tenants,
            "dr": {"region": ref.dr_partner(self.region)},
        }


_JOIN = "\n"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _message(err: Mapping[str, Any]) -> str:
    """A pydantic error's message in the words the stack schema uses."""
    kind, field = err["type"], str(err["loc"][0]) if err["loc"] else ""
    if kind == "extra_forbidden":
        return "unknown answer; allowed: " + ", ".join(Answers.model_fields)
    if kind == "literal_error" and field == "size":
        bands = ", ".join(ref.MUNICIPALITY_CLASSES)
        return f"must be one of {bands}, or {AUTO_SIZE} (the band of the total population)"
    if kind == "literal_error":
        return "must be one of " + ", ".join(ENVIRONMENTS)
    if kind == "string_pattern_mismatch" and field == "project":
        return f"must be {PROJECT_RULE}"
    if kind == "too_short":
        return "at least one is needed"
    if kind == "missing":
        return "required"
    return str(err["msg"]).removeprefix("Value error, ")


def describe_errors(exc: ValidationError) -> list[str]:
    """One message per problem, naming the answer, its flag and the value."""
    errors = exc.errors()
    # A list whose items failed is not also "too short".
    failed_items = {e["loc"][0] for e in errors if len(e["loc"]) > 1}
    out: list[str] = []
    for e in errors:
        loc = e["loc"]
        if not loc:
            out += _message(e).split(_JOIN)
            continue
        if e["type"] == "too_short" and loc[0] in failed_items:
            continue
        field = str(loc[0])
        where = field + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:])
        flag = FLAGS.get(field)
        label = f"{where} ({flag})" if flag else where
        shown = e["type"] not in ("missing", "extra_forbidden", "too_short") and not isinstance(
            e["input"], (dict, BaseModel)
        )
        got = f" (got {_show(e['input'])})" if shown else ""
        out.append(f"{label}: {_message(e)}{got}")
    return out


TENANT_SPEC = "NAME:CODE:POPULATION"
TENANT_EXAMPLE = "小樽市:012033:107000"


def parse_tenant(spec: str, flag: str = "--tenant") -> dict[str, Any]:
    """``NAME:CODE:POPULATION`` -> a tenant mapping (validated with the answers).
    Full-width colons and digits, as a Japanese input method types them, are read too."""
    expected = f"expected {TENANT_SPEC}, e.g. {TENANT_EXAMPLE}"
    parts = spec.replace("：", ":").rsplit(":", 2)
    if len(parts) != 3:
        raise ScaffoldError([f"{flag} {spec!r}: {expected}"])
    name, code, raw = (p.strip() for p in parts)
    population = raw.replace(",", "").replace("_", "")
    if not name:
        raise ScaffoldError([f"{flag} {spec!r}: NAME is empty; {expected}"])
    if not population.isdecimal():  # also full-width digits, which int() reads
        why = f"POPULATION must be a whole number above 0 (got {raw!r})"
        raise ScaffoldError([f"{flag} {spec!r}: {why}; {expected}"])
    # the code as ASCII digits: it becomes the tenant's DNS host name
    code = unicodedata.normalize("NFKC", code)
    return {"name": name, "code": code, "population": int(population)}


def tenant_spec(t: Tenant) -> str:
    """A tenant as ``NAME:CODE:POPULATION`` (the form :func:`parse_tenant` reads)."""
    return f"{t.name}:{t.code}:{t.population}"


def parse_answers(data: Mapping[str, Any], source: str = "gcmod new") -> Answers:
    """Validate a mapping of answers; a :class:`ScaffoldError` lists every problem."""
    try:
        return Answers.model_validate(dict(data))
    except ValidationError as exc:
        raise ScaffoldError(describe_errors(exc), source) from None
