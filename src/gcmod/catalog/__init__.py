"""The template catalogue: a static site (HTML, CSS, inline SVG) of the templates.

``gcmod catalog`` scaffolds every template of :mod:`gcmod.scaffold` with its
default answers into a temporary folder (:func:`entries_from_templates`),
synthesizes each stack offline, checks it with the policy pack, estimates it,
and writes one page per template plus an index (:func:`build`). The pages work
opened from disk: relative links only, no scripts, fonts or remote assets.

The input is a list of :class:`CatalogEntry` (a template's texts and its stack
files), so the same builder also runs over the built-in sample stacks
(:func:`entries_from_stacks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CatalogOutputError(Exception):
    """The output folder cannot be used. ``str()`` is the user message."""


@dataclass(frozen=True)
class StackInput:
    """One stack file of a template (``Pulumi.<name>.yaml``)."""

    name: str
    path: Path


@dataclass(frozen=True)
class CatalogEntry:
    """What the catalogue shows of one template."""

    id: str
    title_ja: str
    title_en: str
    summary_ja: str
    summary_en: str
    stacks: tuple[StackInput, ...]

    def title(self, lang: str) -> str:
        return self.title_ja if lang == "ja" else self.title_en

    def summary(self, lang: str) -> str:
        return self.summary_ja if lang == "ja" else self.summary_en


def stack_files(folder: Path) -> list[StackInput]:
    """The ``Pulumi.<stack>.yaml`` files under ``folder`` (not the project's
    ``Pulumi.yaml``), by stack name."""
    found = [
        p
        for p in folder.rglob("Pulumi.*.yaml")
        if p.is_file() and ".venv" not in p.parts and p.name.count(".") >= 2
    ]
    return sorted(
        (StackInput(p.name[len("Pulumi.") : -len(".yaml")], p) for p in found),
        key=lambda s: s.name,
    )


def entries_from_stacks(directory: Path | None = None) -> list[CatalogEntry]:
    """One entry per family of sample stacks (``saas-prod``, ``saas-dev`` ... -> ``saas``)."""
    from gcmod.config import load_stack_file
    from gcmod.stackfiles import samples_dir

    families: dict[str, list[StackInput]] = {}
    for s in stack_files(directory or samples_dir()):
        families.setdefault(s.name.rsplit("-", 1)[0], []).append(s)
    out = []
    for family, stacks in sorted(families.items()):
        cfg = load_stack_file(stacks[0].path)
        n = len(cfg.tenants)
        out.append(
            CatalogEntry(
                id=family,
                title_ja=f"{cfg.business.ja} ({family})",
                title_en=f"{cfg.business.en} ({family})",
                summary_ja=f"サンプルスタック {', '.join(s.name for s in stacks)}: {n} 団体。",
                summary_en=f"Sample stacks {', '.join(s.name for s in stacks)}: {n} tenant(s).",
                stacks=tuple(stacks),
            )
        )
    return out


def entries_from_templates(workdir: Path) -> list[CatalogEntry]:
    """Scaffold every template with its default answers under ``workdir`` (one
    folder per template) and return their entries."""
    from gcmod.scaffold import scaffold, templates

    out = []
    for t in templates():
        dest = workdir / t.id
        scaffold(t.id, dest, t.default_answers)
        stacks = stack_files(dest)
        if not stacks:
            raise CatalogOutputError(f"template {t.id!r} scaffolded no Pulumi.<stack>.yaml file")
        out.append(
            CatalogEntry(
                id=t.id,
                title_ja=t.title_ja,
                title_en=t.title_en,
                summary_ja=t.summary_ja,
                summary_en=t.summary_en,
                stacks=tuple(stacks),
            )
        )
    return out
