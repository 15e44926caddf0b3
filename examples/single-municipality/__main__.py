"""One municipality's service from gcmod's components.

Each component reads the environment from the stack config (``gcmod:environment``)
and picks the defaults the gcmod policy pack accepts for it; nothing here sets a
size, a retention or a schedule. A service dashboard and a monthly cost budget
alerting an SNS topic watch it (the budget from ``monthlyBudgetUsd`` in the stack
file). ``gcmod check --project . --stack dev|prod`` passes with no mandatory
finding.
"""

import pulumi

from gcmod.components.backup import ManagedBackup, ManagedBackupArgs
from gcmod.components.database import Database, DatabaseArgs
from gcmod.components.logs import ManagedLogging, ManagedLoggingArgs
from gcmod.components.network import Network, NetworkArgs
from gcmod.components.observability import Observability, ObservabilityArgs
from gcmod.components.service import StatelessService, StatelessServiceArgs

config = pulumi.Config()
code = config.require("municipalityCode")
# The municipality is the only tenant; gcmod adds gcmod:environment and the rest.
tags = {"gcmod:system": "jumin-kihon-daicho", "gcmod:tenant": code, "Owner": "vendor-a"}
backup_tag = {"gcmod:backup": "daily"}  # what ManagedBackup selects by default

network = Network("town", NetworkArgs(tags=tags))
logging = ManagedLogging("town-logs", ManagedLoggingArgs(tags=tags))
database = Database(
    "town-db",
    DatabaseArgs(
        vpc_id=network.vpc_id,
        subnet_ids=network.private_subnet_ids,
        availability_zones=network.availability_zones,
        tags=tags,
        cluster_tags=backup_tag,
    ),
)
service = StatelessService(
    "town-app",
    StatelessServiceArgs(
        vpc_id=network.vpc_id,
        vpc_cidr=network.cidr_block,
        subnet_ids=network.private_subnet_ids,
        log_group_name=logging.log_group_names["application"],
        image=config.require("image"),
        domain=config.require("domain"),
        certificate_arn=config.get("certificateArn"),
        environment={"DB_HOST": database.endpoint, "MUNICIPALITY_CODE": code},
        secrets={"DB_CREDENTIALS": database.secret_arn},
        tags=tags,
    ),
)
database.allow_from("app", service.security_group_id)
backup = ManagedBackup("town-backup", ManagedBackupArgs(tags=tags))
# The dashboard and the budget. Every resource here carries the municipality's
# gcmod:tenant tag, so the environment's budget is the municipality's: no
# per-tenant budget is needed.
observability = Observability(
    "town-obs",
    ObservabilityArgs(
        load_balancer_arn=service.load_balancer_arn,
        monthly_limit_usd=config.require_float("monthlyBudgetUsd"),
        alert_emails=config.get_object("alertEmails") or [],
        tags=tags,
    ),
)

pulumi.export("url", service.url)
pulumi.export("serviceSecurityGroupId", service.security_group_id)
pulumi.export("logGroups", logging.log_group_names)
pulumi.export("vaultArn", backup.vault_arn)
pulumi.export("drVaultArn", backup.dr_vault_arn)
pulumi.export("dashboard", observability.dashboard_name)
pulumi.export("alertTopicArn", observability.alert_topic_arn)
