"""A clerk's first day with the program, as data: one list of steps per phase, in the order a
clerk walks them, keys written as xdotool names (`ctrl+Return`, `space`, `F2`).

The same steps are played by two drivers: `xwalk.XDriver` presses keys on a real X server
(xdotool) for the program started as a process, and the in-process test plays the start-up
phases with QTest on the dialogs `main.main()` opens. A driver only knows how to press, type,
see a window by its title, wait and take a screenshot; what happened is read from the store
(read-only SQLite), never from the program's objects. Once other changes alter the keys of a
step, only the lists below change.

Today's keyboard path: after F2 the focus is in 姓名; Enter in the item search adds the
highlighted item; Space ticks a material; Ctrl+Enter does each step's main action (next step,
accept or issue the notice, finish or forward, ask for the rating, end the visit); a digit
1–5 is the citizen's rating.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from counterapp import store_key
from counterapp.station import LEVEL_NAMES, Station
from db import files
from db.store import DatabaseError
from tests.conftest import make_id

SETUP_TITLE = "首次设置：本站信息"
LOGIN_TITLE = "经办人员登录"
COUNTER_TITLE = "医保综合柜员 — "
WALK_IN_TITLE = "窗口代取号"
MESSAGE_TITLE = "^提示$"
RATING_TITLE = "服务评价"

STATION = Station(
    code="370883215",
    name="唐村镇大律村医保服务点",
    level="village",
    county_code="370883",
    county_name="邹城市",
    address="大律村党群服务中心",
    supervision_phone="0537-5211234",
)
WINDOW_NO = 2
CLERK = ("2001", "周敏")  # the station admin the set-up creates, who then logs in
PIN = "270415"


@dataclass(frozen=True)
class Citizen:
    name: str
    id_number: str


INSTANT = Citizen("孙秀英", make_id(birth="19800214", sequence="226"))
RETURNING = Citizen("李国华", make_id(birth="19520317", sequence="113"))
INSTANT_ITEM = "YB0202"  # 参保人员参保缴费信息查询: instant, handled here, one material
FORWARDED_ITEM = "YB0501"  # 门诊慢性病病种待遇认定: collected here and forwarded, two materials


# --- the steps --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Keys:
    """Key presses, each a chord in xdotool's names."""

    chords: tuple[str, ...]


def keys(*chords: str) -> Keys:
    return Keys(chords)


@dataclass(frozen=True)
class Type:
    """Text typed into the focused field (Chinese as an input method commits it)."""

    text: str


@dataclass(frozen=True)
class Window:
    """Wait until a window whose title matches this regular expression is shown."""

    title: str


@dataclass(frozen=True)
class Gone:
    """Wait until no shown window's title matches."""

    title: str


@dataclass(frozen=True)
class Until:
    """Wait until the store answers `sql` with a row (the program saved what the keys did)."""

    what: str
    sql: str
    params: tuple = ()


@dataclass(frozen=True)
class Pause:
    """Where the screen answers a read and nothing outside shows it: give it the time a
    clerk's eyes take. Used only where no store change or window can be waited for."""

    seconds: float
    why: str


@dataclass(frozen=True)
class Shot:
    """A screenshot, kept with the test's files."""

    name: str


Step = Keys | Type | Window | Gone | Until | Pause | Shot


@dataclass(frozen=True)
class Phase:
    name: str
    steps: Sequence[Step]


# --- store conditions -------------------------------------------------------------------------
def ticket_is(code: str, status: str) -> Until:
    return Until(
        f"ticket {code} {status}",
        "SELECT 1 FROM tickets WHERE code = ? AND status = ?",
        (code, status),
    )


def case_is(citizen: Citizen, state: str) -> Until:
    return Until(
        f"{citizen.name}'s case {state}",
        "SELECT 1 FROM cases WHERE applicant_id_number = ? AND state = ?",
        (citizen.id_number, state),
    )


def received(citizen: Citizen, count: int) -> Until:
    return Until(
        f"{count} of {citizen.name}'s materials received",
        "SELECT 1 FROM cases c WHERE applicant_id_number = ? AND (SELECT count(*) FROM "
        "case_materials m WHERE m.case_id = c.id AND m.received) = ?",
        (citizen.id_number, count),
    )


def rated(citizen: Citizen, level: int) -> Until:
    return Until(
        f"{citizen.name} rated {level}",
        "SELECT 1 FROM ratings r JOIN cases c ON c.id = r.case_id "
        "WHERE c.applicant_id_number = ? AND r.level = ?",
        (citizen.id_number, level),
    )


def notice_printed(citizen: Citizen) -> Until:
    return Until(
        f"the notice of {citizen.name}'s case printed",
        "SELECT 1 FROM slip_prints p JOIN cases c ON c.id = p.case_id "
        "WHERE c.applicant_id_number = ? AND p.kind = 'notice'",
        (citizen.id_number,),
    )


# --- the phases -------------------------------------------------------------------------------
def first_run_set_up() -> Phase:
    level_downs = list(LEVEL_NAMES).index(STATION.level)
    return Phase(
        "first-run set-up",
        [
            Window(SETUP_TITLE),
            Type(STATION.code),
            keys("Tab"),
            Type(STATION.name),
            keys("Tab"),
            keys(*["Down"] * level_downs, "Tab"),  # 站点层级, a list: ↓ to the level
            Type(STATION.county_code),
            keys("Tab"),
            Type(STATION.county_name),
            keys("Tab"),
            Type(STATION.address),
            keys("Tab"),
            Type(STATION.supervision_phone),
            keys("Tab"),
            keys("ctrl+a"),
            Type(str(WINDOW_NO)),
            keys("Tab"),  # 窗口号
            keys("Tab", "Tab"),  # hub address later; queue standalone
            Type(CLERK[0]),
            keys("Tab"),
            Type(CLERK[1]),
            keys("Tab"),  # 站长: 工号, 姓名
            Type(PIN),
            keys("Tab"),
            Type(PIN),  # PIN, 确认PIN
            Shot("first-run-set-up"),
            keys("Return"),  # 保存并继续
        ],
    )


def log_in(pin: str = PIN) -> Phase:
    """The clerk who set up the station (or last logged in here) is chosen: the keys go to
    the PIN."""
    return Phase(
        "login",
        [
            Window(LOGIN_TITLE),
            Shot("login"),
            Type(pin),
            keys("Return"),
            Window(COUNTER_TITLE),
            Shot("counter-window"),
        ],
    )


def walk_in_ticket(code: str) -> list[Step]:
    """F7: a ticket for a citizen at the window; the program says its code in a box."""
    return [
        keys("F7"),
        Window(WALK_IN_TITLE),
        keys("Return"),
        ticket_is(code, "waiting"),
        Window(MESSAGE_TITLE),
        keys("Return"),
        Gone(MESSAGE_TITLE),
    ]


def call(ticket: str) -> list[Step]:
    """F2 calls the next ticket. The store has it called before the window has re-read the
    queue and cleared the case panel for it: what is typed in between is lost (a clerk's
    reaction is slower; an ID card reader's might not be)."""
    return [
        keys("F2"),
        ticket_is(ticket, "called"),
        Pause(0.5, "the window re-reads the queue and readies ① for the called ticket"),
    ]


def applicant(citizen: Citizen) -> list[Step]:
    """After F2 the focus is in 姓名; Ctrl+Enter goes on to the items."""
    return [Type(citizen.name), keys("Tab"), Type(citizen.id_number), keys("ctrl+Return")]


def choose_item(code: str, citizen: Citizen) -> list[Step]:
    """② search, Enter adds the highlighted item, Ctrl+Enter opens the case (③ materials)."""
    return [Type(code), keys("Return", "ctrl+Return"), case_is(citizen, "received")]


def rate(citizen: Citizen, level: int) -> list[Step]:
    """⑥ Ctrl+Enter asks the citizen to rate; in the rating dialog a digit rates (5 非常满意);
    nothing is chosen in advance."""
    return [keys("ctrl+Return"), Window(RATING_TITLE), keys(str(level)), rated(citizen, level)]


def instant_visit(ticket: str) -> Phase:
    """The standard visit whose keys are counted: call → applicant → one instant item → all
    materials → accept → finish on the spot → rating → done."""
    who = INSTANT
    return Phase(
        "instant visit",
        [
            *call(ticket),
            *applicant(who),
            *choose_item(INSTANT_ITEM, who),
            keys("space"),
            received(who, 1),  # ③ the one material, received
            keys("ctrl+Return"),  # ④
            keys("ctrl+Return"),
            case_is(who, "accepted"),  # 材料齐全，受理
            keys("ctrl+Return"),
            case_is(who, "completed"),  # ⑤ 当场办结
            *rate(who, 5),
            Shot("instant-visit-rated"),
            keys("ctrl+Return"),
            ticket_is(ticket, "done"),  # 完成本次服务
        ],
    )


def notice_visit(ticket: str) -> Phase:
    """An item forwarded upward; the medical records are missing: the one-time notice is
    issued and printed, and the citizen leaves to fetch them."""
    who = RETURNING
    return Phase(
        "visit with a missing material",
        [
            *call(ticket),
            *applicant(who),
            *choose_item(FORWARDED_ITEM, who),
            keys("space"),
            received(who, 1),  # ③ the ID card; no medical records
            keys("ctrl+Return"),  # ④ one material missing
            keys("ctrl+Return"),
            case_is(who, "materials_incomplete"),  # the notice (prints it)
            notice_printed(who),
            Shot("notice-printed"),
            keys("ctrl+Return"),
            ticket_is(ticket, "done"),  # 结束本次服务，等待补正
        ],
    )


def return_visit(ticket: str) -> Phase:
    """The same citizen back with the medical records, on a new ticket: found by ID number,
    the case is completed, forwarded upward and rated."""
    who = RETURNING
    return Phase(
        "return with the missing material",
        [
            *walk_in_ticket(ticket),
            *call(ticket),
            keys("shift+Tab", "shift+Tab"),  # from 姓名 up to 回访办事人
            Type(who.id_number),
            keys("Return"),
            Pause(0.5, "the found cases are listed and focused"),
            keys("Return"),  # continue the case: ③ materials
            Pause(0.5, "the case is read and shown at ③"),
            keys("space"),
            received(who, 2),  # the focus is on the one missing
            keys("ctrl+Return"),  # ④
            keys("ctrl+Return"),
            case_is(who, "accepted"),  # 受理
            keys("ctrl+Return"),
            case_is(who, "forwarded"),  # ⑤ 转报上级（帮办代办）
            *rate(who, 4),
            Shot("forwarded-and-rated"),
            keys("ctrl+Return"),
            ticket_is(ticket, "done"),  # 完成本次服务
        ],
    )


def nobody_waiting() -> Phase:
    """F2 once more: nobody is waiting, and the program says so."""
    return Phase(
        "next ticket",
        [
            keys("F2"),
            Window(MESSAGE_TITLE),
            Shot("nobody-waiting"),
            keys("Return"),
            Gone(MESSAGE_TITLE),
        ],
    )


def typed_text(phases: Sequence[Phase]) -> str:
    """Everything the phases type (the X driver gives its Chinese characters keys)."""
    return "".join(step.text for phase in phases for step in phase.steps if isinstance(step, Type))


def first_day() -> list[Phase]:
    """From a new store to the end of the day's first three visits; Alt+F4 closes the window
    (the window manager's key), which ends the program."""
    return [
        first_run_set_up(),
        log_in(),
        Phase("walk-in tickets", [*walk_in_ticket("A001"), *walk_in_ticket("A002")]),
        instant_visit("A001"),
        notice_visit("A002"),
        return_visit("A003"),
        nobody_waiting(),
        Phase("close the window", [keys("alt+F4")]),
    ]


# --- playing the steps ------------------------------------------------------------------------
class Driver(Protocol):
    def key(self, chord: str) -> None: ...

    def type(self, text: str) -> None: ...

    def window_shown(self, title: str) -> bool: ...

    def shot(self, name: str) -> None: ...


@dataclass(frozen=True)
class Waiting:
    """What the walk waits for before its next step."""

    done: Callable[[], bool]
    what: str
    timeout: float


@dataclass
class PhaseFigures:
    """Keys pressed in one phase: chords (F2, Tab, Ctrl+Enter …) and typed characters."""

    chords: int = 0
    typed: int = 0
    seconds: float = 0.0

    @property
    def presses(self) -> int:
        return self.chords + self.typed


@dataclass
class Walk:
    """Plays the phases through a driver. `steps()` yields at every wait, so the walk can be
    driven from outside the program (`play`, which blocks) or from a timer inside the
    program's own event loop, which must never be blocked nor nested."""

    driver: Driver
    store: Path
    timeout: float = 30.0
    figures: dict[str, PhaseFigures] = field(default_factory=dict)

    def play(self, phases: Sequence[Phase], wait: Callable[[Waiting], None]) -> None:
        for waiting in self.steps(phases):
            wait(waiting)

    def steps(self, phases: Sequence[Phase]) -> Iterator[Waiting]:
        for phase in phases:
            counted = self.figures.setdefault(phase.name, PhaseFigures())
            started = time.perf_counter()
            for step in phase.steps:
                yield from self._step(step, counted)
            counted.seconds += time.perf_counter() - started

    def _step(self, step: Step, counted: PhaseFigures) -> Iterator[Waiting]:
        driver = self.driver
        match step:
            case Keys(chords):
                for chord in chords:
                    driver.key(chord)
                counted.chords += len(chords)
            case Type(text):
                driver.type(text)
                counted.typed += len(text)
            case Window(title):
                yield Waiting(
                    lambda: driver.window_shown(title), f"a window titled {title!r}", self.timeout
                )
            case Gone(title):
                yield Waiting(
                    lambda: not driver.window_shown(title),
                    f"the window titled {title!r} to close",
                    self.timeout,
                )
            case Until(what, sql, params):
                yield Waiting(lambda: bool(self.query(sql, params)), what, self.timeout)
            case Pause(seconds, why):
                until = time.monotonic() + seconds
                yield Waiting(lambda: time.monotonic() >= until, why, seconds + self.timeout)
            case Shot(name):
                driver.shot(name)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read the program's store without changing it (a new read-only connection)."""
        if not self.store.exists():
            return []
        key = store_key.load(self.store)  # the program put it in the tests' keyring
        connection = files.keyed(self.store, key, read_only=True)
        try:
            return connection.execute(sql, params).fetchall()
        except DatabaseError:  # tables not made yet: the store is being created
            return []
        finally:
            connection.close()
