"""Render the hand-off memo an IS rep writes at toss-up, and record what it says.

The world decides what the rep knows (`MemoFacts.levels`: 0 not recorded, 1 vague,
2 concrete per information element); this module turns that into the text a
real rep would paste: the domain.md template by default, drifting in format with
the rep's `drift` and getting terser with low `diligence`. Alongside the text it
records, per field, what a careful parser should read (`FieldTruth`), so the memo
parser can be tested against ground truth.

The work is split by concern: `memo_kit` (facts, truth, dice), `memo_content`
and `memo_deal` (what each section says), `memo_layout` (how it is laid out),
`memo_habits` (a chat message or prose instead of the template), `memo_phrases`
(the wording). All randomness comes from the caller's generator,
drawn in one fixed order, so a seed gives the same memo.
"""

from __future__ import annotations

import numpy as np

from readiness.simulate.memo_content import (
    make_slots,
    write_basics,
    write_history,
    write_notes,
    write_problem,
)
from readiness.simulate.memo_deal import write_bant, write_competition, write_meeting
from readiness.simulate.memo_kit import Dice, Field, FieldTruth, MemoFacts, RenderedMemo
from readiness.simulate.memo_layout import lay_out

__all__ = ["FieldTruth", "MemoFacts", "RenderedMemo", "render_memo"]


def render_memo(facts: MemoFacts, rng: np.random.Generator) -> RenderedMemo:
    """Write the memo for one toss-up and the per-field truth of what it says."""
    d = Dice(rng)
    lv = facts.levels
    slots = make_slots(facts, d, full=lv.get("problem", 0) >= 2)
    out: dict[str, Field] = {}
    write_basics(facts, d, lv.get("basics", 0), out)
    write_history(facts, d, out)
    write_problem(facts, d, lv.get("problem", 0), slots, out)
    write_bant(facts, d, lv, slots, out)
    write_competition(facts, d, lv.get("competition", 0), slots, out)
    write_meeting(facts, d, lv.get("next_action", 0), slots, out)
    write_notes(facts, d, out)
    return lay_out(facts, d, out)
