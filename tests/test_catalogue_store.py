"""Catalogue versions in the store: atomic import, the old one kept when the new one is bad."""

import json
import shutil

import pytest

from counterapp import catalogue_store
from counterapp.app import Counter
from counterapp.case_model import Person
from counterapp.catalogue import CatalogueInvalid, default_catalogue_dir
from tests.conftest import make_id


def county_catalogue(tmp_path, version="county-370883-2026.2", remove_item=None):
    """A copy of the shipped catalogue as the county would publish it, as one JSON file."""
    document = json.loads(
        json.dumps(catalogue_store.read_source(default_catalogue_dir()).to_document())
    )
    document["catalogue"]["version"] = version
    document["catalogue"]["is_default"] = False
    document["catalogue"]["issuer"] = "邹城市医疗保障局"
    if remove_item:
        document["items"] = [i for i in document["items"] if i["code"] != remove_item]
        for level in document["levels"].values():
            level["items"] = [e for e in level["items"] if e["code"] != remove_item]
    path = tmp_path / f"{version}.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path, document


def test_first_start_imports_the_shipped_default(counter):
    assert counter.catalogue.is_default
    versions = catalogue_store.stored_versions(counter.store)
    assert [(v["version"], v["active"]) for v in versions] == [(counter.catalogue.version, 1)]


def test_county_catalogue_replaces_the_default_and_old_cases_keep_theirs(counter, tmp_path):
    old_case = counter.cases.open_case(Person("张三", make_id()), ["YB0301"], counter.clerk_a.id)
    path, _ = county_catalogue(tmp_path, remove_item="YB1501")
    counter.import_catalogue(path)
    assert counter.catalogue.version == "county-370883-2026.2"
    assert not counter.catalogue.is_default
    assert "YB1501" not in counter.catalogue.items
    assert counter.cases.get(old_case.id).catalogue_version.startswith("default")
    new_case = counter.cases.open_case(
        Person("李四", make_id(sequence="222")), ["YB0301"], counter.clerk_a.id
    )
    assert new_case.catalogue_version == "county-370883-2026.2"
    # the old case's rules still come from its own version
    assert counter.cases.notify_missing(old_case.id, counter.clerk_a.id).supply_due


def test_a_bad_catalogue_is_rejected_whole_and_the_old_one_stays(counter, tmp_path):
    path, document = county_catalogue(tmp_path)
    document["items"][0]["kind"] = "sometimes"
    document["items"][1]["time_limit"] = {"minutes": -5}
    document["levels"]["town"]["items"].append({"code": "YB9999", "mode": "handle"})
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    before = catalogue_store.stored_versions(counter.store)
    with pytest.raises(CatalogueInvalid) as error:
        counter.import_catalogue(path)
    assert len(error.value.problems) >= 3
    assert all(problem.source == path.name for problem in error.value.problems)
    assert catalogue_store.stored_versions(counter.store) == before
    assert catalogue_store.active_catalogue(counter.store).is_default


def test_unreadable_file_is_a_problem_not_a_crash(counter, tmp_path):
    path = tmp_path / "garbage.json"
    path.write_bytes(b"\xff\xfe not json")
    with pytest.raises(CatalogueInvalid, match=r"garbage\.json"):
        counter.import_catalogue(path)


def test_same_version_with_other_content_is_refused(counter, tmp_path):
    path, document = county_catalogue(tmp_path)
    counter.import_catalogue(path)
    document["items"][0]["applicants"] = "改过的内容"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CatalogueInvalid, match="new version number"):
        counter.import_catalogue(path)


def test_directory_import_and_reactivation(counter, tmp_path):
    folder = tmp_path / "cat"
    shutil.copytree(default_catalogue_dir(), folder)
    text = (folder / "catalogue.toml").read_text(encoding="utf-8")
    (folder / "catalogue.toml").write_text(
        text.replace('version = "default-2026.2"', 'version = "county-2027.1"'), encoding="utf-8"
    )
    counter.import_catalogue(folder)
    assert counter.catalogue.version == "county-2027.1"
    # going back to an already stored version only re-activates it
    counter.import_catalogue(default_catalogue_dir())
    active = [v["version"] for v in catalogue_store.stored_versions(counter.store) if v["active"]]
    assert active == ["default-2026.2"]
    assert len(catalogue_store.stored_versions(counter.store)) == 2


def test_a_county_catalogue_brings_its_own_aliases(counter, tmp_path):
    """Aliases are part of the catalogue (六统一): the county's replace the shipped ones, and
    they survive the store and its export."""
    path, document = county_catalogue(tmp_path)
    chronic = next(item for item in document["items"] if item["code"] == "YB0501")
    chronic["aliases"] = ["门诊慢特病", "慢病证"]
    del next(item for item in document["items"] if item["code"] == "YB0301")["aliases"]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    counter.import_catalogue(path)
    stored = catalogue_store.active_catalogue(counter.store)
    assert stored.item("YB0501").aliases == ("门诊慢特病", "慢病证")
    assert stored.item("YB0301").aliases == ()
    assert stored.to_document() == document


def test_the_shipped_default_version_constant_matches_the_files():
    shipped = catalogue_store.read_source(default_catalogue_dir())
    assert shipped.version == catalogue_store.SHIPPED_DEFAULT_VERSION and shipped.is_default


def older_default(tmp_path):
    """The shipped default as an earlier release of the program shipped it."""
    document = json.loads(
        json.dumps(catalogue_store.read_source(default_catalogue_dir()).to_document())
    )
    document["catalogue"]["version"] = "default-2025.9"
    for item in document["items"]:
        item.pop("aliases", None)
    path = tmp_path / "default-2025.9.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_store_on_an_older_shipped_default_takes_the_newer_one_at_start(tmp_path, clock):
    with Counter.open(tmp_path / "station.db", clock) as counter:
        counter.import_catalogue(older_default(tmp_path))
        assert counter.catalogue.version == "default-2025.9"
    with Counter.open(tmp_path / "station.db", clock) as counter:
        assert counter.catalogue.version == catalogue_store.SHIPPED_DEFAULT_VERSION
        assert counter.catalogue.items["YB0501"].aliases  # the program's newer default
        versions = [v["version"] for v in catalogue_store.stored_versions(counter.store)]
        assert "default-2025.9" in versions  # kept: old cases name it


def test_a_county_catalogue_is_never_replaced_by_the_shipped_default(tmp_path, clock):
    with Counter.open(tmp_path / "station.db", clock) as counter:
        counter.import_catalogue(county_catalogue(tmp_path, version="county-2025.1")[0])
    with Counter.open(tmp_path / "station.db", clock) as counter:
        assert counter.catalogue.version == "county-2025.1"
