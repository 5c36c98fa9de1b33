"""The recalibration report's adjusted effects, set beside the recommended weights.

The recommended weights are fitted to outcomes: they follow what goes with winning.
`readiness.model.effects` estimates each element's effect adjusting for behaviour,
intent, IS activity, firmographics, source and reps. This module sets the two side
by side per rubric item and writes the warnings (Japanese and English) a sales-ops
team needs before adopting the weights as if they were causal:

- a weight the recommendation moves (by `MOVE_POINTS` or more) although none of the
  item's elements has an adjusted effect told apart from zero;
- an element whose association lies outside its adjusted 95 % interval (what goes
  with winning is not what collecting it does);
- an element whose effect cannot be told (nearly every memo has it, or none);
- an item whose recommended (associational) weight and effect-following weight
  (`readiness.model.effect_weights`) disagree beyond both their intervals.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any, Final

from readiness.fields import BANT_KEYS
from readiness.model.effect_weights import EffectWeights
from readiness.model.effects import ElementEffect, ElementEffects
from readiness.reports.html import Safe, section, table
from readiness.rubric.recalibrate import Recalibration, WeightsCheck

__all__ = [
    "ITEM_ELEMENTS",
    "adjusted_effects_table",
    "effect_warnings",
    "effect_weight_warnings",
    "effect_weights_table",
    "effects_section",
]

# The rubric items of the articles and the memo elements they score.
ITEM_ELEMENTS: Final[dict[str, tuple[str, ...]]] = {
    "basics": ("basics",),
    "problem": ("problem",),
    "bant": BANT_KEYS,
    "competition": ("competition",),
    "next_action": ("next_action",),
}
# A recommended change of at least this many points is one to justify.
MOVE_POINTS: Final = 3.0


def _told(e: ElementEffect) -> bool:
    """An effect told apart from zero: estimable and its interval excludes 0."""
    if not e.can_tell or e.ci_low is None or e.ci_high is None:
        return False
    return e.ci_low > 0 or e.ci_high < 0


def _pts(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:+.1f}"


def effect_warnings(r: Recalibration, effects: ElementEffects) -> list[str]:
    """Bilingual warnings where association and adjusted effects disagree."""
    out: list[str] = []
    known = {e.element for e in effects.effects}
    for item, elements in ITEM_ELEMENTS.items():
        if item not in r.weights:
            continue
        mine = [effects[e] for e in elements if e in known]
        old, new = float(r.old_weights[item]), float(r.weights[item])
        if mine and abs(new - old) >= MOVE_POINTS and not any(map(_told, mine)):
            ja, en = r.labels[item]
            out.append(
                f"{en}: the recommended {old:g} → {new:g} points follows the "
                "association; adjusted for behaviour and intent, none of its elements "
                f"({', '.join(elements)}) has an effect told apart from zero. "
                f"/ {ja}: 推奨配点 {old:g} → {new:g} 点は受注との相関に基づく値です。"
                "行動・購買意欲などで調整すると、どの要素の効果もゼロと区別できません。"
            )
    for e in effects.effects:
        if not e.can_tell:
            out.append(
                f"{e.element}: its effect cannot be told ({e.reason}). "
                f"/ {e.element}: 効果を推定できません（{e.reason}）。"
            )
        elif (
            e.naive is not None
            and e.ci_low is not None
            and e.ci_high is not None
            and not e.ci_low <= e.naive <= e.ci_high
        ):
            out.append(
                f"{e.element}: the association ({_pts(e.naive)} pt) lies outside "
                f"the adjusted 95 % interval [{_pts(e.ci_low)}, {_pts(e.ci_high)}] "
                "pt: what goes with winning is not what collecting it does. "
                f"/ {e.element}: 相関（{_pts(e.naive)} pt）が調整後の95%区間"
                f"［{_pts(e.ci_low)}, {_pts(e.ci_high)}］pt の外にあります。"
                "受注との相関は、取得したことの効果ではありません。"
            )
    return out


def adjusted_effects_table(r: Recalibration, effects: ElementEffects) -> str:
    """Per element: its item and weights, adjusted effect and interval, association."""
    item_of = {e: item for item, els in ITEM_ELEMENTS.items() for e in els}
    rows: list[list[object]] = []
    for e in effects.effects:
        item = item_of.get(e.element, "")
        old = r.old_weights.get(item)
        new = r.weights.get(item)
        effect: Any = (
            Safe(f"<strong>{_pts(e.effect)}</strong>") if _told(e) else _pts(e.effect)
        )
        rows.append(
            [
                e.element,
                item,
                "—" if old is None else f"{old:g} → {new}",
                f"{100 * e.share_filled:.0f}%",
                effect,
                "—" if e.ci_low is None else f"[{_pts(e.ci_low)}, {_pts(e.ci_high)}]",
                _pts(e.naive),
                "—" if e.rv is None else f"{e.rv:.3f}",
                "yes / 可" if e.can_tell else f"no / 不可 ({e.reason})",
            ]
        )
    return table(
        [
            "element / 要素",
            "item / 項目",
            "weight now → recommended / 配点",
            "filled / 記入率",
            "adjusted effect, pt / 調整後の効果",
            "95% CI",
            "association, pt / 相関",
            "robustness value / 頑健性",
            "can tell / 推定可否",
        ],
        rows,
        cls="num",
    )


def _interval(pair: tuple[float, float] | None) -> tuple[float, float] | None:
    if pair is None or not all(math.isfinite(x) for x in pair):
        return None
    return pair


def _ci1(pair: tuple[float, float] | None) -> str:
    pair = _interval(pair)
    return "—" if pair is None else f"[{pair[0]:.1f}, {pair[1]:.1f}]"


def effect_weight_warnings(r: Recalibration, weights: EffectWeights) -> list[str]:
    """Bilingual warnings where the recommended weight and the effect-following
    weight disagree beyond their intervals: each lies outside the other's 95 %
    interval (continuous weights; no judgement where an interval is missing)."""
    if not weights.available:
        return [
            f"effect-following weights: none — {weights.reason}. "
            "/ 効果に基づく配点: なし — 調整後の効果では配点を裏付けられません"
            "（正の効果がゼロと区別できる項目がありません）。"
        ]
    out: list[str] = []
    for item in weights.items:
        if item.item not in r.weights_continuous or item.weight_continuous is None:
            continue
        a, e = float(r.weights_continuous[item.item]), item.weight_continuous
        a_ci, e_ci = _interval(r.weight_ci.get(item.item)), _interval(item.interval)
        if a_ci is None or e_ci is None:
            continue
        if e_ci[0] <= a <= e_ci[1] or a_ci[0] <= e <= a_ci[1]:
            continue
        ja, en = r.labels[item.item]
        more = a > e
        out.append(
            f"{en}: the recommended weight {a:.1f} {_ci1(a_ci)} and the "
            f"effect-following weight {e:.1f} {_ci1(e_ci)} disagree beyond their "
            f"intervals: outcomes weigh this item {'more' if more else 'less'} than "
            "its adjusted effect supports. "
            f"/ {ja}: 推奨配点 {a:.1f} {_ci1(a_ci)} と効果に基づく配点 {e:.1f} "
            f"{_ci1(e_ci)} が区間を超えて食い違っています。受注との相関は、この項目を"
            f"調整後の効果が裏付けるより{'重く' if more else '軽く'}評価しています。"
        )
    return out


def _auc(check: WeightsCheck | None, r: Recalibration) -> str:
    def f(x: Any) -> str:
        return "—" if x is None or not math.isfinite(float(x)) else f"{float(x):.3f}"

    h = r.heldout
    text = (
        f"Held-out ROC-AUC / 検証データのROC-AUC: current / 現行 {f(h['auc_old'])}, "
        f"recommended / 推奨 {f(h['auc_new'])}"
    )
    if check is not None:
        text += (
            f", effect-following / 効果に基づく {f(check.heldout['auc_new'])} "
            f"(bands / バンド {check.bands[0]:g}/{check.bands[1]:g})"
        )
    return text


def effect_weights_table(
    r: Recalibration, weights: EffectWeights, check: WeightsCheck | None = None
) -> str:
    """Per item: current weight, recommended weight and its bootstrap interval,
    the item's adjusted effect, the effect-following weight and its interval."""
    rows: list[list[object]] = []
    for item in weights.items:
        if item.item not in r.weights:
            continue
        ja, en = r.labels[item.item]
        effect = f"{_pts(item.effect)} [{_pts(item.ci_low)}, {_pts(item.ci_high)}]"
        if item.untold:
            effect += f" (cannot tell / 推定不可: {', '.join(item.untold)})"
        rows.append(
            [
                f"{ja} / {en}",
                f"{r.old_weights[item.item]:g}",
                Safe(f"<strong>{r.weights[item.item]}</strong>"),
                _ci1(r.weight_ci.get(item.item)),
                Safe(f"<strong>{escape(effect)}</strong>")
                if item.told_positive
                else effect,
                "—" if item.weight is None else Safe(f"<strong>{item.weight}</strong>"),
                "—"
                if item.weight_continuous is None
                else f"{item.weight_continuous:.1f}",
                _ci1(item.interval),
            ]
        )
    note = "" if weights.available else f"<p>{escape(weights.reason)}.</p>"
    return (
        note
        + table(
            [
                "item / 項目",
                "current / 現行",
                "recommended (outcomes) / 推奨（相関）",
                "95% CI",
                "item adjusted effect, pt [95% CI] / 項目の調整後効果",
                "effect-following / 効果に基づく",
                "continuous / 連続値",
                "95% interval / 区間",
            ],
            rows,
            cls="num",
        )
        + f"<p>{_auc(check, r)}</p>"
    )


def effects_section(
    r: Recalibration,
    effects: ElementEffects,
    weights: EffectWeights | None = None,
    check: WeightsCheck | None = None,
) -> str:
    """The report's section: warnings, the effect-following weights per item (if
    any) and the adjusted effect per element."""
    warnings = effect_warnings(r, effects)
    if weights is not None:
        warnings += effect_weight_warnings(r, weights)
    intro = (
        "<p>Each element's effect on winning, adjusted for behaviour and intent "
        "signals, IS activity, firmographics, source and reps by double machine "
        "learning (DoubleML, cross-fitted LightGBM), beside its association (win "
        "rate with the element confirmed minus without). The recommended weights "
        "above follow the association; read them as causal only where the "
        "adjusted effect agrees. Robustness value: how strong (partial R²) a hidden "
        "common cause would have to be to erase the effect.</p>"
        "<p>各要素の受注への効果を、行動・購買意欲・IS活動・企業属性・流入元・担当者で"
        "調整して推定し（ダブル機械学習）、相関と並べています。上の推奨配点は相関に"
        "基づくため、調整後の効果と一致する場合にのみ因果として解釈してください。</p>"
    )
    listing = "".join(f"<li>{escape(w)}</li>" for w in warnings)
    body = intro + (f"<ul class='warnings'>{listing}</ul>" if listing else "")
    if weights is not None:
        body += (
            "<h3>Effect-following weights / 効果に基づく配点</h3>"
            "<p>Weights ∝ each item's positive adjusted effect (the sum of its "
            "elements'), whole points summing to 100; 95 % intervals from draws of "
            "the element effects. Written to rubric.yaml with "
            "<code>--weights effects</code>.</p>"
            "<p>各項目の調整後の効果（要素の効果の合計）のうち正の部分に比例した配点"
            "（整数、合計100点）。区間は要素効果の乱数抽出による95%区間です。</p>"
            + effect_weights_table(r, weights, check)
        )
    return section(
        "effects",
        "Adjusted element effects / 調整後の要素効果",
        body + "<h3>Per element / 要素別</h3>" + adjusted_effects_table(r, effects),
    )
