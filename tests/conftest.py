"""Shared fixtures: the sample stacks, synthesized once per test session."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import settings

from gcmod.graph import ResourceGraph
from gcmod.stackfiles import list_stacks, resolve, samples_dir

SAMPLE_NAMES = tuple(list_stacks(samples_dir()))

# In CI, property tests replay the same examples every run (a new random example
# found there would fail a landing for a reason unrelated to the change);
# developers' runs keep exploring. Neither has a per-example deadline: timing
# belongs in benchmarks/, and a loaded machine must not fail a property test.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# gcmod speaks the locale's language (gcmod.i18n): tests start from a neutral one,
# whatever the machine's, and tests of the language set it themselves.
for _var in ("GCMOD_LANG", "LC_ALL", "LC_MESSAGES", "COLUMNS", "FORCE_COLOR", "NO_COLOR"):
    os.environ.pop(_var, None)
os.environ["LANG"] = "C.UTF-8"


@pytest.fixture(scope="session", autouse=True)
def graph_cache_dir(tmp_path_factory: pytest.TempPathFactory):
    """No test touches the user's graph cache: one cache folder for the whole run
    (shared by pytest-xdist workers, whose temporary folders are siblings), so the
    command tests reuse each other's graphs as a user's repeated runs would."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / "gcmod-cache"
    patch = pytest.MonkeyPatch()
    patch.setenv("GCMOD_CACHE_DIR", str(folder))
    yield folder
    patch.undo()


@pytest.fixture(scope="session")
def sample_stacks() -> dict[str, tuple[Any, ResourceGraph]]:
    """Every built-in sample: name -> (config, graph), as `gcmod synth` builds them
    (through the session's graph cache, so xdist workers and the command tests
    reuse the same graphs)."""
    from gcmod import graphcache

    return {name: graphcache.synth_stack(resolve(name, samples_dir())) for name in SAMPLE_NAMES}


@pytest.fixture(scope="session")
def catalog():
    """The packaged price catalogue, loaded once."""
    from gcmod.pricing import Catalog

    return Catalog.load()


@pytest.fixture(scope="session")
def sample_estimates(sample_stacks, catalog) -> dict[str, Any]:
    """Every built-in sample estimated with the default usage: name -> EstimateResult."""
    from gcmod.cost.estimate import estimate_stack
    from gcmod.cost.usage import Usage

    return {
        name: estimate_stack(cfg, graph, catalog, Usage(), stack=name)
        for name, (cfg, graph) in sample_stacks.items()
    }


@pytest.fixture(scope="session")
def catalog_site(tmp_path_factory) -> tuple[Any, dict[str, Any]]:
    """`gcmod catalog`'s site built once from every template: (folder, manifest)."""
    from gcmod import graphcache
    from gcmod.catalog import entries_from_templates
    from gcmod.catalog.build import build

    work = tmp_path_factory.mktemp("catalog")
    out = work / "site"
    return out, build(
        entries_from_templates(work / "projects"), out, synth=graphcache.graph_of(True)
    )


@pytest.fixture(scope="session")
def demo_audit():
    """`gcmod audit --demo`'s result (AuditResult), audited once in an embedded moto."""
    from gcmod.commands.audit import audit_demo
    from gcmod.reference import GOV_REGIONS

    return audit_demo(tuple(GOV_REGIONS), 4, None, quiet=True)
