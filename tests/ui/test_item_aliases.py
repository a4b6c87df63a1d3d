"""Step ②'s search finds an item by the names people use for it (the catalogue's aliases),
also by their pinyin, and says so when it finds nothing."""

import pytest

from tests.conftest import make_id
from ui.item_index import ItemIndex, no_match_hint
from ui.visit_flow import Step

from .visit import Clerk, type_text


@pytest.fixture(scope="module")
def index():
    from counterapp.catalogue import default_catalogue_dir, load_directory

    built = ItemIndex(load_directory(default_catalogue_dir()), "town")
    built.build_pinyin()
    return built


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("慢特病", "YB0501"),
        ("门诊慢特病", "YB0501"),
        ("慢性病", "YB0501"),
        ("mzmtb", "YB0501"),
        ("MTB", "YB0501"),
        ("mantebing", "YB0501"),
        ("ＭＺＭＴＢ", "YB0501"),
        ("异地备案", "YB0301"),
        ("ydba", "YB0301"),
        ("生育津贴", "YB1004"),
        ("syjt", "YB1004"),
        ("医保卡", "YB1101"),
        ("社保卡", "YB1101"),
        ("新生儿参保", "YB0101"),
        ("xsecb", "YB0101"),
    ],
)
def test_an_alias_finds_its_item(index, query, expected):
    found = [entry.item.code for entry in index.search(query)]
    assert expected in found, found


def test_an_alias_shared_by_several_items_finds_them_all_in_checklist_order(index):
    found = [entry.item.code for entry in index.search("异地备案")]
    assert found == ["YB0301", "YB0302", "YB0303"]


def test_a_whole_alias_comes_before_an_alias_that_only_contains_it(index):
    # 慢特病 is an alias of 门诊慢性病病种待遇认定 and part of 异地慢特病报销 (YB0402, listed
    # earlier on the town's checklist)
    assert [e.item.code for e in index.search("慢特病")] == ["YB0501", "YB0402"]
    assert [e.item.code for e in index.search("mzmtb")][:1] == ["YB0501"]


def test_aliases_in_chinese_work_before_the_pinyin_is_ready(counter):
    fresh = ItemIndex(counter.catalogue, "village")
    assert [e.item.code for e in fresh.search("慢特病")] == ["YB0501", "YB0402"]
    assert fresh.search("mzmtb") == []
    assert "拼音检索正在准备" in no_match_hint("mzmtb", fresh.pinyin_ready)


def test_no_match_says_so_with_a_hint():
    hint = no_match_hint("  火星救助 ", True)
    assert hint.startswith("未找到与「火星救助」相符的事项")
    assert "拼音首字母" in hint and "事项编码" in hint


def test_the_clerk_types_an_alias_and_sees_when_nothing_matches(qtbot, window):
    clerk = Clerk(qtbot, window)
    type_text(qtbot, window.case_panel.applicant.name, "张三")
    qtbot.keyClicks(window.case_panel.applicant.id_field.edit, make_id())
    clerk.next()
    assert clerk.at(Step.ITEMS)
    page = window.case_panel.items
    qtbot.keyClicks(page.search, "mzmtb")
    assert [row.item.code for row in page.model.rows][:1] == ["YB0501"]
    assert page.table.currentIndex().row() == 0  # the best match is highlighted
    assert not page.empty_note.isVisible()
    page.search.clear()
    type_text(qtbot, page.search, "慢特病")
    assert [row.item.code for row in page.model.rows] == ["YB0501", "YB0402"]
    page.search.clear()
    qtbot.keyClicks(page.search, "qqqq")
    assert page.model.rows == []
    assert page.empty_note.isVisible()
    assert page.empty_note.text().startswith("未找到与「qqqq」相符的事项")
    qtbot.keyClicks(page.search, "\b" * 4)
    assert not page.empty_note.isVisible() and page.model.rows
