"""The evaluation report: figures, one self-contained HTML page, and its JSON.

`plot_figures` and `render_html` are pure (an `Evaluation` in, PNG bytes and a
string out); `write_report` is the only function that touches the disk. The
page needs nothing from the network — images are embedded, CSS is inline — so
it can be mailed or attached to a ticket as one file. Conclusions are written
from the numbers (with the bootstrap intervals deciding what counts as a
difference), in Japanese for the sales floor and English for everyone else.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any, Final

import pandas as pd

from readiness.model.evaluate import ORACLE, Evaluation
from readiness.reports.conclusions import conclusions
from readiness.reports.evaluation_figures import FIGURES, plot_figures
from readiness.reports.html import (
    Conclusion,
    Safe,
    figures_html,
    findings_list,
    page,
    section,
    table,
)
from readiness.reports.split import split_sentence
from readiness.rubric.config import BANDS

__all__ = ["render_html", "write_report"]

_BAND_NAMES: Final = {str(k): v for k, v in BANDS.items()}


# --- figures -----------------------------------------------------------------------


# --- HTML --------------------------------------------------------------------------


def _fin(*xs: float) -> bool:
    return all(isinstance(x, int | float) and math.isfinite(x) for x in xs)


def _p(x: float) -> str:
    return f"{x:.1%}" if _fin(x) else "-"


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
            row.append(Safe(f"<strong>{escape(text)}</strong>") if strong else text)
        rows.append(row)
    headers = ["predictor", "column", "role", *(label for _, label, _, _ in _METRICS)]
    html = table(headers, rows, cls="num")
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
            + table(
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
    ev: Evaluation, rates: pd.DataFrame, lead: list[str], cells: list[list[str]]
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
        for first, (_, r) in zip(cells, rates.iterrows(), strict=True)
    ]
    return table(headers, rows, cls="num")


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
    rates = (
        _rate_table(ev, t, lead, cells)
        if ev.rubric
        else _model_rate_table(ev, t, lead, cells)
    )
    return rates + (
        "<p class=note>Decile 1 holds the lowest predicted probabilities; equal "
        "probabilities share a decile. / 十分位1が最も低い予測確率。同じ確率は同じ"
        "十分位に入る。</p>"
    )


def _model_rate_table(
    ev: Evaluation, rates: pd.DataFrame, lead: list[str], cells: list[list[str]]
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
        for first, (_, r) in zip(cells, rates.iterrows(), strict=True)
    ]
    return table(headers, rows, cls="num")


def _bilingual(c: Conclusion) -> Safe:
    ja, en = escape(c.ja), escape(c.en)
    return Safe(f'<span lang="ja">{ja}</span><br><span lang="en">{en}</span>')


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
    return table(headers, rows) + (
        "<p class=note>Log-odds gap > 0: the model is more optimistic than the rubric."
        " / 対数オッズ差が正ならモデルの方が楽観的。</p>"
    )


def _intervals_section(ev: Evaluation) -> str:
    """Coverage per segment of the served probability's interval (docs/intervals.md)."""
    t = ev.intervals
    truth = "coverage_truth" in t.columns
    headers = [
        "segment / セグメント",
        "n",
        "mean width / 平均幅",
        "mean p / 平均確率",
        "mean interval / 平均区間",
        "win rate / 受注率",
        "rate inside / 区間内",
        *(["truth covered / 真の確率を含む割合"] if truth else []),
    ]
    rows: list[list[object]] = [
        [
            str(r["segment"]),
            f"{int(r['n']):,}",
            _p(float(r["mean_width"])),
            _p(float(r["mean_probability"])),
            f"{_p(float(r['mean_low']))}–{_p(float(r['mean_high']))}",
            _p(float(r["win_rate"])),
            "yes / はい" if r["rate_inside"] else "no / いいえ",
            *([_p(float(r["coverage_truth"]))] if truth else []),
        ]
        for _, r in t.iterrows()
    ]
    return table(headers, rows, cls="num") + (
        "<p class=note>Nominal level: none. The interval is Venn-ABERS's "
        "multiprobability (p0, p1): how far one more outcome could move the "
        "calibration at this score in this segment, not a coverage level. A "
        "probability cannot be checked on one 0/1 outcome, so each segment's "
        "observed win rate is set against its mean interval; with a simulated "
        "world's truth, the share of toss-ups whose true probability lies in the "
        "interval. / 名目水準なし。区間はVenn-ABERSの多重確率(p0, p1)で、この点数・"
        "セグメントで結果がもう1件増えたら較正がどれだけ動くかを示す（被覆率の保証では"
        "ない）。確率は1件の受注・失注では検証できないため、セグメントの実績受注率を"
        "平均区間と比べる。シミュレーションでは真の確率が区間に入る割合も示す。</p>"
    )


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
    return note + table(["candidate", "log-loss", "Brier", "ROC-AUC", "verdict"], rows)


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
    figure_html = figures_html(figures, FIGURES)
    sections = [
        section(
            "conclusions",
            "Conclusions / 結論",
            findings_list(conclusions(ev, split=split)),
        ),
        *(
            [
                section(
                    "candidates",
                    "What is served, and why / 提供する予測器とその理由",
                    _candidates_section(candidates),
                )
            ]
            if candidates
            else []
        ),
        section(
            "metrics", "Metrics per predictor / 予測器ごとの指標", _metrics_section(ev)
        ),
        section("figures", "Figures / 図", figure_html or "<p>No figures.</p>"),
        *(
            [
                section(
                    "intervals",
                    "Probability intervals per segment / セグメント別の確率の区間",
                    _intervals_section(ev),
                )
            ]
            if not ev.intervals.empty
            else []
        ),
        section(
            "model-deciles",
            f"Win rate per decile of {ev.primary}'s probability / "
            "予測確率の十分位別の受注率",
            _model_deciles_section(ev),
        ),
    ]
    if ev.rubric_informative:
        sections += [
            section("bands", "Rubric bands / バンド別", _bands_section(ev)),
            section(
                "deciles", "Rubric-score deciles / スコア十分位別", _deciles_section(ev)
            ),
            section(
                "disagreements",
                "Largest disagreements, model vs rubric / "
                "判断が最も食い違ったトスアップ",
                _disagreements_section(ev),
            ),
        ]
    sections.append(
        section("meta", "Run / 実行情報", table(["key", "value"], meta_rows))
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
    subtitle = f"<p class=note>{escape(ev.primary + versus)} · {ev.n:,} hand-offs</p>"
    return page(title, sections, header=banner + subtitle)


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
