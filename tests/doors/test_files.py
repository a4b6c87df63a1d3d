"""The files the station reads: the county's catalogue (a JSON document or a TOML directory),
its holiday calendar, through the loaders and the command line (`catalogue --check`,
`catalogue --import`, `calendar FILE`).

Random documents and mutations of the real ones either load, or are refused with every
problem listed (`CatalogueInvalid`; for a calendar a `ValueError` naming the entry); never
another exception, and a refused file leaves the store, its active catalogue included, as it
was. An accepted catalogue is stored as read, and each item that changed serves a case
through acceptance (its copies and time limits are usable, not only valid).
"""

from __future__ import annotations

import contextlib
import copy
import io
import itertools
import json
import shutil
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterapp import catalogue_store, cli
from counterapp.app import Counter
from counterapp.case_model import Agent, Person
from counterapp.catalogue import CatalogueInvalid, load_directory, parse_document
from counterapp.clock import CST, FixedClock
from counterapp.station import add_clerk
from counterapp.workdays import YearCalendar
from tests.conftest import TOWN, make_id
from tests.doors.strategies import JSON_VALUES, NASTY_CHAR, mutated, pushed, spoiled_bytes
from tests.doors.tools import doors, dump, is_chinese, tried

SHIPPED = catalogue_store.default_catalogue_dir()
DOCUMENT = load_directory(SHIPPED).to_document()
CALENDAR = {
    "year": 2027,
    "source": "县医保中心转发国务院办公厅通知",
    "holidays": {"2027-01-01": "元旦", "2027-02-05": "春节", "2027-02-08": "春节"},
    "workdays": {"2027-02-14": "春节"},
}
NUMBERS = itertools.count(1)


def run_cli(*args: str) -> tuple[int, str]:
    """`counterapp ARGS` in this process: its exit code and what it wrote to stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, err.getvalue()


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    folder = tmp_path_factory.mktemp("files")
    clock = FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=CST))
    with Counter.open(folder / "station.db", clock) as counter:
        counter.configure_station(TOWN)
        counter.clerk = add_clerk(counter.store, "1001", "王丽", clock).id
        counter.folder = folder
        yield counter


@doors(100)
@given(JSON_VALUES | mutated(DOCUMENT))
def test_a_catalogue_document_loads_or_lists_its_problems(document):
    try:
        catalogue = parse_document(document, "county.json")
    except CatalogueInvalid as refused:
        assert refused.problems
        tried("catalogue document (parse_document)", "refused")
        return
    assert parse_document(catalogue.to_document(), "again") == catalogue
    tried("catalogue document (parse_document)", "accepted")


def serve_changed_items(counter: Counter, document: dict) -> None:
    """Open a case (with an agent) for each item that differs from the shipped one, or for
    the first item when only the catalogue's rules or agent materials changed, tick its
    materials and accept it: the items' copies and time limits must be usable."""
    counter.reload_catalogue()
    shipped = {item["code"]: item for item in DOCUMENT["items"]}
    changed = [item["code"] for item in document["items"] if shipped.get(item["code"]) != item]
    agent = Agent("李四", make_id(birth="19800101"), "", "子女", "授权委托书")
    for code in changed or sorted(counter.catalogue.items)[:1]:
        case = counter.cases.open_case(
            Person("张三", make_id()), [code], counter.clerk, agent=agent
        )
        for material in case.materials:
            if not material.required:
                counter.cases.set_condition_applies(case.id, material.key, True, counter.clerk)
            case = counter.cases.mark_material(case.id, material.key, True, counter.clerk)
        counter.cases.accept(case.id, counter.clerk)


@doors(60)
@given(st.sampled_from(["mutated", "mutated", "pushed", "pushed", "spoiled"]), st.data())
def test_a_catalogue_file_imports_whole_or_not_at_all(station, how, data):
    """`counterapp catalogue --import FILE`: a new version, mutated, with a number pushed to
    an edge, or its bytes spoiled."""
    document = data.draw(pushed(DOCUMENT) if how == "pushed" else mutated(DOCUMENT))
    if isinstance(document.get("catalogue"), dict):
        document["catalogue"].setdefault("version", "")
        if document["catalogue"]["version"] == DOCUMENT["catalogue"]["version"]:
            document["catalogue"]["version"] = f"county-{next(NUMBERS)}"
    raw = json.dumps(document).encode()
    if how == "spoiled":
        raw = data.draw(spoiled_bytes(raw))
    assert import_file(station, raw) in ("accepted", "refused")


def import_file(station: Counter, raw: bytes) -> str:
    """Import `raw` with `counterapp catalogue --import`: the catalogue is either stored as
    read and usable, or refused with the store unchanged."""
    path = station.folder / "county.json"
    path.write_bytes(raw)
    before, active = dump(station.store.path), station.catalogue
    code, err = run_cli("--data-dir", str(station.folder), "catalogue", "--import", str(path))
    if code != 0:
        assert code == 2 and "catalogue rejected, nothing changed" in err, err
        assert dump(station.store.path) == before
        assert catalogue_store.active_catalogue(station.store) == active
        tried("catalogue file (catalogue --import)", "refused")
        return "refused"
    imported = catalogue_store.active_catalogue(station.store)
    assert imported == parse_document(json.loads(raw), "county.json")
    serve_changed_items(station, json.loads(raw))
    tried("catalogue file (catalogue --import)", "accepted")
    return "accepted"


EDGES = [
    (where, value)
    for where in ("count", "minutes", "working_days", "rule")
    for value in (0, 1, 99, 100, 365, 366, 1440, 1441, 10**6, 2**63, 10**30)
]


@pytest.mark.parametrize("where, value", EDGES)
def test_a_catalogue_number_at_an_edge_imports_usable_or_not_at_all(station, where, value):
    """A count, a time limit or a rule the county typed too large was once imported, and
    then every case with its item failed (an SQLite integer overflow, a deadline past the
    year 9999)."""
    document = copy.deepcopy(DOCUMENT)
    instant = next(item for item in document["items"] if "minutes" in item["time_limit"])
    promised = next(item for item in document["items"] if "working_days" in item["time_limit"])
    if where == "count":
        instant["materials"][0]["count"] = value
    elif where == "minutes":
        instant["time_limit"]["minutes"] = value
    elif where == "working_days":
        promised["time_limit"]["working_days"] = value
    else:
        document["catalogue"]["rules"]["forward_submit_working_days"] = value
    document["catalogue"]["version"] = f"county-{next(NUMBERS)}"
    outcome = import_file(station, json.dumps(document).encode())
    most = {"count": 99, "minutes": 1440}.get(where, 365)
    assert outcome == ("accepted" if 1 <= value <= most else "refused")


@st.composite
def spoiled_toml(draw: st.DrawFn, text: str) -> str:
    """A TOML file with a line dropped, repeated or replaced, text inserted, or cut short."""
    lines = text.splitlines(keepends=True)
    at = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["drop", "repeat", "replace", "insert", "cut", "number"]))
    if how == "drop":
        del lines[at]
    elif how == "repeat":
        lines.insert(at, lines[at])
    elif how == "replace":
        lines[at] = draw(st.text(NASTY_CHAR, max_size=30)) + "\n"
    elif how == "insert":
        column = draw(st.integers(0, len(lines[at])))
        lines[at] = (
            lines[at][:column]
            + draw(st.text(NASTY_CHAR, min_size=1, max_size=5))
            + lines[at][column:]
        )
    elif how == "cut":
        lines = lines[:at]
    else:
        number = draw(st.sampled_from(["0", "-1", "99999999999999999999", "1.5", "true"]))
        lines[at] = "".join(number if ch.isdigit() else ch for ch in lines[at])
    return "".join(lines)


FILES = sorted(str(path.relative_to(SHIPPED)) for path in SHIPPED.rglob("*.toml"))


@pytest.fixture(scope="module")
def copy_of_shipped(tmp_path_factory):
    folder = tmp_path_factory.mktemp("catalogue")
    shutil.copytree(SHIPPED, folder, dirs_exist_ok=True)
    return folder


@doors(50)
@given(st.sampled_from(FILES), st.data())
def test_a_catalogue_directory_loads_or_lists_its_problems(copy_of_shipped, name, data):
    """`counterapp catalogue --check DIR` on the shipped directory with one file spoiled."""
    original = (SHIPPED / name).read_text(encoding="utf-8")
    spoiled = data.draw(spoiled_toml(original))
    (copy_of_shipped / name).write_text(spoiled, encoding="utf-8", errors="surrogatepass")
    try:
        try:
            load_directory(copy_of_shipped)
        except CatalogueInvalid as refused:
            assert refused.problems
            outcome = "refused"
        else:
            outcome = "accepted"
        code, err = run_cli("catalogue", "--check", str(copy_of_shipped))
    finally:
        (copy_of_shipped / name).write_text(original, encoding="utf-8")
    assert (code, outcome) in ((0, "accepted"), (2, "refused")), err
    tried("catalogue directory (load_directory, catalogue --check)", outcome)


@doors(100)
@given(JSON_VALUES | mutated(CALENDAR))
def test_a_pushed_calendar_loads_or_names_its_problem(document):
    try:
        calendar = YearCalendar.from_document(document)
    except ValueError as refused:
        assert str(refused)
        tried("holiday calendar (YearCalendar.from_document)", "refused")
        return
    assert YearCalendar.from_document(calendar.to_document()) == calendar
    tried("holiday calendar (YearCalendar.from_document)", "accepted")


@doors(40)
@given(mutated(CALENDAR), st.booleans(), st.data())
def test_a_calendar_file_imports_or_changes_nothing(station, document, readable, data):
    """`counterapp calendar FILE`."""
    raw = json.dumps(document).encode()
    if not readable:
        raw = data.draw(spoiled_bytes(raw))
    path = station.folder / "calendar.json"
    path.write_bytes(raw)
    before = dump(station.store.path)
    code, err = run_cli("--data-dir", str(station.folder), "calendar", str(path))
    if code != 0:
        assert code == 2 and err.startswith("错误：") and is_chinese(err), err
        assert dump(station.store.path) == before
        tried("holiday calendar file (calendar FILE)", "refused")
        return
    calendar = YearCalendar.from_document(json.loads(raw))
    stored = station.store.scalar(
        "SELECT document FROM calendar_years WHERE year = ?", (calendar.year,)
    )
    assert YearCalendar.from_document(json.loads(stored)) == calendar
    tried("holiday calendar file (calendar FILE)", "accepted")
