"""Any Pulumi Python project offline: loading, running, data sources, verdicts, costs."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from gcmod.config import ConfigError
from gcmod.cost.estimate import estimate_program
from gcmod.cost.usage import PRESETS, PROGRAM_BAND, Usage, program_basis, usage_for
from gcmod.graph import UNKNOWN, ResourceGraph
from gcmod.policies.harness import check_graph
from gcmod.project import (
    DEFAULT_REGION,
    ProgramDependencyError,
    load_project,
    load_stack,
    load_stack_references,
    open_stack,
    synth_project,
)
from gcmod.synth import AVAILABILITY_ZONES, SECRET, RunLog, SynthError

PROGRAMS = Path(__file__).parent / "fixtures" / "programs"
#: The ciphertext in configured/stacks/Pulumi.staging.yaml: it must never be shown.
CIPHERTEXT = "ZmFrZS1jaXBoZXJ0ZXh0LW5vdC1kZWNyeXB0ZWQ="


@pytest.fixture(scope="module")
def graphs() -> dict[str, ResourceGraph]:
    """The fixture programs' graphs, read by the tests (through the session's graph
    cache: tests/fixtures/projects.py); the tests of running a program synthesize."""
    from fixtures.projects import project_graph

    return {
        "liftshift": project_graph("liftshift", "prod"),
        "modern": project_graph("modern", "prod"),
        "configured": project_graph("configured", "staging"),
    }


def _project(tmp_path: Path, main: str, pulumi_yaml: str | None = None, stack: str = "") -> Path:
    (tmp_path / "Pulumi.yaml").write_text(
        pulumi_yaml or "name: probe\nruntime: python\n", encoding="utf-8"
    )
    (tmp_path / "__main__.py").write_text(main, encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text(stack or "config: {}\n", encoding="utf-8")
    return tmp_path


def _node(graph: ResourceGraph, name: str):
    (node,) = [r for r in graph if r.name == name]
    return node


# --------------------------------------------------------------------------- loading
def test_runtime_in_both_forms_and_stack_config_dir() -> None:
    lift = load_project(PROGRAMS / "liftshift")  # runtime: {name: python, options: ...}
    conf = load_project(PROGRAMS / "configured")  # runtime: {name: python}, main, stackConfigDir
    assert lift.name == "vendor-liftshift" and lift.entry.name == "__main__.py"
    assert conf.entry == (PROGRAMS / "configured" / "infra" / "__main__.py").resolve()
    assert conf.stack_config_dir.name == "stacks"
    assert conf.stacks() == ["staging"]
    assert load_project(PROGRAMS / "modern").stacks() == ["prod"]


def test_config_is_namespaced_typed_as_the_engine_passes_it_and_secrets_stay_secret() -> None:
    ps = open_stack(PROGRAMS / "configured", "staging")
    assert ps.config["configured:instanceType"] == "t4g.medium"  # bare key: project namespace
    assert ps.config["configured:dbClass"] == "db.t4g.medium"
    assert ps.config["configured:backupRetentionDays"] == "14"  # Pulumi.yaml default, a string
    assert json.loads(ps.config["configured:tags"])["gcmod:tenant"] == "012033"
    assert ps.config["configured:dbPassword"] == SECRET
    assert ps.secret_keys == ("configured:dbPassword",)
    assert CIPHERTEXT not in json.dumps(ps.config)
    assert (ps.region, ps.label) == ("ap-northeast-1", "configured/staging")


def test_secure_inside_an_object_makes_the_whole_key_secret(tmp_path: Path) -> None:
    stack = "config:\n  db:\n    host: h\n    passwords: [{secure: CIPHERONE}]\n"
    main = (
        "import pulumi, pulumi_aws as aws\n"
        "db = pulumi.Config().require_secret_object('db')\n"
        "aws.ssm.Parameter('p', type='SecureString', value=db.apply(lambda d: d['host']))\n"
    )
    ps = open_stack(_project(tmp_path, main, stack=stack), "dev")
    assert ps.secret_keys == ("probe:db",)
    assert json.loads(ps.config["probe:db"]) == {"host": "h", "passwords": [SECRET]}
    graph = synth_project(ps)
    assert _node(graph, "p").inputs["value"] == SECRET
    assert "CIPHERONE" not in graph.dumps() and "CIPHERONE" not in json.dumps(ps.config)


TYPED = (
    "name: probe\nruntime: python\nconfig:\n  count: {type: integer, default: 2}\n"
    "  debug: {type: boolean}\n  zones: {type: array}\n  label: {type: string}\n"
)


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        (
            "config:\n  count: many\n",
            'config.probe:count: Pulumi.yaml declares type integer (got "many")',
        ),
        (
            "config:\n  count: true\n",
            "config.probe:count: Pulumi.yaml declares type integer (got true)",
        ),
        ("config:\n  debug: 1\n", "config.probe:debug: Pulumi.yaml declares type boolean (got 1)"),
        ("config:\n  zones: a\n", 'config.probe:zones: Pulumi.yaml declares type array (got "a")'),
        (
            "config:\n  label: [x]\n",
            'config.probe:label: Pulumi.yaml declares type string (got ["x"])',
        ),
    ],
)
def test_stack_values_must_have_the_type_pulumi_yaml_declares(
    tmp_path: Path, stack: str, expected: str
) -> None:
    _project(tmp_path, "", TYPED, stack)
    with pytest.raises(ConfigError) as err:
        open_stack(tmp_path, "dev")
    assert "Pulumi.dev.yaml" in str(err.value) and expected in str(err.value)


def test_values_of_the_declared_type_pass_and_a_bad_type_name_is_refused(tmp_path: Path) -> None:
    stack = "config:\n  count: '3'\n  debug: 'true'\n  zones: [a, c]\n  label:\n    secure: x\n"
    ps = open_stack(_project(tmp_path, "", TYPED, stack), "dev")
    assert ps.config["probe:count"] == "3" and ps.config["probe:zones"] == '["a", "c"]'
    assert ps.config["probe:label"] == SECRET
    _project(tmp_path, "", "name: probe\nruntime: python\nconfig:\n  n: {type: int}\n")
    with pytest.raises(ConfigError) as err:
        load_project(tmp_path)
    assert 'config.n.type: unknown type "int"; allowed: string, integer' in str(err.value)


def test_dates_reach_the_program_as_written_and_binary_is_refused(tmp_path: Path) -> None:
    stack = "config:\n  when: 2026-01-01\n  obj: {d: 2026-01-02, n: 1.5}\n"
    ps = open_stack(_project(tmp_path, "", stack=stack), "dev")
    assert ps.config["probe:when"] == "2026-01-01"
    assert json.loads(ps.config["probe:obj"]) == {"d": "2026-01-02", "n": 1.5}
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  blob: !!binary aGk=\n")
    with pytest.raises(ConfigError) as err:
        open_stack(tmp_path, "dev")
    assert "config.probe:blob: unsupported value" in str(err.value)
    assert "allowed: strings, numbers, booleans, null, lists and mappings" in str(err.value)


def test_region_defaults_to_tokyo_when_the_stack_sets_none(tmp_path: Path) -> None:
    ps = open_stack(_project(tmp_path, "", stack="config:\n  flag: true\n  n: 3\n"), "dev")
    assert ps.region == DEFAULT_REGION and "default" in ps.region_source
    assert ps.config == {"probe:flag": "true", "probe:n": "3"}


@pytest.mark.parametrize(
    ("pulumi_yaml", "stack", "source"),
    [
        ("name: probe\nruntime: python\n", "config:\n  aws:region: ap-northeast-3\n", "Pulumi.dev"),
        (
            "name: probe\nruntime: python\nconfig:\n  aws:region: ap-northeast-3\n",
            "config: {}\n",
            "Pulumi.yaml",
        ),
    ],
)
def test_aws_region_from_stack_or_project_sets_the_programs_region(
    tmp_path: Path, pulumi_yaml: str, stack: str, source: str
) -> None:
    main = "import pulumi, pulumi_aws as aws\naws.s3.Bucket('b', bucket=aws.get_region().region)\n"
    ps = open_stack(_project(tmp_path, main, pulumi_yaml, stack), "dev")
    assert ps.region == "ap-northeast-3" and source in ps.region_source
    node = _node(synth_project(ps), "b")
    assert (node.region, node.inputs["bucket"]) == ("ap-northeast-3", "ap-northeast-3")


@pytest.mark.parametrize(
    ("pulumi_yaml", "expected"),
    [
        (
            "name: p\nruntime: nodejs\n",
            'runtime: gcmod runs Pulumi Python programs only (got "nodejs")',
        ),
        ("name: p\nruntime: {name: python, flavour: x}\n", "runtime.flavour: unknown key"),
        ("runtime: python\n", "name: required"),
        ("name: p\nruntime: python\nmain: nowhere\n", "main: 'nowhere' does not exist in"),
        ("name: p\nruntime: python\nmain: notes.txt\n", "main: 'notes.txt' is neither"),
        ("name: p\nruntime: python\nmain: ..\n", "main: '..' is outside the project directory"),
        ("name: p\nruntime: python\nmain: /etc\n", "main: '/etc' is outside the project"),
        ("name: p\nruntime: python\nstackConfigDir: nowhere\n", "stackConfigDir: 'nowhere'"),
        ("name: p\nruntime: python\nbogus: 1\n", "bogus: unknown key"),
        ("name: p\nruntime: python\nconfig: {k: {default: 1, colour: red}}\n", "config.k.colour"),
        ("name: [p\n", "not valid YAML at line"),
        ("# nothing here\n", "the file is empty; it needs name: and runtime: python"),
        ("- name: p\n", "the file must hold a mapping with name: and runtime:"),
    ],
)
def test_bad_project_file_names_file_key_and_value(
    tmp_path: Path, pulumi_yaml: str, expected: str
) -> None:
    _project(tmp_path, "", pulumi_yaml)
    (tmp_path / "notes.txt").write_text("not a program\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_project(tmp_path)
    assert str(tmp_path / "Pulumi.yaml") in str(err.value)
    assert expected in str(err.value)


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        ("config:\n  aws:region:\n    secure: abc\n", "aws:region: must not be a secret"),
        ("config: [1]\n", "config: must be a mapping"),
        ("colour: red\n", "colour: unknown top-level key"),
        # ESC environments are accepted now (tests/test_esc.py); a malformed list is not.
        ("environment: prod-env\n", "environment: must be a list of Pulumi ESC environment"),
        ("config:\n  ':x': 1\n", "config.:x: not a valid config key"),
        (
            "config:\n  pw:\n    secure: CIPHER\n    note: x\n",
            "config.probe:pw: secure: must be the only key of its mapping (got note, secure)",
        ),
        ("config:\n  aws:region: mars-1\n", 'aws:region: not an AWS region name (got "mars-1")'),
        ("config:\n  aws:region: 5\n", 'aws:region: not an AWS region name (got "5")'),
        ("config:\n  aws:region: {a: 1}\n", "aws:region: not an AWS region name"),
    ],
)
def test_bad_stack_file_names_key(tmp_path: Path, stack: str, expected: str) -> None:
    _project(tmp_path, "", stack=stack)
    with pytest.raises(ConfigError) as err:
        open_stack(tmp_path, "dev")
    assert "Pulumi.dev.yaml" in str(err.value) and expected in str(err.value)
    assert "CIPHER" not in str(err.value)


def test_unknown_stack_lists_the_stacks_there_are() -> None:
    with pytest.raises(ConfigError) as err:
        load_stack(load_project(PROGRAMS / "configured"), "prod")
    assert "no stack named 'prod'" in str(err.value) and "available: staging" in str(err.value)


@pytest.mark.parametrize("stack", ["../staging", "a/b", ""])
def test_stack_name_that_is_not_a_name_says_what_is_allowed(stack: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_stack(load_project(PROGRAMS / "configured"), stack)
    assert f"--stack: {json.dumps(stack)} is not a stack name" in str(err.value)
    assert "stacks: staging" in str(err.value) and "Pulumi." not in str(err.value)


def test_stack_reference_file_must_map_names_to_mappings(tmp_path: Path) -> None:
    bad = tmp_path / "refs.yaml"
    bad.write_text("acme/net/prod: [1, 2]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="acme/net/prod: outputs must be a mapping"):
        load_stack_references(bad)


# --------------------------------------------------------------------------- running
def test_the_program_runs_in_its_directory_and_leaves_nothing_behind(graphs) -> None:
    cwd, path = os.getcwd(), list(sys.path)
    synth_project(open_stack(PROGRAMS / "configured", "staging"))
    assert (os.getcwd(), sys.path) == (cwd, path)
    assert "naming" not in sys.modules  # the program's own helper module is unloaded
    assert os.environ.get("PULUMI_CONFIG") is None
    graph = graphs["configured"]
    assert (graph.project, graph.stack) == ("configured", "staging")
    assert "jumin-staging-app" in {r.name for r in graph}  # named by infra/naming.py


def test_packages_installed_in_a_venv_inside_the_project_stay_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / ".venv" / "lib" / "python3" / "site-packages"
    (site / "gcmod_probe_vendor_lib").mkdir(parents=True)
    (site / "gcmod_probe_vendor_lib" / "__init__.py").write_text("NAME = 'b'\n")
    (tmp_path / "gcmod_probe_own.py").write_text("SUFFIX = '-own'\n")
    monkeypatch.syspath_prepend(str(site))
    main = (
        "import pulumi_aws as aws\nfrom gcmod_probe_vendor_lib import NAME\n"
        "from gcmod_probe_own import SUFFIX\naws.s3.Bucket(NAME + SUFFIX)\n"
    )
    try:
        graph = synth_project(open_stack(_project(tmp_path, main), "dev"))
        assert "b-own" in {r.name for r in graph}
        assert "gcmod_probe_vendor_lib" in sys.modules  # installed: kept, as gcmod's own are
        assert "gcmod_probe_own" not in sys.modules  # the program's own module: unloaded
    finally:
        sys.modules.pop("gcmod_probe_vendor_lib", None)


def test_aws_default_tags_in_the_stack_reach_the_rules_through_the_default_provider(
    tmp_path: Path,
) -> None:
    stack = (
        "config:\n  aws:defaultTags:\n    tags:\n      gcmod:system: jumin\n"
        "      gcmod:environment: production\n      gcmod:tenant: '012033'\n"
        "  aws:secretKey:\n    secure: CIPHERKEY\n"
    )
    main = "import pulumi_aws as aws\naws.s3.Bucket('b')\n"
    graph = synth_project(open_stack(_project(tmp_path, main, stack=stack), "dev"))
    provider = _node(graph, "default")
    assert provider.type == "pulumi:providers:aws"
    assert provider.inputs["defaultTags"]["tags"]["gcmod:tenant"] == "012033"
    assert provider.inputs["secretKey"] == SECRET and "CIPHERKEY" not in graph.dumps()
    assert _node(graph, "b").provider == provider.urn
    rules = {v.rule.id for v in check_graph(graph).violations}
    assert "GCM-TAG-001" not in rules and "GCM-SEC-020" in rules
    # without aws:* keys besides the region, no provider node is added
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: ap-northeast-1\n")
    plain = synth_project(open_stack(tmp_path, "dev"))
    assert [r.name for r in plain] == ["b"] and _node(plain, "b").provider is None
    assert "GCM-TAG-001" in {v.rule.id for v in check_graph(plain).violations}


def test_explicit_provider_puts_the_warm_standby_in_osaka(graphs) -> None:
    g = graphs["liftshift"]
    assert _node(g, "dr-ap-1").region == "ap-northeast-3"
    assert _node(g, "ap-1").region == "ap-northeast-1"


def test_secret_config_reaches_resources_as_a_secret_never_decrypted(graphs) -> None:
    g = graphs["configured"]
    assert _node(g, "jumin-staging-db").inputs["password"] == SECRET
    assert CIPHERTEXT not in g.dumps()


def test_data_sources_answer_with_documented_values(graphs) -> None:
    g = graphs["configured"]
    app = _node(g, "jumin-staging-app")
    zones = AVAILABILITY_ZONES["ap-northeast-1"]
    assert app.inputs["ami"].startswith("ami-") and len(app.inputs["ami"]) == 21
    assert app.inputs["availabilityZone"] == zones[0][0]
    assert app.inputs["subnetId"].startswith("subnet-")
    sg = _node(g, "jumin-staging-app-sg")
    assert sg.inputs["ingress"][0]["cidrBlocks"] == ["172.31.0.0/16"]  # the default VPC
    assert len(_node(g, "jumin-staging-db-subnets").inputs["subnetIds"]) == len(zones)


def test_policy_documents_render_real_iam_json(graphs) -> None:
    g = graphs["configured"]
    assume = json.loads(_node(g, "jumin-staging-app-role").inputs["assumeRolePolicy"])
    assert assume == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"Service": "ec2.amazonaws.com"},
            }
        ],
    }
    (st,) = json.loads(_node(g, "jumin-staging-app-policy").inputs["policy"])["Statement"]
    assert st["Sid"] == "ReadParameters"
    assert st["Action"] == ["ssm:GetParameter", "ssm:GetParameters"]
    assert st["Condition"] == {"StringEquals": {"aws:RequestedRegion": "ap-northeast-1"}}


def test_stack_reference_outputs_unknown_unless_given(graphs) -> None:
    app = _node(graphs["configured"], "jumin-staging-app")
    assert app.inputs["tags"]["LogBucket"] == UNKNOWN
    log = RunLog()
    refs = load_stack_references(PROGRAMS / "configured" / "stack-references.yaml")
    g = synth_project(open_stack(PROGRAMS / "configured", "staging"), refs, log)
    assert _node(g, "jumin-staging-app").inputs["tags"]["LogBucket"] == "acme-logs-staging"
    assert log.stack_references == {"acme/network/staging": True}
    assert log.calls == {
        "aws:ec2/getAmi:getAmi": 1,
        "aws:ec2/getSubnets:getSubnets": 1,
        "aws:ec2/getVpc:getVpc": 1,
        "aws:iam/getPolicyDocument:getPolicyDocument": 2,
        "aws:index/getAvailabilityZones:getAvailabilityZones": 1,
    }


def test_arm_ami_lookups_differ_from_x86_and_are_stable(tmp_path: Path) -> None:
    main = """
import pulumi_aws as aws
for arch in ("arm64", "x86_64"):
    ami = aws.ec2.get_ami(owners=["amazon"], filters=[
        aws.ec2.GetAmiFilterArgs(name="name", values=[f"al2023-ami-2023.*-{arch}"])])
    aws.ec2.Instance(arch, ami=ami.id, instance_type="t4g.small",
                     tags={"arch": ami.architecture, "name": ami.name})
"""
    g = synth_project(open_stack(_project(tmp_path, main), "dev"))
    arm, x86 = _node(g, "arm64"), _node(g, "x86_64")
    assert arm.inputs["ami"] != x86.inputs["ami"]
    assert (arm.inputs["tags"]["arch"], x86.inputs["tags"]["arch"]) == ("arm64", "x86_64")
    assert arm.inputs["tags"]["name"] == "al2023-ami-2023.0-arm64"
    again = synth_project(open_stack(tmp_path, "dev"))
    assert _node(again, "arm64").inputs["ami"] == arm.inputs["ami"]


def test_missing_module_names_it_and_says_how_to_install(tmp_path: Path) -> None:
    _project(tmp_path, "import pulumi\nimport gcmod_no_such_module_xyz\n")
    (tmp_path / "requirements.txt").write_text("gcmod_no_such_module_xyz\n", encoding="utf-8")
    with pytest.raises(ProgramDependencyError) as err:
        synth_project(open_stack(tmp_path, "dev"))
    msg = str(err.value)
    assert "'gcmod_no_such_module_xyz'" in msg and "__main__.py:2" in msg
    assert f"pip install -r {tmp_path.resolve() / 'requirements.txt'}" in msg
    assert "same environment as gcmod" in msg


def test_program_error_gives_file_and_line_not_a_traceback(tmp_path: Path) -> None:
    _project(tmp_path, "import pulumi\n\nraise ValueError('no tenants configured')\n")
    with pytest.raises(SynthError) as err:
        synth_project(open_stack(tmp_path, "dev"))
    assert f"{tmp_path.resolve() / '__main__.py'}:3" in str(err.value)
    assert "ValueError: no tenants configured" in str(err.value)
    assert "Traceback" not in str(err.value)


@pytest.mark.parametrize("code", ["0", "3", "'stop'"])
def test_sys_exit_is_a_program_error_with_its_line_and_state_is_restored(
    tmp_path: Path, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cwd, path, argv = os.getcwd(), list(sys.path), list(sys.argv)
    (tmp_path / "helper_for_exit.py").write_text("NAME = 'b'\n", encoding="utf-8")
    main = (
        "import sys\nimport pulumi_aws as aws\nfrom helper_for_exit import NAME\n"
        "import os\nos.environ['GCMOD_PROBE_SET'] = '1'\nos.environ.pop('GCMOD_PROBE_KEPT')\n"
        f"aws.s3.Bucket(NAME)\nsys.exit({code})\n"
    )
    monkeypatch.setenv("GCMOD_PROBE_KEPT", "yes")
    with pytest.raises(SynthError) as err:
        synth_project(open_stack(_project(tmp_path, main), "dev"))
    assert f"sys.exit({code}) at {tmp_path.resolve() / '__main__.py'}:8" in str(err.value)
    assert (os.getcwd(), sys.path, sys.argv) == (cwd, path, argv)
    assert "helper_for_exit" not in sys.modules
    assert os.environ.get("PULUMI_CONFIG") is None
    assert "GCMOD_PROBE_SET" not in os.environ
    assert os.environ.get("GCMOD_PROBE_KEPT") == "yes"


def test_error_inside_an_apply_says_so_with_the_programs_message(tmp_path: Path) -> None:
    main = (
        "import pulumi_aws as aws\nb = aws.s3.Bucket('b', bucket='x')\n"
        "def boom(v):\n    raise ValueError('no tenant for ' + v)\n"
        "aws.s3.Bucket('c', bucket=b.bucket.apply(boom))\n"
    )
    with pytest.raises(SynthError) as err:
        synth_project(open_stack(_project(tmp_path, main), "dev"))
    message = str(err.value)
    assert "in an apply or an output it resolves (line not known)" in message
    assert str(tmp_path.resolve() / "__main__.py") in message and "no tenant for x" in message


def test_unanswerable_data_source_names_its_token(tmp_path: Path) -> None:
    _project(tmp_path, "import pulumi_aws as aws\n\naws.route53.get_zone(name='example.lg.jp')\n")
    with pytest.raises(SynthError) as err:
        synth_project(open_stack(tmp_path, "dev"))
    assert "aws:route53/getZone:getZone cannot be answered offline" in str(err.value)
    assert "aws:ec2/getAmi:getAmi" in str(err.value)  # lists what is answered
    assert "__main__.py:3" in str(err.value)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            "aws.get_availability_zone(name='ap-northeast-1b')",
            "getAvailabilityZone: no availability zone name='ap-northeast-1b' in ap-northeast-1",
        ),
        (
            "aws.ec2.get_subnet(availability_zone='ap-northeast-1b')",
            "getSubnet: no default subnet in availability zone 'ap-northeast-1b'",
        ),
        (
            "aws.ec2.get_subnet(filters=[{'name': 'availability-zone', "
            "'values': ['ap-northeast-1b']}])",
            "getSubnet: no default subnet in availability zone 'ap-northeast-1b'",
        ),
    ],
)
def test_a_zone_the_offline_answer_lacks_is_named_not_swapped(
    tmp_path: Path, call: str, expected: str
) -> None:
    _project(tmp_path, f"import pulumi_aws as aws\nx = {call}\n")
    with pytest.raises(SynthError) as err:
        synth_project(open_stack(tmp_path, "dev"))
    assert expected in str(err.value) and "ap-northeast-1a" in str(err.value)
    assert f"{tmp_path.resolve() / '__main__.py'}:2" in str(err.value)


def test_missing_config_key_is_the_programs_error_with_its_line(tmp_path: Path) -> None:
    _project(tmp_path, "import pulumi\n\npulumi.Config().require('tenantCount')\n")
    with pytest.raises(SynthError, match=r"__main__\.py:3.*tenantCount"):
        synth_project(open_stack(tmp_path, "dev"))


# --------------------------------------------------------------------------- verdicts
LIFTSHIFT_RULES = {
    "GCM-COST-001",  # m4 / db.m4
    "GCM-COST-004",  # the Zabbix server
    "GCM-DB-001",  # Multi-AZ RDS
    "GCM-DR-001",  # warm standby in Osaka
    "GCM-LOG-001",  # log group never expires
    "GCM-SEC-001",  # IMDSv1
    "GCM-SEC-002",  # public subnets map public IPs
    "GCM-SEC-010",  # 0.0.0.0/0 on 22 and 80
    "GCM-SEC-011",  # plain HTTP listener
    "GCM-SEC-020",  # bucket without a public access block
    "GCM-SEC-021",  # unencrypted volumes and database
    "GCM-STO-001",  # gp2
    "GCM-TAG-001",  # no cost-allocation tags
}


def test_liftshift_fires_the_rules_of_a_lift_and_shift(graphs) -> None:
    report = check_graph(graphs["liftshift"])
    fired = {f.rule.id for f in report.mandatory}
    assert fired >= LIFTSHIFT_RULES
    assert {f.resource_name for f in report.mandatory if f.rule.id == "GCM-DR-001"} == {"dr-ap-1"}


def test_modern_program_has_no_mandatory_violation(graphs) -> None:
    assert check_graph(graphs["modern"]).mandatory == []


def test_configured_environment_comes_from_config(graphs) -> None:
    report = check_graph(graphs["configured"])
    assert {(f.rule.id, f.resource_name) for f in report.mandatory} == {
        ("GCM-SCHED-001", "jumin-staging-app"),
        ("GCM-SCHED-001", "jumin-staging-db"),
    }


# --------------------------------------------------------------------------- costs
def _estimate(graphs, catalog, name: str, stack: str):
    ps = open_stack(PROGRAMS / name, stack)
    return estimate_program(graphs[name], catalog, usage_for(program_basis(), ps.file), stack=stack)


def test_liftshift_costs_more_than_modern_without_a_baseline(graphs, catalog) -> None:
    lift = _estimate(graphs, catalog, "liftshift", "prod")
    modern = _estimate(graphs, catalog, "modern", "prod")
    assert lift.planned.monthly_usd > modern.planned.monthly_usd > 0
    for r in (lift, modern):
        assert not r.has_baseline and r.levers == [] and r.shares == []
        assert r.assumptions["baseline"]["value"] == "none"
        assert not r.planned.missing


def test_ec2_lines_are_catalogue_price_times_730_hours(graphs, catalog) -> None:
    lift = _estimate(graphs, catalog, "liftshift", "prod")
    for name, itype, region in [
        ("ap-1", "m4.xlarge", "ap-northeast-1"),
        ("zabbix-monitor", "m5.large", "ap-northeast-1"),
        ("dr-ap-1", "m4.xlarge", "ap-northeast-3"),
    ]:
        (line,) = [
            li for li in lift.planned.lines if li.resource == name and li.unit == "instance-hour"
        ]
        price = catalog.get(f"ec2.instance-hour.{itype}", region).usd
        assert line.monthly_usd == pytest.approx(price * 730)
    nats = [li for li in lift.planned.lines if li.resource_type.endswith("NatGateway")]
    assert len(nats) == 2


def test_modern_prices_fargate_and_aurora_from_the_graph(graphs, catalog) -> None:
    modern = _estimate(graphs, catalog, "modern", "prod")
    kinds = {li.resource_type for li in modern.planned.lines}
    assert "aws:ecs/service:Service" in kinds and "aws:rds/cluster:Cluster" in kinds
    by_cat = modern.planned.by_category()
    assert by_cat["compute"] > 0 and by_cat["database"] > 0
    assert not any(li.resource_type == "aws:ec2/instance:Instance" for li in modern.planned.lines)


def test_program_usage_defaults_to_the_city_preset_and_a_usage_file_overrides_it(
    graphs, catalog, tmp_path: Path
) -> None:
    usage = Usage().resolve(program_basis())
    assert usage.requests == PRESETS[PROGRAM_BAND].requests_per_month
    assert usage.tenant_requests_per_month == {}
    (tmp_path / "usage.prod.yaml").write_text("requestsPerMonth: 10000000\n", encoding="utf-8")
    bigger = usage_for(program_basis(), tmp_path / "Pulumi.prod.yaml")
    assert bigger.requests == 10_000_000
    (tmp_path / "usage.prod.yaml").write_text(
        'tenantRequestsPerMonth: {"012033": 5}\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="none \\(the program names no tenants\\)"):
        usage_for(program_basis(), tmp_path / "Pulumi.prod.yaml")


def test_gcmods_own_project_run_as_any_project_gives_the_same_graph(sample_stacks) -> None:
    """The repository's Pulumi.yaml (main: stacks/, stackConfigDir: stacks) through
    --project: config reaches stacks/__main__.py as the engine would pass it."""
    root = Path(__file__).resolve().parent.parent
    graph = synth_project(open_stack(root, "saas-dev"))
    assert graph.dumps() == sample_stacks["saas-dev"][1].dumps()
