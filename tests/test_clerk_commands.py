"""`counterapp clerk` and `clerk-log` as the station admin uses them: every change asks for the
admin's PIN at the terminal; PINs never come from the command line."""

from __future__ import annotations

import pytest

from counterapp import accounts, clerk_commands, cli
from counterapp.app import Counter
from tests.conftest import PIN, TOWN

NEW_PIN = "390721"


class Terminal:
    """What the clerk types at the prompts, in order; the prompts are kept."""

    def __init__(self, monkeypatch, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []
        monkeypatch.setattr(clerk_commands, "read_secret", self.answer)
        monkeypatch.setattr(clerk_commands, "read_line", self.answer)

    def answer(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)


@pytest.fixture
def station(tmp_path, clock):
    with Counter.open(tmp_path / "station.db", clock) as counter:
        counter.configure_station(TOWN)
    return tmp_path


def run(capsys, data, *args):
    code = cli.main(["--data-dir", str(data), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_set_up_the_admin_then_add_and_manage_a_clerk(capsys, monkeypatch, station):
    Terminal(monkeypatch, PIN, PIN)
    code, out, err = run(capsys, station, "clerk", "--set-up-admin", "1001", "--name", "王丽")
    assert code == 0, err
    assert "1001\t王丽\t站长\t在岗" in out and "锁屏时间：10 分钟无操作" in out
    terminal = Terminal(monkeypatch, PIN, NEW_PIN, NEW_PIN)
    code, out, _ = run(
        capsys, station, "clerk", "--add", "1002", "--name", "李强", "--admin", "1001"
    )
    assert code == 0 and "1002\t李强\t经办人员\t在岗" in out
    assert terminal.prompts == ["站长（工号 1001）PIN：", "李强的新PIN：", "再次输入新PIN："]
    Terminal(monkeypatch, "1001", PIN)  # the admin's login asked for too
    code, out, _ = run(capsys, station, "clerk", "--deactivate", "1002")
    assert code == 0 and "1002\t李强\t经办人员\t已停用" in out
    Terminal(monkeypatch, PIN)
    code, out, _ = run(capsys, station, "clerk", "--reactivate", "1002", "--admin", "1001")
    assert code == 0 and "1002\t李强\t经办人员\t在岗" in out
    Terminal(monkeypatch, PIN)
    code, out, _ = run(capsys, station, "clerk", "--idle-lock", "5", "--admin", "1001")
    assert code == 0 and "锁屏时间：5 分钟无操作" in out


def test_a_second_admin_set_up_is_refused(capsys, monkeypatch, station):
    Terminal(monkeypatch, PIN, PIN)
    run(capsys, station, "clerk", "--set-up-admin", "1001", "--name", "王丽")
    Terminal(monkeypatch, NEW_PIN, NEW_PIN)
    code, _, err = run(capsys, station, "clerk", "--set-up-admin", "1009", "--name", "冒充")
    assert code == 2 and "本站已有站长" in err


def test_a_wrong_admin_pin_changes_nothing_and_counts(capsys, monkeypatch, station, clock):
    Terminal(monkeypatch, PIN, PIN)
    run(capsys, station, "clerk", "--set-up-admin", "1001", "--name", "王丽")
    Terminal(monkeypatch, "777999")
    code, _, err = run(
        capsys, station, "clerk", "--add", "1002", "--name", "李强", "--admin", "1001"
    )
    assert code == 2 and "PIN不正确（再错4次将暂时锁定）" in err
    with Counter.open(station / "station.db", clock) as counter:
        assert [a.clerk.login for a in accounts.accounts(counter.store)] == ["1001"]


def test_pins_that_differ_or_are_weak_change_nothing(capsys, monkeypatch, station):
    Terminal(monkeypatch, PIN, NEW_PIN)
    code, _, err = run(capsys, station, "clerk", "--set-up-admin", "1001", "--name", "王丽")
    assert code == 2 and "两次输入的PIN不一致" in err
    Terminal(monkeypatch, "123456", "123456")
    code, _, err = run(capsys, station, "clerk", "--set-up-admin", "1001", "--name", "王丽")
    assert code == 2 and "连续" in err
    Terminal(monkeypatch)  # no terminal to read from
    code, _, err = run(capsys, station, "clerk", "--set-up-admin", "1001", "--name", "王丽")
    assert code == 2 and "没有可输入PIN的终端" in err
    code, out, _ = run(capsys, station, "clerk")
    assert code == 0 and "1001" not in out


def test_no_pin_is_accepted_on_the_command_line():
    options = {
        option
        for action in cli.build_parser()._subparsers._group_actions[0].choices["clerk"]._actions
        for option in action.option_strings
    }
    assert not {option for option in options if "pin" in option} - {"--reset-pin"}


def test_the_clerk_log_shows_who_looked_up_an_id_number(capsys, monkeypatch, station, clock):
    from counterapp import lookups
    from counterapp.station import clerk_by_login
    from tests.conftest import make_id

    Terminal(monkeypatch, PIN, PIN)
    run(capsys, station, "clerk", "--set-up-admin", "1001", "--name", "王丽")
    number = make_id()
    with Counter.open(station / "station.db", clock) as counter:
        me = clerk_by_login(counter.store, "1001")
        lookups.search_cases(counter, me.id, number)
        lookups.search_cases(counter, me.id, make_id(sequence="456"))
    Terminal(monkeypatch, PIN, number)
    code, out, _ = run(capsys, station, "clerk-log", "--id-number", "--admin", "1001")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 1 and "查询个人信息" in lines[0]
    assert "王丽（1001）" in lines[0] and number not in out
    Terminal(monkeypatch, PIN)
    code, out, _ = run(capsys, station, "clerk-log", "--login", "1001", "--admin", "1001")
    kinds = [line.split("\t")[3] for line in out.splitlines()]
    assert kinds == ["站长验证", "站长验证", "查询个人信息", "查询个人信息", "新增人员"]
