"""The evaluation report: figures, one self-contained HTML page, and its JSON.

`plot_figures` and `render_html` are pure (an `Evaluation` in, PNG bytes and a
string out); `write_report` is the only function that touches the disk. The
page needs nothing from the network — images are embedded, CSS is inline — so
it can be mailed or attached to a ticket as one file. Conclusions are written
from the numbers (with the bootstrap intervals deciding what counts as a
difference), in Japanese for the sales floor and English for everyone else.
"""

from __future__ import annotations

import base64
import io
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from readiness.evaluate import Evaluation
from readiness.rubric import BANDS

__all__ = [
    "Conclusion",
    "conclusions",
    "plot_figures",
    "render_html",
    "write_report",
]

ORACLE: Final = "oracle"
_BAND_NAMES: Final = {str(k): v for k, v in BANDS.items()}
_MIN_BAND_N: Final = 30  # fewer hand-offs than this: a band's rate is too noisy
_MIN_GROUP_N: Final = 10
_FIGURES: Final = {
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


# --- figures -----------------------------------------------------------------------


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
        return f"{name} (100-point rubric)"
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


def plot_figures(evaluation: Evaluation, *, dpi: int = 100) -> dict[str, bytes]:
    """PNG bytes per figure: reliability, bands, deciles, gains, roc.

    Figures are built on matplotlib's object API with the Agg renderer, never
    through pyplot, so nothing is displayed, the caller's backend (a notebook's,
    say) is left alone, and each figure is freed as soon as it is saved.
    """
    titles = {name: _FIGURES[name][0] for name in _DRAW}
    return render_pngs(_DRAW, evaluation, titles=titles, dpi=dpi)


def render_pngs(
    draws: Mapping[str, Callable[[Any, Any], None]],
    data: Any,
    *,
    titles: Mapping[str, str],
    dpi: int = 100,
) -> dict[str, bytes]:
    """PNG bytes of `draw(ax, data)` per name: titled, gridded, freed once saved."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    out: dict[str, bytes] = {}
    for name, draw in draws.items():
        fig = Figure(figsize=(6.4, 4.4), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        draw(ax, data)
        ax.set_title(titles[name], fontsize=10)
        ax.grid(alpha=0.3)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
        fig.clear()
        out[name] = buffer.getvalue()
    return out


# --- conclusions -------------------------------------------------------------------


@dataclass(frozen=True)
class Conclusion:
    """One finding in Japanese and English, computed from the evaluation."""

    ja: str
    en: str


def _fin(*xs: float) -> bool:
    return all(isinstance(x, int | float) and math.isfinite(x) for x in xs)


def _p(x: float) -> str:
    return f"{x:.1%}" if _fin(x) else "-"


def _ranking(ev: Evaluation, ref: str) -> Conclusion | None:
    c, m, r = ev.comparisons[ref], ev.metrics[ev.primary], ev.metrics[ref]
    d, lo, hi = c["roc_auc_diff"], c["roc_auc_diff_low"], c["roc_auc_diff_high"]
    if not _fin(d):
        return Conclusion(
            "受注と失注の両方がそろっていないため、ROC-AUCでは比較できない。",
            "ROC-AUC cannot be compared: the hand-offs are all won or all lost.",
        )
    both = f"{m['roc_auc']:.3f} 対 {r['roc_auc']:.3f}"
    both_en = f"{m['roc_auc']:.3f} vs {r['roc_auc']:.3f}"
    if not _fin(lo, hi):
        word, word_en = ("高い", "higher") if d >= 0 else ("低い", "lower")
        return Conclusion(
            f"モデルはルールベースの100点スコアよりROC-AUCが{abs(d):.2f}{word}"
            f"（{both}、信頼区間は未計算）。",
            f"The model's ROC-AUC is {abs(d):.2f} {word_en} than the rule-based "
            f"100-point score's ({both_en}; no confidence interval computed).",
        )
    ci = f"95%信頼区間 {lo:+.2f}〜{hi:+.2f}"
    ci_en = f"95% CI {lo:+.2f} to {hi:+.2f}"
    if lo > 0:
        return Conclusion(
            f"モデルはルールベースの100点スコアよりROC-AUCが{d:.2f}高い（{both}、{ci}）。"
            "受注するトスアップをより正しく上位に並べている。",
            f"The model ranks hand-offs better than the rule-based 100-point score: "
            f"ROC-AUC {both_en}, {d:.2f} higher ({ci_en}).",
        )
    if hi < 0:
        return Conclusion(
            f"モデルのROC-AUCはルールベースの100点スコアより{-d:.2f}低い（{both}、{ci}）。"
            "並べ替えの精度ではモデルを採用する根拠にならない。",
            f"The model ranks hand-offs worse than the rule-based 100-point score: "
            f"ROC-AUC {both_en}, {-d:.2f} lower ({ci_en}).",
        )
    return Conclusion(
        f"モデルと100点スコアのROC-AUCの差（{d:+.3f}、{both}）は誤差の範囲内で、"
        f"並べ替えの精度に確かな差はない（{ci}）。",
        f"The ROC-AUC difference between the model and the 100-point score "
        f"({d:+.3f}; {both_en}) is within noise ({ci_en}).",
    )


def _probability_quality(ev: Evaluation, ref: str | None) -> Conclusion | None:
    m = ev.metrics[ev.primary]
    if not _fin(m["ece"], m["brier"]):
        return None
    ja = (
        f"モデルの予測確率と実際の受注率のずれ（ECE）は平均{m['ece'] * 100:.1f}ポイント"
        f"（Brierスコア {m['brier']:.4f}）"
    )
    en = (
        f"The model's predicted and observed win rates differ by "
        f"{m['ece'] * 100:.1f} percentage points on average (ECE; Brier "
        f"{m['brier']:.4f})"
    )
    if ref is None:
        return Conclusion(ja + "。", en + ".")
    r, c = ev.metrics[ref], ev.comparisons[ref]
    d, lo, hi = c["brier_diff"], c["brier_diff_low"], c["brier_diff_high"]
    ja += f"、100点スコアは{r['ece'] * 100:.1f}ポイント（Brier {r['brier']:.4f}）。"
    en += f"; the 100-point score's by {r['ece'] * 100:.1f} (Brier {r['brier']:.4f})."
    if _fin(lo, hi) and (hi < 0 or lo > 0):
        better = hi < 0
        ja += (
            "確率の正確さ（Brier、小さいほど良い）は"
            + ("モデルの方が良い" if better else "100点スコアの方が良い")
            + f"（差 {d:+.4f}、95%信頼区間 {lo:+.4f}〜{hi:+.4f}）。"
        )
        en += (
            f" By Brier score (lower is better) the "
            f"{'model' if better else '100-point score'} is more accurate "
            f"(difference {d:+.4f}, 95% CI {lo:+.4f} to {hi:+.4f})."
        )
    elif _fin(lo, hi):
        ja += f"Brierスコアの差（{d:+.4f}）は誤差の範囲内。"
        en += f" The Brier difference ({d:+.4f}) is within noise."
    return Conclusion(ja, en)


def _lift(ev: Evaluation, ref: str | None) -> Conclusion | None:
    lm = ev.metrics[ev.primary]["lift_top_decile"]
    if not _fin(lm):
        return None
    ja = f"モデルが上位10%と見たトスアップの受注率は、全体平均の{lm:.1f}倍"
    en = f"The top 10% of hand-offs by the model win at {lm:.1f}× the average rate"
    lr = ev.metrics[ref]["lift_top_decile"] if ref else math.nan
    if _fin(lr):
        ja += f"（100点スコアの上位10%では{lr:.1f}倍）"
        en += f" (top 10% by the 100-point score: {lr:.1f}×)"
    return Conclusion(ja + "。", en + ".")


def _bands(ev: Evaluation, ref: str | None) -> list[Conclusion]:
    t = ev.bands[ev.bands["n"] >= _MIN_BAND_N]
    if t.empty:
        return []
    rates_ja = "、".join(
        f"「{ja}」{_p(o)}" for ja, o in zip(t["band_ja"], t["observed"], strict=True)
    )
    rates_en = ", ".join(
        f"{en} {_p(o)}" for en, o in zip(t["band_en"], t["observed"], strict=True)
    )
    out = [
        Conclusion(
            f"バンド別の実際の受注率：{rates_ja}。",
            f"Observed win rate by band: {rates_en}.",
        )
    ]
    observed = t["observed"].to_numpy(dtype=float)
    if len(observed) > 1 and (np.diff(observed) > 0).any():
        out.append(
            Conclusion(
                "バンドが上がるほど受注率が高い、という順序が成り立っていない。"
                "100点スコアのバンドはトスアップの良し悪しを正しく並べていない。",
                "Observed win rates do not fall from band to band: the rubric's "
                "bands misorder hand-offs.",
            )
        )
    if ref is None:
        return out
    flagged = []
    for row in t.to_dict(orient="records"):
        implied, observed_rate = float(row["p_rubric"]), float(row["observed"])
        n, p_model = int(row["n"]), float(row["p_model"])
        if not _fin(implied, observed_rate):
            continue
        se = math.sqrt(max(implied * (1 - implied), 1e-9) / n)
        gap = observed_rate - implied
        if abs(gap) <= 2 * se:
            continue
        over = gap < 0
        flagged.append(
            Conclusion(
                f"「{row['band_ja']}」バンド（{n:,}件）では100点スコアが受注率を"
                f"{'過大' if over else '過小'}評価している：想定{_p(implied)}に対し"
                f"実績{_p(observed_rate)}（モデルの平均予測は{_p(p_model)}）。",
                f"The rubric {'overstates' if over else 'understates'} the "
                f"{row['band_en']} band ({n:,} hand-offs): it implies "
                f"{_p(implied)} but {_p(observed_rate)} won (the model predicts "
                f"{_p(p_model)} on average).",
            )
        )
    if flagged:
        return out + flagged
    return [
        *out,
        Conclusion(
            "どのバンドでも、100点スコアが示す受注率と実績の差は誤差の範囲内"
            "（±2標準誤差）。",
            "In every band the rubric's implied win rate is within noise "
            "(±2 standard errors) of the observed rate.",
        ),
    ]


def _disagreements(ev: Evaluation) -> list[Conclusion]:
    """Who was right where they disagree most: observed rate against both means.

    Counting "closer to the outcome" row by row would favour whichever predictor
    is lower whenever most deals are lost; the observed rate is the fair judge.
    """
    d = ev.disagreements
    out: list[Conclusion] = []
    for optimistic in (True, False):
        part = d[(d["logit_gap"] > 0) == optimistic] if not d.empty else d
        if part.empty:
            continue
        n, wins = len(part), int(part["won"].sum())
        rate = wins / n
        pm, pr = float(part["p_model"].mean()), float(part["p_rubric"].mean())
        model_nearer = abs(rate - pm) < abs(rate - pr)
        verdict, verdict_en = "。", "."
        if n >= _MIN_GROUP_N:  # below this a win or two flips the verdict
            verdict = (
                f"で、{'モデル' if model_nearer else '100点スコア'}の方が実態に近い。"
            )
            verdict_en = (
                f", so the {'model' if model_nearer else '100-point score'} "
                "was nearer the truth."
            )
        mood, mood_en = (
            ("楽観的", "optimistic") if optimistic else ("悲観的", "pessimistic")
        )
        out.append(
            Conclusion(
                f"判断が最も食い違った{len(d)}件のうち、モデルの方が{mood}だった{n}件の"
                f"実際の受注は{wins}件（{_p(rate)}）。モデルの平均予測{_p(pm)}、"
                f"100点スコア{_p(pr)}{verdict}",
                f"Of the {len(d)} largest disagreements, the model was more "
                f"{mood_en} in {n}: {wins} of them won ({_p(rate)}) against "
                f"{_p(pm)} predicted by the model and {_p(pr)} by the 100-point "
                f"score{verdict_en}",
            )
        )
    return out


def _headroom(ev: Evaluation, ref: str) -> Conclusion | None:
    if ORACLE not in ev.metrics or ORACLE in (ev.primary, ref):
        return None
    a_model = ev.metrics[ev.primary]["roc_auc"]
    a_ref = ev.metrics[ref]["roc_auc"]
    a_true = ev.metrics[ORACLE]["roc_auc"]
    if not _fin(a_model, a_ref, a_true) or a_true - a_ref < 0.005:
        return None
    share = (a_model - a_ref) / (a_true - a_ref)
    return Conclusion(
        f"合成データの真の確率と比べると、100点スコアから理論上の上限までの"
        f"ROC-AUCの差（{a_true - a_ref:.3f}）のうち{share:.0%}をモデルが埋めている。",
        f"Against the synthetic world's true probability, the model closes "
        f"{share:.0%} of the ROC-AUC gap ({a_true - a_ref:.3f}) between the "
        f"100-point score and the best possible.",
    )


def conclusions(evaluation: Evaluation) -> list[Conclusion]:
    """Plain-language findings; differences count only if their interval excludes 0."""
    ev, ref = evaluation, evaluation.reference
    found: list[Conclusion | None] = [
        Conclusion(
            f"評価したトスアップは{ev.n:,}件、受注率は{_p(ev.base_rate)}。",
            f"Evaluated on {ev.n:,} hand-offs with a win rate of {_p(ev.base_rate)}.",
        )
    ]
    if ref is not None:
        found += [_ranking(ev, ref), _headroom(ev, ref)]
    found += [_probability_quality(ev, ref), _lift(ev, ref)]
    found += _bands(ev, ref)
    found += _disagreements(ev)
    return [c for c in found if c is not None]


# --- HTML --------------------------------------------------------------------------


class _Safe(str):
    """Markup built here from escaped parts; table cells of this type pass as is."""


def _cell(value: object) -> str:
    return value if isinstance(value, _Safe) else escape(str(value))


def _table(headers: list[str], rows: list[list[object]], *, cls: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    klass = f' class="{escape(cls)}"' if cls else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _num(x: Any, digits: int = 3) -> str:
    return f"{float(x):.{digits}f}" if _fin(float(x)) else "-"


def _signed(x: Any, digits: int = 3) -> str:
    if not _fin(float(x)):
        return "-"
    return f"{round(float(x), digits) + 0.0:+.{digits}f}"  # no "-0.000"


_METRICS: Final = (
    ("roc_auc", "ROC-AUC", 3, max),
    ("pr_auc", "PR-AUC", 3, max),
    ("brier", "Brier", 4, min),
    ("log_loss", "log loss", 4, min),
    ("ece", "ECE", 3, min),
    ("lift_top_decile", "lift@10%", 2, max),
    ("mean_p", "mean p", 3, None),
)


def _metrics_section(ev: Evaluation) -> str:
    contenders = [n for n in ev.predictors if n != ORACLE] or list(ev.predictors)
    best: dict[str, float] = {}
    for key, _, _, pick in _METRICS:
        values = [ev.metrics[n][key] for n in contenders if _fin(ev.metrics[n][key])]
        if pick is not None and len(values) > 1:
            best[key] = pick(values)
    rows: list[list[object]] = []
    for name in ev.predictors:
        m = ev.metrics[name]
        role = (
            "model under test / 評価対象"
            if name == ev.primary
            else "rubric / 100点スコア"
            if name == ev.reference
            else "true probability / 真の確率"
            if name == ORACLE
            else "baseline / 比較対象"
        )
        row: list[object] = [name, ev.predictions[name], role]
        for key, _, digits, _ in _METRICS:
            text = _num(m[key], digits)
            strong = key in best and name in contenders and m[key] == best[key]
            row.append(_Safe(f"<strong>{escape(text)}</strong>") if strong else text)
        rows.append(row)
    headers = ["predictor", "column", "role", *(label for _, label, _, _ in _METRICS)]
    html = _table(headers, rows, cls="num")
    if ev.comparisons:
        comp_rows: list[list[object]] = []
        for name, c in ev.comparisons.items():
            ci = (
                f" [{_signed(c['roc_auc_diff_low'])}, "
                f"{_signed(c['roc_auc_diff_high'])}]"
                if _fin(c["roc_auc_diff_low"])
                else ""
            )
            ci_b = (
                f" [{_signed(c['brier_diff_low'], 4)}, "
                f"{_signed(c['brier_diff_high'], 4)}]"
                if _fin(c["brier_diff_low"])
                else ""
            )
            comp_rows.append(
                [
                    f"{ev.primary} − {name}",
                    _signed(c["roc_auc_diff"]) + ci,
                    _signed(c["brier_diff"], 4) + ci_b,
                    _signed(c["log_loss_diff"], 4),
                    _signed(c["ece_diff"]),
                    _signed(c["lift_top_decile_diff"], 2),
                ]
            )
        html += (
            "<h3>Differences / 差（95% paired bootstrap interval）</h3>"
            + _table(
                ["comparison", "ROC-AUC", "Brier", "log loss", "ECE", "lift@10%"],
                comp_rows,
                cls="num",
            )
            + "<p class=note>Positive ROC-AUC and negative Brier, log loss and ECE "
            "differences favour the model under test. / ROC-AUCは正、Brier・log loss・"
            "ECEは負の差がモデル優位。</p>"
        )
    return html


def _rate_table(
    ev: Evaluation, table: pd.DataFrame, lead: list[str], cells: list[list[str]]
) -> str:
    """A band or decile table: leading cells, then n, wins and the three rates."""
    implied = f"rubric-implied ({ev.reference})" if ev.reference else "rubric-implied"
    headers = [*lead, "n", "wins", "observed / 実績", implied, f"model ({ev.primary})"]
    rows: list[list[object]] = [
        [
            *first,
            f"{int(r['n']):,}",
            f"{int(r['wins']):,}",
            _p(float(r["observed"])),
            _p(float(r["p_rubric"])),
            _p(float(r["p_model"])),
        ]
        for first, (_, r) in zip(cells, table.iterrows(), strict=True)
    ]
    return _table(headers, rows, cls="num")


def _bands_section(ev: Evaluation) -> str:
    t = ev.bands
    cells = [
        [f"{ja} / {en}", _p(float(s))]
        for ja, en, s in zip(t["band_ja"], t["band_en"], t["share"], strict=True)
    ]
    return _rate_table(ev, t, ["band / バンド", "share / 構成比"], cells)


def _deciles_section(ev: Evaluation) -> str:
    t = ev.deciles
    cells = [
        [str(int(d)), f"{lo:g}–{hi:g}"]
        for d, lo, hi in zip(t["decile"], t["score_min"], t["score_max"], strict=True)
    ]
    return _rate_table(ev, t, ["decile / 十分位", "score / 点数"], cells) + (
        "<p class=note>Decile 1 holds the lowest rubric scores; equal scores share a "
        "decile. / 十分位1が最も低い点数。同点は同じ十分位に入る。</p>"
    )


def _disagreements_section(ev: Evaluation) -> str:
    d = ev.disagreements
    if d.empty:
        return (
            "<p>No rubric probability to compare with. / "
            "比較する100点スコアの確率がない。</p>"
        )
    rows: list[list[object]] = []
    for r in d.to_dict(orient="records"):
        band = _BAND_NAMES.get(str(r["band"]), (str(r["band"]), str(r["band"])))
        rows.append(
            [
                r["lead_id"],
                f"{float(r['rubric_total']):g}",
                f"{band[0]} / {band[1]}",
                _p(float(r["p_model"])),
                _p(float(r["p_rubric"])),
                "won / 受注" if int(r["won"]) else "lost / 失注",
                _signed(r["logit_gap"], 2),
            ]
        )
    headers = [
        "lead_id",
        "rubric total",
        "band",
        f"model ({ev.primary})",
        f"rubric ({ev.reference})",
        "outcome",
        "log-odds gap",
    ]
    return _table(headers, rows) + (
        "<p class=note>Log-odds gap > 0: the model is more optimistic than the rubric."
        " / 対数オッズ差が正ならモデルの方が楽観的。</p>"
    )


_CSS: Final = """
body{font-family:"Hiragino Sans","Noto Sans JP","Yu Gothic",Meiryo,system-ui,sans-serif;
margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #1f77b4;
padding-bottom:.2rem;margin-top:2.2rem}h3{font-size:1rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left}
th{background:#f3f6fa}table.num td{font-variant-numeric:tabular-nums}
.note{color:#666;font-size:.85rem}ul.findings li{margin-bottom:.6rem}
ul.findings p{margin:.1rem 0}ul.findings p[lang=en]{color:#555}
figure{display:inline-block;margin:.5rem;vertical-align:top;max-width:48%}
figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:.85rem;color:#444}
@media (max-width:800px){figure{max-width:100%}}
"""


def _section(key: str, heading: str, body: str) -> str:
    return f'<section id="{escape(key)}"><h2>{escape(heading)}</h2>{body}</section>'


def render_html(
    evaluation: Evaluation,
    figures: Mapping[str, bytes],
    *,
    title: str,
    meta: Mapping[str, str],
) -> str:
    """One self-contained page: conclusions, metrics, figures, tables, run metadata.

    Every value from the data or the caller is HTML-escaped; images are embedded
    as base64 PNGs and the CSS is inline, so the file opens offline.
    """
    ev = evaluation
    facts: list[tuple[str, object]] = [
        ("hand-offs / トスアップ数", f"{ev.n:,}"),
        ("period / 期間", " – ".join(ev.period) if ev.period else "-"),
        ("win rate / 受注率", _p(ev.base_rate)),
        ("model under test / 評価対象", ev.primary),
        ("rubric reference / 比較基準", ev.reference or "-"),
    ]
    meta_rows: list[list[object]] = [[k, v] for k, v in facts]
    meta_rows += [[k, v] for k, v in meta.items()]
    findings = "".join(
        f'<li><p lang="ja">{escape(c.ja)}</p><p lang="en">{escape(c.en)}</p></li>'
        for c in conclusions(ev)
    )
    figure_html = "".join(
        f'<figure id="figure-{escape(name)}"><img alt="{escape(name)}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'
        f"<figcaption>{escape(' / '.join(_FIGURES.get(name, (name,))))}</figcaption>"
        "</figure>"
        for name, png in figures.items()
    )
    sections = [
        _section(
            "conclusions",
            "Conclusions / 結論",
            f'<ul class="findings">{findings}</ul>',
        ),
        _section(
            "metrics", "Metrics per predictor / 予測器ごとの指標", _metrics_section(ev)
        ),
        _section("figures", "Figures / 図", figure_html or "<p>No figures.</p>"),
        _section("bands", "Rubric bands / バンド別", _bands_section(ev)),
        _section(
            "deciles", "Rubric-score deciles / スコア十分位別", _deciles_section(ev)
        ),
        _section(
            "disagreements",
            "Largest disagreements, model vs rubric / 判断が最も食い違ったトスアップ",
            _disagreements_section(ev),
        ),
        _section("meta", "Run / 実行情報", _table(["key", "value"], meta_rows)),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><p class=note>"
        f"{escape(ev.primary)} vs {escape(ev.reference or 'no rubric reference')}"
        f" · {ev.n:,} hand-offs</p></header>" + "".join(sections) + "</body></html>\n"
    )


def write_report(
    evaluation: Evaluation,
    out_dir: str | Path,
    *,
    title: str,
    meta: Mapping[str, str],
) -> dict[str, Path]:
    """Write report.html, evaluation.json and one PNG per figure into `out_dir`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figures = plot_figures(evaluation)
    paths: dict[str, Path] = {
        "html": out / "report.html",
        "json": out / "evaluation.json",
    }
    paths["html"].write_text(
        render_html(evaluation, figures, title=title, meta=meta), encoding="utf-8"
    )
    document = {"title": title, "meta": dict(meta), **evaluation.to_dict()}
    paths["json"].write_text(
        json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    for name, png in figures.items():
        paths[name] = out / f"{name}.png"
        paths[name].write_bytes(png)
    return paths
