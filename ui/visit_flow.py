"""The guided visit's steps: which step a case is at, which steps may be shown, and what
each step's main action is (what Ctrl+Enter does there, or why it does nothing).

No Qt here (Electrum keeps its wizard's navigation in the core): the case panel only draws
what these functions decide, and they are tested without a window.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import NamedTuple

from counterapp.case_model import Case, CaseState
from counterapp.catalogue_model import ItemKind


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


class Primary(StrEnum):
    """A step's main action: what Ctrl+Enter does, and the button marked with it."""

    NEXT = "next"  # ① ② ③: on to the next step (① checks the applicant, ② saves items)
    ACCEPT = "accept"  # ④ every material is in
    NOTIFY = "notify"  # ④ something is missing: issue and print the one-time notice
    AWAIT = "await"  # ④ told, still missing: the citizen leaves to fetch the materials
    COMPLETE = "complete"  # ⑤ instant items handled here: finished on the spot
    FORWARD = "forward"  # ⑤ an item goes upward (帮办代办)
    RATE = "rate"  # ⑥ the citizen rates
    END = "end"  # ⑥ rated: the visit ends


class MainAction(NamedTuple):
    action: Primary | None
    why_not: str = ""  # when there is no main action: why, for the clerk


def main_action(step: Step, case: Case | None, rated: bool = False) -> MainAction:
    """What Ctrl+Enter does at `step` for `case` (`rated`: the rating step has a rating)."""
    if step in (Step.APPLICANT, Step.ITEMS, Step.MATERIALS):
        return MainAction(Primary.NEXT)
    if case is None:
        return MainAction(None, "尚未建立办件：请先填写申请人并选择办理事项")
    state = case.state
    if step == Step.OUTCOME:
        if state not in (CaseState.RECEIVED, CaseState.MATERIALS_INCOMPLETE):
            return MainAction(None, f"办件{state.label}，无须再受理")
        if not case.missing_materials:
            return MainAction(Primary.ACCEPT)
        return MainAction(Primary.NOTIFY if state == CaseState.RECEIVED else Primary.AWAIT)
    if step == Step.FINISH:
        if state != CaseState.ACCEPTED:
            return MainAction(None, f"办件{state.label}，无须再办结")
        if case.needs_forwarding:
            return MainAction(Primary.FORWARD)
        if all(item.kind == ItemKind.INSTANT for item in case.items):
            return MainAction(Primary.COMPLETE)
        return MainAction(
            None, "本件含承诺件：可当场办结（Alt+J），或暂不办结、在时限内办理（Alt+L）"
        )
    return MainAction(Primary.END if rated else Primary.RATE)
