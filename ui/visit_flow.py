"""The guided visit's steps: which step a case is at, and which steps may be shown.

No Qt here (Electrum keeps its wizard's navigation in the core): the case panel only draws
what these functions decide, and they are tested without a window.
"""

from __future__ import annotations

from enum import IntEnum

from counterapp.case_model import Case, CaseState


class Step(IntEnum):
    APPLICANT = 0
    ITEMS = 1
    MATERIALS = 2
    OUTCOME = 3
    FINISH = 4
    RATING = 5

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS = {
    Step.APPLICANT: "申请人",
    Step.ITEMS: "办理事项",
    Step.MATERIALS: "材料核验",
    Step.OUTCOME: "受理/告知",
    Step.FINISH: "办结/转报",
    Step.RATING: "评价",
}


def step_for(case: Case | None) -> Step:
    """Where a case (re)opened in the panel starts."""
    if case is None:
        return Step.APPLICANT
    if case.state in (CaseState.RECEIVED, CaseState.MATERIALS_INCOMPLETE):
        return Step.MATERIALS
    if case.state == CaseState.ACCEPTED:
        return Step.FINISH
    return Step.RATING


def can_show(step: Step, case: Case | None) -> bool:
    """Whether the clerk may go to `step` now (back to an earlier one, or forward)."""
    state = None if case is None else case.state
    if step == Step.APPLICANT:
        return True  # read-only once the case exists
    if step == Step.ITEMS:
        return True  # items can be corrected until the case is accepted or told (core rule)
    if step == Step.MATERIALS:
        return case is not None
    if step == Step.OUTCOME:
        return state in (CaseState.RECEIVED, CaseState.MATERIALS_INCOMPLETE)
    if step == Step.FINISH:
        return state == CaseState.ACCEPTED
    return state in (CaseState.ACCEPTED, CaseState.COMPLETED, CaseState.FORWARDED)


def items_editable(case: Case | None) -> bool:
    return case is None or case.state == CaseState.RECEIVED


def next_step(step: Step, case: Case | None) -> Step | None:
    """The step after `step`, if the case allows going there now."""
    if step == Step.RATING:
        return None
    following = Step(step + 1)
    return following if can_show(following, case) else None
