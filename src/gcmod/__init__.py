"""gcmod: infrastructure-as-code modernisation toolkit for Japan's Government Cloud."""

__version__ = "0.1.0"
