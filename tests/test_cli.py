"""The command line, run as a user would, and its documentation in the README."""

import io
import json
import re
from pathlib import Path

import pytest

from counterapp import cli, store_key
from counterapp.catalogue import default_catalogue_dir

# The command line opens the store on the program's own clock: stopped at the tests' morning.
pytestmark = pytest.mark.usefixtures("frozen_clock")

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def run(capsys, tmp_path, *args):
    code = cli.main(["--data-dir", str(tmp_path), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_command_is_documented_in_the_readme():
    parser = cli.build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        assert f"`counterapp {name}" in README, f"README lacks command {name}"
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in README, f"README lacks {name} {option}"


def test_every_hub_command_is_documented_in_the_readme():
    """`python -m hub.admin` and `python -m hub serve`: each command has a row of the README's
    hub table, and that row shows each of its options."""
    from hub.admin import build_parser

    section = README.split("The county hub's commands", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `python -m hub")]
    assert any("`python -m hub serve [--host H] [--port N]`" in row for row in rows)
    parser = build_parser()
    for option in ("--db", "--sealing-key"):
        assert option in section, f"README lacks hub.admin {option}"
    for name, sub in parser._subparsers._group_actions[0].choices.items():
        found = [row for row in rows if re.search(rf"(hub\.admin |`){re.escape(name)}[ `]", row)]
        assert found, f"README lacks hub.admin {name}"
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert any(option in row for row in found), f"README lacks {name} {option}"


def test_set_up_a_station_from_the_command_line(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        tmp_path,
        "station",
        "--code",
        "370883201",
        "--name",
        "太平镇医保服务站",
        "--level",
        "town",
        "--county-code",
        "370883",
        "--county-name",
        "邹城市",
    )
    assert code == 0 and "太平镇医保服务站" in out
    assert "windows: 1 (seen calling)" in out
    code, out, _ = run(capsys, tmp_path, "station", "--windows", "4")
    assert code == 0 and "windows: 4 (set)" in out
    code, _, err = run(capsys, tmp_path, "station", "--windows", "100")
    assert code == 2 and "本站窗口数应为1-99" in err
    code, out, _ = run(capsys, tmp_path, "catalogue")
    assert code == 0
    assert len(re.findall(r"^\s+\d+ YB\d{4}", out, flags=re.M)) == 16


def test_bad_station_gets_a_clear_message_and_changes_nothing(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path, "station", "--code", "1", "--name", "x")
    assert code == 2 and "站点编码" in err
    code, out, _ = run(capsys, tmp_path, "station")
    assert "no station configured" in out


def test_catalogue_check_import_export(capsys, tmp_path):
    exported = tmp_path / "cat.json"
    run(capsys, tmp_path, "catalogue", "--export", str(exported))
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["catalogue"]["version"] = "county-2026.9"
    original_form = document["items"][0]["materials"][0]["form"]
    document["items"][0]["materials"][0]["form"] = "photocopy"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(capsys, tmp_path, "catalogue", "--import", str(bad))
    assert code == 2 and "nothing changed" in err and "photocopy" in err
    code, out, _ = run(capsys, tmp_path, "catalogue", "--check", str(default_catalogue_dir()))
    assert code == 0 and "is valid" in out
    document["items"][0]["materials"][0]["form"] = original_form
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, tmp_path, "catalogue", "--import", str(bad))
    assert code == 0 and "* county-2026.9" in out


def test_calendar_import(capsys, tmp_path):
    calendar = tmp_path / "2027.json"
    calendar.write_text(
        json.dumps(
            {
                "year": 2027,
                "source": "国办发明电〔2026〕7号",
                "holidays": {"2027-01-01": "元旦"},
                "workdays": {},
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, tmp_path, "calendar", str(calendar))
    assert code == 0 and "known until 2027-12-31" in out
    calendar.write_text(
        json.dumps(
            {"year": 2027, "source": "x", "holidays": {"2026-01-01": "元旦"}, "workdays": {}}
        )
    )
    code, _, err = run(capsys, tmp_path, "calendar", str(calendar))
    assert code == 2 and "outside year 2027" in err


def test_demo_report_and_close_day(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "demo", "--days", "1")
    assert code == 0 and "demo station ready" in out
    code, out, _ = run(capsys, tmp_path, "--demo", "report")
    assert code == 0 and "台账" in out and "取号" in out
    code, out, _ = run(capsys, tmp_path, "--demo", "close-day")
    assert code == 0 and "closed unserved" in out


def test_store_key_backups_and_retention_commands(capsys, tmp_path, monkeypatch):
    code, out, _ = run(capsys, tmp_path, "store-key")
    assert code == 0 and "new" in out
    code, out, _ = run(capsys, tmp_path, "backups", "--keep", "2", "--now")
    assert code == 0 and "backup written" in out and "1 backups kept (at most 2)" in out
    for _ in range(3):
        run(capsys, tmp_path, "backups", "--now")
    assert len(list((tmp_path / "backups").glob("station-*.db"))) == 2
    code, out, _ = run(capsys, tmp_path, "store-key")
    assert code == 0 and "sealed; its key is in this PC's keyring" in out
    code, out, _ = run(capsys, tmp_path, "retention", "--years", "2")
    assert code == 0 and "kept 2 years" in out
    code, _, err = run(capsys, tmp_path, "retention", "--years", "0")
    assert code == 2 and "至少为1年" in err
    key = store_key.load(tmp_path / "station.db")
    (tmp_path / "moved").mkdir()
    (tmp_path / "station.db").rename(tmp_path / "moved" / "station.db")
    code, out, _ = run(capsys, tmp_path / "moved", "store-key")
    assert "NOT in this PC's keyring" in out
    monkeypatch.setattr("sys.stdin", io.StringIO(key.hex() + "\n"))
    code, out, _ = run(capsys, tmp_path / "moved", "store-key", "--restore")
    assert code == 0 and "restored" in out
    assert run(capsys, tmp_path / "moved", "station")[0] == 0
