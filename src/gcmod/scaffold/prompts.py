"""Collecting answers for ``gcmod new``: flags first, prompts for the rest.

Without prompts (``--no-input``, or stdin not a terminal) an answer no flag
gives is the template's default. With prompts, each missing answer is asked
with that default offered, and a malformed one is asked again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import click
from pydantic import Field, TypeAdapter, ValidationError

from gcmod import reference as ref
from gcmod.config import StackConfig, Tenant
from gcmod.scaffold.answers import (
    AUTO_SIZE,
    ENVIRONMENTS,
    PROJECT_PATTERN,
    PROJECT_RULE,
    TENANT_EXAMPLE,
    TENANT_SPEC,
    Answers,
    ScaffoldError,
    describe_errors,
    parse_tenant,
    tenant_spec,
)
from gcmod.scaffold.registry import Template, get_template, resolve_answers, templates

#: Parent of a derived placeholder domain (the one the templates use).
PLACEHOLDER_DOMAIN = "example.lg.jp"
_PROJECT = TypeAdapter(Annotated[str, Field(pattern=PROJECT_PATTERN)])


def project_from_dest(dest: Path | None) -> str | None:
    """The destination folder's name, when it is a valid project name."""
    if dest is None:
        return None
    try:
        return _PROJECT.validate_python(dest.resolve().name)
    except ValidationError:
        return None


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace("、", ",").split(",") if v.strip()]


def _tenants_proc(value: str) -> list[dict[str, Any]]:
    out = []
    for spec in _split(value):
        try:
            t = parse_tenant(spec, "tenant")
            Tenant.model_validate(t)
        except ScaffoldError as exc:
            raise click.BadParameter("; ".join(exc.problems)) from None
        except ValidationError as exc:
            raise click.BadParameter(f"{spec!r}: " + "; ".join(describe_errors(exc))) from None
        out.append(t)
    if not out:
        raise click.BadParameter(f"give at least one {TENANT_SPEC}")
    return out


def _envs_proc(allowed: Sequence[str]) -> Callable[[str], list[str]]:
    def proc(value: str) -> list[str]:
        envs = _split(value)
        bad = [e for e in envs if e not in allowed]
        if bad or not envs:
            raise click.BadParameter(
                f"{', '.join(bad) or 'nothing'}: choose from {', '.join(allowed)}"
            )
        return envs

    return proc


def choose_template(template_id: str | None, interactive: bool) -> Template:
    """The template named, else (prompting if allowed) the first one."""
    if template_id is not None:
        return get_template(template_id)
    all_t = templates()
    if not interactive:
        return all_t[0]
    for i, t in enumerate(all_t, 1):
        click.echo(f"  {i}. {t.id:<22} {t.title_ja} / {t.title_en}", err=True)
    tid = click.prompt(
        "Template / テンプレート",
        type=click.Choice([t.id for t in all_t]),
        default=all_t[0].id,
        show_choices=False,
        err=True,
    )
    return get_template(tid)


def collect(
    tpl: Template, given: dict[str, Any], *, interactive: bool, dest: Path | None
) -> Answers:
    """Answers from ``given`` (flags; ``None`` = not given), prompting for the rest
    when ``interactive``, else taking the template's defaults."""
    d = tpl.default_answers
    data: dict[str, Any] = {k: v for k, v in given.items() if v not in (None, (), [])}
    if "tenants" in data:
        data["tenants"] = [parse_tenant(s) for s in data["tenants"]]
    if "project" not in data and not interactive and (from_dest := project_from_dest(dest)):
        data["project"] = from_dest
    if interactive:
        _ask(tpl, data, dest)
    if "domain" not in data:
        data["domain"] = default_domain(tpl, data.get("project", d.project))
    return resolve_answers(tpl.id, {**d.model_dump(), **data})


def default_domain(tpl: Template, project: str) -> str:
    """The template's domain for its own project name, else ``<project>.example.lg.jp``
    (a placeholder under the reserved example label, to be replaced)."""
    if project == tpl.default_answers.project:
        return tpl.default_answers.domain
    label = "".join(c if c.isalnum() else "-" for c in project.lower()).strip("-")[:63]
    return f"{label or 'project'}.{PLACEHOLDER_DOMAIN}"


def _ask(tpl: Template, data: dict[str, Any], dest: Path | None) -> None:
    d = tpl.default_answers
    p = _prompter()
    if "project" not in data:
        data["project"] = p(
            "Project name / プロジェクト名",
            default=project_from_dest(dest) or d.project,
            value_proc=_project_proc,
        )
    if "business" not in data:
        for b in ref.BUSINESSES:
            click.echo(f"  {b.id:<22} {b.ja} / {b.en}", err=True)
        data["business"] = p(
            "Business system / 標準化対象業務",
            default=d.business,
            type=click.Choice([b.id for b in ref.BUSINESSES]),
            show_choices=False,
        )
    if "tenants" not in data:
        data["tenants"] = p(
            f"Municipalities / 利用団体 ({TENANT_SPEC}, comma-separated; e.g. {TENANT_EXAMPLE})",
            default=", ".join(tenant_spec(t) for t in d.tenants),
            value_proc=_tenants_proc,
        )
    if "size" not in data:
        size = p(
            "Size band / 規模 (auto: from the total population)",
            default=d.size or AUTO_SIZE,
            type=click.Choice([AUTO_SIZE, *ref.MUNICIPALITY_CLASSES]),
        )
        data["size"] = None if size == AUTO_SIZE else size
    if "environments" not in data:
        data["environments"] = p(
            f"Environments / 環境 (comma-separated: {', '.join(tpl.environments)})",
            default=", ".join(d.environments),
            value_proc=_envs_proc([e for e in ENVIRONMENTS if e in tpl.environments]),
        )
    if "domain" not in data:
        data["domain"] = p(
            "Domain / ドメイン",
            default=default_domain(tpl, data["project"]),
            value_proc=_domain_proc,
        )
    if "region" not in data:
        data["region"] = p(
            "Region / リージョン", default=d.region, type=click.Choice(list(ref.JAPAN_REGIONS))
        )


def _project_proc(value: str) -> str:
    try:
        return _PROJECT.validate_python(value.strip())
    except ValidationError:
        raise click.BadParameter(PROJECT_RULE) from None


def _domain_proc(value: str) -> str:
    """A domain, checked by the stack schema's own rule (asked again if refused)."""
    try:
        return StackConfig._domain(value.strip())
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _prompter() -> Callable[..., Any]:
    def ask(text: str, **kw: Any) -> Any:
        return click.prompt(text, err=True, **kw)

    return ask
