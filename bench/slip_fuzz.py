"""Random slips: cases drawn from the whole catalogue, printed in every layout and read back.

    .venv/bin/python -m bench.slip_fuzz [N] [--seed S]

renders N random slips of each kind (notice, receipt, ticket) in each layout (A4, 80 mm roll)
and prints how many rendered and how many failed. A slip fails when rendering raises, or when
reading it back (`readback`) finds a line outside the printable area, over a rule, with
punctuation at the wrong end, or text missing (an item, a material, the case number, the masked
ID, a full ID shown), or when its QR code does not decode to the case number and verification
code (zxing-cpp, a development package).

The same drawing serves the property tests (tests/test_slips_random.py): a `Picker` makes every
random choice, here from `random.Random`, there from hypothesis.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import NamedTuple, Protocol, TypeVar

from bench.slip_sample import SAMPLE_STATION
from counterapp.app import Counter
from counterapp.case_model import Agent, Case, Person
from counterapp.clock import CST, FixedClock
from counterapp.memory_keyring import in_memory_keyring
from counterapp.queue import Lane
from counterapp.slips import texts, verification
from counterapp.slips.blocks import SIGNATURE
from counterapp.slips.layout import Layout
from counterapp.slips.readback import problems
from counterapp.slips.records import PendingPrint, SlipKind, record_print
from counterapp.slips.service import prepare_notice, prepare_receipt, prepare_ticket
from counterapp.slips.worst_case import Slip, case_count, case_texts, id_number
from counterapp.station import add_clerk
from counterapp.typed_text import NAME_MAX_LENGTH

T = TypeVar("T")

COMMON = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦欧阳司马诸葛春燕丽明建国秀英桂兰淑珍德华"
)
# Outside the BMP (CJK Ext. B), rare in the BMP, and the interpunct of minority names (买买提·艾力).
RARE = "𠮷𡈼𤭢𠀋𪚥𫓹𬌗㐀䶮龑堃犇喆赟·"
REASONS = ("办事人遗失", "告知单污损", "回执污损", "办事人要求再打一份")
RELATIONS = ("子女", "配偶", "父母", "其他亲属", "村医/网格员", "其他")
AUTHORISATIONS = ("授权委托书", "监护关系证明", "其他书面授权")
PRIORITY_REASONS = ("70岁以上老人", "残疾人", "孕妇", "现役军人")
LONG_REASON = 60  # characters of a typed reprint reason (the window sets no limit)
QR_DPI = 150
# Days a case may be opened on: an ordinary one, the eve of National Day (make-up Saturday),
# and one whose 20-working-day deadlines reach into 2027 (provisional).
DAYS = (
    datetime(2026, 11, 25, 9, 0, tzinfo=CST),
    datetime(2026, 9, 30, 15, 0, tzinfo=CST),
    datetime(2026, 12, 28, 16, 30, tzinfo=CST),
)


class Picker(Protocol):
    """Makes the random choices (random.Random here, hypothesis in the tests)."""

    def integer(self, low: int, high: int) -> int: ...
    def choice(self, options: Sequence[T]) -> T: ...
    def subset(self, options: Sequence[T], size: int) -> list[T]: ...
    def boolean(self) -> bool: ...


class RandomPicker:
    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        return self._random.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        return self._random.choice(options)

    def subset(self, options: Sequence[T], size: int) -> list[T]:
        return self._random.sample(list(options), size)

    def boolean(self) -> bool:
        return self._random.random() < 0.5


def text(pick: Picker, longest: int) -> str:
    """A name-like text of 1..`longest` characters, often exactly `longest`, with rare ones."""
    length = longest if pick.boolean() else pick.integer(1, longest)
    chars = [
        pick.choice(RARE) if pick.integer(0, 4) == 0 else pick.choice(COMMON) for _ in range(length)
    ]
    return "".join(chars).strip("·") or "张"


class Station(NamedTuple):
    """A store with a station and two clerks, where random cases are opened."""

    counter: Counter
    clock: FixedClock
    clerks: tuple[int, int]

    @classmethod
    def open(cls, path: Path) -> Station:
        clock = FixedClock(DAYS[0])
        counter = Counter.open(path, clock)
        counter.configure_station(SAMPLE_STATION)
        clerks = (
            add_clerk(counter.store, "1001", "王丽", clock).id,
            add_clerk(counter.store, "1002", "欧阳𠮷娜娜", clock).id,
        )
        return cls(counter, clock, clerks)


def _people(pick: Picker, station: Station) -> tuple[Person, Agent | None]:
    serial = case_count(station.counter)
    applicant = Person(
        text(pick, NAME_MAX_LENGTH),
        id_number(serial, "19560312"),
        pick.choice(("", "13812345678", "0537-5688123")),
    )
    if not pick.boolean():
        return applicant, None
    relation = pick.choice(RELATIONS) if pick.boolean() else text(pick, 10)
    return applicant, Agent(
        text(pick, NAME_MAX_LENGTH),
        id_number(serial, "19850607"),
        pick.choice(("", "13987654321")),
        relation,
        pick.choice(AUTHORISATIONS),
    )


def _materials(pick: Picker, station: Station, case: Case) -> Case:
    """Conditions applying or not; all, none or some of the needed materials received."""
    clerk = station.clerks[0]
    cases = station.counter.cases
    for material in case.materials:
        if not material.required and pick.boolean():
            case = cases.set_condition_applies(case.id, material.key, True, clerk)
    received = pick.choice(("all", "none", "some"))
    for material in case.materials:
        if material.applies and (received == "all" or (received == "some" and pick.boolean())):
            case = cases.mark_material(case.id, material.key, True, clerk)
    return case


def _outcome(pick: Picker, station: Station, case: Case, *, accepted: bool) -> Case:
    """Leave the case open, send the notice, accept, finish or close it."""
    clerk = station.clerks[0]
    cases = station.counter.cases
    if case.missing_materials:
        step = pick.choice(("open", "notified", "withdrawn", "supplied"))
        if step != "open":
            case = cases.notify_missing(case.id, clerk)
        if step == "withdrawn":
            case = cases.close(case.id, clerk, "申请人撤回申请")
        if step != "supplied":
            return case
        station.clock.advance(days=pick.integer(0, 10))  # the citizen brings the rest
        for material in case.missing_materials:
            case = cases.mark_material(case.id, material.key, True, clerk)
    if not accepted and pick.boolean():
        return case
    case = cases.accept(case.id, clerk)
    step = pick.choice(("accepted", "finished", "closed"))
    if step != "accepted":
        station.clock.advance(minutes=pick.integer(1, 600))
        case = (
            cases.forward(case.id, clerk, "转报")
            if case.needs_forwarding
            else cases.complete(case.id, clerk)
        )
    if step == "closed":
        case = cases.close(case.id, clerk)
    return case


def random_case(pick: Picker, station: Station, *, accepted: bool = False) -> Case:
    """A case of 1 to all catalogue items (accepted or later when `accepted`)."""
    station.clock.set(pick.choice(DAYS))
    codes = sorted(station.counter.catalogue.items)
    size = pick.choice((1, 2, 3, len(codes), pick.integer(1, len(codes))))
    applicant, agent = _people(pick, station)
    case = station.counter.cases.open_case(
        applicant, pick.subset(codes, size), station.clerks[0], agent=agent
    )
    case = _materials(pick, station, case)
    if accepted:
        for material in case.missing_materials:
            case = station.counter.cases.mark_material(
                case.id, material.key, True, station.clerks[0]
            )
    case = _outcome(pick, station, case, accepted=accepted)
    if pick.integer(0, 3) == 0:
        case = station.counter.cases.hand_over(
            case.id, station.clerks[0], station.clerks[1], "换班"
        )
    return case


def reprint_reason(
    pick: Picker, station: Station, case: Case, kind: SlipKind, layout: Layout
) -> str | None:
    """None for a first print; else a first print is recorded and a reason drawn."""
    if pick.boolean():
        return None
    code = verification.legacy_code_for(station.counter, case)  # as printed before issue 13
    record_print(
        station.counter,
        PendingPrint(kind, layout, case.id, case.uuid, None, station.clerks[0], False, None, code),
    )
    return pick.choice(REASONS) if pick.boolean() else text(pick, LONG_REASON)


def case_slip(pick: Picker, station: Station, kind: SlipKind, layout: Layout) -> Slip:
    """A random notice or receipt of a random case."""
    case = random_case(pick, station, accepted=kind == SlipKind.RECEIPT)
    reason = reprint_reason(pick, station, case, kind, layout)
    prepare = prepare_notice if kind == SlipKind.NOTICE else prepare_receipt
    slip = prepare(
        station.counter, case.id, layout, clerk_id=station.clerks[1], reprint_reason=reason
    )
    shown, hidden = case_texts(case)
    code = slip.pending.verification_code
    assert code is not None  # every case slip has one (tickets have none)
    shown.append(f"验证码：{code}")
    if reason is not None:
        shown.append(f"补打原因：{reason}")
    if kind == SlipKind.NOTICE:
        shown += [texts.material_name(m) for m in case.materials]
        shown += SIGNATURE
        if not case.missing_materials:
            hidden += ["补齐上列", "尚缺0项"]
    else:
        shown += [
            f"{texts.material_name(m)}（{texts.requirement_text(m)}）"
            for m in case.materials
            if m.applies and m.received
        ]
    return Slip(
        kind,
        layout,
        slip.pdf,
        tuple(shown),
        tuple(hidden),
        verification.qr_payload(case.case_no, code),
    )


def ticket_slip(pick: Picker, station: Station, layout: Layout) -> Slip:
    """A normal or priority ticket with a random number of people ahead."""
    queue = station.counter.queue
    station.clock.set(pick.choice(DAYS))
    for _ in range(pick.integer(0, 3)):
        queue.issue(Lane.NORMAL)
    lane = pick.choice((Lane.NORMAL, Lane.PRIORITY))
    reason = pick.choice(PRIORITY_REASONS) if lane == Lane.PRIORITY else None
    ticket = queue.issue(lane, reason)
    ahead = queue.people_ahead(ticket)
    slip = prepare_ticket(station.counter, ticket.id, layout)
    assert station.counter.station is not None
    shown = [
        station.counter.station.name,
        ticket.code,
        lane.label,
        f"您前面还有{ahead}人等候" if ahead else "您前面暂无等候",
    ]
    return Slip(SlipKind.TICKET, layout, slip.pdf, tuple(shown), (reason or "",), None)


def random_slip(pick: Picker, station: Station, kind: SlipKind, layout: Layout) -> Slip:
    if kind == SlipKind.TICKET:
        return ticket_slip(pick, station, layout)
    return case_slip(pick, station, kind, layout)


def decoded_qr(pdf: bytes) -> list[str]:
    """The QR codes found on the slip's images (zxing-cpp)."""
    import zxingcpp

    from counterapp.slips.raster import render_images

    return [
        barcode.text
        for image in render_images(pdf, QR_DPI)
        for barcode in zxingcpp.read_barcodes(image)
    ]


def slip_problems(slip: Slip) -> list[str]:
    """What is wrong with a random slip (empty when it is right)."""
    found = problems(slip.pdf, slip.layout, slip.shown, slip.hidden)
    if slip.qr is not None:
        decoded = decoded_qr(slip.pdf)
        if decoded != [slip.qr]:
            found.append(f"二维码应为 {slip.qr}，读出 {decoded}")
    return found


class Tally(NamedTuple):
    rendered: int
    failed: int
    median_ms: float
    examples: list[str]


def run(
    count: int, seed: int, folder: Path, report: Callable[[str], object] = print
) -> dict[tuple[SlipKind, Layout], Tally]:
    """Render `count` random slips of each kind in each layout; tally the failures."""
    station = Station.open(folder / "fuzz.db")
    pick = RandomPicker(seed)
    tallies: dict[tuple[SlipKind, Layout], Tally] = {}
    try:
        for kind in SlipKind:
            for layout in Layout:
                rendered, failures, times, examples = 0, 0, [], []
                for _ in range(count):
                    started = time.perf_counter()
                    try:
                        slip = random_slip(pick, station, kind, layout)
                        times.append((time.perf_counter() - started) * 1000)
                        found = slip_problems(slip)
                    except Exception as exc:  # a crash is a failure to count, not to stop on
                        found = [f"{type(exc).__name__}: {exc}"]
                    rendered += 1
                    if found:
                        failures += 1
                        examples += found[:2]
                tally = Tally(
                    rendered, failures, statistics.median(times) if times else 0, examples[:6]
                )
                tallies[kind, layout] = tally
                report(
                    f"{kind.label:<8} {layout.label:<10} rendered {tally.rendered:4d}  "
                    f"failed {tally.failed:3d}  median render {tally.median_ms:6.1f} ms"
                )
                for example in tally.examples:
                    report(f"    {example}")
    finally:
        station.counter.close()
    return tallies


def main() -> None:
    parser = argparse.ArgumentParser(description="render random slips and read them back")
    parser.add_argument(
        "count",
        type=int,
        nargs="?",
        default=300,
        help="slips of each kind in each layout (default 300)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="counterapp-fuzz-") as folder:
        tallies = run(args.count, args.seed, Path(folder))
    failed = sum(t.failed for t in tallies.values())
    print(
        f"slips rendered at random: {sum(t.rendered for t in tallies.values())}, failures: {failed}"
    )
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    with in_memory_keyring():  # store keys in memory: the PC's keyring is never touched
        main()
