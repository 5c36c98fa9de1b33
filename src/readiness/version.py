"""The package version: one place, read by the package face, bundles and the API."""

from __future__ import annotations

from typing import Final

__version__: Final = "0.1.0"
