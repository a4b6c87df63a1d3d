"""The diff the county's admin reads before publishing a catalogue (`counterapp.catalogue_diff`),
and the validator's problems in Chinese (`counterapp.catalogue_problem_text`)."""

from __future__ import annotations

import copy
import re

import pytest

from counterapp.catalogue import (
    CatalogueInvalid,
    default_catalogue_dir,
    load_directory,
    parse_document,
)
from counterapp.catalogue_diff import diff
from counterapp.catalogue_problem_text import problem_text


@pytest.fixture(scope="module")
def document():
    return load_directory(default_catalogue_dir()).to_document()


def _item(doc, code):
    return next(item for item in doc["items"] if item["code"] == code)


def test_the_same_catalogue_changes_nothing(document):
    old = parse_document(document, "old")
    assert diff(old, parse_document(copy.deepcopy(document), "new")).empty


def test_everything_is_new_when_the_hub_has_no_catalogue(document):
    new = parse_document(document, "new")
    changes = diff(None, new)
    assert changes.old_version is None and len(changes.added) == len(new.items)
    town_handles = next(c for c in changes.added if c.code == "YB0101")
    assert any(line.startswith("镇(街道)医保服务站：") for line in town_handles.lines)


def test_items_and_materials_added_removed_and_changed(document):
    old = parse_document(document, "old")
    doc = copy.deepcopy(document)
    doc["catalogue"]["version"] = "county-2027.1"
    doc["catalogue"]["rules"]["forward_submit_working_days"] = 5
    gone = doc["items"].pop()  # the last item is removed (and so from every level)
    for level in doc["levels"].values():
        level["items"] = [e for e in level["items"] if e["code"] != gone["code"]]
    added = copy.deepcopy(_item(doc, "YB0101"))
    added.update(code="YB0199", sub="测试新增子项")
    doc["items"].append(added)
    item = _item(doc, "YB0101")
    item["time_limit"] = {"minutes": 20}
    item["handled_by"] = "镇医保服务站"
    item["materials"][0]["count"] = 2
    removed_material = item["materials"].pop()
    item["materials"].append(
        {
            "key": "household-book",
            "name": "户口簿",
            "form": "original",
            "count": 1,
            "required": True,
            "obtain": "申请人携带",
        }
    )
    village = doc["levels"]["village"]["items"]
    village[:] = [e for e in village if e["code"] != "YB0101"]
    new = parse_document(doc, "new")

    changes = diff(old, new)

    assert (changes.old_version, changes.new_version) == (old.version, "county-2027.1")
    assert changes.general == ("帮办代办报送时限（工作日） 3 → 5",)
    assert [c.code for c in changes.removed] == [gone["code"]]
    assert [c.code for c in changes.added] == ["YB0199"]
    (changed,) = changes.changed
    assert changed.code == "YB0101"
    lines = changed.lines
    assert "办理时限 10分钟 → 20分钟" in lines
    assert "办理机构 县医疗保障经办中心 → 镇医保服务站" in lines
    assert "新增材料：户口簿（原件1份）" in lines
    assert any(line.startswith(f"删除材料：{removed_material['name']}") for line in lines)
    assert any(line.endswith("份数 1 → 2") for line in lines)
    mode = old.mode_for("village", "YB0101").label
    assert f"村(社区)医保服务点：{mode} → 帮办代办" in lines


def test_a_level_mode_change_alone_is_reported(document):
    old = parse_document(document, "old")
    doc = copy.deepcopy(document)
    entry = doc["levels"]["town"]["items"][0]
    entry["mode"] = "collect" if entry["mode"] == "handle" else "handle"
    changes = diff(old, parse_document(doc, "new"))
    (changed,) = changes.changed
    assert changed.code == entry["code"] and len(changed.lines) == 1
    assert changed.lines[0].startswith("镇(街道)医保服务站：")


_ENGLISH = re.compile(r"\b[a-z]{3,}\b")


def _english_left(text: str) -> list[str]:
    """English words outside the quoted values (field names, codes, found values)."""
    bare = re.sub(r"\[[^\]]*\]|'[^']*'|\"[^\"]*\"|（[^）]*）|\([^)]*\)", "", text)
    return _ENGLISH.findall(bare)


def test_every_problem_is_said_in_chinese(document):
    doc = copy.deepcopy(document)
    doc["catalogue"]["version"] = "a b"
    doc["catalogue"]["rules"]["instant_target_minutes"] = "ten"
    doc["items"][0]["materials"][0]["form"] = "photo"
    doc["items"][0]["materials"][1]["key"] = "Bad Key"
    del doc["items"][1]["handled_by"]
    doc["items"][2]["code"] = "XX01"
    doc["items"][3]["time_limit"] = {"minutes": 1, "working_days": 2}
    doc["items"][4]["materials"][0]["count"] = 0
    doc["items"][5]["extra"] = 1
    doc["items"][6]["steps"] = []
    doc["items"][7]["materials"].append(copy.deepcopy(doc["items"][7]["materials"][0]))
    doc["items"][8]["aliases"] = ["x", "x"]
    doc["items"][9]["materials"][0]["required"] = False
    doc["items"].append(copy.deepcopy(doc["items"][10]))
    doc["levels"]["town"]["items"].append({"code": "YB9999", "mode": "handle"})
    doc["levels"]["town"]["items"].append({"code": "YB0101", "mode": "assist"})
    del doc["levels"]["village"]
    doc["levels"]["city"] = {"name": "市", "items": []}
    with pytest.raises(CatalogueInvalid) as raised:
        parse_document(doc, "upload.json")
    texts = [problem_text(p) for p in raised.value.problems]
    assert len(texts) >= 15
    untranslated = {text: _english_left(text) for text in texts if _english_left(text)}
    assert not untranslated
