"""The assumptions of an estimate, recorded once in both languages.

Each note is a value and where it came from. The English form
(``{"value": ..., "source": str}``) is ``EstimateResult.assumptions`` and goes
to ``--json`` unchanged; the Japanese form (``{"source": str}``, plus
``"value"`` where the value itself is English text) is
``EstimateResult.assumptions_ja`` and reaches the reports only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gcmod.cost.phrase import Phrase


class Notes:
    """Assumption notes being collected: ``en`` and ``ja``, key for key."""

    def __init__(self) -> None:
        self.en: dict[str, Any] = {}
        self.ja: dict[str, dict[str, Any]] = {}

    def add(self, key: str, value: Any, source: Phrase, *, value_ja: Any = None) -> None:
        """Record ``value`` and its ``source``; ``value_ja``: the value in Japanese
        when it is English text."""
        self.en[key] = {"value": value, "source": source.en}
        self.ja[key] = {"source": source.ja}
        if value_ja is not None:
            self.ja[key]["value"] = value_ja

    def merge(
        self, en: Mapping[str, Any], ja: Mapping[str, Mapping[str, Any]], prefix: str = ""
    ) -> None:
        """Add notes kept elsewhere as the two dicts (``prefix`` before each key)."""
        for key, note in en.items():
            self.en[prefix + key] = note
            if key in ja:
                self.ja[prefix + key] = dict(ja[key])
