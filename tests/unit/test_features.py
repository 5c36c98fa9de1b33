"""Point-in-time features: no leakage, invariances, dtypes, names and values."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from factory import Factory
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from readiness.data.contract import EVENT_TYPES, Dataset
from readiness.data.files import RawTables
from readiness.data.load import coerce
from readiness.features.build import (
    CATEGORICAL,
    build_features,
    extra_feature_names,
    feature_info,
    labelled_points,
    sanitize_name,
    toss_up_points,
)
from readiness.simulate.config import WorldConfig
from readiness.simulate.world import simulate_world

AS_OF = pd.Timestamp("2026-10-10 15:00:00")
MEMO = (
    "【顧客基本情報】\n"
    "・企業名：株式会社山田製作所\n"
    "・担当者名/役職: 山田 太郎／情報システム部 部長\n"
    "【BANT情報】\n"
    "・Budget(予算)：500万円（確保済み）\n"
    "・Need(緊急度・優先度)：高い。年度内に解決したい\n"
    "・Timeline(検討・導入スケジュール)：未確認\n"
    "【競合・検討状況】\n"
    "・比較検討中の競合：Aクラウド、B社\n"
    "【商談設定内容】\n"
    "・商談日時：2026年10月20日 14:00\n"
    "・商談形式(訪問・オンライン)：訪問\n"
    "・顧客側参加者：3名（部長、課長、担当）\n"
)
NAME = re.compile(r"[a-z][a-z0-9_]*")


def _days_before(days: float) -> str:
    return str(AS_OF - pd.Timedelta(days=days))


def tiny_dataset(
    extra: dict[str, list[object]] | None = None,
    kinds: dict[str, str] | None = None,
) -> Dataset:
    """Three leads; L1 has a hand-counted behaviour log and a memo, L2 nothing."""
    leads = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3"],
            "company_name": ["株式会社山田製作所", "合同会社さくら", "有限会社青葉"],
            "industry": ["製造業", "IT", "物流"],
            "employees": ["99", "", "9"],
            "annual_revenue": ["999", "", "9"],
            "region": ["東京都", "大阪府", "宮城県"],
            "contact_title": ["情報システム部 部長", "", "総務部 担当"],
            "contact_role": ["decision_maker", "", "staff"],
            "lead_source": ["inquiry", "seminar", "download"],
            "created_at": ["2026-09-01 09:00", "2026-09-05 10:00", "2026-09-10 10:00"],
            **(extra or {}),
        }
    )
    log = [  # (days before the toss-up, type, detail)
        (1, "web_visit", "pricing"),
        (2, "web_visit", "pricing"),
        (3, "web_visit", "pricing"),
        (10, "web_visit", "pricing"),
        (20, "web_visit", "case_study"),
        (100, "web_visit", "product"),
        (40, "email_open", "ニュースレター"),
        (40, "email_click", "ニュースレター"),
        (5, "is_call", ""),
        (4, "is_call", ""),
        (3, "is_call_connected", ""),
        (2, "online_hearing", ""),
        (0, "web_visit", "pricing"),  # at the toss-up: not before it
        (-1, "web_visit", "pricing"),  # after the toss-up
    ]
    events = pd.DataFrame(
        {
            "lead_id": ["L1"] * len(log) + ["L3"],
            "timestamp": [_days_before(d) for d, _, _ in log] + [_days_before(3)],
            "type": [t for _, t, _ in log] + ["web_visit"],
            "detail": [x for _, _, x in log] + ["blog"],
        }
    )
    handoffs = pd.DataFrame(
        {
            "lead_id": ["L1", "L3"],
            "tossed_up_at": [str(AS_OF), str(AS_OF + pd.Timedelta(days=1))],
            "is_rep": ["佐藤", "鈴木"],
            "fs_rep": ["田中", ""],
            "memo": [MEMO, ""],
        }
    )
    outcomes = pd.DataFrame(
        {"lead_id": ["L1"], "meeting_held": ["true"], "won": ["true"]}
    )
    raw = RawTables.from_frames(
        {"leads": leads, "events": events, "handoffs": handoffs, "outcomes": outcomes},
        extra_lead_columns=kinds,  # type: ignore[arg-type]
    )
    return coerce(raw)


def world_dataset(n_leads: int, seed: int) -> Dataset:
    world = simulate_world(WorldConfig(n_leads=n_leads, seed=seed))
    return coerce(RawTables.from_frames(world.tables))


@pytest.fixture(scope="module")
def world(factory: Factory) -> Dataset:
    return coerce(RawTables.from_frames(factory.world("tiny").tables))


@pytest.fixture(scope="module")
def world_features(world: Dataset) -> pd.DataFrame:
    return build_features(world, toss_up_points(world))


def one_point(
    lead: str = "L1", at: pd.Timestamp = AS_OF, **cols: object
) -> pd.DataFrame:
    return pd.DataFrame(
        {"lead_id": [lead], "as_of": [at], **{k: [v] for k, v in cols.items()}}
    )


# --- point in time --------------------------------------------------------------


def test_events_outcomes_and_feedback_after_the_toss_up_change_no_feature(
    world: Dataset, world_features: pd.DataFrame
) -> None:
    points = toss_up_points(world)
    after = []
    for shift in (pd.Timedelta(0), pd.Timedelta(seconds=1), pd.Timedelta(days=3)):
        for kind in EVENT_TYPES:
            after.append(
                pd.DataFrame(
                    {
                        "lead_id": points["lead_id"],
                        "timestamp": points["as_of"] + shift,
                        "type": kind,
                        "detail": "pricing",
                    }
                )
            )
    events = pd.concat([world.events, *after], ignore_index=True)
    outcomes = world.outcomes.assign(
        won=~world.outcomes["won"], meeting_held=~world.outcomes["meeting_held"]
    )
    feedback = world.fs_feedback.assign(missing_elements="budget", comment="変更")
    changed = replace(world, events=events, outcomes=outcomes, fs_feedback=feedback)
    pd.testing.assert_frame_equal(build_features(changed, points), world_features)


def test_an_event_one_second_before_as_of_counts_and_one_at_as_of_does_not() -> None:
    base = tiny_dataset()
    extra = pd.DataFrame(
        {
            "lead_id": ["L2", "L2", "L2"],
            "timestamp": [
                AS_OF - pd.Timedelta(seconds=1),
                AS_OF,
                AS_OF + pd.Timedelta(seconds=1),
            ],
            "type": ["form_submission"] * 3,
            "detail": [""] * 3,
        }
    )
    dataset = replace(base, events=pd.concat([base.events, extra], ignore_index=True))
    row = build_features(dataset, one_point("L2")).iloc[0]
    assert row["form_submission_7d"] == 1
    assert row["form_submission_all"] == 1
    assert row["days_since_form_submission"] == pytest.approx(1 / 86_400, rel=1e-3)
    assert row["intent_7d"] == 3


def test_renaming_the_company_changes_nothing(
    world: Dataset, world_features: pd.DataFrame
) -> None:
    names = dict(zip(world.leads["lead_id"], world.leads["company_name"], strict=True))
    memos = []
    for lead, memo in zip(
        world.handoffs["lead_id"], world.handoffs["memo"], strict=True
    ):
        old = names[lead]
        memos.append(memo.replace(old, ("ミライ" * 30)[: len(old)]))
    renamed = replace(
        world,
        leads=world.leads.assign(company_name="株式会社テスト"),
        handoffs=world.handoffs.assign(memo=memos),
    )
    features = build_features(renamed, toss_up_points(renamed))
    pd.testing.assert_frame_equal(
        features.drop(columns="memo_text"), world_features.drop(columns="memo_text")
    )


# --- shape, dtypes and names ----------------------------------------------------


def test_features_are_lightgbm_ready(
    world: Dataset, world_features: pd.DataFrame
) -> None:
    kinds = {c: str(t) for c, t in world_features.dtypes.items()}
    assert kinds.pop("memo_text") == "str"
    assert set(kinds.values()) <= {"float32", "category"}
    assert set(CATEGORICAL) <= {c for c, k in kinds.items() if k == "category"}
    labels = labelled_points(world)
    x = build_features(world, labels).drop(columns="memo_text")
    lgb.Dataset(x, label=labels["won"]).construct()


def test_feature_names_are_ascii_snake_case_and_unique(
    world_features: pd.DataFrame,
) -> None:
    names = list(world_features.columns)
    assert len(names) == len(set(names))
    assert all(NAME.fullmatch(n) for n in names)
    assert not {"lead_id", "company_name", "contact_title", "memo"} & set(names)


def test_features_keep_the_points_index_and_order(world: Dataset) -> None:
    points = toss_up_points(world).sample(frac=1.0, random_state=3)
    points.index = [f"p{i}" for i in range(len(points))]
    features = build_features(world, points)
    assert list(features.index) == list(points.index)
    ordered = build_features(world, points.sort_values(["as_of", "lead_id"]))
    pd.testing.assert_frame_equal(features.loc[ordered.index], ordered)


def test_toss_up_points_are_sorted_and_labelled_points_have_outcomes(
    world: Dataset,
) -> None:
    points = toss_up_points(world)
    assert len(points) == len(world.handoffs)
    assert isinstance(points.index, pd.RangeIndex)
    assert points["as_of"].is_monotonic_increasing
    labels = labelled_points(world)
    assert len(labels) == len(world.outcomes)
    assert labels["won"].dtype == np.int64
    assert set(labels["won"]) <= {0, 1}
    assert labels["as_of"].is_monotonic_increasing


# --- edge cases -------------------------------------------------------------------


def test_a_point_without_memo_or_events_gets_well_defined_features() -> None:
    row = build_features(tiny_dataset(), one_point("L2")).iloc[0]
    assert row["web_visit_all"] == 0 and row["intent_14d"] == 0
    assert math.isnan(row["days_since_web_visit"])
    assert math.isnan(row["days_since_intent_peak"])
    assert row["intent_peak_7d"] == 0
    assert row["rubric_total"] == 0 and row["memo_budget_status"] == 0
    assert row["memo_format"] == "empty" and row["memo_text"] == ""
    assert math.isnan(row["senior_title"])
    assert pd.isna(row["is_rep"])


def test_a_point_of_an_unknown_lead_or_with_no_events_table_still_works() -> None:
    dataset = tiny_dataset()
    empty = replace(dataset, events=dataset.events.iloc[:0])
    features = build_features(empty, one_point("L9", memo=float("nan")))
    assert features["web_visit_all"].iloc[0] == 0
    assert math.isnan(features["log_employees"].iloc[0])
    assert len(build_features(dataset, one_point().iloc[:0])) == 0


def test_a_lead_scored_on_several_days_gets_the_behaviour_of_each_day() -> None:
    days = [AS_OF - pd.Timedelta(days=d) for d in (30, 8, 2, 0)]
    points = pd.DataFrame({"lead_id": ["L1"] * 4, "as_of": days})
    features = build_features(tiny_dataset(), points)
    assert features["web_pricing_7d"].tolist() == [0, 1, 1, 3]
    assert features["lead_age_days"].is_monotonic_increasing
    assert features["days_since_web_visit"].tolist() == [70, 2, 1, 1]


def test_points_with_timezone_aware_moments_are_read_as_tokyo_time() -> None:
    aware = AS_OF.tz_localize("Asia/Tokyo").tz_convert("UTC")
    dataset = tiny_dataset()
    naive = build_features(dataset, one_point())
    pd.testing.assert_frame_equal(build_features(dataset, one_point(at=aware)), naive)


def test_points_without_as_of_are_refused() -> None:
    with pytest.raises(ValueError, match="as_of"):
        build_features(tiny_dataset(), pd.DataFrame({"lead_id": ["L1"]}))
    with pytest.raises(ValueError, match="as_of"):
        build_features(tiny_dataset(), one_point(at=pd.NaT))


def test_progress_counts_every_point(world: Dataset) -> None:
    points = toss_up_points(world)
    seen: list[int] = []
    build_features(world, points, progress=seen.append)
    assert sum(seen) == len(points)


# --- values ------------------------------------------------------------------------


def test_hand_counted_behaviour_matches() -> None:
    row = build_features(tiny_dataset(), one_point()).iloc[0]
    expected = {
        "web_pricing_7d": 3,
        "web_pricing_30d": 4,
        "web_case_study_30d": 1,
        "web_visit_30d": 5,
        "web_visit_90d": 5,
        "web_visit_all": 6,
        "days_since_web_pricing": 1.0,
        "days_since_web_product": 100.0,
        "email_click_all": 1,
        "email_click_rate_all": 1.0,
        "is_call_attempts_all": 3,
        "is_connect_rate_all": 1 / 3,
        "days_since_is_call_connected": 3.0,
        "days_since_is_conversation": 2.0,
        "online_hearing_7d": 1,
        "web_intent_share_30d": 1.0,
        "intent_7d": 9,
        "intent_14d": 12,
        "intent_change_14d": 10,
        "intent_peak_7d": 9,
        "days_since_intent_peak": 1.0,
        "trend_web_pricing": 3 - 1,
        "velocity_web_pricing": 3 / (4 * 7 / 30),
    }
    for name, value in expected.items():
        assert row[name] == pytest.approx(value, rel=1e-5), name


def test_hand_built_lead_and_memo_values_match() -> None:
    features = build_features(tiny_dataset(), toss_up_points(tiny_dataset()))
    l1, l3 = features.iloc[0], features.iloc[1]
    assert l1["log_employees"] == pytest.approx(2.0)
    assert l1["log_annual_revenue"] == pytest.approx(3.0)
    assert l1["lead_age_days"] == pytest.approx(39.25)
    assert (l1["senior_title"], l3["senior_title"]) == (1.0, 0.0)
    assert (l1["industry"], l1["contact_role"], l1["is_rep"]) == (
        "製造業",
        "decision_maker",
        "佐藤",
    )
    assert l1["memo_budget_secured"] == 1.0
    assert l1["memo_log_budget_jpy"] == pytest.approx(math.log10(5_000_001), rel=1e-6)
    assert l1["memo_days_to_meeting"] == 10
    assert (l1["memo_meeting_visit"], l1["memo_meeting_online"]) == (1.0, 0.0)
    assert l1["memo_attendee_count"] == 3
    assert l1["memo_n_competitors"] == 2
    assert l1["memo_urgency"] == 2
    # Timeline 「未確認」 is only a marker: not obtained (0.5), below vague (1).
    assert l1["memo_budget_status"] == 2 and l1["memo_timeline_status"] == 0.5
    assert l1["element_budget_status"] == 2
    assert l1["memo_format"] == "template"
    assert 0 < l1["rubric_total"] < 100
    assert l1["memo_text"].startswith("【顧客基本情報】\n・企業名:株式会社山田製作所")
    assert l3["memo_format"] == "empty" and l3["rubric_total"] == 0


def test_the_same_memo_reads_its_dates_as_of_each_point() -> None:
    points = pd.DataFrame(
        {
            "lead_id": ["L1", "L1"],
            "as_of": [AS_OF, AS_OF - pd.Timedelta(days=5)],
            "memo": [MEMO, MEMO],
        }
    )
    features = build_features(tiny_dataset(), points)
    assert features["memo_days_to_meeting"].tolist() == [10, 15]


# --- names and labels --------------------------------------------------------------


def test_declared_extra_columns_appear_with_sanitised_names() -> None:
    extra = {
        "IT予算 (百万円)": ["12.5", "", "3"],
        "Plan Tier": ["gold", "silver", ""],
        "既存顧客": ["はい", "いいえ", ""],
    }
    kinds = {
        "IT予算 (百万円)": "numeric",
        "Plan Tier": "category",
        "既存顧客": "boolean",
    }
    dataset = tiny_dataset(extra, kinds)
    names = extra_feature_names(dataset)
    assert list(names.values()) == list(kinds)
    features = build_features(dataset, toss_up_points(dataset))
    budget, tier, existing = names
    assert budget.startswith("x_it_") and tier == "x_plan_tier"
    assert all(NAME.fullmatch(n) for n in names)
    assert features[budget].tolist() == [12.5, 3.0]
    assert str(features[tier].dtype) == "category"
    assert features[tier].iloc[0] == "gold" and pd.isna(features[tier].iloc[1])
    assert features[existing].iloc[0] == 1.0 and math.isnan(features[existing].iloc[1])
    assert (
        feature_info(budget, extra_names=names).label_en
        == "lead attribute 'IT予算 (百万円)'"
    )


def test_sanitize_name_gives_ascii_snake_case_and_keeps_distinct_names_apart() -> None:
    assert sanitize_name("Plan Tier") == "plan_tier"
    raw = [
        "IT予算 (百万円)",
        "IT予算 (千円)",
        "予算",
        "規模",
        "2nd score",
        "a.b",
        "a-b",
    ]
    names = [sanitize_name(r) for r in raw]
    assert all(NAME.fullmatch(n) for n in names)
    assert len(set(names)) == len(names)
    assert all(sanitize_name(n) == n for n in names)


@pytest.mark.parametrize("windows", [(7, 30, 90), (3, 14)])
def test_feature_info_covers_every_emitted_column(windows: tuple[int, ...]) -> None:
    dataset = tiny_dataset({"Plan Tier": ["a", "b", "c"]}, {"Plan Tier": "category"})
    features = build_features(dataset, toss_up_points(dataset), windows=windows)
    groups = {"lead", "reps", "behaviour", "is_activity", "memo", "rubric"}
    for name in features.columns:
        info = feature_info(name)
        assert info.name == name and info.group in groups
        assert info.label_ja and info.label_en
    assert feature_info("web_pricing_7d").label_ja == "直近7日の料金ページ閲覧数"
    assert (
        feature_info("web_pricing_7d").label_en
        == "pricing page visits in the last 7 days"
    )
    with pytest.raises(KeyError):
        feature_info("lead_id")


# --- the features carry the signal ------------------------------------------------


@pytest.mark.slow
def test_a_quick_lightgbm_fit_on_a_small_world_beats_chance_clearly() -> None:
    dataset = world_dataset(5000, 7)
    labels = labelled_points(dataset)
    x = build_features(dataset, labels).drop(columns="memo_text")
    y = labels["won"].to_numpy()
    cut = int(len(x) * 0.7)  # points are sorted by time: train on the past
    model = lgb.LGBMClassifier(
        n_estimators=400,
        learning_rate=0.01,
        num_leaves=4,
        min_child_samples=80,
        colsample_bytree=0.5,
        reg_lambda=10.0,
        n_jobs=1,
        verbose=-1,
    ).fit(x.iloc[:cut], y[:cut])
    auc = roc_auc_score(y[cut:], model.predict_proba(x.iloc[cut:])[:, 1])
    assert auc > 0.6


def test_a_blank_rep_name_is_treated_as_no_rep() -> None:
    points = pd.DataFrame(
        {
            "lead_id": ["A"],
            "as_of": [pd.Timestamp("2026-03-01 10:00")],
            "is_rep": [" "],
            "fs_rep": [""],
        }
    )
    leads = pd.DataFrame(
        {
            "lead_id": ["A"],
            "company_name": ["株式会社テスト"],
            "industry": ["manufacturing"],
            "region": ["関東"],
            "lead_source": ["inquiry"],
            "created_at": [pd.Timestamp("2026-02-01 09:00")],
        }
    )
    from readiness.data.files import RawTables
    from readiness.data.load import coerce

    dataset = coerce(RawTables.from_frames({"leads": leads}))
    features = build_features(dataset, points)
    assert features["is_rep"].isna().all()
    assert features["fs_rep"].isna().all()


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.just(float("nan")),
            st.text(alphabet=" \u3000佐藤abc", max_size=4),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_reps_of_a_few_points_are_read_exactly_as_of_many(reps: list[object]) -> None:
    """The small-input path (a single lead) and the vectorised one agree."""
    from readiness.features.build import _rep

    few = pd.DataFrame({"is_rep": pd.Series(reps, dtype=object)})
    many = pd.DataFrame(
        {"is_rep": pd.Series(reps * (70 // len(reps) + 1), dtype=object)}
    )
    small, large = _rep(few, "is_rep"), _rep(many, "is_rep")
    assert list(small.cat.categories) == list(large.cat.categories)
    assert small.cat.codes.tolist() == large.cat.codes.iloc[: len(reps)].tolist()


@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["IT", "小売", "製造業"]))),
    st.lists(st.integers(-1, 30), min_size=1, max_size=8),
)
def test_a_few_lead_values_become_the_same_categories_as_many(
    values: list[str | None], picks: list[int]
) -> None:
    """The small-input lookup (a single lead) and pandas' categorical agree (callers
    pass categories that hold every value: observed ones, or the contract's)."""
    from readiness.features.build import _category

    cats = ["IT", "小売", "製造業"]
    few = pd.Series([*values, None], dtype="str")
    many = pd.Series([*values, *[None] * 70], dtype="str")
    pos = np.array([p if p < len(few) else -1 for p in picks])
    small, large = _category(few, pos, cats), _category(many, pos, cats)
    assert small.cat.codes.tolist() == large.cat.codes.tolist()
    assert list(small.cat.categories) == list(large.cat.categories)


def test_event_codes_per_distinct_value_match_the_row_by_row_reading() -> None:
    """Types, pages and lead ids are looked up once per distinct value; the codes
    are those of reading every row (odd spacing, case, unknown and missing)."""
    from readiness.features.events import (
        EVENT_TYPES,
        WEB_PAGE_CATEGORIES,
        _codes_of,
        _page_codes,
    )

    leads = ["a", "b", None, "zz", "a", " a"] * 3
    types = ["web_visit", "WEB_VISIT", None, "is_call", "web_visit", "nope"] * 3
    details = [" Pricing ", "case_study", None, "x", "\tblog\n", "PRICING"] * 3
    events = pd.DataFrame(
        {
            "lead_id": pd.Series(leads, dtype="str"),
            "type": pd.Series(types, dtype="str"),
            "detail": pd.Series(details, dtype="str"),
        }
    )
    known = ["a", "b", "c"]

    def index(values: list[str], v: str | None) -> int:
        return values.index(v) if v in values else -1

    lead_ids = pd.Index(known, dtype="str")
    assert _codes_of(events["lead_id"], lead_ids.get_indexer).tolist() == [
        index(known, v) for v in leads
    ]
    kind = _codes_of(events["type"], pd.Index(EVENT_TYPES).get_indexer)
    assert kind.tolist() == [index(list(EVENT_TYPES), v) for v in types]
    web = kind == EVENT_TYPES.index("web_visit")
    pages = list(WEB_PAGE_CATEGORIES)
    other = pages.index("other")
    expected = [
        (index(pages, d.strip().lower()) if d is not None else -1) if w else None
        for d, w in zip(details, web, strict=True)
    ]
    expected = [-1 if e is None else (other if e < 0 else e) for e in expected]
    assert _page_codes(events, web).tolist() == expected
    assert expected.count(pages.index("pricing")) == 3
    assert expected.count(pages.index("blog")) == 3
