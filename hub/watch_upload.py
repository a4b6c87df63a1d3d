"""Reading the county's watch list (监测台账) as its own systems export it: CSV (UTF-8, or
GB18030 as Excel writes it in China) or XLSX (openpyxl, read-only, values not formulas).

The first row names the columns (`COLUMNS`: 姓名, 身份证号码, 人员类别, 累计费用, 所属站点,
and optionally 所属区域); every other non-empty row is one person. Each row is checked — the
ID number's check digit (`counterapp.idnumber`), the name (`counterapp.typed_text`), the
category, the amount and that it passes its category's threshold (`counterapp.watch_rules`),
the station (a registered station's code or name), no one listed twice — and every problem is
reported in Chinese with its row number as the spreadsheet shows it (the header is row 1).
Bounded: a file over `MAX_BYTES`, over `MAX_ROWS` rows or with an over-long cell is refused.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from counterapp.idnumber import normalise, problem_with
from counterapp.typed_text import name_problem, one_line
from counterapp.watch_rules import CATEGORIES, cost_fen, threshold_fen, yuan

MAX_BYTES = 8 * 1024 * 1024  # some 100,000 rows of CSV; a county lists a few thousand people
MAX_ROWS = 50_000
CELL_MAX = 100  # characters of one cell
PROBLEMS_SHOWN = 200  # a file wrong throughout is not listed to the end
COLUMNS = {  # what each column may be called in the header → its key
    "姓名": "name",
    "身份证号码": "id_number",
    "身份证号": "id_number",
    "证件号码": "id_number",
    "人员类别": "category",
    "类别": "category",
    "累计费用": "cost",
    "累计费用(元)": "cost",
    "累计住院费用": "cost",
    "累计花费": "cost",
    "所属站点": "station",
    "站点编码": "station",
    "站点": "station",
    "所属区域": "area",
    "村(社区)": "area",
}
REQUIRED = {"name": "姓名", "id_number": "身份证号码", "category": "人员类别", "cost": "累计费用"}


class UploadRefused(ValueError):
    """The file cannot be read as a list at all; `problems` says why, in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


class Person(NamedTuple):
    row: int  # the row of the file (the header is row 1)
    station: str  # the station's code
    id_number: str
    name: str
    category: str
    cost_fen: int
    area: str


class Checked(NamedTuple):
    people: list[Person]
    problems: list[str]  # "第N行：…", every one (at most PROBLEMS_SHOWN, then a count)


def rows_of(raw: bytes, filename: str) -> Iterator[list[str]]:
    """The file's rows as text cells (an XLSX by its zip signature, else CSV)."""
    if len(raw) > MAX_BYTES:
        raise UploadRefused([f"文件过大（上限 {MAX_BYTES // 1024 // 1024} MB）。"])
    if raw.startswith(b"PK\x03\x04"):
        return _xlsx_rows(raw)
    if filename.lower().endswith((".xls", ".xlsx")):
        raise UploadRefused(["文件不是 XLSX 格式（旧版 .xls 请在表格软件中另存为 .xlsx 或 CSV）。"])
    return _csv_rows(raw)


def _csv_rows(raw: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise UploadRefused(["CSV 文件的编码无法识别（请存为 UTF-8 或 GBK）。"])
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise UploadRefused([f"CSV 文件格式有误：{exc}"]) from None


def _xlsx_rows(raw: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # only when an XLSX is uploaded

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UploadRefused([f"XLSX 文件无法打开：{type(exc).__name__}"]) from None
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield ["" if value is None else _cell_text(value) for value in values]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A cell as the county typed it: 12345.6 stays 12345.6, an integral float loses its .0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read(raw: bytes, filename: str, stations: dict[str, str], today: date) -> Checked:
    """The people of an uploaded list and every problem with it. `stations` maps each
    registered station's code and name to its code."""
    rows = rows_of(raw, filename)
    header = next(rows, None)
    if header is None:
        raise UploadRefused(["文件是空的。"])
    keys = [COLUMNS.get(one_line(cell).replace("（", "(").replace("）", ")")) for cell in header]
    missing = [label for key, label in REQUIRED.items() if key not in keys]
    if "station" not in keys:
        missing.append("所属站点（站点编码或站点名称）")
    if missing:
        raise UploadRefused(
            [
                f"第1行（表头）缺少列：{'、'.join(missing)}。表头应为：姓名、身份证号码、"
                "人员类别、累计费用、所属站点（可另加所属区域）。"
            ]
        )
    people: list[Person] = []
    problems: list[str] = []
    first_row: dict[str, int] = {}
    for number, cells in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise UploadRefused([f"行数超过上限 {MAX_ROWS} 行，请分县区或分批整理后上传。"])
        values = {key: one_line(cell) for key, cell in zip(keys, cells, strict=False) if key}
        if not any(values.values()):
            continue
        person, wrong = _row(number, values, stations, today)
        if person is not None:
            if person.id_number in first_row:
                wrong.append(f"身份证号码与第{first_row[person.id_number]}行重复")
            else:
                first_row[person.id_number] = number
                people.append(person)
        problems += [f"第{number}行：{text}" for text in wrong]
    if not people and not problems:
        raise UploadRefused(["文件中没有人员（表头以下全是空行）。"])
    if len(problems) > PROBLEMS_SHOWN:
        more = len(problems) - PROBLEMS_SHOWN
        problems = [*problems[:PROBLEMS_SHOWN], f"……另有 {more} 处问题未列出"]
    return Checked(people, problems)


def _row(
    number: int, values: dict[str, str], stations: dict[str, str], today: date
) -> tuple[Person | None, list[str]]:
    wrong = [
        f"{label}超过 {CELL_MAX} 个字"
        for key, label in (*REQUIRED.items(), ("station", "所属站点"), ("area", "所属区域"))
        if len(values.get(key, "")) > CELL_MAX
    ]
    if wrong:
        return None, wrong
    name, number_text = values.get("name", ""), normalise(values.get("id_number", ""))
    category, station_text = values.get("category", ""), values.get("station", "")
    if (problem := name_problem(name)) is not None:
        wrong.append(problem)
    if (problem := problem_with(number_text, today)) is not None:
        wrong.append(problem if number_text else "身份证号码为空")
    if category not in CATEGORIES:
        wrong.append(f"人员类别“{category}”应为{'、'.join(CATEGORIES)}之一")
    try:
        cost = cost_fen(values.get("cost", ""))
    except ValueError as exc:
        wrong.append(str(exc))
        cost = None
    if cost is not None and category in CATEGORIES and cost <= threshold_fen(category):
        wrong.append(
            f"累计费用 {yuan(cost)} 元未超过{category}的监测标准 {yuan(threshold_fen(category))} 元"
        )
    station = stations.get(station_text)
    if station is None:
        wrong.append(
            f"所属站点“{station_text}”不是本县已登记的站点（填站点编码或站点名称）"
            if station_text
            else "所属站点为空"
        )
    if wrong or cost is None or station is None:
        return None, wrong
    return Person(number, station, number_text, name, category, cost, values.get("area", "")), []
