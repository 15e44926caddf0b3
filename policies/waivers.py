"""Waivers: one finding accepted, for a reason, until a date.

Two sources, one meaning (documented in docs/waivers.md):

* the ``gcmod:waive`` tag on the resource itself (the program sets it, the
  deployed resource keeps it, so the audit sees it too)::

      gcmod:waive = "GCM-NET-001:2027-03-31:ALB is reached through the closed network"

  several waivers separated by ``;``; or one per tag key
  ``gcmod:waive:GCM-NET-001 = "2027-03-31:reason"``;
* ``gcmod-waivers.yaml`` next to the stack file (:class:`WaiverFile`): rule,
  resource (logical name or URN, ``*``/``?`` globs), reason, expires,
  approved-by. It reaches the pack through the policy config: every rule's
  ``waivers`` setting (``{"all": {"waivers": [...]}}`` in a
  ``--policy-pack-config`` file; ``gcmod check`` puts it there itself).

A waiver holds through its ``expires`` day (Asia/Tokyo). The pack
(:mod:`gcmod.policies.pack`) reports a waived finding as waived (advisory,
through the ``gcmod-waived`` policies), never hides it; rules GCM-GOV-001 and
GCM-GOV-002 report expired waivers and waivers that waive nothing.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WAIVE_TAG = "gcmod:waive"
#: The file ``gcmod check`` reads next to the stack file.
WAIVER_FILE = "gcmod-waivers.yaml"
TAG_SOURCE = f"tag {WAIVE_TAG}"
#: Rules whose findings cannot be waived (they are about waivers).
UNWAIVABLE_LEVER = "governance"
_RULE_ID = re.compile(r"^GCM-[A-Z]+-\d{3}$")
_TOKYO = dt.timezone(dt.timedelta(hours=9), "JST")


def today() -> dt.date:
    """Today in Asia/Tokyo (Japan has no daylight saving time)."""
    return dt.datetime.now(_TOKYO).date()


@dataclass(frozen=True)
class Waiver:
    """One accepted finding: ``rule`` on the resources ``resource`` names."""

    rule: str
    resource: str
    """Logical name or URN glob; empty for a tag waiver (the tagged resource)."""
    reason: str
    expires: dt.date
    approved_by: str = ""
    source: str = TAG_SOURCE

    def active(self, on: dt.date) -> bool:
        return on <= self.expires

    def matches(self, rule_id: str, name: str, urn: str) -> bool:
        if rule_id.upper() != self.rule.upper():
            return False
        if not self.resource:
            return True
        return fnmatch.fnmatchcase(name, self.resource) or fnmatch.fnmatchcase(urn, self.resource)

    def describe(self, lang: str = "en") -> str:
        by = f", approved by {self.approved_by}" if self.approved_by else ""
        if lang == "ja":
            by = f"、承認者 {self.approved_by}" if self.approved_by else ""
            return f"{self.rule} 免除 ({self.source}{by}、期限 {self.expires}): {self.reason}"
        return f"{self.rule} waived ({self.source}{by}, until {self.expires}): {self.reason}"

    def to_config(self) -> dict[str, Any]:
        """The entry of a rule's ``waivers`` setting (JSON)."""
        return {
            "rule": self.rule,
            "resource": self.resource,
            "reason": self.reason,
            "expires": self.expires.isoformat(),
            "approvedBy": self.approved_by,
            "source": self.source,
        }

    @classmethod
    def from_config(cls, d: Any) -> Waiver | None:
        """A ``waivers`` setting entry; None when it is not one (the pack skips it;
        ``gcmod check`` validated the file before)."""
        if not isinstance(d, Mapping):
            return None
        try:
            return cls(
                rule=str(d["rule"]),
                resource=str(d["resource"]),
                reason=str(d.get("reason") or ""),
                expires=dt.date.fromisoformat(str(d["expires"])),
                approved_by=str(d.get("approvedBy") or ""),
                source=str(d.get("source") or "policy config"),
            )
        except (KeyError, ValueError):
            return None


def waivers_problem(value: Any) -> str | None:
    """Why a ``waivers`` setting value is not a list of waivers (None when it is)."""
    if not isinstance(value, list) or len(value) > 10000:
        return "must be a list of waivers (at most 10000)"
    keys = {"rule", "resource", "reason", "expires", "approvedBy", "source"}
    for i, d in enumerate(value):
        if not isinstance(d, Mapping):
            return f"[{i}]: must be an object with rule, resource, reason, expires, approvedBy"
        extra = sorted(set(d) - keys)
        if extra:
            return f"[{i}].{extra[0]}: unknown key; allowed: " + ", ".join(sorted(keys))
        missing = [k for k in ("rule", "resource", "reason", "expires") if not d.get(k)]
        if missing:
            return f"[{i}]: {missing[0]} is required"
        if Waiver.from_config(d) is None:
            return f"[{i}].expires: {d.get('expires')!r} is not a date (YYYY-MM-DD)"
    return None


def config_waivers(config: Mapping[str, Any]) -> list[Waiver]:
    raw = config.get("waivers") if isinstance(config, Mapping) else None
    out = [Waiver.from_config(d) for d in raw] if isinstance(raw, list) else []
    return [w for w in out if w is not None]


def _tag_entry(text: str, rule: str | None) -> Waiver | str:
    """One tag entry (``RULE:DATE:reason``, or ``DATE:reason`` under a rule's key)
    -> a waiver, or the problem."""
    parts = text.strip().split(":", 1 if rule else 2)
    if rule is None:
        if len(parts) < 3:
            return f"{text.strip()!r} is not RULE:YYYY-MM-DD:reason"
        rule, parts = parts[0].strip().upper(), parts[1:]
    if len(parts) < 2 or not parts[1].strip():
        return f"{text.strip()!r}: needs YYYY-MM-DD:reason (a waiver without a reason)"
    if not _RULE_ID.match(rule):
        return f"{rule!r} is not a rule id (GCM-XXX-000)"
    try:
        expires = dt.date.fromisoformat(parts[0].strip())
    except ValueError:
        return f"{parts[0].strip()!r} is not a date (YYYY-MM-DD)"
    return Waiver(rule=rule, resource="", reason=parts[1].strip(), expires=expires)


def tag_waivers(tags: Mapping[str, Any]) -> tuple[list[Waiver], list[str]]:
    """The waivers a resource's own tags declare, and the entries that cannot be read."""
    waivers: list[Waiver] = []
    problems: list[str] = []
    for key in sorted(k for k in tags if isinstance(k, str) and k.startswith(WAIVE_TAG)):
        value = tags[key]
        rule: str | None = None
        if key != WAIVE_TAG:
            if not key.startswith(WAIVE_TAG + ":"):
                continue
            rule = key[len(WAIVE_TAG) + 1 :].strip().upper()
        if not isinstance(value, str):
            problems.append(f"{key}: not a text value")
            continue
        for entry in value.split(";") if rule is None else [value]:
            if not entry.strip():
                continue
            got = _tag_entry(entry, rule)
            (waivers if isinstance(got, Waiver) else problems).append(
                got if isinstance(got, Waiver) else f"{key}: {got}"
            )
    return waivers, problems


def find(
    waivers: Iterable[Waiver], rule_id: str, name: str, urn: str
) -> tuple[Waiver | None, Waiver | None]:
    """(the active waiver that holds, else None; an expired one that matched, else None)."""
    on = today()
    active = expired = None
    for w in waivers:
        if not w.matches(rule_id, name, urn):
            continue
        if w.active(on):
            if active is None or w.expires > active.expires:
                active = w
        elif expired is None:
            expired = w
    return active, expired


# ---------------------------------------------------------------------------
# gcmod-waivers.yaml
# ---------------------------------------------------------------------------
def _models():
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class WaiverEntry(BaseModel):
        """One waiver of ``gcmod-waivers.yaml``."""

        model_config = ConfigDict(extra="forbid", populate_by_name=True)
        rule: str = Field(description="Rule id, e.g. GCM-NET-001 (see `gcmod rules`).")
        resource: str = Field(
            min_length=1,
            description="Logical name or URN of the resource; * and ? match any text.",
        )
        reason: str = Field(min_length=1, description="Why the finding is accepted.")
        expires: dt.date = Field(description="Last day the waiver holds (YYYY-MM-DD, JST).")
        approved_by: str = Field(
            alias="approved-by", min_length=1, description="Who accepted it."
        )

        @field_validator("rule")
        @classmethod
        def _rule_id(cls, v: str) -> str:
            from gcmod.policies.model import all_rules

            v = v.strip().upper()
            known = {r.id for r in all_rules()}
            if v not in known:
                raise ValueError(f"no rule {v!r}; see `gcmod rules` for the ids")
            return v

    class WaiverFile(BaseModel):
        """``gcmod-waivers.yaml``: ``waivers:`` list."""

        model_config = ConfigDict(extra="forbid")
        waivers: list[WaiverEntry] = Field(default_factory=list)

    return WaiverFile


def load_waiver_file(path: Path) -> list[Waiver]:
    """Read and validate a waiver file; a bad file is a ConfigError naming key and value."""
    from pydantic import ValidationError

    from gcmod.config import ConfigError, read_yaml

    source = str(path)
    doc = read_yaml(path, "waiver file")
    if doc is None:
        return []
    try:
        parsed = _models().model_validate(doc)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            where = "".join(
                f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"]
            ).lstrip(".") or "(top)"
            got = "" if e["type"] == "missing" else f" (got {e.get('input')!r})"
            problems.append(
                f"{where}: {e['msg']}{got}; keys of a waiver: "
                "rule, resource, reason, expires, approved-by"
            )
        raise ConfigError(source, problems) from None
    return [
        Waiver(
            rule=e.rule,
            resource=e.resource,
            reason=e.reason,
            expires=e.expires,
            approved_by=e.approved_by,
            source=path.name,
        )
        for e in parsed.waivers
    ]


def _own_tags(res: Any) -> Mapping[str, Any]:
    """A resource's own ``tags`` input (an unknown value: none can be read)."""
    if res is None:
        return {}
    try:
        tags = res.props.get("tags")
        return dict(tags) if isinstance(tags, Mapping) else {}
    except Exception:  # unknown tags: no waiver can be read from them
        return {}


def waiver_for(rule: Any, res: Any, urn: str, file_waivers: list[Waiver]) -> Waiver | None:
    """The waiver in date that accepts ``rule``'s finding on ``res`` (a
    :class:`~gcmod.policies.model.Res`: its own ``gcmod:waive`` tags, then the
    config's file waivers), or None. Rules about waivers are never waived. The one
    decision the pack (:mod:`gcmod.policies.pack`) and the audit share."""
    if rule.lever == UNWAIVABLE_LEVER:
        return None
    name = res.name if res is not None else ""
    return find(tag_waivers(_own_tags(res))[0] + file_waivers, rule.id, name, urn)[0]
