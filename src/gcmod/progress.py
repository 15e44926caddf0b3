"""Progress on stderr for steps that take a while (synth, pricing, the audit).

:func:`status`: a step shorter than :data:`DELAY` seconds prints nothing, so a
warm run stays quiet. At a terminal a longer one shows one status line with a
spinner and the seconds spent, cleared when the step ends.
:func:`counted`: a click progress bar for a known number of steps (the audit's
account × region × collector runs), each step's label shown whole or, at a
narrow terminal, shortened in the middle to fit.

When stderr is not a terminal (CI logs, pipes, test runners) nothing is printed,
unless ``GCMOD_PROGRESS=always`` asks for one plain line per step;
``GCMOD_PROGRESS=never`` silences the terminal too. stdout is never touched
(``--json`` stays clean).
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

#: Seconds a step runs before its status line appears.
DELAY = 1.0
_SPIN = "|/-\\"
ENV = "GCMOD_PROGRESS"


def _mode(stream: TextIO) -> str:
    """``tty`` (live line), ``line`` (one plain line) or ``off``."""
    wanted = os.environ.get(ENV, "").strip().lower()
    if wanted == "never":
        return "off"
    if wanted == "always":
        return "tty" if _isatty(stream) else "line"
    return "tty" if _isatty(stream) else "off"


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextmanager
def status(
    en: str, ja: str, *, stream: TextIO | None = None, delay: float | None = None
) -> Iterator[None]:
    """Show ``"<en>… / <ja>…"`` on stderr while the block runs longer than ``delay``."""
    out = stream if stream is not None else sys.stderr
    delay = DELAY if delay is None else delay
    mode = _mode(out)
    if mode == "off":
        yield
        return
    text = f"{en}… / {ja}…"
    done = threading.Event()
    shown = {"width": 0}  # >0 once a live line was drawn
    start = time.monotonic()

    def run() -> None:
        if done.wait(delay):
            return
        if mode == "line":
            out.write(text + "\n")
            out.flush()
            return
        i = 0
        while not done.is_set():
            line = f"\r{_SPIN[i % 4]} {text} {time.monotonic() - start:4.0f} s"
            shown["width"] = max(shown["width"], len(line))
            out.write(line)
            out.flush()
            i += 1
            done.wait(0.2)

    worker = threading.Thread(target=run, name="gcmod-progress", daemon=True)
    worker.start()
    try:
        yield
    finally:
        done.set()
        worker.join()
        if shown["width"]:
            out.write("\r\x1b[2K")  # clear the status line
            out.flush()


#: ``show(done, total, label)``: ``done`` of ``total`` steps are over, the last ``label``.
Step = Callable[[int, int, str], None]
#: Columns of the bar itself at a wide terminal, and the fewest it keeps.
BAR_WIDTH, MIN_BAR_WIDTH = 30, 10


def shorten(text: str, columns: int) -> str:
    """``text`` in at most ``columns`` display columns: whole if it fits, else its
    start and end around ``…`` (an account id and a collector name both stay
    readable); empty below 3 columns."""
    from gcmod.textable import width

    if width(text) <= columns:
        return text
    if columns < 3:
        return ""
    head, tail, room = "", "", columns - 1  # the ellipsis takes one column
    i, j = 0, len(text)
    while i < j:  # alternate: one character from the start, one from the end
        c = text[i] if len(head) <= len(tail) else text[j - 1]
        if width(c) > room:
            break
        room -= width(c)
        if len(head) <= len(tail):
            head, i = head + c, i + 1
        else:
            tail, j = c + tail, j - 1
    return head + "…" + tail


def _columns(stream: TextIO) -> int:
    """The width of the terminal ``stream`` writes to: ``COLUMNS`` when set, else
    the terminal's own, else 80."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        return shutil.get_terminal_size().columns


@contextmanager
def counted(en: str, ja: str, *, lang: str = "en", stream: TextIO | None = None) -> Iterator[Step]:
    """A :func:`click.progressbar` on stderr fed by ``show(done, total, label)``.

    At a terminal: one live line ``<title> [####----] done/total  eta  <label>``,
    the title ``ja`` when ``lang`` is ``ja`` else ``en``, the label whole or
    shortened in the middle (:func:`shorten`) to the terminal's width. With
    ``GCMOD_PROGRESS=always`` elsewhere: one plain line ``<title> done/total
    <label>`` per step. Otherwise (or ``GCMOD_PROGRESS=never``) nothing. The bar
    starts at the first step (which tells the total) and ends with the block."""
    import click

    out = stream if stream is not None else sys.stderr
    mode = _mode(out)
    title = ja if lang == "ja" else en
    bars: list[Any] = []

    def fitted(label: str | None) -> str | None:
        """The label in the columns the rest of the line leaves (click's
        layout: ``label [bar] info``, info parts two spaces apart)."""
        if not label or not bars:
            return None
        from gcmod.textable import width

        bar = bars[0]
        if bar.finished:
            return None
        used = width(bar.label) + 4 + bar.width + len(bar.format_pos()) + 2
        if bar.show_eta and bar.eta_known:
            used += len(bar.format_eta()) + 2
        return shorten(label, _columns(out) - 1 - used) or None

    def show(done: int, total: int, label: str) -> None:
        if mode == "off":
            return
        line = f"{title} {done}/{total} {label}"  # the plain line (not a terminal)
        if not bars:
            columns = _columns(out)
            bar = click.progressbar(
                length=total,
                label=line if mode == "line" else title,
                file=out,
                show_pos=True,
                show_percent=False,
                item_show_func=fitted,
                bar_template="%(label)s [%(bar)s] %(info)s",
                width=max(MIN_BAR_WIDTH, min(BAR_WIDTH, columns // 4)),
            )
            bars.append(bar)
            bar.__enter__()
        bar = bars[0]
        if mode == "line":
            bar.label = line  # click prints the label when it changes
        bar.update(done - bar.pos, label)

    try:
        yield show
    finally:
        if bars:
            bars[0].__exit__(None, None, None)
