"""The command line: set up a station, manage the catalogue and calendar, report, sync.

Every rule lives in the core, so everything the window does can also be done from here
(a county IT person sets up a PC over remote desktop; a scheduled task closes the day).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from counterapp import catalogue_store, clerk_commands, paths, retention, store_commands, windows
from counterapp.app import Counter
from counterapp.catalogue import CatalogueInvalid
from counterapp.lan_queue import commands as queue_commands
from counterapp.ledger.figures import Period
from counterapp.ledger.report import Ledger, station_ledger
from counterapp.queue import QueueError
from counterapp.reports import ledger_lines
from counterapp.station import LEVEL_NAMES, Station, StationError, StationNotConfigured
from counterapp.store_key import StoreKeyError
from counterapp.sync import commands as sync_commands
from counterapp.workdays import YearCalendar
from db.store import StoreTooNew


def _open(args: argparse.Namespace) -> Counter:
    return Counter.open(paths.store_path(args.data_dir, demo=args.demo), demo=args.demo)


def cmd_demo(args: argparse.Namespace) -> None:
    from counterapp.demo import seed_demo

    path = paths.store_path(args.data_dir, demo=True)
    seed_demo(path, days=args.days)
    print(f"demo station ready: {path}")


def cmd_station(args: argparse.Namespace) -> None:
    with _open(args) as counter:
        if args.code:
            station = Station(
                code=args.code,
                name=args.name or "",
                level=args.level or "",
                county_code=args.county_code or "",
                county_name=args.county_name or "",
                address=args.address or "",
                supervision_phone=args.supervision_phone or "",
            )
            counter.configure_station(station)
        if args.window:
            counter.set_window_no(args.window)
        if args.windows is not None:
            windows.set_window_count(counter.settings, args.windows or None)
        if counter.station is None:
            print("no station configured yet")
            return
        for key, value in counter.station._asdict().items():
            print(f"{key}: {value}")
        print(f"window_no: {counter.window_no}")
        count = windows.window_count(counter.store, counter.settings, counter.window_no)
        how = "set" if counter.settings.get(windows.WINDOW_COUNT) else "seen calling"
        print(f"windows: {count} ({how})")
        print(f"store: {counter.store.path} (schema {counter.store.schema_version})")


def cmd_catalogue(args: argparse.Namespace) -> None:
    if args.check:  # needs no store: a county IT person checks a file anywhere
        catalogue = catalogue_store.read_source(Path(args.check))
        print(
            f"{args.check}: catalogue {catalogue.version} is valid ({len(catalogue.items)} items)"
        )
        return
    with _open(args) as counter:
        if args.import_path:
            catalogue = counter.import_catalogue(Path(args.import_path))
            print(f"imported and activated catalogue {catalogue.version}")
        if args.export:
            Path(args.export).write_text(
                json.dumps(counter.catalogue.to_document(), ensure_ascii=False, indent=1),
                encoding="utf-8",
            )
            print(f"exported catalogue {counter.catalogue.version} to {args.export}")
        for version in catalogue_store.stored_versions(counter.store):
            mark = "*" if version["active"] else " "
            default = "默认" if version["is_default"] else "正式"
            print(
                f"{mark} {version['version']}\t{default}\t{version['published']}\t"
                f"{version['source']}"
            )
        if counter.station is not None:
            print(f"\n{LEVEL_NAMES[counter.station.level]} 事项清单：")
            for number, (item, mode) in enumerate(
                counter.catalogue.checklist(counter.station.level), start=1
            ):
                print(f"{number:>3} {item.code} {item.title}  [{mode.label}]")


def cmd_calendar(args: argparse.Namespace) -> None:
    try:
        document = json.loads(Path(args.import_path).read_text(encoding="utf-8"))
    except ValueError as exc:  # not UTF-8, not JSON
        raise ValueError(f"日历文件不是有效的JSON文档：{exc}") from exc
    calendar = YearCalendar.from_document(document)
    with _open(args) as counter:
        counter.import_calendar_year(calendar)
        print(
            f"official calendar of {calendar.year} imported ({calendar.source}); "
            f"known until {counter.calendar.known_until()}"
        )


def cmd_close_day(args: argparse.Namespace) -> None:
    with _open(args) as counter:
        day = date.fromisoformat(args.day) if args.day else counter.clock.today()
        closing = counter.queue.close_day(day)
        erased = retention.erase_expired(counter.store, counter.clock)
        if erased.total:
            print(f"personal data of {erased.summary} past the retention period erased")
        print(
            f"{day}: issued {closing.issued}, served {closing.served}, "
            f"no-show {closing.no_show}, consultation only {closing.consulted}, "
            f"closed unserved {closing.unserved}"
        )


def cmd_report(args: argparse.Namespace) -> None:
    with _open(args) as counter:
        day = date.fromisoformat(args.day) if args.day else counter.clock.today()
        print("\n".join(ledger_lines(_ledger(counter, Period.day(day)))))


def cmd_ledger(args: argparse.Namespace) -> None:
    with _open(args) as counter:
        today = counter.clock.today()
        first = date.fromisoformat(args.first) if args.first else today.replace(day=1)
        last = date.fromisoformat(args.last) if args.last else today
        if last < first:
            raise ValueError(f"结束日期 {last} 早于开始日期 {first}")
        ledger = _ledger(counter, Period(first, last))
        print("\n".join(ledger_lines(ledger)))
        if args.xlsx:
            from counterapp.ledger.xlsx import write_xlsx

            write_xlsx(ledger, Path(args.xlsx))
            print(f"已导出 {args.xlsx}")
        if args.pdf:
            from counterapp.ledger.pdf import write_pdf

            write_pdf(ledger, Path(args.pdf))
            print(f"已导出 {args.pdf}")


def _ledger(counter: Counter, period: Period) -> Ledger:
    title = counter.station.name if counter.station else "本站"
    return station_ledger(counter.store, title, period, counter.calendar, counter.clock.now())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="counterapp", description=__doc__)
    parser.add_argument("--data-dir", help="data folder (default: the per-user data folder)")
    parser.add_argument("--demo", action="store_true", help="use the demo store")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(
        name: str, handler: Callable[[argparse.Namespace], None], help_text: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.set_defaults(handler=handler)
        return sub

    demo = command("demo", cmd_demo, "fill the demo store with a town station's visits")
    demo.add_argument("--days", type=int, default=5)
    station = command("station", cmd_station, "show or set this PC's station")
    station.add_argument("--code")
    station.add_argument("--name")
    station.add_argument("--level", choices=sorted(LEVEL_NAMES))
    station.add_argument("--county-code")
    station.add_argument("--county-name")
    station.add_argument("--address")
    station.add_argument("--supervision-phone")
    station.add_argument("--window", type=int, help="this PC's window number (1-99)")
    station.add_argument(
        "--windows",
        type=int,
        metavar="N",
        help="how many windows the station has, for transfers (0: as seen)",
    )
    clerk_commands.register(command)  # clerk, clerk-log: the station admin manages clerks
    catalogue = command(
        "catalogue",
        cmd_catalogue,
        "list catalogue versions and this level's checklist; check, import or export a catalogue",
    )
    catalogue.add_argument("--check", metavar="PATH", help="validate a directory or JSON file")
    catalogue.add_argument(
        "--import",
        dest="import_path",
        metavar="PATH",
        help="validate, store and activate a directory or JSON file",
    )
    catalogue.add_argument("--export", metavar="FILE", help="write the active one as JSON")
    calendar = command("calendar", cmd_calendar, "import a year's official holiday calendar")
    calendar.add_argument("import_path", metavar="FILE")
    close_day = command("close-day", cmd_close_day, "close a day's open tickets and count them")
    close_day.add_argument("--day", help="YYYY-MM-DD (default: today)")
    report = command("report", cmd_report, "print a day's ledger (台账)")
    report.add_argument("--day", help="YYYY-MM-DD (default: today)")
    ledger = command(
        "ledger", cmd_ledger, "print a period's ledger (台账); export it as XLSX or PDF"
    )
    ledger.add_argument("--from", dest="first", help="YYYY-MM-DD (default: this month's 1st)")
    ledger.add_argument("--to", dest="last", help="YYYY-MM-DD (default: today)")
    ledger.add_argument("--xlsx", metavar="FILE", help="write the ledger as an XLSX workbook")
    ledger.add_argument("--pdf", metavar="FILE", help="write the ledger as a PDF")
    sync_commands.register(command)  # sync, sync-setup, export-batches, … (issue 4)
    store_commands.register(command)  # store-key, retention, backups (issue 13)
    queue_commands.register(command)  # queue-setup: one queue for several windows
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.handler(args)
    except CatalogueInvalid as exc:
        print(f"catalogue rejected, nothing changed:\n{exc}", file=sys.stderr)
        return 2
    except (
        QueueError,
        StationError,
        StationNotConfigured,
        StoreTooNew,
        StoreKeyError,
        ValueError,
    ) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file named on the command line cannot be read or written
        where = f"：{exc.filename}" if exc.filename else ""
        print(f"错误：无法读写文件{where}（{exc.strerror or exc}），未作更改", file=sys.stderr)
        return 2
    except EOFError:  # a PIN asked for with nothing to read it from
        print("错误：没有可输入PIN的终端，未作更改", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
