"""Progress on stderr for steps that take a while (synth, pricing).

A step shorter than :data:`DELAY` seconds prints nothing, so a warm run stays
quiet. At a terminal a longer one shows one status line with a spinner and
the seconds spent, cleared when the step ends. When stderr is not a terminal
(CI logs, pipes, test runners) nothing is printed, unless ``GCMOD_PROGRESS=always``
asks for one plain line per step; ``GCMOD_PROGRESS=never`` silences the
terminal too. stdout is never touched (``--json`` stays clean).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

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
