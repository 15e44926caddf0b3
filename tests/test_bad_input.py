"""Hostile and broken input (issue 14): every case exits 2 (bad input) or 4 (the
program failed), names the file and the key, prints no traceback and writes
nothing. In-process through click's CliRunner; the few cases that need the
child process of ``--project`` are grouped at the end."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gcmod.cli import main
from gcmod.stackfiles import samples_dir

SAMPLE = (samples_dir() / "Pulumi.saas-dev.yaml").read_text(encoding="utf-8")


def _bomb(levels: int = 9) -> str:
    """A "billion laughs" YAML value: 9 levels of 9 aliases (9^9 strings)."""
    lines = ['  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def _refused(res: Result, code: int, *needles: str) -> None:
    out = res.stdout + res.stderr
    assert res.exit_code == code, out
    assert "Traceback" not in out, out
    assert res.exception is None or isinstance(res.exception, SystemExit), out
    for needle in needles:
        assert needle in out, (needle, out)


# --------------------------------------------------------------------------- stack files
def _stack(text: str | bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / "Pulumi.bad.yaml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return make


STACK_CASES = [
    ("top-level key not text", "1: x\n" + SAMPLE, ["line 1", '"1" is not text', "quote it"]),
    ("config key not text", SAMPLE + "  2: x\n", ['config: key "2" is not text']),
    (
        "duplicate key",
        SAMPLE + "  gcmod:environment: production\n",
        ["config.gcmod:environment: duplicate key"],
    ),
    (
        "impossible date",
        SAMPLE + "  gcmod:schedule:\n    horizonStart: 2026-02-30\n",
        ["line 39", "config.gcmod:schedule.horizonStart", '"2026-02-30" is not a calendar date'],
    ),
    (
        "horizon in year 9999",
        SAMPLE + "  gcmod:schedule:\n    horizonStart: 9999-01-01\n",
        ["gcmod:schedule.horizonStart", "must lie within 1949–2099"],
    ),
    (
        "horizon in year 1900",
        SAMPLE + "  gcmod:schedule:\n    horizonStart: 1900-01-01\n",
        ["gcmod:schedule.horizonStart", "must lie within 1949–2099"],
    ),
    (
        "alias bomb",
        SAMPLE.replace("config:\n", "x-anchors:\n" + _bomb() + "config:\n").replace(
            "  gcmod:domain:", "  gcmod:tags: *a8\n  gcmod:domain:"
        ),
        ["x-anchors.a6", "expands to more than 2,000,000 values through aliases"],
    ),
    ("recursive alias", SAMPLE + "  gcmod:tags: &t [*t]\n", ["recursive alias"]),
    (
        "not UTF-8",
        SAMPLE.encode() + "  gcmod:system: 住民\n".encode("shift_jis"),
        ["line 38, column 17", "is not UTF-8"],
    ),
    (".inf", SAMPLE.replace("dataGb: 2", "dataGb: .inf"), ["gcmod:database.dataGb", ".inf"]),
    ("nan", SAMPLE.replace("dataGb: 2", "dataGb: .nan"), ["gcmod:database.dataGb", ".nan"]),
    (
        "1e308 as text",
        SAMPLE.replace("dataGb: 2", "dataGb: 1e308"),
        ["gcmod:database.dataGb", "less than or equal to 131072"],
    ),
    (
        "tenant name with U+2028",
        SAMPLE.replace("name: 小樽市", 'name: "小樽市\\u2028injected: 1"'),
        ["gcmod:tenants[0].name", "U+2028 (LINE SEPARATOR) is not allowed"],
    ),
    (
        "tenant name with a bidi override",
        SAMPLE.replace("name: 小樽市", 'name: "小樽市\\u202e"'),
        ["gcmod:tenants[0].name", "U+202E (RIGHT-TO-LEFT OVERRIDE)"],
    ),
    (
        "cold storage beyond any retention",
        SAMPLE.replace("retentionDays: 7\n  gcmod:dr", "coldStorageAfterDays: 1e9\n  gcmod:dr"),
        ["gcmod:backup.coldStorageAfterDays"],
    ),
]


@pytest.mark.parametrize(("label", "text", "needles"), STACK_CASES, ids=[c[0] for c in STACK_CASES])
def test_bad_stack_file_is_refused_naming_file_and_key(
    runner: CliRunner, tmp_path: Path, label: str, text: str | bytes, needles: list[str]
) -> None:
    path = _stack(text)(tmp_path)
    before = _files(tmp_path)
    started = time.monotonic()
    res = runner.invoke(main, ["synth", str(path)])
    _refused(res, 2, "Pulumi.bad.yaml", *needles)
    assert time.monotonic() - started < 5  # the bomb is refused from its structure
    assert _files(tmp_path) == before


def test_stack_file_over_the_size_limit_is_refused_before_reading(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "Pulumi.big.yaml"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB of nothing, as the file
    started = time.monotonic()
    res = runner.invoke(main, ["synth", str(path)])
    _refused(res, 2, "Pulumi.big.yaml", "50.0 MiB", "at most 1 MiB")
    assert time.monotonic() - started < 2


# --------------------------------------------------------------------------- usage files
USAGE_CASES = [
    ("dataGb: .inf\n", ["dataGb", ".inf"]),
    ("requestsPerMonth: .nan\n", ["requestsPerMonth", ".nan"]),
    ("requestsPerMonth: 1.0e+999\n", ["requestsPerMonth", "not a finite number"]),
    ("requestsPerMonth: 1e308\n", ["requestsPerMonth", "less than or equal to 1000000000000"]),
    ("dataGb: 1\ndataGb: 2\n", ["line 2", "dataGb: duplicate key"]),
    ("dataGb: 2026-02-30\n", ["dataGb", "not a calendar date"]),
    (b"dataGb: 1 # \x82\xa0\n", ["line 1, column 13", "not UTF-8"]),
]


@pytest.mark.parametrize(("text", "needles"), USAGE_CASES)
def test_bad_usage_file_is_refused_before_the_synth(
    runner: CliRunner, tmp_path: Path, text: str | bytes, needles: list[str]
) -> None:
    stack = _stack(SAMPLE)(tmp_path)
    usage = tmp_path / "usage.bad.yaml"
    usage.write_bytes(text if isinstance(text, bytes) else text.encode())
    started = time.monotonic()
    res = runner.invoke(main, ["estimate", str(stack)])
    _refused(res, 2, "usage.bad.yaml", *needles)
    assert time.monotonic() - started < 3  # no synth ran


# --------------------------------------------------------------------------- policy configs
POLICY_CASES = [
    ('{"gcm-cost-005": {"maxTasksCap": "abc"}}', ["gcm-cost-005.maxTasksCap: must be a number"]),
    ('{"gcm-cost-005": {"maxTasksCap": NaN}}', ["line 1", "maxTasksCap: NaN is not a finite"]),
    ('{"gcm-cost-005": {"maxTasksCap": 1e999}}', ["maxTasksCap: 1e999 is not a finite"]),
    ('{"gcm-cost-005": {"maxTasksCap": -1}}', ["maxTasksCap: must be a finite number from 0"]),
    (
        '{"gcm-cost-003": {"maxVcpu": {"prodd": 4}}}',
        ["gcm-cost-003.maxVcpu: unknown environment 'prodd'; allowed: production, staging"],
    ),
    (
        '{"gcm-cost-003": {"maxVcpu": {"production": "8"}}}',
        ["gcm-cost-003.maxVcpu: production: must be a number"],
    ),
    ('{"gcm-tag-001": {"requiredTags": "a"}}', ["gcm-tag-001.requiredTags: must be a list"]),
    ('{"all": {"defaultEnvironment": "prd"}}', ["all.defaultEnvironment: must be one of"]),
    ('{"gcm-sec-021": {"requireCustomerKeyForVaults": 1}}', ["must be true or false"]),
    (
        '{"gcm-cost-005": "advisory",\n "gcm-cost-005": "disabled"}',
        ["line 2", "gcm-cost-005: duplicate key"],
    ),
    (b'{"gcm-cost-005": "advisory"} \xff', ["line 1, column 30", "not UTF-8"]),
]


@pytest.mark.parametrize(("text", "needles"), POLICY_CASES)
@pytest.mark.parametrize("command", ["check", "audit"])
def test_bad_policy_config_is_refused_before_anything_runs(
    runner: CliRunner, tmp_path: Path, command: str, text: str | bytes, needles: list[str]
) -> None:
    config = tmp_path / "policy.json"
    config.write_bytes(text if isinstance(text, bytes) else text.encode())
    args = [command, "--config", str(config)]
    args += ["--demo"] if command == "audit" else [str(_stack(SAMPLE)(tmp_path))]
    started = time.monotonic()
    res = runner.invoke(main, args)
    _refused(res, 2, "policy config error", "policy.json", *needles)
    assert "seeding the demo estate" not in res.stderr  # refused before any collection
    assert time.monotonic() - started < 3  # no synth, no audit


# --------------------------------------------------------------------------- catalogues
def test_price_catalogue_with_bad_bytes_dates_or_numbers_is_refused(
    runner: CliRunner, tmp_path: Path
) -> None:
    from gcmod.pricing.catalog import packaged_path

    text = packaged_path().read_text(encoding="utf-8")
    cases = [
        (text.encode() + b"# \x93\n", ["is not UTF-8"]),
        (
            re.sub(r"checked: \d{4}-\d\d-\d\d", "checked: 2026-02-30", text, count=1).encode(),
            ["not a calendar date"],
        ),
        (text.replace("usd: ", "usd: .inf #", 1).encode(), [".inf", "not a finite number"]),
    ]
    for data, needles in cases:
        path = tmp_path / "prices.yaml"
        path.write_bytes(data)
        res = runner.invoke(main, ["prices", "list", "--catalog", str(path)])
        _refused(res, 2, "price catalogue error", "prices.yaml", "line ", *needles)


# --------------------------------------------------------------------------- options
def test_nan_yen_rate_is_refused(runner: CliRunner) -> None:
    for value in ("nan", "inf", "-inf"):
        res = runner.invoke(main, ["estimate", "saas-dev", f"--jpy-rate={value}"])
        _refused(res, 2, "--jpy-rate", value)


@pytest.mark.parametrize("command", [["estimate", "saas-dev"], ["audit", "--demo"]])
def test_html_into_a_missing_folder_is_refused_before_any_work(
    runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    target = tmp_path / "no-such-folder" / "report.html"
    res = runner.invoke(main, [*command, "--html", str(target)])
    _refused(res, 2, "--html", "the folder", "no-such-folder", "does not exist")
    assert not (tmp_path / "no-such-folder").exists()


def test_project_file_with_an_impossible_date_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text(
        "name: p\nruntime: python\nconfig:\n  start: 2026-02-30\n", encoding="utf-8"
    )
    (tmp_path / "__main__.py").write_text("import pulumi\n", encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n", encoding="utf-8")
    res = runner.invoke(main, ["check", "--project", str(tmp_path), "--stack", "dev"])
    _refused(res, 2, "Pulumi.yaml", "config.start", "not a calendar date")


# --------------------------------------------------------------------------- --project programs
# These run a real child process each (about 0.5 s once the fork server is warm).
FAKE_GRAPH = '{"schemaVersion": 1, "project": "p", "stack": "dev", "region": "x", "resources": []}'


def _program(folder: Path, main_py: str) -> list[str]:
    (folder / "Pulumi.yaml").write_text("name: p\nruntime: python\n", encoding="utf-8")
    (folder / "Pulumi.dev.yaml").write_text("config: {}\n", encoding="utf-8")
    (folder / "__main__.py").write_text(main_py, encoding="utf-8")
    return ["--project", str(folder), "--stack", "dev"]


PROGRAM_CASES = [
    (
        "os._exit(0) after declaring resources",
        "import os\nimport pulumi_aws as aws\naws.s3.Bucket('b')\nos._exit(0)\n",
        ["ended with exit status 0 before gcmod's harness delivered a resource graph"],
    ),
    (
        "prints a clean result as JSON, then exits",
        f"import os, sys\nprint({FAKE_GRAPH!r})\nprint('No mandatory violations.')\n"
        "sys.stdout.flush()\nos._exit(0)\n",
        ["before gcmod's harness delivered"],
    ),
    (
        "writes a forged frame into every file descriptor",
        "import os, struct\nbody = b'{\"ok\": true}'\n"
        "for fd in range(3, 64):\n    try:\n"
        "        os.write(fd, struct.pack('!i', len(body)) + body)\n"
        "    except OSError:\n        pass\nos._exit(0)\n",
        ["before gcmod's harness delivered"],
    ),
    (
        "killed by a signal",
        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n",
        ["was killed by SIGKILL"],
    ),
    (
        "sys.exit(0)",
        "import sys\nimport pulumi_aws as aws\naws.s3.Bucket('b')\nsys.exit(0)\n",
        ["sys.exit(0) at", "__main__.py:4"],
    ),
    ("raises", "import pulumi\n\nraise RuntimeError('boom')\n", ["__main__.py:3", "boom"]),
]


@pytest.mark.parametrize(
    ("label", "main_py", "needles"), PROGRAM_CASES, ids=[c[0] for c in PROGRAM_CASES]
)
def test_a_program_that_delivers_no_graph_is_never_a_pass(
    runner: CliRunner, tmp_path: Path, label: str, main_py: str, needles: list[str]
) -> None:
    args = _program(tmp_path, main_py)
    res = runner.invoke(main, ["check", *args, "--json"])
    _refused(res, 4, "synth failed", *needles)
    assert res.stdout == ""  # nothing on stdout: no findings, no forged JSON
    assert "No mandatory violations" not in res.stdout


@pytest.mark.parametrize("command", ["synth", "estimate"])
def test_synth_and_estimate_exit_4_too(runner: CliRunner, tmp_path: Path, command: str) -> None:
    args = _program(tmp_path, PROGRAM_CASES[0][1])
    res = runner.invoke(main, [command, *args, "--json"])
    _refused(res, 4, "synth failed", "before gcmod's harness delivered")
    assert res.stdout == ""


def test_a_program_that_never_returns_is_stopped_at_the_timeout_with_its_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    pid_file = tmp_path / "helper.pid"
    args = _program(
        tmp_path,
        "import subprocess, pathlib\n"
        "p = subprocess.Popen(['sleep', '60'])\n"
        f"pathlib.Path({str(pid_file)!r}).write_text(str(p.pid))\n"
        "while True:\n    pass\n",
    )
    # About 5 s: the 4 s timeout counts from when the child starts the program, and on a
    # loaded CI machine starting the helper process alone has been seen to take 2 s.
    started = time.monotonic()
    res = runner.invoke(main, ["check", *args, "--timeout", "4"])
    _refused(res, 4, "did not finish within the 4 s timeout", "stopped at", "--timeout")
    assert re.search(r"__main__\.py:[2-5];", res.stderr), res.stderr  # a line of the program
    assert time.monotonic() - started < 20
    helper = Path(f"/proc/{int(pid_file.read_text())}/stat")
    time.sleep(0.2)
    # The program's own sub-process is ended too: gone, or a zombie waiting for
    # PID 1 to reap it (state Z; a container's PID 1 may not reap).
    state = helper.read_text().rsplit(")", 1)[1].split()[0] if helper.exists() else "gone"
    assert state in ("gone", "Z"), state


def test_timeout_goes_with_project(runner: CliRunner) -> None:
    res = runner.invoke(main, ["synth", "saas-dev", "--timeout", "5"])
    _refused(res, 2, "--timeout goes with --project")
    res = runner.invoke(main, ["synth", "saas-dev", "--timeout", "nan"])
    _refused(res, 2, "--timeout")


# --------------------------------------------------------------------------- writes
def test_new_refuses_a_dangling_symlink_in_dest_and_writes_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    dest, outside = tmp_path / "dest", tmp_path / "outside"
    dest.mkdir()
    outside.mkdir()
    (dest / "README.md").symlink_to(outside / "owned.md")  # dangling, pointing out
    res = runner.invoke(main, ["new", "shared-saas", str(dest), "--no-input", "--force"])
    _refused(res, 2, "README.md is a symbolic link", "dangling", "does not write through")
    assert list(outside.iterdir()) == []
    assert _files(dest) == {"README.md"}  # nothing else written either


def test_new_refuses_a_folder_link_in_dest(runner: CliRunner, tmp_path: Path) -> None:
    dest, outside = tmp_path / "dest", tmp_path / "outside"
    dest.mkdir()
    outside.mkdir()
    (dest / "stacks").symlink_to(outside, target_is_directory=True)
    res = runner.invoke(main, ["new", "shared-saas", str(dest), "--no-input"])
    _refused(res, 2, "stacks is a symbolic link")
    assert list(outside.iterdir()) == [] and _files(dest) == {"stacks"}


def test_html_output_that_is_a_link_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.html"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "report.html"
    link.symlink_to(target)
    res = runner.invoke(main, ["estimate", "saas-dev", "--html", str(link)])
    _refused(res, 2, "--html", "symbolic link")
    assert target.read_text(encoding="utf-8") == "keep"


def test_a_link_left_in_a_previous_catalogue_is_removed_not_followed(tmp_path: Path) -> None:
    import json

    from gcmod.catalog.build import MANIFEST, SCHEMA, _remove_previous

    out, victim = tmp_path / "catalog", tmp_path / "victim.html"
    out.mkdir()
    victim.write_text("precious", encoding="utf-8")
    (out / "index.html").symlink_to(victim)
    manifest = {"schema": SCHEMA, "files": ["index.html", MANIFEST]}
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    _remove_previous(out, manifest)
    assert not (out / "index.html").exists() and not (out / "index.html").is_symlink()
    assert victim.read_text(encoding="utf-8") == "precious"


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("../escape.txt", "no '..'"),
        ("a/../../escape.txt", "no '..'"),
        ("/etc/escape.txt", "no absolute paths"),
        ("link/file.txt", "link is a symbolic link"),
        ("dangling", "dangling"),
        ("file.txt/x", "exists and is not a folder"),
        ("sub", "exists and is a folder"),
    ],
)
def test_write_under_never_leaves_the_output_folder(
    tmp_path: Path, rel: str, expected: str
) -> None:
    from gcmod.safewrite import UnsafeWrite, write_under

    root, outside = tmp_path / "out", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    (root / "dangling").symlink_to(outside / "new.txt")
    (root / "file.txt").write_text("x", encoding="utf-8")
    (root / "sub").mkdir()
    before = _files(tmp_path)
    with pytest.raises(UnsafeWrite, match=re.escape(expected)):
        write_under(root, rel, "data")
    assert _files(tmp_path) == before


def test_write_under_creates_folders_and_replaces_atomically(tmp_path: Path) -> None:
    from gcmod.safewrite import write_file, write_under

    root = tmp_path / "new" / "out"
    path = write_under(root, "a/b/c.txt", "one")
    assert path.read_text(encoding="utf-8") == "one"
    write_under(root, "a/b/c.txt", "two")
    assert path.read_text(encoding="utf-8") == "two"
    assert _files(root) == {"a", "a/b", "a/b/c.txt"}  # no temporary file left
    with pytest.raises(ValueError, match="does not exist; create it first"):
        write_file(tmp_path / "missing" / "r.html", "x")
    assert not (tmp_path / "missing").exists()


# ------------------------------------------------------------------ names into generated files
@pytest.mark.parametrize(
    "char", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\u202e", "\u2066", "\u200f"]
)
def test_new_refuses_a_tenant_name_that_is_not_one_line(
    runner: CliRunner, tmp_path: Path, char: str
) -> None:
    res = runner.invoke(
        main,
        [
            "new",
            "single-municipality",
            "out",
            "--no-input",
            "--tenant",
            f"旭川市{char}x:012041:329000",
        ],
    )
    _refused(res, 2, "tenants[0].name", f"U+{ord(char):04X}")
    assert not (tmp_path / "out").exists()


def test_names_are_escaped_for_each_generated_format_by_the_template_layer() -> None:
    from pathlib import PurePosixPath

    from gcmod.loader import parse_yaml
    from gcmod.scaffold.registry import get_template, render

    base = get_template("single-municipality").default_answers.model_dump()
    name = '<script>alert(1)</script> [x](http://e) *b* | "q": 1 # c'
    p = render("single-municipality", {**base, "tenants": [
        {"name": name, "code": "013951", "population": 5000}]})  # fmt: skip
    readme = p.files[PurePosixPath("README.md")]
    assert "<script>" not in readme and "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in readme
    assert "\\[x\\]\\(http://e\\) \\*b\\* \\|" in readme
    for path, text in p.files.items():
        if path.suffix == ".yaml":
            parse_yaml(text, path)  # every generated YAML file still parses
    stack = parse_yaml(p.files[PurePosixPath("stacks/Pulumi.prod.yaml")], "s")
    assert stack["config"]["gcmod:tenants"][0]["name"] == name  # the value round-trips
