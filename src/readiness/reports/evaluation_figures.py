"""The evaluation report's figures: reliability, bands, deciles, gains and ROC.

Drawn on matplotlib's object API with the Agg renderer (`readiness.reports.html.
render_pngs`), never through pyplot: PNG bytes out, nothing displayed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np
import pandas as pd

from readiness.model.evaluate import ORACLE, Evaluation
from readiness.reports.html import render_pngs

__all__ = ["FIGURES", "plot_figures"]


FIGURES: Final = {
    "reliability": (
        "Reliability: predicted vs observed win rate",
        "信頼性曲線：予測した受注確率と実際の受注率",
    ),
    "bands": (
        "Win rate per rubric band: observed, rubric-implied, model",
        "バンド別の受注率：実績・100点スコアの想定・モデル",
    ),
    "deciles": (
        "Win rate per rubric-score decile",
        "100点スコアの十分位別の受注率",
    ),
    "gains": (
        "Cumulative gains: share of wins captured by the top-ranked hand-offs",
        "累積ゲイン：上位から順に見たときに捉えた受注の割合",
    ),
    "roc": ("ROC curves", "ROC曲線"),
}


def _styles(ev: Evaluation) -> dict[str, dict[str, Any]]:
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"]
    others = iter(palette[1:])
    styles: dict[str, dict[str, Any]] = {}
    for name in ev.predictors:
        if name == ev.primary:
            styles[name] = {"color": palette[0], "linewidth": 2.2}
        elif name == ev.reference:
            styles[name] = {"color": "#7f7f7f", "linewidth": 1.8}
        elif name == ORACLE:
            styles[name] = {"color": "black", "linestyle": "--", "linewidth": 1.2}
        else:
            styles[name] = {"color": next(others, "#17becf"), "linewidth": 1.4}
    return styles


def _label(ev: Evaluation, name: str) -> str:
    if name == ev.reference:
        constant = "" if ev.rubric_informative else ", constant"
        return f"{name} (100-point rubric{constant})"
    if name == ORACLE:
        return f"{name} (true probability)"
    return name


def _percent_axes(ax: Any, *, x: bool = True, y: bool = True) -> None:
    from matplotlib.ticker import PercentFormatter

    if x:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if y:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _draw_reliability(ax: Any, ev: Evaluation) -> None:
    styles = _styles(ev)
    top = 0.05
    for name, table in ev.reliability.items():
        ece = ev.metrics[name]["ece"]
        ax.plot(
            table["mean_p"],
            table["observed"],
            marker="o",
            markersize=4,
            label=f"{_label(ev, name)}, ECE {ece:.3f}",
            **styles[name],
        )
        top = max(top, float(table["mean_p"].max()), float(table["observed"].max()))
    top = min(1.0, top * 1.05)
    ax.plot([0, top], [0, top], ":", color="#bbbbbb", label="perfectly calibrated")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel("predicted win probability (bin mean)")
    ax.set_ylabel("observed win rate")
    _percent_axes(ax)
    ax.legend(fontsize=8, loc="upper left")


def _rate_series(
    ev: Evaluation, table: pd.DataFrame
) -> list[tuple[str, Any, str, str]]:
    """(label, rates, colour, marker): observed, rubric-implied, model mean."""
    series = [("observed", table["observed"], "#333333", "o")]
    if ev.reference is not None:
        series.append(
            (f"rubric-implied ({ev.reference})", table["p_rubric"], "#aaaaaa", "s")
        )
    series.append((f"model mean ({ev.primary})", table["p_model"], "#1f77b4", "^"))
    return [(lab, v.to_numpy(dtype=float), c, m) for lab, v, c, m in series]


def _draw_bands(ax: Any, ev: Evaluation) -> None:
    t = ev.bands
    series = _rate_series(ev, t)
    x = np.arange(len(t))
    width = 0.8 / len(series)
    for i, (label, values, color, _) in enumerate(series):
        offset = (i - (len(series) - 1) / 2) * width
        ax.bar(x + offset, np.nan_to_num(values), width, label=label, color=color)
    labels = [f"{en}\n(n={n:,})" for en, n in zip(t["band_en"], t["n"], strict=True)]
    ax.set_xticks(x, labels)
    ax.set_xlabel("rubric band")
    ax.set_ylabel("win rate")
    _percent_axes(ax, x=False)
    ax.legend(fontsize=8)


def _draw_deciles(ax: Any, ev: Evaluation) -> None:
    t = ev.deciles
    x = t["decile"].to_numpy()
    for label, values, color, marker in _rate_series(ev, t):
        ax.plot(x, values, marker=marker, color=color, label=label)
    ranges = [
        f"{lo:g}-{hi:g}" for lo, hi in zip(t["score_min"], t["score_max"], strict=True)
    ]
    ax.set_xticks(x, ranges, rotation=45, ha="right", fontsize=8)
    ax.set_xlabel("rubric score decile (score range)")
    ax.set_ylabel("win rate")
    _percent_axes(ax, x=False)
    ax.legend(fontsize=8)


def _draw_gains(ax: Any, ev: Evaluation) -> None:
    styles = _styles(ev)
    for name, table in ev.gains.items():
        lift = ev.metrics[name]["lift_top_decile"]
        ax.plot(
            table["share_handoffs"],
            table["share_wins"],
            label=f"{_label(ev, name)}, lift@10% {lift:.2f}",
            **styles[name],
        )
    ax.plot([0, 1], [0, 1], ":", color="#bbbbbb", label="random order")
    ax.axvline(0.1, color="#dddddd", linewidth=0.8)
    ax.set_xlabel("share of hand-offs, highest predicted first")
    ax.set_ylabel("share of all wins")
    _percent_axes(ax)
    ax.legend(fontsize=8, loc="lower right")


def _draw_roc(ax: Any, ev: Evaluation) -> None:
    styles = _styles(ev)
    drawn = False
    for name, table in ev.roc.items():
        if table.empty:
            continue
        auc = ev.metrics[name]["roc_auc"]
        ax.plot(
            table["fpr"],
            table["tpr"],
            label=f"{_label(ev, name)}, AUC {auc:.3f}",
            **styles[name],
        )
        drawn = True
    ax.plot([0, 1], [0, 1], ":", color="#bbbbbb")
    if not drawn:
        ax.text(0.5, 0.5, "not defined: only one outcome class", ha="center")
    ax.set_xlabel("false positive rate (lost deals ranked high)")
    ax.set_ylabel("true positive rate (wins ranked high)")
    if drawn:
        ax.legend(fontsize=8, loc="lower right")


_DRAW: Final[dict[str, Callable[[Any, Evaluation], None]]] = {
    "reliability": _draw_reliability,
    "bands": _draw_bands,
    "deciles": _draw_deciles,
    "gains": _draw_gains,
    "roc": _draw_roc,
}


_NEEDS_RUBRIC: Final = ("bands", "deciles")


def plot_figures(evaluation: Evaluation, *, dpi: int = 100) -> dict[str, bytes]:
    """PNG bytes per figure: reliability, bands, deciles, gains, roc (bands and
    deciles only when the rubric varies: one bar of one band says nothing).

    Figures are built on matplotlib's object API with the Agg renderer, never
    through pyplot, so nothing is displayed, the caller's backend (a notebook's,
    say) is left alone, and each figure is freed as soon as it is saved.
    """
    draws = {
        name: draw
        for name, draw in _DRAW.items()
        if evaluation.rubric_informative or name not in _NEEDS_RUBRIC
    }
    titles = {name: FIGURES[name][0] for name in draws}
    return render_pngs(draws, evaluation, titles=titles, dpi=dpi)
