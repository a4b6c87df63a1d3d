"""`counterapp queue-setup` and `counterapp admin-code`, run as a station's administrator
would: the host shows its fingerprint and issues and revokes keys; a client enters the
address, the fingerprint and its key, and a kiosk or hall PC the code that closes it."""

from __future__ import annotations

import io
import re

import pytest

from counterapp import admin_code, cli
from counterapp.accounts import can_log_in
from counterapp.app import Counter
from counterapp.lan_queue import tls
from counterapp.lan_queue.roles import SERVE_PORT_SETTING, current
from counterapp.queue import Lane

# The command line opens the store on the program's own clock: stopped at the tests' morning.
pytestmark = pytest.mark.usefixtures("frozen_clock")


def run(capsys, data_dir, *args):
    code = cli.main(["--data-dir", str(data_dir), "queue-setup", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def issued_key(out: str) -> str:
    return re.search(r"排队密钥：(\S+)", out).group(1)


def test_a_host_shows_its_fingerprint_and_issues_and_revokes_keys(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "--host", "--port", "8800")
    pin = tls.shown(tls.host_pin())
    assert code == 0 and "本机为排队主机" in out and pin in out and "8800" in out
    assert "已发放的排队密钥：0 个" in out
    code, out, _ = run(capsys, tmp_path, "--issue", "kiosk", "--name", "大厅取号机")
    key = issued_key(out)
    assert code == 0 and "只显示这一次" in out and pin in out and len(key) == 32
    code, out, _ = run(capsys, tmp_path)
    assert "大厅取号机\t取号机" in out and key not in out  # never shown again
    assert "有效" in out and run(capsys, tmp_path, "--host")[1].count(pin) == 1  # same key
    code, out, _ = run(capsys, tmp_path, "--revoke", "1")
    assert code == 0 and "已吊销“大厅取号机”（取号机）" in out
    assert "已吊销 " in run(capsys, tmp_path)[1]
    with Counter.open(tmp_path / "station.db") as counter:  # --host again: the usual port
        assert counter.settings.get(SERVE_PORT_SETTING) == 8766
    code, out, _ = run(capsys, tmp_path, "--standalone")
    assert code == 0 and "单机排队" in out
    code, _, err = run(capsys, tmp_path, "--issue", "hall", "--name", "叫号屏")
    assert code == 2 and "本机不是排队主机" in err


def test_a_client_enters_the_key_and_reaches_the_host(capsys, tmp_path, monkeypatch, host):
    monkeypatch.setattr("sys.stdin", io.StringIO(issue(host) + "\n"))
    code, out, err = run(
        capsys, tmp_path / "pc2", "--client", host.server.url, "--fingerprint", tls.shown(host.pin)
    )
    assert code == 0, err
    assert "已连接排队主机：千泉街道医保服务站，本机密钥“2号窗口”（窗口）" in out
    assert "已从排队主机读取本站人员名单：1 人" in out
    with Counter.open(tmp_path / "pc2" / "station.db", host.clock) as counter:
        assert current(counter.settings).host_url == host.server.url
        assert [c.login for c in can_log_in(counter.store)] == ["1001"]
        assert counter.queue.issue(Lane.NORMAL).code == "A001"


def issue(host: Counter, kind: str = "window") -> str:
    from counterapp.lan_queue import access

    return access.issue(host.store, access.Access(kind), "2号窗口", host.clock)[1]


def test_a_kiosk_pc_names_its_role_and_sets_the_code_that_closes_it(
    capsys, tmp_path, monkeypatch, host
):
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{issue(host, 'kiosk')}\n246810\n246810\n"))
    code, _, err = run(
        capsys,
        tmp_path,
        "--client",
        host.server.url,
        "--role",
        "kiosk",
        "--fingerprint",
        host.pin.upper(),
    )
    assert code == 0, err
    with Counter.open(tmp_path / "station.db", host.clock) as counter:
        assert admin_code.may_close_public_screen(counter.settings, "246810")
    # the key the host issued says what the PC is: a window key on a hall PC is pointed out
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{issue(host)}\n135790\n135790\n"))
    code, _, err = run(
        capsys,
        tmp_path / "hall",
        "--client",
        host.server.url,
        "--role",
        "hall",
        "--fingerprint",
        host.pin,
    )
    assert code == 2 and "排队主机为本机发放的是窗口密钥（“2号窗口”），而本机设为叫号屏" in err


def test_a_wrong_fingerprint_sends_nothing_and_says_so(capsys, tmp_path, monkeypatch, host):
    monkeypatch.setattr("sys.stdin", io.StringIO(issue(host) + "\n"))
    code, _, err = run(capsys, tmp_path, "--client", host.server.url, "--fingerprint", "0" * 64)
    assert code == 2 and "证书指纹与本机录入的不符" in err and "未发送任何数据" in err


def test_a_client_set_up_while_the_host_is_off_is_told_so(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("K" * 26 + "\n"))
    code, _, err = run(capsys, tmp_path, "--client", "127.0.0.1:9", "--fingerprint", "a" * 64)
    assert code == 2
    assert "设置已保存，但无法连接排队主机 https://127.0.0.1:9，请检查网络或联系站点管理员" in err


def test_the_admin_code_is_set_twice_alike(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("123456\n654321\n"))
    assert cli.main(["--data-dir", str(tmp_path), "admin-code"]) == 2
    assert "两次输入的站点管理码不一致" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("12345\n12345\n"))
    assert cli.main(["--data-dir", str(tmp_path), "admin-code"]) == 2
    assert admin_code.BAD_CODE in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("123456\n123456\n"))
    assert cli.main(["--data-dir", str(tmp_path), "admin-code"]) == 0
    assert "站点管理码已设置" in capsys.readouterr().out
    with Counter.open(tmp_path / "station.db") as counter:
        assert admin_code.may_close_public_screen(counter.settings, "123456")
        assert not admin_code.may_close_public_screen(counter.settings, "123457")
