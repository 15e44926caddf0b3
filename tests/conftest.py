"""Shared fixtures: the sample stacks, synthesized once per test session."""

from __future__ import annotations

import atexit
import gzip
import importlib.util
import os
import sys
import tempfile
from pathlib import Path
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

# Bytecode caches even where PYTHONDONTWRITEBYTECODE is set (container images and
# this machine set it): the suite starts two workers and ~100 ``gcmod`` processes,
# and without caches each compiles gcmod's sources and every test module again
# (collection alone: 13.1 s CPU a worker without, 4.6 s with). Python writes them
# to the usual ``__pycache__`` folders (.gitignore), checked against each source's
# mtime and size. Set here, in the controller, before the workers start: they and
# every process they start inherit the environment.
if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
    sys.dont_write_bytecode = False

# gcmod speaks the locale's language (gcmod.i18n): tests start from a neutral one,
# whatever the machine's, and tests of the language set it themselves.
for _var in ("GCMOD_LANG", "LC_ALL", "LC_MESSAGES", "COLUMNS", "FORCE_COLOR", "NO_COLOR"):
    os.environ.pop(_var, None)
os.environ["LANG"] = "C.UTF-8"


def _moto_base_amis() -> None:
    """moto's EC2 builds, for every region it serves, its base catalogue of 44 AMIs
    plus that region's "latest" and ECS-optimized images (~1,300 more, each with its
    own snapshot): 0.3 s CPU per region at every ``mock_aws`` start and reset, and
    ~2.8 s per ``DescribeImages(Owners=["amazon"])`` to serialise them. No test needs
    the extra images (the demo uses :data:`gcmod.audit.demo.DEMO_AMI`, one of the 44),
    so moto gets its base list through ``MOTO_AMIS_PATH`` (documented by moto, read
    when ``moto.ec2`` is first imported: here, before any test module imports it).
    The file is this process's own; moto servers and ``gcmod`` subprocesses inherit it."""
    spec = importlib.util.find_spec("moto")
    if "MOTO_AMIS_PATH" in os.environ or spec is None or not spec.submodule_search_locations:
        return
    base = Path(spec.submodule_search_locations[0]) / "ec2/resources/amis.json.gz"
    if not base.is_file():
        return
    fd, path = tempfile.mkstemp(prefix="gcmod-test-amis-", suffix=".json")
    with os.fdopen(fd, "wb") as out:
        out.write(gzip.decompress(base.read_bytes()))
    atexit.register(os.unlink, path)
    os.environ["MOTO_AMIS_PATH"] = path


def _share_botocore_models() -> None:
    """Every boto3 session parses the service models it uses anew (EC2's alone is
    0.2-0.3 s); the tests make hundreds of sessions (each moto estate, each demo
    audit). The parsed files are shared per process instead, as one session already
    shares them between its clients (botocore treats them as read-only). Each
    session keeps its own loader, so the audit's own loader sharing
    (gcmod.audit.scope, tests/test_audit_scale.py) is still tested."""
    import botocore.loaders

    load_file = botocore.loaders.JSONFileLoader.load_file
    parsed: dict[str, Any] = {}

    def shared_load_file(self: Any, file_path: str) -> Any:
        if file_path not in parsed:
            parsed[file_path] = load_file(self, file_path)
        return parsed[file_path]

    botocore.loaders.JSONFileLoader.load_file = shared_load_file


_moto_base_amis()
_share_botocore_models()


@pytest.fixture(scope="session", autouse=True)
def hypothesis_prng_registered() -> None:
    """Hypothesis registers its own PRNG on its first run in a thread, with a full
    ``gc.collect()`` and ``gc.get_referrers()`` (hypothesis/internal/entropy.py):
    0.6 s in a fresh process, 2-10 s in a worker that already holds graphs, moto
    estates and catalogues. Done here, before any test has built anything."""
    from hypothesis import find
    from hypothesis import strategies as st

    find(st.none(), lambda _: True, settings=settings(database=None))


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
    reuse the same graphs). Slow once: the first test of the run to ask synthesizes
    the five samples (~7 s CPU, imports included); later ones, on either worker,
    load them from the cache."""
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
    """`gcmod catalog`'s site built once from every template: (folder, manifest).
    Slow once per worker: scaffolding, checking, estimating and rendering the three
    templates' seven stacks takes ~6.5 s CPU with a cold graph cache, ~2 s warm."""
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
    """`gcmod audit --demo`'s result (AuditResult), audited once in an embedded moto.
    Slow once per worker: seeding the demo estate and auditing both regions takes
    ~2.5 s CPU, ~6 s for the worker's first moto run (moto's and boto3's imports)."""
    from gcmod.commands.audit import audit_demo
    from gcmod.reference import GOV_REGIONS

    return audit_demo(tuple(GOV_REGIONS), 4, None, quiet=True)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium (gcmod.catalog.browser) for the browser tests of a
    file: each launch costs ~1.5 s CPU (the browser and Playwright's driver).
    Per file, not per worker: while it is open, Playwright's sync API keeps its
    event loop marked as running on this thread, and a synth in a later test
    file of the worker would find that loop running (and pump it) instead of
    running its own."""
    from gcmod.catalog.browser import chromium

    with chromium() as b:
        yield b


#: Test files that take longest (wall seconds on 2 cores, measured with
#: benchmarks/suite_cpu.py on 2026-12-02: 19.9, 16.3, 14.4, 13.0, 12.9, 12.6,
#: 10.4, 9.6, 9.6, 8.4, 8.0, 7.8 s), longest first. pytest-xdist hands whole
#: files to the workers in collection order (``--no-loadscope-reorder`` in
#: pyproject.toml; by default it starts with the files that have the most tests,
#: which left the longest file for last and one worker idle for ~18 s), so
#: these go first and the many short files fill in at the end. Only the order
#: of files changes; tests inside a file keep theirs.
LONGEST_FILES = (
    "test_new_workflow.py", "test_policy_grpc.py", "test_scaffold.py", "test_bad_input.py",
    "test_audit_moto_server.py", "test_report_browser.py", "test_hotpath.py",
    "test_graphcache.py", "test_untranslated.py", "test_catalog_browser.py", "test_catalog.py",
    "test_cli_i18n.py",
)  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable
