"""Find English a Japanese reader would meet untranslated in a page or a text.

Data is not text to translate: ids, names, ARNs, regions, code and anything a
report marks ``translate="no"`` (the HTML attribute for exactly this) are skipped,
and so are the names of AWS services, units and the product's own names.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import ClassVar

#: Proper names and units that Japanese text writes in Latin letters.
ALLOWED = {
    # AWS and its services, features and resource kinds
    "aws", "amazon", "ec2", "ebs", "rds", "ecs", "ecr", "efs", "fargate", "aurora", "serverless",
    "postgresql", "mysql", "nat", "vpc", "alb", "nlb", "elb", "kms", "iam", "cloudwatch", "logs",
    "backup", "eventbridge", "scheduler", "graviton", "lambda", "dynamodb", "elasticache",
    "route", "vpn", "transit", "gateway", "savings", "plans", "imds", "imdsv", "gp", "arm",
    "arn", "tls", "http", "https", "acm", "sns", "sqs", "waf", "cloudfront", "organizations",
    "vault", "lock", "price", "list", "api", "cidr", "lgwan", "multi", "az", "zabbix",
    "managed", "service", "prometheus", "grafana", "instance", "application",
    "load", "balancer", "balancing", "elastic", "systems", "manager", "quotas", "auto",
    "scaling", "security", "hub", "data", "lifecycle", "network", "database", "python",
    "markdown", "web", "cron", "excel", "firehose",
    "compute", "secrets", "secretsmanager", "ssm", "direct", "connect", "postgres", "budgets",
    # operating systems
    "linux", "windows",
    # API and configuration values quoted in messages (httpTokens, lifecycle, grades)
    "optional", "required", "encrypted", "expiration", "transition", "standard", "high",
    "shared", "tags", "enabled", "disabled",
    # product, formats, standards
    "gcmod", "pulumi", "crossguard", "saas", "iaas", "json", "sarif", "html", "csv", "xlsx",
    "yaml", "iso", "utc", "jst", "wcag", "okabe", "ito", "github", "moto",
    # units and currencies
    "usd", "jpy", "cpu", "vcpu", "gib", "gb", "tb", "mib", "iops", "acu", "ms", "rpo", "rto",
}  # fmt: skip

_WORD = re.compile(r"-{0,2}<?[A-Za-z_][A-Za-z0-9_]*>?(?:[-.:/<>]+[A-Za-z0-9_*]+>?)*")
_VALUES = {"true", "false", "null", "none"}


def _is_data(word: str) -> bool:
    """An identifier, not a word: ids, versions, keys, paths, camelCase property names."""
    return (
        any(c.isdigit() or c in "-.:/_<>" for c in word)
        or any(c.isupper() for c in word[1:])  # camelCase / PascalCase
        or word.isupper()  # acronyms
        or word.lower() in _VALUES
    )


def leaks(text: str, data: set[str] = frozenset()) -> list[str]:
    """Latin words of ``text`` that are neither allowed names nor data-like tokens;
    ``data``: words the page itself shows as data (names), also skipped."""
    out = []
    text = re.sub(r"`+[^`]*`+", " ", text)  # code spans are data
    for m in _WORD.finditer(text):
        word = m.group()
        if len(word) <= 2 or _is_data(word) or word.lower() in ALLOWED or word in data:
            continue
        out.append(word)
    return out


class _Visible(HTMLParser):
    SKIP: ClassVar[set[str]] = {"style", "script", "code", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is it skipped?
        self.text: list[str] = []
        self.data: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("meta", "link", "br", "img", "input", "hr", "rect", "path", "line", "circle"):
            return
        skip = tag in self.SKIP or dict(attrs).get("translate") == "no"
        self.stack.append(skip or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.text.append(data)
        else:
            self.data.update(re.split(r"[\s:/._-]+", data))


def page_leaks(html: str, data: set[str] = frozenset()) -> list[str]:
    """English words a reader sees in ``html`` outside data marked ``translate="no"``
    (and outside ``data``, e.g. gcmod's command names)."""
    parser = _Visible()
    parser.feed(html)
    return leaks(" ".join(parser.text), parser.data | set(data))
