"""Every Japanese text gcmod prints keeps to docs/terminology.md."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gcmod.clihelp import COMMANDS_JA, OPTIONS_JA
from gcmod.terminology import problems

ROOT = Path(__file__).resolve().parent.parent
RULE_SOURCES = sorted((ROOT / "policies" / "rules").glob("*.py"))


def _japanese_literals(path: Path) -> list[tuple[int, str]]:
    """String constants (f-string parts included) of a module that hold Japanese."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if any("\u3040" <= c <= "\u9fff" for c in node.value):
                out.append((node.lineno, node.value))
    return out


@pytest.mark.parametrize("path", RULE_SOURCES, ids=lambda p: p.name)
def test_rule_texts_follow_the_terminology(path: Path) -> None:
    found = [
        f"{path.name}:{line}: {p}"
        for line, text in _japanese_literals(path)
        for p in problems(text)
    ]
    assert not found, "\n".join(found)


def test_rule_metadata_follows_the_terminology() -> None:
    from dataclasses import fields

    import gcmod.policies.rules  # noqa: F401  (registers the rules)
    from gcmod.policies.model import all_rules

    found = []
    for r in all_rules():
        for f in fields(r):
            value = getattr(r, f.name)
            if hasattr(value, "ja"):
                found += [f"{r.id}.{f.name}: {p}" for p in problems(value.ja)]
    assert not found, "\n".join(found)


def test_help_texts_follow_the_terminology() -> None:
    found = [f"{k}: {p}" for k, v in {**COMMANDS_JA, **OPTIONS_JA}.items() for p in problems(v)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("httpTokens が 未設定", "日本語どうしの間にスペースがある"),
        ("本番のEBS", "日本語と英単語の間にスペースがない"),
        ("バックアップサーバを廃止", "サーバー"),
        ("最新世代のインスタンス", "現行世代"),
        ("development の上限", "開発"),
        ("可用性の区分が求める", "可用性区分"),
    ],
)
def test_problems_catch_each_slip(text: str, expected: str) -> None:
    assert any(expected in p for p in problems(text)), problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "本番の EBS ボリューム",
        "httpTokens が未設定",
        "公共SaaS の要件",
        "2025年3月24日の施策5",
        "サーバー",
    ],
)
def test_problems_pass_clean_text(text: str) -> None:
    assert problems(text) == []


def test_diagram_names_follow_the_terminology() -> None:
    from gcmod.catalog.diagram import COMPONENT_NAMES, ROOT_NAME, TYPE_NAMES

    names = {**COMPONENT_NAMES, **TYPE_NAMES, "(root)": ROOT_NAME}
    found = [f"{k}: {p}" for k, (ja, _en) in names.items() for p in problems(ja)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("parts", "joined"),
    [
        (("本番の", "RDS インスタンス"), "本番の RDS インスタンス"),
        (("EC2 インスタンス app-1", "のルートボリューム", "が暗号化されていません"),
         "EC2 インスタンス app-1 のルートボリュームが暗号化されていません"),
        (("本番の", "バックアップボールト"), "本番のバックアップボールト"),
        (("vault", "", "が"), "vault が"),
    ],
)  # fmt: skip
def test_ja_join_spaces_as_the_term_list_says(parts: tuple[str, ...], joined: str) -> None:
    from gcmod.terminology import ja_join

    assert ja_join(*parts) == joined and problems(joined) == []
