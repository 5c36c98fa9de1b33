"""The evaluation report's findings, in Japanese and English, from the numbers.

Pure: an `Evaluation` (and the split description) in, `Conclusion`s out. A
difference counts only when its bootstrap interval excludes zero; the rubric is
compared with only when it varies, and the served predictor always meets the
strongest baseline. `readiness.reports.evaluation` lays them out on the page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

import numpy as np

from readiness.model.evaluate import ORACLE, Evaluation
from readiness.reports.html import Conclusion
from readiness.reports.split import split_sentence

__all__ = ["conclusions"]

_MIN_BAND_N: Final = 30  # fewer hand-offs than this: a band's rate is too noisy
_MIN_GROUP_N: Final = 10


def _fin(*xs: float) -> bool:
    return all(isinstance(x, int | float) and math.isfinite(x) for x in xs)


def _p(x: float) -> str:
    return f"{x:.1%}" if _fin(x) else "-"


def _num(x: Any, digits: int = 3) -> str:
    return f"{float(x):.{digits}f}" if _fin(float(x)) else "-"


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


def _in_sample(ev: Evaluation) -> Conclusion | None:
    if not ev.in_sample:
        return None
    return Conclusion(
        f"注意：これは学習データ内の評価（インサンプル）。評価した{ev.n:,}件のうち"
        f"{ev.in_sample:,}件はモデルの学習に使ったトスアップで、数値はモデルを実際より"
        "良く見せる。正直な評価は学習期間後のトスアップだけで行う"
        "（`readiness evaluate` の既定）。",
        f"In-sample: {ev.in_sample:,} of the {ev.n:,} hand-offs evaluated were in "
        "the model's training data, so these figures flatter the model. The honest "
        "figures come from hand-offs after training only (`readiness evaluate`'s "
        "default).",
    )


def _rubric_note(ev: Evaluation) -> Conclusion | None:
    """One line on why the rubric sections are missing, when they are."""
    if ev.rubric_informative:
        return None
    value = ev.rubric_constant
    points = "" if value is None else f"（{value:g}点）"
    points_en = "" if value is None else f" ({value:g} points)"
    memo = value == 0
    return Conclusion(
        f"100点スコアはすべてのトスアップで同じ{points}"
        + ("で、データにスコアを付けられるトスアップメモがない" if memo else "")
        + "。スコアは何も並べ替えられないため、バンド別・十分位別の表と"
        "100点スコアとの比較は省略した。",
        f"The 100-point rubric gives every hand-off the same total{points_en}"
        + (": the data has no hand-off memos it can score" if memo else "")
        + ". It ranks nothing, so the rubric band and decile tables and the "
        "comparison with the rubric are left out.",
    )


def _verdict(c: Mapping[str, float]) -> tuple[str, str]:
    """Better / worse / mixed / level, from the ROC-AUC and Brier intervals."""
    lo, hi = c["roc_auc_diff_low"], c["roc_auc_diff_high"]
    blo, bhi = c["brier_diff_low"], c["brier_diff_high"]
    better = (_fin(lo) and lo > 0) or (_fin(bhi) and bhi < 0)
    worse = (_fin(hi) and hi < 0) or (_fin(blo) and blo > 0)
    if better and worse:
        return (
            "指標によって優劣が分かれる",
            "is better on one measure and worse on another",
        )
    if better:
        return "これを上回る", "beats it"
    if worse:
        return "これを下回る", "is worse than it"
    if not _fin(lo, blo):
        return "これとの差は判定できない（信頼区間なし）", "is not judged (no interval)"
    return "これとの差は誤差の範囲内", "is level with it (differences within noise)"


def _versus_baseline(ev: Evaluation, name: str) -> Conclusion:
    c, m, b = ev.comparisons[name], ev.metrics[ev.primary], ev.metrics[name]
    verdict, verdict_en = _verdict(c)
    auc = f"ROC-AUC {_num(m['roc_auc'])} 対 {_num(b['roc_auc'])}"
    auc_en = f"ROC-AUC {_num(m['roc_auc'])} vs {_num(b['roc_auc'])}"
    if _fin(c["roc_auc_diff_low"], c["roc_auc_diff_high"]):
        auc += (
            f"（差の95%信頼区間 {c['roc_auc_diff_low']:+.3f}〜"
            f"{c['roc_auc_diff_high']:+.3f}）"
        )
        auc_en += (
            f" (difference 95% CI {c['roc_auc_diff_low']:+.3f} to "
            f"{c['roc_auc_diff_high']:+.3f})"
        )
    losses = (
        f"log loss {_num(m['log_loss'], 4)} 対 {_num(b['log_loss'], 4)}、"
        f"Brier {_num(m['brier'], 4)} 対 {_num(b['brier'], 4)}"
    )
    losses_en = (
        f"log loss {_num(m['log_loss'], 4)} vs {_num(b['log_loss'], 4)}, "
        f"Brier {_num(m['brier'], 4)} vs {_num(b['brier'], 4)}"
    )
    if name == ev.reference:
        who = f"最も強い比較対象（log lossが最小）は100点スコア「{name}」。"
        who_en = f"The strongest baseline (lowest log loss) is the rubric, {name!r}"
    else:
        who = f"最も強い比較対象（log lossが最小）は「{name}」。"
        who_en = f"The strongest baseline (lowest log loss) is {name!r}"
    return Conclusion(
        f"{who}提供中の予測器「{ev.primary}」は{verdict}："
        f"{auc}、{losses}（損失は小さいほど良い）。",
        f"{who_en}; the served predictor {ev.primary!r} {verdict_en}: "
        f"{auc_en}; {losses_en} (losses: lower is better).",
    )


def conclusions(
    evaluation: Evaluation, *, split: Mapping[str, Any] | None = None
) -> list[Conclusion]:
    """Plain-language findings; differences count only if their interval excludes 0.

    The served predictor is set against the strongest baseline and, when the
    rubric varies at all, the rubric; a constant rubric gets one line saying so.
    """
    ev, ref = evaluation, evaluation.rubric
    found: list[Conclusion | None] = [
        _in_sample(ev),
        Conclusion(
            f"評価したトスアップは{ev.n:,}件、受注率は{_p(ev.base_rate)}。",
            f"Evaluated on {ev.n:,} hand-offs with a win rate of {_p(ev.base_rate)}.",
        ),
    ]
    if split is not None:
        found.append(split_sentence(split))
    found.append(_rubric_note(ev))
    strongest = ev.strongest_baseline()
    if strongest is not None and strongest != ref:
        found.append(_versus_baseline(ev, strongest))
    if ref is not None:
        if strongest == ref:
            found.append(_versus_baseline(ev, ref))
        found += [_ranking(ev, ref), _headroom(ev, ref)]
    found += [_probability_quality(ev, ref), _lift(ev, ref)]
    if ev.rubric_informative:
        found += _bands(ev, ref)
    if ref is not None:
        found += _disagreements(ev)
    return [c for c in found if c is not None]
