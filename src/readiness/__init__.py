"""readiness: how likely an inside-sales → field-sales hand-off is to be won, and why."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
