"""Publishing (发布) from the workbench: the county's catalogue and its official working-day
calendars, and the calendar feed the stations take at sync.

A catalogue is uploaded, checked with the stations' own rules (every problem in Chinese),
compared with the active one (`counterapp.catalogue_diff`) and kept as a draft until the admin
confirms; publishing goes through `feeds.import_catalogue`, so a version already on the hub
with other content is refused as on the command line. A calendar is a `YearCalendar` (the
format `counterapp calendar` imports); each publication is a row whose id is the feed's cursor.
Both are journalled (`hub.audit`).
"""

from __future__ import annotations

import calendar as months
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from counterapp.catalogue import Catalogue, CatalogueInvalid, parse_document
from counterapp.catalogue_diff import CatalogueDiff, diff
from counterapp.catalogue_problem_text import problem_text
from counterapp.sync.wire import canonical
from counterapp.workdays import WorkCalendar, YearCalendar
from hub import audit, feeds
from hub.db import Database

CATALOGUE_MAX_BYTES = 1024 * 1024  # the bundled catalogue is 44 KB; a county's may grow
CALENDAR_MAX_BYTES = 32 * 1024  # a year holds some 40 named days
CALENDAR_SOURCE = "县医保经办中心发布（依国务院办公厅节假日安排通知）"


class PublishProblem(ValueError):
    """Refused; `problems` lists every reason, in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


# --- catalogue --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Draft:
    """An uploaded catalogue that passed validation, and what publishing it would change."""

    sha256: str
    catalogue: Catalogue
    diff: CatalogueDiff
    same_as_active: bool


def _document(raw: bytes) -> dict[str, Any]:
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PublishProblem(["文件不是UTF-8编码的文本。请上传事项目录导出的JSON文件。"]) from None
    except ValueError as exc:
        raise PublishProblem([f"文件不是有效的JSON（第{_line(exc)}行附近）。"]) from None
    if not isinstance(document, dict):
        raise PublishProblem(["文件内容应为一个JSON对象（事项目录导出的格式）。"])
    return document


def _line(exc: ValueError) -> int:
    return int(getattr(exc, "lineno", 0))


def _active(db: Database) -> Catalogue | None:
    active = feeds.active_catalogue(db)
    return None if active is None else parse_document(active["document"], "active")


def stage_catalogue(db: Database, raw: bytes, name: str, by: str, now: str) -> Draft:
    """Check an uploaded catalogue and keep it as a draft; PublishProblem lists every problem
    (nothing is kept then)."""
    if len(raw) > CATALOGUE_MAX_BYTES:
        raise PublishProblem([f"文件过大（上限{CATALOGUE_MAX_BYTES // 1024} KB）。"])
    try:
        catalogue = parse_document(_document(raw), name or "upload")
    except CatalogueInvalid as exc:
        raise PublishProblem([problem_text(p) for p in exc.problems]) from None
    text = canonical(catalogue.to_document()).decode("utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    with db.transaction() as tx:
        held = tx.scalar("SELECT sha256 FROM catalogues WHERE version = ?", (catalogue.version,))
        if held is not None and held != digest:
            raise PublishProblem(
                [
                    f"版本“{catalogue.version}”已在县中心发布过且内容不同："
                    "修改目录后须使用新的版本号。"
                ]
            )
        tx.execute("DELETE FROM catalogue_drafts WHERE sha256 = ?", (digest,))
        tx.execute(
            "INSERT INTO catalogue_drafts (sha256, version, document, uploaded_by, "
            "uploaded_at) VALUES (?, ?, ?, ?, ?)",
            (digest, catalogue.version, text, by, now),
        )
    active = feeds.active_catalogue(db)
    same = active is not None and active["sha256"] == digest
    return Draft(digest, catalogue, diff(_active(db), catalogue), same)


def publish_catalogue(db: Database, sha256: str, by: str, now: str, address: str) -> str:
    """Activate a staged draft for the stations; returns its version."""
    with db.transaction(write=False) as tx:
        row = tx.one("SELECT document FROM catalogue_drafts WHERE sha256 = ?", (sha256,))
    if row is None:
        raise PublishProblem(["没有找到待发布的目录（可能已发布或已过期），请重新上传。"])
    try:
        version = feeds.import_catalogue(db, json.loads(row[0]), "workbench", now)
    except CatalogueInvalid as exc:
        raise PublishProblem([problem_text(p) for p in exc.problems]) from None
    with db.transaction() as tx:
        tx.execute("DELETE FROM catalogue_drafts WHERE sha256 = ?", (sha256,))
        audit.record(
            tx,
            now,
            by,
            "catalogue_published",
            detail=f"{version} sha256 {sha256[:12]}",
            address=address,
        )
    return version


# --- calendars --------------------------------------------------------------------------------
def _days(text: str, label: str, year: int, problems: list[str]) -> list[tuple[date, str]]:
    """Lines `YYYY-MM-DD 名称` or `YYYY-MM-DD至YYYY-MM-DD 名称` (also `~`), one or more days."""
    days = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip().replace("～", "~").replace("至", "~")
        if not line:
            continue
        span, _, name = line.partition(" ")
        first, _, last = span.partition("~")
        try:
            start = date.fromisoformat(first)
            end = date.fromisoformat(last) if last else start
        except ValueError:
            problems.append(
                f"{label}第{number}行“{line[:40]}”：日期应写作 2027-01-01 或 2027-02-06至2027-02-12"
            )
            continue
        if not name.strip():
            problems.append(f"{label}第{number}行：请写明节日名称，如“2027-01-01 元旦”")
            continue
        if start.year != year or end.year != year or end < start or (end - start).days > 31:
            problems.append(f"{label}第{number}行：日期须在{year}年内，且区间不超过一个月")
            continue
        days += [
            (date.fromordinal(o), name.strip())
            for o in range(start.toordinal(), end.toordinal() + 1)
        ]
    return days


def _checked(
    year: int,
    holidays: list[tuple[date, str]],
    workdays: list[tuple[date, str]],
    problems: list[str],
) -> YearCalendar:
    for label, days in (("放假日期", holidays), ("调休上班日期", workdays)):
        twice = sorted(day for day, times in Counter(d for d, _ in days).items() if times > 1)
        if twice:
            problems.append(f"{label}重复：{'、'.join(d.isoformat() for d in twice)}")
    both = sorted({d for d, _ in holidays} & {d for d, _ in workdays})
    if both:
        problems.append(f"同一天不能既放假又调休上班：{'、'.join(d.isoformat() for d in both)}")
    weekdays = sorted(d for d, _ in workdays if d.weekday() < 5)
    if weekdays:
        problems.append(
            "调休上班日应为周六或周日（周一至周五本来就上班）："
            + "、".join(d.isoformat() for d in weekdays)
        )
    if not holidays:
        problems.append("请至少填写一个放假日期。")
    if problems:
        raise PublishProblem(problems)
    return YearCalendar(year, dict(holidays), dict(workdays), CALENDAR_SOURCE)


def calendar_from_form(year: str, holidays: str, workdays: str) -> YearCalendar:
    """The admin's entry of one year's holiday notice, validated (PublishProblem lists all)."""
    if not year.strip().isdigit() or not 2000 <= int(year) <= 2100:
        raise PublishProblem(["年份应为四位数字，如 2027。"])
    number, problems = int(year), list[str]()
    return _checked(
        number,
        _days(holidays, "放假日期", number, problems),
        _days(workdays, "调休上班日期", number, problems),
        problems,
    )


def calendar_from_file(raw: bytes) -> YearCalendar:
    """A calendar file as `counterapp calendar FILE` imports it, validated the same way."""
    if len(raw) > CALENDAR_MAX_BYTES:
        raise PublishProblem([f"文件过大（上限{CALENDAR_MAX_BYTES // 1024} KB）。"])
    document = _document(raw)
    try:
        parsed = YearCalendar.from_document(document)
    except ValueError as exc:
        raise PublishProblem([f"日历文件有误：{exc}"]) from None
    if not 2000 <= parsed.year <= 2100:
        raise PublishProblem(["年份应在2000至2100之间。"])
    return _checked(parsed.year, list(parsed.holidays.items()), list(parsed.workdays.items()), [])


def day_lines(days: dict[date, str]) -> str:
    """Days back as the form's lines (consecutive days of one name as a range)."""
    lines: list[str] = []
    run: list[date] = []
    for day in sorted(days):
        if run and (day.toordinal() != run[-1].toordinal() + 1 or days[day] != days[run[0]]):
            lines.append(_span(run, days[run[0]]))
            run = []
        run.append(day)
    if run:
        lines.append(_span(run, days[run[0]]))
    return "\n".join(lines)


def _span(run: list[date], name: str) -> str:
    ends = run[0].isoformat() + ("" if len(run) == 1 else f"至{run[-1].isoformat()}")
    return f"{ends} {name}"


def working_days_by_month(calendar: YearCalendar) -> list[tuple[int, int]]:
    """(month, working days) of the year under this calendar: the preview's figures."""
    work = WorkCalendar([calendar])
    return [
        (
            month,
            sum(
                work.is_workday(date(calendar.year, month, day))
                for day in range(1, months.monthrange(calendar.year, month)[1] + 1)
            ),
        )
        for month in range(1, 13)
    ]


def publish_calendar(db: Database, calendar: YearCalendar, by: str, now: str, address: str) -> int:
    """Publish a year's calendar to the stations (a correction supersedes); returns the feed id."""
    text = canonical(calendar.to_document()).decode("utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    with db.transaction() as tx:
        tx.execute(
            "INSERT INTO calendars (year, document, sha256, published_at, published_by) "
            "VALUES (?, ?, ?, ?, ?)",
            (calendar.year, text, digest, now, by),
        )
        number = int(tx.scalar("SELECT max(id) FROM calendars WHERE year = ?", (calendar.year,)))
        audit.record(
            tx,
            now,
            by,
            "calendar_published",
            detail=f"{calendar.year}年 放假{len(calendar.holidays)}天 "
            f"调休上班{len(calendar.workdays)}天",
            address=address,
        )
    return number


def published_calendars(db: Database) -> list[dict[str, Any]]:
    """The latest publication of every year, newest year first (for the page)."""
    with db.transaction(write=False) as tx:
        rows = tx.all(
            "SELECT c.id, c.year, c.document, c.published_at, c.published_by FROM calendars c "
            "WHERE c.id = (SELECT max(id) FROM calendars d WHERE d.year = c.year) "
            "ORDER BY c.year DESC"
        )
    return [
        {
            "id": int(r[0]),
            "calendar": YearCalendar.from_document(json.loads(r[2])),
            "published_at": r[3],
            "published_by": r[4],
        }
        for r in rows
    ]


def catalogue_versions(db: Database) -> list[tuple[str, str, str, bool]]:
    """(version, published, imported at, active) of every catalogue on the hub, newest first."""
    with db.transaction(write=False) as tx:
        rows = tx.all(
            "SELECT version, published, imported_at, active FROM catalogues "
            "ORDER BY imported_at DESC, version DESC"
        )
    return [(r[0], r[1], r[2], bool(r[3])) for r in rows]


def work_calendar(db: Database) -> WorkCalendar:
    """The working days the county's own deadlines follow: its published years win."""
    return WorkCalendar([entry["calendar"] for entry in reversed(published_calendars(db))])


def calendars_after(db: Database, after: int, limit: int = 50) -> list[dict[str, Any]]:
    """The feed: publications with an id above the station's cursor, oldest first."""
    with db.transaction(write=False) as tx:
        rows = tx.all(
            "SELECT id, year, document, sha256, published_at FROM calendars "
            "WHERE id > ? ORDER BY id LIMIT ?",
            (after, limit),
        )
    return [
        {
            "id": int(r[0]),
            "year": int(r[1]),
            "document": json.loads(r[2]),
            "sha256": r[3],
            "published_at": r[4],
        }
        for r in rows
    ]
