"""Chinese line breaking of the slips, and the read-back check that would see it go wrong."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.platypus import Paragraph

from counterapp.slips.blocks import para
from counterapp.slips.layout import Layout, build_pdf, styles
from counterapp.slips.linebreak import NO_LINE_END, NO_LINE_START, line_ends, may_break
from counterapp.slips.readback import problems, read_back


def lines_of(text: str, per_line: int) -> list[str]:
    """Break `text` where every character is 1 wide, `per_line` to a line."""
    ends = line_ends(text, [1.0] * len(text), [float(per_line)])
    return [text[start:end] for start, end in zip([0, *ends], ends, strict=False)]


def test_a_closing_mark_takes_the_character_before_it_along():
    assert lines_of("一二三四五。六七", 5) == ["一二三四", "五。六七"]


def test_two_closing_marks_in_a_row_do_not_start_a_line_either():
    assert lines_of("一二三四五）。六", 5) == ["一二三四", "五）。六"]


def test_an_opening_mark_goes_down_with_what_it_opens():
    assert lines_of("一二三四（五六", 5) == ["一二三四", "（五六"]
    assert lines_of("一二三“《四五", 5) == ["一二三", "“《四五"]


def test_numbers_and_codes_are_not_cut_unless_longer_than_a_line():
    assert lines_of("编号为3708-0001", 9) == ["编号为", "3708-0001"]
    assert lines_of("370883101202611250", 8) == ["37088310", "12026112", "50"]


def test_no_line_starts_with_a_space():
    assert lines_of("一二三 四五", 3) == ["一二", "三 四", "五"]


def test_nothing_but_punctuation_still_breaks_where_full():
    assert lines_of("。。。。。。", 4) == ["。。。。", "。。"]


ALPHABET = "一二三四五六七八九十𠮷ABC123 -" + NO_LINE_START[:30] + NO_LINE_END


@settings(max_examples=300, derandomize=True, database=None)
@given(st.text(ALPHABET, min_size=1, max_size=80), st.integers(1, 12))
def test_each_line_fits_and_ends_at_its_last_allowed_break(text, per_line):
    lines = lines_of(text, per_line)
    assert "".join(lines) == text
    start = 0
    for line in lines[:-1]:
        end = start + len(line)
        full = min(start + per_line, len(text))
        assert start < end <= full
        allowed = [
            at
            for at in range(start + 1, full + 1)
            if at < len(text) and may_break(text[at - 1], text[at])
        ]
        if allowed:
            assert end == allowed[-1]
        start = end


def test_read_back_sees_reportlab_hang_punctuation_past_the_roll():
    """reportlab's own CJK wrapping hangs a closing mark past the 72 mm the roll prints;
    the slips' paragraphs do not, and the read-back check tells the two apart."""
    style = styles(Layout.ROLL_80).body
    text = "申请材料：有效身份证件（居民身份证、户口簿、居住证）。" * 3
    width = 0
    while True:  # the shortest prefix whose line would end just before a "。" or "）"
        width += 1
        probe = "一" * width + text
        plain = build_pdf([Paragraph(probe, style)], Layout.ROLL_80, title="t")
        if problems(plain, Layout.ROLL_80):
            break
        assert width < 40, "reportlab never hung a mark: the check cannot see it"
    ours = build_pdf([para(probe, style)], Layout.ROLL_80, title="t")
    assert problems(ours, Layout.ROLL_80) == []
    assert "".join(read_back(ours, Layout.ROLL_80).text) == "".join(probe.split())
