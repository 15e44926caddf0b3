"""The AWS provider a component works through, and its copy for another region.

Every child of a gcmod component is created with ``parent=self`` and so inherits
the provider the caller chose (``opts.provider``, ``opts.providers`` or the
parent's); data-source lookups get :func:`invoke_options` for the same reason.

The DR region needs a second provider with the *same* settings (assumed role,
profile, default tags, ...) and only the region changed. A provider's inputs
cannot be read back from a Pulumi program, so gcmod keeps them when it is
created: importing this module wraps ``pulumi_aws.Provider``'s initialiser to
remember the keyword arguments of each provider object (in memory, weakly
keyed; nothing else changes). For the default provider the settings are the
stack's ``aws:*`` config. A provider gcmod did not see created (made before any
gcmod component module was imported, or read with ``Provider.get``) has no
known settings: pass the DR provider yourself (``dr_provider``).
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import weakref
from typing import Any

import pulumi
import pulumi_aws as aws

_SETTINGS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
#: Stack config keys of the aws namespace that are not provider settings.
_NOT_SETTINGS = frozenset({"region"})


def _install() -> None:
    """Record the keyword arguments of every ``aws.Provider`` created from now on."""
    init = aws.Provider._internal_init
    if getattr(init, "_gcmod_records", False):
        return

    @functools.wraps(init)
    def recording(self: Any, resource_name: str, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("__props__") is None:
            _SETTINGS[self] = {
                k: v for k, v in kwargs.items() if v is not None and not k.startswith("__")
            }
        return init(self, resource_name, *args, **kwargs)

    recording._gcmod_records = True  # type: ignore[attr-defined]
    aws.Provider._internal_init = recording  # type: ignore[method-assign]


_install()


def _provider_parameters() -> frozenset[str]:
    return frozenset(inspect.signature(aws.Provider._internal_init.__wrapped__).parameters)


def aws_provider(resource: pulumi.Resource) -> pulumi.ProviderResource | None:
    """The AWS provider ``resource``'s children use; None for the default provider."""
    return resource.get_provider("aws::")


def invoke_options(resource: pulumi.Resource) -> pulumi.InvokeOptions:
    """Options for a data-source lookup made on behalf of ``resource``'s children."""
    return pulumi.InvokeOptions(provider=aws_provider(resource), parent=resource)


def stack_provider_settings() -> dict[str, Any]:
    """The default provider's settings: the stack's ``aws:*`` config as keyword arguments."""
    from pulumi.runtime.config import CONFIG, get_config_env

    allowed = _provider_parameters()
    out: dict[str, Any] = {}
    for key, raw in {**get_config_env(), **CONFIG.get()}.items():
        namespace, _, name = key.partition(":")
        if namespace != "aws" or name in _NOT_SETTINGS:
            continue
        arg = _CAMEL.sub("_", name).lower()
        if arg not in allowed:
            continue
        value: Any = raw
        if isinstance(raw, str) and raw[:1] in "[{":
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                value = raw
        elif isinstance(raw, str) and raw in ("true", "false"):
            value = raw == "true"
        elif isinstance(raw, str) and raw.isdigit():
            value = int(raw)  # maxRetries and the like
        out[arg] = value
    return out


def provider_settings(provider: pulumi.ProviderResource | None) -> dict[str, Any] | None:
    """Keyword arguments ``provider`` was created with (the stack's ``aws:*`` config
    for the default provider); None when gcmod did not see it created."""
    if provider is None:
        return stack_provider_settings()
    settings = _SETTINGS.get(provider)
    return dict(settings) if settings is not None else None


def provider_region(provider: pulumi.ProviderResource | None) -> str | None:
    """The region ``provider`` was configured with, when known before deployment."""
    settings = provider_settings(provider)
    if provider is None:
        return pulumi.Config("aws").get("region")
    region = (settings or {}).get("region")
    return region if isinstance(region, str) else None


def regional_copy(
    name: str,
    base: pulumi.ProviderResource | None,
    region: str,
    opts: pulumi.ResourceOptions | None = None,
) -> aws.Provider:
    """A provider for ``region`` with every other setting of ``base`` (None: the
    default provider). Raises ValueError when ``base``'s settings are unknown."""
    settings = provider_settings(base)
    if settings is None:
        raise ValueError(
            f"{name}: the AWS provider {getattr(base, '_name', '')} was created before gcmod "
            "was imported (or read with Provider.get), so its settings (assumed role, profile, "
            "default tags) cannot be copied to the DR region; pass dr_provider= a provider for "
            f"{region} / DR 用のプロバイダーを dr_provider に指定してください"
        )
    settings["region"] = region
    return aws.Provider(name, **settings, opts=opts)
