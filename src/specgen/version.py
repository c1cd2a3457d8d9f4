"""The version of specgen."""

__version__ = "0.1.0"
