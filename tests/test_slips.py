"""Slips end to end without Qt: real PDFs parsed back, QR codes decoded, fonts checked."""

from __future__ import annotations

import re
import shutil
from datetime import datetime

import pytest
import zxingcpp

from counterapp.case_model import Agent, Person
from counterapp.catalogue import default_catalogue_dir
from counterapp.clock import CST
from counterapp.journal import events_of
from counterapp.privacy import mask_id_number, mask_phone
from counterapp.queue import Lane
from counterapp.slips import (
    Layout,
    ReprintReasonRequired,
    SlipError,
    SlipKind,
    notice_pdf,
    notice_printed,
    prepare_notice,
    prints_of_case,
    receipt_pdf,
    record_print,
    ticket_pdf,
    verification,
    verify,
    verify_payload,
)
from counterapp.slips.fonts import slip_fonts
from counterapp.slips.raster import page_sizes, page_texts, render_pages
from counterapp.slips.readback import placement_problems, punctuation_problems, read_back
from counterapp.slips.records import RACE_REASON
from counterapp.slips.texts import PROVISIONAL, day_text
from tests.conftest import make_id

RARE_NAME = "𠮷春燕"  # 𠮷 is U+20BB7, outside the BMP


def flat(text: str) -> str:
    """Extracted text without any whitespace: table cells and wrapped lines join up."""
    return "".join(text.split())


def text_of(pdf: bytes) -> str:
    return flat("".join(page_texts(pdf)))


def assert_shows(pdf: bytes, *expected: str) -> None:
    text = text_of(pdf)
    missing = [item for item in expected if flat(item) not in text]
    assert not missing, f"not on the slip: {missing}"


def qr_texts(pdf: bytes) -> list[str]:
    found = []
    for image in render_pages(pdf, 200):
        found += [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    return found


def open_notice_case(counter, *, name: str = RARE_NAME, agent: bool = True):
    """A case with an agent, an instant item and a forwarded one, one material missing."""
    clerk = counter.clerk_a.id
    helper = (
        Agent(
            "李明", make_id(birth="19850607", sequence="251"), "13987654321", "子女", "授权委托书"
        )
        if agent
        else None
    )
    case = counter.cases.open_case(
        Person(name, make_id(), "13812345678"), ["YB0101", "YB0501"], clerk, agent=helper
    )
    needed = [m for m in case.materials if m.applies]
    for material in needed[:-1]:
        counter.cases.mark_material(case.id, material.key, True, clerk)
    return counter.cases.notify_missing(case.id, clerk)


def accepted_case(counter, codes=("YB0403", "YB1001")):
    clerk = counter.clerk_a.id
    case = counter.cases.open_case(
        Person("欧阳娜娜", make_id(birth="19900101", sequence="342")), list(codes), clerk
    )
    for material in case.materials:
        if material.applies:
            counter.cases.mark_material(case.id, material.key, True, clerk)
    return counter.cases.accept(case.id, clerk)


# --- the one-time notice -------------------------------------------------------------------
@pytest.mark.parametrize("layout", list(Layout))
def test_notice_shows_every_field(counter, layout):
    case = open_notice_case(counter)
    slip = prepare_notice(counter, case.id, layout, clerk_id=counter.clerk_a.id)
    pdf, code = slip.pdf, slip.pending.verification_code
    assert_shows(
        pdf,
        "医疗保障经办服务一次性告知单",
        "千泉街道医保服务站",
        "千泉街道为民服务中心一楼",
        case.case_no,
        "2026年11月25日 09:00",
        RARE_NAME,
        mask_id_number(case.applicant.id_number),
        mask_phone("13812345678"),
        "李明（子女）",
        mask_id_number(case.agent.id_number),
        "材料不全待补正",
        "医疗保险参保登记 / 城乡居民参保登记",
        "即办件 · 本级办理",
        "10分钟",
        "门诊慢性病病种待遇认定",
        "承诺件 · 收集材料转报",
        "20个工作日",
        "自受理之日起计算",
        "已收取",
        "尚缺",
        "不涉及",
        "原件 1份",
        "复印件 1份",
        f"请于{day_text(case.supply_due)}前",
        "县医疗保障经办中心",
        "12393医保服务热线",
        "0537-5211234",
        "首问负责人：王丽（工号1001）",
        f"验证码：{code}",
        "本告知单已一次性告知",
        "事项目录版本：default-2026.2",
        "申请人（代办人）签收：",
        "签收日期：",
    )
    for material in case.materials:
        assert_shows(pdf, material.name)
    catalogue = counter.catalogue
    for material in catalogue.item("YB0501").materials:
        assert_shows(pdf, material.obtain)
    text = text_of(pdf)
    assert case.applicant.id_number not in text and "13812345678" not in text
    assert "补打" not in text


def test_notice_before_acceptance_and_after(counter, clock):
    clerk = counter.clerk_a.id
    case = counter.cases.open_case(Person("张三丰", make_id()), ["YB0403"], clerk)
    pdf = notice_pdf(counter, case.id, Layout.A4, clerk_id=clerk, record=False)
    assert_shows(pdf, "自受理之日起计算", "15个工作日内补齐")
    for material in case.materials:
        if material.applies:
            counter.cases.mark_material(case.id, material.key, True, clerk)
    case = counter.cases.accept(case.id, clerk)
    pdf = notice_pdf(counter, case.id, Layout.A4, clerk_id=clerk, record=False)
    assert_shows(pdf, "已于2026年11月25日 09:00受理", "2026年12月9日前")
    assert "自受理之日起计算" not in text_of(pdf)


def test_provisional_deadline_is_marked(counter, clock):
    clock.set(datetime(2026, 12, 28, 9, 0, tzinfo=CST))  # 20 working days run into 2027
    case = accepted_case(counter, codes=("YB0501",))
    item = case.items[0]
    assert item.due_provisional
    pdf = receipt_pdf(counter, case.id, Layout.A4, clerk_id=counter.clerk_a.id, record=False)
    assert_shows(pdf, PROVISIONAL)


@pytest.mark.parametrize("layout", list(Layout))
def test_qr_code_decodes_to_case_and_verification_code(counter, layout):
    case = open_notice_case(counter)
    slip = prepare_notice(counter, case.id, layout, clerk_id=counter.clerk_a.id)
    code = slip.pending.verification_code
    assert qr_texts(slip.pdf) == [f"YBGZ2|{case.case_no}|{code}"]
    assert not verify(counter, case.case_no, code)  # rendered, never printed
    record_print(counter, slip.pending)
    assert verify(counter, case.case_no, code)
    assert verify_payload(counter, f"YBGZ2|{case.case_no}|{code}")
    assert verify(counter, case.case_no, code.lower())
    assert not verify(counter, case.case_no, "AAAAAAAA")
    assert not verify(counter, "370883101-20991231-0001", code)
    assert not verify_payload(counter, "hello")
    # a version-1 code checks only for a case printed before issue 13
    assert not verify(counter, case.case_no, verification.legacy_code_for(counter, case))


def test_the_code_binds_what_the_slip_says_and_each_reprint_has_its_own(counter, clock):
    case = open_notice_case(counter)
    clerk = counter.clerk_a.id
    first = prepare_notice(counter, case.id, Layout.A4, clerk_id=clerk)
    content = first.pending.content
    assert content is not None and content["print_no"] == 0
    assert content["id_number"] == mask_id_number(case.applicant.id_number)
    assert case.applicant.id_number not in str(content)
    code = first.pending.verification_code
    assert code == verification.code_for(counter, case, content)
    assert re.fullmatch(r"[A-Z2-7]{8}", code)
    for field, value in [
        ("materials", content["materials"][1:]),
        ("issued_at", "改过的日期"),
        ("items", [{"name": "别的事项", "value": "2026年12月1日前"}]),
    ]:
        assert verification.code_for(counter, case, {**content, field: value}) != code
    other = verification.compute_code_v2(
        b"another station secret", counter.station.code, case.case_no, case.uuid, content
    )
    assert other != code
    record_print(counter, first.pending)
    clock.advance(minutes=5)
    again = prepare_notice(counter, case.id, Layout.A4, clerk_id=clerk, reprint_reason="遗失")
    assert again.pending.content["print_no"] == 1
    assert again.pending.verification_code != code
    record_print(counter, again.pending)
    assert verify(counter, case.case_no, code)  # both checkable
    assert verify(counter, case.case_no, again.pending.verification_code)


def test_a_slip_printed_before_issue_13_still_checks(counter):
    """Slips with a version-1 code are in citizens' hands: a print recorded without content
    (as the older program recorded every print) keeps its code checkable."""
    case = open_notice_case(counter)
    legacy = verification.legacy_code_for(counter, case)
    counter.store.insert(
        "slip_prints",
        {
            "kind": "notice",
            "case_id": case.id,
            "layout": "a4",
            "printed_at": "2026-11-25T09:00:00+08:00",
            "clerk_id": counter.clerk_a.id,
            "is_reprint": 0,
            "verification_code": legacy,
        },
    )
    assert verify(counter, case.case_no, legacy)
    assert verify_payload(counter, f"YBGZ|{case.case_no}|{legacy}")


def test_font_is_embedded_as_subset_and_rare_character_prints(counter):
    case = open_notice_case(counter)
    pdf = notice_pdf(counter, case.id, Layout.A4, clerk_id=counter.clerk_a.id, record=False)
    assert b"/FontFile2" in pdf
    subsets = re.findall(rb"/BaseFont /([A-Z]{6})\+([A-Za-z-]+)", pdf)
    fonts = slip_fonts()
    assert fonts.primary.encode() in {name.split(b"-")[0] for _, name in subsets}
    assert b"STSong" not in pdf
    rare_font = fonts.font_for("𠮷")
    assert fonts.has_glyph(rare_font, "𠮷")
    assert rare_font.encode() in {name.split(b"-")[0] for _, name in subsets}
    assert RARE_NAME in "".join(page_texts(pdf))


# --- long cases: wrapping and pagination ---------------------------------------------------
LONG_ITEM = """
[[items]]
code = "YB9901"
main = "测试用长材料事项"
sub = "三十项材料的测试事项"
applicants = "测试用。"
kind = "promised"
time_limit = { working_days = 10 }
handled_by = "县医疗保障经办中心"
steps = ["受理", "办结"]
"""
MATERIAL = """
[[items.materials]]
key = "long-{n:02d}"
name = "第{n}号证明材料：申请人所在单位或村（居）委会出具的情况说明，含姓名、身份、事由，{tail}"
form = "{form}"
count = {count}
required = true
obtain = "由申请人所在单位、村（居）委会或有关部门出具，并加盖公章；如有疑问，请咨询窗口。"
"""


@pytest.fixture
def long_case(counter, tmp_path):
    source = tmp_path / "catalogue"
    shutil.copytree(default_catalogue_dir(), source)
    meta = source / "catalogue.toml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace(
            'version = "default-2026.2"', 'version = "test-2026.30"'
        ),
        encoding="utf-8",
    )
    forms = ("original", "copy", "original_and_copy")
    materials = "".join(
        MATERIAL.format(
            n=n, tail="以及其他需要说明的事项" * (n % 3 + 1), form=forms[n % 3], count=n % 2 + 1
        )
        for n in range(1, 31)
    )
    (source / "items" / "99_long.toml").write_text(LONG_ITEM + materials, encoding="utf-8")
    counter.import_catalogue(source)
    case = counter.cases.open_case(Person("李四", make_id()), ["YB9901"], counter.clerk_a.id)
    return counter.cases.get(case.id)


def test_thirty_materials_wrap_and_paginate_on_a4(counter, long_case):
    pdf = notice_pdf(counter, long_case.id, Layout.A4, clerk_id=counter.clerk_a.id, record=False)
    texts = page_texts(pdf)
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert flat(f"第 {number} 页 / 共 {len(texts)} 页") in flat(text)
        assert long_case.case_no in flat(text)  # the footer names the case on every page
    assert all(size.width_mm == pytest.approx(210, abs=0.5) for size in page_sizes(pdf))
    for material in long_case.materials:
        assert_shows(pdf, material.name)
    assert_shows(pdf, "共30项", "尚缺30项")


def test_thirty_materials_grow_the_roll(counter, long_case):
    short = open_notice_case(counter, name="张三", agent=False)
    short_pdf = notice_pdf(
        counter, short.id, Layout.ROLL_80, clerk_id=counter.clerk_a.id, record=False
    )
    pdf = notice_pdf(
        counter, long_case.id, Layout.ROLL_80, clerk_id=counter.clerk_a.id, record=False
    )
    (size,), (short_size,) = page_sizes(pdf), page_sizes(short_pdf)
    assert size.width_mm == pytest.approx(80, abs=0.5)
    assert size.height_mm > short_size.height_mm + 300
    for material in long_case.materials:
        assert_shows(pdf, material.name)
    assert "第1页" not in text_of(pdf)  # one long page, no page numbers
    (code,) = re.findall(r"验证码：([A-Z2-7]{8})", text_of(pdf))[:1]
    assert qr_texts(pdf) == [f"YBGZ2|{long_case.case_no}|{code}"]


@pytest.mark.parametrize("layout", list(Layout))
def test_long_lines_break_by_the_rules_and_stay_inside(counter, long_case, layout):
    pdf = notice_pdf(counter, long_case.id, layout, clerk_id=counter.clerk_a.id, record=False)
    read = read_back(pdf, layout)
    assert len(read.lines) > 100
    assert punctuation_problems(read) == [] and placement_problems(read) == []


@pytest.mark.parametrize("layout", list(Layout))
def test_notice_once_the_missing_materials_came(counter, clock, layout):
    """Printed again after the citizen brought everything: nothing reads as still missing."""
    case = open_notice_case(counter)
    clock.advance(days=2)
    for material in case.missing_materials:
        case = counter.cases.mark_material(case.id, material.key, True, counter.clerk_a.id)
    pdf = notice_pdf(counter, case.id, layout, clerk_id=counter.clerk_a.id, record=False)
    assert_shows(pdf, "已全部收取", "告知的所缺材料已全部补齐，窗口将予受理")
    text = text_of(pdf)
    assert "尚缺0项" not in text and "补齐上列" not in text and "【尚缺】" not in text


# --- one-time: reprints ----------------------------------------------------------------------
def test_first_print_is_recorded_and_a_reprint_needs_a_reason(counter, clock):
    case = open_notice_case(counter)
    clerk = counter.clerk_a.id
    preview = notice_pdf(counter, case.id, Layout.A4, clerk_id=clerk, record=False)
    assert not notice_printed(counter, case.id)  # rendering alone records nothing
    assert "补打" not in text_of(preview)
    first = notice_pdf(counter, case.id, Layout.A4, clerk_id=clerk)
    assert "补打" not in text_of(first)
    assert notice_printed(counter, case.id)
    with pytest.raises(ReprintReasonRequired, match="补打原因"):
        notice_pdf(counter, case.id, Layout.ROLL_80, clerk_id=clerk)
    with pytest.raises(ReprintReasonRequired):
        notice_pdf(counter, case.id, Layout.ROLL_80, clerk_id=clerk, reprint_reason="  ")
    clock.advance(minutes=30)
    again = notice_pdf(
        counter,
        case.id,
        Layout.ROLL_80,
        clerk_id=counter.clerk_b.id,
        reprint_reason="申请人遗失原告知单",
    )
    assert_shows(
        again,
        "补打",
        "补打原因：申请人遗失原告知单",
        "补打人：李强（工号1002）",
        "补打时间：2026年11月25日 09:30",
    )
    prints = prints_of_case(counter, case.id, SlipKind.NOTICE)
    assert [(p.is_reprint, p.reason, p.layout) for p in prints] == [
        (False, None, Layout.A4),
        (True, "申请人遗失原告知单", Layout.ROLL_80),
    ]
    assert prints[0].verification_code in text_of(first)
    assert prints[1].verification_code in text_of(again)
    events = [e for e in events_of(counter.store, case.uuid) if e["kind"].startswith("notice_")]
    assert [e["kind"] for e in events] == ["notice_issued", "notice_printed", "notice_reprinted"]
    assert events[-1]["data"]["reason"] == "申请人遗失原告知单"
    assert events[-1]["clerk_id"] == counter.clerk_b.id


def test_two_first_prints_at_once_become_first_and_reprint(counter):
    case = open_notice_case(counter)
    one = prepare_notice(counter, case.id, Layout.A4, clerk_id=counter.clerk_a.id)
    two = prepare_notice(counter, case.id, Layout.A4, clerk_id=counter.clerk_b.id)
    record_print(counter, one.pending)
    second = record_print(counter, two.pending)
    assert second.is_reprint and second.reason == RACE_REASON


def test_print_records_are_append_only(counter):
    case = open_notice_case(counter)
    notice_pdf(counter, case.id, Layout.A4, clerk_id=counter.clerk_a.id)
    with pytest.raises(Exception, match="append-only"):
        counter.store.execute("UPDATE slip_prints SET reason = 'x'")
    with pytest.raises(Exception, match="append-only"):
        counter.store.execute("DELETE FROM slip_prints")


# --- receipt and ticket ----------------------------------------------------------------------
@pytest.mark.parametrize("layout", list(Layout))
def test_receipt_of_a_forwarded_case(counter, layout):
    case = accepted_case(counter)
    pdf = receipt_pdf(counter, case.id, layout, clerk_id=counter.clerk_a.id)
    (printed,) = prints_of_case(counter, case.id, SlipKind.RECEIPT)
    code = printed.verification_code
    assert_shows(
        pdf,
        "医疗保障经办服务受理回执",
        case.case_no,
        "受理时间",
        "2026年11月25日 09:00",
        "欧阳娜娜",
        mask_id_number(case.applicant.id_number),
        "已受理",
        "医疗费用手工报销 / 转外就医医疗费用手工报销",
        "千泉街道医保服务站",
        "生育保险待遇核准支付 / 产前检查费支付",
        "承诺件 · 帮办代办",
        "县医疗保障经办中心",
        "2026年12月9日前",
        f"于{day_text(case.forward_due)}前将材料报送县医疗保障经办中心",
        "监督电话",
        "首问负责人：王丽（工号1001）",
        f"验证码：{code}",
    )
    assert qr_texts(pdf) == [f"YBGZ2|{case.case_no}|{code}"]
    assert "补打" not in text_of(pdf)
    with pytest.raises(ReprintReasonRequired):
        receipt_pdf(counter, case.id, layout, clerk_id=counter.clerk_a.id)
    reprint = receipt_pdf(
        counter, case.id, layout, clerk_id=counter.clerk_a.id, reprint_reason="办事人遗失"
    )
    assert_shows(reprint, "补打")
    kinds = [e["kind"] for e in events_of(counter.store, case.uuid)]
    assert kinds[-2:] == ["receipt_printed", "receipt_reprinted"]


def test_no_receipt_before_acceptance(counter):
    case = open_notice_case(counter)
    with pytest.raises(SlipError, match="受理后才能出具"):
        receipt_pdf(counter, case.id, Layout.A4, clerk_id=counter.clerk_a.id)
    assert prints_of_case(counter, case.id) == []


@pytest.mark.parametrize("layout", list(Layout))
def test_ticket_slip(counter, clock, layout):
    for _ in range(2):
        counter.queue.issue(Lane.NORMAL)
    clock.advance(minutes=7)
    ticket = counter.queue.issue(Lane.PRIORITY, "70岁以上老人")
    counter.queue.issue(Lane.NORMAL)
    pdf = ticket_pdf(counter, ticket.id, layout)
    assert_shows(
        pdf,
        "千泉街道医保服务站",
        "排队号票",
        "优先（绿色通道）",
        "Y001",
        "您前面暂无等候",
        "取号时间：2026年11月25日 09:07",
    )
    assert "70岁以上老人" not in text_of(pdf)  # the reason stays private
    normal = counter.queue.waiting()[-1]
    assert_shows(ticket_pdf(counter, normal.id, layout), "A003", "您前面还有 3 人等候")
    if layout == Layout.ROLL_80:
        (size,) = page_sizes(pdf)
        assert size.width_mm == pytest.approx(80, abs=0.5) and size.height_mm < 120


def test_benchmark_runs(capsys):
    from bench.slips import bench_slips

    figures = bench_slips(runs=2)
    assert set(figures) == {
        f"{what}_{layout}" for what in ("notice", "bare", "cpu") for layout in ("a4", "roll80")
    }
    assert "notice with QR" in capsys.readouterr().out


def test_no_cjk_font_is_a_clear_error(tmp_path):
    from counterapp.slips import FontUnavailable
    from counterapp.slips.fonts import SlipFonts

    with pytest.raises(FontUnavailable, match="未找到可嵌入的中文字体"):
        SlipFonts(dirs=[tmp_path])
