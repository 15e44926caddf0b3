"""The components as a library (issue 20): environment-aware defaults the pack
accepts, the caller's provider respected (DR provider included), Outputs accepted
where a value comes from another resource, and override warnings that name the
rule which rejects them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from gcmod.components.backup import ManagedBackup, ManagedBackupArgs
from gcmod.components.database import Database, DatabaseArgs
from gcmod.components.environment import resolve_environment
from gcmod.components.logs import ManagedLogging, ManagedLoggingArgs
from gcmod.components.network import Network, NetworkArgs
from gcmod.components.observability import Observability, ObservabilityArgs
from gcmod.components.service import StatelessService, StatelessServiceArgs
from gcmod.config import DatabaseConfig, LogClass, LoggingConfig, ServiceConfig
from gcmod.graph import ResourceGraph
from gcmod.policies.harness import check_graph
from gcmod.synth import SynthError, run_program

TOKYO = "ap-northeast-1"
OSAKA = "ap-northeast-3"
ROLE = "arn:aws:iam::210987654321:role/vendor-deploy"
PROVIDER = "pulumi:providers:aws"


def build_all(opts: pulumi.ResourceOptions | None = None, **service: Any) -> dict[str, Any]:
    """Every component from its defaults, wired as a vendor would wire them."""
    net = Network("net", NetworkArgs(), opts=opts)
    logs = ManagedLogging("logs", ManagedLoggingArgs(), opts=opts)
    db = Database(
        "db",
        DatabaseArgs(
            vpc_id=net.vpc_id,
            subnet_ids=net.private_subnet_ids,
            availability_zones=net.availability_zones,
            cluster_tags={"gcmod:backup": "daily"},
        ),
        opts=opts,
    )
    app = StatelessService(
        "app",
        StatelessServiceArgs(
            vpc_id=net.vpc_id,
            vpc_cidr=net.cidr_block,
            subnet_ids=net.private_subnet_ids,
            log_group_name=logs.log_group_names["application"],
            domain="juki.example.lg.jp",
            **service,
        ),
        opts=opts,
    )
    db.allow_from("app", app.security_group_id)
    backup = ManagedBackup("backup", ManagedBackupArgs(), opts=opts)
    obs = Observability(
        "obs",
        ObservabilityArgs(load_balancer_arn=app.load_balancer_arn, monthly_limit_usd=500.0),
        opts=opts,
    )
    return {"net": net, "logs": logs, "db": db, "app": app, "backup": backup, "obs": obs}


class Warnings:
    """Collects ``pulumi.log.warn`` calls (the override warnings)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.messages: list[str] = []
        monkeypatch.setattr(pulumi.log, "warn", lambda msg, *a, **k: self.messages.append(msg))

    def naming(self, rule_id: str) -> list[str]:
        return [m for m in self.messages if m.startswith(f"{rule_id}:")]


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> Warnings:
    return Warnings(monkeypatch)


def synth(program: Callable[[], None], stack: str = "dev", **config: str) -> ResourceGraph:
    return run_program(program, project="vendor-juki", stack=stack, region=TOKYO, config=config)


# ---------------------------------------------------------------------------
# 1. Defaults the pack accepts, in every environment
# ---------------------------------------------------------------------------
# About 5 s per environment (a program of every component, ~100 resources,
# synthesized and checked by the whole pack); the first also pays for importing
# the pulumi_aws modules and the rule catalogue (~8 s more on the shared machine).
@pytest.mark.parametrize("env", ["production", "staging", "development"])
def test_defaults_alone_are_clean_in_every_environment(env: str, warnings: Warnings) -> None:
    graph = synth(lambda: build_all(), stack="main", **{"gcmod:environment": env})
    report = check_graph(graph)
    assert [(v.rule.id, v.resource_name, v.message.en) for v in report.mandatory] == []
    assert warnings.messages == []
    tagged = [n for n in graph.custom_resources if "gcmod:environment" in n.tags]
    assert len(tagged) > 30 and all(n.tags["gcmod:environment"] == env for n in tagged)
    schedules = graph.of_type("aws:scheduler/scheduleGroup:ScheduleGroup")
    assert len(schedules) == (0 if env == "production" else 2)  # the service's and the db's
    locks = graph.of_type("aws:backup/vaultLockConfiguration:VaultLockConfiguration")
    assert len(locks) == (2 if env == "production" else 0)  # primary and DR vault


def test_non_production_defaults_are_smaller_and_shorter() -> None:
    graph = synth(lambda: build_all(), stack="town-dev")
    (task,) = graph.of_type("aws:ecs/taskDefinition:TaskDefinition")
    assert (task.get("cpu"), task.get("memory")) == ("256", "512")
    retention = {
        n.get("name"): n.get("retentionInDays")
        for n in graph.of_type("aws:cloudwatch/logGroup:LogGroup")
    }
    assert retention == {
        "/vendor-juki/town-dev/application": 7,
        "/vendor-juki/town-dev/access": 14,
        "/vendor-juki/town-dev/audit": 30,
    }
    (plan,) = graph.of_type("aws:backup/plan:Plan")
    assert plan.get("rules.0.lifecycle.deleteAfter") == 7
    assert not plan.get("rules.0.copyActions")
    assert graph.of_type(PROVIDER) == []  # no DR provider without a DR copy
    (cluster,) = graph.of_type("aws:rds/cluster:Cluster")
    assert cluster.get("serverlessv2ScalingConfiguration.maxCapacity") == 1
    assert cluster.get("deletionProtection") is False


def _resolved(stack: str, explicit: str | None = None, tags: Any = None, **config: str) -> Any:
    out: list[Any] = []

    def program() -> None:
        out.append(resolve_environment(explicit, tags))
        aws.s3.Bucket("anchor")

    synth(program, stack=stack, **config)
    return out[0]


def test_environment_resolution_order() -> None:
    cfg = {"gcmod:environment": "staging"}
    assert _resolved("x-prod", "dev", {"env": "prod"}, **cfg).environment == "development"
    got = _resolved("x-prod", None, {"env": "dev"}, **cfg)
    assert (got.environment, got.source) == ("staging", "stack config gcmod:environment")
    own = _resolved("x", None, None, **{"vendor-juki:environment": "stg"})
    assert own.environment == "staging"
    assert _resolved("x-prod", None, {"Environment": "開発"}).environment == "development"
    default_tags = {"aws:defaultTags": '{"tags": {"Stage": "stg"}}'}
    assert _resolved("x", None, None, **default_tags).source == "aws:defaultTags"
    assert _resolved("juki_dev").environment == "development"
    assert _resolved("main").environment == "production"


def test_unknown_environment_word_is_an_error_naming_the_allowed() -> None:
    with pytest.raises(SynthError, match="'qa' is not an environment; allowed: production"):
        _resolved("x", "qa")
    with pytest.raises(SynthError, match="gcmod:environment is 'uat'"):
        _resolved("x", None, None, **{"gcmod:environment": "uat"})


# ---------------------------------------------------------------------------
# 2. The caller's provider, and the DR provider derived from it
# ---------------------------------------------------------------------------
PROVIDER_SETTINGS = {
    "assume_roles": [{"role_arn": ROLE, "session_name": "gcmod"}],
    "default_tags": {"tags": {"CostCenter": "juki-42"}},
    "allowed_account_ids": ["210987654321"],
}


@pytest.mark.parametrize(
    ("how", "stack"), [("provider", "prod"), ("providers", "prod"), ("provider", "dev")]
)
def test_every_child_uses_the_callers_provider_and_dr_copies_its_settings(
    how: str, stack: str
) -> None:
    made: dict[str, Any] = {}

    def program() -> None:
        vendor = aws.Provider("vendor", region=TOKYO, **PROVIDER_SETTINGS)
        opts = (
            pulumi.ResourceOptions(provider=vendor)
            if how == "provider"
            else pulumi.ResourceOptions(providers={"aws": vendor})
        )
        made.update(build_all(opts))

    graph = synth(program, stack=stack)
    (vendor,) = [p for p in graph.of_type(PROVIDER) if p.name == "vendor"]
    children = [n for n in graph.custom_resources if n.type != PROVIDER]
    if stack == "dev":
        # No DR copy in development; the two shutdown schedules are children too.
        assert [p.name for p in graph.of_type(PROVIDER)] == ["vendor"]
        assert len(graph.of_type("aws:scheduler/schedule:Schedule")) > 20
        assert [n.name for n in children if n.provider != vendor.urn] == []
        assert made["net"].availability_zones[0].startswith(TOKYO)
        return
    (dr,) = [p for p in graph.of_type(PROVIDER) if p.name != "vendor"]
    assert dr.parent is not None and "ManagedBackup" in dr.parent
    assert dr.get("region") == OSAKA
    same = {k: v for k, v in vendor.inputs.items() if k != "region"}
    assert {k: v for k, v in dr.inputs.items() if k != "region"} == same
    assert "assumeRoles" in same and "defaultTags" in same

    in_dr = [n for n in children if n.provider == dr.urn]
    assert {n.type for n in in_dr} == {
        "aws:kms/key:Key",
        "aws:kms/alias:Alias",
        "aws:backup/vault:Vault",
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    }
    assert all(n.region == OSAKA for n in in_dr)
    elsewhere = [n.name for n in children if n.provider not in (vendor.urn, dr.urn)]
    assert elsewhere == []  # nothing on the default provider
    # Lookups went through the caller's provider too: zones of its region.
    assert made["net"].availability_zones[0].startswith(TOKYO)
    assert made["backup"].dr_vault_arn is not None


def test_the_platform_under_an_explicit_provider_keeps_every_child_on_it() -> None:
    from gcmod.components.platform import GovCloudPlatform, PlatformArgs
    from gcmod.config import load_stack_file
    from gcmod.stackfiles import resolve, samples_dir

    cfg = load_stack_file(resolve("saas-prod", samples_dir()).path)

    def program() -> None:
        vendor = aws.Provider("vendor", region=TOKYO, **PROVIDER_SETTINGS)
        GovCloudPlatform(
            "saas",
            PlatformArgs(config=cfg, stack="saas-prod"),
            pulumi.ResourceOptions(provider=vendor),
        )

    graph = synth(program, stack="saas-prod")
    providers = {p.name: p for p in graph.of_type(PROVIDER)}
    assert set(providers) == {"vendor", "saas-dr"}
    dr = providers["saas-dr"]
    assert dr.get("region") == OSAKA
    assert dr.get("assumeRoles") == providers["vendor"].get("assumeRoles")
    urns = {p.urn for p in providers.values()}
    assert [n.name for n in graph.custom_resources if n.provider not in urns] == []
    in_dr = {n.type for n in graph.custom_resources if n.provider == dr.urn}
    assert in_dr and not in_dr & {"aws:rds/cluster:Cluster", "aws:ecs/service:Service"}


def test_dr_provider_of_the_default_provider_copies_the_stack_aws_config() -> None:
    graph = synth(
        lambda: build_all(),
        stack="prod",
        **{
            "aws:profile": "gc-vendor",
            "aws:assumeRoles": f'[{{"roleArn": "{ROLE}"}}]',
            "aws:skipMetadataApiCheck": "false",
        },
    )
    (dr,) = graph.of_type(PROVIDER)
    assert dr.get("region") == OSAKA and dr.get("profile") == "gc-vendor"
    assert ROLE in str(dr.get("assumeRoles"))


def test_a_dr_provider_in_the_wrong_region_is_refused() -> None:
    def program() -> None:
        wrong = aws.Provider("wrong", region=TOKYO)
        ManagedBackup("b", ManagedBackupArgs(env="production", dr_provider=wrong))

    with pytest.raises(SynthError, match=r"dr_provider is for ap-northeast-1 but dr\.region"):
        synth(program)


# ---------------------------------------------------------------------------
# 3. Outputs where a value comes from another resource
# ---------------------------------------------------------------------------
def test_outputs_for_image_certificate_and_vpc_synthesize() -> None:
    def program() -> None:
        repo = aws.ecr.Repository("app")
        cert = aws.acm.Certificate(
            "cert", domain_name="*.juki.example.lg.jp", validation_method="DNS"
        )
        vpc = aws.ec2.Vpc("existing", cidr_block="10.40.0.0/16")
        subnets = [
            aws.ec2.Subnet(f"s{i}", vpc_id=vpc.id, cidr_block=f"10.40.{i}.0/24") for i in (1, 2)
        ]
        logs = ManagedLogging("logs", ManagedLoggingArgs())
        StatelessService(
            "app",
            StatelessServiceArgs(
                vpc_id=vpc.id,
                vpc_cidr=vpc.cidr_block,
                subnet_ids=pulumi.Output.all(*[s.id for s in subnets]),
                log_group_name=logs.log_group_names["application"],
                image=repo.repository_url.apply(lambda url: f"{url}:1.4.2"),
                certificate_arn=cert.arn,
            ),
        )

    graph = synth(program, stack="prod")
    (listener,) = graph.of_type("aws:lb/listener:Listener")
    (cert,) = graph.of_type("aws:acm/certificate:Certificate")
    assert listener.property_dependencies["certificateArn"] == (cert.urn,)
    assert len(graph.of_type("aws:acm/certificate:Certificate")) == 1  # none requested
    (ingress,) = [
        n
        for n in graph.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if n.name == "app-alb-https-in"
    ]
    assert ingress.get("cidrIpv4") == "10.40.0.0/16"
    (task,) = graph.of_type("aws:ecs/taskDefinition:TaskDefinition")
    (repo,) = graph.of_type("aws:ecr/repository:Repository")
    assert repo.urn in task.dependencies


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"certificate_arn": "arn:aws:iam::1:server-certificate/x"}, "ACM certificate ARN"),
        ({"vpc_cidr": "0.0.0.0/0"}, "whole internet"),
        ({"image": 42}, "str or a pulumi.Output"),
    ],
)
def test_known_values_are_still_checked(kw: dict[str, Any], match: str) -> None:
    def program() -> None:
        base: dict[str, Any] = {
            "vpc_id": "vpc-1",
            "vpc_cidr": "10.0.0.0/16",
            "subnet_ids": ["subnet-a", "subnet-b"],
            "log_group_name": "/x/app",
        }
        StatelessService("app", StatelessServiceArgs(**{**base, **kw}))

    with pytest.raises(SynthError, match=match):
        synth(program, stack="prod")


# ---------------------------------------------------------------------------
# 4. Override warnings name the rule, once
# ---------------------------------------------------------------------------
def _vpc_args() -> dict[str, Any]:
    return {"vpc_id": "vpc-1", "subnet_ids": ["subnet-a", "subnet-b"]}


def test_sixteen_vcpu_tasks_in_development_warn_once_naming_the_size_rule(
    warnings: Warnings,
) -> None:
    big = ServiceConfig(cpu=16384, memory=32768)

    def program() -> None:
        StatelessService(
            "app",
            StatelessServiceArgs(
                **_vpc_args(), vpc_cidr="10.0.0.0/16", log_group_name="/x/app", config=big
            ),
        )

    graph = synth(program, stack="dev")
    assert len(warnings.messages) == 1
    (msg,) = warnings.naming("GCM-COST-003")
    assert "16 vCPU exceeds the development cap" in msg
    # The pack agrees: the same rule rejects the same task definition.
    assert {v.rule.id for v in check_graph(graph).mandatory} == {"GCM-COST-003"}


def test_multi_az_and_128_acu_in_development_warn_once_per_rule(warnings: Warnings) -> None:
    cfg = DatabaseConfig(multi_az=True, max_acu=128)

    def program() -> None:
        Database("db", DatabaseArgs(**_vpc_args(), config=cfg, availability_zones=["a", "b"]))

    synth(program, stack="dev")
    assert len(warnings.messages) == 2
    assert len(warnings.naming("GCM-COST-003")) == 1
    assert len(warnings.naming("GCM-DB-001")) == 1


def test_logs_kept_ten_years_warn_once(warnings: Warnings) -> None:
    ten_years = LoggingConfig(
        classes={
            "application": LogClass(retention_days=3653),
            "audit": LogClass(retention_days=3653),
        }
    )
    synth(lambda: ManagedLogging("logs", ManagedLoggingArgs(config=ten_years)), stack="prod")
    assert len(warnings.messages) == 1
    (msg,) = warnings.naming("GCM-LOG-001")
    assert "3653 days; the production maximum is 731" in msg


def test_switching_production_protection_off_warns(warnings: Warnings) -> None:
    def program() -> None:
        ManagedBackup("b", ManagedBackupArgs(vault_lock=False))
        Database("db", DatabaseArgs(**_vpc_args(), deletion_protection=False))

    synth(program, stack="prod")
    assert len(warnings.messages) == 2
    assert len(warnings.naming("GCM-BAK-003")) == 2


def test_overrides_the_pack_accepts_do_not_warn(warnings: Warnings) -> None:
    def program() -> None:
        ManagedLogging(
            "logs",
            ManagedLoggingArgs(config=LoggingConfig(classes={"app": LogClass(retention_days=14)})),
        )
        Database("db", DatabaseArgs(**_vpc_args(), config=DatabaseConfig(max_acu=2)))

    synth(program, stack="dev")
    assert warnings.messages == []


def test_no_shutdown_in_development_warns_naming_the_schedule_rule(warnings: Warnings) -> None:
    def program() -> None:
        StatelessService(
            "app",
            StatelessServiceArgs(
                **_vpc_args(),
                vpc_cidr="10.0.0.0/16",
                log_group_name="/x/app",
                scheduled_shutdown=False,
            ),
        )

    synth(program, stack="dev")
    (msg,) = warnings.messages
    assert msg.startswith("GCM-SCHED-001:") and "runs 24/7" in msg


# ---------------------------------------------------------------------------
# 6. What a vendor needs downstream, as attributes and registered outputs
# ---------------------------------------------------------------------------
def test_downstream_outputs_are_attributes_and_registered(monkeypatch) -> None:
    registered: dict[str, dict[str, Any]] = {}
    original = pulumi.ComponentResource.register_outputs

    def spy(self: pulumi.ComponentResource, outputs: Any) -> None:
        registered[type(self).__name__] = dict(outputs)
        original(self, outputs)

    monkeypatch.setattr(pulumi.ComponentResource, "register_outputs", spy)
    made: dict[str, Any] = {}
    synth(lambda: made.update(build_all()), stack="prod")

    app, logs, backup, db = made["app"], made["logs"], made["backup"], made["db"]
    for attr in ("url", "security_group_id", "alb_security_group_id"):
        assert isinstance(getattr(app, attr), pulumi.Output)
        assert registered["StatelessService"][attr] is getattr(app, attr)
    assert set(logs.log_group_names) == {"application", "access", "audit"}
    assert registered["ManagedLogging"]["logGroupNames"] is logs.log_group_names
    assert isinstance(backup.vault_arn, pulumi.Output)
    assert isinstance(backup.dr_vault_arn, pulumi.Output)
    assert registered["ManagedBackup"]["dr_vault_arn"] is backup.dr_vault_arn
    assert registered["ManagedBackup"]["recovery_point_prefix"] == "awsbackup:job-"
    assert backup.recovery_point_tags["gcmod:environment"] == "production"
    assert registered["Database"]["securityGroupId"] is db.security_group_id
    assert registered["Network"]["environment"] == "production"


def test_component_texts_follow_the_terminology() -> None:
    import ast
    from pathlib import Path

    from gcmod.terminology import problems

    found = []
    for path in sorted((Path(__file__).resolve().parent.parent / "components").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if any("\u3040" <= c <= "\u9fff" for c in node.value):
                    found += [f"{path.name}:{node.lineno}: {p}" for p in problems(node.value)]
    assert not found, "\n".join(found)


def test_a_provider_gcmod_did_not_see_created_needs_an_explicit_dr_provider() -> None:
    from gcmod.components import providers

    def program() -> None:
        unseen = aws.Provider("unseen", region=TOKYO, profile="vendor")
        providers._SETTINGS.pop(unseen, None)  # as if created before gcmod was imported
        ManagedBackup(
            "b", ManagedBackupArgs(env="production"), pulumi.ResourceOptions(provider=unseen)
        )

    with pytest.raises(SynthError, match="pass dr_provider= a provider for ap-northeast-3"):
        synth(program)


def test_nat_per_az_in_development_warns_naming_the_nat_rule(warnings: Warnings) -> None:
    from gcmod.config import NetworkConfig

    cfg = NetworkConfig(nat_gateway="per-az", az_count=3)
    synth(lambda: Network("net", NetworkArgs(config=cfg)), stack="dev")
    (msg,) = warnings.messages
    assert msg.startswith("GCM-NET-001:") and "3 NAT gateways" in msg


def test_backup_overrides_warn_naming_retention_and_dr_rules(warnings: Warnings) -> None:
    from gcmod.config import BackupConfig, DrConfig

    def program() -> None:
        ManagedBackup("dev-b", ManagedBackupArgs(env="development", config=BackupConfig()))
        ManagedBackup(
            "prod-b", ManagedBackupArgs(env="production", dr=DrConfig(copy_backups=False))
        )

    synth(program, stack="x")
    assert len(warnings.messages) == 2
    (retention,) = warnings.naming("GCM-BAK-001")
    assert "35" in retention and "development" in retention
    (dr,) = warnings.naming("GCM-DR-002")
    assert "ap-northeast-3" in dr
