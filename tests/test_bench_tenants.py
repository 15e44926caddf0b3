"""The tenant-scale benchmark's stack generator (benchmarks/bench_tenants.py).

Functional only: the generated stacks are valid, deterministic and of the
asked size. Timings belong to the benchmark itself, never to a test.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from gcmod.config import load_stack_file
from gcmod.reference import is_valid_lg_code

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_tenants.py"


@pytest.fixture(scope="module")
def bench():
    # As when run as a script: benchmarks/ is on sys.path for its shared helpers.
    sys.path.insert(0, str(BENCH.parent))
    spec = importlib.util.spec_from_file_location("bench_tenants", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_tenants"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench_tenants", None)
    sys.path.remove(str(BENCH.parent))


@pytest.mark.parametrize("n", [1, 10, 100, 1000])
def test_codes_are_valid_distinct_and_n(bench, n):
    codes = bench.lg_codes(n)
    assert len(codes) == n
    assert len(set(codes)) == n
    assert all(is_valid_lg_code(c) for c in codes)
    # Listener priorities (first five digits) must be distinct too.
    assert len({c[:5] for c in codes}) == n


def test_codes_cover_prefectures_round_robin(bench):
    codes = bench.lg_codes(94)
    assert {int(c[:2]) for c in codes} == set(range(1, 48))
    assert codes[0] == "012017" and codes[47] == "012025"


def test_too_many_or_zero_tenants_is_an_error(bench):
    with pytest.raises(ValueError, match="tenant count"):
        bench.lg_codes(0)
    with pytest.raises(ValueError, match="tenant count"):
        bench.lg_codes(47 * 799 + 1)


def test_populations_are_plausible_and_deterministic(bench):
    pops = bench.populations(1000)
    assert pops == bench.populations(1000)
    assert all(1000 <= p <= 400_000 and p % 100 == 0 for p in pops)
    assert len(set(pops)) > 100  # not one repeated value
    assert bench.populations(10) == pops[:10]  # a prefix: N tenants extend N/10


def test_written_stack_is_deterministic_and_valid(bench, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = bench.write_stack(tmp_path / "a", 100)
    b = bench.write_stack(tmp_path / "b", 100)
    assert a.name == "Pulumi.bench-100.yaml"
    assert a.read_bytes() == b.read_bytes()
    cfg = load_stack_file(a)
    assert len(cfg.tenants) == 100
    assert [t.code for t in cfg.tenants] == bench.lg_codes(100)
    assert cfg.environment == "production" and cfg.tenants[0].name == "ベンチ市0001"


def test_thousand_tenant_stack_validates(bench, tmp_path):
    cfg = load_stack_file(bench.write_stack(tmp_path, 1000))
    assert len(cfg.tenants) == 1000
    assert len({cfg.tenant_host(t) for t in cfg.tenants}) == 1000


def test_growth_ratio_uses_the_tenfold_smaller_run(bench):
    rows = [
        {"command": "check", "tenants": n, "median_s": s}
        for n, s in ((1, 2.0), (10, 2.5), (100, 4.0), (1000, 20.0))
    ]
    assert bench.growth(rows) == {"check 1000/100": 5.0}
