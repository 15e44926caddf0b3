"""Write the catalogue: analyse every entry first, then write the files.

Layout of the output folder (the first language at the root, each other
language in a folder of its own)::

    index.html                    first language (ja by default)
    templates/<id>.html
    en/index.html                 other languages
    en/templates/<id>.html
    catalog.json                  what was built (schema gcmod.catalog/1)

``catalog.json`` also marks the folder as a catalogue: a rebuild deletes the
files the previous build listed and writes the new ones; any other non-empty
folder is refused unless ``force``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gcmod import __version__
from gcmod.catalog import CatalogEntry, CatalogOutputError
from gcmod.catalog.analysis import StackResult, TemplateResult, analyse
from gcmod.catalog.pages import index_html, page_path, template_html
from gcmod.loader import LoadError, load_json
from gcmod.safewrite import UnsafeWrite, check_all_under, write_under

if TYPE_CHECKING:
    from gcmod.pricing import Catalog

SCHEMA = "gcmod.catalog/1"
MANIFEST = "catalog.json"
LANGS = ("ja", "en")


def _read_manifest(out: Path) -> dict[str, Any] | None:
    """The previous build's ``catalog.json`` in ``out``; ``None`` when there is none or
    it is not one gcmod wrote (wrong schema, or ``files`` not a list of paths)."""
    try:
        data = load_json(out / MANIFEST)
    except (OSError, LoadError):
        return None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return None
    files = data.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return data


def check_output(out: Path, force: bool = False) -> dict[str, Any] | None:
    """Refuse an output folder that is a file, or a non-empty folder that is not a
    previous catalogue (unless ``force``). Returns the previous manifest, if any."""
    if out.exists() and not out.is_dir():
        raise CatalogOutputError(f"{out}: exists and is not a folder")
    existing = next(p for p in (out.absolute(), *out.absolute().parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise CatalogOutputError(f"{out}: cannot write there ({existing} is not a writable folder)")
    if not out.exists() or not any(out.iterdir()):
        return None
    previous = _read_manifest(out)
    if previous is None and not force:
        raise CatalogOutputError(
            f"{out}: folder is not empty and holds no previous catalogue ({MANIFEST}); "
            "choose an empty or new folder, or pass --force to write into it anyway"
        )
    return previous


def _lang_dir(lang: str, langs: Sequence[str]) -> str:
    """A language's folder relative to the root ('' for the first)."""
    return "" if lang == langs[0] else f"{lang}/"


def _stack_json(s: StackResult) -> dict[str, Any]:
    from gcmod.cost.report import percent_lower

    passed, ran = s.rules_passed()
    return {
        "name": s.stack.name,
        "environment": s.environment,
        "region": s.cfg.region,
        "tenants": len(s.cfg.tenants),
        "resources": len(s.graph.custom_resources),
        "rules": {
            "ran": ran,
            "passed": passed,
            "mandatory": len(s.report.mandatory),
            "advisory": len(s.report.advisory),
        },
        "plannedMonthlyUsd": round(s.estimate.planned.monthly_usd, 2),
        "baselineMonthlyUsd": round(s.estimate.baseline.monthly_usd, 2),
        "percentLower": percent_lower(s.estimate),
    }


def manifest(results: Sequence[TemplateResult], langs: Sequence[str], files: list[str]) -> dict:
    """``catalog.json`` (and ``gcmod catalog --json``)."""
    return {
        "schema": SCHEMA,
        "generator": f"gcmod {__version__}",
        "languages": list(langs),
        "index": {lang: f"{_lang_dir(lang, langs)}index.html" for lang in langs},
        "templates": [
            {
                "id": r.entry.id,
                "titleJa": r.entry.title_ja,
                "titleEn": r.entry.title_en,
                "pages": {
                    lang: f"{_lang_dir(lang, langs)}{page_path(r.entry.id)}" for lang in langs
                },
                "primaryStack": r.primary.stack.name,
                "environments": r.environments,
                "stacks": [_stack_json(s) for s in r.stacks],
            }
            for r in results
        ],
        "files": files,
    }


def render_site(results: Sequence[TemplateResult], langs: Sequence[str]) -> dict[str, str]:
    """Every file of the site: relative path -> text (pages inline their stylesheet)."""
    files: dict[str, str] = {}
    for lang in langs:
        d = _lang_dir(lang, langs)
        depth = d.count("/")
        other = next((x for x in langs if x != lang), None)
        od = _lang_dir(other, langs) if other else ""

        def rel(target_dir: str, page_depth: int) -> str:
            return "../" * page_depth + target_dir

        files[f"{d}index.html"] = index_html(
            results, lang,
            other=rel(od, depth) + "index.html" if other else None, other_lang=other,
        )  # fmt: skip
        for r in results:
            files[f"{d}{page_path(r.entry.id)}"] = template_html(
                r, lang, index="../index.html",
                other=rel(od, depth + 1) + page_path(r.entry.id) if other else None,
                other_lang=other,
            )  # fmt: skip
    return files


def _remove_previous(out: Path, previous: dict[str, Any]) -> None:
    """Delete the files a previous build listed (inside ``out`` only), and the
    folders that leaves empty."""
    root = out.resolve()
    folders: set[Path] = set()
    for name in previous.get("files", []):
        link = out / str(name)
        if link.is_symlink() and link.parent.resolve().is_relative_to(root):
            link.unlink()  # the link itself, never its target (which may be outside)
            continue
        p = link.resolve()
        if p.is_file() and root in p.parents:
            p.unlink()
            folders.update(q for q in p.parents if root in q.parents)
    for folder in sorted(folders, key=lambda q: len(q.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def build(
    entries: Sequence[CatalogEntry],
    out: Path,
    *,
    langs: Sequence[str] = LANGS,
    force: bool = False,
    catalog: Catalog | None = None,
    progress: Callable[[str], None] | None = None,
    synth: Callable[[Any], tuple[Any, Any]] | None = None,
) -> dict[str, Any]:
    """Analyse ``entries`` and write the catalogue to ``out``; returns the manifest.

    ``langs`` default: Japanese at the root, English in ``en/``; ``catalog``
    default: gcmod's price catalogue (``Catalog.load()``); ``synth``:
    ``StackRef -> (config, graph)``, default :func:`gcmod.program.synth_stack`.

    Nothing is written until every template has been analysed, so a bad stack
    leaves ``out`` as it was."""
    from gcmod.pricing import Catalog

    if not entries:
        raise CatalogOutputError("no templates to catalogue")
    langs = list(dict.fromkeys(langs))
    bad = [x for x in langs if x not in LANGS]
    if bad or not langs:
        raise CatalogOutputError(f"languages {bad or langs}: use ja and/or en")
    previous = check_output(out, force)
    catalog = catalog if catalog is not None else Catalog.load()
    results = []
    for k, entry in enumerate(entries, 1):
        if progress:
            progress(f"[{k}/{len(entries)}] {entry.id}: 合成・検査・概算 / synth, check, estimate")
        results.append(analyse(entry, catalog, synth=synth))
    files = render_site(results, langs)
    if previous:
        _remove_previous(out, previous)
    names = sorted([*files, MANIFEST])
    data = manifest(results, langs, names)
    problems = check_all_under(out, names)
    if problems:  # a link or a file left in the way: nothing is written
        raise CatalogOutputError("; ".join(problems))
    try:
        for name, text in files.items():
            write_under(out, name, text)
        write_under(out, MANIFEST, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except (OSError, UnsafeWrite) as exc:
        raise CatalogOutputError(f"{out}: cannot write: {exc.strerror or exc}") from None
    if progress:
        progress(f"{len(names)} ファイルを出力 / wrote {len(names)} files to {out}")
    return data
