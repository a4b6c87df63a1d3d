"""`counterapp queue-setup`, run as a station's administrator would."""

from __future__ import annotations

import io

import pytest

from counterapp import cli
from counterapp.app import Counter
from counterapp.lan_queue import keys
from counterapp.lan_queue.roles import SERVE_PORT_SETTING, current
from counterapp.queue import Lane

# The command line opens the store on the program's own clock: stopped at the tests' morning.
pytestmark = pytest.mark.usefixtures("frozen_clock")


def run(capsys, data_dir, *args):
    code = cli.main(["--data-dir", str(data_dir), "queue-setup", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_host_prints_its_key_and_keeps_it(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "--host", "--port", "8800")
    key = keys.load()
    assert code == 0 and "本机为排队主机" in out and key in out and "8800" in out
    assert run(capsys, tmp_path, "--host")[1].count(key) == 1          # same key again
    code, out, _ = run(capsys, tmp_path, "--host", "--new-key")
    assert keys.load() != key and keys.load() in out
    with Counter.open(tmp_path / "station.db") as counter:
        assert counter.settings.get(SERVE_PORT_SETTING) == 8766
    code, out, _ = run(capsys, tmp_path, "--standalone")
    assert code == 0 and "单机排队" in out


def test_a_client_enters_the_key_and_reaches_the_host(capsys, tmp_path, monkeypatch, host,
                                                    clock):
    monkeypatch.setattr("sys.stdin", io.StringIO(keys.load() + "\n"))
    code, out, err = run(capsys, tmp_path / "pc2", "--client", host.server.url)
    assert code == 0, err
    assert "已连接排队主机：千泉街道医保服务站" in out and keys.load() not in out
    with Counter.open(tmp_path / "pc2" / "station.db", clock) as counter:
        assert current(counter.settings).host_url == host.server.url
        assert counter.queue.issue(Lane.NORMAL).code == "A001"


def test_a_client_set_up_while_the_host_is_off_is_told_so(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("k" * 32 + "\n"))
    code, _, err = run(capsys, tmp_path, "--client", "127.0.0.1:9")
    assert code == 2
    assert "设置已保存，但无法连接排队主机 http://127.0.0.1:9，请检查网络或联系站点管理员" in err
