"""The DR stack: the same platform rebuilt in Osaka from a copied recovery point."""

from __future__ import annotations

import datetime as dt

import pytest

from gcmod import graphcache
from gcmod.config import load_stack_file
from gcmod.policies.harness import check_graph
from gcmod.stackfiles import resolve, samples_dir

HORIZON = dt.date(2026, 12, 1)

COMPUTE_AND_DB = (
    "aws:ecs/service:Service",
    "aws:ecs/cluster:Cluster",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:lb/loadBalancer:LoadBalancer",
)


@pytest.fixture(scope="module")
def dr():
    """The saas-dr sample (through the session's graph cache, tests/conftest.py)."""
    return graphcache.synth_stack(resolve("saas-dr", samples_dir()), horizon_start=HORIZON)


def test_dr_stack_is_the_production_config_moved_to_osaka(dr) -> None:
    cfg, _ = dr
    prod = load_stack_file(samples_dir() / "Pulumi.saas-prod.yaml")
    assert cfg.region == "ap-northeast-3" and cfg.dr.region == "ap-northeast-1"
    assert cfg.tenants == prod.tenants
    assert cfg.service == prod.service
    assert cfg.database.model_dump(exclude={"restore_from"}) == prod.database.model_dump(
        exclude={"restore_from"}
    )


def test_everything_runs_in_osaka_and_restores_the_copied_recovery_point(dr) -> None:
    cfg, g = dr
    for node in g.of_type(*COMPUTE_AND_DB):
        assert node.region == "ap-northeast-3", node.name
    (cluster,) = g.of_type("aws:rds/cluster:Cluster")
    assert cluster.inputs["snapshotIdentifier"] == cfg.database.restore_from
    # backups of the rebuilt system go back to Tokyo: only vaults and keys there
    tokyo = {n.type for n in g.custom_resources if n.region == "ap-northeast-1"}
    assert tokyo and tokyo <= {
        "aws:backup/vault:Vault",
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        "aws:kms/key:Key",
        "aws:kms/alias:Alias",
    }


def test_dr_stack_passes_the_policy_pack_with_defaults(dr) -> None:
    _, g = dr
    report = check_graph(g)
    assert report.mandatory == []
    assert report.by_rule("GCM-DR-001") == []
