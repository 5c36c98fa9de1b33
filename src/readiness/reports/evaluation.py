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
from html import escape
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from readiness.model.evaluate import ORACLE, Evaluation
from readiness.reports.conclusions import (
    Conclusion,
    conclusions,
    split_sentence,
    time_order_sentence,
)
from readiness.rubric.score import BANDS

__all__ = [
    "Conclusion",
    "conclusions",
    "plot_figures",
    "render_html",
    "split_sentence",
    "time_order_sentence",
    "write_report",
]

_BAND_NAMES: Final = {str(k): v for k, v in BANDS.items()}
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
    titles = {name: _FIGURES[name][0] for name in draws}
    return render_pngs(draws, evaluation, titles=titles, dpi=dpi)


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


# --- HTML --------------------------------------------------------------------------


def _fin(*xs: float) -> bool:
    return all(isinstance(x, int | float) and math.isfinite(x) for x in xs)


def _p(x: float) -> str:
    return f"{x:.1%}" if _fin(x) else "-"


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
    strongest = ev.strongest_baseline()
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
            else "true probability / 真の確率"
            if name == ORACLE
            else "baseline / 比較対象"
        )
        if name == ev.reference:
            role = (
                "rubric / 100点スコア"
                if ev.rubric_informative
                else "rubric, constant / 100点スコア（一定）"
            )
        if name == strongest:
            role += " · strongest baseline / 最も強い比較対象"
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


def _model_deciles_section(ev: Evaluation) -> str:
    t = ev.model_deciles
    if t.empty:
        return "<p>No hand-offs. / トスアップがない。</p>"
    cells = [
        [str(int(d)), f"{_p(float(lo))}–{_p(float(hi))}"]
        for d, lo, hi in zip(t["decile"], t["p_min"], t["p_max"], strict=True)
    ]
    lead = ["decile / 十分位", f"{ev.primary} probability / 予測確率"]
    table = (
        _rate_table(ev, t, lead, cells)
        if ev.rubric
        else _model_rate_table(ev, t, lead, cells)
    )
    return table + (
        "<p class=note>Decile 1 holds the lowest predicted probabilities; equal "
        "probabilities share a decile. / 十分位1が最も低い予測確率。同じ確率は同じ"
        "十分位に入る。</p>"
    )


def _model_rate_table(
    ev: Evaluation, table: pd.DataFrame, lead: list[str], cells: list[list[str]]
) -> str:
    headers = [*lead, "n", "wins", "observed / 実績", f"model ({ev.primary})"]
    rows: list[list[object]] = [
        [
            *first,
            f"{int(r['n']):,}",
            f"{int(r['wins']):,}",
            _p(float(r["observed"])),
            _p(float(r["p_model"])),
        ]
        for first, (_, r) in zip(cells, table.iterrows(), strict=True)
    ]
    return _table(headers, rows, cls="num")


def _bilingual(c: Conclusion) -> _Safe:
    ja, en = escape(c.ja), escape(c.en)
    return _Safe(f'<span lang="ja">{ja}</span><br><span lang="en">{en}</span>')


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
.note{color:#666;font-size:.85rem}
.warning{background:#fff4e5;border-left:4px solid #e67e22;padding:.4rem .8rem}
ul.findings li{margin-bottom:.6rem}
ul.findings p{margin:.1rem 0}ul.findings p[lang=en]{color:#555}
figure{display:inline-block;margin:.5rem;vertical-align:top;max-width:48%}
figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:.85rem;color:#444}
@media (max-width:800px){figure{max-width:100%}}
"""


def _candidates_section(candidates: Mapping[str, Mapping[str, Any]]) -> str:
    """Every candidate's validation figures and verdict; the served one first."""
    rows: list[list[object]] = []
    order = sorted(candidates, key=lambda k: candidates[k].get("verdict") != "served")
    for name in order:
        row = candidates[name]

        def num(key: str, row: Mapping[str, Any] = row) -> str:
            value = row.get(key)
            return _num(value, 4) if isinstance(value, int | float) else "-"

        rows.append(
            [name, num("log_loss"), num("brier"), num("roc_auc"), row.get("verdict")]
        )
    note = (
        "<p class=note>Compared on the validation slice (the latest training "
        "toss-ups), each fitted on the rows before it. The simplest candidate within "
        "the noise of the best log-loss is served; one worse than the base-rate "
        "constant never is. / 検証スライス（学習期間の最新のトスアップ）で比較。"
        "最良の対数損失から誤差の範囲内で最も単純な候補を提供し、一定値（平均受注率）"
        "より悪い候補は提供しない。</p>"
    )
    table = _table(["candidate", "log-loss", "Brier", "ROC-AUC", "verdict"], rows)
    return note + table


def _section(key: str, heading: str, body: str) -> str:
    return f'<section id="{escape(key)}"><h2>{escape(heading)}</h2>{body}</section>'


def render_html(
    evaluation: Evaluation,
    figures: Mapping[str, bytes],
    *,
    title: str,
    meta: Mapping[str, str],
    split: Mapping[str, Any] | None = None,
    candidates: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """One self-contained page: conclusions, metrics, figures, tables, run metadata.

    `candidates` (`TrainResult.candidates`) adds the validation comparison that
    chose what is served.

    `split` (see `split_sentence`) states how training and evaluation rows were
    divided. Sections that need a rubric appear only when the rubric varies.
    Every value from the data or the caller is HTML-escaped; images are embedded
    as base64 PNGs and the CSS is inline, so the file opens offline.
    """
    ev = evaluation
    strongest = ev.strongest_baseline()
    facts: list[tuple[str, object]] = [
        ("hand-offs / トスアップ数", f"{ev.n:,}"),
        ("period / 期間", " – ".join(ev.period) if ev.period else "-"),
        ("win rate / 受注率", _p(ev.base_rate)),
        ("model under test / 評価対象", ev.primary),
        ("strongest baseline / 最も強い比較対象", strongest or "-"),
        (
            "rubric reference / 比較基準",
            (ev.reference or "-")
            + ("" if ev.rubric_informative else " (constant / 一定)"),
        ),
    ]
    if ev.in_sample:
        facts.append(
            (
                "in-sample / 学習データ内",
                f"{ev.in_sample:,} of {ev.n:,} / {ev.n:,}件中{ev.in_sample:,}件",
            )
        )
    if split is not None:
        facts.append(("split / 分割", _bilingual(split_sentence(split))))
    meta_rows: list[list[object]] = [[k, v] for k, v in facts]
    meta_rows += [[k, v] for k, v in meta.items()]
    findings = "".join(
        f'<li><p lang="ja">{escape(c.ja)}</p><p lang="en">{escape(c.en)}</p></li>'
        for c in conclusions(ev, split=split)
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
        *(
            [
                _section(
                    "candidates",
                    "What is served, and why / 提供する予測器とその理由",
                    _candidates_section(candidates),
                )
            ]
            if candidates
            else []
        ),
        _section(
            "metrics", "Metrics per predictor / 予測器ごとの指標", _metrics_section(ev)
        ),
        _section("figures", "Figures / 図", figure_html or "<p>No figures.</p>"),
        _section(
            "model-deciles",
            f"Win rate per decile of {ev.primary}'s probability / "
            "予測確率の十分位別の受注率",
            _model_deciles_section(ev),
        ),
    ]
    if ev.rubric_informative:
        sections += [
            _section("bands", "Rubric bands / バンド別", _bands_section(ev)),
            _section(
                "deciles", "Rubric-score deciles / スコア十分位別", _deciles_section(ev)
            ),
            _section(
                "disagreements",
                "Largest disagreements, model vs rubric / "
                "判断が最も食い違ったトスアップ",
                _disagreements_section(ev),
            ),
        ]
    sections.append(
        _section("meta", "Run / 実行情報", _table(["key", "value"], meta_rows))
    )
    rivals = [
        *([f"strongest baseline {strongest}"] if strongest else []),
        *([f"rubric {ev.rubric}"] if ev.rubric and ev.rubric != strongest else []),
    ]
    versus = " vs " + " and ".join(rivals) if rivals else ""
    banner = (
        f"<p class=warning>In-sample: {ev.in_sample:,} of these {ev.n:,} hand-offs "
        "were used to train the model; the figures flatter it. / 学習データ内の評価："
        f"{ev.n:,}件中{ev.in_sample:,}件は学習に使ったトスアップで、数値はモデルを"
        "実際より良く見せる。</p>"
        if ev.in_sample
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>{banner}<p class=note>"
        f"{escape(ev.primary + versus)} · {ev.n:,} hand-offs</p></header>"
        + "".join(sections)
        + "</body></html>\n"
    )


def write_report(
    evaluation: Evaluation,
    out_dir: str | Path,
    *,
    title: str,
    meta: Mapping[str, str],
    split: Mapping[str, Any] | None = None,
    candidates: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Path]:
    """Write report.html, evaluation.json and one PNG per figure into `out_dir`.

    `split` is the training/evaluation split (`TrainResult.split`, optionally
    with `time_order` from import.json); it is stated on the page and in the JSON.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figures = plot_figures(evaluation)
    paths: dict[str, Path] = {
        "html": out / "report.html",
        "json": out / "evaluation.json",
    }
    paths["html"].write_text(
        render_html(
            evaluation,
            figures,
            title=title,
            meta=meta,
            split=split,
            candidates=candidates,
        ),
        encoding="utf-8",
    )
    document: dict[str, Any] = {"title": title, "meta": dict(meta)}
    if split is not None:
        sentence = split_sentence(split)
        document["split"] = {
            **{str(k): v for k, v in split.items()},
            "sentence": {"ja": sentence.ja, "en": sentence.en},
        }
    if candidates:
        document["candidates"] = {str(k): dict(v) for k, v in candidates.items()}
    document |= evaluation.to_dict()
    paths["json"].write_text(
        json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    for name, png in figures.items():
        paths[name] = out / f"{name}.png"
        paths[name].write_bytes(png)
    return paths
