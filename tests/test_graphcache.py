"""The graph cache: a change to anything that makes the graph misses, an
unchanged program hits, a bad entry is never trusted, and a graph read back
gives the same check and estimate as a fresh synth.

Slow tests, and why: the first test of a worker to synthesize pays the import of the
``pulumi_aws`` modules a stack uses (2–3 s CPU, 10 s and more on a loaded machine);
the key tests need real synths to show a miss is a new synth and a hit is none."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcmod import graphcache
from gcmod.cli import main
from gcmod.stackfiles import StackRef, samples_dir

PROGRAMS = Path(__file__).parent / "fixtures" / "programs"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test here gets an empty cache of its own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(graphcache.ENV_DIR, str(folder))
    return folder


@pytest.fixture
def synths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the stacks really synthesized (the real synth, counted)."""
    import gcmod.program

    seen: list[str] = []
    real = gcmod.program.synth_config

    def counting(cfg, stack, horizon_start=None):
        seen.append(stack)
        return real(cfg, stack, horizon_start)

    monkeypatch.setattr(gcmod.program, "synth_config", counting)
    return seen


@pytest.fixture
def town(tmp_path: Path) -> StackRef:
    folder = tmp_path / "stacks"
    folder.mkdir()
    path = folder / "Pulumi.town-prod.yaml"
    shutil.copy(samples_dir() / "Pulumi.town-prod.yaml", path)
    return StackRef("town-prod", path)


def test_unchanged_stack_hits_and_gives_the_same_graph(town: StackRef, synths: list[str]) -> None:
    cfg1, g1 = graphcache.synth_stack(town)
    cfg2, g2 = graphcache.synth_stack(town)
    assert synths == ["town-prod"]
    assert g2.to_json() == g1.to_json()
    assert cfg2 == cfg1
    assert graphcache.info()["entries"] == 1


def test_no_cache_synthesizes_and_writes_nothing(town: StackRef, synths: list[str]) -> None:
    graphcache.synth_stack(town, use_cache=False)
    graphcache.synth_stack(town, use_cache=False)
    assert synths == ["town-prod", "town-prod"]
    assert graphcache.info()["entries"] == 0


def test_every_input_of_a_stack_is_in_its_key(
    town: StackRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Key changes: stack file, stack name, pulumi/pulumi-aws/gcmod versions,
    gcmod's source, the schedules' month; nothing else changes it."""
    base = graphcache.stack_key(town)
    assert graphcache.stack_key(town) == base  # nothing changed

    text = town.path.read_text(encoding="utf-8")
    town.path.write_text(text.replace("population: 5000", "population: 5001"), encoding="utf-8")
    assert graphcache.stack_key(town) != base
    town.path.write_text(text, encoding="utf-8")
    assert graphcache.stack_key(town) == base

    assert graphcache.stack_key(StackRef("town-prod2", town.path)) != base
    assert graphcache.stack_key(town, dt.date(2001, 1, 1)) != base

    for dist in ("pulumi", "pulumi-aws", "gcmod", "python"):
        other = {**graphcache._versions(), dist: "0.0.0-other"}
        monkeypatch.setattr(graphcache, "_versions", lambda other=other: other)
        assert graphcache.stack_key(town) != base, dist
        monkeypatch.undo()
        monkeypatch.setenv(graphcache.ENV_DIR, "unused")

    monkeypatch.setattr(graphcache, "gcmod_source_digest", lambda: "another source")
    assert graphcache.stack_key(town) != base
    monkeypatch.undo()

    next_month = (graphcache._jst_today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    monkeypatch.setattr(graphcache, "_jst_today", lambda: next_month)
    assert graphcache.stack_key(town) != base


def test_source_digest_follows_the_bytes_of_gcmods_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = tmp_path / "pkg"
    (code / "sub").mkdir(parents=True)
    (code / "a.py").write_text("X = 1\n")
    (code / "sub" / "b.py").write_text("Y = 2\n")
    monkeypatch.setattr(graphcache, "_gcmod_roots", lambda: [code])

    def digest() -> str:
        graphcache.gcmod_source_digest.cache_clear()
        return graphcache.gcmod_source_digest()

    try:
        first = digest()
        assert digest() == first
        (code / "sub" / "b.py").write_text("Y = 3\n")
        changed = digest()
        assert changed != first
        (code / "sub" / "c.py").write_text("")
        assert digest() != changed
    finally:
        graphcache.gcmod_source_digest.cache_clear()


def test_real_gcmod_source_digest_covers_the_components() -> None:
    roots = graphcache._gcmod_roots()
    assert any((r / "platform.py").is_file() for r in roots)  # components
    assert any((r / "synth.py").is_file() for r in roots)  # mock answers


def _entry(cache_dir: Path) -> Path:
    (path,) = (cache_dir / "graphs").glob("*.json")
    return path


@pytest.mark.parametrize(
    "damage",
    [
        "garbage",
        "truncated",
        "checksum",
        "foreign key",
        "other format",
        "pickle",
        "bad graph",
    ],
)
def test_a_bad_entry_is_ignored_and_rebuilt(
    town: StackRef, synths: list[str], cache_dir: Path, damage: str
) -> None:
    _cfg, good = graphcache.synth_stack(town)
    path = _entry(cache_dir)
    data = path.read_bytes()
    head, _, body = data.partition(b"\n")
    header = json.loads(head)
    if damage == "garbage":
        data = b"\x00\xff not json"
    elif damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "checksum":  # still valid JSON, one value changed
        data = head + b"\n" + body.replace(b"town-prod", b"town-pro0", 1)
    elif damage == "foreign key":
        header["key"] = "0" * 64
        data = json.dumps(header).encode() + b"\n" + body
    elif damage == "other format":
        header["format"] = "someone-else"
        data = json.dumps(header).encode() + b"\n" + body
    elif damage == "pickle":
        import pickle

        data = pickle.dumps(good)
    elif damage == "bad graph":
        bad = b'{"schemaVersion": 99}'
        header["graphSha256"] = graphcache._sha(bad)
        data = json.dumps(header).encode() + b"\n" + bad
    path.write_bytes(data)
    _cfg, again = graphcache.synth_stack(town)
    assert synths == ["town-prod", "town-prod"]
    assert again.to_json() == good.to_json()
    assert graphcache.load(path.stem) is not None  # rebuilt


def test_an_unwritable_cache_is_skipped(
    town: StackRef, synths: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(graphcache.ENV_DIR, str(blocker))
    _cfg, g = graphcache.synth_stack(town)
    assert len(g) > 10 and synths == ["town-prod"]


def test_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(graphcache.ENV_DIR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert graphcache.cache_dir() == tmp_path / "xdg" / "gcmod"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert graphcache.cache_dir() == tmp_path / "home" / ".cache" / "gcmod"
    monkeypatch.setenv(graphcache.ENV_DIR, str(tmp_path / "mine"))
    assert graphcache.cache_dir() == tmp_path / "mine"


def test_a_loaded_graph_gives_identical_check_and_estimate(
    town: StackRef, synths: list[str], catalog
) -> None:
    from gcmod.cost.estimate import estimate_stack
    from gcmod.cost.report import to_json as estimate_json
    from gcmod.cost.usage import usage_for
    from gcmod.policies.harness import check_graph
    from gcmod.policies.report import table, to_json, to_sarif

    cfg, fresh = graphcache.synth_stack(town)
    _cfg, loaded = graphcache.synth_stack(town)
    assert synths == ["town-prod"]
    assert loaded is not fresh
    a, b = check_graph(fresh), check_graph(loaded)
    assert to_json(a) == to_json(b)
    assert to_sarif(a, artifact="x") == to_sarif(b, artifact="x")
    assert table(a, "ja") == table(b, "ja")
    usage = usage_for(cfg, town.path)
    ea = estimate_stack(cfg, fresh, catalog, usage, stack=town.name)
    eb = estimate_stack(cfg, loaded, catalog, usage, stack=town.name)
    assert estimate_json(ea) == estimate_json(eb)


# ---------------------------------------------------------------------------
# --project programs
# ---------------------------------------------------------------------------
@pytest.fixture
def modern(tmp_path: Path):
    from gcmod.project import open_stack

    folder = tmp_path / "modern"
    shutil.copytree(PROGRAMS / "modern", folder)
    return open_stack(folder, "prod")


def _project_synth(ps, runs: list[int], refs=None, log=None):
    from gcmod.project import synth_project

    def run(lg):
        runs.append(1)
        return synth_project(ps, refs, lg)

    return graphcache.synth_project(ps, refs, run, log)


def test_project_hits_until_a_file_of_the_project_changes(modern, tmp_path: Path) -> None:
    from gcmod.project import open_stack
    from gcmod.synth import RunLog

    runs: list[int] = []
    first_log = RunLog()
    g1 = _project_synth(modern, runs, log=first_log)
    log = RunLog()
    g2 = _project_synth(modern, runs, log=log)
    assert len(runs) == 1 and g2.to_json() == g1.to_json()
    assert log.calls == first_log.calls  # what the run answered, shown again on a hit

    # A virtual environment or cache inside the project is not the program.
    venv = modern.project.directory / ".venv"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text("home = /usr\n")
    (modern.project.directory / "__pycache__").mkdir(exist_ok=True)
    (modern.project.directory / "__pycache__" / "x.pyc").write_bytes(b"\0")
    _project_synth(modern, runs)
    assert len(runs) == 1

    # A helper file the program could read, the program, the stack file, the refs.
    (modern.project.directory / "tenants.json").write_text("[]")
    _project_synth(modern, runs)
    assert len(runs) == 2
    main = modern.project.directory / "__main__.py"
    main.write_text(main.read_text() + "\n# edited\n")
    _project_synth(modern, runs)
    assert len(runs) == 3
    modern.file.write_text(modern.file.read_text() + "  aws:skipCredentialsValidation: true\n")
    edited = open_stack(modern.project.directory, "prod")
    _project_synth(edited, runs)
    assert len(runs) == 4
    _project_synth(edited, runs, refs={"acme/net/prod": {"vpcId": "vpc-1"}})
    assert len(runs) == 5
    _project_synth(edited, runs)
    assert len(runs) == 5


def test_a_module_imported_from_outside_the_project_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editable install of the vendor's own library: not in the project, not in
    site-packages; its bytes are recorded and a change misses."""
    import sys

    from gcmod.project import open_stack

    lib = tmp_path / "vendorlib"
    lib.mkdir()
    (lib / "acme_naming_lib.py").write_text("PREFIX = 'acme'\n")
    monkeypatch.syspath_prepend(str(lib))
    folder = tmp_path / "prog"
    shutil.copytree(PROGRAMS / "modern", folder)
    main = folder / "__main__.py"
    main.write_text("import acme_naming_lib  # noqa: F401\n" + main.read_text())
    ps = open_stack(folder, "prod")
    runs: list[int] = []
    try:
        _project_synth(ps, runs)
        _project_synth(ps, runs)
        assert len(runs) == 1
        (lib / "acme_naming_lib.py").write_text("PREFIX = 'acme2'\n")
        _project_synth(ps, runs)
        assert len(runs) == 2
    finally:
        sys.modules.pop("acme_naming_lib", None)


# ---------------------------------------------------------------------------
# The commands
# ---------------------------------------------------------------------------
def test_commands_share_the_cache_and_no_cache_bypasses_it(
    town: StackRef, synths: list[str], cache_dir: Path
) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["check", str(town.path)])
    second = runner.invoke(main, ["check", str(town.path)])
    assert first.exit_code == second.exit_code == 0, first.output
    assert second.output == first.output
    assert synths == ["town-prod"]
    for args in (["estimate", "--json"], ["calendar"], ["synth", "--json"]):
        res = runner.invoke(main, [args[0], str(town.path), *args[1:]])
        assert res.exit_code == 0, res.output
    assert synths == ["town-prod"]
    res = runner.invoke(main, ["check", str(town.path), "--no-cache"])
    assert res.output == first.output
    assert synths == ["town-prod", "town-prod"]

    res = runner.invoke(main, ["cache", "info", "--json"])
    assert json.loads(res.output)["entries"] == 1
    res = runner.invoke(main, ["cache", "clear"])
    assert res.exit_code == 0 and "removed 1 cached graphs" in res.output
    assert not list((cache_dir / "graphs").glob("*.json"))
    runner.invoke(main, ["check", str(town.path)])
    assert synths == ["town-prod"] * 3


def test_a_warm_check_imports_neither_pydantic_nor_pulumi_aws(town: StackRef) -> None:
    """The cache's point: a repeated check starts no synth machinery (a fresh
    process, as a user runs it; ~1 s)."""
    import os
    import subprocess
    import sys

    graphcache.synth_stack(town)
    probe = (
        "import sys\n"
        "from gcmod.cli import main\n"
        "try:\n"
        "    main(['check', sys.argv[1]])\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        "heavy = sorted(m for m in ('pulumi_aws', 'pydantic') if m in sys.modules)\n"
        "print('EXIT', code, 'HEAVY', heavy, file=sys.stderr)\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", probe, str(town.path)],
        capture_output=True, text=True, env=dict(os.environ), check=False,
    )  # fmt: skip
    assert "EXIT 0 HEAVY []" in res.stderr, res.stderr
    assert "gcmod check town-prod" in res.stdout
