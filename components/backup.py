"""Managed backup with backup-only DR (構成C): AWS Backup, a remote copy in Osaka.

:class:`ManagedBackup` builds the backup half of the optimised architecture:

* **Primary region** (the stack's region): a customer-managed KMS key (yearly
  rotation, 30-day deletion window) and alias, an AWS Backup vault encrypted
  with it, one backup plan with one daily rule, a selection by tag, the IAM
  role AWS Backup assumes, and, in production, a vault lock and a monthly
  restore testing plan for Aurora.
* **DR region** (``dr.region``, ap-northeast-3 / Osaka by default), only when
  ``dr.copy_backups``: a KMS key, its alias and a vault (plus its lock in
  production), reached through an explicit second provider. **Nothing else
  runs there**: no compute, no database. After a disaster the stack is rebuilt
  from the same code and restored from the copies (the non-functional
  standard's A.1.4.1 restart within one month, A.3.1.1 same configuration,
  A.3.2.1 off-site backup in one remote location).

Decisions and the AWS facts behind them
---------------------------------------
* **Schedule.** ``cron(0 2 * * ? *)`` with ``schedule_expression_timezone``
  ``Asia/Tokyo`` (AWS Backup rules accept an IANA time zone; Japan has no
  daylight saving, so this is ``cron(0 17 * * ? *)`` UTC): 02:00 JST, the
  night after each business day, so the newest recovery point is never older
  than the end of the previous business day (RPO: one business day). Start
  window 60 min (the AWS minimum), completion window 360 min.
* **Incremental.** AWS Backup takes a full backup first and incremental ones
  after for EBS, EFS and Aurora/RDS snapshots (only changed blocks are
  stored), so a daily rule is cheap. Cross-region copies of Aurora cluster
  snapshots are always full copies (Aurora User Guide, "Copying a DB cluster
  snapshot"), which is why the DR vault has its own, separately tunable
  retention (``dr.retention_days``). Continuous backup (PITR) is off: it is
  not needed for a one-business-day RPO and Aurora keeps its own PITR window.
* **Selection by tag only.** The selection uses ``ListOfTags``
  (``STRINGEQUALS gcmod:backup=daily``) and *no* ``Resources``: AWS Backup
  combines ``Resources`` and ``ListOfTags`` with a logical OR (AWS CLI
  reference, ``create-backup-selection``), so ``Resources: ["*"]`` beside the
  tag would back up every supported resource in the account. Every stateful
  store that carries the tag (the database, at least) is covered.
* **Encryption.** Each vault has its own customer-managed key in its own
  region; the DR key does not depend on the Tokyo KMS endpoint, so Osaka can
  restore while Tokyo is down. Resources AWS Backup fully manages (EFS,
  DynamoDB advanced, S3, ...) are encrypted with the vault key; Aurora/RDS
  snapshots keep the database's key in the primary region and are
  re-encrypted with the destination vault's key when copied.
* **Vault lock: governance mode.** ``changeable_for_days`` is omitted, which
  makes a governance-mode lock. A compliance-mode lock becomes immutable after
  its grace time (at least 3 days): from then on neither the lock nor a vault
  holding recovery points can be removed, even by the root user, so retention
  could never be shortened and the stack could never be destroyed. Governance
  mode still stops anyone without ``backup:DeleteBackupVaultLockConfiguration``
  from deleting recovery points early or shortening their lifecycle; deny that
  action by SCP (except a break-glass role) to harden it further. The bounds
  are ``min = max = retention``: every recovery point is kept for its whole
  retention, and a job with a longer (or indefinite) retention is refused,
  which keeps storage from leaking. The DR vault is locked the same way, with
  ``dr.retention_days``, so the off-site copy is as protected as the original.
* **Cold storage** only moves recovery points of resource types that support
  it (EFS, EBS, DynamoDB advanced, ...); Aurora snapshots stay warm. AWS keeps
  cold recovery points 90 days at least (``BackupConfig`` checks it). DR copies
  go cold too when ``dr.retention_days`` leaves the 90 days; otherwise they
  stay warm.
* **Restore testing** (production): a monthly restore testing plan (first
  Monday 10:00 JST, during office hours so an operator sees the result) picks
  the latest snapshot of the last 7 days in the primary vault and restores
  each Aurora cluster tagged for backup, keeps it 1 hour for validation, then
  AWS Backup deletes it. Copies in the DR vault are not restore-tested, as
  that would run a database in the DR region.

Limits
------
* The region of a ``dr_provider`` passed in is checked when gcmod saw the
  provider created (:mod:`gcmod.components.providers`); otherwise pass one whose
  region is ``dr.region``. Offline synth records each resource's region, and
  the policy pack checks it.
* A DR provider created here copies every setting of the component's provider
  (assumed role, profile, default tags, ...; for the default provider the
  stack's ``aws:*`` config) and changes only the region
  (:func:`gcmod.components.providers.regional_copy`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from gcmod.components import defaults
from gcmod.components.environment import resolve_environment
from gcmod.components.overrides import Planned, warn_if_rejected
from gcmod.components.providers import (
    aws_provider,
    invoke_options,
    provider_region,
    regional_copy,
)
from gcmod.components.tags import component_tags
from gcmod.config import BackupConfig, DrConfig

#: Backup rule schedule, in :data:`SCHEDULE_TIMEZONE`: 02:00 every day.
SCHEDULE = "cron(0 2 * * ? *)"
#: Time zone of the backup and restore testing schedules.
SCHEDULE_TIMEZONE = "Asia/Tokyo"
#: Minutes after the scheduled time within which a backup must start (AWS minimum 60).
START_WINDOW_MINUTES = 60
#: Minutes within which a started backup must complete.
COMPLETION_WINDOW_MINUTES = 360
#: KMS key deletion window (days), the longest KMS allows.
KMS_DELETION_WINDOW_DAYS = 30
#: Service role policies AWS Backup needs to back up and copy, and to restore
#: (restore testing), by the suffix of their attachment's name.
BACKUP_MANAGED_POLICIES: dict[str, str] = {
    "backup": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "restores": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
}
#: Restore testing schedule, in :data:`SCHEDULE_TIMEZONE`: first Monday of the month, 10:00.
RESTORE_TEST_SCHEDULE = "cron(0 10 ? * 2#1 *)"
#: Restore testing picks the latest recovery point created within this many days.
RESTORE_TEST_SELECTION_WINDOW_DAYS = 7
#: Hours a restore-tested resource is kept for validation before AWS Backup deletes it.
RESTORE_TEST_VALIDATION_HOURS = 1
#: Hours after the scheduled time within which a restore test must start.
RESTORE_TEST_START_WINDOW_HOURS = 24
#: Protected resource type the restore test covers.
RESTORE_TEST_RESOURCE_TYPE = "Aurora"
#: AWS keeps a recovery point in cold storage for at least this many days.
COLD_STORAGE_MIN_DAYS = 90
#: How AWS Backup names the Aurora/RDS snapshots it takes or copies (the last
#: part of the recovery point ARN, e.g. ``cluster-snapshot:awsbackup:job-<id>``;
#: AWS Backup Developer Guide, "Creating a backup", checked 2026-11).
RECOVERY_POINT_PREFIX = "awsbackup:job-"

_RT_NAME_MAX = 50
_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")


def restore_testing_name(*parts: str) -> str:
    """A restore testing plan/selection name: only letters, digits and ``_``,
    1–50 characters (AWS Backup's rule for these names)."""
    raw = "_".join(p for p in parts if p)
    name = re.sub(r"[^A-Za-z0-9_]", "_", raw)[:_RT_NAME_MAX]
    return name or "gcmod"


def _alias_name(*parts: str) -> str:
    """A KMS alias name: ``alias/`` then letters, digits, ``/``, ``_``, ``-``."""
    body = "/".join(re.sub(r"[^A-Za-z0-9_-]", "-", p) for p in parts if p)
    return f"alias/{body}"[:256]


@dataclass(frozen=True)
class ManagedBackupArgs:
    """Options for :class:`ManagedBackup`. The defaults follow the environment."""

    config: BackupConfig | None = None
    """Retention and cold storage (``gcmod:backup``). @default for the environment
    (:func:`gcmod.components.defaults.backup_config`): 35 days in production,
    14 in staging, 7 in development (GCM-BAK-001); no cold storage."""
    dr: DrConfig | None = None
    """Backup-only DR (``gcmod:dr``). @default for the environment
    (:func:`gcmod.components.defaults.dr_config`): in production copy every
    recovery point to ap-northeast-3 (Osaka), kept 35 days (GCM-DR-002);
    elsewhere no copy."""
    dr_provider: pulumi.ProviderResource | None = None
    """AWS provider for ``dr.region``. Only with ``dr.copy_backups``. @default a
    provider ``<name>-dr``: the component's provider with only the region changed."""
    vault_lock: bool | None = None
    """Lock both vaults (governance mode). @default ``config.vault_lock``, else
    true in production only (GCM-BAK-003)."""
    restore_testing: bool | None = None
    """Run the monthly Aurora restore testing plan. @default
    ``config.restore_testing``, else true in production only."""
    selection_tag: tuple[str, str] = ("gcmod:backup", "daily")
    """Tag (key, value) that puts a resource under the daily plan and the
    restore test. @default ``gcmod:backup=daily``"""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on every taggable resource and on every recovery point (cost
    allocation of backup storage); gcmod's cost-allocation keys are added. @default none"""
    env: str | None = None
    """production, staging or development. @default decided by
    :func:`gcmod.components.environment.resolve_environment` (stack config, tags,
    stack name; else production)."""

    def __post_init__(self) -> None:
        cfg_lock = self.config.vault_lock if self.config is not None else None
        if cfg_lock is not None and self.vault_lock is not None and cfg_lock != self.vault_lock:
            raise ValueError(
                f"config.vault_lock is {cfg_lock} but vault_lock is {self.vault_lock}: "
                "pass the resolved value (StackConfig.vault_lock) or leave config.vault_lock unset"
            )
        cfg_rt = self.config.restore_testing if self.config is not None else None
        if (
            cfg_rt is not None
            and self.restore_testing is not None
            and cfg_rt != self.restore_testing
        ):
            raise ValueError(
                f"config.restore_testing is {cfg_rt} but restore_testing is "
                f"{self.restore_testing}: pass the resolved value "
                "(StackConfig.restore_testing) or leave config.restore_testing unset"
            )
        if self.dr_provider is not None and self.dr is not None and not self.dr.copy_backups:
            raise ValueError(
                "dr_provider is given but dr.copy_backups is false: nothing would use it; "
                "drop the provider or turn the DR copy on"
            )
        if len(self.selection_tag) != 2:
            raise ValueError("selection_tag must be a (key, value) pair")
        key, value = self.selection_tag
        if not _TAG_KEY.match(key) or key.lower().startswith("aws:"):
            raise ValueError(f"selection_tag key {key!r} is not a valid AWS tag key")
        if not value or len(value) > 256:
            raise ValueError("selection_tag value must be 1 to 256 characters")


class ManagedBackup(pulumi.ComponentResource):
    """AWS Backup for every resource tagged ``selection_tag``, copied to the DR region.

    Attributes (also registered as outputs): ``vault_name``, ``vault_arn``,
    ``dr_vault_arn`` (None without DR copy), ``plan_id``, ``selection_tag``,
    ``kms_key_arn``, ``restore_testing_plan_name`` (None without restore
    testing), ``dr_region`` (None without DR copy).
    """

    environment: str
    vault_name: pulumi.Output[str]
    vault_arn: pulumi.Output[str]
    dr_vault_name: pulumi.Output[str] | None
    dr_vault_arn: pulumi.Output[str] | None
    recovery_point_tags: dict[str, str]
    recovery_point_prefix: str
    plan_id: pulumi.Output[str]
    selection_tag: tuple[str, str]
    kms_key_arn: pulumi.Output[str]
    restore_testing_plan_name: str | None
    dr_region: str | None
    role_arn: pulumi.Output[str]
    dr_provider: pulumi.ProviderResource | None

    def __init__(
        self,
        name: str,
        args: ManagedBackupArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        args = args or ManagedBackupArgs()
        env = resolve_environment(args.env, args.tags).environment
        cfg = args.config if args.config is not None else defaults.backup_config(env)
        dr = args.dr if args.dr is not None else defaults.dr_config(env)
        if args.dr_provider is not None and not dr.copy_backups:
            raise ValueError(
                "dr_provider is given but dr.copy_backups is false: nothing would use it; "
                "drop the provider or turn the DR copy on"
            )
        vault_lock = _resolved(args.vault_lock, cfg.vault_lock, defaults.production_only(env))
        restore_testing = _resolved(
            args.restore_testing, cfg.restore_testing, defaults.production_only(env)
        )
        super().__init__("gcmod:backup:ManagedBackup", name, None, opts)
        self.environment = env
        tags = component_tags(args.tags, env)
        here = pulumi.ResourceOptions(parent=self)
        project, stack = pulumi.get_project(), pulumi.get_stack()

        primary_region = aws.get_region(opts=invoke_options(self)).region
        if dr.copy_backups and primary_region == dr.region:
            raise ValueError(
                f"dr.region ({dr.region}) is the stack's region: backups must be copied "
                "to one remote location (A.3.2.1)"
            )
        if args.dr_provider is not None:
            given = provider_region(args.dr_provider)
            if given is not None and given != dr.region:
                raise ValueError(f"{name}: dr_provider is for {given} but dr.region is {dr.region}")
        self._warn_overrides(name, args, cfg, dr, env, vault_lock, tags)

        # -- primary vault -------------------------------------------------
        key = aws.kms.Key(
            f"{name}-key",
            description=f"AWS Backup vault key ({project}/{stack}/{name})",
            enable_key_rotation=True,
            deletion_window_in_days=KMS_DELETION_WINDOW_DAYS,
            tags=tags,
            opts=here,
        )
        aws.kms.Alias(
            f"{name}-key-alias",
            name=_alias_name(project, stack, f"{name}-backup"),
            target_key_id=key.key_id,
            opts=here,
        )
        vault = aws.backup.Vault(f"{name}-vault", kms_key_arn=key.arn, tags=tags, opts=here)
        if vault_lock:
            aws.backup.VaultLockConfiguration(
                f"{name}-vault-lock",
                backup_vault_name=vault.name,
                min_retention_days=cfg.retention_days,
                max_retention_days=cfg.retention_days,
                opts=here,
            )

        # -- DR vault (backup-only DR: storage only) ------------------------
        dr_vault: aws.backup.Vault | None = None
        dr_provider: pulumi.ProviderResource | None = None
        if dr.copy_backups:
            dr_provider = args.dr_provider
            if dr_provider is None:
                dr_provider = regional_copy(f"{name}-dr", aws_provider(self), dr.region, here)
            in_dr = pulumi.ResourceOptions(parent=self, provider=dr_provider)
            dr_key = aws.kms.Key(
                f"{name}-dr-key",
                description=f"AWS Backup DR vault key ({project}/{stack}/{name}, {dr.region})",
                enable_key_rotation=True,
                deletion_window_in_days=KMS_DELETION_WINDOW_DAYS,
                tags=tags,
                opts=in_dr,
            )
            aws.kms.Alias(
                f"{name}-dr-key-alias",
                name=_alias_name(project, stack, f"{name}-backup-dr"),
                target_key_id=dr_key.key_id,
                opts=in_dr,
            )
            dr_vault = aws.backup.Vault(
                f"{name}-dr-vault", kms_key_arn=dr_key.arn, tags=tags, opts=in_dr
            )
            if vault_lock:
                aws.backup.VaultLockConfiguration(
                    f"{name}-dr-vault-lock",
                    backup_vault_name=dr_vault.name,
                    min_retention_days=dr.retention_days,
                    max_retention_days=dr.retention_days,
                    opts=in_dr,
                )

        # -- IAM role AWS Backup assumes ---------------------------------------
        role = aws.iam.Role(
            f"{name}-role",
            description="AWS Backup: back up, copy and restore-test resources tagged for backup",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "backup.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
            tags=tags,
            opts=here,
        )
        attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-role-{suffix}", role=role.name, policy_arn=arn, opts=here
            )
            for suffix, arn in BACKUP_MANAGED_POLICIES.items()
        ]

        # -- plan: one daily rule ----------------------------------------------
        cold = cfg.cold_storage_after_days
        copy_actions = None
        if dr_vault is not None:
            dr_cold = None
            if cold is not None and dr.retention_days >= cold + COLD_STORAGE_MIN_DAYS:
                dr_cold = cold
            copy_actions = [
                aws.backup.PlanRuleCopyActionArgs(
                    destination_vault_arn=dr_vault.arn,
                    lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(
                        delete_after=dr.retention_days, cold_storage_after=dr_cold
                    ),
                )
            ]
        plan = aws.backup.Plan(
            f"{name}-plan",
            rules=[
                aws.backup.PlanRuleArgs(
                    rule_name="daily",
                    target_vault_name=vault.name,
                    schedule=SCHEDULE,
                    schedule_expression_timezone=SCHEDULE_TIMEZONE,
                    start_window=START_WINDOW_MINUTES,
                    completion_window=COMPLETION_WINDOW_MINUTES,
                    enable_continuous_backup=False,
                    lifecycle=aws.backup.PlanRuleLifecycleArgs(
                        delete_after=cfg.retention_days, cold_storage_after=cold
                    ),
                    copy_actions=copy_actions,
                    recovery_point_tags=tags or None,
                )
            ],
            tags=tags,
            opts=here,
        )

        # -- selection by tag (ListOfTags only: Resources would be ORed) -------
        tag_key, tag_value = args.selection_tag
        aws.backup.Selection(
            f"{name}-selection",
            plan_id=plan.id,
            iam_role_arn=role.arn,
            selection_tags=[
                aws.backup.SelectionSelectionTagArgs(
                    type="STRINGEQUALS", key=tag_key, value=tag_value
                )
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=attachments),
        )

        # -- restore testing (production) ----------------------------------------
        rt_name: str | None = None
        if restore_testing:
            rt_name = restore_testing_name(project, stack, name)
            rt_plan = aws.backup.RestoreTestingPlan(
                f"{name}-restore-testing",
                name=rt_name,
                schedule_expression=RESTORE_TEST_SCHEDULE,
                schedule_expression_timezone=SCHEDULE_TIMEZONE,
                start_window_hours=RESTORE_TEST_START_WINDOW_HOURS,
                recovery_point_selection=aws.backup.RestoreTestingPlanRecoveryPointSelectionArgs(
                    algorithm="LATEST_WITHIN_WINDOW",
                    include_vaults=[vault.arn],
                    recovery_point_types=["SNAPSHOT"],
                    selection_window_days=RESTORE_TEST_SELECTION_WINDOW_DAYS,
                ),
                tags=tags,
                opts=here,
            )
            aws.backup.RestoreTestingSelection(
                f"{name}-restore-testing-aurora",
                name=restore_testing_name(RESTORE_TEST_RESOURCE_TYPE.lower(), "by_tag"),
                restore_testing_plan_name=rt_plan.name,
                protected_resource_type=RESTORE_TEST_RESOURCE_TYPE,
                iam_role_arn=role.arn,
                protected_resource_arns=["*"],
                protected_resource_conditions=(
                    aws.backup.RestoreTestingSelectionProtectedResourceConditionsArgs(
                        string_equals=[
                            aws.backup.RestoreTestingSelectionProtectedResourceConditionsStringEqualArgs(
                                key=f"aws:ResourceTag/{tag_key}", value=tag_value
                            )
                        ]
                    )
                ),
                validation_window_hours=RESTORE_TEST_VALIDATION_HOURS,
                opts=pulumi.ResourceOptions(parent=self, depends_on=attachments),
            )

        self.vault_name = vault.name
        self.vault_arn = vault.arn
        self.dr_vault_arn = dr_vault.arn if dr_vault is not None else None
        self.dr_vault_name = dr_vault.name if dr_vault is not None else None
        self.recovery_point_tags = dict(tags)
        self.recovery_point_prefix = RECOVERY_POINT_PREFIX
        self.plan_id = plan.id
        self.selection_tag = (tag_key, tag_value)
        self.kms_key_arn = key.arn
        self.restore_testing_plan_name = rt_name
        self.dr_region = dr.region if dr.copy_backups else None
        self.role_arn = role.arn
        self.dr_provider = dr_provider
        self.register_outputs(
            {
                "environment": env,
                "dr_vault_name": self.dr_vault_name,
                "recovery_point_tags": self.recovery_point_tags,
                "recovery_point_prefix": RECOVERY_POINT_PREFIX,
                "vault_name": self.vault_name,
                "vault_arn": self.vault_arn,
                "dr_vault_arn": self.dr_vault_arn,
                "plan_id": self.plan_id,
                "selection_tag": {"key": tag_key, "value": tag_value},
                "kms_key_arn": self.kms_key_arn,
                "restore_testing_plan_name": rt_name,
                "dr_region": self.dr_region,
                "role_arn": self.role_arn,
            }
        )

    def _warn_overrides(
        self,
        name: str,
        args: ManagedBackupArgs,
        cfg: BackupConfig,
        dr: DrConfig,
        env: str,
        vault_lock: bool,
        tags: dict[str, str],
    ) -> None:
        """One warning per rule the caller's overrides break (see gcmod.components.overrides)."""
        copy = (
            [{"destinationVaultArn": "dr", "lifecycle": {"deleteAfter": dr.retention_days}}]
            if dr.copy_backups
            else []
        )
        plan = Planned(
            "aws:backup/plan:Plan",
            f"{name}-plan",
            {
                "rules": [
                    {
                        "ruleName": "daily",
                        "lifecycle": {"deleteAfter": cfg.retention_days},
                        "copyActions": copy,
                    }
                ],
                "tags": tags,
            },
        )
        if args.config is not None or args.dr is not None:
            warn_if_rejected(
                self, "GCM-BAK-001", [plan], env, "config.retention_days/dr.retention_days"
            )
        if args.dr is not None and not dr.copy_backups:
            warn_if_rejected(self, "GCM-DR-002", [plan], env, "dr.copy_backups=False")
        if args.vault_lock is not None or cfg.vault_lock is not None:
            vault = Planned("aws:backup/vault:Vault", f"{name}-vault", {"tags": tags})
            locks = (
                [
                    Planned(
                        "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
                        f"{name}-vault-lock",
                        {"backupVaultName": f"{name}-vault"},
                        dependencies=(f"{name}-vault",),
                    )
                ]
                if vault_lock
                else []
            )
            warn_if_rejected(self, "GCM-BAK-003", [vault, *locks], env, "vault_lock")


def _resolved(argument: bool | None, configured: bool | None, default: bool) -> bool:
    """The argument, else the config's value, else the environment's default."""
    if argument is not None:
        return argument
    return configured if configured is not None else default
