"""Tables and paragraphs fitted to the terminal, with Japanese text and whole ids."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gcmod import textable
from gcmod.textable import fit_lines, min_width, render, width, wrap


def test_width_counts_wide_characters_twice() -> None:
    assert width("abc") == 3
    assert width("本番") == 4
    assert width("ＥＢＳ") == 6


def test_wrap_keeps_ascii_runs_whole_and_breaks_japanese_anywhere() -> None:
    lines = wrap("GCM-COST-001 の指摘: arn:aws:ecs:ap-northeast-1:123456789012:service/x", 20)
    assert "GCM-COST-001" in lines[0]
    assert any(line == "arn:aws:ecs:ap-northeast-1:123456789012:service/x" for line in lines)
    ja = wrap("本番環境のデータベースは可用性区分が求める場合に限り", 10)
    assert all(width(line) <= 10 for line in ja)
    assert "".join(ja) == "本番環境のデータベースは可用性区分が求める場合に限り"


def test_render_fits_the_width_and_keeps_every_word() -> None:
    rows = [
        (
            "GCM-SCHED-001",
            "mandatory",
            "development stack runs around the clock: add a stop schedule",
        ),
        (
            "GCM-TAG-001",
            "advisory",
            "本番環境のリソースにコスト配分タグ System がありません。追加してください。",
        ),
    ]
    text = render(["ID", "LEVEL", "MESSAGE"], rows, max_width=50)
    assert max(width(line) for line in text.splitlines()) <= 50
    flat = " ".join(text.split())
    for word in ("GCM-SCHED-001", "GCM-TAG-001", "around", "schedule", "System"):
        assert word in flat
    assert render(["ID", "LEVEL", "MESSAGE"], rows, max_width=None).count("\n") == 3


def test_render_follows_columns_and_wide(monkeypatch) -> None:
    rows = [("x" * 10, "word " * 40)]
    monkeypatch.setenv("COLUMNS", "60")
    assert max(width(line) for line in render(["A", "B"], rows).splitlines()) <= 60
    textable.set_wide(True)
    try:
        assert max(width(line) for line in render(["A", "B"], rows).splitlines()) > 60
    finally:
        textable.set_wide(False)
    monkeypatch.delenv("COLUMNS")
    # Piped (not a terminal) and no COLUMNS: one line per row.
    assert render(["A", "B"], rows).count("\n") == 2


def test_fit_lines_wraps_lists_under_their_text() -> None:
    text = "Notes:\n  - " + "a long note about the exchange rate " * 4
    out = fit_lines(text, 40).splitlines()
    assert out[0] == "Notes:"
    assert out[1].startswith("  - ")
    assert all(line.startswith("    ") for line in out[2:])
    assert all(width(line) <= 40 for line in out)


cells = st.text(alphabet=st.sampled_from(list("abcXYZ-:0 ") + list("本番環境の費用")), max_size=60)


@given(st.lists(st.tuples(cells, cells, cells), min_size=1, max_size=5), st.integers(40, 120))
def test_render_never_exceeds_the_width_unless_one_token_is_wider(rows, limit) -> None:
    headers = ["ID", "NAME", "TEXT"]
    text = render(headers, rows, max_width=limit)
    floors = [max([min_width(r[i]) for r in rows] + [min_width(h)]) for i, h in enumerate(headers)]
    if sum(floors) + 4 <= limit:
        assert max(width(line) for line in text.splitlines()) <= limit
    words = [w for r in rows for c in r for w in c.split() if w.isascii()]
    flat = text.replace("\n", " ")
    assert all(w in flat for w in words)


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch) -> None:
    from gcmod.textable import colour_enabled, paint

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert not colour_enabled()  # pytest captures stdout: not a terminal
    assert paint("mandatory", "mandatory") == "mandatory"
    monkeypatch.setenv("FORCE_COLOR", "1")
    red = paint("必須", "mandatory")
    assert red != "必須" and "\x1b[" in red and width(red) == width("必須")
    monkeypatch.setenv("NO_COLOR", "1")
    assert paint("必須", "mandatory") == "必須"


def test_coloured_cells_line_up(monkeypatch) -> None:
    from gcmod.textable import paint

    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    text = render(["LEVEL", "ID"], [(paint("mandatory", "mandatory"), "A"), ("advisory", "B")])
    lines = [textable._ANSI.sub("", line) for line in text.splitlines()]
    assert lines[2].index("A") == lines[3].index("B")


def test_rows_no_table_can_hold_become_records() -> None:
    """An id wider than a table column could ever be: each row is a block of
    `header: value` lines within the width, every id whole, no header split."""
    long_id = "service/saas-cluster/saas-app/ecs:service:DesiredCount"
    rows = [
        (
            "必須",
            "123456789012",
            "ap-northeast-1",
            "GCM-TAG-001",
            long_id,
            "¥0",
            "タグがありません",
        ),
        ("推奨", "123456789012", "ap-northeast-3", "GCM-NET-002", "vpc-1", "¥10", "VPC " * 20),
    ]
    headers = ["区分", "アカウント", "リージョン", "ルール", "リソース", "削減額/月", "内容"]
    text = render(headers, rows, max_width=60)
    lines = text.splitlines()
    assert max(width(line) for line in lines) <= 60
    assert any(line.endswith(long_id) for line in lines)
    assert sum(line.startswith("区分:") for line in lines) == 2
    assert "" in lines  # a blank line between the two rows
