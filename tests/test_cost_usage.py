"""Usage profile: presets by population band, the usage file and its errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gcmod import reference as ref
from gcmod.config import ConfigError, StackConfig, load_stack_file
from gcmod.cost import usage as us
from gcmod.stackfiles import samples_dir

SAMPLES = samples_dir()


def sample(name: str) -> StackConfig:
    return load_stack_file(SAMPLES / f"Pulumi.{name}.yaml")


@pytest.fixture
def stack_dir(tmp_path: Path) -> Path:
    """A copy of the saas-prod stack file in an empty directory."""
    shutil.copy(SAMPLES / "Pulumi.saas-prod.yaml", tmp_path / "Pulumi.saas-prod.yaml")
    return tmp_path


def write_usage(d: Path, text: str) -> Path:
    (d / "usage.saas-prod.yaml").write_text(text, encoding="utf-8")
    return d / "Pulumi.saas-prod.yaml"


@pytest.mark.parametrize(
    ("population", "band"),
    [
        (3_700_000, "designated-city"),
        (500_000, "designated-city"),
        (499_999, "core-city"),
        (200_000, "core-city"),
        (199_999, "city"),
        (50_000, "city"),
        (49_999, "town-village"),
        (1, "town-village"),
    ],
)
def test_population_bands_follow_the_local_autonomy_act(population: int, band: str) -> None:
    assert us.band_of(population) == band
    assert band in ref.MUNICIPALITY_CLASSES


def test_presets_cover_every_band_and_grow_with_size() -> None:
    assert set(us.PRESETS) == set(ref.MUNICIPALITY_CLASSES)
    order = ["town-village", "city", "core-city", "designated-city"]
    reqs = [us.PRESETS[b].requests_per_month for b in order]
    assert reqs == sorted(reqs) and len(set(reqs)) == 4


def test_presets_are_summed_over_the_tenants() -> None:
    cfg = sample("saas-prod")  # three cities of 57k-118k residents
    u = us.usage_for(cfg, SAMPLES / "Pulumi.saas-prod.yaml")
    city = us.PRESETS["city"].requests_per_month
    assert u.bands == {t.code: "city" for t in cfg.tenants}
    assert u.tenant_requests_per_month == {t.code: city for t in cfg.tenants}
    assert u.requests == 3 * city
    assert u.data == cfg.database.data_gb
    # Log volumes derive from the requests, per class.
    for cls in cfg.logging.classes:
        assert u.log_gb_per_month[cls] == pytest.approx(
            3 * city * us.LOG_BYTES_PER_REQUEST[cls] / 1e9
        )
    expected_lcu = 3 * city * us.PROCESSED_BYTES_PER_REQUEST / 1e9 / 730 / us.LCU_GB_PER_HOUR
    assert u.lcu == pytest.approx(expected_lcu)
    # Firehose carries the archived class (audit) only.
    assert u.firehose_gb_per_month == pytest.approx(u.log_gb_per_month["audit"])
    assert u.endpoint_gb_per_month == pytest.approx(sum(u.log_gb_per_month.values()))


def test_small_town_gets_the_town_preset() -> None:
    cfg = sample("town-prod")
    u = us.Usage().resolve(cfg)
    assert u.bands == {"013951": "town-village"}
    assert u.requests == us.PRESETS["town-village"].requests_per_month


@pytest.mark.parametrize("name", ["saas-dev", "saas-staging"])
def test_non_production_serves_a_fraction_of_the_preset(name: str) -> None:
    cfg = sample(name)
    u = us.Usage().resolve(cfg)
    factor = us.ENVIRONMENT_REQUEST_FACTOR[cfg.environment]
    assert factor < 1
    assert u.requests == pytest.approx(3 * us.PRESETS["city"].requests_per_month * factor)
    assert cfg.environment in u.sources["tenantRequestsPerMonth"]


def test_assumptions_name_every_input_and_its_source() -> None:
    cfg = sample("saas-prod")
    notes = us.assumptions(us.Usage().resolve(cfg))
    aliases = {f.alias for f in us.Usage.model_fields.values()}
    assert aliases <= set(notes)
    assert notes["dataGb"] == {"value": 60.0, "source": "config gcmod:database.dataGb"}
    assert notes["tenantRequestsPerMonth"]["source"].startswith("preset city ×3")
    assert notes["auroraUtilisation"]["source"] == "default"
    assert "Local Autonomy Act" in notes["tenantBands"]["source"]
    assert all({"value", "source"} <= set(v) for v in notes.values())


def test_every_field_documents_its_default() -> None:
    for name, field in us.Usage.model_fields.items():
        assert field.description and "@default" in field.description, name


def test_no_file_means_presets(stack_dir: Path) -> None:
    cfg = load_stack_file(stack_dir / "Pulumi.saas-prod.yaml")
    assert us.usage_path(stack_dir / "Pulumi.saas-prod.yaml") == stack_dir / "usage.saas-prod.yaml"
    u = us.usage_for(cfg, stack_dir / "Pulumi.saas-prod.yaml")
    assert u.resolved and u.requests == 3 * us.PRESETS["city"].requests_per_month


def test_usage_file_overrides_and_is_reported(stack_dir: Path) -> None:
    path = write_usage(
        stack_dir,
        "requestsPerMonth: 2000000\n"
        "dataGb: 80\n"
        "logGbPerMonth: {application: 12}\n"
        "auroraUtilisation: 0.25\n"
        "tenantRequestsPerMonth:\n"
        '  "012343": 100000\n',
    )
    cfg = load_stack_file(path)
    u = us.usage_for(cfg, path)
    src = f"file {stack_dir / 'usage.saas-prod.yaml'}"
    assert u.requests == 2_000_000 and u.data == 80 and u.aurora_utilisation == 0.25
    assert u.log_gb_per_month["application"] == 12
    # Classes not in the file still derive from the (file's) request volume.
    assert u.log_gb_per_month["access"] == pytest.approx(2_000_000 * 1000 / 1e9)
    assert u.tenant_requests_per_month["012343"] == 100_000
    assert u.tenant_requests_per_month["012033"] == us.PRESETS["city"].requests_per_month
    notes = us.assumptions(u)
    assert notes["requestsPerMonth"]["source"] == src
    assert notes["auroraUtilisation"]["source"] == src
    assert notes["logGbPerMonth"]["source"].startswith(f"application: {src}")
    assert notes["tenantRequestsPerMonth"]["source"].startswith(src)
    assert notes["backupDailyChangeRate"]["source"] == "default"


def errors(stack_dir: Path, text: str) -> str:
    path = write_usage(stack_dir, text)
    cfg = load_stack_file(path)
    with pytest.raises(ConfigError) as exc:
        us.usage_for(cfg, path)
    assert exc.value.source == str(stack_dir / "usage.saas-prod.yaml")
    return str(exc.value)


def test_unknown_key_is_an_error_listing_the_allowed_keys(stack_dir: Path) -> None:
    msg = errors(stack_dir, "requestPerMonth: 5\n")
    assert "usage.saas-prod.yaml" in msg
    assert "requestPerMonth: unknown key; allowed keys:" in msg
    assert "requestsPerMonth" in msg and "auroraUtilisation" in msg


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("auroraUtilisation: 1.5\n", "auroraUtilisation: Input should be less than or equal to 1"),
        ("dataGb: -3\n", "dataGb: Input should be greater than or equal to 0 (got -3)"),
        ("logStorageRatio: 0\n", "logStorageRatio: Input should be greater than 0 (got 0)"),
        ("requestsPerMonth: many\n", "requestsPerMonth: Input should be a valid number"),
        ("logGbPerMonth: {debug: 3}\n", "logGbPerMonth.debug: not a log class of this stack"),
        (
            'tenantRequestsPerMonth: {"011002": 5}\n',
            "tenantRequestsPerMonth.011002: not a tenant of this stack",
        ),
        ("- 1\n- 2\n", "the file must hold a mapping"),
        # YAML 1.1 reads an unquoted 012343 as the octal number 5347.
        ("tenantRequestsPerMonth: {012343: 5}\n", "quote local government codes"),
        ("dataGb: [1\n", "not valid YAML at line"),
    ],
)
def test_bad_values_are_reported_with_key_and_value(
    stack_dir: Path, text: str, expected: str
) -> None:
    assert expected in errors(stack_dir, text)


def test_all_problems_are_reported_at_once(stack_dir: Path) -> None:
    msg = errors(stack_dir, "dataGb: -1\nfoo: 1\nauroraUtilisation: 2\n")
    assert msg.count("\n  - ") == 3


def test_derived_values_need_resolution() -> None:
    with pytest.raises(RuntimeError):
        _ = us.Usage().requests


def test_resolve_is_idempotent() -> None:
    cfg = sample("saas-prod")
    u = us.Usage().resolve(cfg)
    assert u.resolve(cfg) is u
