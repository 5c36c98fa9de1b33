"""Per-lead facts a batch row carries for the score history ("what changed").

`event_counts` (JSON: events of each kind up to the point), `last_event_at` and
`memo_elements` (JSON: each memo element's status, readiness.fields). They come
from what the chunk already holds: its events table, and the memo readings the
scoring just made (`read_memos` keeps a process's recent readings, so asking
again reads no memo twice within a chunk of up to 20 000 memos).
"""

from __future__ import annotations

import json
from typing import Final

import numpy as np
import pandas as pd

from readiness.data.contract import Dataset
from readiness.model.explain import read_memos
from readiness.rubric.config import Rubric

__all__ = ["FACT_COLUMNS", "lead_facts"]

FACT_COLUMNS: Final = ("event_counts", "last_event_at", "memo_elements")
_COMPACT: Final = (",", ":")  # a million rows a night: no spaces


def lead_facts(dataset: Dataset, points: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """`FACT_COLUMNS` for each point (row for row, a fresh 0..n-1 index)."""
    n = len(points)
    as_of = pd.to_datetime(points["as_of"]).astype("datetime64[us]")
    ids = points["lead_id"].astype(str).to_numpy()
    counts, last = _events(dataset.events, ids, as_of.to_numpy())
    memos = points["memo"].tolist() if "memo" in points else [None] * n
    reads, _ = read_memos(memos, as_of.to_numpy(), rubric)
    texts: dict[int, str] = {}  # most points share one reading (no memo)
    elements = []
    for read in reads:
        key = id(read.result)
        if key not in texts:
            texts[key] = json.dumps(
                dict(read.result.element_status), separators=_COMPACT
            )
        elements.append(texts[key])
    return pd.DataFrame(
        {"event_counts": counts, "last_event_at": last, "memo_elements": elements},
        columns=list(FACT_COLUMNS),
    )


def _events(
    events: pd.DataFrame, ids: np.ndarray, as_of: np.ndarray
) -> tuple[list[str], pd.Series]:
    """Counts by kind (JSON) and the last event time of each point, up to as_of."""
    n = len(ids)
    last = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]")
    if not len(events) or not n:
        return ["{}"] * n, last
    row = pd.Series(np.arange(n), index=pd.Index(ids))
    row = row[~row.index.duplicated()]
    pos = row.reindex(events["lead_id"].astype(str).to_numpy()).to_numpy()
    known = ~np.isnan(pos)
    pos = pos[known].astype(np.int64)
    ts = pd.to_datetime(events["timestamp"]).astype("datetime64[us]").to_numpy()[known]
    kinds = events["type"].astype(str).to_numpy()[known]
    before = ts <= as_of[pos]
    pos, ts, kinds = pos[before], ts[before], kinds[before]
    frame = pd.DataFrame({"pos": pos, "type": kinds})
    sized = frame.groupby(["pos", "type"], sort=True).size()
    counts = ["{}"] * n
    if len(sized):
        grouped: dict[int, dict[str, int]] = {}
        for (p, kind), c in zip(sized.index.tolist(), sized.tolist(), strict=True):
            grouped.setdefault(int(p), {})[str(kind)] = int(c)
        for p, by_kind in grouped.items():
            counts[p] = json.dumps(by_kind, separators=_COMPACT)
        latest = pd.Series(ts).groupby(pos).max()
        last.iloc[latest.index.to_numpy()] = latest.to_numpy()
    return counts, last
