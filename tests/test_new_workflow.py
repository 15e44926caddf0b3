"""A `gcmod new` project works in CI from its first commit: its workflow's
`run:` steps pass locally, with gcmod installed from this checkout.

The workflow file is parsed and every `run:` step executed with bash, as a
GitHub runner would, in a fresh virtual environment whose requirements.txt
install builds gcmod from this checkout. Only posting the pull-request comment
(`gh pr comment`) needs GitHub itself: that step is checked for its command
line, and the comment it would post (gcmod-results/cost.md) for its content.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from test_sarif import validate_sarif

from gcmod.cli import main
from gcmod.scaffold.source import resolve_source

ROOT = Path(__file__).resolve().parent.parent
COMPARE_STEP = "Compare with the base branch / ベースブランチとの比較"
COMMENT_STEP = "Comment on the pull request / プルリクエストにコメント"


def test_gcmod_source_forms(tmp_path: Path) -> None:
    assert resolve_source(str(ROOT)).requirement == f"gcmod @ {ROOT.as_uri()}"
    git = "git+https://example.org/acme/gcmod@v0.1.0"
    assert resolve_source(git).requirement == f"gcmod @ {git}"
    assert resolve_source("gcmod==0.2.0").requirement == "gcmod==0.2.0"
    for bad, message in [
        (str(tmp_path), "folder without pyproject.toml"),
        ("./nowhere", "neither an existing folder"),
        ("   ", "empty"),
    ]:
        with pytest.raises(ValueError, match=message):
            resolve_source(bad)
    default = resolve_source(None)
    assert default.origin in ("installation", "version")
    assert default.requirement.startswith("gcmod")


def test_bad_gcmod_source_exits_2(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main, ["new", "single-municipality", str(tmp_path / "p"), "--no-input",
               "--gcmod-source", "./nowhere"],
    )  # fmt: skip
    assert res.exit_code == 2 and "--gcmod-source" in res.output
    assert not (tmp_path / "p").exists()


def _expressions(text: str, values: dict[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        key = m.group(1).strip()
        assert key in values, f"workflow expression {key} has no local value"
        return values[key]

    return re.sub(r"\$\{\{(.*?)\}\}", sub, text)


def _venv(tmp_path: Path) -> Path:
    """A fresh virtual environment that sees this environment's packages (a .pth
    file), so installing requirements.txt builds only gcmod, from the checkout.
    pip is one of those packages: `python -m pip` in the new environment runs it
    and installs there, so the environment is made without its own copy
    (ensurepip alone took ~8 s CPU, a fifth of this module's time)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    Path(purelib, "gcmod-test-base.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    return venv


def test_a_new_project_passes_its_own_workflow(tmp_path: Path) -> None:
    """Slow (~30 s CPU; about 1 min wall alone, 2-3 min on a loaded machine): the
    workflow's install step builds gcmod from the checkout (~9 s CPU), and each step
    starts gcmod afresh (two checks and an estimate per stack), as on a runner."""
    project = tmp_path / "town"
    res = CliRunner().invoke(
        main, ["new", "single-municipality", str(project), "--no-input",
               "--gcmod-source", str(ROOT), "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    stacks = list(json.loads(res.output)["stacks"])
    requirements = (project / "requirements.txt").read_text(encoding="utf-8")
    assert f"gcmod @ {ROOT.as_uri()}" in requirements.splitlines()
    assert "gcmod>=" not in requirements

    workflow = yaml.safe_load((project / ".github" / "workflows" / "gcmod.yml").read_text())
    assert set(workflow["jobs"]) == {"check", "cost"}
    assert workflow["jobs"]["check"]["permissions"]["security-events"] == "write"
    assert workflow["jobs"]["cost"]["permissions"]["pull-requests"] == "write"
    uses = [s["uses"] for j in workflow["jobs"].values() for s in j["steps"] if "uses" in s]
    assert "github/codeql-action/upload-sarif@v3" in uses

    # The project's first commit, which the pull request's base points at.
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "gcmod new"], cwd=project, check=True)
    base_sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, check=True,
                              capture_output=True, text=True).stdout.strip()  # fmt: skip

    venv = _venv(tmp_path)
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
        "RUNNER_TEMP": str(runner_temp),
        "CI": "true",
    }
    env.pop("PYTHONPATH", None)
    values = {
        "github.event.pull_request.base.sha": base_sha,
        "github.event.pull_request.number": "1",
        "github.token": "not-used-locally",
    }
    ran: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for job_name, job in workflow["jobs"].items():
        for step in job["steps"]:
            if "run" not in step:
                continue
            name, script = step["name"], step["run"]
            assert "${{" not in script, f"{name}: expressions belong in env:, not in run:"
            if name == COMPARE_STEP:
                skipped[name] = script  # run below, and its command line checked
            if name == COMMENT_STEP:
                skipped[name] = script
                continue
            if script in ran.values():
                continue  # the same install step of the second job
            step_env = {k: _expressions(str(v), values) for k, v in (step.get("env") or {}).items()}
            proc = subprocess.run(
                ["bash", "-e", "-c", script], cwd=project, env={**env, **step_env},
                capture_output=True, text=True, timeout=600,
            )  # fmt: skip
            assert proc.returncode == 0, f"{job_name}: {name}: {proc.stdout}\n{proc.stderr}"
            ran[name] = script

    # gcmod came from the checkout, into the fresh environment.
    python = str(venv / "bin" / "python")
    where = subprocess.run([python, "-c", "import gcmod; print(gcmod.__file__)"],
                           capture_output=True, text=True, env=env, check=True).stdout  # fmt: skip
    assert where.startswith(str(venv))
    for stack in stacks:
        assert f"gcmod check {stack} (SARIF)" in ran
        sarif = json.loads((project / "gcmod-results" / f"{stack}.sarif").read_text())
        validate_sarif(sarif)
        assert sarif["runs"][0]["automationDetails"]["id"] == f"gcmod-check/{stack}/"
        base = json.loads((project / "gcmod-results" / "base" / f"{stack}.json").read_text())
        assert base  # the base branch's estimate, for the comparison
    assert "Fail on mandatory findings / 必須違反があれば失敗" in ran

    # The comparison ran against the base branch; the comment step is there, in shape.
    assert COMPARE_STEP in ran and set(skipped) == {COMPARE_STEP, COMMENT_STEP}
    comment = (project / "gcmod-results" / "cost.md").read_text(encoding="utf-8")
    for stack in stacks:
        assert f"gcmod estimate: {stack} → {stack}" in comment
    assert re.search(
        r'gcmod estimate "\$stack" --compare "gcmod-results/base/\$stack.json" --markdown',
        skipped[COMPARE_STEP],
    )
    assert "for stack in " + " ".join(stacks) + ";" in skipped[COMPARE_STEP]
    assert skipped[COMMENT_STEP].startswith('gh pr comment "$PR_NUMBER" --body-file '
                                            "gcmod-results/cost.md")  # fmt: skip
