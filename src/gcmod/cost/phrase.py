"""A text in English and Japanese, built once from the same figures.

Pricers describe what they price, and the estimate says where each assumption
comes from, in both languages at the place the figures are known::

    Phrase(f"NAT gateway ({n} × 730 h)", f"NAT ゲートウェイ ({n} × 730時間)")

It is :class:`gcmod.policies.model.Text`, the rules' bilingual text: pieces
join with ``+`` (a plain ``str`` is data, the same in both languages). The
English text is what ``--json`` keeps (schema ``gcmod.estimate/1``); the Japanese
one reaches the reports only.
"""

from __future__ import annotations

from collections.abc import Iterable

from gcmod.policies.model import Text

#: The project's one bilingual text (rule texts and findings use it too).
Phrase = Text


def join(parts: Iterable[Phrase], en: str = "; ", ja: str = "、") -> Phrase:
    """``parts`` joined with a separator per language."""
    items = list(parts)
    return Phrase(en.join(p.en for p in items), ja.join(p.ja for p in items))


EMPTY = Phrase("", "")
