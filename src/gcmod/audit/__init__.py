"""Audit of deployed AWS accounts with gcmod's own rules (boto3, read-only)."""
