"""The ledger's XLSX and PDF, read back: the fixture period's figures are in them, and a
rule not met is red (XLSX) and marked 未达标 (both)."""

from __future__ import annotations

from datetime import date

import openpyxl
import pypdfium2 as pdfium

from counterapp import cli
from counterapp.ledger.figures import Period
from counterapp.ledger.pdf import write_pdf
from counterapp.ledger.report import station_ledger
from counterapp.ledger.xlsx import write_xlsx
from counterapp.workdays import WorkCalendar
from tests.ledger.conftest import at

PERIOD = Period(date(2026, 9, 30), date(2026, 10, 9))


def ledger_of(period):
    counter = period.counter
    return station_ledger(
        counter.store, "千泉街道医保服务站", PERIOD, WorkCalendar(), at(11, 30, 18, 0)
    )


def test_the_workbook_holds_every_figure(period, tmp_path):
    steps = []
    path = tmp_path / "ledger.xlsx"
    write_xlsx(ledger_of(period), path, lambda percent, step: steps.append(percent))
    assert steps == sorted(steps) and steps[-1] == 100
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["台账", "事项办理时间", "逐日"]
    sheet = book["台账"]
    assert "2026-09-30 至 2026-10-09" in sheet["A2"].value
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=5)}
    assert rows["取号"][2].value == 6 and rows["过号未到"][2].value == 1
    assert abs(rows["当场办结率"][2].value - 300 / 7) < 1e-9
    assert rows["当场办结率"][5].value == "未达标" and rows["当场办结率"][6].value == "3 / 7 项"
    assert rows["当场办结率"][2].font.color.rgb.endswith("C00000")  # red
    assert rows["取号"][2].font.color is None or not str(rows["取号"][2].font.color.rgb).endswith(
        "C00000"
    )
    assert rows["差评按时回访率"][2].value == 50
    assert abs(rows["平均等候"][2].value - 107 / 6) < 1e-9
    items = {row[0].value: row for row in book["事项办理时间"].iter_rows(min_row=5)}
    assert items["YB0101"][7].value == 1 and items["YB0101"][9].value == "未达标"
    days = {row[0].value: row for row in book["逐日"].iter_rows(min_row=5)}
    assert len(days) == 10 and days["2026-09-30"][1].value == 5 and days["2026-10-08"][1].value == 1


def test_the_pdf_reads_back_with_the_figures(period, tmp_path):
    path = tmp_path / "ledger.pdf"
    write_pdf(ledger_of(period), path)
    pdf = pdfium.PdfDocument(path.read_bytes())
    text = "".join(page.get_textpage().get_text_range() for page in pdf).replace("\r\n", "\n")
    assert "千泉街道医保服务站 台账" in text and "2026-09-30 至 2026-10-09" in text
    assert "当场办结率" in text and "42.9%" in text and "3 / 7 项" in text
    assert "差评按时回访率" in text and "50.0%" in text
    assert text.count("未达标") >= 5
    assert "YB0101" in text and "仅咨询政策 1" in text


def test_the_command_line_exports_both(period, tmp_path, capsys, monkeypatch):
    store_path = period.counter.store.path
    monkeypatch.setattr(cli, "_open", lambda args: _Reopened(period))
    xlsx, pdf = tmp_path / "a.xlsx", tmp_path / "a.pdf"
    code = cli.main(
        [
            "ledger",
            "--from",
            "2026-09-30",
            "--to",
            "2026-10-09",
            "--xlsx",
            str(xlsx),
            "--pdf",
            str(pdf),
        ]
    )
    assert code == 0 and store_path
    out = capsys.readouterr().out
    assert "当场办结率：42.9%（3 / 7 项，要求 ≥ 90%，未达标）" in out
    assert openpyxl.load_workbook(xlsx)["台账"]["A1"].value.startswith("千泉街道医保服务站")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_period_backwards_is_refused(period, capsys, monkeypatch):
    monkeypatch.setattr(cli, "_open", lambda args: _Reopened(period))
    assert cli.main(["ledger", "--from", "2026-10-09", "--to", "2026-09-30"]) == 2
    assert "早于开始日期" in capsys.readouterr().err


class _Reopened:
    """The fixture's open counter, as `cli._open` gives one (left open for the next test)."""

    def __init__(self, period):
        self.counter = period.counter

    def __enter__(self):
        return self.counter

    def __exit__(self, *exc):
        return None
