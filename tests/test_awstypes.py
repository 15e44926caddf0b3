"""The generated table of pulumi_aws type facts (src/gcmod/data/awstypes.json)
stays in step with the installed pulumi-aws."""

from __future__ import annotations

import importlib
import inspect
import json
from importlib import metadata, resources

from gcmod import awstypes


def test_table_is_generated_from_the_installed_pulumi_aws() -> None:
    packaged = resources.files("gcmod").joinpath("data", awstypes.TABLE).read_text("utf-8")
    fresh = awstypes.generate()
    assert fresh["pulumiAws"] == metadata.version("pulumi-aws")
    assert packaged == awstypes.dumps(fresh), (
        "src/gcmod/data/awstypes.json is stale: run python -m gcmod.awstypes --write"
    )
    assert awstypes.table_version() == metadata.version("pulumi-aws")
    assert len(json.loads(packaged)["types"]) > 1500


def test_table_agrees_with_the_sdk_classes() -> None:
    """The source-text reading gives what introspecting the classes gives (two
    small service modules, every resource class in them)."""
    checked = 0
    for package in ("scheduler", "lambda_"):
        folder = awstypes.sdk_root() / package
        for file in sorted(folder.glob("[!_]*.py")):
            mod = importlib.import_module(f"pulumi_aws.{package}.{file.stem}")
            for _name, cls in inspect.getmembers(mod, inspect.isclass):
                init = getattr(cls, "_internal_init", None)
                if init is None or cls.__module__ != mod.__name__:
                    continue
                token = awstypes._SUPER.search(inspect.getsource(cls)).group(1)
                expected = "tags" in inspect.signature(init).parameters
                assert awstypes.taggable(token) is expected, token
                checked += 1
    assert checked >= 10


def test_known_answers() -> None:
    assert awstypes.taggable("aws:ec2/vpc:Vpc") is True
    assert awstypes.taggable("aws:ec2/route:Route") is False
    assert awstypes.taggable("aws:lambda/function:Function") is True
    assert awstypes.taggable("aws:nosuch/thing:Thing") is None
    assert awstypes.taggable("pulumi:providers:aws") is None
    assert awstypes.taggable("aws") is None
