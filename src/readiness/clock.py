"""The contract's time: naive Asia/Tokyo, in one place.

Every timestamp in the data contract is Tokyo local time without an offset; this
module names that zone once and says what "now" is in it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

TIMEZONE: Final = "Asia/Tokyo"
TOKYO: Final = ZoneInfo(TIMEZONE)


def now_tokyo() -> datetime:
    """The current moment as the contract stores it: naive Tokyo time, whole seconds."""
    return datetime.now(TOKYO).replace(tzinfo=None, microsecond=0)
