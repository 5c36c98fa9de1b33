"""The evaluation report is one self-contained, escaped HTML page whose conclusions
follow from the numbers, plus strict JSON and PNG figures written side by side."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from synthetic_handoffs import synthetic_handoffs

from readiness.model.evaluate import Evaluation, evaluate
from readiness.reports.conclusions import conclusions
from readiness.reports.evaluation import render_html, write_report
from readiness.reports.evaluation_figures import plot_figures
from readiness.reports.split import split_sentence, time_order_sentence

PREDICTIONS = {
    "model": "p_model",
    "rubric_total": "p_rubric",
    "logistic": "p_logistic",
    "oracle": "p_true",
}
EVIL = "<script>alert(1)</script>"
FIGURES = ("reliability", "bands", "deciles", "gains", "roc")
SECTIONS = (
    "conclusions",
    "metrics",
    "figures",
    "model-deciles",
    "bands",
    "deciles",
    "disagreements",
)
RUBRIC_SECTIONS = ("bands", "deciles", "disagreements")


def handoffs(n: int = 1_500, seed: int = 0) -> pd.DataFrame:
    frame = synthetic_handoffs(n, seed=seed, every="4h")
    frame["p_logistic"] = 0.5 * frame["p_model"] + 0.5 * frame["p_rubric"]
    # a hostile id on the hand-off with the largest disagreement of all
    frame.loc[0, "lead_id"] = EVIL
    frame.loc[0, "p_model"], frame.loc[0, "p_rubric"] = 0.999, 0.001
    return frame


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return evaluate(handoffs(), predictions=PREDICTIONS, n_bootstrap=100)


@pytest.fixture(scope="module")
def figures(evaluation: Evaluation) -> dict[str, bytes]:
    return plot_figures(evaluation)


@pytest.fixture(scope="module")
def page(evaluation: Evaluation, figures: dict[str, bytes]) -> str:
    meta = {"run id": "run-<42>", "data fingerprint": "sha256:" + "ab" * 8}
    return render_html(evaluation, figures, title="Model & rubric", meta=meta)


def test_every_figure_is_a_png(figures: dict[str, bytes]) -> None:
    assert tuple(figures) == FIGURES
    for png in figures.values():
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000


def test_plotting_leaves_pyplot_and_its_backend_alone(evaluation: Evaluation) -> None:
    import matplotlib
    import matplotlib.pyplot as plt

    backend = matplotlib.get_backend()
    before = plt.get_fignums()
    plot_figures(evaluation)
    assert plt.get_fignums() == before
    assert matplotlib.get_backend() == backend


def test_html_contains_every_predictor_and_section(page: str) -> None:
    for section in (*SECTIONS, "meta"):
        assert f'<section id="{section}">' in page
    for name, column in PREDICTIONS.items():
        assert f"<td>{name}</td><td>{column}</td>" in page
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")


def test_html_embeds_its_images_and_loads_nothing_from_the_network(page: str) -> None:
    assert page.count('src="data:image/png;base64,') == len(FIGURES)
    assert not re.search(r"https?://|<link|<script|@import", page)


def test_html_escapes_data_title_and_meta(page: str) -> None:
    assert EVIL not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>Model &amp; rubric</title>" in page
    assert "run-&lt;42&gt;" in page


def test_conclusions_state_the_auc_gain_over_the_rubric_from_the_numbers(
    evaluation: Evaluation,
) -> None:
    gain = evaluation.comparisons["rubric_total"]["roc_auc_diff"]
    assert gain > 0.05
    found = conclusions(evaluation)
    ja = next(c.ja for c in found if "ROC-AUCが" in c.ja)
    en = next(c.en for c in found if "ranks hand-offs better" in c.en)
    assert f"ルールベースの100点スコアよりROC-AUCが{gain:.2f}高い" in ja
    assert f"{gain:.2f} higher" in en


def test_conclusions_name_a_band_the_rubric_overstates() -> None:
    frame = handoffs(seed=1)
    frame.loc[frame["band"] == "high", "p_rubric"] += 0.15
    ev = evaluate(frame, predictions=PREDICTIONS, n_bootstrap=0)
    texts = [c.en for c in conclusions(ev)]
    assert any(t.startswith("The rubric overstates the high band") for t in texts)
    assert not any("overstates the standard band" in t for t in texts)
    ja = [c.ja for c in conclusions(ev)]
    assert any("「高」バンド" in t and "過大評価" in t for t in ja)


def test_conclusions_call_an_equal_model_a_difference_within_noise() -> None:
    frame = handoffs(seed=2).assign(p_model=lambda f: f["p_rubric"])
    ev = evaluate(frame, predictions=PREDICTIONS, n_bootstrap=50)
    assert any("within noise" in c.en for c in conclusions(ev))
    assert not any("ranks hand-offs better" in c.en for c in conclusions(ev))


def test_report_without_a_rubric_reference_still_renders() -> None:
    ev = evaluate(handoffs(n=300), predictions={"model": "p_model"})
    page = render_html(ev, plot_figures(ev), title="model only", meta={})
    assert '<section id="disagreements">' in page
    assert "ROC-AUCが" not in page


def test_report_of_all_lost_hand_offs_renders() -> None:
    ev = evaluate(handoffs(n=200).assign(won=0), predictions=PREDICTIONS)
    page = render_html(ev, plot_figures(ev), title="no wins", meta={})
    assert "ROC-AUC cannot be compared" in page


def test_write_report_writes_html_strict_json_and_pngs(
    evaluation: Evaluation, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    paths = write_report(evaluation, out, title="run", meta={"model version": "0.1.0"})
    assert set(paths) == {"html", "json", *FIGURES}
    assert all(p.parent == out and p.stat().st_size > 0 for p in paths.values())

    def no_nan(token: str) -> float:
        raise AssertionError(f"non-standard JSON number {token}")

    data = json.loads(paths["json"].read_text(encoding="utf-8"), parse_constant=no_nan)
    assert data["meta"] == {"model version": "0.1.0"}
    assert set(data["metrics"]) == set(PREDICTIONS)
    assert data["disagreements"][0]["lead_id"] == EVIL
    assert paths["html"].read_text(encoding="utf-8").count("data:image/png") == 5


# --- a report that fits the data -----------------------------------------------------


def memo_less(n: int = 1_500) -> Evaluation:
    """What an export without memos gives: every rubric total 0, one band."""
    frame = handoffs(n=n).assign(rubric_total=0.0, band="needs_work", p_rubric=0.07)
    return evaluate(frame, predictions=PREDICTIONS, n_bootstrap=100)


def test_a_memo_less_evaluation_renders_without_rubric_sections() -> None:
    ev = memo_less()
    figures = plot_figures(ev)
    assert set(figures) == {"reliability", "gains", "roc"}
    page = render_html(ev, figures, title="no memos", meta={})
    for section in RUBRIC_SECTIONS:
        assert f'<section id="{section}">' not in page
    assert '<section id="model-deciles">' in page
    assert page.count("<tr><td>") > 10  # ten model deciles and the metrics
    found = conclusions(ev)
    note = next(c for c in found if "same total (0 points)" in c.en)
    assert "no hand-off memos" in note.en and "left out" in note.en
    assert "100点スコアはすべてのトスアップで同じ（0点）" in note.ja
    text = " ".join(c.en for c in found) + " ".join(c.ja for c in found)
    claims = (
        "ranks hand-offs better",
        "100-point score's",
        "ROC-AUCが",
        "バンド別の実際",
    )
    for claim in claims:
        assert claim not in text
    assert "vs rubric" not in page.split("</header>")[0]


def test_the_headline_compares_with_the_strongest_baseline_in_both_languages() -> None:
    ev = memo_less()
    assert ev.strongest_baseline() == "logistic"
    found = conclusions(ev)
    en = next(c.en for c in found if "strongest baseline" in c.en)
    ja = next(c.ja for c in found if "最も強い比較対象" in c.ja)
    assert "The strongest baseline (lowest log loss) is 'logistic'" in en
    assert "served predictor 'model'" in en and "log loss" in en
    assert "「logistic」" in ja and "提供中の予測器「model」" in ja
    page = render_html(ev, plot_figures(ev), title="t", meta={})
    assert "model vs strongest baseline logistic" in page


def test_an_informative_rubric_is_compared_beside_the_strongest_baseline(
    evaluation: Evaluation,
) -> None:
    assert evaluation.rubric_informative
    strongest = evaluation.strongest_baseline()
    texts = [c.en for c in conclusions(evaluation)]
    assert any("strongest baseline (lowest log loss) is" in t for t in texts)
    assert any("ranks hand-offs better than the rule-based" in t for t in texts)
    assert strongest is not None and strongest != "oracle"


def test_in_sample_figures_are_labelled_on_the_page_and_first_in_conclusions() -> None:
    frame = handoffs(n=400)
    ev = evaluate(frame, predictions=PREDICTIONS, n_bootstrap=0, in_sample=300)
    first = conclusions(ev)[0]
    assert first.en.startswith("In-sample: 300 of the 400 hand-offs")
    assert "インサンプル" in first.ja
    page = render_html(ev, plot_figures(ev), title="in-sample", meta={})
    assert "<p class=warning>In-sample: 300 of these 400 hand-offs" in page


SPLIT = {
    "toss_ups": 1_000,
    "train_toss_ups": 800,
    "test_toss_ups": 200,
    "train_wins": 160,
    "test_wins": 44,
    "train_until": "2026-06-30 18:00:00",
    "test_from": "2026-07-01 09:00:00",
}


def test_the_split_sentence_states_counts_and_periods() -> None:
    s = split_sentence({**SPLIT, "train_from": "2026-01-05"})
    assert s.en == (
        "Split by time: trained on 800 hand-offs (2026-01-05 to 2026-06-30, 160 won);"
        " evaluated on 200 hand-offs (from 2026-07-01, 44 won)."
    )
    assert s.ja.startswith("時刻で分割：学習800件（2026-01-05〜2026-06-30、受注160件）")


def test_order_not_time_is_said_and_no_dates_are_shown() -> None:
    order = {"kind": "order", "column": "seq_no", "note": "no date in the export"}
    s = split_sentence(SPLIT, time_order=order)
    assert s.en.startswith("Split by order, not time: trained on 800 hand-offs (160")
    assert "2026" not in s.en and "2026" not in s.ja
    assert "Hand-offs are ordered and split by a sequence (column 'seq_no')" in s.en
    assert "(no date in the export)" in s.en
    assert "時刻ではなく順序" in s.ja and "「seq_no」" in s.ja
    same = split_sentence({**SPLIT, "time_order": order})
    assert same == s


def test_time_order_sentence_covers_every_kind() -> None:
    assert time_order_sentence(None) is None
    assert time_order_sentence({}) is None
    texts = {
        kind: time_order_sentence({"kind": kind, "column": "created"})
        for kind in ("time", "order", "constant", "reconstructed", "other")
    }
    assert all(t is not None and t.ja and t.en for t in texts.values())
    assert "recorded time" in texts["time"].en  # type: ignore[union-attr]
    assert "single value" in texts["constant"].en  # type: ignore[union-attr]
    assert "approximate" in texts["reconstructed"].en  # type: ignore[union-attr]


def test_write_report_states_the_split_on_the_page_and_in_the_json(
    tmp_path: Path,
) -> None:
    ev = memo_less(n=300)
    order = {"kind": "constant", "column": "export_date", "note": None}
    paths = write_report(
        ev, tmp_path, title="t", meta={}, split={**SPLIT, "time_order": order}
    )
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["split"]["train_toss_ups"] == 800
    assert data["split"]["sentence"]["en"].startswith("Split by order, not time")
    assert data["rubric_informative"] is False
    assert data["strongest_baseline"] == "logistic"
    page = paths["html"].read_text(encoding="utf-8")
    assert "split / 分割" in page and "エクスポートの行順で分割" in page
    assert not (tmp_path / "bands.png").exists()
