"""The stack config schema: defaults, and a table of bad configs with their messages."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gcmod import reference as ref
from gcmod.config import ConfigError, StackConfig, load_stack_file, parse_config
from gcmod.stackfiles import list_stacks, samples_dir

MINIMAL: dict[str, Any] = {
    "gcmod:environment": "development",
    "gcmod:system": "jumin-kihon-daicho",
    "gcmod:tenants": [{"name": "小樽市", "code": "012033", "population": 107000}],
}


def cfg_with(**changes: Any) -> dict[str, Any]:
    raw = copy.deepcopy(MINIMAL)
    for key, value in changes.items():
        raw[key.replace("__", ":")] = value
    return raw


def problems(raw: dict[str, Any], source: str = "stacks/Pulumi.t.yaml") -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_config(raw, source)
    assert err.value.source == source
    assert str(err.value).startswith(f"設定エラー / configuration error in {source}:")
    return err.value.problems


def test_minimal_config_gets_documented_defaults() -> None:
    cfg = parse_config(MINIMAL, "x")
    assert cfg.region == "ap-northeast-1"
    assert cfg.service.architecture == "ARM64"
    assert (cfg.service.cpu, cfg.service.memory) == (512, 1024)
    assert (cfg.service.min_tasks, cfg.service.max_tasks) == (1, 4)
    assert (cfg.database.min_acu, cfg.database.max_acu) == (0.5, 4.0)
    assert cfg.database.multi_az is False
    assert cfg.network.nat_gateway == "none"
    assert cfg.dr.region == "ap-northeast-3"
    assert {k: v.retention_days for k, v in cfg.logging.classes.items()} == {
        "application": 30,
        "access": 90,
        "audit": 400,
    }
    assert cfg.logging.classes["audit"].archive_days == 1827
    assert (cfg.schedule.business_hours.start, cfg.schedule.business_hours.end) == (
        "08:00",
        "18:00",
    )


@pytest.mark.parametrize(
    ("env", "sched", "protect", "lock"),
    [("production", False, True, True), ("staging", True, False, False),
     ("development", True, False, False)],
)  # fmt: skip
def test_environment_resolves_derived_defaults(env, sched, protect, lock) -> None:
    cfg = parse_config(cfg_with(gcmod__environment=env), "x")
    assert cfg.schedule_enabled is sched
    assert cfg.deletion_protection is protect
    assert cfg.vault_lock is lock
    assert cfg.restore_testing is lock


def test_explicit_opt_in_overrides_environment_default() -> None:
    cfg = parse_config(
        cfg_with(gcmod__environment="production", gcmod__schedule={"enabled": True}), "x"
    )
    assert cfg.schedule_enabled is True


def test_config_objects_are_frozen() -> None:
    cfg = parse_config(MINIMAL, "x")
    with pytest.raises(Exception, match="frozen"):
        cfg.environment = "production"  # type: ignore[misc]


BAD_CONFIGS: list[tuple[str, dict[str, Any], str]] = [
    (
        "unknown top key",
        cfg_with(gcmod__tenantz=[]),
        "gcmod:tenantz: unknown key; allowed keys here: backup, database, domain, dr, "
        "environment, logging, network, observability, schedule, service, system, tags, tenants",
    ),
    (
        "unknown nested key",
        cfg_with(gcmod__service={"cpus": 512}),
        "gcmod:service.cpus: unknown key; allowed keys here: architecture, certificateArn, "
        "containerPort, cpu, healthCheckPath, image, maxTasks, memory, minTasks, peaks, "
        "targetCpuPercent",
    ),
    (
        "foreign namespace",
        cfg_with(**{"azure:location": "japaneast"}),
        "azure:location: unknown key; allowed: gcmod:<key>, aws:region, aws:profile",
    ),
    (
        "tenant name on two lines",
        cfg_with(
            gcmod__tenants=[{"name": "小樽市\ninjected: 1", "code": "012033", "population": 107000}]
        ),
        "gcmod:tenants[0].name: must be one line of printable text (no control characters)",
    ),
    (
        "bad environment",
        cfg_with(gcmod__environment="prod"),
        "gcmod:environment: Input should be 'production', 'staging' or 'development' "
        '(got "prod")',
    ),
    (
        "missing system",
        {k: v for k, v in MINIMAL.items() if k != "gcmod:system"},
        "gcmod:system: required key is missing",
    ),
    (
        "retention not allowed by CloudWatch",
        cfg_with(gcmod__logging={"classes": {"app": {"retentionDays": 31}}}),
        "gcmod:logging.classes.app.retentionDays: must be one of the CloudWatch Logs "
        "retention values: " + ", ".join(map(str, ref.LOG_RETENTION_DAYS)) + " (got 31)",
    ),
    (
        "invalid local government code",
        cfg_with(gcmod__tenants=[{"name": "x", "code": "012034", "population": 1}]),
        "gcmod:tenants[0].code: must be a six-digit local government code whose sixth digit "
        "is the check digit (11 − (6·d1+5·d2+4·d3+3·d4+2·d5) mod 11) mod 10, e.g. 011002 "
        '(Sapporo); quote it in YAML so leading zeros are kept (got "012034")',
    ),
    (
        "code as a YAML integer loses its zero",
        cfg_with(gcmod__tenants=[{"name": "x", "code": 12033, "population": 1}]),
        "gcmod:tenants[0].code: must be a six-digit local government code",
    ),
    (
        "Fargate pair not offered",
        cfg_with(gcmod__service={"cpu": 512, "memory": 512}),
        "gcmod:service.memory: Fargate does not offer 512 MiB with cpu 512; allowed: "
        "1024–4096 in steps of 1024 (got 512)",
    ),
    (
        "Fargate cpu not offered",
        cfg_with(gcmod__service={"cpu": 300}),
        "gcmod:service.cpu: not a Fargate task size; allowed CPU units: 256, 512, 1024, 2048, "
        "4096, 8192, 16384 (got 300)",
    ),
    (
        "region outside Japan",
        cfg_with(aws__region="us-east-1"),
        'aws:region: must be a region in Japan: ap-northeast-1, ap-northeast-3 (got "us-east-1")',
    ),
    (
        "DR region outside Japan",
        cfg_with(gcmod__dr={"region": "ap-southeast-1"}),
        "gcmod:dr.region: must be a region in Japan: ap-northeast-1, ap-northeast-3 "
        '(got "ap-southeast-1")',
    ),
    (
        "DR region equal to primary",
        cfg_with(aws__region="ap-northeast-3"),
        "gcmod:dr: dr.region (ap-northeast-3) must differ from the primary region "
        "(ap-northeast-3): backups go to one remote location (A.3.2.1)",
    ),
    (
        "tasks min > max",
        cfg_with(gcmod__service={"minTasks": 5, "maxTasks": 2}),
        "gcmod:service.maxTasks: must not be less than minTasks (5) (got 2)",
    ),
    (
        "ACU min > max",
        cfg_with(gcmod__database={"minAcu": 4, "maxAcu": 2}),
        "gcmod:database.maxAcu: must not be less than minAcu (4) (got 2)",
    ),
    (
        "ACU off the 0.5 grid",
        cfg_with(gcmod__database={"maxAcu": 2.3}),
        "gcmod:database.maxAcu: must be between 0 and 256 ACU in steps of 0.5 (got 2.3)",
    ),
    (
        "business hours reversed",
        cfg_with(gcmod__schedule={"businessHours": {"start": "18:00", "end": "08:00"}}),
        'gcmod:schedule.businessHours.end: must be after start (18:00) (got "08:00")',
    ),
    (
        "wrong type",
        cfg_with(gcmod__service={"minTasks": "many"}),
        "gcmod:service.minTasks: Input should be a valid integer, unable to parse string as "
        'an integer (got "many")',
    ),
    (
        "no tenants",
        cfg_with(gcmod__tenants=[]),
        "gcmod:tenants: at least one tenant (municipality) is needed (got [])",
    ),
    (
        "duplicate tenant",
        cfg_with(
            gcmod__tenants=[
                {"name": "a", "code": "012033", "population": 1},
                {"name": "b", "code": "012033", "population": 2},
            ]
        ),
        "gcmod:tenants: duplicate local government code(s) 012033",
    ),
    (
        "duplicate tenants, several, listed once each in order",
        cfg_with(
            gcmod__tenants=[
                {"name": "a", "code": "012173", "population": 1},
                {"name": "b", "code": "012033", "population": 2},
                {"name": "c", "code": "012173", "population": 3},
                {"name": "d", "code": "012033", "population": 4},
                {"name": "e", "code": "012173", "population": 5},
            ]
        ),
        "gcmod:tenants: duplicate local government code(s) 012033, 012173",
    ),
    (
        "duplicate host",
        cfg_with(
            gcmod__tenants=[
                {"name": "a", "code": "012033", "population": 1, "host": "x.example.lg.jp"},
                {"name": "b", "code": "012173", "population": 2, "host": "x.example.lg.jp"},
            ]
        ),
        "gcmod:tenants: duplicate host name(s) x.example.lg.jp",
    ),
    (
        "NAT choice",
        cfg_with(gcmod__network={"natGateway": "always"}),
        "gcmod:network.natGateway: Input should be 'none', 'single' or 'per-az' (got \"always\")",
    ),
    (
        "public CIDR",
        cfg_with(gcmod__network={"cidr": "8.8.0.0/16"}),
        "gcmod:network.cidr: must be a private IPv4 block from /16 to /24",
    ),
    (
        "cold storage too soon for retention",
        cfg_with(gcmod__backup={"retentionDays": 35, "coldStorageAfterDays": 10}),
        "gcmod:backup.coldStorageAfterDays: retentionDays (35) must be at least this + 90 (100)",
    ),
    (
        "unknown business",
        cfg_with(gcmod__system="zeimu"),
        "gcmod:system: must be one of the 20 standardised businesses: jumin-kihon-daicho "
        "(住民基本台帳)",
    ),
]


@pytest.mark.parametrize(("label", "raw", "message"), BAD_CONFIGS, ids=[b[0] for b in BAD_CONFIGS])
def test_bad_config_message(label: str, raw: dict[str, Any], message: str) -> None:
    found = problems(raw)
    assert any(p.startswith(message) for p in found), found


def test_all_problems_are_reported_at_once() -> None:
    raw = cfg_with(gcmod__environment="prod", aws__region="eu-west-1", gcmod__foo=1)
    found = problems(raw)
    assert len(found) == 3
    assert {p.split(":")[0] + ":" + p.split(":")[1] for p in found} == {
        "gcmod:environment",
        "aws:region",
        "gcmod:foo",
    }


def test_stack_file_errors_name_the_file(tmp_path: Path) -> None:
    f = tmp_path / "Pulumi.bad.yaml"
    f.write_text("config:\n  gcmod:environment: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_stack_file(f)
    assert str(f) in str(err.value)
    assert "not valid YAML at line" in err.value.problems[0]

    f.write_text("configs: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_stack_file(f)
    assert err.value.problems == [
        "configs: unknown top-level key; allowed: config, encryptedkey, encryptionsalt, "
        "secretsprovider"
    ]

    with pytest.raises(ConfigError, match="file not found"):
        load_stack_file(tmp_path / "Pulumi.none.yaml")


def test_yaml_sexagesimal_hours_are_read_as_times(tmp_path: Path) -> None:
    f = tmp_path / "Pulumi.t.yaml"
    f.write_text(
        "config:\n  gcmod:environment: staging\n  gcmod:system: koseki\n"
        "  gcmod:tenants: [{name: x, code: '011002', population: 1}]\n"
        "  gcmod:schedule: {businessHours: {start: 07:30, end: 19:00}}\n",
        encoding="utf-8",
    )
    cfg = load_stack_file(f)
    assert (cfg.schedule.business_hours.start, cfg.schedule.business_hours.end) == (
        "07:30",
        "19:00",
    )


def test_engine_config_strings_parse_like_the_file() -> None:
    from gcmod.config import from_engine_config

    cfg = from_engine_config(
        {
            "gcmod:environment": "staging",
            "gcmod:system": "koseki",
            "gcmod:tenants": '[{"name": "x", "code": "011002", "population": 10}]',
            "gcmod:service": '{"cpu": 1024, "memory": 2048}',
            "aws:region": "ap-northeast-1",
        },
        "Pulumi.s.yaml",
    )
    assert cfg.service.cpu == 1024
    assert cfg.tenants[0].population == 10


@pytest.mark.parametrize("name", list_stacks(samples_dir()))
def test_every_sample_stack_is_valid(name: str) -> None:
    cfg = load_stack_file(samples_dir() / f"Pulumi.{name}.yaml")
    assert isinstance(cfg, StackConfig)


# -- pure helpers ---------------------------------------------------------------
@given(st.integers(min_value=1000, max_value=47999))
def test_check_digit_makes_every_prefix_valid(prefix: int) -> None:
    first5 = f"{prefix:05d}"
    code = first5 + str(ref.lg_code_check_digit(first5))
    assert ref.is_valid_lg_code(code)
    wrong = first5 + str((int(code[5]) + 1) % 10)
    assert not ref.is_valid_lg_code(wrong)


def test_check_digit_known_codes() -> None:
    assert ref.is_valid_lg_code("011002")  # Sapporo
    assert ref.is_valid_lg_code("131016")  # Chiyoda-ku
    assert not ref.is_valid_lg_code("481001")  # no 48th prefecture
    assert not ref.is_valid_lg_code("０１１００２")  # full-width digits: not a DNS label


@given(st.sampled_from(sorted(ref.FARGATE_SIZES)), st.integers(256, 130000))
def test_fargate_pairs_accepted_exactly_when_offered(cpu: int, memory: int) -> None:
    raw = cfg_with(gcmod__service={"cpu": cpu, "memory": memory})
    offered = memory in ref.FARGATE_SIZES[cpu]
    if offered:
        assert parse_config(raw, "x").service.memory == memory
    else:
        with pytest.raises(ConfigError):
            parse_config(raw, "x")


def test_configuration_reference_is_generated_from_the_schema() -> None:
    from gcmod.configdoc import render_markdown

    path = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"
    assert path.read_text(encoding="utf-8") == render_markdown(), (
        "docs/configuration.md is stale: run python scripts/gen_docs.py"
    )
    text = render_markdown()
    # every field of every section appears with its default
    assert "| `gcmod:service.cpu` | int | 512" in text
    assert "| `gcmod:dr.region` | str | ap-northeast-3 (Osaka) |" in text


def test_peaks_conflict_with_a_shutdown_schedule() -> None:
    peak = {"name": "m", "start": "cron(0 8 25 * ? *)", "end": "cron(0 0 1 * ? *)",
            "minTasks": 2, "maxTasks": 3}  # fmt: skip
    found = problems(cfg_with(gcmod__environment="staging", gcmod__service={"peaks": [peak]}))
    assert found[0].startswith("gcmod:schedule: service.peaks and a shutdown schedule conflict")
    # production without opt-in: fine
    cfg = parse_config(
        cfg_with(gcmod__environment="production", gcmod__service={"peaks": [peak]}), "x"
    )
    assert cfg.service.peaks[0].name == "m"
