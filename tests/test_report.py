"""The evaluation report is one self-contained, escaped HTML page whose conclusions
follow from the numbers, plus strict JSON and PNG figures written side by side."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from synthetic_handoffs import synthetic_handoffs

from readiness.evaluate import Evaluation, evaluate
from readiness.report import conclusions, plot_figures, render_html, write_report

PREDICTIONS = {
    "model": "p_model",
    "rubric_total": "p_rubric",
    "logistic": "p_logistic",
    "oracle": "p_true",
}
EVIL = "<script>alert(1)</script>"
FIGURES = ("reliability", "bands", "deciles", "gains", "roc")
SECTIONS = ("conclusions", "metrics", "figures", "bands", "deciles", "disagreements")


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
