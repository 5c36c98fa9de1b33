"""The recalibration report (HTML + PNG + JSON) and the recommended rubric YAML.

Figures, conclusions and the page are pure; `write_recalibration` is the only
function that touches the disk. The tables behind the report, as frames for a
notebook, are `readiness.reports.recalibration_frames`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any, Final

import numpy as np

from readiness.data.write import atomic_write_bytes
from readiness.model.effect_weights import EffectWeights
from readiness.model.effects import ElementEffects
from readiness.reports.html import (
    Conclusion,
    Safe,
    figures_html,
    findings_list,
    page,
    render_pngs,
    section,
    table,
)
from readiness.reports.recalibration_effects import (
    effect_warnings,
    effect_weight_warnings,
    effects_section,
)
from readiness.rubric.config import BANDS, Rubric, rubric_to_yaml
from readiness.rubric.recalibrate import (
    Recalibration,
    WeightsCheck,
    recalibrated_rubric,
)

__all__ = [
    "plot_recalibration",
    "recalibration_conclusions",
    "render_recalibration_html",
    "rubric_yaml_text",
    "write_recalibration",
]

_FIGURES: Final = {
    "weights": ("Item weights, current vs recommended", "項目の配点（現行と推奨）"),
    "win_rate": ("Win rate by score (isotonic)", "スコア別の受注率（単調回帰）"),
    "distribution": ("Scores of toss-ups", "トスアップのスコア分布"),
    "bands": ("Held-out win rate per band", "検証データのバンド別受注率"),
}


def _p(x: Any) -> str:
    return "-" if x is None or not math.isfinite(float(x)) else f"{float(x):.1%}"


def _n(x: Any, digits: int = 1) -> str:
    return "-" if x is None or not math.isfinite(float(x)) else f"{float(x):.{digits}f}"


def _ci(pair: Any, digits: int = 0) -> str:
    lo, hi = pair
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "-"
    return f"[{lo:.{digits}f}, {hi:.{digits}f}]"


# --- figures --------------------------------------------------------------------------


def _draw_weights(ax: Any, r: Recalibration) -> None:
    x = np.arange(len(r.items))
    old = [r.old_weights[k] for k in r.items]
    new = [r.weights[k] for k in r.items]
    lo = [r.weights_continuous[k] - r.weight_ci[k][0] for k in r.items]
    hi = [r.weight_ci[k][1] - r.weights_continuous[k] for k in r.items]
    ax.bar(x - 0.2, old, 0.4, label="current", color="#bbbbbb")
    ax.bar(x + 0.2, new, 0.4, label="recommended", color="#1f77b4")
    cont = [r.weights_continuous[k] for k in r.items]
    err = np.nan_to_num(np.array([lo, hi]), nan=0.0).clip(min=0)
    ax.errorbar(x + 0.2, cont, yerr=err, fmt="none", ecolor="#333", capsize=4)
    ax.set_xticks(x, list(r.items), fontsize=8)
    ax.set_ylabel("points (95% bootstrap interval)")
    ax.legend(fontsize=8)


def _draw_win_rate(ax: Any, r: Recalibration) -> None:
    grid = np.array(r.curves["grid"])
    for key, color, label in (("old", "#888888", "current"), ("new", "#1f77b4", "new")):
        lo, hi = r.curves[f"{key}_range"]
        mask = (grid >= lo) & (grid <= hi)
        ax.plot(grid[mask], np.array(r.curves[key])[mask], color=color, label=label)
    for value, style in ((r.bands[0], "-"), (r.bands[1], "--")):
        ax.axvline(value, color="#1f77b4", linestyle=style, alpha=0.6)
    for value, style in ((r.old_bands[0], "-"), (r.old_bands[1], "--")):
        ax.axvline(value, color="#888888", linestyle=style, alpha=0.6)
    ax.set_xlabel("score (lines: high / standard cut-offs)")
    ax.set_ylabel("win rate")
    ax.legend(fontsize=8)


def _draw_distribution(ax: Any, r: Recalibration) -> None:
    bins = np.arange(0, 102, 4)
    ax.hist(r.distribution["old"], bins=bins, alpha=0.5, label="current", color="#888")
    ax.hist(r.distribution["new"], bins=bins, alpha=0.5, label="new", color="#1f77b4")
    ax.set_xlabel("score")
    ax.set_ylabel("toss-ups (fit data)")
    ax.legend(fontsize=8)


def _draw_bands(ax: Any, r: Recalibration) -> None:
    h = r.heldout
    x = np.arange(3)
    old = [row["win_rate"] for row in h["bands_old"]]
    new = [row["win_rate"] for row in h["bands_new"]]
    ax.bar(x - 0.2, np.nan_to_num(old), 0.4, label="current", color="#bbbbbb")
    ax.bar(x + 0.2, np.nan_to_num(new), 0.4, label="new", color="#1f77b4")
    ax.set_xticks(x, [BANDS[b][1] for b in BANDS])
    ax.set_ylabel("win rate (held-out)")
    ax.legend(fontsize=8)


_DRAW: Final = {
    "weights": _draw_weights,
    "win_rate": _draw_win_rate,
    "distribution": _draw_distribution,
    "bands": _draw_bands,
}


def plot_recalibration(r: Recalibration, *, dpi: int = 100) -> dict[str, bytes]:
    """PNG bytes per figure (matplotlib object API, Agg; nothing displayed)."""
    titles = {name: _FIGURES[name][0] for name in _DRAW}
    return render_pngs(_DRAW, r, titles=titles, dpi=dpi)


# --- conclusions ----------------------------------------------------------------------


def recalibration_conclusions(r: Recalibration) -> list[Conclusion]:
    """Plain-language findings in Japanese and English, computed from the numbers."""
    out: list[Conclusion] = []
    ja_w = "・".join(f"{r.labels[k][0]} {r.weights[k]}" for k in r.items)
    en_w = ", ".join(f"{k} {r.weights[k]}" for k in r.items)
    old = "/".join(f"{r.old_weights[k]:g}" for k in r.items)
    out.append(
        Conclusion(
            f"推奨配点: {ja_w}（現行 {old}）。{r.n_train:,}件のトスアップ"
            f"（受注{r.wins_train:,}件）の結果から、合計点が受注を最もよく予測する"
            "非負・整数・合計100点の配点を求めました。",
            f"Recommended weights: {en_w} (current {old}), fitted on "
            f"{r.n_train:,} toss-ups ({r.wins_train:,} wins) so that the total "
            "predicts wins as well as whole, non-negative points summing to 100 can.",
        )
    )
    wide = [k for k in r.items if r.weight_ci[k][1] - r.weight_ci[k][0] > 20]
    if wide:
        out.append(
            Conclusion(
                "次の項目は配点の95%信頼区間が20点より広く、データが配点を決めきれて"
                f"いません: {'、'.join(r.labels[k][0] for k in wide)}。",
                "The data cannot pin down these weights (95% interval wider than "
                f"20 points): {', '.join(wide)}.",
            )
        )
    h = r.heldout
    diff_lo, diff_hi = h["auc_diff_ci"]
    better = math.isfinite(diff_lo) and diff_lo > 0
    worse = math.isfinite(diff_hi) and diff_hi < 0
    verdict_ja = (
        "新しい配点の方が明確に良い"
        if better
        else "新しい配点の方が明確に悪い"
        if worse
        else "差は統計的に明確ではない"
    )
    verdict_en = (
        "the new weights rank clearly better"
        if better
        else "the new weights rank clearly worse"
        if worse
        else "the difference is not statistically clear"
    )
    out.append(
        Conclusion(
            f"直近{h['n']:,}件の検証データ（学習に未使用）でのROC-AUCは現行"
            f"{_n(h['auc_old'], 3)}、新{_n(h['auc_new'], 3)}"
            f"（差の95%区間 {_ci(h['auc_diff_ci'], 3)}）: {verdict_ja}。",
            f"On the latest {h['n']:,} toss-ups (never used in the fit) ROC-AUC is "
            f"{_n(h['auc_old'], 3)} for the current rubric and {_n(h['auc_new'], 3)} "
            f"for the new one (difference 95% interval {_ci(h['auc_diff_ci'], 3)}): "
            f"{verdict_en}.",
        )
    )
    hi, st = r.bands
    how_ja = (
        "現在の各バンドのトスアップ比率を保つ"
        if r.bands_choice == "share"
        else "現行ルーブリックの境界点での受注率に達する"
    )
    how_en = (
        "keep today's share of toss-ups per band"
        if r.bands_choice == "share"
        else "reach the win rate the current rubric has at its cut-offs"
    )
    out.append(
        Conclusion(
            f"推奨バンド: 高 ≥ {hi:g}点、標準 ≥ {st:g}点（{how_ja}境界）。"
            f"受注率基準の境界は高 {_n(r.cutoffs_win_rate[0], 0)}点 "
            f"{_ci(r.cutoffs_win_rate_ci[0])}、標準 {_n(r.cutoffs_win_rate[1], 0)}点 "
            f"{_ci(r.cutoffs_win_rate_ci[1])}。検証データで{h['changed']:,}件"
            f"（{h['changed'] / max(h['n'], 1):.0%}）のバンドが変わります。",
            f"Recommended bands: high ≥ {hi:g}, standard ≥ {st:g} (cut-offs that "
            f"{how_en}). Win-rate cut-offs: high {_n(r.cutoffs_win_rate[0], 0)} "
            f"{_ci(r.cutoffs_win_rate_ci[0])}, standard "
            f"{_n(r.cutoffs_win_rate[1], 0)} {_ci(r.cutoffs_win_rate_ci[1])}. "
            f"{h['changed']:,} held-out toss-ups ({h['changed'] / max(h['n'], 1):.0%}) "
            "change band.",
        )
    )
    out.append(
        Conclusion(
            "注意（選択バイアス）: 結果があるのはトスアップされたリードだけで、"
            f"そのうちゲート通過は{r.gate_pass_share:.0%}です。配点は実際にトスアップ"
            "されるスコア範囲での予測力を表し、因果効果ではありません。"
            "ゲート通過分だけで再推定した配点を下表に示します。大きく違う項目は"
            "選択の影響を受けています。",
            "Caveat (selection): only toss-ups have outcomes, and "
            f"{r.gate_pass_share:.0%} of them passed the gate. The weights describe "
            "what predicts wins within the score range reps actually toss up in; "
            "they are not causal effects. The table shows a refit on gate-passing "
            "toss-ups only: items whose weight moves a lot are shaped by selection.",
        )
    )
    return out


# --- HTML ----------------------------------------------------------------------


def _weights_table(r: Recalibration) -> str:
    rows: list[list[object]] = []
    for k in r.items:
        spread = r.item_spread[k]
        rows.append(
            [
                f"{r.labels[k][0]} / {r.labels[k][1]}",
                f"{r.old_weights[k]:g}",
                Safe(f"<strong>{r.weights[k]}</strong>"),
                _n(r.weights_continuous[k]),
                _ci(r.weight_ci[k], 1),
                _n(r.weights_gate_passed[k]),
                f"{spread['mean']:.2f} ± {spread['sd']:.2f}",
                _p(spread["share_full"]),
            ]
        )
    return table(
        [
            "item / 項目",
            "current / 現行",
            "recommended / 推奨",
            "continuous / 連続値",
            "95% CI",
            "gate-passed only / ゲート通過のみ",
            "item fraction mean ± sd / 達成率",
            "at full marks / 満点の割合",
        ],
        rows,
        cls="num",
    )


def _criteria_table(r: Recalibration) -> str:
    rows = [
        [
            c["item"],
            f"{c['label_ja']} / {c['label_en']}",
            f"{c['share']:.2f}",
            _n(c["suggested_share"], 2),
            _ci(c["suggested_ci"], 2),
            _p(c["mean_fraction"]),
        ]
        for c in r.criteria
    ]
    return (
        "<p class=note>Suggestions only, not applied to the YAML: shares inside each "
        "item from one non-negative logistic fit over every criterion. "
        "提案のみ（YAMLには反映しません）。</p>"
        + table(
            [
                "item",
                "criterion / 基準",
                "current share / 現行",
                "suggested / 提案",
                "95% CI",
                "met / 達成率",
            ],
            rows,
            cls="num",
        )
    )


def _bands_table(r: Recalibration) -> str:
    h = r.heldout
    rows = []
    for old, new in zip(h["bands_old"], h["bands_new"], strict=True):
        ja, en = BANDS[old["band"]]
        row: list[object] = [
            f"{ja} / {en}",
            f"{old['n']:,}",
            _p(old["win_rate"]),
            f"{new['n']:,}",
            _p(new["win_rate"]),
        ]
        if h["has_model"]:
            row += [_p(old["model_probability"]), _p(new["model_probability"])]
        rows.append(row)
    headers = ["band", "current n", "current win rate", "new n", "new win rate"]
    if h["has_model"]:
        headers += ["model p (current bands)", "model p (new bands)"]
    matrix: list[list[object]] = [
        [f"{BANDS[a][0]} / {BANDS[a][1]}", *(f"{v:,}" for v in row.values())]
        for a, row in h["band_changes"].items()
    ]
    cut_rows: list[list[object]] = [
        [
            "current / 現行",
            f"{r.old_bands[0]:g}",
            f"{r.old_bands[1]:g}",
            "-",
        ],
        [
            "win rate / 受注率基準",
            f"{_n(r.cutoffs_win_rate[0], 0)} {_ci(r.cutoffs_win_rate_ci[0])}",
            f"{_n(r.cutoffs_win_rate[1], 0)} {_ci(r.cutoffs_win_rate_ci[1])}",
            f"targets {_p(r.targets[0])} / {_p(r.targets[1])} ({r.targets_source})",
        ],
        [
            "share / 比率維持",
            f"{_n(r.cutoffs_share[0], 0)} {_ci(r.cutoffs_share_ci[0])}",
            f"{_n(r.cutoffs_share[1], 0)} {_ci(r.cutoffs_share_ci[1])}",
            "today's share per band / 現在のバンド比率",
        ],
    ]
    return (
        "<h3>Cut-offs / 境界点 (chosen: "
        + escape(r.bands_choice)
        + ")</h3>"
        + table(["rule / 方法", "high / 高", "standard / 標準", "basis"], cut_rows)
        + "<h3>Held-out bands / 検証データのバンド</h3>"
        + table(headers, rows, cls="num")
        + "<h3>Band changes (rows: current, columns: new) / バンドの移動</h3>"
        + table(["current \\ new", *(BANDS[b][1] for b in BANDS)], matrix, cls="num")
    )


def render_recalibration_html(
    r: Recalibration,
    figures: Mapping[str, bytes],
    *,
    meta: Mapping[str, str],
    effects: ElementEffects | None = None,
    effect_weights: EffectWeights | None = None,
    effect_check: WeightsCheck | None = None,
) -> str:
    """One self-contained page; every value escaped, images inline."""
    notes = "".join(f"<li>{escape(n)}</li>" for n in r.notes)
    facts: list[list[object]] = [
        ["fit period / 学習期間", " – ".join(r.period_train)],
        ["held-out period / 検証期間", " – ".join(r.period_test)],
        ["toss-ups fit / 学習件数", f"{r.n_train:,}"],
        ["toss-ups held out / 検証件数", f"{r.n_test:,}"],
        ["bootstrap resamples", str(r.n_bootstrap)],
    ]
    facts += [[k, v] for k, v in meta.items()]
    method = (
        "<p>Form: total = Σ weight × item fraction (points / maximum under the "
        "current criteria). Weights: logistic regression of <code>won</code> on the "
        "item fractions with non-negative coefficients, scaled to 100 and rounded "
        "to whole points by a search that loses the least log-loss. Intervals: "
        "bootstrap over the fit toss-ups. Held-out: the latest toss-ups by "
        "hand-off time. Selection: toss-ups are what reps chose to hand off, so the "
        "low-score region is thin; cut-offs are only placed where scores are "
        "observed, and the gate-passing refit shows the sensitivity.</p>"
        "<p>形式: 合計 = Σ 配点 × 項目達成率。配点は受注を目的変数とする非負制約付き"
        "ロジスティック回帰を100点に換算し、対数損失が最小になるよう整数化しました。"
        "区間はブートストラップ、検証は時系列で最新のトスアップです。</p>"
    )
    sections = [
        section(
            "conclusions",
            "Conclusions / 結論",
            findings_list(recalibration_conclusions(r)),
        ),
        section("weights", "Item weights / 項目の配点", _weights_table(r)),
        *(
            [effects_section(r, effects, effect_weights, effect_check)]
            if effects is not None
            else []
        ),
        section("bands", "Bands / バンド", _bands_table(r)),
        section("figures", "Figures / 図", figures_html(figures, _FIGURES)),
        section("criteria", "Sub-criteria / 評価基準", _criteria_table(r)),
        section(
            "method", "Method / 方法", method + (f"<ul>{notes}</ul>" if notes else "")
        ),
        section("meta", "Run / 実行情報", table(["key", "value"], facts)),
    ]
    return page("Rubric recalibration / ルーブリック再調整", sections)


def rubric_yaml_text(
    r: Recalibration,
    rubric: Rubric,
    *,
    source: str,
    effect_check: WeightsCheck | None = None,
) -> str:
    """The recommended rubric as YAML with a header saying where it came from;
    with `effect_check`, its effect-following weights and their cut-offs."""
    chosen = effect_check
    weights = r.weights if chosen is None else chosen.weights
    bands = r.bands if chosen is None else chosen.bands
    heldout = r.heldout if chosen is None else chosen.heldout
    new = recalibrated_rubric(
        rubric, weights, bands, name=f"recalibrated-{r.period_train[1]}"
    )
    header = (
        "# Recalibrated 100-point hand-off rubric (readiness recalibrate).\n"
        f"# Source: {source}; fit on {r.n_train:,} toss-ups "
        f"{r.period_train[0]}..{r.period_train[1]}, "
        f"checked on {r.n_test:,} later ones.\n"
        + (
            ""
            if chosen is None
            else "# Weights follow the adjusted element effects (--weights effects).\n"
        )
        + f"# Held-out ROC-AUC: current {_n(heldout['auc_old'], 3)}, "
        f"this {_n(heldout['auc_new'], 3)}. Based on: {rubric.name}.\n"
        "# Adopt it with `readiness rubric adopt rubric.yaml` "
        "(`readiness rubric revert` undoes).\n"
    )
    return header + rubric_to_yaml(new)


def write_recalibration(
    r: Recalibration,
    rubric: Rubric,
    out_dir: str | Path,
    *,
    source: str,
    meta: Mapping[str, str],
    effects: ElementEffects | None = None,
    effect_weights: EffectWeights | None = None,
    effect_check: WeightsCheck | None = None,
    write_effect_weights: bool = False,
) -> dict[str, Path]:
    """Write report.html, report.json, one PNG per figure and rubric.yaml.

    With `effects` (adjusted element effects), the report sets them beside the
    weights and warns where they disagree; with `effect_weights` (and
    `effect_check`, their cut-offs and held-out check) it shows the
    effect-following weights too, and `write_effect_weights` puts them into
    rubric.yaml instead of the recommended ones."""
    chosen = effect_check if write_effect_weights else None
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figures = plot_recalibration(r)
    paths = {
        "html": out / "report.html",
        "json": out / "report.json",
        "rubric": out / "rubric.yaml",
    }
    html = render_recalibration_html(
        r,
        figures,
        meta=meta,
        effects=effects,
        effect_weights=effect_weights,
        effect_check=effect_check,
    )
    atomic_write_bytes(paths["html"], html.encode("utf-8"))
    document: dict[str, Any] = {"meta": dict(meta), **r.to_dict()}
    if effects is not None:
        document["adjusted_effects"] = effects.to_dict()
        document["effect_warnings"] = effect_warnings(r, effects)
    if effect_weights is not None:
        document["effect_weights"] = {
            **effect_weights.to_dict(),
            "check": None if effect_check is None else effect_check.to_dict(),
        }
        document["effect_warnings"] = document.get(
            "effect_warnings", []
        ) + effect_weight_warnings(r, effect_weights)
    document["weights_written"] = "outcomes" if chosen is None else "effects"
    atomic_write_bytes(
        paths["json"],
        (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
    )
    atomic_write_bytes(
        paths["rubric"],
        rubric_yaml_text(r, rubric, source=source, effect_check=chosen).encode("utf-8"),
    )
    for name, png in figures.items():
        paths[name] = out / f"{name}.png"
        atomic_write_bytes(paths[name], png)
    return paths
