"""A counter PC killed at the worst moment: committed cases stay, half-done ones vanish whole."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from counterapp.app import Counter

ROOT = Path(__file__).parent.parent

SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from counterapp.app import Counter
    from counterapp.case_model import Person
    from counterapp.clock import FixedClock
    from counterapp.station import Station, add_clerk
    from counterapp import journal, workdays
    from tests.conftest import LIBRARY_YEARS, MORNING, TOWN, make_id

    workdays.pin_library_years(LIBRARY_YEARS)
    counter = Counter.open(sys.argv[1], FixedClock(MORNING))
    counter.configure_station(TOWN)
    clerk = add_clerk(counter.store, "1001", "王丽", counter.clock).id
    case = counter.cases.open_case(Person("张三", make_id()), ["YB0302"], clerk)
    if sys.argv[2] == "during":
        real_record = journal.record
        def die_after_writing(*args, **kwargs):
            real_record(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)   # before COMMIT
        journal.record = die_after_writing
    counter.cases.mark_material(case.id, "identity", True, clerk)
    print("committed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


def run_and_kill(path: Path, when: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path), when],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_a_committed_change_survives_a_kill(tmp_path, clock):
    result = run_and_kill(tmp_path / "s.db", "after")
    assert result.returncode == -signal.SIGKILL and "committed" in result.stdout
    with Counter.open(tmp_path / "s.db", clock) as counter:
        case = counter.cases.get(1)
        assert [m.received for m in case.materials if m.key == "identity"] == [True]
        assert case.version == 2
        assert (
            counter.store.scalar("SELECT count(*) FROM outbox WHERE record_uuid = ?", (case.uuid,))
            == 2
        )


def test_a_kill_inside_a_transaction_leaves_no_part_of_it(tmp_path, clock):
    result = run_and_kill(tmp_path / "s.db", "during")
    assert result.returncode == -signal.SIGKILL and "committed" not in result.stdout
    with Counter.open(tmp_path / "s.db", clock) as counter:
        case = counter.cases.get(1)
        assert case.version == 1 and not any(m.received for m in case.materials)
        assert (
            counter.store.scalar("SELECT count(*) FROM events WHERE kind = 'material_received'")
            == 0
        )
        assert (
            counter.store.scalar("SELECT count(*) FROM outbox WHERE record_uuid = ?", (case.uuid,))
            == 1
        )
