"""Plain-text tables and paragraphs that line up with Japanese (full-width) text
and fit the terminal.

Width is display width: East Asian wide and full-width characters take two
columns. Output is fitted to :func:`terminal_width` — the terminal's width when
standard output is a terminal or ``COLUMNS`` is set, else unlimited (piped output
stays one record a line for ``grep``); ``--wide`` (:func:`set_wide`) turns
fitting off. Long cells wrap at spaces, and between Japanese characters; a run of
ASCII without spaces (a rule id, a resource name, an ARN) is never split.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from contextvars import ContextVar

#: Smallest width fitting tries for; narrower terminals get this width.
MIN_WIDTH = 40
_wide: ContextVar[bool] = ContextVar("gcmod_wide", default=False)

# A token is a run of non-space characters that are not wide, a single wide
# character, or a run of spaces.
_TOKEN = re.compile(r" +|[^\s]")


_ANSI = re.compile(r"\x1b\[[0-9;]*m")

#: Terminal styles of the words gcmod colours (severity, savings).
STYLES: dict[str, dict[str, object]] = {
    "mandatory": {"fg": "red", "bold": True},
    "advisory": {"fg": "yellow"},
    "unknown": {"dim": True},
    "waived": {"dim": True},
    "saving": {"fg": "green"},
}


def width(text: str) -> int:
    """Display width: East Asian wide and full-width characters count two; colour
    codes count nothing."""
    text = _ANSI.sub("", text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def colour_enabled() -> bool:
    """Colour on a terminal only: never with ``NO_COLOR`` set (no-color.org) or
    ``TERM=dumb``, or when output is piped; ``FORCE_COLOR`` forces it."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def paint(text: str, kind: str) -> str:
    """``text`` in the terminal style of ``kind`` (see :data:`STYLES`), when colour is on."""
    if not colour_enabled() or kind not in STYLES:
        return text
    import click

    return click.style(text, **STYLES[kind])  # type: ignore[arg-type]


def _is_wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in "WF"


def set_wide(value: bool) -> None:
    """``--wide``: print tables and paragraphs at their natural width."""
    _wide.set(value)


def terminal_width() -> int | None:
    """The width to fit output to, or None for no limit (see the module docstring)."""
    if _wide.get():
        return None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(MIN_WIDTH, int(columns))
    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        return None
    return max(MIN_WIDTH, shutil.get_terminal_size().columns)


def _tokens(text: str) -> list[str]:
    """Words (ASCII runs kept whole), single wide characters and space runs."""
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        t = m.group()
        if t[0] == " " or _is_wide(t):
            out.append(t)
        elif out and out[-1][0] != " " and not _is_wide(out[-1][-1]):
            out[-1] += t  # extend an ASCII run
        else:
            out.append(t)
    return out


def min_width(text: str) -> int:
    """The narrowest a cell can wrap to: its longest unbreakable token."""
    return max((width(t) for t in _tokens(text) if t[0] != " "), default=0)


#: Characters that do not begin a line (kinsoku): they stay at the end of the previous one.
_NO_LINE_START = set("、。，．）」』】〕〉》・ー：；？！)]},.:;!?%")


def wrap(text: str, w: int) -> list[str]:
    """``text`` wrapped to display width ``w``; tokens wider than ``w`` stand alone.
    Closing punctuation never begins a line: the character before it moves down too."""
    if width(text) <= w:
        return [text]
    lines: list[str] = []
    cur: list[str] = []  # tokens of the line being filled
    cur_w = 0
    for tok in _tokens(text):
        tw = width(tok)
        if tok[0] == " ":
            if cur:
                cur.append(tok)
                cur_w += tw
            continue
        if cur and cur_w + tw > w:
            carry: list[str] = []
            # Closing punctuation does not begin a line: take the word before it along.
            if tok[0] in _NO_LINE_START and len(cur) > 1 and cur[-1][0] != " ":
                carry = [cur.pop()]
            lines.append("".join(cur).rstrip())
            cur = carry
            cur_w = sum(width(t) for t in cur)
        cur.append(tok)
        cur_w += tw
    if "".join(cur).strip() or not lines:
        lines.append("".join(cur).rstrip())
    return lines


def _pad(text: str, w: int, right: bool) -> str:
    fill = " " * max(0, w - width(text))
    return fill + text if right else text + fill


def _fit(natural: list[int], floors: list[int], limit: int) -> list[int]:
    """Column widths summing to at most ``limit``: take from the widest column first,
    never below its floor."""
    widths = list(natural)
    excess = sum(widths) - limit
    while excess > 0:
        shrinkable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        others = [widths[i] for i in shrinkable if i != widest]
        target = max(floors[widest], max(others, default=0), widths[widest] - excess)
        step = max(1, widths[widest] - target)
        widths[widest] -= step
        excess -= step
    return widths


def render(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    right: Sequence[int] = (),
    max_width: int | bool | None = True,
) -> str:
    """Render ``rows`` under ``headers``; columns in ``right`` are right-aligned.

    ``max_width``: True (default) fits to :func:`terminal_width`; an int fits to that
    width; None or False keeps every cell on one line.
    """
    limit = terminal_width() if max_width is True else (max_width or None)
    cells = [[str(c) for c in row] for row in rows]
    natural = [width(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            natural[i] = max(natural[i], width(c))
    widths = natural
    gaps = 2 * (len(headers) - 1)
    if limit is not None and sum(natural) + gaps > limit:
        # A header is never wrapped; a cell never splits an id.
        floors = [width(h) for h in headers]
        for row in cells:
            for i, c in enumerate(row):
                floors[i] = max(floors[i], min_width(c))
        if sum(floors) + gaps > limit:
            return _records(headers, cells, limit)
        widths = _fit(natural, floors, limit - gaps)

    def lines_of(row: Sequence[str]) -> list[str]:
        parts = [wrap(c, widths[i]) for i, c in enumerate(row)]
        height = max((len(p) for p in parts), default=1)
        out = []
        for k in range(height):
            out.append(
                "  ".join(
                    _pad(p[k] if k < len(p) else "", widths[i], i in right)
                    for i, p in enumerate(parts)
                ).rstrip()
            )
        return out

    lines = lines_of(list(headers))
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines += lines_of(row)
    return "\n".join(lines)


def _records(headers: Sequence[str], cells: list[list[str]], limit: int) -> str:
    """Rows too wide for any table at ``limit``: one block a row, ``header: value``
    lines (values wrapped under themselves), a blank line between rows — the
    terminal's form of the reports' stacked rows on a phone."""
    label = max(width(h) for h in headers) + 2
    out: list[str] = []
    for row in cells:
        if out:
            out.append("")
        for h, c in zip(headers, row, strict=False):
            head = _pad(f"{h}:", label, False)
            if min_width(c) > limit - label:  # an id too wide beside its label: below it
                out.append(f"{h}:")
                out += ["  " + line for line in wrap(c, max(MIN_WIDTH // 2, limit - 2))]
                continue
            lines = wrap(c, max(MIN_WIDTH // 2, limit - label)) if c else [""]
            out.append((head + lines[0]).rstrip())
            out += [" " * label + more for more in lines[1:]]
    return "\n".join(out)


def fit_lines(text: str, limit: int | bool | None = True) -> str:
    """Wrap each line of ``text`` longer than the width, continuing under its own
    indentation (for paragraphs, notes and lists printed around tables)."""
    w = terminal_width() if limit is True else (limit or None)
    if w is None:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        if width(line) <= w:
            out.append(line)
            continue
        body = line.lstrip(" ")
        indent = " " * (len(line) - len(body))
        # A list item or "key: value" continues under its text, not its marker.
        m = re.match(r"(?:[-*•]|\d+[.)]) ", body)
        hang = indent + (" " * len(m.group()) if m else "")
        first, *rest = wrap(body, max(MIN_WIDTH // 2, w - len(hang)))
        out.append(indent + first)
        out += [hang + r for r in rest]
    return "\n".join(out)
