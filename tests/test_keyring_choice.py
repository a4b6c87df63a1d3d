"""Secrets go to whichever keyring backend is in force, also in a frozen Windows bundle: the
self-test swaps in an in-memory keyring, and nothing may swap the PC's real one back in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import keyring

from counterapp.lan_queue import keys
from counterapp.sync import credentials

ROOT = Path(__file__).resolve().parent.parent


def test_a_frozen_windows_program_keeps_the_keyring_it_was_given(memory_keyring, monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    credentials.save("370883101", "cah_token", "signing-key")
    keys.save("client-key-0", "queue-key-0123456789")
    assert keyring.get_keyring() is memory_keyring
    assert memory_keyring.secrets == {
        ("counterapp-hub", "370883101"): "cah_token",
        ("counterapp-hub-signing", "370883101"): "signing-key",
        (keys.SERVICE, "client-key-0"): "queue-key-0123456789",
    }


def test_the_bundle_entry_names_the_platform_backend_without_importing_keyring(tmp_path):
    """packaging/entry.py, run as a frozen Windows program would be, up to the dispatch."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os, runpy, sys\n"
        "sys.platform = 'win32'\n"
        "sys.argv = ['counterapp-cli', '--help']\n"
        "try:\n"
        f"    runpy.run_path({str(ROOT / 'packaging' / 'entry.py')!r}, run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(os.environ.get('PYTHON_KEYRING_BACKEND'), 'keyring' in sys.modules)\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    done = subprocess.run(
        [sys.executable, str(probe)], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "keyring.backends.Windows.WinVaultKeyring False"
