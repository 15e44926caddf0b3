"""The policy pack rejects the lift-and-shift estate the source deck blames.

:mod:`fixtures.liftshift` builds, in raw ``pulumi_aws``, what vendors built
per municipality ("B: IaaS type"). Every planned rule must find its part of
it: ``EXPECTED`` names resources a rule must flag (at least those),
``SOMEWHERE`` lists the candidates of rules whose exact target is a design
choice of the rule (stack rules, rules that may report on either of two
linked resources): at least one violation must land on one of them.
``NOT_EXPECTED`` names the fixture's compliant resources (negative controls)
a rule must leave alone.

A planned rule that is not registered fails its tests ("rule X not
registered"); it is never skipped. Only definite findings count: a
"can't run during preview" report (unknown value) neither fires nor clears.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from fixtures import liftshift
from fixtures.liftshift import HARDENED, MUNICIPALITIES, OPS_SERVERS, names
from fixtures.packserver import registered_rule_ids, registered_rules

from gcmod.policies.harness import CheckReport, Violation, check_graph

#: How a violation reported at stack level (no resource URN) is named here.
STACK = "<stack>"

#: Every rule the pack is planned to have.
PLANNED: tuple[str, ...] = (
    "GCM-COST-001",  # previous-generation instance types
    "GCM-COST-002",  # Graviton (advisory)
    "GCM-COST-003",  # size caps
    "GCM-COST-004",  # self-built operations servers
    "GCM-COST-005",  # ECS / ASG autoscaling
    "GCM-SEC-001",  # IMDSv2
    "GCM-SEC-002",  # public IPs
    "GCM-SCHED-001",  # non-production under a shutdown schedule
    "GCM-SCHED-002",  # schedule horizon
    "GCM-STO-001",  # gp3
    "GCM-STO-002",  # over-provisioned storage
    "GCM-STO-003",  # S3 lifecycle for logs and backups
    "GCM-SEC-020",  # S3 public access block
    "GCM-SEC-021",  # encryption at rest
    "GCM-BAK-001",  # AWS Backup retention
    "GCM-BAK-002",  # no snapshot scripts
    "GCM-BAK-003",  # production vault lock + deletion protection
    "GCM-BAK-004",  # AWS Backup opted in to Aurora and RDS
    "GCM-DR-001",  # backup-only DR
    "GCM-DR-002",  # production backups copied to Osaka
    "GCM-NET-001",  # no NAT gateway per AZ outside production
    "GCM-NET-002",  # VPC endpoints before NAT
    "GCM-SEC-010",  # no 0.0.0.0/0 ingress
    "GCM-SEC-011",  # HTTPS listeners
    "GCM-TEN-001",  # per-tenant duplicated environments
    "GCM-DB-001",  # Multi-AZ only where the grade asks
    "GCM-TAG-001",  # cost allocation tags
    "GCM-LOG-001",  # log retention
    # what peers (checkov, AWS Config / Guard rules, Cloud Custodian) catch (issue 13)
    "GCM-SEC-030",  # publicly accessible database
    "GCM-SEC-031",  # KMS key rotation
    "GCM-NET-003",  # Elastic IP attached to nothing
    "GCM-DB-002",  # native RDS backup / Performance Insights retention
    "GCM-STO-004",  # versioned bucket never expiring noncurrent versions
    "GCM-SEC-022",  # bucket policy allowing everyone
)

_OPS = tuple(OPS_SERVERS)  # backup-server, zabbix-monitor, syslog-server, jp1-job-scheduler
_INSTANCES = ("ap-1", "ap-2", "dev-ap", "dr-ap-1", "dr-ap-2", *_OPS)
_OSAKA = (
    "dr-vpc", "dr-igw", "dr-subnet-a", "dr-subnet-b", "dr-sg", "dr-alb", "dr-ap-tg",
    "dr-http", "dr-ap-1", "dr-ap-2", "dr-db-subnets", "dr-db",
)  # fmt: skip
_BACKUP = ("backup-plan", "vault", "db", "data", "dev-db")
_SNAPSHOT_SCRIPTS = (
    "dlm-snapshots", "dlm-role", "data-full-snapshot", "full-snapshot-script",
    "full-snapshot-nightly", "backup-server",
)  # fmt: skip
#: What each municipality duplicates: network, load balancers, databases, servers.
_PER_TENANT = (
    "vpc", "dev-vpc", "dr-vpc", "alb", "dr-alb", "db", "dev-db", "dr-db", "web-asg", *_INSTANCES,
)  # fmt: skip

#: rule id -> resources the rule must flag (at least these).
EXPECTED: dict[str, set[str]] = {
    # m4 / c4 / r4 are previous generations (m7i/m7g, c7i/c7g, r7i/r7g are current).
    "GCM-COST-001": names("ap-1", "ap-2", "dev-ap", "dr-ap-1", "dr-ap-2", "backup-server"),
    "GCM-COST-004": names(*_OPS),
    "GCM-COST-005": names("web-asg"),  # min = max = desired, no scaling policy
    # httpTokens optional, or no metadata options at all (the default allows IMDSv1)
    "GCM-SEC-001": names("ap-1", "ap-2", "dev-ap", "dr-ap-1", "backup-server", "zabbix-monitor"),
    "GCM-SEC-002": {f"{HARDENED}-ap-1"} | names("public-a"),
    # development runs 24/365 with no schedule (ebetsu's dev-ap points at a stale one)
    "GCM-SCHED-001": {
        f"{m.slug}-dev-ap" for m in MUNICIPALITIES if m.slug != liftshift.STALE_SCHEDULE
    },
    "GCM-STO-001": names("data", "db", "dev-db", "ap-1"),
    "GCM-STO-002": names("data"),  # 2,000 GB holding 100 GB
    "GCM-STO-003": names("log-bucket", "backup-bucket"),
    "GCM-SEC-020": names("log-bucket", "backup-bucket"),
    "GCM-SEC-021": names("db", "data", "dev-db"),
    "GCM-NET-002": names("vpc", "dev-vpc"),
    "GCM-SEC-010": names("web-sg"),
    "GCM-SEC-011": names("http", "dr-http"),
    "GCM-DB-001": names("dev-db"),  # development needs no standby
    "GCM-TAG-001": names("jp1-job-scheduler"),  # only a Name tag
    "GCM-LOG-001": names("app-logs", "syslog-logs"),
    "GCM-BAK-004": {"backup-region-settings"},  # RDS opted out in Tokyo
    "GCM-SEC-030": names("dev-db"),  # publicly accessible "for the office"
    "GCM-DB-002": names("dev-db"),  # 35 days of automated backups of test data
    "GCM-SEC-031": {f"{m.slug}-ebs-key" for m in MUNICIPALITIES if m.slug != HARDENED},
    "GCM-NET-003": names("spare-eip"),
    "GCM-STO-004": names("backup-bucket"),  # versioned dumps kept forever
    "GCM-SEC-022": names("forms-policy"),  # Principal * without a condition
}

#: rule id -> candidates; the rule fires at least once, on one of them.
SOMEWHERE: dict[str, set[str]] = {
    "GCM-COST-002": names(*_INSTANCES, "web-lt", "web-asg", "db", "dev-db", "dr-db"),
    "GCM-COST-003": names(*_INSTANCES, "web-lt", "web-asg", "db", "dev-db", "dr-db", "data"),
    "GCM-SCHED-002": {
        f"{liftshift.STALE_SCHEDULE}-{r}" for r in ("dev-shutdown", "dev-stop", "dev-ap")
    }
    | {STACK},
    "GCM-BAK-001": names(*_BACKUP) | {STACK},
    "GCM-BAK-002": names(*_SNAPSHOT_SCRIPTS) | {STACK},
    "GCM-BAK-003": names("vault", "backup-plan", "db") | {STACK},
    "GCM-DR-001": names(*_OSAKA) | {"osaka", STACK},
    "GCM-DR-002": names(*_BACKUP) | {STACK},
    # one report per environment over the limit, on one of its NAT gateways
    "GCM-NET-001": names("dev-nat-a", "dev-nat-c", "dev-nat-d"),
    "GCM-TEN-001": names(*_PER_TENANT) | {STACK},
}

#: rule id -> the fixture's compliant resources the rule must not flag.
NOT_EXPECTED: dict[str, set[str]] = {
    "GCM-LOG-001": names("audit-logs"),  # 365 days, production cap 731
    "GCM-SEC-010": names("db-sg", "dev-sg", "dr-sg"),  # VPC CIDR only
    "GCM-SEC-011": {f"{HARDENED}-http-redirect", f"{HARDENED}-https"},
    "GCM-NET-001": names("nat-a", "nat-c", "nat-d"),  # production may have one per AZ
    "GCM-NET-002": names("dr-vpc"),  # no NAT gateway there
    "GCM-SEC-001": names("syslog-server"),  # httpTokens required
    "GCM-SEC-002": names("ap-2", "private-a", "public-c")
    | {f"{m.slug}-ap-1" for m in MUNICIPALITIES if m.slug != HARDENED},
    "GCM-STO-001": names("work-vol", "dev-ap"),  # gp3
    "GCM-STO-002": names("work-vol"),  # 110 GB for 100 GB
    "GCM-SEC-021": names("work-vol"),  # encrypted
    "GCM-STO-003": {f"{HARDENED}-audit-log-bucket"} | names("forms-bucket"),  # lifecycle; not logs
    "GCM-SEC-020": {f"{HARDENED}-audit-log-bucket"},  # public access block
    "GCM-SCHED-001": names("ap-1", "ap-2", "db"),  # production, not opted in
    "GCM-DR-001": names("ap-1", "db", "vpc"),  # Tokyo is not the DR region
    "GCM-COST-004": names("ap-1", "ap-2"),  # application servers
    "GCM-BAK-004": {"dr-backup-region-settings"},  # Aurora and RDS opted in
    "GCM-SEC-031": {f"{HARDENED}-ebs-key"},  # rotation on
    "GCM-NET-003": names("nat-eip-a", "nat-eip-c", "nat-eip-d"),  # used by NAT gateways
    "GCM-SEC-030": names("db"),  # production database private
    "GCM-STO-004": names("log-bucket"),  # not versioned
}


# ---------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def report() -> CheckReport:
    """The pack's registered rules over the estate (a rule module that only its
    own tests import is not part of the pack)."""
    return check_graph(liftshift.graph(), rules=registered_rules())


def _registered() -> set[str]:
    return set(registered_rule_ids())


def _require(rule_id: str) -> None:
    if rule_id not in _registered():
        pytest.fail(f"rule {rule_id} not registered", pytrace=False)


def _target(v: Violation) -> str:
    return v.resource_name or STACK


def _fired(report: CheckReport, rule_id: str) -> dict[str, list[Violation]]:
    """Definite findings of a rule, by target name."""
    out: dict[str, list[Violation]] = defaultdict(list)
    for v in report.by_rule(rule_id):
        if not v.unknown:
            out[_target(v)].append(v)
    return out


def _unknowns(report: CheckReport, rule_id: str) -> str:
    found = [f"{_target(v)}: {v.message.en}" for v in report.by_rule(rule_id) if v.unknown]
    return ("\n  could not decide (unknown values):\n    " + "\n    ".join(found)) if found else ""


# ---------------------------------------------------------------------------
# The fixture is what the tables assume
# ---------------------------------------------------------------------------
def test_fixture_is_the_lift_and_shift_estate() -> None:
    g = liftshift.graph()
    assert (g.project, g.stack, g.region) == ("liftshift", "prod", "ap-northeast-1")
    vpcs = g.of_type("aws:ec2/vpc:Vpc")
    assert len(vpcs) == 3 * len(MUNICIPALITIES)  # production, development, Osaka each
    for m in MUNICIPALITIES:
        own = [r for r in g if r.tags.get("Municipality") == m.name]
        assert len(own) > 40, f"{m.name} should have an environment of its own"
        dev_nats = [
            r
            for r in own
            if r.type == "aws:ec2/natGateway:NatGateway"
            and r.tags.get("Environment") == "development"
        ]
        assert len(dev_nats) == 3  # one per AZ
        assert g.named(f"{m.slug}-db").inputs["multiAz"] is True
        assert g.named(f"{m.slug}-db").inputs["instanceClass"] == "db.m4.large"
        assert g.named(f"{m.slug}-data").inputs["size"] == 2000
        assert g.named(f"{m.slug}-ap-1").inputs["metadataOptions"]["httpTokens"] == "optional"
        for name in names(*_OSAKA) & {n.name for n in own}:
            assert g.named(name).region == "ap-northeast-3", name
        assert "replicateSourceDb" in g.named(f"{m.slug}-dr-db").inputs
    osaka = g.named("osaka")
    assert osaka.type == "pulumi:providers:aws" and osaka.inputs["region"] == "ap-northeast-3"
    assert g.named(f"{HARDENED}-ap-1").inputs["associatePublicIpAddress"] is True
    assert g.named(f"{HARDENED}-public-a").inputs["mapPublicIpOnLaunch"] is True


def test_tables_cover_the_plan() -> None:
    assert not set(EXPECTED) & set(SOMEWHERE), "a rule is in both tables"
    assert set(EXPECTED) | set(SOMEWHERE) == set(PLANNED)
    assert set(NOT_EXPECTED) <= set(PLANNED)
    known = {n.name for n in liftshift.graph()} | {STACK}
    for table in (EXPECTED, SOMEWHERE, NOT_EXPECTED):
        for rule_id, targets in table.items():
            assert targets, rule_id
            assert targets <= known, f"{rule_id}: not in the fixture: {sorted(targets - known)}"
    for rule_id in EXPECTED:
        overlap = EXPECTED[rule_id] & NOT_EXPECTED.get(rule_id, set())
        assert not overlap, f"{rule_id}: expected and not expected: {sorted(overlap)}"


#: Rules that judge measurements of deployed resources (the audit): a planned
#: program has none, so they must stay silent on it.
DEPLOYED_ONLY: tuple[str, ...] = (
    "GCM-COST-006",
    # idle and orphaned resources: state and CloudWatch evidence only the audit collects
    *(f"GCM-IDLE-00{n}" for n in (1, 3, 4, 5, 6)),
)
#: Rules about scale (quotas) the estate's few municipalities never reach; they
#: must stay silent on it (tests/test_rules_alb_quota.py makes them fire).
SCALE_ONLY: tuple[str, ...] = ("GCM-TEN-002",)
#: Rules about services an IaaS lift-and-shift estate does not use (Lambda,
#: DynamoDB); they must stay silent on it (tests/test_rules_serverless.py makes
#: them fire).
SERVERLESS_ONLY: tuple[str, ...] = ("GCM-FN-001", "GCM-LOG-002", "GCM-COST-007")
#: Rules about waivers: the estate declares none, so they must stay silent on it
#: (tests/test_waivers.py makes them fire).
WAIVER_ONLY: tuple[str, ...] = ("GCM-GOV-001", "GCM-GOV-002")


def test_every_registered_rule_is_planned() -> None:
    extra = (
        _registered() - set(PLANNED) - set(DEPLOYED_ONLY) - set(SCALE_ONLY) - set(SERVERLESS_ONLY)
        - set(WAIVER_ONLY)
    )
    assert not extra, f"registered but not in the lift-and-shift tables: {sorted(extra)}"


@pytest.mark.parametrize("rule_id", SCALE_ONLY)
def test_scale_only_rules_are_silent_on_the_estate(report: CheckReport, rule_id) -> None:
    assert rule_id in _registered()
    assert report.by_rule(rule_id) == []


@pytest.mark.parametrize("rule_id", WAIVER_ONLY)
def test_waiver_rules_are_silent_without_waivers(report: CheckReport, rule_id) -> None:
    assert rule_id in _registered()
    assert report.by_rule(rule_id) == []


@pytest.mark.parametrize("rule_id", SERVERLESS_ONLY)
def test_serverless_rules_are_silent_on_the_iaas_estate(report: CheckReport, rule_id) -> None:
    assert rule_id in _registered()
    assert report.by_rule(rule_id) == []


@pytest.mark.parametrize("rule_id", DEPLOYED_ONLY)
def test_deployed_only_rules_are_silent_before_deployment(report: CheckReport, rule_id) -> None:
    assert rule_id in _registered()
    assert report.by_rule(rule_id) == []


# ---------------------------------------------------------------------------
# The estate is rejected, rule by rule
# ---------------------------------------------------------------------------
def test_liftshift_is_rejected(report: CheckReport) -> None:
    assert report.mandatory, "the lift-and-shift estate passed every mandatory rule"
    assert report.resources == len(liftshift.graph().custom_resources)


@pytest.mark.parametrize("rule_id", PLANNED)
def test_rule_fires_on_the_estate(report: CheckReport, rule_id: str) -> None:
    _require(rule_id)
    fired = _fired(report, rule_id)
    if rule_id in EXPECTED:
        missing = EXPECTED[rule_id] - set(fired)
        assert not missing, (
            f"{rule_id} did not flag {sorted(missing)}; it flagged {sorted(fired)}"
            + _unknowns(report, rule_id)
        )
    else:
        candidates = SOMEWHERE[rule_id]
        assert set(fired) & candidates, (
            f"{rule_id} flagged none of {sorted(candidates)}; it flagged {sorted(fired)}"
            + _unknowns(report, rule_id)
        )


@pytest.mark.parametrize("rule_id", sorted(NOT_EXPECTED))
def test_rule_leaves_compliant_resources_alone(report: CheckReport, rule_id: str) -> None:
    _require(rule_id)
    wrong = {
        name: [v.message.en for v in vs]
        for name, vs in _fired(report, rule_id).items()
        if name in NOT_EXPECTED[rule_id]
    }
    assert not wrong, f"{rule_id} flagged compliant resources: {wrong}"


def test_messages_are_bilingual_and_name_their_resource(report: CheckReport) -> None:
    for v in report.violations:
        if v.unknown:
            continue
        assert v.message.en and v.message.ja, v
        assert v.message.en != v.message.ja, f"{v.rule.id}: message not translated: {v.message}"
        assert v.urn, f"{v.rule.id}: a finding should point at a resource: {v.message.en}"
