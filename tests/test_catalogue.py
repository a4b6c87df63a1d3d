"""Tests for the service catalogue: the shipped default, the model, and the validator."""

from __future__ import annotations

import copy
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from counterapp.catalogue import (
    LEVEL_CODES,
    Catalogue,
    CatalogueInvalid,
    ItemKind,
    LevelMode,
    MaterialForm,
    Problem,
    TimeLimit,
    default_catalogue_dir,
    load_directory,
    parse_document,
)

# --- the four checklists, typed from DOMAIN.md (seed 002, Zoucheng attachment 3) ------------

QUERY = [
    ("参保缴费信息查询", "参保单位参保缴费信息查询"),
    ("参保缴费信息查询", "参保人员参保缴费信息查询"),
]
ENROL = [("医疗保险参保登记", "城乡居民参保登记"), ("医疗保险参保登记", "城乡居民参保信息变更登记")]
REMOTE = [
    ("参保人员异地就医备案", "长期异地就医备案"),
    ("参保人员异地就医备案", "转外就医备案"),
    ("参保人员异地就医备案", "异地急诊转住院联网备案"),
]
CHRONIC = [("门诊慢性病病种待遇认定", "门诊慢性病病种待遇认定")]
OUTREACH = [("医保政策宣传", "医保政策宣传"), ("医保信息采集", "医保信息采集")]

TOWN = [
    *ENROL,
    *QUERY,
    *REMOTE,
    ("医疗费用手工报销", "长期异地就医备案人员异地住院医疗费用报销"),
    ("医疗费用手工报销", "长期异地就医备案人员门诊慢性病医疗费用报销"),
    ("医疗费用手工报销", "转外就医医疗费用手工报销"),
    *CHRONIC,
    ("城乡居民医疗救助待遇", "医疗救助对象参加居民医保个人缴费"),
    ("城乡居民医疗救助待遇", "医疗救助对象手工(零星)报销"),
    ("新增协议定点医药机构", "新增协议定点医药机构(申报及评估)"),
    *OUTREACH,
]
HOSPITAL = [
    *QUERY,
    *REMOTE,
    *CHRONIC,
    ("生育保险待遇核准支付", "产前检查费支付"),
    ("生育保险待遇核准支付", "生育医疗费支付"),
    ("生育保险待遇核准支付", "计划生育医疗费支付"),
    ("生育保险待遇核准支付", "生育津贴支付"),
    ("参保地就医持卡联网结算", "参保地就医持卡联网结算"),
    *OUTREACH,
]
CLINIC = HOSPITAL
VILLAGE = [
    *ENROL,
    *QUERY,
    *REMOTE,
    *CHRONIC,
    ("城乡居民医疗救助待遇", "医疗救助对象参加居民医保个人缴费"),
    *OUTREACH,
]
EXPECTED = {"town": TOWN, "hospital": HOSPITAL, "clinic": CLINIC, "village": VILLAGE}


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_directory(default_catalogue_dir())


# --- the shipped default -------------------------------------------------------------------


def test_default_loads_and_is_marked_default(cat: Catalogue) -> None:
    assert cat.is_default
    assert cat.version == "default-2026.2"
    assert "待县级医保经办机构下发正式目录替换" in cat.issuer
    assert cat.published == date(2026, 1, 1)
    assert (
        cat.rules.forward_submit_working_days,
        cat.rules.supply_missing_working_days,
        cat.rules.instant_target_minutes,
    ) == (3, 15, 10)
    assert "12393" in cat.progress_query
    assert cat.supervision_phone == "12345"
    assert [m.key for m in cat.agent_materials] == ["agent-id", "principal-id", "power-of-attorney"]
    assert 30 <= len(cat.items) <= 40


@pytest.mark.parametrize("level", LEVEL_CODES)
def test_checklists_are_exactly_the_domain_lists(cat: Catalogue, level: str) -> None:
    pairs = [(item.main, item.sub) for item, _ in cat.checklist(level)]
    assert pairs == EXPECTED[level]


def test_checklist_sizes_and_level_names(cat: Catalogue) -> None:
    assert {code: len(cat.checklist(code)) for code in LEVEL_CODES} == {
        "town": 16,
        "hospital": 13,
        "clinic": 13,
        "village": 11,
    }
    assert list(cat.levels) == list(LEVEL_CODES)
    assert cat.levels["town"].name == "镇(街道)医保服务站"
    assert cat.levels["village"].name == "村(社区)医保服务点"
    assert cat.levels["hospital"].entries == cat.levels["clinic"].entries


def test_collect_items_are_town_11_and_village_8(cat: Catalogue) -> None:
    for level, position in (("town", 11), ("village", 8)):
        listed = cat.checklist(level)
        item, mode = listed[position - 1]
        assert mode is LevelMode.COLLECT
        assert item.main == "门诊慢性病病种待遇认定"
        assert all(m is LevelMode.HANDLE for i, (_, m) in enumerate(listed) if i != position - 1)
    # Hospitals and township clinics recognise chronic diseases themselves.
    assert cat.mode_for("hospital", cat.checklist("town")[10][0].code) is LevelMode.HANDLE


def test_items_outside_a_list_are_assist(cat: Catalogue) -> None:
    transfer = next(i for i in cat.items.values() if i.sub == "转移接续手续办理")
    for level in LEVEL_CODES:
        assert cat.mode_for(level, transfer.code) is LevelMode.ASSIST
    # 生育 items are handled at hospitals but forwarded from a village point.
    maternity = next(i for i in cat.items.values() if i.sub == "生育津贴支付")
    assert cat.mode_for("hospital", maternity.code) is LevelMode.HANDLE
    assert cat.mode_for("village", maternity.code) is LevelMode.ASSIST


def test_extra_items_from_the_jiangsu_guide_are_offered_everywhere(cat: Catalogue) -> None:
    subs = {item.sub: item for item in cat.items.values()}
    for sub in (
        "单位参保登记",
        "职工参保登记",
        "职工参保信息变更登记",
        "出具《参保凭证》",
        "转移接续手续办理",
        "参保人员个人账户一次性支取",
        "门诊费用手工（零星）报销",
        "住院费用手工（零星）报销",
        "医保电子凭证激活",
    ):
        assert sub in subs, sub
        assert all(cat.mode_for(level, subs[sub].code) is LevelMode.ASSIST for level in LEVEL_CODES)
    assert any("双通道" in sub for sub in subs)


def test_choosable_is_checklist_then_every_other_item_as_assist(cat: Catalogue) -> None:
    for level in LEVEL_CODES:
        choosable = cat.choosable(level)
        listed = cat.checklist(level)
        assert choosable[: len(listed)] == listed
        assert all(mode is LevelMode.ASSIST for _, mode in choosable[len(listed) :])
        assert sorted(item.code for item, _ in choosable) == sorted(cat.items)
    rest = [item.code for item, _ in cat.choosable("village")[11:]]
    assert rest == [code for code in cat.items if code in rest]  # catalogue (file) order


def test_time_limits_and_kinds_are_realistic(cat: Catalogue) -> None:
    by_sub = {item.sub: item for item in cat.items.values()}
    for item in cat.items.values():
        assert item.code.startswith("YB") and len(item.code) == 6
        if item.kind is ItemKind.INSTANT:
            assert item.time_limit.minutes is not None and 5 <= item.time_limit.minutes <= 20
        else:
            assert item.time_limit.working_days is not None
        assert item.steps and item.handled_by and item.applicants
    assert by_sub["门诊慢性病病种待遇认定"].time_limit.label == "20个工作日"
    assert by_sub["医疗救助对象参加居民医保个人缴费"].time_limit == TimeLimit(working_days=5)
    assert by_sub["转移接续手续办理"].time_limit == TimeLimit(working_days=15)
    assert by_sub["城乡居民参保登记"].time_limit.label == "10分钟"
    assert by_sub["医保政策宣传"].materials == ()


def test_materials_have_forms_counts_and_conditions(cat: Catalogue) -> None:
    seen: dict[str, tuple[str, MaterialForm, str]] = {}
    for item in cat.items.values():
        for m in item.materials:
            assert m.copies >= 1
            assert (m.condition is None) == m.required
            assert seen.setdefault(m.key, (m.name, m.form, m.obtain)) == (m.name, m.form, m.obtain)
    reimbursement = next(i for i in cat.items.values() if i.sub == "住院费用手工（零星）报销")
    forms = {m.key: m.form for m in reimbursement.materials}
    assert forms["hospital-invoice"] is MaterialForm.ORIGINAL
    assert forms["diagnosis-or-discharge"] is MaterialForm.COPY
    assert any(
        not m.required and "意外伤害" in (m.condition or "") for m in reimbursement.materials
    )


def test_labels_titles_and_lookup(cat: Catalogue) -> None:
    assert MaterialForm.ORIGINAL_AND_COPY.label == "原件及复印件"
    assert MaterialForm.COPY.label == "复印件"
    assert [m.label for m in LevelMode] == ["本级办理", "收集材料转报", "帮办代办"]
    first = cat.checklist("town")[0][0]
    assert first.title == "医疗保险参保登记 / 城乡居民参保登记"
    assert cat.checklist("town")[14][0].title == "医保政策宣传"
    assert cat.item(first.code) is first
    with pytest.raises(KeyError, match="YB9999"):
        cat.item("YB9999")
    with pytest.raises(KeyError, match="unknown level"):
        cat.checklist("province")
    with pytest.raises(ValueError):
        TimeLimit(minutes=5, working_days=1)
    designation = next(i for i in cat.items.values() if i.main == "新增协议定点医药机构")
    assert cat.progress_query_for(designation.code) == designation.progress_query
    assert cat.progress_query_for(first.code) == cat.progress_query


def test_round_trip_through_json(cat: Catalogue) -> None:
    text = json.dumps(cat.to_document(), ensure_ascii=False)
    again = parse_document(json.loads(text), "x")
    assert again == cat
    assert list(again.items) == list(cat.items)
    assert json.loads(text)["catalogue"]["published"] == "2026-01-01"


def test_items_have_the_names_people_use_for_them(cat: Catalogue) -> None:
    assert {"门诊慢特病", "慢特病", "慢性病"} <= set(cat.item("YB0501").aliases)
    assert "异地备案" in cat.item("YB0301").aliases
    assert "新生儿参保" in cat.item("YB0101").aliases
    assert "生育津贴" in cat.item("YB1004").aliases
    assert {"医保卡", "社保卡"} <= set(cat.item("YB1101").aliases)
    for item in cat.items.values():
        assert item.aliases, f"{item.code} has no alias"
        assert len(set(item.aliases)) == len(item.aliases)


def test_aliases_travel_in_the_document_and_are_left_out_when_there_are_none(
    cat: Catalogue,
) -> None:
    doc = cat.to_document()
    assert doc["items"][0]["aliases"] == list(cat.item("YB0101").aliases)
    bare = cat.item("YB0101")._replace(aliases=())
    assert "aliases" not in bare.to_document()  # a catalogue without aliases keeps its digest
    del doc["items"][0]["aliases"]
    assert parse_document(doc, "x").item("YB0101").aliases == ()


# --- validation ----------------------------------------------------------------------------


def replace_once(text: str, old: str, new: str, count: int = 1) -> str:
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    path.write_text(
        replace_once(path.read_text(encoding="utf-8"), old, new, count), encoding="utf-8"
    )


def assert_problems(problems: list[Problem], expected: list[tuple[str, str, str]]) -> None:
    """Each expected (source, item, fragment) matches exactly one problem, and nothing else."""
    unmatched = list(problems)
    for source, item, fragment in expected:
        hits = [
            p for p in unmatched if (p.source, p.item) == (source, item) and fragment in p.message
        ]
        assert len(hits) == 1, f"{(source, item, fragment)} matched {hits}; all: {problems}"
        unmatched.remove(hits[0])
    assert not unmatched, f"unexpected problems: {unmatched}"


@pytest.fixture
def broken_dir(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(default_catalogue_dir(), target)
    return target


def test_broken_directory_reports_every_problem_at_once(broken_dir: Path) -> None:
    remote = broken_dir / "items" / "03_remote_care.toml"
    header, yb0301, yb0302, yb0303 = remote.read_text(encoding="utf-8").split("[[items]]\n")
    yb0301 = replace_once(yb0301, 'condition = "常驻异地工作人员备案时"\n', "")
    yb0302 = replace_once(yb0302, 'kind = "instant"', 'kind = "fast"\nkind_note = 1')
    yb0302 = replace_once(
        yb0302,
        'count = 1\nrequired = true\nobtain = "参保地',
        'count = 0\nrequired = true\nobtain = "参保地',
    )
    yb0303 = replace_once(yb0303, "minutes = 10", "working_days = 2")
    yb0303 = replace_once(yb0303, 'name = "身份凭证（', 'name = "身份证（')
    duplicate = "\n".join(
        [
            'code = "YB0101"',
            'main = "医疗保险参保登记"',
            'sub = "重复"',
            'applicants = "任何人"',
            'kind = "instant"',
            "time_limit = { minutes = 5 }",
            'handled_by = "县医疗保障经办中心"',
            'steps = ["受理"]',
            "",
        ]
    )
    remote.write_text(
        "[[items]]\n".join([header, yb0301, yb0302, yb0303, duplicate]), encoding="utf-8"
    )

    levels = broken_dir / "levels.toml"
    edit(
        levels,
        '{ code = "YB0901", mode = "handle" },   # 医保信息采集\n]\n\n[levels.hospital]',
        '{ code = "YB0901", mode = "handle" },\n    { code = "YB9901", mode = "handle" },\n]\n\n'
        "[levels.hospital]",
    )
    edit(
        levels,
        'name = "医院医保服务站"\nitems = [\n',
        'name = "医院医保服务站"\nitems = [\n    { code = "YB0202", mode = "handle" },\n',
    )
    edit(
        levels,
        'name = "镇卫生院(社区卫生服务中心)医保服务点"\nitems = [\n    { code = "YB0201", '
        'mode = "handle" }',
        'name = "镇卫生院(社区卫生服务中心)医保服务点"\nitems = [\n    '
        '{ code = "YB0201", mode = "assist" }',
    )
    text = levels.read_text(encoding="utf-8")
    levels.write_text(text[: text.index("[levels.village]")], encoding="utf-8")

    edit(broken_dir / "items" / "12_transfer.toml", 'kind = "promised"', "kind = promised")

    with pytest.raises(CatalogueInvalid) as caught:
        load_directory(broken_dir)
    r, lv = "items/03_remote_care.toml", "levels.toml"
    assert_problems(
        caught.value.problems,
        [
            (r, "YB0301", "material 'work-proof': a conditional material (required = false) needs"),
            (r, "YB0302", "unknown field 'kind_note'"),
            (r, "YB0302", "field 'kind' has unknown value 'fast'"),
            (r, "YB0302", "material 'referral-proof': field 'count' must be from 1 to 99, got 0"),
            (r, "YB0303", "an item of kind 'instant' needs 'minutes', not 'working_days'"),
            (
                r,
                "YB0303",
                "material 'identity' differs from the same key in item YB0202 "
                "(items/02_contribution_query.toml): name '身份证（",
            ),
            (
                r,
                "YB0101",
                "duplicate item code 'YB0101' (first defined in items/01_enrolment.toml)",
            ),
            ("items/12_transfer.toml", "", "TOML syntax error"),
            (lv, "town", "unknown item code 'YB9901' (it may be in items/12_transfer.toml"),
            (lv, "hospital", "item 'YB0202' is listed twice"),
            (lv, "clinic", "mode 'assist' must not be written"),
            (lv, "village", "level 'village' is missing"),
        ],
    )
    text = str(caught.value)
    assert text.startswith("catalogue has 12 problem(s):")
    assert "levels.toml [village]: level 'village' is missing" in text


def test_broken_metadata_file(broken_dir: Path) -> None:
    meta = broken_dir / "catalogue.toml"
    edit(meta, 'version = "default-2026.2"', 'version = "  "')
    edit(meta, "is_default = true", 'is_default = "yes"')
    edit(meta, "forward_submit_working_days = 3", "forward_submit_working_days = -3")
    edit(meta, 'supervision_phone = "12345"', 'supervision_phone = 12345\nfax = "1"')
    edit(meta, 'name = "代办人有效身份证件"', 'name = "代办人身份证"')
    edit(broken_dir / "items" / "01_enrolment.toml", 'key = "id-card"', 'key = "agent-id"', count=4)
    with pytest.raises(CatalogueInvalid) as caught:
        load_directory(broken_dir)
    c, e = "catalogue.toml", "items/01_enrolment.toml"
    assert_problems(
        caught.value.problems,
        [
            (c, "", "field 'version' must not be empty"),
            (c, "", "field 'is_default' must be a boolean, got string"),
            (c, "", "rules: field 'forward_submit_working_days' must be from 1 to 365, got -3"),
            (c, "", "contact: unknown field 'fax'"),
            (c, "", "contact: field 'supervision_phone' must be a string, got integer"),
            # The items' id-card text now sits under the agent's key: every use is reported.
            (e, "YB0101", "material 'agent-id' differs from the same key in agent_materials"),
            (e, "YB0102", "material 'agent-id' differs from the same key in agent_materials"),
            (e, "YB0104", "material 'agent-id' differs from the same key in agent_materials"),
            (e, "YB0105", "material 'agent-id' differs from the same key in agent_materials"),
        ],
    )


def test_bad_aliases_are_reported(broken_dir: Path) -> None:
    edit(
        broken_dir / "items" / "05_chronic_disease.toml",
        'aliases = ["门诊慢特病", "慢特病", "慢性病", "慢病", "特殊病", "慢病卡"]',
        'aliases = ["慢病", "慢病", " 慢特病", "", 3, "' + "慢" * 21 + '"]',
    )
    edit(
        broken_dir / "items" / "15_e_credential.toml",
        'aliases = ["电子医保卡", "医保码", "电子凭证", "医保电子码"]',
        'aliases = "医保码"',
    )
    with pytest.raises(CatalogueInvalid) as caught:
        load_directory(broken_dir)
    c, e = "items/05_chronic_disease.toml", "items/15_e_credential.toml"
    assert_problems(
        caught.value.problems,
        [
            (c, "YB0501", "alias ' 慢特病' must have no outer spaces and at most 20 characters"),
            (c, "YB0501", "field 'aliases' must hold non-empty strings, got ''"),
            (c, "YB0501", "field 'aliases' must hold non-empty strings, got 3"),
            (c, "YB0501", f"alias '{'慢' * 21}' must have no outer spaces"),
            (c, "YB0501", "field 'aliases' lists '慢病' more than once"),
            (e, "YB1501", "field 'aliases' must be an array, got string"),
        ],
    )


def test_unreadable_item_file_is_named_by_level_references(broken_dir: Path) -> None:
    edit(broken_dir / "items" / "03_remote_care.toml", 'code = "YB0301"', "code = YB0301")
    with pytest.raises(CatalogueInvalid) as caught:
        load_directory(broken_dir)
    problems = caught.value.problems
    assert problems[0].source == "items/03_remote_care.toml"
    assert "TOML syntax error" in problems[0].message and "line 4" in problems[0].message
    rest = problems[1:]
    assert len(rest) == 12  # YB0301-YB0303 on each of the four levels
    assert all(p.source == "levels.toml" and "items/03_remote_care.toml" in p.message for p in rest)


def test_missing_files_are_problems(tmp_path: Path) -> None:
    with pytest.raises(CatalogueInvalid) as caught:
        load_directory(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "catalogue.toml: file not found",
        "items/: no item files (items/*.toml)",
        "levels.toml: file not found",
    ]


def test_pushed_document_problems_name_the_document(cat: Catalogue) -> None:
    doc = copy.deepcopy(cat.to_document())
    doc["catalogue"]["version"] = ""
    doc["catalogue"]["published"] = "2026-13-01"
    first, second = doc["items"][0], doc["items"][1]
    first["time_limit"] = {"minutes": 5, "working_days": 2}
    first["materials"][0]["form"] = "scan"
    second["code"] = "YB102"
    second["materials"][0]["count"] = "1"
    doc["items"][2]["materials"].append(dict(doc["items"][2]["materials"][0]))
    doc["items"][3]["steps"] = []
    doc["items"][4]["materials"][0]["required"] = True
    del doc["levels"]["hospital"]["items"][0]["mode"]
    doc["levels"]["province"] = {"name": "省", "items": []}
    with pytest.raises(CatalogueInvalid) as caught:
        parse_document(doc, "county-2026.2.json")
    s = "county-2026.2.json"
    assert_problems(
        caught.value.problems,
        [
            (s, "", "field 'version' must not be empty"),
            (s, "", "field 'published' must be a date (YYYY-MM-DD), got '2026-13-01'"),
            (s, "YB0101", "time_limit: needs exactly one of 'minutes' or 'working_days'"),
            (s, "YB0101", "material 'id-card': field 'form' has unknown value 'scan'"),
            (s, "YB102", "code 'YB102' must be 'YB' + 2-digit main number"),
            (s, "YB102", "material 'id-card': field 'count' must be an integer, got string"),
            (s, "YB0103", "material key 'unit-credit-code' appears twice"),
            (s, "YB0104", "field 'steps' must be a non-empty array of non-empty strings"),
            (s, "YB0105", "material 'insured-change-form': 'condition' is only allowed when"),
            (s, "hospital", "entry #1: missing field 'mode'"),
            (s, "province", "unknown level code 'province'"),
            # YB0102 has a bad code, so the town and village lists cannot refer to it.
            (s, "town", "unknown item code 'YB0102'"),
            (s, "village", "unknown item code 'YB0102'"),
        ],
    )


def test_problem_text() -> None:
    assert str(Problem("items/03_remote_care.toml", "YB0301", "bad")) == (
        "items/03_remote_care.toml [YB0301]: bad"
    )
    assert str(Problem("catalogue.toml", "", "bad")) == "catalogue.toml: bad"
