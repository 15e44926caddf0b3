"""A multi-tenant platform from gcmod's components, in an existing VPC, through an
explicit provider.

* The provider assumes the vendor's deploy role and sets default tags; every
  component is given it, and the Osaka provider of the backup copies (production)
  is derived from it with only the region changed.
* The VPC and its private subnets are looked up (Outputs), the image comes from
  an ECR repository of this program and, in development, the certificate from an
  ACM certificate of this program: the components take these Outputs as they are.
* The environment comes from the stack name (``dev``, ``prod``).
* Each municipality gets a host-based listener rule tagged with its code.
* A service dashboard, a monthly cost budget for the environment and one per
  municipality (``budgetUsd`` of each tenant in the stack file) alert an SNS topic.
"""

import pulumi
import pulumi_aws as aws

from gcmod.components.backup import ManagedBackup, ManagedBackupArgs
from gcmod.components.database import Database, DatabaseArgs
from gcmod.components.environment import resolve_environment
from gcmod.components.logs import ManagedLogging, ManagedLoggingArgs
from gcmod.components.observability import Observability, ObservabilityArgs
from gcmod.components.service import StatelessService, StatelessServiceArgs
from gcmod.components.tags import component_tags, with_tenant

config = pulumi.Config()
domain = config.require("domain")
tenants = config.require_object("tenants")
# The environment the components decide (here from the stack name), and the
# cost-allocation tags they put on their resources, for this program's own ones.
env = resolve_environment().environment
tags = component_tags({}, env)

gov = aws.Provider(
    "gov",
    region=pulumi.Config("aws").require("region"),
    assume_roles=[
        aws.ProviderAssumeRoleArgs(
            role_arn=config.require("deployRoleArn"), session_name="juki-saas"
        )
    ],
    default_tags=aws.ProviderDefaultTagsArgs(
        tags={"gcmod:system": "jumin-kihon-daicho", "Owner": "vendor-b"}
    ),
)
on_gov = pulumi.ResourceOptions(provider=gov)
lookup = pulumi.InvokeOutputOptions(provider=gov)

vpc = aws.ec2.get_vpc_output(id=config.require("vpcId"), opts=lookup)
private = aws.ec2.get_subnets_output(
    filters=[
        aws.ec2.GetSubnetsFilterArgs(name="vpc-id", values=[vpc.id]),
        aws.ec2.GetSubnetsFilterArgs(name="tag:Tier", values=["private"]),
    ],
    opts=lookup,
)
repository = aws.ecr.Repository(
    "juki-app",
    image_tag_mutability="IMMUTABLE",
    image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(
        scan_on_push=True
    ),
    tags=tags,
    opts=on_gov,
)
certificate_arn = config.get("certificateArn")
if certificate_arn is None:
    certificate_arn = aws.acm.Certificate(
        "juki-cert", domain_name=f"*.{domain}", validation_method="DNS", tags=tags, opts=on_gov
    ).arn

logging = ManagedLogging("juki-logs", ManagedLoggingArgs(), opts=on_gov)
database = Database(
    "juki-db",
    DatabaseArgs(vpc_id=vpc.id, subnet_ids=private.ids, cluster_tags={"gcmod:backup": "daily"}),
    opts=on_gov,
)
service = StatelessService(
    "juki-app",
    StatelessServiceArgs(
        vpc_id=vpc.id,
        vpc_cidr=vpc.cidr_block,
        subnet_ids=private.ids,
        log_group_name=logging.log_group_names["application"],
        image=pulumi.Output.concat(repository.repository_url, ":", config.require("imageTag")),
        certificate_arn=certificate_arn,
        domain=domain,
        environment={"DB_HOST": database.endpoint},
        secrets={"DB_CREDENTIALS": database.secret_arn},
        unmatched_hosts="not-found",
    ),
    opts=on_gov,
)
database.allow_from("app", service.security_group_id)
backup = ManagedBackup("juki-backup", ManagedBackupArgs(), opts=on_gov)

for tenant in tenants:
    code = tenant["code"]
    aws.lb.ListenerRule(
        f"juki-tenant-{code}",
        listener_arn=service.listener_arn,
        priority=int(code[:5]),
        conditions=[
            aws.lb.ListenerRuleConditionArgs(
                host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=[f"{code}.{domain}"])
            )
        ],
        actions=[
            aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=service.target_group_arn)
        ],
        tags=with_tenant(tags, code),
        opts=on_gov,
    )

# The dashboard and the budgets: the environment's over gcmod:system and
# gcmod:environment, each municipality's over its gcmod:tenant tag (its own
# resources: here its listener rule).
observability = Observability(
    "juki-obs",
    ObservabilityArgs(
        load_balancer_arn=service.load_balancer_arn,
        monthly_limit_usd=config.require_float("monthlyBudgetUsd"),
        tenant_limits_usd={t["code"]: float(t["budgetUsd"]) for t in tenants if "budgetUsd" in t},
    ),
    opts=on_gov,
)

pulumi.export("url", service.url)
pulumi.export("tenantHosts", [f"{t['code']}.{domain}" for t in tenants])
pulumi.export(
    "securityGroups", {"service": service.security_group_id, "db": database.security_group_id}
)
pulumi.export("logGroups", logging.log_group_names)
pulumi.export("vaultArn", backup.vault_arn)
pulumi.export("drVaultArn", backup.dr_vault_arn)
pulumi.export("recoveryPointPrefix", backup.recovery_point_prefix)
pulumi.export("dashboard", observability.dashboard_name)
pulumi.export("budgets", observability.budget_names)
