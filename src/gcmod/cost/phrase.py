"""A text in English and Japanese, built once from the same figures.

Pricers describe what they price, and the estimate says where each assumption
comes from, in both languages at the place the figures are known::

    Phrase(f"NAT gateway ({n} × 730 h)", f"NAT ゲートウェイ ({n} × 730時間)")

Pieces join with ``+`` (a plain ``str`` is data, the same in both languages).
The English text is what ``--json`` keeps (schema ``gcmod.estimate/1``); the
Japanese one reaches the reports only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Phrase:
    en: str
    ja: str

    @classmethod
    def same(cls, text: str) -> Phrase:
        """Data written the same in both languages (a name, an id, a number)."""
        return cls(text, text)

    def pick(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en

    def __add__(self, other: Phrase | str) -> Phrase:
        o = other if isinstance(other, Phrase) else Phrase.same(other)
        return Phrase(self.en + o.en, self.ja + o.ja)

    def __radd__(self, other: str) -> Phrase:
        return Phrase.same(other) + self

    def __bool__(self) -> bool:
        return bool(self.en or self.ja)

    def __str__(self) -> str:
        return self.en


def join(parts: Iterable[Phrase], en: str = "; ", ja: str = "、") -> Phrase:
    """``parts`` joined with a separator per language."""
    items = list(parts)
    return Phrase(en.join(p.en for p in items), ja.join(p.ja for p in items))


EMPTY = Phrase("", "")
