"""The template registry and the scaffolder (gcmod.scaffold): every template
makes a project whose stacks pass the policy pack and price out of the box."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path, PurePosixPath

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from gcmod import graphcache
from gcmod.cli import main
from gcmod.config import load_stack_file, parse_config
from gcmod.program import synth_config
from gcmod.reference import lg_code_check_digit
from gcmod.scaffold import (
    Answers,
    ScaffoldError,
    get_template,
    render,
    resolve_answers,
    scaffold,
    templates,
)
from gcmod.scaffold import sizing as sz
from gcmod.stackfiles import StackRef, project_stacks_dir
from gcmod.synth import run_program

TEMPLATE_IDS = [t.id for t in templates()]


def test_registry_lists_the_templates_in_display_order() -> None:
    assert TEMPLATE_IDS == ["shared-saas", "single-municipality", "dr-rebuild"]
    for t in templates():
        assert t.title_en.isascii() and not t.title_ja.isascii()
        assert t.summary_en.isascii() and not t.summary_ja.isascii()
        assert len(t.summary_en) > 80 and "\n" not in t.summary_en
        assert isinstance(t.default_answers, Answers)
        assert set(t.stacks()) == {t.stack_name(e) for e in t.default_answers.environments}


def test_default_answers_meet_each_templates_constraints() -> None:
    for t in templates():
        a = resolve_answers(t.id, None)
        assert a == t.default_answers
        assert t.min_tenants <= len(a.tenants) <= (t.max_tenants or len(a.tenants))
        assert set(a.environments) <= set(t.environments)
    assert len(get_template("shared-saas").default_answers.tenants) >= 2
    assert get_template("single-municipality").max_tenants == 1
    dr = get_template("dr-rebuild")
    assert dr.environments == ("production",) and dr.stacks() == {"dr": "production"}


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_every_template_scaffolds_a_project_that_checks_and_estimates(
    template_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tpl = get_template(template_id)
    dest = tmp_path / "project"
    written = scaffold(template_id, dest)
    rel = sorted(p.relative_to(dest).as_posix() for p in written)
    stacks = tpl.stacks()
    assert rel == sorted(str(p) for p in render(template_id).files)
    for name in stacks:
        assert f"stacks/Pulumi.{name}.yaml" in rel and f"stacks/usage.{name}.yaml" in rel
    for f in ("Pulumi.yaml", "__main__.py", "requirements.txt", "README.md", ".gitignore",
              "policy/PulumiPolicy.yaml", "policy/__main__.py",
              ".github/workflows/gcmod.yml"):  # fmt: skip
        assert f in rel
    project = yaml.safe_load((dest / "Pulumi.yaml").read_text(encoding="utf-8"))
    assert project["name"] == tpl.default_answers.project
    assert project["runtime"]["name"] == "python" and project["stackConfigDir"] == "stacks"
    assert "gcmod" in (dest / "requirements.txt").read_text(encoding="utf-8")
    readme = (dest / "README.md").read_text(encoding="utf-8")
    assert "gcmod check" in readme and "gcmod estimate" in readme
    assert "--policy-pack policy" in readme and "次の手順" in readme

    # `gcmod check/estimate STACK` inside the project find its stack files.
    monkeypatch.chdir(dest)
    assert project_stacks_dir(Path.cwd()) == Path.cwd() / "stacks"
    runner = CliRunner()
    for name, env in stacks.items():
        cfg = load_stack_file(dest / "stacks" / f"Pulumi.{name}.yaml")
        assert cfg.environment == env
        res = runner.invoke(main, ["check", name, "--json"])
        assert res.exit_code == 0, res.output
        report = json.loads(res.stdout)
        assert report["stack"] == name and report["mandatory"] == 0
        res = runner.invoke(main, ["estimate", name, "--json"])
        assert res.exit_code == 0, res.output
        est = json.loads(res.stdout)
        assert est["stack"] == name
        assert 0 < est["planned"]["monthlyUsd"] < est["baseline"]["monthlyUsd"]
        assert est["planned"]["missing"] == [] and est["baseline"]["missing"] == []
        assert [s["code"] for s in est["shares"]] == [t.code for t in cfg.tenants]


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_the_generated_program_builds_the_stack_from_engine_config(
    template_id: str, tmp_path: Path
) -> None:
    """__main__.py, run as the Pulumi engine runs it (config as strings, objects
    JSON-encoded), declares what `gcmod synth` declares for the stack file."""
    dest = tmp_path / "p"
    scaffold(template_id, dest)
    stack, _env = next(iter(get_template(template_id).stacks().items()))
    raw = yaml.safe_load((dest / "stacks" / f"Pulumi.{stack}.yaml").read_text("utf-8"))["config"]
    engine = {k: v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}
    cfg = parse_config(raw, "test")
    graph = run_program(
        lambda: runpy.run_path(str(dest / "__main__.py")),
        project="gcmod",
        stack=stack,
        region=cfg.region,
        config=engine,
    )
    # what `gcmod synth` declares: through the graph cache, which holds this stack
    # already when the test above checked the same template's project
    _cfg, expected = graphcache.synth_stack(
        StackRef(stack, dest / "stacks" / f"Pulumi.{stack}.yaml")
    )
    assert sorted(r.urn for r in graph) == sorted(r.urn for r in expected)
    assert len(graph.custom_resources) > 20


def test_sizes_follow_the_band_and_the_environment() -> None:
    base = get_template("shared-saas").default_answers.model_dump()
    for band in ("designated-city", "town-village"):
        p = render("shared-saas", {**base, "size": band})
        for stack, env in get_template("shared-saas").stacks().items():
            want = sz.sizing(env, band)
            cfg = p.stacks[stack]
            assert (cfg.service.cpu, cfg.service.memory) == (want.cpu, want.memory)
            assert cfg.service.min_tasks == want.min_tasks
            assert cfg.service.max_tasks == want.max_tasks
            assert cfg.database.max_acu == want.max_acu
            assert cfg.backup.retention_days == want.backup_retention_days
            assert cfg.dr.copy_backups is want.copy_backups
    big = render("shared-saas", {**base, "size": "designated-city"}).stacks["prod"]
    small = render("shared-saas", {**base, "size": "town-village"}).stacks["prod"]
    assert big.service.cpu > small.service.cpu and big.database.max_acu > small.database.max_acu


def test_size_band_defaults_to_the_band_of_the_total_population() -> None:
    base = get_template("shared-saas").default_answers.model_dump()
    a = resolve_answers("shared-saas", base)
    assert a.size is None and a.population == 282_000 and a.size_band == "core-city"
    towns = [
        {"name": "ニセコ町", "code": "013951", "population": 5000},
        {"name": "蘭越町", "code": "013935", "population": 4500},
    ]
    a = resolve_answers("shared-saas", {**base, "tenants": towns})
    assert a.size_band == "town-village"
    p = render("shared-saas", a)
    # Production data: the tenants' bands summed; staging a share; development fixed.
    assert p.stacks["prod"].database.data_gb == 2 * sz.TENANT_DATA_GB["town-village"]
    assert p.stacks["dev"].database.data_gb == sz.DEVELOPMENT_DATA_GB
    assert p.stacks["prod"].service.cpu == sz.PRODUCTION["town-village"].cpu


def test_osaka_primary_copies_backups_to_tokyo() -> None:
    base = get_template("shared-saas").default_answers.model_dump()
    p = render("shared-saas", {**base, "region": "ap-northeast-3"})
    assert {c.region for c in p.stacks.values()} == {"ap-northeast-3"}
    assert {c.dr.region for c in p.stacks.values()} == {"ap-northeast-1"}
    dr = render("dr-rebuild").stacks["dr"]
    assert (dr.region, dr.dr.region) == ("ap-northeast-3", "ap-northeast-1")
    assert dr.database.restore_from.startswith("arn:aws:rds:ap-northeast-3:")
    assert dr.tags["gcmod:role"] == "dr-rebuild"


def test_tenant_names_survive_yaml_quoting() -> None:
    base = get_template("single-municipality").default_answers.model_dump()
    odd = 'O"Hara: #1 町 \\ {x}'
    p = render("single-municipality", {**base, "tenants": [
        {"name": odd, "code": "013951", "population": 5000}]})  # fmt: skip
    assert p.stacks["prod"].tenants[0].name == odd


def test_size_auto_is_the_band_of_the_population_through_the_api_too() -> None:
    base = get_template("shared-saas").default_answers.model_dump()
    p = render("shared-saas", {**base, "size": "auto"})
    assert p.answers.size is None
    assert p.answers.size_band == "core-city"  # three cities, 282,000 residents together
    assert render("shared-saas", {**base, "size": "town-village"}).answers.size_band == (
        "town-village")  # fmt: skip


def test_tenant_spec_reads_separators_and_full_width_digits() -> None:
    from gcmod.scaffold.answers import parse_tenant

    assert parse_tenant(" 小樽市 : 012033 : １０７,０００ ") == {
        "name": "小樽市", "code": "012033", "population": 107000}  # fmt: skip
    assert parse_tenant("A:B:012033:1_000")["name"] == "A:B"
    assert parse_tenant("小樽市：０１２０３３：１０７０００") == {
        "name": "小樽市", "code": "012033", "population": 107000}  # fmt: skip


def test_a_pipe_in_a_tenant_name_keeps_the_readme_table_whole() -> None:
    base = get_template("single-municipality").default_answers.model_dump()
    p = render("single-municipality", {**base, "tenants": [
        {"name": "A|B", "code": "013951", "population": 5000}]})  # fmt: skip
    row = next(x for x in p.files[PurePosixPath("README.md")].splitlines() if "013951" in x)
    assert row == "| municipalities / 利用団体 | A\\|B (013951, 5,000) |"
    assert p.stacks["prod"].tenants[0].name == "A|B"


def test_environments_are_ordered_and_staging_domains_prefixed() -> None:
    base = get_template("shared-saas").default_answers.model_dump()
    a = resolve_answers("shared-saas", {**base, "environments": ["development", "production"]})
    assert a.environments == ("production", "development")
    p = render("shared-saas", a)
    assert set(p.stacks) == {"prod", "dev"}
    assert p.stacks["dev"].domain == "dev." + a.domain and p.stacks["prod"].domain == a.domain


BAD_ANSWERS = [
    ({"business": "juminhyo"}, "business (--business): must be one of the 20"),
    (
        {"tenants": [{"name": "小樽市", "code": "012034", "population": 1}]},
        "tenants[0].code (--tenant): must be a six-digit local government code",
    ),
    (
        {
            "tenants": [
                {"name": "A", "code": "012033", "population": 1},
                {"name": "B", "code": "012033", "population": 2},
            ]
        },
        "duplicate local government code(s) 012033",
    ),
    ({"environments": ["prod"]}, "environments[0] (--env): must be one of production, staging"),
    ({"environments": ["staging", "staging"]}, "environment(s) given twice: staging"),
    ({"size": "metropolis"}, "size (--size): must be one of designated-city"),
    ({"project": "my project"}, "project (--name): must be 1-100 letters"),
    ({"domain": "Example.LG.JP"}, "domain (--domain): must be a lower-case DNS domain"),
    ({"region": "us-east-1"}, "region (--region): must be a region in Japan"),
    ({"colour": "blue"}, "colour: unknown answer; allowed: project, business"),
    ({"tenants": []}, "tenants (--tenant): at least one is needed"),
]


@pytest.mark.parametrize(("change", "message"), BAD_ANSWERS)
def test_bad_answers_are_refused_and_nothing_is_written(
    change: dict, message: str, tmp_path: Path
) -> None:
    base = get_template("shared-saas").default_answers.model_dump()
    dest = tmp_path / "out"
    with pytest.raises(ScaffoldError) as err:
        scaffold("shared-saas", dest, {**base, **change})
    assert message in str(err.value)
    assert not dest.exists()


@pytest.mark.parametrize(
    ("template_id", "change", "message"),
    [
        ("shared-saas", {"tenants": [{"name": "A", "code": "012033", "population": 9}]},
         "the shared-saas template needs at least 2; got 1"),
        ("single-municipality", {"tenants": [{"name": "A", "code": "012033", "population": 9},
                                             {"name": "B", "code": "012173", "population": 9}]},
         "the single-municipality template needs exactly 1; got 2"),
        ("dr-rebuild", {"environments": ["production", "staging"]},
         "the dr-rebuild template does not offer staging; allowed: production"),
    ],
)  # fmt: skip
def test_template_constraints(template_id, change, message, tmp_path: Path) -> None:
    base = get_template(template_id).default_answers.model_dump()
    with pytest.raises(ScaffoldError, match="--") as err:
        scaffold(template_id, tmp_path / "x", {**base, **change})
    assert message in str(err.value)
    assert not (tmp_path / "x").exists()


def test_unknown_template_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError) as err:
        scaffold("saas", tmp_path / "x")
    assert "unknown template 'saas'; available: shared-saas, single-municipality" in str(err.value)
    assert not (tmp_path / "x").exists()


def test_existing_files_are_kept_unless_forced(tmp_path: Path) -> None:
    dest = tmp_path / "p"
    (dest / "stacks").mkdir(parents=True)
    (dest / "README.md").write_text("mine\n", encoding="utf-8")
    (dest / "stacks" / "Pulumi.prod.yaml").write_text("config: {}\n", encoding="utf-8")
    with pytest.raises(ScaffoldError) as err:
        scaffold("shared-saas", dest)
    msg = str(err.value)
    assert "README.md exists" in msg and "Pulumi.prod.yaml exists" in msg and "--force" in msg
    assert (dest / "README.md").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in dest.rglob("*")) == ["Pulumi.prod.yaml", "README.md", "stacks"]

    written = scaffold("shared-saas", dest, force=True)
    assert dest / "README.md" in written
    assert (dest / "README.md").read_text(encoding="utf-8").startswith("# juki-saas")
    assert load_stack_file(dest / "stacks" / "Pulumi.prod.yaml").environment == "production"


def test_a_file_in_the_way_of_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="exists and is not a folder"):
        scaffold("shared-saas", tmp_path / "f")
    dest = tmp_path / "p"
    dest.mkdir()
    (dest / "stacks").write_text("x", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="stacks exists and is not a folder"):
        scaffold("shared-saas", dest, force=True)
    assert sorted(p.name for p in dest.iterdir()) == ["stacks"]


def test_a_file_in_the_way_above_the_destination_is_named(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("mine", encoding="utf-8")
    with pytest.raises(ScaffoldError) as err:
        scaffold("shared-saas", tmp_path / "notes" / "p")
    assert str(err.value).splitlines()[1:] == [
        f"  - DEST: {tmp_path / 'notes'} exists and is not a folder"]  # fmt: skip
    assert (tmp_path / "notes").read_text(encoding="utf-8") == "mine"


def test_project_recognition_needs_gcmod_name_or_marker(tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "Pulumi.yaml").write_text("name: webserver\nruntime: python\n", encoding="utf-8")
    assert project_stacks_dir(other) is None
    (other / "Pulumi.yaml").write_text(
        "name: webserver  # gcmod-project: no, not at the start of a line\nruntime: python\n",
        encoding="utf-8",
    )
    assert project_stacks_dir(other) is None
    mine = tmp_path / "mine"
    scaffold("single-municipality", mine)
    assert project_stacks_dir(mine) == mine / "stacks"
    repo = Path(__file__).resolve().parent.parent
    assert project_stacks_dir(repo) == repo / "stacks"  # name: gcmod, as before


def test_the_generated_policy_pack_serves_gcmods_rules(tmp_path: Path) -> None:
    """`pulumi preview --policy-pack policy` runs the folder's __main__.py: it
    serves the same policies as gcmod's own pack."""
    from fixtures.packserver import running_pack
    from google.protobuf import empty_pb2

    dest = tmp_path / "p"
    scaffold("single-municipality", dest)
    pack = yaml.safe_load((dest / "policy" / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    assert pack["runtime"]["name"] == "python"
    assert pack["runtime"]["options"]["virtualenv"] == "../.venv"

    def policies(cmd: list[str] | None) -> list[str]:
        with running_pack(cmd=cmd) as stub:
            info = stub.GetAnalyzerInfo(empty_pb2.Empty())
        return sorted(p.name for p in info.policies)

    generated = policies([sys.executable, "-u", str(dest / "policy")])
    assert len(generated) > 20 and generated == policies(None)


@pytest.mark.parametrize("band", ["designated-city", "core-city", "city", "town-village"])
def test_every_band_passes_the_policy_pack_in_every_environment(band: str) -> None:
    """The sizing table stays within the rules' caps (GCM-COST-003 and others)."""
    from gcmod.policies.harness import check_graph

    base = get_template("shared-saas").default_answers.model_dump()
    project = render("shared-saas", {**base, "size": band})
    for stack, cfg in project.stacks.items():
        report = check_graph(synth_config(cfg, stack))
        assert not report.mandatory, (band, stack, report.mandatory)


_codes = (
    st.integers(1_000, 47_999)
    .map(lambda n: f"{n:05d}")
    .map(lambda five: five + str(lg_code_check_digit(five)))
)


@settings(max_examples=40, deadline=None)
@given(
    codes=st.lists(_codes, min_size=2, max_size=8, unique=True),
    pops=st.lists(st.integers(1, 4_000_000), min_size=8, max_size=8),
    envs=st.lists(st.sampled_from(["production", "staging", "development"]), min_size=1,
                  max_size=3, unique=True),
)  # fmt: skip
def test_any_valid_answers_render_valid_stacks(codes, pops, envs) -> None:
    base = get_template("shared-saas").default_answers.model_dump()
    tenants = [
        {"name": f"団体{i}", "code": c, "population": p}
        for i, (c, p) in enumerate(zip(codes, pops, strict=False))
    ]
    project = render("shared-saas", {**base, "tenants": tenants, "environments": envs})
    assert {c.environment for c in project.stacks.values()} == set(envs)
    band = project.answers.size_band
    for cfg in project.stacks.values():
        assert [t.code for t in cfg.tenants] == codes
        assert cfg.service.cpu == sz.sizing(cfg.environment, band).cpu
        assert cfg.database.data_gb > 0


def test_an_unwritable_destination_is_refused_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    # Root may write anywhere, so the permission is denied through os.access.
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != locked and real(p, mode))
    with pytest.raises(ScaffoldError, match=r"cannot write in .*locked \(permission denied\)"):
        scaffold("shared-saas", locked / "p")
    assert list(locked.iterdir()) == []


def test_a_write_failing_part_way_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "notes.txt").write_text("mine", encoding="utf-8")
    import gcmod.safewrite

    real = gcmod.safewrite._replace  # every write goes through gcmod.safewrite
    calls = []

    def full_disk(self: Path, text: str):
        calls.append(self)
        if len(calls) == 6:  # policy/PulumiPolicy.yaml, in a folder it created
            real(self, "half")
            raise OSError(28, "No space left on device")
        return real(self, text)

    monkeypatch.setattr(gcmod.safewrite, "_replace", full_disk)
    with pytest.raises(ScaffoldError, match="No space left on device"):
        scaffold("shared-saas", tmp_path / "p")
    assert calls[-1].parent.name == "policy"
    assert sorted(p.name for p in (tmp_path / "p").rglob("*")) == ["notes.txt"]
