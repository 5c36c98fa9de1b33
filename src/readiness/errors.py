"""The one base of the errors readiness raises on purpose: `except ReadinessError`.

Each error keeps its own older base too (`ValueError` for bad input), so an
`except ValueError` written before this base existed still catches it.
"""

from __future__ import annotations


class ReadinessError(Exception):
    """An error raised on purpose; its message says what, where and the fix."""
