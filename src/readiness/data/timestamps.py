"""Timestamps for exports whose rows have no usable date of their own.

Three cases, each recorded as `time_order.kind` in `import.json`: `reconstructed`
(month and weekday columns, below), `order` (a sequence or row-number column:
`order_times` ranks the rows and spaces them one second apart from 2000-01-01;
order, not time) and `constant` (one export date in every row: `in_export_order`
adds the row number in microseconds, so a time-ordered split is the export order).

Reconstruction from a month and a weekday:

Some exports (the UCI bank-marketing campaign data among them) only say in which
month, and on which weekday, a row happened, and are sorted by time. The year is
then recovered from the order: it starts at `start_year` and moves on whenever the
month goes backwards (December → March). Inside a month a new week starts whenever
the weekday goes backwards (Friday → Monday); week 0 is the first week in which the
month's first weekday lies inside the month, so week k and its weekday give a day.
A day that would fall outside its month is clamped to its first or last day.

This is a reconstruction, not the truth: two consecutive weeks with calls on the
same single weekday merge into one, and a month with no rows for a whole year would
shift every later year. What it guarantees is what training needs: the times are
non-decreasing in row order, so the latest rows are the latest toss-ups, and rows
of one day keep their order (second by second from `hour`:00).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from readiness.data.files import DATETIME_DTYPE

MONTHS: Final[dict[str, int]] = (
    {
        name: i + 1
        for i, names in enumerate(
            [
                ("jan", "january", "1月"),
                ("feb", "february", "2月"),
                ("mar", "march", "3月"),
                ("apr", "april", "4月"),
                ("may", "5月"),
                ("jun", "june", "6月"),
                ("jul", "july", "7月"),
                ("aug", "august", "8月"),
                ("sep", "sept", "september", "9月"),
                ("oct", "october", "10月"),
                ("nov", "november", "11月"),
                ("dec", "december", "12月"),
            ]
        )
        for name in names
    }
    | {str(i): i for i in range(1, 13)}
    | {f"{i:02d}": i for i in range(1, 10)}
)
WEEKDAYS: Final[dict[str, int]] = {
    name: i
    for i, names in enumerate(
        [
            ("mon", "monday", "月", "月曜", "月曜日"),
            ("tue", "tuesday", "火", "火曜", "火曜日"),
            ("wed", "wednesday", "水", "水曜", "水曜日"),
            ("thu", "thursday", "木", "木曜", "木曜日"),
            ("fri", "friday", "金", "金曜", "金曜日"),
            ("sat", "saturday", "土", "土曜", "土曜日"),
            ("sun", "sunday", "日", "日曜", "日曜日"),
        ]
    )
    for name in names
}


@dataclass(frozen=True)
class BadValues:
    """Rows (0-based) of a column whose values could not be read."""

    column: str
    rows: np.ndarray
    values: list[str]
    expected: str


def _codes(values: pd.Series, table: dict[str, int]) -> pd.Series:
    text = values.astype("str").str.strip().str.lower()
    return text.map(table)


def row_order_times(
    frame: pd.DataFrame,
    *,
    month: str,
    start_year: int,
    day_of_week: str | None = None,
    hour: int = 9,
) -> tuple[pd.Series, list[BadValues]]:
    """Non-decreasing timestamps for rows in time order (see the module docstring).

    Returns the times and the columns with unreadable values; when any value is
    unreadable the times are all NaT.
    """
    bad: list[BadValues] = []
    months = _codes(frame[month], MONTHS)
    days = _codes(frame[day_of_week], WEEKDAYS) if day_of_week else None
    for column, codes, expected in (
        (month, months, "a month name (jan … dec, january …) or number 1–12"),
        (day_of_week, days, "a weekday (mon … sun, monday …, 月 … 日)"),
    ):
        if column is None or codes is None:
            continue
        rows = np.flatnonzero(codes.isna().to_numpy())
        if len(rows):
            values = frame[column].iloc[rows[:10]].astype("str").tolist()
            bad.append(BadValues(column, rows, values, expected))
    n = len(frame)
    if bad:
        return pd.Series(pd.NaT, index=frame.index, dtype=DATETIME_DTYPE), bad
    m = months.to_numpy(dtype=np.int64)
    year = start_year + np.concatenate([[0], np.cumsum(np.diff(m) < 0)])
    first = pd.to_datetime({"year": year, "month": m, "day": np.ones(n, dtype=int)})
    first_np = first.to_numpy(dtype="datetime64[D]")
    if days is None:
        day = first_np
    else:
        w = days.to_numpy(dtype=np.int64)
        month_key = year * 12 + m
        new_month = np.concatenate([[True], np.diff(month_key) != 0])
        back = np.concatenate([[False], np.diff(w) < 0]) & ~new_month
        group = np.cumsum(new_month)
        weeks = np.cumsum(back)
        starts = np.flatnonzero(new_month)
        week = weeks - weeks[starts][group - 1]
        # Week 0 is the first week in which the month's first weekday falls inside
        # the month (a month starting on Thursday whose first row is a Monday
        # starts on the 5th, not on the 1st).
        weekday_of_1st = first.dt.day_of_week.to_numpy()
        week += (w[starts] < weekday_of_1st[starts])[group - 1]
        monday = first_np - weekday_of_1st
        day = monday + (7 * week + w).astype("timedelta64[D]")
        last = (first + pd.offsets.MonthEnd(0)).to_numpy(dtype="datetime64[D]")
        day = np.clip(day, first_np, last)
    day_us = day.astype("datetime64[us]")
    same_day = np.concatenate([[False], day_us[1:] == day_us[:-1]])
    starts = np.flatnonzero(~same_day)
    run = np.arange(n) - starts[np.cumsum(~same_day) - 1]
    times = (
        day_us + np.timedelta64(hour, "h").astype("timedelta64[us]")
        + (run * 1_000_000).astype("timedelta64[us]")
    )  # fmt: skip
    return pd.Series(times, index=frame.index, dtype=DATETIME_DTYPE), bad


# Synthetic times for `time: {order: COLUMN}`: the rank of each row in the order,
# one second apart from this origin. The date means nothing; only the order does.
ORDER_ORIGIN: Final = pd.Timestamp("2000-01-01 00:00:00")


def order_times(order: pd.Series) -> pd.Series:
    """Strictly increasing timestamps that follow a sequence / row-number column.

    Rows are ranked by their order value, ties and equal values by export row, and
    row k of that ranking gets ORDER_ORIGIN + k seconds. `order` holds numbers (NaN
    where the cell was not one; the caller refuses those first).
    """
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[np.argsort(order.to_numpy(dtype="float64"), kind="stable")] = np.arange(
        len(order)
    )
    origin = ORDER_ORIGIN.to_datetime64().astype("datetime64[us]")
    times = origin + (ranks * 1_000_000).astype("timedelta64[us]")
    return pd.Series(times, index=order.index, dtype=DATETIME_DTYPE)


def in_export_order(times: pd.Series) -> pd.Series:
    """A constant time made strictly increasing in row order: + row number µs.

    Training sorts by time; with one export date for every row the order would
    otherwise fall back to lead ids. One microsecond per row keeps the date and
    makes any time-ordered split the export order.
    """
    offsets = (np.arange(len(times), dtype=np.int64)).astype("timedelta64[us]")
    return pd.Series(
        times.to_numpy(dtype="datetime64[us]") + offsets,
        index=times.index,
        dtype=DATETIME_DTYPE,
    )
