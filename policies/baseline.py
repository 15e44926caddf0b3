"""Finding baselines: adopt a program or an estate gradually.

``--write-baseline FILE`` records the findings of a run; ``--baseline FILE``
then reports (and fails on) only findings not in it. A finding is identified
by its fingerprint (:func:`gcmod.policies.report.fingerprint`): the rule and
the resource's URN in a program (``gcmod check``), its ARN (or account,
region and id) in an account (``gcmod audit``). Messages do not count, so a
changed threshold does not make an old finding new. (Not the lift-and-shift
cost baseline of :mod:`gcmod.cost.baseline`.)

File (JSON, sorted, so it diffs well in review)::

    {"schemaVersion": 1, "tool": "gcmod", "kind": "check", "subject": "liftshift/prod",
     "findings": [{"fingerprint": "...", "rule": "GCM-NET-001", "resource": "urn:...",
                   "message": "..."}]}
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

SCHEMA_VERSION = 1
Kind = Literal["check", "audit"]


class BaselineError(Exception):
    """A baseline file that cannot be used. ``str()`` is the user message."""


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    rule: str
    resource: str
    message: str


def write_baseline(path: Path, kind: Kind, subject: str, entries: Iterable[Entry]) -> int:
    """Write the file; returns how many findings it holds."""
    unique = {e.fingerprint: e for e in entries}
    doc = {
        "schemaVersion": SCHEMA_VERSION,
        "tool": "gcmod",
        "kind": kind,
        "subject": subject,
        "findings": [
            {"fingerprint": e.fingerprint, "rule": e.rule, "resource": e.resource,
             "message": e.message}
            for e in sorted(unique.values(), key=lambda e: (e.rule, e.resource, e.fingerprint))
        ],
    }  # fmt: skip
    try:
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write the baseline: {exc}") from None
    return len(unique)


def read_baseline(path: Path, kind: Kind) -> frozenset[str]:
    """The fingerprints of a baseline file written by ``--write-baseline`` of the same command."""
    from gcmod.loader import LoadError, load_json

    try:
        doc = load_json(path)
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except LoadError as exc:
        raise BaselineError(f"{path}: not a baseline file (JSON): {exc.detail}") from None
    if not isinstance(doc, dict) or doc.get("schemaVersion") != SCHEMA_VERSION:
        raise BaselineError(
            f"{path}: not a gcmod baseline (schemaVersion {SCHEMA_VERSION} expected); "
            "write one with --write-baseline"
        )
    if doc.get("kind") != kind:
        raise BaselineError(
            f"{path}: kind: a baseline of `gcmod {doc.get('kind')}`, not of `gcmod {kind}` "
            "(check baselines hold URNs, audit baselines ARNs)"
        )
    findings = doc.get("findings")
    if not isinstance(findings, list) or not all(
        isinstance(f, dict) and isinstance(f.get("fingerprint"), str) for f in findings
    ):
        raise BaselineError(f"{path}: findings: must be a list of objects with a fingerprint")
    return frozenset(f["fingerprint"] for f in findings)
