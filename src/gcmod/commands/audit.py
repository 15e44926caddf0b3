"""``gcmod audit``: audit deployed AWS accounts with the same rules (read-only)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gcmod.clihelp import LocalizedGroup
from gcmod.commands.common import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    UsageProblem,
    baseline_options,
    drop_baselined,
    echo_json,
    echo_text,
    fail,
    handle_errors,
    html_option,
    policy_config_option,
    report_lang_option,
    wide_option,
    write_findings_baseline,
)
from gcmod.i18n import report_lang, terminal_lang
from gcmod.reference import GOV_REGIONS

if TYPE_CHECKING:
    from gcmod.audit.runner import AuditResult
    from gcmod.progress import Step

REGIONS = GOV_REGIONS


@click.group(cls=LocalizedGroup, invoke_without_command=True)
@click.option("--demo", is_flag=True, help="Audit a demo estate in an embedded moto (no AWS).")
@click.option(
    "--region",
    "regions",
    multiple=True,
    type=click.Choice(REGIONS),
    help="Regions to read (default: both). The first is the home region.",
)
@click.option("--profile", default=None, help="AWS profile of the credentials to use.")
@click.option(
    "--endpoint-url",
    default=None,
    metavar="URL",
    help="Send every AWS call to URL (a proxy, a moto_server). Default: the endpoints "
    "botocore is configured with (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), else AWS.",
)
@click.option(
    "--organization",
    "org_role",
    metavar="ROLE",
    help="Audit every active account of the AWS Organization, assuming ROLE "
    "(a read-only role, see `gcmod audit iam-policy`) in each.",
)
@click.option(
    "--concurrency",
    default=4,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Collectors run at once.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--sarif", "as_sarif", is_flag=True, help="Print SARIF 2.1.0.")
@wide_option
@html_option("Also write an HTML report to this file.")
@policy_config_option
@baseline_options("rule + resource ARN or id")
@report_lang_option
@click.pass_context
@handle_errors
def audit(
    ctx: click.Context,
    demo: bool,
    regions: tuple[str, ...],
    profile: str | None,
    endpoint_url: str | None,
    org_role: str | None,
    concurrency: int,
    as_json: bool,
    as_sarif: bool,
    html_path: Path | None,
    config_file: Path | None,
    baseline_file: Path | None,
    write_baseline_file: Path | None,
    lang: str | None,
) -> None:
    """Audit deployed AWS accounts with the same rules (read-only).

    デプロイ済み AWS アカウントを同じルールで監査します (読み取り専用).

    \b
    Only Describe/List/Get calls are made: a hook refuses anything else.
    Each finding carries the monthly saving of its fix (list prices, method named).
    Exit codes: 0 complete, no mandatory finding; 1 mandatory findings (complete
    or not); 2 usage error; 3 incomplete (a service, region or account could not
    be read, or the endpoint could not be reached) with no mandatory finding.
    """
    if ctx.invoked_subcommand is not None:
        return
    from gcmod.audit import report as render
    from gcmod.policies.harness import load_pack_config

    if as_json and as_sarif:
        raise UsageProblem("choose one of --json and --sarif")
    if demo and (profile or org_role or endpoint_url):
        raise UsageProblem(
            "--demo audits the embedded demo estate: drop --profile/--organization/--endpoint-url"
        )
    if endpoint_url is not None:
        _check_endpoint(endpoint_url)
    pack_config = load_pack_config(config_file) if config_file else None
    if pack_config is not None:  # refused before anything is collected, naming the file
        from gcmod.audit.evaluate import audit_rules
        from gcmod.policies.harness import normalize_pack_config

        normalize_pack_config(pack_config, audit_rules(), str(config_file))
    from gcmod.progress import counted

    regions = regions or REGIONS
    with counted("auditing", "監査中", lang=terminal_lang(lang)) as progress:
        if demo:
            result = audit_demo(regions, concurrency, pack_config, quiet=as_json or as_sarif,
                                progress=progress)  # fmt: skip
        else:
            result = audit_live(regions, profile, org_role, endpoint_url, concurrency,
                                pack_config, progress)  # fmt: skip
    if write_baseline_file is not None or baseline_file is not None:
        _audit_baseline(result, baseline_file, write_baseline_file)
    if html_path is not None:
        from gcmod.safewrite import write_file

        write_file(html_path, render.html_report(result, report_lang(lang)))
        click.echo(f"wrote {html_path}", err=True)
    if as_json:
        echo_json(render.to_json(result))
    elif as_sarif:
        echo_json(render.to_sarif(result, terminal_lang(lang)))
    else:
        echo_text(render.table(result, terminal_lang(lang)))
    sys.exit(result.exit_code)


def _audit_baseline(result: Any, baseline_file: Path | None, write_to: Path | None) -> None:
    """``--write-baseline`` (write, exit 0) or ``--baseline`` (drop known findings).
    Waived findings (``gcmod:waive`` tags on the deployed resources) are not
    written: their waivers keep them."""
    from gcmod.audit.report import finding_fingerprints
    from gcmod.policies.baseline import Entry

    prints = finding_fingerprints(result)
    if write_to is not None:
        entries = [
            Entry(prints[id(f)], f.violation.rule.id, f.violation.urn, f.violation.message.en)
            for f in result.findings
            if not f.violation.waived
        ]
        subject = ",".join(a.account_id for a in result.accounts)
        write_findings_baseline(write_to, "audit", subject, entries)
        sys.exit(EXIT_OK)
    dropped = 0
    for acct in result.accounts:
        acct.findings, n = drop_baselined("audit", acct.findings, lambda f: prints[id(f)],
                                          baseline_file)  # fmt: skip
        dropped += n
    click.echo(f"baseline / ベースライン: {baseline_file}: {dropped} known finding(s) not "
               "shown / 既知の指摘は表示しません", err=True)  # fmt: skip


def _check_endpoint(url: str) -> None:
    """Refuse an ``--endpoint-url`` that is not an http(s) URL with a host."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageProblem(
            f"--endpoint-url {url!r}: not a URL; give http(s)://host[:port] "
            "(例: http://127.0.0.1:5000)"
        )


def audit_live(
    regions: tuple[str, ...],
    profile: str | None,
    org_role: str | None,
    endpoint_url: str | None,
    concurrency: int,
    pack_config: Any,
    progress: Step | None = None,
) -> AuditResult:
    """Audit the account of ``profile`` (or every account of the organization,
    assuming ``org_role``); ``progress(done, total, label)`` after each collector."""
    import boto3
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectTimeoutError,
        EndpointConnectionError,
    )

    from gcmod.audit.runner import run_audit
    from gcmod.audit.scope import organization_scope, single_account_scope

    try:
        session = boto3.Session(profile_name=profile, region_name=regions[0])
        scope = (
            organization_scope(session, org_role, regions, regions[0], endpoint_url=endpoint_url)
            if org_role
            else single_account_scope(session, regions, regions[0], endpoint_url=endpoint_url)
        )
    except (EndpointConnectionError, ConnectTimeoutError) as exc:
        fail(
            f"監査を開始できません: エンドポイントに接続できません / cannot start the audit: "
            f"the endpoint cannot be reached ({exc}); nothing was read (incomplete)",
            EXIT_INCOMPLETE,
        )
    except (BotoCoreError, ClientError) as exc:
        raise UsageProblem(f"cannot start the audit: {exc}") from None
    return run_audit(scope, concurrency=concurrency, progress=progress,
                     policy_config=pack_config, endpoint_url=endpoint_url)  # fmt: skip


def audit_demo(
    regions: tuple[str, ...],
    concurrency: int,
    pack_config: Any,
    *,
    quiet: bool = False,
    progress: Step | None = None,
) -> AuditResult:
    """Audit the demo estate in an embedded moto (``quiet``: no note on stderr that
    it is being seeded); ``progress(done, total, label)`` after each collector."""
    import os

    try:
        from moto import mock_aws
    except ImportError:
        raise UsageProblem(
            "the demo needs moto: pip install 'gcmod[demo]' (or moto[server])"
        ) from None
    from unittest import mock

    import boto3

    from gcmod.audit.demo import seed_demo
    from gcmod.audit.runner import run_audit
    from gcmod.audit.scope import single_account_scope

    # The demo never leaves this process: fake credentials, no metadata service,
    # no configured endpoint (AWS_ENDPOINT_URL*, a profile's endpoint_url: moto
    # only answers for AWS's own hosts), and the environment is restored afterwards.
    fake = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
    }
    with mock.patch.dict(os.environ, fake), mock_aws():
        for key in [k for k in os.environ if k.startswith(("AWS_PROFILE", "AWS_ENDPOINT_URL"))]:
            os.environ.pop(key)
        session = boto3.Session(region_name=regions[0])
        if not quiet:
            click.echo("デモ環境を組み込みの moto に作成中 / seeding the demo estate in an "
                       "embedded moto ...", err=True)  # fmt: skip
        seed_demo(session, regions[0])
        scope = single_account_scope(session, regions, regions[0])
        return run_audit(scope, concurrency=concurrency, progress=progress,
                         policy_config=pack_config)  # fmt: skip


@audit.command("iam-policy")
@click.option(
    "--member", is_flag=True, help="For member accounts: leave out organizations:ListAccounts."
)
def audit_iam_policy(member: bool) -> None:
    """Print the least-privilege IAM policy for the audit role (JSON).

    Generated from the actions each collector declares; every action is a read.
    """
    from gcmod.audit.iampolicy import audit_policy_document

    echo_json(audit_policy_document(management=not member))
