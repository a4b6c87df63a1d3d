"""好差评: the citizen rates each case on the national five-level scale.

The two bottom levels are bad ratings: they need a reason and are put on the follow-up list,
due for rectification and a call-back within 15 working days (国办发〔2019〕51号).
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

from counterapp import deadlines, journal
from counterapp.case_model import Case, CaseError
from counterapp.clock import Clock, stamp
from counterapp.typed_text import TextRule, checked
from counterapp.workdays import WorkCalendar
from db.store import Store

FOLLOW_UP_WORKING_DAYS = 15
RATING_REASON = TextRule("差评原因", limit=200)
FOLLOW_UP_NOTE = TextRule("整改回访情况", limit=1000, required="请填写整改回访情况", multiline=True)


class RatingLevel(IntEnum):
    VERY_DISSATISFIED = 1
    DISSATISFIED = 2
    BASICALLY_SATISFIED = 3
    SATISFIED = 4
    VERY_SATISFIED = 5

    @property
    def label(self) -> str:
        return ("非常不满意", "不满意", "基本满意", "满意", "非常满意")[self.value - 1]

    @property
    def is_bad(self) -> bool:
        return self <= RatingLevel.DISSATISFIED


class Rating(NamedTuple):
    case_id: int
    level: RatingLevel
    reason: str | None
    rated_at: str
    follow_up_due: str | None
    followed_up_at: str | None


class RatingService:
    def __init__(self, store: Store, clock: Clock, calendar: WorkCalendar) -> None:
        self._store = store
        self._clock = clock
        self._calendar = calendar

    def rate(self, case: Case, level: RatingLevel, reason: str = "") -> Rating:
        reason = checked(reason, RATING_REASON, CaseError)
        if level.is_bad and not reason:
            raise CaseError("差评须请办事人说明原因，以便整改回访")
        if self.of_case(case.id) is not None:
            raise CaseError(f"办件{case.case_no}已评价过，不能重复评价")
        now = self._clock.now()
        follow_up = None
        if level.is_bad:
            follow_up = deadlines.working_days_after(
                self._calendar, now.date(), FOLLOW_UP_WORKING_DAYS
            ).text
        rating_uuid = journal.new_uuid()
        with self._store.transaction():
            self._store.insert(
                "ratings",
                {
                    "uuid": rating_uuid,
                    "case_id": case.id,
                    "level": int(level),
                    "reason": reason or None,
                    "rated_at": stamp(now),
                    "follow_up_due": follow_up,
                },
            )
            journal.record(
                self._store,
                subject="rating",
                subject_uuid=rating_uuid,
                kind="rated",
                at=stamp(now),
                data={"case": case.uuid, "level": int(level)},
                outbox_version=1,
            )
        rating = self.of_case(case.id)
        assert rating is not None
        return rating

    def follow_up_done(self, case_id: int, clerk_id: int, note: str) -> Rating:
        rating = self.of_case(case_id)
        if rating is None or rating.follow_up_due is None:
            raise CaseError("该办件没有待回访的差评")
        note = checked(note, FOLLOW_UP_NOTE, CaseError)
        now = stamp(self._clock.now())
        with self._store.transaction():
            row = self._store.row(
                "SELECT id, uuid, version FROM ratings WHERE case_id = ?", (case_id,)
            )
            self._store.update(
                "ratings", row["id"], {"followed_up_at": now, "version": row["version"] + 1}
            )
            journal.record(
                self._store,
                subject="rating",
                subject_uuid=row["uuid"],
                kind="followed_up",
                at=now,
                clerk_id=clerk_id,
                data={"note": note},
                outbox_version=row["version"] + 1,
            )
        followed = self.of_case(case_id)
        assert followed is not None
        return followed

    def of_case(self, case_id: int) -> Rating | None:
        row = self._store.one("SELECT * FROM ratings WHERE case_id = ?", (case_id,))
        if row is None:
            return None
        return Rating(
            case_id=row["case_id"],
            level=RatingLevel(row["level"]),
            reason=row["reason"],
            rated_at=row["rated_at"],
            follow_up_due=row["follow_up_due"],
            followed_up_at=row["followed_up_at"],
        )

    def pending_follow_ups(self) -> list[Rating]:
        rows = self._store.all(
            "SELECT case_id FROM ratings WHERE follow_up_due IS NOT NULL "
            "AND followed_up_at IS NULL ORDER BY follow_up_due"
        )
        return [r for r in (self.of_case(row["case_id"]) for row in rows) if r is not None]
