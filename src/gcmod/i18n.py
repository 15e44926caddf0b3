"""Which language gcmod speaks when the user did not say.

Order of evidence (the first that names a language wins):

1. ``--lang`` on the command line;
2. ``GCMOD_LANG`` (``ja`` or ``en``);
3. the POSIX locale variables, in the order the C library reads them:
   ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` (``ja_JP.UTF-8`` → Japanese, any other
   language → English);
4. nothing set (or the ``C`` / ``POSIX`` locale): English in the terminal,
   Japanese in HTML reports, whose readers are municipal officials.

Kept free of heavy imports: the CLI reads it before ``--help``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGS = ("ja", "en")
#: Locale names that carry no language (the C library's defaults).
_NEUTRAL = {"", "c", "posix"}


def _from_locale(value: str) -> str | None:
    """``ja`` / ``en`` for a locale string (``ja_JP.UTF-8``, ``en_US``, ``ja``), None
    for a neutral one (``C``, ``POSIX``, ``C.UTF-8``, empty)."""
    name = value.strip().split(".", 1)[0].split("@", 1)[0].lower()
    if name in _NEUTRAL:
        return None
    return "ja" if name.split("_", 1)[0] == "ja" else "en"


def env_lang(environ: Mapping[str, str] | None = None) -> str | None:
    """The language the environment asks for (``GCMOD_LANG``, then the locale), or
    None when it asks for none."""
    env = os.environ if environ is None else environ
    explicit = env.get("GCMOD_LANG", "").strip().lower()
    if explicit in LANGS:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:  # an empty variable is skipped, as the C library does
            return _from_locale(value)
    return None


def terminal_lang(explicit: str | None = None) -> str:
    """Language of text printed to the terminal. Default: English."""
    return explicit or env_lang() or "en"


def report_lang(explicit: str | None = None) -> str:
    """Language of an HTML report. Default: Japanese."""
    return explicit or env_lang() or "ja"


def default_lang() -> str:
    """``--lang`` default for commands that print to the terminal (a click callable)."""
    return terminal_lang()
