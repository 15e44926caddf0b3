"""Progress on stderr: a first run is never silent at a terminal, a warm one is
quiet, and machine-readable stdout is never touched."""

from __future__ import annotations

import io
import json
import time

import pytest
from click.testing import CliRunner

from gcmod import progress
from gcmod.cli import main


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_slow_step_shows_a_status_line_at_a_terminal_then_clears_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(progress.ENV, raising=False)
    tty = Terminal()
    with progress.status("synthesizing saas-prod", "saas-prod を合成中", stream=tty, delay=0.05):
        time.sleep(0.4)
    text = tty.getvalue()
    assert "synthesizing saas-prod… / saas-prod を合成中…" in text
    assert text.endswith("\r\x1b[2K")  # the line is cleared when the step ends


def test_a_quick_step_prints_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(progress.ENV, raising=False)
    tty = Terminal()
    with progress.status("pricing", "費用を算定中", stream=tty, delay=5):
        pass
    assert tty.getvalue() == ""


@pytest.mark.parametrize(
    ("setting", "terminal", "expected"),
    [
        ("", False, ""),  # CI logs and pipes: quiet by default
        ("always", False, "pricing… / 費用を算定中…\n"),  # one plain line
        ("never", True, ""),
    ],
)
def test_the_environment_chooses_for_other_streams(
    monkeypatch: pytest.MonkeyPatch, setting: str, terminal: bool, expected: str
) -> None:
    monkeypatch.setenv(progress.ENV, setting)
    out = Terminal() if terminal else io.StringIO()
    with progress.status("pricing", "費用を算定中", stream=out, delay=0.01):
        time.sleep(0.2)
    assert out.getvalue() == expected


def test_json_stdout_stays_clean_while_progress_goes_to_stderr(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv(progress.ENV, "always")
    monkeypatch.setattr(progress, "DELAY", 0.0)
    res = CliRunner().invoke(main, ["check", "town-prod", "--json", "--no-cache"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["stack"] == "town-prod"
    assert "synthesizing town-prod… / town-prod を合成中…" in res.stderr
