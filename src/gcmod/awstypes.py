"""Facts about pulumi_aws resource types, read from the installed SDK."""

from __future__ import annotations

import importlib
import inspect
from functools import cache


@cache
def taggable(type_token: str) -> bool | None:
    """Whether the pulumi_aws resource behind ``type_token`` accepts ``tags``;
    None when the type is not a pulumi_aws resource this process can find.

    ``aws:ec2/vpc:Vpc`` -> ``pulumi_aws.ec2.Vpc``; ``aws:index/x:X`` ->
    ``pulumi_aws.X``; the ``lambda`` module is ``pulumi_aws.lambda_``.
    """
    pkg, _, rest = type_token.partition(":")
    module, _, cls_name = rest.partition(":")
    if pkg != "aws" or not module or not cls_name:
        return None
    mod_name = module.split("/")[0]
    candidates = ["pulumi_aws"] if mod_name == "index" else [f"pulumi_aws.{mod_name}"]
    candidates.append(f"pulumi_aws.{mod_name}_")
    for path in candidates:
        try:
            mod = importlib.import_module(path)
        except ImportError:
            continue
        cls = getattr(mod, cls_name, None)
        if not inspect.isclass(cls):
            continue
        init = getattr(cls, "_internal_init", None)
        if init is not None:
            try:
                return "tags" in inspect.signature(init).parameters
            except (TypeError, ValueError):
                pass
        args_cls = getattr(mod, f"{cls_name}Args", None)
        if inspect.isclass(args_cls):
            return hasattr(args_cls, "tags")
    return None
