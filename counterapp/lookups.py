"""Look-ups of personal data, journalled: who looked, when, for what (PIPL, 等保 audit).

The case search (by name, ID number or case number), the ID-number history that step ①
reads as a number is typed, the returning citizen's cases found by ID or case number, and the
opening of the bad-rating follow-up list (names and phones) each append one `looked_up` event
(subject `clerk`, the clerk who looked) before the rows are returned: one small insert in
the read's own transaction, ~0.3 ms with the store's durable commits.

What was searched is kept so an auditor can tell what the clerk was after, but an ID number
never appears in the journal: a whole one is kept masked (3708**********226X) with a keyed
hash (HMAC-SHA256 under the station's own look-up key, 16 hex digits), so "was this number
looked up, and by whom?" is answered by hashing the number in question (`id_key`) without
the journal showing any; a part of one (its last digits) keeps at most its last four.
Names and case numbers are kept as typed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from counterapp import journal
from counterapp.clock import stamp
from counterapp.idnumber import normalise
from counterapp.privacy import mask_id_number

if TYPE_CHECKING:
    from counterapp.app import Counter
    from counterapp.case_model import Case, CaseState
    from counterapp.case_search import CaseSummary, IdHistory

KEY_SETTING = "journal.lookup_key"
CASE_SEARCH, ID_HISTORY, FIND_CASES, FOLLOW_UPS = (
    "case_search",
    "id_history",
    "find_cases",
    "follow_ups",
)
_WHOLE_ID = re.compile(r"\d{17}[\dX]|\d{15}")
_PART_OF_ID = re.compile(r"\d{3,17}X?")


def lookup_key(counter: Counter) -> bytes:
    """The station's key for hashing searched ID numbers, made on first use."""
    stored = counter.settings.get(KEY_SETTING)
    if stored is None:
        import secrets

        stored = secrets.token_hex(32)
        counter.settings.set(KEY_SETTING, stored)
    return bytes.fromhex(stored)


def id_key(key: bytes, id_number: str) -> str:
    """The journal's keyed hash of an ID number (normalised first)."""
    import hashlib  # here: it loads OpenSSL, and the window's first screen imports this module
    import hmac

    return hmac.new(key, normalise(id_number).encode(), hashlib.sha256).hexdigest()[:16]


def describe(text: str, key: bytes) -> dict[str, str]:
    """What the journal keeps of a search text: never an ID number in the clear."""
    text = text.strip()
    if not text:
        return {}
    number = normalise(text)
    if _WHOLE_ID.fullmatch(number):
        return {"id_masked": mask_id_number(number), "id_key": id_key(key, number)}
    if _PART_OF_ID.fullmatch(number):
        kept = number[-4:] if len(number) > 4 else ""
        return {"id_part": "*" * (len(number) - len(kept)) + kept}
    return {"text": text}


def record(counter: Counter, clerk_id: int, what: str, text: str = "", **details: Any) -> None:
    """Journal one look-up by `clerk_id`."""
    data = {"what": what, **describe(text, lookup_key(counter)), **details}
    with counter.store.transaction():
        journal.record(
            counter.store,
            subject="clerk",
            subject_uuid=_uuid(counter, clerk_id),
            kind="looked_up",
            at=stamp(counter.clock.now()),
            clerk_id=clerk_id,
            data=data,
        )


def _uuid(counter: Counter, clerk_id: int) -> str:
    return str(counter.store.row("SELECT uuid FROM clerks WHERE id = ?", (clerk_id,))[0])


# --- the look-ups, each journalled -------------------------------------------------------------
def search_cases(
    counter: Counter,
    clerk_id: int,
    text: str = "",
    *,
    day_from: date | None = None,
    day_to: date | None = None,
    states: tuple[CaseState, ...] = (),
) -> list[CaseSummary]:
    from counterapp.case_search import search

    found = search(counter.store, text, day_from=day_from, day_to=day_to, states=states)
    filters = {
        "from": day_from.isoformat() if day_from else None,
        "to": day_to.isoformat() if day_to else None,
        "states": [state.value for state in states] or None,
    }
    record(
        counter,
        clerk_id,
        CASE_SEARCH,
        text,
        found=len(found),
        **{name: value for name, value in filters.items() if value},
    )
    return found


def id_history(counter: Counter, clerk_id: int, id_number: str) -> IdHistory:
    from counterapp.case_search import id_history as history_of

    found = history_of(counter.store, id_number)
    record(counter, clerk_id, ID_HISTORY, id_number, found=len(found.cases))
    return found


def find_cases(counter: Counter, clerk_id: int, text: str) -> list[Case]:
    found = counter.cases.find(text)
    record(counter, clerk_id, FIND_CASES, text, found=len(found))
    return found


def follow_ups_opened(counter: Counter, clerk_id: int, shown: int) -> None:
    record(counter, clerk_id, FOLLOW_UPS, found=shown)
