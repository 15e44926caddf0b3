"""A demo estate for ``gcmod audit --demo``: seeded into moto, never into AWS.

Two things side by side in one fake account:

* a **lift-and-shift** estate, per municipality: m4.xlarge application servers
  on 2,000 GB gp2 volumes with IMDSv1, a Multi-AZ unencrypted PostgreSQL on
  db.m4.large, a self-built backup server and a Zabbix monitor, log groups that
  never expire, a versioned S3 log bucket without lifecycle or public access
  block, an x86 Lambda export job whose log group AWS will make (never
  expiring), a development DynamoDB table with provisioned capacity, a NAT
  gateway per AZ, a warm standby (EC2 + RDS read replica) in Osaka, and AWS
  Backup opted out of RDS in Tokyo (the self-built backup server "does it");
* **one modern environment**: an ECS Fargate service with autoscaling, an
  encrypted Aurora Serverless v2 cluster with deletion protection, log groups
  with retention, an AWS Backup vault (rotating KMS key, vault lock) and plan
  copying to an Osaka vault, an EventBridge Scheduler group with schedules, and
  gcmod's cost-allocation tags everywhere.

:func:`seed_demo` takes a boto3 session (e.g. inside ``moto.mock_aws``) or the
URL of a moto server on loopback; it refuses any other endpoint. moto lacks AWS
Backup's region settings: in-process, :func:`gcmod.audit.motoext.install` adds
them; a server must be started with ``python -m gcmod.audit.motoext``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from gcmod.reference import DR_REGION

MUNICIPALITIES = ("minato", "kita")
MODERN = "saas"
#: gcmod's cost-allocation tags on the modern environment.
MODERN_TAGS = {
    "gcmod:system": "juki",
    "gcmod:environment": "production",
    "gcmod:tenant": "shared",
}
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: An Amazon Linux 2 image from moto's default AMI list (present in every region);
#: a fixed id keeps the demo deterministic and spares a slow DescribeImages.
DEMO_AMI = "ami-04681a1dbd79675a5"
_FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def _tag_list(tags: dict[str, str], key: str = "Key", value: str = "Value") -> list[dict]:
    return [{key: k, value: v} for k, v in tags.items()]


def demo_session(session_or_endpoint: Any, home_region: str) -> tuple[Any, str | None]:
    """(boto3 session, endpoint URL or None) for a session or a loopback moto URL."""
    if not isinstance(session_or_endpoint, str):
        return session_or_endpoint, None
    host = urlparse(session_or_endpoint).hostname
    if host not in _LOOPBACK:
        raise ValueError(f"the demo only seeds a local moto server, not {session_or_endpoint}")
    import boto3

    return boto3.Session(region_name=home_region, **_FAKE_CREDENTIALS), session_or_endpoint


def _factory(session: Any, endpoint: str | None) -> Callable[[str, str], Any]:
    cache: dict[tuple[str, str], Any] = {}

    def client(service: str, region: str) -> Any:
        if (service, region) not in cache:
            kw = {"endpoint_url": endpoint} if endpoint else {}
            cache[service, region] = session.client(service, region_name=region, **kw)
        return cache[service, region]

    return client


def _network(ec2: Any, region: str, name: str, tags: dict[str, str]) -> dict[str, Any]:
    vpc = ec2.create_vpc(
        CidrBlock="10.0.0.0/16",
        TagSpecifications=[
            {"ResourceType": "vpc", "Tags": _tag_list({**tags, "Name": f"{name}-vpc"})}
        ],
    )["Vpc"]["VpcId"]
    subnets = []
    for i, az in enumerate(("a", "c") if region == "ap-northeast-1" else ("a", "b")):
        subnets.append(
            ec2.create_subnet(
                VpcId=vpc,
                CidrBlock=f"10.0.{i}.0/24",
                AvailabilityZone=f"{region}{az}",
                TagSpecifications=[
                    {
                        "ResourceType": "subnet",
                        "Tags": _tag_list({**tags, "Name": f"{name}-subnet-{az}"}),
                    }
                ],
            )["Subnet"]["SubnetId"]
        )
    return {"vpc": vpc, "subnets": subnets}


def _server(ec2: Any, ami: str, subnet: str, name: str, tags: dict[str, str], gb: int = 100) -> str:
    """A lift-and-shift server: m4.xlarge, gp2, IMDSv1 allowed, unencrypted."""
    return ec2.run_instances(
        ImageId=ami,
        MinCount=1,
        MaxCount=1,
        InstanceType="m4.xlarge",
        SubnetId=subnet,
        MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
        BlockDeviceMappings=[
            {
                "DeviceName": "/dev/xvda",
                "Ebs": {"VolumeSize": gb, "VolumeType": "gp2", "Encrypted": False},
            }
        ],
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": _tag_list({**tags, "Name": name})},
            {"ResourceType": "volume", "Tags": _tag_list({**tags, "Name": f"{name}-root"})},
        ],
    )["Instances"][0]["InstanceId"]


def _zip(files: dict[str, str]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


#: The demo function's code (never run: moto only stores it).
_LAMBDA_ZIP = _zip({"export.py": "def handler(event, context):\n    return 'ok'\n"})
_LAMBDA_ROLE = "gcmod-demo-lambda"


def _lambda_role(client: Callable[[str, str], Any], home: str) -> str:
    """The demo functions' execution role (IAM is global: made once)."""
    iam = client("iam", home)
    try:
        return iam.get_role(RoleName=_LAMBDA_ROLE)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        return iam.create_role(RoleName=_LAMBDA_ROLE, AssumeRolePolicyDocument=json.dumps(trust))[
            "Role"
        ]["Arn"]


def _lift_and_shift(client: Callable[[str, str], Any], home: str, m: str) -> dict[str, Any]:
    tags = {"Name": f"{m}-juki", "Municipality": m, "Environment": "production"}
    ec2 = client("ec2", home)
    ami = DEMO_AMI
    net = _network(ec2, home, m, tags)
    out: dict[str, Any] = {"vpc": net["vpc"]}
    out["app_servers"] = [
        _server(ec2, ami, net["subnets"][i % 2], f"{m}-app-{i + 1}", tags, gb=2000)
        for i in range(2)
    ]
    out["backup_server"] = _server(ec2, ami, net["subnets"][0], f"{m}-backup-server", tags)
    out["monitor"] = _server(ec2, ami, net["subnets"][0], f"{m}-zabbix-monitor", tags)
    nat_tags = {**tags, "Environment": "development"}
    out["nat_gateways"] = []
    for i, subnet in enumerate(net["subnets"]):
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        out["nat_gateways"].append(
            ec2.create_nat_gateway(
                SubnetId=subnet,
                AllocationId=eip,
                TagSpecifications=[
                    {
                        "ResourceType": "natgateway",
                        "Tags": _tag_list({**nat_tags, "Name": f"{m}-nat-{i + 1}"}),
                    }
                ],
            )["NatGateway"]["NatGatewayId"]
        )
    rds = client("rds", home)
    db = f"{m}-juki-db"
    primary = rds.create_db_instance(
        DBInstanceIdentifier=db,
        DBInstanceClass="db.m4.large",
        Engine="postgres",
        EngineVersion="13.7",
        AllocatedStorage=2000,
        StorageType="gp2",
        MultiAZ=True,
        StorageEncrypted=False,
        MasterUsername="juki",
        MasterUserPassword="demo-password-1",
        Tags=_tag_list(tags),
    )["DBInstance"]
    out["db"] = db
    logs = client("logs", home)
    out["log_groups"] = [f"/{m}/juki/app", f"/{m}/juki/syslog"]
    for name in out["log_groups"]:
        logs.create_log_group(logGroupName=name, tags=tags)
    s3 = client("s3", home)
    out["log_bucket"] = f"gcmod-demo-{m}-logs"
    s3.create_bucket(
        Bucket=out["log_bucket"], CreateBucketConfiguration={"LocationConstraint": home}
    )
    s3.put_bucket_tagging(Bucket=out["log_bucket"], Tagging={"TagSet": _tag_list(tags)})
    # Versioned "to be safe", with no rule expiring the old versions (GCM-STO-004).
    s3.put_bucket_versioning(
        Bucket=out["log_bucket"], VersioningConfiguration={"Status": "Enabled"}
    )
    # A nightly CSV export on Lambda's default x86_64, no log group of its own
    # (GCM-COST-002, GCM-LOG-002), and a development session table provisioned
    # like production (GCM-COST-007).
    out["function"] = f"{m}-juki-csv-export"
    client("lambda", home).create_function(
        FunctionName=out["function"],
        Runtime="python3.12",
        Role=_lambda_role(client, home),
        Handler="export.handler",
        Code={"ZipFile": _LAMBDA_ZIP},
        MemorySize=3008,
        Timeout=900,
        Tags=tags,
    )
    out["table"] = f"{m}-juki-sessions-dev"
    client("dynamodb", home).create_table(
        TableName=out["table"],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 100, "WriteCapacityUnits": 100},
        Tags=_tag_list({**tags, "Environment": "development"}),
    )
    # Warm standby in Osaka (構成B): a server and a cross-region read replica.
    dr_tags = {**tags, "Name": f"{m}-juki-dr"}
    dr_ec2 = client("ec2", DR_REGION)
    dr_net = _network(dr_ec2, DR_REGION, f"{m}-dr", dr_tags)
    out["standby_server"] = _server(
        dr_ec2, DEMO_AMI, dr_net["subnets"][0], f"{m}-app-standby", dr_tags
    )
    out["standby_db"] = f"{m}-juki-db-standby"
    client("rds", DR_REGION).create_db_instance_read_replica(
        DBInstanceIdentifier=out["standby_db"],
        SourceDBInstanceIdentifier=primary["DBInstanceArn"],
        DBInstanceClass="db.m4.large",
        SourceRegion=home,
        Tags=_tag_list(dr_tags),
    )
    return out


def _modern(client: Callable[[str, str], Any], home: str, account: str) -> dict[str, Any]:
    tags = dict(MODERN_TAGS)
    out: dict[str, Any] = {}
    ec2 = client("ec2", home)
    net = _network(ec2, home, MODERN, tags)
    sg = ec2.create_security_group(
        GroupName=f"{MODERN}-app", Description="app tasks", VpcId=net["vpc"]
    )["GroupId"]
    # ECS Fargate (Graviton) service with target tracking autoscaling.
    ecs = client("ecs", home)
    cluster = f"{MODERN}-cluster"
    ecs.create_cluster(
        clusterName=cluster,
        tags=_tag_list(tags, "key", "value"),
        settings=[{"name": "containerInsights", "value": "enabled"}],
    )
    td = ecs.register_task_definition(
        family=f"{MODERN}-app",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="512",
        memory="1024",
        runtimePlatform={"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"},
        executionRoleArn=f"arn:aws:iam::{account}:role/{MODERN}-exec",
        containerDefinitions=[
            {"name": "app", "image": "public.ecr.aws/nginx/nginx:stable", "essential": True}
        ],
        tags=_tag_list(tags, "key", "value"),
    )["taskDefinition"]["taskDefinitionArn"]
    service = f"{MODERN}-app"
    ecs.create_service(
        cluster=cluster,
        serviceName=service,
        taskDefinition=td,
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": net["subnets"],
                "securityGroups": [sg],
                "assignPublicIp": "DISABLED",
            }
        },
        tags=_tag_list(tags, "key", "value"),
    )
    aas = client("application-autoscaling", home)
    rid = f"service/{cluster}/{service}"
    aas.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=rid,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=4,
    )
    aas.put_scaling_policy(
        PolicyName=f"{MODERN}-app-cpu",
        ServiceNamespace="ecs",
        ResourceId=rid,
        ScalableDimension="ecs:service:DesiredCount",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 60.0,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
            },
        },
    )
    out.update(cluster=cluster, service=service, task_definition=td)
    # Aurora Serverless v2, encrypted, deletion-protected.
    rds = client("rds", home)
    aurora = f"{MODERN}-aurora"
    rds.create_db_cluster(
        DBClusterIdentifier=aurora,
        Engine="aurora-postgresql",
        EngineVersion="15.4",
        MasterUsername="app",
        MasterUserPassword="demo-password-1",
        StorageEncrypted=True,
        DeletionProtection=True,
        BackupRetentionPeriod=7,
        ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 4.0},
        Tags=_tag_list(tags),
    )
    rds.create_db_instance(
        DBInstanceIdentifier=f"{aurora}-1",
        DBClusterIdentifier=aurora,
        DBInstanceClass="db.serverless",
        Engine="aurora-postgresql",
        Tags=_tag_list(tags),
    )
    out["aurora"] = aurora
    logs = client("logs", home)
    out["log_groups"] = [f"/{MODERN}/app", f"/{MODERN}/audit"]
    for name in out["log_groups"]:
        logs.create_log_group(logGroupName=name, tags=tags)
        logs.put_retention_policy(logGroupName=name, retentionInDays=365)
    # AWS Backup: a customer-key vault with a lock, a plan copying to Osaka.
    key = client("kms", home).create_key(
        Description=f"{MODERN} backup", Tags=_tag_list(tags, "TagKey", "TagValue")
    )["KeyMetadata"]["Arn"]
    client("kms", home).enable_key_rotation(KeyId=key)  # GCM-SEC-031
    backup = client("backup", home)
    vault = f"{MODERN}-vault"
    backup.create_backup_vault(BackupVaultName=vault, EncryptionKeyArn=key, BackupVaultTags=tags)
    backup.put_backup_vault_lock_configuration(
        BackupVaultName=vault, MinRetentionDays=7, MaxRetentionDays=400
    )
    dr_key = client("kms", DR_REGION).create_key(
        Description=f"{MODERN} backup (DR)", Tags=_tag_list(tags, "TagKey", "TagValue")
    )["KeyMetadata"]["Arn"]
    client("kms", DR_REGION).enable_key_rotation(KeyId=dr_key)
    dr_backup = client("backup", DR_REGION)
    dr_vault = dr_backup.create_backup_vault(
        BackupVaultName=f"{MODERN}-dr-vault", EncryptionKeyArn=dr_key, BackupVaultTags=tags
    )["BackupVaultArn"]
    dr_backup.put_backup_vault_lock_configuration(
        BackupVaultName=f"{MODERN}-dr-vault", MinRetentionDays=7, MaxRetentionDays=400
    )
    plan = backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": f"{MODERN}-daily",
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": vault,
                    "ScheduleExpression": "cron(0 17 * * ? *)",
                    "Lifecycle": {"DeleteAfterDays": 35},
                    "CopyActions": [
                        {
                            "DestinationBackupVaultArn": dr_vault,
                            "Lifecycle": {"DeleteAfterDays": 35},
                        }
                    ],
                }
            ],
        },
        BackupPlanTags=tags,
    )
    out.update(vault=vault, dr_vault=dr_vault, plan=plan["BackupPlanArn"])
    # EventBridge Scheduler: office-hours start/stop of the ECS service.
    scheduler = client("scheduler", home)
    group = f"{MODERN}-office-hours"
    scheduler.create_schedule_group(
        Name=group, Tags=_tag_list({**tags, "gcmod:schedule-horizon-end": "2027-03-31"})
    )
    role = f"arn:aws:iam::{account}:role/{MODERN}-scheduler"
    for name, cron in (("start", "cron(0 8 ? * MON-FRI *)"), ("stop", "cron(0 20 ? * MON-FRI *)")):
        scheduler.create_schedule(
            Name=f"{MODERN}-{name}",
            GroupName=group,
            ScheduleExpression=cron,
            ScheduleExpressionTimezone="Asia/Tokyo",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={
                "Arn": "arn:aws:scheduler:::aws-sdk:ecs:updateService",
                "RoleArn": role,
                "Input": json.dumps(
                    {
                        "Cluster": cluster,
                        "Service": service,
                        "DesiredCount": 2 if name == "start" else 0,
                    }
                ),
            },
        )
    out["schedule_group"] = group
    # Log archive bucket: lifecycle and public access block.
    s3 = client("s3", home)
    bucket = f"gcmod-demo-{MODERN}-log-archive"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": home})
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": _tag_list(tags)})
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "archive",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Transitions": [{"Days": 30, "StorageClass": "GLACIER_IR"}],
                    "Expiration": {"Days": 400},
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    out["bucket"] = bucket
    return out


def municipality_names(n: int) -> tuple[str, ...]:
    """``n`` municipality names for a larger demo estate (the benchmark's 40)."""
    return tuple(MUNICIPALITIES[:n]) + tuple(f"town{i:02d}" for i in range(len(MUNICIPALITIES), n))


def seed_demo(
    session_or_endpoint: Any,
    home_region: str = "ap-northeast-1",
    municipalities: tuple[str, ...] = MUNICIPALITIES,
) -> dict[str, Any]:
    """Create the demo estate in moto and say what was created (names and ids).

    ``session_or_endpoint`` is a boto3 session already pointed at moto (e.g.
    inside ``mock_aws``) or a loopback moto server URL. Deterministic: the same
    names every run (moto's generated ids aside). ``municipalities`` names the
    lift-and-shift estates (:func:`municipality_names` for many)."""
    session, endpoint = demo_session(session_or_endpoint, home_region)
    client = _factory(session, endpoint)
    account = client("sts", home_region).get_caller_identity()["Account"]
    if endpoint is None:
        from gcmod.audit import motoext

        motoext.install()
    # The lift-and-shift side backs its databases up with its own server, and
    # someone opted RDS out of AWS Backup in Tokyo (GCM-BAK-004).
    client("backup", home_region).update_region_settings(ResourceTypeOptInPreference={"RDS": False})
    return {
        "account": account,
        "home_region": home_region,
        "dr_region": DR_REGION,
        "municipalities": {m: _lift_and_shift(client, home_region, m) for m in municipalities},
        "modern": _modern(client, home_region, account),
    }
