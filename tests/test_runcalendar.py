"""The running calendar read back from synthesized shutdown schedules, and `gcmod calendar`."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner

from gcmod import graphcache
from gcmod.cli import main
from gcmod.officecalendar import JST, is_office_day
from gcmod.runcalendar import from_graph
from gcmod.stackfiles import resolve, samples_dir


@pytest.fixture(scope="module")
def dev_calendar():
    # through the session's graph cache (tests/conftest.py), as `gcmod calendar` synthesizes
    _cfg, graph = graphcache.synth_stack(
        resolve("saas-dev", samples_dir()), horizon_start=dt.date(2026, 12, 1)
    )
    cal = from_graph(graph)
    assert cal is not None
    return cal


def test_horizon_is_read_from_the_schedule_group(dev_calendar) -> None:
    assert dev_calendar.horizon_start == dt.date(2026, 12, 1)
    assert dev_calendar.horizon_end == dt.date(2027, 12, 1)
    assert set(dev_calendar.targets) == {"app", "db"}


def test_monthly_hours_count_office_days(dev_calendar) -> None:
    app = dev_calendar.targets["app"].monthly_hours()
    db = dev_calendar.targets["db"].monthly_hours()
    # December 2026: 23 weekdays, minus 29-31 Dec (year-end) = 20 office days.
    assert app["2026-12"] == 20 * 10.0
    # The database runs 15 minutes longer at each end.
    assert db["2026-12"] == 20 * 10.5
    # January 2027: 21 weekdays minus 1 Jan (year-end) and 11 Jan (成人の日) = 19.
    assert app["2027-01"] == 19 * 10.0
    assert len(app) == 12


def test_no_start_on_closed_days_and_db_starts_first(dev_calendar) -> None:
    for target in dev_calendar.targets.values():
        for ev in target.events:
            if ev.kind == "start":
                assert is_office_day(ev.at.date()), ev
    app_starts = {
        e.at.date(): e.at for e in dev_calendar.targets["app"].events if e.kind == "start"
    }
    db_starts = {e.at.date(): e.at for e in dev_calendar.targets["db"].events if e.kind == "start"}
    assert app_starts.keys() == db_starts.keys()
    assert all(db_starts[d] < app_starts[d] for d in app_starts)


def test_next_events_are_ordered(dev_calendar) -> None:
    after = dt.datetime(2026, 12, 28, 0, 0, tzinfo=JST)
    evs = dev_calendar.next_events(after, 4)
    assert [(e.at.strftime("%H:%M"), e.target, e.kind) for e in evs] == [
        ("07:45", "db", "start"),
        ("08:00", "app", "start"),
        ("18:00", "app", "stop"),
        ("18:15", "db", "stop"),
    ]


def test_production_has_no_calendar() -> None:
    _cfg, graph = graphcache.synth_stack(resolve("town-prod", samples_dir()))
    assert from_graph(graph) is None


def test_calendar_command_json_and_table() -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["calendar", "saas-dev", "--json", "-n", "6"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["scheduled"] is True and len(data["events"]) == 6
    times = [e["at"] for e in data["events"]]
    assert times == sorted(times)
    assert set(data["monthlyHours"]) == {"app", "db"}

    res = runner.invoke(main, ["calendar", "saas-prod"])
    assert res.exit_code == 0
    assert "runs 24/7" in res.output

    res = runner.invoke(main, ["calendar", "saas-dev", "--from", "yesterday"])
    assert res.exit_code == 2
    assert "is not an ISO date" in res.output


def test_calendar_speaks_the_locale_and_lang_wins() -> None:
    """With a Japanese locale the calendar is Japanese (weekday, start/stop, headers);
    --lang en overrides it; the weekday does not depend on the C library's locale."""
    runner = CliRunner()
    args = ["calendar", "saas-dev", "-n", "4", "--from", "2026-12-03T00:00"]
    ja = runner.invoke(main, args, env={"LANG": "ja_JP.UTF-8"})
    assert ja.exit_code == 0, ja.output
    assert "起動" in ja.output and "月間稼働時間" in ja.output and "日時 (JST)" in ja.output
    # 2026-12-03 is a Thursday: the first events are that morning's starts.
    assert "2026-12-03 07:45  木" in ja.output
    assert not re.search(r"\b(start|stop|MONTH|events after)\b", ja.output)
    en = runner.invoke(main, [*args, "--lang", "en"], env={"LANG": "ja_JP.UTF-8"})
    assert en.exit_code == 0, en.output
    assert "2026-12-03 07:45  Thu" in en.output and "start" in en.output
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", en.output)
    prod = runner.invoke(main, ["calendar", "saas-prod"], env={"LANG": "ja_JP.UTF-8"})
    assert prod.exit_code == 0 and "常時稼働" in prod.output and "本番環境" in prod.output
