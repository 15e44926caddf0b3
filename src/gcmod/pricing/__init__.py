"""AWS list prices for cost estimates: the catalogue and its refresh.

``Catalog.load()`` reads the packaged ``gcmod/data/prices.yaml`` (USD on-demand
prices for Tokyo and Osaka, each with its source and the date it was checked);
``refresh()`` re-reads them from the AWS Price List API (read-only).
"""

from gcmod.pricing.catalog import (
    Catalog,
    CatalogError,
    MissingPriceError,
    Price,
    Tier,
    packaged_path,
)

__all__ = [
    "Catalog",
    "CatalogError",
    "MissingPriceError",
    "Price",
    "Tier",
    "packaged_path",
]
