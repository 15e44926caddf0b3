"""Project templates: ``gcmod new`` scaffolds a vendor project from them, and
``gcmod catalog`` publishes them.

Public interface (stable):

- :func:`templates` -> ``list[Template]``: the published templates, in display order;
- :class:`Template`: ``id``, ``title_ja``, ``title_en``, ``summary_ja``,
  ``summary_en``, ``default_answers``, ``stack_names`` (environment -> stack),
  ``environments`` (allowed), ``min_tenants``, ``max_tenants``, ``options``;
  :meth:`Template.stacks` (stack name -> environment for some answers);
- :class:`Answers`: the vendor's choices (pydantic, unknown keys forbidden):
  ``project``, ``business``, ``size``, ``tenants``, ``environments``,
  ``domain``, ``region``; ``size_band`` resolves the size;
- :func:`render` -> :class:`Project`: the files (relative path -> text) and
  each stack's validated :class:`gcmod.config.StackConfig`, in memory;
- :func:`scaffold`: write a project into a folder, all or nothing;
- :class:`ScaffoldError` (a :class:`gcmod.config.ConfigError`: exit 2 in the CLI).
"""

from __future__ import annotations

from gcmod.scaffold.answers import (
    ENVIRONMENTS,
    FLAGS,
    Answers,
    ScaffoldError,
    SizeBand,
    parse_answers,
)
from gcmod.scaffold.registry import (
    Project,
    Template,
    get_template,
    render,
    resolve_answers,
    scaffold,
    templates,
)

__all__ = [
    "ENVIRONMENTS",
    "FLAGS",
    "Answers",
    "Project",
    "ScaffoldError",
    "SizeBand",
    "Template",
    "get_template",
    "parse_answers",
    "render",
    "resolve_answers",
    "scaffold",
    "templates",
]
