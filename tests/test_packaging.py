"""The distribution ships every package of the tree (the layout maps folders)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_folder_is_listed() -> None:
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    mapping = tool["setuptools"]["package-dir"]
    listed = set(tool["setuptools"]["packages"])
    found = set()
    for name, folder in mapping.items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            rel = init.parent.relative_to(base)
            found.add(".".join([name, *rel.parts]) if rel.parts else name)
    assert found <= listed, f"packages missing from pyproject.toml: {sorted(found - listed)}"


def test_report_assets_are_package_data() -> None:
    """The reports (catalogue, audit) read their stylesheet and templates from the
    installed package (the catalogue's own stylesheet moved into gcmod.reports)."""
    from importlib import resources

    tool = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert "gcmod.reports" in tool["setuptools"]["packages"]
    globs = tool["setuptools"]["package-data"]["gcmod.reports"]
    base = ROOT / "src" / "gcmod" / "reports"
    assets = [p for d in ("assets", "templates") for p in (base / d).iterdir() if p.is_file()]
    assert assets
    for p in assets:
        rel = p.relative_to(base)
        assert any(rel.match(g) for g in globs), f"{rel} is not in package-data"
        assert resources.files("gcmod.reports").joinpath(rel.as_posix()).is_file()


def test_scaffold_templates_are_declared_package_data() -> None:
    """Every template file ships: setuptools globs package data like glob.glob
    (recursive, dotfiles not matched), so a file no pattern matches is lost."""
    import glob

    tool = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert "gcmod.scaffold" in tool["setuptools"]["packages"]
    base = ROOT / "src" / "gcmod" / "scaffold"
    shipped = {
        Path(p).relative_to(base).as_posix()
        for pattern in tool["setuptools"]["package-data"]["gcmod.scaffold"]
        for p in glob.glob(str(base / pattern), recursive=True)
        if Path(p).is_file()
    }
    present = {
        p.relative_to(base).as_posix() for p in (base / "templates").rglob("*") if p.is_file()
    }
    assert present and present == shipped, sorted(present ^ shipped)
