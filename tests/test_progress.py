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
from gcmod.textable import width


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


LONG = "123456789012 ap-northeast-1 application-autoscaling.policies"  # 60 columns


def _frames(text: str) -> list[str]:
    """The lines a terminal shows in turn (click redraws after a carriage return)."""
    text = text.replace("\x1b[?25l", "").replace("\x1b[?25h", "")
    return [f.rstrip("\n") for f in text.split("\r")]


def test_the_audit_bar_shows_a_long_label_whole_at_a_wide_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(progress.ENV, raising=False)
    monkeypatch.setenv("COLUMNS", "160")
    tty = Terminal()
    with progress.counted("auditing", "監査中", lang="en", stream=tty) as show:
        show(1, 3, LONG)
        show(2, 3, "123456789012 ap-northeast-3 ec2.addresses")
        show(3, 3, "123456789012 ap-northeast-3 s3.buckets")
    frames = _frames(tty.getvalue())
    assert any(f.startswith("auditing [") and f.endswith(f"1/3  {LONG}") for f in frames), frames
    assert any("2/3" in f and "ap-northeast-3 ec2.addresses" in f for f in frames)
    assert frames[-1].rstrip().endswith("3/3")  # the last step drops its label
    assert tty.getvalue().endswith("\n")  # the bar's line ends; what follows starts clean
    assert max(width(f) for f in frames) < 160


def test_the_audit_bar_fits_the_label_to_a_narrow_terminal_in_japanese(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(progress.ENV, raising=False)
    monkeypatch.setenv("COLUMNS", "60")
    tty = Terminal()
    with progress.counted("auditing", "監査中", lang="ja", stream=tty) as show:
        show(1, 2, LONG)
    frames = [f for f in _frames(tty.getvalue()) if "1/2" in f]
    assert frames and all(f.startswith("監査中 [") for f in frames), frames
    shown = frames[-1].split("1/2", 1)[1].strip()
    assert "…" in shown and shown.startswith("1234") and shown.endswith("policies"), shown
    assert max(width(f) for f in _frames(tty.getvalue())) <= 59  # never wraps


def test_the_audit_bar_is_one_plain_line_per_step_off_a_terminal_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(progress.ENV, "always")
    monkeypatch.setenv("COLUMNS", "40")  # a plain line is never shortened
    log = io.StringIO()
    with progress.counted("auditing", "監査中", lang="ja", stream=log) as show:
        show(1, 2, LONG)
        show(2, 2, "123456789012 ap-northeast-3 s3.buckets")
    assert log.getvalue() == (
        f"監査中 1/2 {LONG}\n監査中 2/2 123456789012 ap-northeast-3 s3.buckets\n"
    )


@pytest.mark.parametrize(("setting", "terminal"), [("", False), ("never", True)])
def test_the_audit_bar_is_silent_in_pipes_and_when_told(
    monkeypatch: pytest.MonkeyPatch, setting: str, terminal: bool
) -> None:
    monkeypatch.setenv(progress.ENV, setting)
    out = Terminal() if terminal else io.StringIO()
    with progress.counted("auditing", "監査中", stream=out) as show:
        show(1, 1, LONG)
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("text", "columns", "expected"),
    [
        (LONG, 60, LONG),
        (LONG, 11, "12345…icies"),
        ("監査中の項目", 7, "監査…目"),  # wide characters take two columns
        (LONG, 2, ""),
    ],
)
def test_shorten_keeps_both_ends(text: str, columns: int, expected: str) -> None:
    assert progress.shorten(text, columns) == expected
    assert width(progress.shorten(text, columns)) <= columns
