"""The largest notice a case can give, for the self-test (`counterapp.selftest`) and the
random-slip run (`bench/slip_fuzz.py`): every catalogue item, names of the longest with
characters outside the BMP, an agent, every other needed material missing, a reprint.

A `Slip` carries what reading it back (`readback.problems`) must find shown, and must not find.
"""

from __future__ import annotations

from typing import NamedTuple

from counterapp.app import Counter
from counterapp.case_model import Agent, Case, Person
from counterapp.idnumber import check_char
from counterapp.privacy import mask_id_number
from counterapp.slips import texts, verification
from counterapp.slips.blocks import SIGNATURE
from counterapp.slips.layout import Layout
from counterapp.slips.records import SlipKind, record_print
from counterapp.slips.service import prepare_notice
from counterapp.typed_text import NAME_MAX_LENGTH

WORST_NAME = "欧阳𠮷𡈼𤭢·买买提·艾力江诸葛𪚥春燕𠀋堃犇喆赟龑䶮丽明建国秀英桂兰淑"[:NAME_MAX_LENGTH]
WORST_REASON = "申请人遗失原告知单（含“补正材料清单”），现场核实身份后《补打》"


class Slip(NamedTuple):
    """A rendered slip and what reading it back must find."""

    kind: SlipKind
    layout: Layout
    pdf: bytes
    shown: tuple[str, ...]
    hidden: tuple[str, ...]
    qr: str | None


def id_number(serial: int, birth: str) -> str:
    """A valid ID number of the sample county, distinct for each `serial` (mod 1000)."""
    first17 = f"370883{birth}{serial % 1000:03d}"
    return first17 + check_char(first17)


def case_count(counter: Counter) -> int:
    return int(counter.store.scalar("SELECT count(*) FROM cases"))


def case_texts(case: Case) -> tuple[list[str], list[str]]:
    """What a slip of `case` shows (masked IDs, items) and must never show (full IDs, phones)."""
    shown = [
        case.case_no,
        case.applicant.name,
        mask_id_number(case.applicant.id_number),
        *(item.title for item in case.items),
    ]
    hidden = [case.applicant.id_number, case.applicant.phone]
    if case.agent is not None:
        shown += [case.agent.name, mask_id_number(case.agent.id_number)]
        hidden += [case.agent.id_number, case.agent.phone]
    return shown, hidden


def worst_notice(counter: Counter, clerk: int, layout: Layout) -> Slip:
    """The largest notice a case can give (see the module docstring), opened in `counter`."""
    catalogue = counter.catalogue
    serial = case_count(counter)
    applicant = Person(WORST_NAME, id_number(serial, "19560312"), "13812345678")
    agent = Agent(
        WORST_NAME[::-1], id_number(serial, "19850607"), "13987654321", "其他亲属", "授权委托书"
    )
    case = counter.cases.open_case(applicant, sorted(catalogue.items), clerk, agent=agent)
    for material in case.materials:
        if not material.required:
            case = counter.cases.set_condition_applies(case.id, material.key, True, clerk)
    for material in case.materials[::2]:
        case = counter.cases.mark_material(case.id, material.key, True, clerk)
    case = counter.cases.notify_missing(case.id, clerk)
    first = prepare_notice(counter, case.id, layout, clerk_id=clerk)
    record_print(counter, first.pending)
    slip = prepare_notice(counter, case.id, layout, clerk_id=clerk, reprint_reason=WORST_REASON)
    pdf, code = slip.pdf, slip.pending.verification_code
    assert code is not None
    shown, hidden = case_texts(case)
    shown += [
        f"验证码：{code}",
        f"补打原因：{WORST_REASON}",
        *SIGNATURE,
        *(texts.material_name(m) for m in case.materials),
    ]
    return Slip(
        SlipKind.NOTICE,
        layout,
        pdf,
        tuple(shown),
        tuple(hidden),
        verification.qr_payload(case.case_no, code),
    )
