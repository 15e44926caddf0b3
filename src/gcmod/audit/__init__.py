"""Audit of deployed AWS accounts with gcmod's own rules (boto3, read-only)."""

# The audit runs the rules without the Pulumi SDK: load pulumi_policy's plain-Python
# unknown-value proxy on its own before any module (rules, evidence, pricers)
# imports it, so `from pulumi_policy.proxy import ...` does not import the SDK.
from gcmod.audit.evaluate import load_unknown_proxy as _load_unknown_proxy

_load_unknown_proxy()
