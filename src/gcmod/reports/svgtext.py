"""Small helpers for SVG drawn by gcmod: coordinates, text that fits a width,
and colours that read on each other (WCAG 2.2 contrast)."""

from __future__ import annotations

import html

from gcmod.textable import width

INK = "#1D2433"
MUTED = "#5B6475"


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def coord(x: float) -> str:
    """An SVG coordinate: at most one decimal, no trailing zeros."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def text_px(text: str, size: float) -> float:
    """Rough rendered width: a half-width character ~0.56 em, a full-width one 1 em."""
    return width(text) * size * 0.56


def fit(text: str, size: float, max_px: float) -> str:
    """``text``, cut with an ellipsis to about ``max_px`` at font size ``size``."""
    if text_px(text, size) <= max_px:
        return text
    while text and text_px(text + "…", size) > max_px:
        text = text[:-1]
    return text.rstrip() + "…"


def svg_text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 12,
    anchor: str = "start",
    fill: str = INK,
    weight: str = "normal",
) -> str:
    w = ' font-weight="700"' if weight == "bold" else ""
    return (
        f'<text x="{coord(x)}" y="{coord(y)}" font-size="{coord(size)}" text-anchor="{anchor}" '
        f'fill="{fill}"{w}>{esc(text)}</text>'
    )


def _luminance(colour: str) -> float:
    """WCAG relative luminance of ``#RRGGBB``."""

    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_on(fill: str) -> str:
    """Ink or white, whichever reads better on ``fill``."""
    return INK if contrast(INK, fill) >= contrast("#FFFFFF", fill) else "#FFFFFF"
