"""A rubric result and a band summary as text, for the command line."""

from __future__ import annotations

import unicodedata
from typing import Final

import pandas as pd

from readiness.rubric.config import BANDS
from readiness.rubric.score import RubricResult

__all__ = ["band_summary", "render_band_summary", "render_result"]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def render_result(result: RubricResult) -> str:
    """A readable breakdown in Japanese and English, for the CLI."""
    lines = [
        f"引き継ぎ品質スコア / Hand-off quality score: {result.total:g} / 100  "
        f"[{result.band_ja} / {result.band_en}]",
        "",
    ]
    labels = [f"{i.label_ja} / {i.label_en}" for i in result.items]
    width = max((_width(label) for label in labels), default=0) + 2
    for label, item in zip(labels, result.items, strict=True):
        lines.append(f"  {_pad(label, width)}{item.points:6.2f} / {item.max:g}")
    verdict = "可 / passed" if result.gate_passed else "不可 / not passed"
    lines += ["", f"トスアップ判定 / Toss-up gate: {verdict}"]
    lines += [f"  × {g.ja}\n    {g.en}" for g in result.gate_failures]
    if result.missing:
        lines += ["", "不足・曖昧な要素 / Missing or vague elements (points it costs):"]
        names = [f"{m.label_ja} / {m.label_en}" for m in result.missing]
        width = max(_width(n) for n in names) + 2
        for name, m in zip(names, result.missing, strict=True):
            status = _STATUS_TEXT.get(m.status, m.status)
            lines.append(f"  {_pad(name, width)}{_pad(status, 20)}-{m.points:g}")
    return "\n".join(lines)


# vague = partial (informative but hedged); not obtained = only a "not known" marker.
_STATUS_TEXT: Final = {
    "vague": "曖昧 vague",
    "not_obtained": "未取得 not obtained",
    "empty": "未記入 empty",
}


def band_summary(scored: pd.DataFrame) -> pd.DataFrame:
    """Hand-offs per band: share, mean score, gate pass rate and (if known) win rate."""
    order = list(BANDS)
    grouped = scored.groupby("band", observed=True)
    summary = pd.DataFrame(
        {
            "handoffs": grouped.size(),
            "mean_total": grouped["total"].mean().round(1),
            "gate_pass_rate": grouped["gate_passed"].mean().round(3),
        }
    ).reindex(order)
    summary["handoffs"] = summary["handoffs"].fillna(0).astype(int)
    summary.insert(1, "share", (summary["handoffs"] / max(len(scored), 1)).round(3))
    if "won" in scored:
        won = scored["won"].astype("boolean").astype("Float64")  # no outcome is NA
        summary["win_rate"] = won.groupby(scored["band"]).mean().reindex(order).round(3)
    summary.index.name = "band"
    return summary


def render_band_summary(summary: pd.DataFrame) -> str:
    """The per-band table of `band_summary` as aligned text with ja/en band names."""
    has_win = "win_rate" in summary

    def pct(x: float) -> str:
        return "-" if pd.isna(x) else f"{x:.1%}"

    header = f"{'band':<16}{'hand-offs':>10}{'share':>8}{'mean':>7}{'gate':>8}"
    lines = [header + (f"{'win rate':>10}" if has_win else "")]
    for band, row in summary.iterrows():
        ja, en = BANDS[band]  # type: ignore[index]
        mean = "-" if pd.isna(row["mean_total"]) else f"{row['mean_total']:.1f}"
        line = (
            f"{_pad(f'{ja} {en}', 16)}{int(row['handoffs']):>10,}"
            f"{pct(row['share']):>8}{mean:>7}{pct(row['gate_pass_rate']):>8}"
        )
        lines.append(line + (f"{pct(row['win_rate']):>10}" if has_win else ""))
    return "\n".join(lines)
