"""Managed logging: a CloudWatch log group per class, long archives in S3, no servers.

With no options, :class:`ManagedLogging` builds, from
:class:`gcmod.config.LoggingConfig` (defaults documented there):

* one log group ``<name_prefix>/<class>`` per class with that class's
  retention (application 30 days, access 90, audit 400); never "never expire";
* for each class with ``archive_days`` (by default only ``audit``, five years):
  a CloudWatch Logs subscription filter (every event) into an Amazon Data
  Firehose stream that writes to one shared, private S3 archive bucket under
  ``<class>/``, where a lifecycle rule moves objects to cheaper tiers and
  deletes them after ``archive_days``.

Decisions, with the AWS documentation facts they rest on:

* **No compression in Firehose.** CloudWatch Logs sends subscription data to
  Firehose already gzip-compressed (level 6), and the CloudWatch Logs User Guide
  says not to compress again in the stream. Firehose concatenates records
  without delimiters, so each object is a valid multi-member gzip file; objects
  get the ``.gz`` extension so tools (zcat, Athena) read them directly.
* **Buffering 900 s / 128 MiB** (the maxima for an S3 destination; AWS default
  300 s / 5 MiB): fewer, larger objects mean fewer PUT and lifecycle-transition
  requests, and more objects above the 128 KB below which S3 lifecycle does not
  transition objects by default. The archive lags by at most 15 minutes, while
  CloudWatch keeps the same events searchable for the retention period.
* **Lifecycle per class prefix**: S3 Glacier Instant Retrieval after 30 days
  (millisecond reads for recent investigations) and S3 Glacier Deep Archive
  after 180 days (the cheapest tier, 12–48 h restores), expiry at
  ``archive_days``. Each transition is kept only when the object then stays in
  the tier for its minimum billed duration (Glacier IR 90 days, Deep Archive
  180 days); otherwise the early-deletion charge would eat the saving. Standard-IA
  is not used: it cannot be entered before day 30 and is dearer than Glacier IR.
  Incomplete multipart uploads are aborted after 7 days.
* **Encryption** SSE-S3 (AES-256; no KMS request charges) on the bucket, the
  AWS-owned key on the Firehose stream (free); the bucket blocks all public
  access, disables ACLs (BucketOwnerEnforced) and denies any request not made
  over TLS.
* **Least-privilege roles**: Firehose may write only under its class's prefix;
  CloudWatch Logs may put records only into its class's stream. Both trust
  policies carry a confused-deputy condition (the account as ``sts:ExternalId``
  for Firehose, the account's log groups as ``aws:SourceArn`` for Logs).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from gcmod.components import defaults
from gcmod.components.environment import resolve_environment
from gcmod.components.overrides import Planned, warn_if_rejected
from gcmod.components.providers import invoke_options
from gcmod.components.tags import component_tags
from gcmod.config import LoggingConfig

#: Firehose buffering for the archive (maxima for an S3 destination).
FIREHOSE_BUFFER_SECONDS = 900
FIREHOSE_BUFFER_MIB = 128
#: Days in S3 Standard before Glacier Instant Retrieval, and its minimum billed days.
GLACIER_IR_AFTER_DAYS = 30
GLACIER_IR_MIN_DAYS = 90
#: Days before Glacier Deep Archive, and its minimum billed days.
DEEP_ARCHIVE_AFTER_DAYS = 180
DEEP_ARCHIVE_MIN_DAYS = 180
#: Incomplete multipart uploads are removed after this many days.
ABORT_MULTIPART_DAYS = 7
#: Every event goes to the archive.
ALL_EVENTS = ""

_LOG_GROUP_NAME = re.compile(r"^[.\-_/#A-Za-z0-9]+$")


def archive_transitions(archive_days: int) -> list[tuple[int, str]]:
    """``(days, storage class)`` transitions worth making before expiry at ``archive_days``."""
    out: list[tuple[int, str]] = []
    deep = archive_days >= DEEP_ARCHIVE_AFTER_DAYS + DEEP_ARCHIVE_MIN_DAYS
    glacier_ir_until = DEEP_ARCHIVE_AFTER_DAYS if deep else archive_days
    if glacier_ir_until - GLACIER_IR_AFTER_DAYS >= GLACIER_IR_MIN_DAYS:
        out.append((GLACIER_IR_AFTER_DAYS, "GLACIER_IR"))
    if deep:
        out.append((DEEP_ARCHIVE_AFTER_DAYS, "DEEP_ARCHIVE"))
    return out


def _trust(service: str, condition: dict) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                    "Condition": condition,
                }
            ],
        }
    )


def deny_insecure_transport_policy(bucket_arn: str) -> dict:
    """Bucket policy: refuse every request not made over TLS."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def firehose_write_policy(bucket_arn: str, prefix: str) -> dict:
    """What Firehose needs to deliver to S3 (Amazon Data Firehose Developer Guide,
    "Grant Firehose access to an Amazon S3 destination"), objects limited to ``prefix``."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Bucket",
                "Effect": "Allow",
                "Action": [
                    "s3:GetBucketLocation",
                    "s3:ListBucket",
                    "s3:ListBucketMultipartUploads",
                ],
                "Resource": bucket_arn,
            },
            {
                "Sid": "ObjectsUnderPrefix",
                "Effect": "Allow",
                "Action": ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
                "Resource": f"{bucket_arn}/{prefix}*",
            },
        ],
    }


def put_records_policy(stream_arn: str) -> dict:
    """What CloudWatch Logs needs to deliver a subscription into one Firehose stream."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
                "Resource": stream_arn,
            }
        ],
    }


def _policy_json(fn: Callable[..., dict], *args: Any) -> pulumi.Output[str]:
    """``fn(*args)`` as JSON once the (Output) arguments are known."""
    return pulumi.Output.all(*args).apply(lambda vals: json.dumps(fn(*vals)))


@dataclass(frozen=True)
class ManagedLoggingArgs:
    """Inputs of :class:`ManagedLogging`."""

    name_prefix: str | None = None
    """Log group name prefix, e.g. ``/gcmod/saas-prod``; groups are named
    ``<name_prefix>/<class>``. @default ``/<project>/<stack>``"""
    config: LoggingConfig | None = None
    """Log classes with retention and archive days. @default for the environment
    (:func:`gcmod.components.defaults.logging_config`): production application
    30 d, access 90 d, audit 400 d archived 1827 d; staging 14/30/90 d and
    development 7/14/30 d, no archive (the pack's GCM-LOG-001 maxima)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags on every taggable resource; gcmod's cost-allocation keys are added
    (:func:`gcmod.components.tags.component_tags`). @default none"""
    env: str | None = None
    """production, staging or development. @default decided by
    :func:`gcmod.components.environment.resolve_environment` (stack config, tags,
    stack name; else production)."""


def _validate(name: str, prefix: str, config: LoggingConfig) -> None:
    if not prefix or prefix.endswith("/") or not _LOG_GROUP_NAME.match(prefix):
        raise ValueError(
            f"{name}: name_prefix {prefix!r} must be a log group name prefix such as "
            "/gcmod/saas-prod (letters, digits, . - _ / #; no trailing /)"
        )
    longest = max(len(c) for c in config.classes)
    if len(prefix) + 1 + longest > 512:
        raise ValueError(f"{name}: name_prefix is too long for a 512-character log group name")


class ManagedLogging(pulumi.ComponentResource):
    """CloudWatch log groups per class, with serverless S3 archives where asked."""

    environment: str
    config: LoggingConfig
    log_groups: dict[str, aws.cloudwatch.LogGroup]
    log_group_names: dict[str, pulumi.Output[str]]
    log_group_arns: dict[str, pulumi.Output[str]]
    archive_bucket: aws.s3.Bucket | None
    archive_bucket_name: pulumi.Output[str] | None
    archive_streams: dict[str, aws.kinesis.FirehoseDeliveryStream]

    def __init__(
        self,
        name: str,
        args: ManagedLoggingArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        env = resolve_environment(args.env, args.tags).environment
        config = args.config if args.config is not None else defaults.logging_config(env)
        prefix = (
            args.name_prefix
            if args.name_prefix is not None
            else f"/{pulumi.get_project()}/{pulumi.get_stack()}"
        )
        _validate(name, prefix, config)
        super().__init__("gcmod:logging:ManagedLogging", name, None, opts)
        self.environment = env
        self.config = config
        tags = component_tags(args.tags, env)
        child = pulumi.ResourceOptions(parent=self)
        classes = config.classes
        if args.config is not None:
            warn_if_rejected(
                self,
                "GCM-LOG-001",
                [
                    Planned(
                        "aws:cloudwatch/logGroup:LogGroup",
                        f"{prefix}/{cls}",
                        {"retentionInDays": lc.retention_days, "tags": tags},
                    )
                    for cls, lc in classes.items()
                ],
                env,
                "config.classes.*.retention_days",
            )

        self.log_groups = {
            cls: aws.cloudwatch.LogGroup(
                f"{name}-{cls}",
                name=f"{prefix}/{cls}",
                retention_in_days=lc.retention_days,
                tags=tags,
                opts=child,
            )
            for cls, lc in classes.items()
        }
        self.log_group_names = {cls: g.name for cls, g in self.log_groups.items()}
        self.log_group_arns = {cls: g.arn for cls, g in self.log_groups.items()}

        archived = {
            cls: lc.archive_days for cls, lc in classes.items() if lc.archive_days is not None
        }
        self.archive_bucket = None
        self.archive_bucket_name = None
        self.archive_streams = {}
        if archived:
            self._archive(name, archived, tags, child)

        self.register_outputs(
            {
                "environment": env,
                "logGroupNames": self.log_group_names,
                "logGroupArns": self.log_group_arns,
                "archiveBucketName": self.archive_bucket_name,
                "archiveStreamArns": {c: s.arn for c, s in self.archive_streams.items()},
            }
        )

    def _archive(
        self,
        name: str,
        archived: dict[str, int],
        tags: dict[str, str],
        child: pulumi.ResourceOptions,
    ) -> None:
        """The shared archive bucket and, per class, Firehose plus subscription filter."""
        # Looked up through the component's own provider (region, account).
        region = aws.get_region(opts=invoke_options(self)).region
        account = aws.get_caller_identity(opts=invoke_options(self)).account_id

        bucket = aws.s3.Bucket(f"{name}-archive", force_destroy=False, tags=tags, opts=child)
        self.archive_bucket = bucket
        self.archive_bucket_name = bucket.bucket
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-archive",
            bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
            opts=child,
        )
        public_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-archive",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-archive",
            bucket=bucket.id,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=child,
        )
        aws.s3.BucketPolicy(
            f"{name}-archive",
            bucket=bucket.id,
            policy=_policy_json(deny_insecure_transport_policy, bucket.arn),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_block]),
        )
        rules: list[dict] = [
            {
                "id": "abort-incomplete-multipart-uploads",
                "status": "Enabled",
                "filter": {},
                "abort_incomplete_multipart_upload": {
                    "days_after_initiation": ABORT_MULTIPART_DAYS
                },
            }
        ]
        for cls, days in archived.items():
            rules.append(
                {
                    "id": f"archive-{cls}",
                    "status": "Enabled",
                    "filter": {"prefix": f"{cls}/"},
                    "transitions": [
                        {"days": d, "storage_class": sc} for d, sc in archive_transitions(days)
                    ],
                    "expiration": {"days": days},
                }
            )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-archive", bucket=bucket.id, rules=rules, opts=child
        )

        for cls in archived:
            self.archive_streams[cls] = self._archive_class(
                name, cls, bucket, region, account, tags, child
            )

    def _archive_class(
        self,
        name: str,
        cls: str,
        bucket: aws.s3.Bucket,
        region: str,
        account: str,
        tags: dict[str, str],
        child: pulumi.ResourceOptions,
    ) -> aws.kinesis.FirehoseDeliveryStream:
        """Firehose stream into ``<cls>/`` and the subscription filter feeding it."""
        prefix = f"{cls}/"
        firehose_role = aws.iam.Role(
            f"{name}-{cls}-firehose",
            description=f"Firehose writes the {cls} log archive under {prefix}",
            assume_role_policy=_trust(
                "firehose.amazonaws.com", {"StringEquals": {"sts:ExternalId": account}}
            ),
            tags=tags,
            opts=child,
        )
        firehose_policy = aws.iam.RolePolicy(
            f"{name}-{cls}-firehose",
            role=firehose_role.id,
            policy=_policy_json(firehose_write_policy, bucket.arn, prefix),
            opts=child,
        )
        stream = aws.kinesis.FirehoseDeliveryStream(
            f"{name}-{cls}",
            destination="extended_s3",
            extended_s3_configuration={
                "bucket_arn": bucket.arn,
                "role_arn": firehose_role.arn,
                "prefix": prefix,
                "error_output_prefix": f"{prefix}errors/",
                # Records arrive gzip-compressed from CloudWatch Logs.
                "compression_format": "UNCOMPRESSED",
                "file_extension": ".gz",
                "buffering_interval": FIREHOSE_BUFFER_SECONDS,
                "buffering_size": FIREHOSE_BUFFER_MIB,
            },
            server_side_encryption={"enabled": True, "key_type": "AWS_OWNED_CMK"},
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[firehose_policy]),
        )

        logs_role = aws.iam.Role(
            f"{name}-{cls}-subscription",
            description=f"CloudWatch Logs sends the {cls} log group to its archive stream",
            assume_role_policy=_trust(
                f"logs.{region}.amazonaws.com",
                {"StringLike": {"aws:SourceArn": f"arn:aws:logs:{region}:{account}:*"}},
            ),
            tags=tags,
            opts=child,
        )
        logs_policy = aws.iam.RolePolicy(
            f"{name}-{cls}-subscription",
            role=logs_role.id,
            policy=_policy_json(put_records_policy, stream.arn),
            opts=child,
        )
        aws.cloudwatch.LogSubscriptionFilter(
            f"{name}-{cls}-archive",
            log_group=self.log_groups[cls].name,
            filter_pattern=ALL_EVENTS,
            destination_arn=stream.arn,
            role_arn=logs_role.arn,
            # CloudWatch Logs test-delivers on creation: the role must be ready.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs_policy]),
        )
        return stream
