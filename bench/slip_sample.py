"""A sample station with cases in the states the slips cover, for renderings and the benchmark.

The applicant's name holds 𠮷 (U+20BB7, outside the BMP) so every rendering shows that rare
characters print.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from counterapp.app import Counter
from counterapp.case_model import Agent, Person
from counterapp.clock import CST, FixedClock
from counterapp.idnumber import check_char
from counterapp.queue import Lane
from counterapp.station import Station, add_clerk

SAMPLE_STATION = Station(
    code="370883101",
    name="千泉街道医保服务站",
    level="town",
    county_code="370883",
    county_name="邹城市",
    address="千泉街道为民服务中心一楼",
    supervision_phone="0537-5211234",
)
SAMPLE_APPLICANT_NAME = "𠮷春燕"
SAMPLE_MOMENT = datetime(2026, 11, 25, 9, 0, tzinfo=CST)


def sample_id(birth: str, sequence: str, region: str = "370883") -> str:
    first17 = region + birth + sequence
    return first17 + check_char(first17)


class Sample(NamedTuple):
    counter: Counter
    clerk_id: int
    notice_case_id: int  # waiting for a missing material (forwarded item, with an agent)
    receipt_case_id: int  # accepted, to be forwarded upward
    ticket_id: int  # with two people ahead


def open_sample(path: Path, clock: FixedClock | None = None) -> Sample:
    """A new store at `path` holding the sample station, two cases and a few tickets."""
    clock = clock or FixedClock(SAMPLE_MOMENT)
    counter = Counter.open(path, clock)
    counter.configure_station(SAMPLE_STATION)
    clerk = add_clerk(counter.store, "1001", "王丽", clock).id
    for _ in range(3):
        ticket = counter.queue.issue(Lane.NORMAL)
    applicant = Person(SAMPLE_APPLICANT_NAME, sample_id("19560312", "123"), "13812345678")
    agent = Agent("李明", sample_id("19850607", "251"), "13987654321", "子女", "授权委托书")
    notice = counter.cases.open_case(applicant, ["YB0101", "YB0501"], clerk, agent=agent)
    needed = [m for m in notice.materials if m.applies]
    for material in needed[:-1]:
        counter.cases.mark_material(notice.id, material.key, True, clerk)
    counter.cases.notify_missing(notice.id, clerk)
    clock.advance(minutes=20)
    other = Person("欧阳娜娜", sample_id("19900101", "342"), "")
    receipt = counter.cases.open_case(other, ["YB0403", "YB1001"], clerk)
    for material in receipt.materials:
        if material.applies:
            counter.cases.mark_material(receipt.id, material.key, True, clerk)
    counter.cases.accept(receipt.id, clerk)
    return Sample(counter, clerk, notice.id, receipt.id, ticket.id)
