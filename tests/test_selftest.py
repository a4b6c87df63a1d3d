"""`main.py --self-test`: the installation check clerks' PCs and the bundle run."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from counterapp import selftest

ROOT = Path(__file__).parent.parent


@pytest.mark.slow  # the whole self-test in a process of its own, 3-4 s
@pytest.mark.timeout(300)  # its process may take up to 180 s (below) before it is stopped
def test_self_test_passes_from_source_and_leaves_no_data(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COUNTERAPP_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "main.py", "--self-test"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for check in (
        "store",
        "catalogue",
        "visit",
        "calendar",
        "notice",
        "worst-case notice",
        "transfer file",
        "queue host",
        "sync",
        "window",
    ):
        assert f"ok    {check}:" in done.stdout
    assert "ledger charts drawn" in done.stdout  # F10 opened in the window, QtCharts painted
    assert "self-test passed" in done.stdout
    assert list(tmp_path.iterdir()) == []  # the station's data folder is never touched


def test_a_failing_check_is_reported_and_counted():
    lines: list[str] = []

    def broken(counter, clerk):
        raise RuntimeError("printer font missing")

    failures = selftest.run(lines.append, extra=[("broken", broken)])
    assert failures == 1
    assert any(
        line.startswith("FAIL  broken: RuntimeError('printer font missing')") for line in lines
    )
    assert lines[-1] == "self-test FAILED: 1 check(s)"


def test_a_skipped_check_is_reported_and_not_counted():
    lines: list[str] = []

    def needs_a_hub(counter, clerk):
        raise selftest.Skipped("no county hub in this installation")

    assert selftest.run(lines.append, extra=[("sync", needs_a_hub)]) == 0
    assert "skip  sync: no county hub in this installation" in lines
    assert lines[-1] == "self-test passed"


def test_without_the_hub_the_sync_round_is_skipped(monkeypatch):
    """The desktop bundle and `pip install .` carry no hub: main.py plugs in a skip."""
    import importlib.util

    import main

    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "hub" else found(name, *args),
    )
    with pytest.raises(selftest.Skipped, match="no county hub"):
        main.hub_round()(None, 0)
    monkeypatch.undo()
    import selftest_hub

    assert main.hub_round() is selftest_hub.check


def test_the_worst_case_notice_fails_without_a_font_for_rare_characters(counter, monkeypatch):
    """An installation without the fallback font (𠮷 and the like) fails the self-test."""
    from counterapp.slips import fonts

    assert "worst-case notice" in selftest._worst_notice(counter, counter.clerk_a.id)
    only_primary = fonts.SlipFonts(dirs=[fonts.slip_fonts().primary_path.parent])
    monkeypatch.setattr(fonts, "_shared", only_primary)
    with pytest.raises(AssertionError, match=r"no installed font has .*𠮷"):
        selftest._worst_notice(counter, counter.clerk_a.id)


def test_the_transfer_file_check_fails_on_a_signature_it_cannot_verify(counter, monkeypatch):
    from counterapp.queue import Lane
    from counterapp.sync import transfer

    counter.queue.issue(Lane.NORMAL)  # a record to export
    make_pair = transfer.new_key_pair
    monkeypatch.setattr(transfer, "new_key_pair", lambda: (make_pair()[0], make_pair()[1]))
    with pytest.raises(transfer.TransferError, match=r"签名不符|不是本站登记的县中心签发的"):
        selftest._transfer_file(counter, counter.clerk_a.id)
    monkeypatch.undo()
    assert "Ed25519 signature, hashes and AES-GCM verified" in selftest._transfer_file(
        counter, counter.clerk_a.id
    )
