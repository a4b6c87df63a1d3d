"""`--self-test`: prove a build works on this PC without touching the station's data.

Each check runs on a temporary store and prints one line; the exit code is non-zero if any
check failed. It smoke-tests the PyInstaller bundle (the fonts, resources and migrations it
must carry) as much as a source checkout. The checks here need the core only; `main.py` adds
those that need more (the window; a sync round with a county hub, where the hub is installed).
"""

from __future__ import annotations

import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from counterapp import accounts, pins
from counterapp.app import Counter
from counterapp.case_model import CaseState, Person
from counterapp.clock import CST, FixedClock
from counterapp.demo import DEMO_STATION
from counterapp.idnumber import check_char
from counterapp.memory_keyring import in_memory_keyring
from counterapp.queue import Lane
from counterapp.ratings import RatingLevel
from db import files, migrations

Check = Callable[[Counter, int], str]


class Skipped(Exception):
    """Raised by a check that cannot run in this installation; str() says why."""


def _accounts(counter: Counter, clerk: int) -> str:
    """The PIN hashing library is there (a compiled extension in the bundle) and the lockout
    counts: a wrong PIN is refused, the right one accepted."""
    started = time.perf_counter()
    hashed = pins.hash_pin(SELF_TEST_PIN)
    hash_seconds = time.perf_counter() - started
    assert pins.verify(hashed, SELF_TEST_PIN) and not pins.verify(hashed, "8642097531")
    try:
        accounts.authenticate(counter.store, SELF_TEST_CLERK, "8642097531", counter.clock)
    except accounts.LoginRefused as refused:
        assert "再错4次" in str(refused), refused
    else:
        raise AssertionError("a wrong PIN was accepted")
    accounts.authenticate(counter.store, SELF_TEST_CLERK, SELF_TEST_PIN, counter.clock)
    return f"argon2id PIN hash in {hash_seconds:.2f} s; a wrong PIN refused, the right one taken"


def _store(counter: Counter, clerk: int) -> str:
    version = counter.store.schema_version
    assert version == migrations.LATEST, f"schema {version}, expected {migrations.LATEST}"
    assert counter.store.sealed and not files.is_plain(counter.store.path), "store not sealed"
    return f"store sealed (SQLCipher), migrated to schema {version} (WAL, synchronous=FULL)"


def _catalogue(counter: Counter, clerk: int) -> str:
    sizes = {
        level: len(counter.catalogue.checklist(level))
        for level in ("town", "hospital", "clinic", "village")
    }
    assert sizes == {"town": 16, "hospital": 13, "clinic": 13, "village": 11}, sizes
    return (
        f"catalogue {counter.catalogue.version}: {len(counter.catalogue.items)} items, "
        f"checklists {sizes}"
    )


def _visit(counter: Counter, clerk: int) -> str:
    ticket = counter.queue.issue(Lane.PRIORITY, "70岁以上老人")
    called = counter.queue.call_next(1, clerk)
    assert called is not None and called.id == ticket.id
    first17 = "37088319560312123"
    case = counter.cases.open_case(
        Person("张𠮷", first17 + check_char(first17)),
        ["YB0301", "YB1202"],
        clerk,
        ticket_id=ticket.id,
    )
    for material in case.materials:
        if material.applies:
            case = counter.cases.mark_material(case.id, material.key, True, clerk)
    case = counter.cases.accept(case.id, clerk)
    case = counter.cases.forward(case.id, clerk, "self-test")
    counter.ratings.rate(case, RatingLevel.VERY_SATISFIED)
    counter.queue.finish(ticket.id, clerk)
    assert counter.cases.get(case.id).state == CaseState.FORWARDED
    return f"visit {ticket.code} → case {case.case_no} forwarded, due {case.forward_due}"


def _calendar(counter: Counter, clerk: int) -> str:
    due = counter.calendar.add_working_days(date(2026, 9, 30), 3)
    assert due.day == date(2026, 10, 10) and not due.provisional, due
    later = counter.calendar.add_working_days(date(2026, 12, 30), 3)
    return (
        f"working days: 2026-09-30 + 3 = {due.day}; 2026-12-30 + 3 = {later.day}"
        f"{' (provisional)' if later.provisional else ''}"
    )


def _notice(counter: Counter, clerk: int) -> str:
    from counterapp.slips import Layout, notice_pdf
    from counterapp.slips.raster import page_texts

    case_id = counter.store.scalar("SELECT max(id) FROM cases")
    case = counter.cases.get(case_id)
    pdf = notice_pdf(counter, case_id, Layout.A4, clerk_id=clerk, record=False)
    assert b"/FontFile2" in pdf, "the CJK font is not embedded"
    pages = page_texts(pdf)
    text = "".join(pages)
    for expected in (case.case_no, "一次性告知单", "𠮷"):
        assert expected in text, f"{expected!r} missing from the notice text"
    return (
        f"notice for {case.case_no}: {len(pdf):,} bytes, {len(pages)} page(s), "
        "font embedded, text read back"
    )


def _worst_notice(counter: Counter, clerk: int) -> str:
    """The largest notice (every item, longest names with rare characters, an agent, missing
    materials, a reprint) in both layouts, read back: every character has a glyph in an
    embedded font, every line is inside the paper and its cell, nothing is left out."""
    from counterapp.slips import Layout
    from counterapp.slips.fonts import slip_fonts
    from counterapp.slips.raster import page_sizes
    from counterapp.slips.readback import problems
    from counterapp.slips.worst_case import worst_notice

    fonts = slip_fonts()
    sizes = []
    for layout in Layout:
        slip = worst_notice(counter, clerk, layout)
        unprintable = sorted(
            {
                char
                for text in slip.shown
                for char in text
                if not char.isspace() and not fonts.has_glyph(fonts.font_for(char), char)
            }
        )
        assert not unprintable, f"no installed font has {''.join(unprintable)}"
        found = problems(slip.pdf, layout, slip.shown, slip.hidden)
        assert not found, f"{layout.label}: {len(found)} problem(s), first: {found[0]}"
        sizes.append(f"{layout.label} {len(page_sizes(slip.pdf))} page(s) {len(slip.pdf):,} bytes")
    return (
        f"worst-case notice ({len(counter.catalogue.items)} items, rare characters, "
        f"agent, reprint) read back whole: {', '.join(sizes)}"
    )


def _transfer_file(counter: Counter, clerk: int) -> str:
    """What a sync signs and sends, without a hub: the pending records exported to a signed
    USB transfer file encrypted to a stand-in hub (as a village does), read back with the
    station's public key and the hub's transfer key, and holding no citizen's ID number."""
    from counterapp.sync import credentials, offline, service, transfer
    from counterapp.sync.wire import scan_batch

    assert counter.station is not None
    private, public = transfer.new_key_pair()
    hub_signing, hub_public = transfer.new_key_pair()
    hub_private, hub_transfer = transfer.new_transfer_pair()
    counter.settings.set(service.HUB_PUBLIC_KEY, hub_public)
    service.note_transfer_key(counter.store, transfer.certify(hub_transfer, hub_signing))
    path = counter.store.path.parent / "transfer.bin"
    credentials.save(counter.station.code, "self-test", private)
    exported = offline.export_batches(counter.store, counter.clock, path)
    data = path.read_bytes()
    numbers = {row[0] for row in counter.store.all("SELECT applicant_id_number FROM cases")}
    assert not any(number.encode() in data for number in numbers), "an ID number in the clear"
    opened = transfer.open_sealed(data, public, hub_private)
    records = sum(len(scan_batch(part.body, part.sha256).records) for part in opened.parts)
    assert exported.batches > 0 and records == exported.records, (exported, records)
    return (
        f"{records} records in {exported.batches} batch(es) exported to a signed, "
        f"encrypted file ({path.stat().st_size:,} bytes), read back: Ed25519 signature, "
        "hashes and AES-GCM verified"
    )


def _queue_host(counter: Counter, clerk: int) -> str:
    """This store serves its queue on 127.0.0.1 over TLS and a second store, with a window key
    issued here and the host key's fingerprint, reads this station's clerks from it, logs its
    clerk in with the PIN (checked by the host) and calls a ticket through it as that clerk
    (the secrets in the self-test's in-memory keyring)."""
    from counterapp import sessions
    from counterapp.lan_queue import access, tls
    from counterapp.lan_queue.roles import QueueLink, Role
    from counterapp.lan_queue.server import QueueServer

    _grant, secret = access.issue(counter.store, access.Access.WINDOW, "自检窗口", counter.clock)
    server = QueueServer(counter.store.path, counter.clock, port=0, bind="127.0.0.1").start()
    try:
        with Counter.open(counter.store.path.parent / "window2.db", counter.clock) as window2:
            window2.configure_queue(
                QueueLink(
                    Role.CLIENT, host_url=server.url, key=secret, pin=tls.key_pin(tls.host_key())
                )
            )
            started = time.perf_counter()
            login = sessions.log_in(window2, SELF_TEST_CLERK, SELF_TEST_PIN, 2)
            login_seconds = time.perf_counter() - started
            assert not login.host_problem, login.host_problem
            issued = window2.queue.issue(Lane.NORMAL)
            called = window2.queue.call_next(2, login.login.clerk.id)
    finally:
        server.stop()
    assert called is not None and called.uuid == issued.uuid and called.window_no == 2, called
    return (
        f"queue host on {server.url} (TLS, pinned key): clerk {SELF_TEST_CLERK} logged in "
        f"at window 2 with the PIN checked by the host in {login_seconds:.2f} s; "
        f"{called.code} issued and called there"
    )


CHECKS: list[tuple[str, Check]] = [
    ("store", _store),
    ("accounts", _accounts),
    ("catalogue", _catalogue),
    ("visit", _visit),
    ("calendar", _calendar),
    ("notice", _notice),
    ("worst-case notice", _worst_notice),
    ("transfer file", _transfer_file),
    ("queue host", _queue_host),
]


SELF_TEST_CLERK = "9001"
SELF_TEST_PIN = "730512846"  # of the self-test's own temporary store only


def run(
    print_line: Callable[[str], object] = print, extra: Sequence[tuple[str, Check]] = ()
) -> int:
    """Run every check (then `extra`: those that need more than the core, e.g. the window, a
    sync round with a hub); return the number of failures. A skipped check is no failure."""
    failures = 0
    with (
        in_memory_keyring(),  # the PC's own keyring is never touched, and need not exist
        tempfile.TemporaryDirectory(prefix="counterapp-selftest-") as scratch,
    ):
        clock = FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=CST))
        with Counter.open(Path(scratch) / "station.db", clock) as counter:
            counter.configure_station(DEMO_STATION)
            clerk = accounts.set_up_admin(
                counter.store, SELF_TEST_CLERK, "自检", SELF_TEST_PIN, clock
            ).id
            for name, check in [*CHECKS, *extra]:
                try:
                    print_line(f"ok    {name}: {check(counter, clerk)}")
                except Skipped as skipped:
                    print_line(f"skip  {name}: {skipped}")
                except Exception as exc:  # a self-test reports every failure, then goes on
                    failures += 1
                    print_line(f"FAIL  {name}: {exc!r}")
                    print_line(traceback.format_exc())
    print_line("self-test passed" if failures == 0 else f"self-test FAILED: {failures} check(s)")
    return failures
