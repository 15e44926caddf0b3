"""`gcmod new` as a vendor runs it: flags, prompts, errors, no overwrites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gcmod.cli import main
from gcmod.config import load_stack_file
from gcmod.scaffold import get_template, templates


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_list_shows_every_template(runner: CliRunner) -> None:
    res = runner.invoke(main, ["new", "--list"])
    assert res.exit_code == 0, res.output
    for t in templates():
        assert t.id in res.output and t.title_ja in res.output and t.title_en in res.output
    assert "jumin-kihon-daicho" in res.output and "子ども・子育て支援" in res.output
    assert "town-village (町村)" in res.output
    res = runner.invoke(main, ["new", "--list", "--json"])
    data = json.loads(res.stdout)
    assert [d["id"] for d in data["templates"]] == [t.id for t in templates()]
    assert len(data["businesses"]) == 20 and data["businesses"][0]["id"] == "jumin-kihon-daicho"
    assert [b["id"] for b in data["sizeBands"]] == [
        "designated-city", "core-city", "city", "town-village"]  # fmt: skip
    saas = data["templates"][0]
    assert saas["stacks"] == {"prod": "production", "staging": "staging", "dev": "development"}
    assert saas["defaults"]["business"] == "jumin-kihon-daicho"
    assert saas["summaryJa"] and saas["summaryEn"]


def test_help_is_bilingual_and_names_every_flag(runner: CliRunner) -> None:
    res = runner.invoke(main, ["new", "--help"])
    assert res.exit_code == 0
    assert "テンプレート" in res.output
    flags = "--business --size --tenant --env --name --domain --region --force --no-input"
    for flag in [*flags.split(), "--interactive", "--list", "--json"]:
        assert flag in res.output
    # every answer's default is documented, and no fixed region is claimed as
    # the default (dr-rebuild's is Osaka)
    helps = {p.name: getattr(p, "help", None) or "" for p in main.commands["new"].params}
    for answer in ("project", "business", "size", "tenants", "environments", "domain", "region"):
        assert "Default: " in helps[answer], answer
    assert "(default)" not in helps["region"]
    assert get_template("dr-rebuild").default_answers.region == "ap-northeast-3"


def test_defaults_without_input_then_check_in_the_project(runner: CliRunner, tmp_path) -> None:
    res = runner.invoke(main, ["new", "shared-saas", "juki", "--no-input"])
    assert res.exit_code == 0, res.output
    dest = tmp_path / "juki"
    # 14 files: the CI workflow (.github/workflows/gcmod.yml) is one more since issue 17.
    assert "created 14 files in juki" in res.output and "gcmod check prod" in res.output
    assert "14 ファイルを作成 / created" in res.output
    assert "stacks/Pulumi.staging.yaml" in _files(dest)
    cfg = load_stack_file(dest / "stacks" / "Pulumi.prod.yaml")
    assert [t.code for t in cfg.tenants] == ["012033", "012173", "012343"]
    assert "project" not in res.output.lower().split("created")[0]  # no prompt was shown
    res = CliRunner().invoke(main, ["check", "prod", "--stacks-dir", str(dest / "stacks")])
    assert res.exit_code == 0 and "No mandatory violations." in res.output


def test_non_tty_stdin_means_no_prompts(runner: CliRunner, tmp_path) -> None:
    # CliRunner's stdin is not a terminal: defaults, even with input waiting.
    res = runner.invoke(main, ["new", "single-municipality"], input="ignored\n")
    assert res.exit_code == 0, res.output
    assert "Project name" not in res.output
    assert (tmp_path / "asahikawa-zei" / "stacks" / "Pulumi.dev.yaml").is_file()


def test_every_answer_by_flag(runner: CliRunner, tmp_path) -> None:
    res = runner.invoke(
        main,
        [
            "new", "shared-saas", "out", "--name", "kokuho-shiribeshi",
            "--business", "kokumin-kenko-hoken", "--size", "city",
            "--tenant", "ニセコ町:013951:5000", "--tenant", "蘭越町:013935:4,500",
            "--tenant", "倶知安町:014001:15000",
            "--env", "production", "--env", "development",
            "--domain", "kokuho.shiribeshi.example.lg.jp", "--region", "ap-northeast-3",
            "--json",
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["stacks"] == {"prod": "production", "dev": "development"}
    assert out["answers"]["size"] == "city" and out["answers"]["project"] == "kokuho-shiribeshi"
    dest = tmp_path / "out"
    assert sorted(out["files"]) == _files(dest)
    prod = load_stack_file(dest / "stacks" / "Pulumi.prod.yaml")
    assert prod.system == "kokumin-kenko-hoken" and prod.region == "ap-northeast-3"
    assert prod.dr.region == "ap-northeast-1" and prod.domain == "kokuho.shiribeshi.example.lg.jp"
    assert [(t.name, t.population) for t in prod.tenants] == [
        ("ニセコ町", 5000), ("蘭越町", 4500), ("倶知安町", 15000)]  # fmt: skip
    assert prod.service.cpu == 512  # the city band, not the towns' total population
    assert "name: kokuho-shiribeshi" in (dest / "Pulumi.yaml").read_text(encoding="utf-8")


def test_project_name_and_domain_default_from_dest(runner: CliRunner, tmp_path) -> None:
    res = runner.invoke(main, ["new", "single-municipality", "sub/hakodate-kaigo", "--no-input"])
    assert res.exit_code == 0, res.output
    prod = load_stack_file(tmp_path / "sub/hakodate-kaigo/stacks/Pulumi.prod.yaml")
    assert prod.domain == "hakodate-kaigo.example.lg.jp"
    assert prod.tags["CostCenter"] == "hakodate-kaigo"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--business", "juminhyo"], "business (--business): must be one of the 20"),
        (["--tenant", "小樽市:012034:107000"],
         "tenants[0].code (--tenant): must be a six-digit local government code"),
        (["--tenant", "A:012033:1", "--tenant", "B:012033:2"],
         "tenants (--tenant): duplicate local government code(s) 012033"),
        (["--tenant", "小樽市-012033"], "--tenant '小樽市-012033': expected NAME:CODE:POPULATION"),
        (["--tenant", "A:012033:many"], "expected NAME:CODE:POPULATION"),
        (["--tenant", "A:012033:-5"],
         "--tenant 'A:012033:-5': POPULATION must be a whole number above 0 (got '-5')"),
        (["--tenant", "A:012033:²"], "POPULATION must be a whole number above 0 (got '²')"),
        (["--tenant", ":012033:1000"], "--tenant ':012033:1000': NAME is empty"),
        (["--tenant", "A\ninjected: 1:012033:1000", "--tenant", "B:012173:2"],
         "tenants[0].name (--tenant): must be one line of printable text (no control characters)"),
        (["--tenant", "A:012033:0"], "tenants[0].population (--tenant): Input should be greater"),
        (["--env", "prod"], "environments[0] (--env): must be one of production, staging"),
        (["--size", "huge"], "size (--size): must be one of designated-city, core-city"),
        (["--size", "Auto"], "town-village, or auto (the band of the total population)"),
        (["--name", "a b"], "project (--name): must be 1-100 letters"),
        (["--region", "us-east-1"], "region (--region): must be a region in Japan"),
        (["--domain", "EXAMPLE"], "domain (--domain): must be a lower-case DNS domain"),
    ],
)  # fmt: skip
def test_bad_answers_exit_2_and_create_nothing(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    res = runner.invoke(main, ["new", "shared-saas", "out", "--no-input", *args])
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


def test_an_empty_dest_is_refused_not_taken_as_the_current_folder(
    runner: CliRunner, tmp_path: Path
) -> None:
    res = runner.invoke(main, ["new", "single-municipality", "", "--no-input"])
    assert res.exit_code == 2
    assert "DEST: 空のパスは使えません / the path is empty" in res.output
    assert list(tmp_path.iterdir()) == []


def test_unknown_template_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(main, ["new", "lift-and-shift", "out", "--no-input"])
    assert res.exit_code == 2
    assert "unknown template 'lift-and-shift'; available: shared-saas" in res.output
    assert not (tmp_path / "out").exists()


def test_existing_files_refused_without_force(runner: CliRunner, tmp_path: Path) -> None:
    dest = tmp_path / "p"
    dest.mkdir()
    (dest / "Pulumi.yaml").write_text("name: theirs\nruntime: python\n", encoding="utf-8")
    res = runner.invoke(main, ["new", "single-municipality", "p", "--no-input"])
    assert res.exit_code == 2
    assert "Pulumi.yaml exists" in res.output and "--force" in res.output
    assert _files(dest) == ["Pulumi.yaml"]
    assert "theirs" in (dest / "Pulumi.yaml").read_text(encoding="utf-8")

    res = runner.invoke(main, ["new", "single-municipality", "p", "--no-input", "--force"])
    assert res.exit_code == 0, res.output
    assert "name: p\n" in (dest / "Pulumi.yaml").read_text(encoding="utf-8")
    assert "stacks/Pulumi.prod.yaml" in _files(dest)


def test_prompts_ask_for_every_missing_answer(runner: CliRunner, tmp_path: Path) -> None:
    answers = [
        "single-municipality",  # template
        "niseko-kokuho",  # project name
        "kokumin-kenko-hoken",  # business
        "ニセコ町:013952:5000",  # tenants: bad check digit, asked again
        "ニセコ町:013951:5000",
        "",  # size: auto
        "production, staging",  # environments
        "",  # domain: the default derived from the project name
        "",  # region: Tokyo
    ]
    res = runner.invoke(main, ["new", "--interactive"], input="\n".join(answers) + "\n")
    assert res.exit_code == 0, res.output
    assert "Template / テンプレート" in res.output and "Business system" in res.output
    assert "check digit" in res.output  # the bad code was explained, then asked again
    dest = tmp_path / "niseko-kokuho"
    stg = load_stack_file(dest / "stacks" / "Pulumi.staging.yaml")
    assert stg.system == "kokumin-kenko-hoken" and stg.environment == "staging"
    assert [t.code for t in stg.tenants] == ["013951"]
    assert stg.domain == "stg.niseko-kokuho.example.lg.jp"
    assert stg.service.cpu == 256  # town-village band from the population
    assert not (dest / "stacks" / "Pulumi.dev.yaml").exists()


def test_prompts_only_for_what_flags_leave_out(runner: CliRunner, tmp_path: Path) -> None:
    answers = ["", "", "development", "", ""]  # project, size, envs, domain, region
    res = runner.invoke(
        main,
        ["new", "shared-saas", "x", "--interactive", "--business", "koseki",
         "--tenant", "A市:012033:100000", "--tenant", "B市:012173:90000"],
        input="\n".join(answers) + "\n",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Business system" not in res.output and "Municipalities" not in res.output
    dev = load_stack_file(tmp_path / "x" / "stacks" / "Pulumi.dev.yaml")
    assert dev.system == "koseki" and [t.name for t in dev.tenants] == ["A市", "B市"]
    assert _files(tmp_path / "x").count("stacks/Pulumi.prod.yaml") == 0


def test_prompted_environment_outside_the_template_is_asked_again(
    runner: CliRunner, tmp_path: Path
) -> None:
    answers = ["", "", "", "", "staging", "production", "", ""]
    res = runner.invoke(main, ["new", "dr-rebuild", "--interactive"],
                        input="\n".join(answers) + "\n")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "staging: choose from production" in res.output
    assert _files(tmp_path / "juki-saas-dr").count("stacks/Pulumi.dr.yaml") == 1


def test_a_prompted_domain_the_stacks_would_refuse_is_asked_again(
    runner: CliRunner, tmp_path: Path
) -> None:
    # project, business, tenants, size, envs, then a bad domain, a good one, region
    answers = ["", "", "", "", "", "BAD DOMAIN", "zei.example.lg.jp", ""]
    res = runner.invoke(main, ["new", "single-municipality", "p", "--interactive"],
                        input="\n".join(answers) + "\n")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "must be a lower-case DNS domain such as example.lg.jp" in res.output
    prod = load_stack_file(tmp_path / "p" / "stacks" / "Pulumi.prod.yaml")
    assert prod.domain == "zei.example.lg.jp"


def test_full_width_tenant_input_becomes_ascii_codes_and_hosts(
    runner: CliRunner, tmp_path: Path
) -> None:
    res = runner.invoke(main, ["new", "shared-saas", "p", "--no-input",
                               "--tenant", "小樽市：０１２０３３：１０７０００",
                               "--tenant", "江別市:012173:118000"])  # fmt: skip
    assert res.exit_code == 0, res.output
    prod = load_stack_file(tmp_path / "p" / "stacks" / "Pulumi.prod.yaml")
    otaru = prod.tenants[0]
    assert (otaru.name, otaru.code, otaru.population) == ("小樽市", "012033", 107000)
    text = (tmp_path / "p" / "stacks" / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    assert 'code: "012033"' in text and "０" not in text
