"""Loading a regions file: regions, departments and the responsibility matrix; idempotent
re-runs, every problem reported with nothing written, and moving a lead department."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.loaders.common import LoadError
from indicators.loaders.regions import load_file
from indicators.models import Department, Region, Responsibility
from indicators.reference import REGION_FILES

TEST_REGION = "320499"


def regions_doc(*, lead: str = "housing", supporting: list[str] | None = None) -> dict:
    """A made-up district under Changzhou with three bureaus and two responsibilities."""
    sewage = {"region": TEST_REGION, "key": "urban_sewage_treatment_rate", "lead": lead}
    sewage["supporting"] = ["water"] if supporting is None else supporting
    sewage["due"] = "03-31"
    return {
        "schema_version": 1,
        "regions": [
            {
                "code": TEST_REGION,
                "name": "测试区",
                "name_en": "Test District",
                "level": "county",
                "parent": "320400",
                "terrain": "hill",
                "eco_zone": "other",
                "coastal": False,
                "edition": "jiangsu-county-2019",
                "synthetic": True,
            }
        ],
        "departments": [
            {"region": TEST_REGION, "code": "ecology", "name": "测试区生态环境局"},
            {"region": TEST_REGION, "code": "water", "name": "测试区水利局"},
            {"region": TEST_REGION, "code": "housing", "name": "测试区住房和城乡建设局"},
        ],
        "responsibilities": [
            sewage,
            {"region": TEST_REGION, "key": "eco_plan", "lead": "ecology", "due": "02-29"},
        ],
    }


def write(tmp_path: Path, doc: dict, name: str = "regions.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def counts() -> tuple[int, int, int]:
    return Region.objects.count(), Department.objects.count(), Responsibility.objects.count()


def roles(key: str) -> dict[str, str]:
    rows = Responsibility.objects.filter(region__code=TEST_REGION, data_element__key=key)
    return dict(rows.values_list("department__code", "role"))


def test_regions_file_creates_regions_departments_and_responsibilities(catalogue, tmp_path):
    outcomes = load_file(write(tmp_path, regions_doc()))

    assert dict(outcomes) == {
        "region created": 1,
        "department created": 3,
        "responsibility created": 3,
    }
    region = Region.objects.get(code=TEST_REGION)
    assert (region.level, region.parent.code, region.terrain) == ("county", "320400", "hill")
    assert (region.coastal, region.synthetic, region.edition) == (False, True, catalogue)
    assert set(region.departments.values_list("code", flat=True)) == {
        "ecology",
        "water",
        "housing",
    }
    assert roles("urban_sewage_treatment_rate") == {"housing": "lead", "water": "supporting"}
    plan = Responsibility.objects.get(region=region, data_element__key="eco_plan")
    assert (plan.department.code, plan.due_month, plan.due_day) == ("ecology", 2, 29)


def test_rerunning_a_regions_file_changes_nothing(catalogue, tmp_path):
    path = write(tmp_path, regions_doc())
    load_file(path)
    before = counts()
    ids = set(Responsibility.objects.values_list("pk", flat=True))

    outcomes = load_file(path)

    assert dict(outcomes) == {
        "region unchanged": 1,
        "department unchanged": 3,
        "responsibility unchanged": 3,
    }
    assert counts() == before
    assert set(Responsibility.objects.values_list("pk", flat=True)) == ids


def test_rerunning_the_shipped_regions_file_reports_only_unchanged(catalogue):
    before = counts()

    outcomes = load_file(settings.BASE_DIR / REGION_FILES[0])

    assert {what.split()[1] for what in outcomes} == {"unchanged"}
    assert outcomes["region unchanged"] == 8
    assert outcomes["department unchanged"] == 13
    assert outcomes["responsibility unchanged"] == before[2]
    assert counts() == before


def test_load_regions_command_prints_the_outcomes(catalogue, tmp_path):
    path = write(tmp_path, regions_doc())
    out = io.StringIO()

    call_command("load_regions", str(path), stdout=out)

    assert out.getvalue().strip() == (
        f"{path}: department created: 3, region created: 1, responsibility created: 3"
    )


def _break(doc: dict) -> None:
    """Three problems: an unknown department, an unknown key and a day that does not exist."""
    doc["responsibilities"] += [
        {"region": TEST_REGION, "key": "eco_tasks_deployment", "lead": "transport", "due": "03-31"},
        {"region": TEST_REGION, "key": "no_such_element", "lead": "ecology", "due": "03-31"},
        {"region": TEST_REGION, "key": "eco_appraisal_weight", "lead": "ecology", "due": "02-30"},
    ]


def test_invalid_regions_file_lists_every_problem_and_writes_nothing(catalogue, tmp_path):
    doc = regions_doc()
    _break(doc)
    path = write(tmp_path, doc)
    before = counts()

    with pytest.raises(LoadError) as caught:
        load_file(path)

    assert [(p.file, p.path, p.field) for p in caught.value.problems] == [
        (str(path), "responsibilities[2]", "lead"),
        (str(path), "responsibilities[3]", "key"),
        (str(path), "responsibilities[4]", "due"),
    ]
    messages = [p.message for p in caught.value.problems]
    assert "'transport'" in messages[0]
    assert "'no_such_element'" in messages[1]
    assert "'02-30'" in messages[2]
    assert counts() == before
    assert not Region.objects.filter(code=TEST_REGION).exists()


def test_load_regions_command_prints_each_problem(catalogue, tmp_path):
    doc = regions_doc()
    _break(doc)
    path = write(tmp_path, doc)
    err = io.StringIO()
    before = counts()

    with pytest.raises(CommandError, match=r"3 problem\(s\) found"):
        call_command("load_regions", str(path), stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert [line.split(": ")[1] for line in lines] == [
        "responsibilities[2] [lead]",
        "responsibilities[3] [key]",
        "responsibilities[4] [due]",
    ]
    assert counts() == before


@pytest.mark.parametrize(
    ("change", "where"),
    [
        pytest.param(
            lambda d: d["departments"].append({"region": "320498", "code": "x", "name": "x"}),
            ("departments[3]", "region"),
            id="unknown-region",
        ),
        pytest.param(
            lambda d: d["regions"][0].update(parent="320498"),
            ("regions[0]", "parent"),
            id="unknown-parent",
        ),
        pytest.param(
            lambda d: d["regions"][0].update(edition="no-such-edition"),
            ("regions[0]", "edition"),
            id="unknown-edition",
        ),
        pytest.param(
            lambda d: d["responsibilities"][0].update(supporting=["housing"]),
            ("responsibilities[0]", "supporting"),
            id="lead-also-supporting",
        ),
        pytest.param(
            lambda d: d["responsibilities"].append(dict(d["responsibilities"][1])),
            ("responsibilities[2]", "key"),
            id="key-listed-twice",
        ),
        pytest.param(
            lambda d: d["regions"][0].update(level="town"),
            ("regions[0].level", "level"),
            id="bad-level",
        ),
        pytest.param(
            lambda d: d["responsibilities"][0].update(due="3-31"),
            ("responsibilities[0].due", "due"),
            id="due-not-mm-dd",
        ),
    ],
)
def test_other_regions_file_problems_are_reported(catalogue, tmp_path, change, where):
    doc = regions_doc()
    change(doc)
    before = counts()

    with pytest.raises(LoadError) as caught:
        load_file(write(tmp_path, doc))

    assert [(p.path, p.field) for p in caught.value.problems] == [where]
    assert counts() == before


@pytest.mark.parametrize(
    ("lead", "supporting", "expected"),
    [
        pytest.param(
            "water", ["housing"], {"water": "lead", "housing": "supporting"}, id="swap-roles"
        ),
        pytest.param("ecology", [], {"ecology": "lead"}, id="new-lead-others-dropped"),
        pytest.param(
            "ecology",
            ["housing", "water"],
            {"ecology": "lead", "housing": "supporting", "water": "supporting"},
            id="old-lead-becomes-supporting",
        ),
        pytest.param("water", [], {"water": "lead"}, id="supporting-becomes-sole-lead"),
    ],
)
def test_moving_the_lead_to_another_department(catalogue, tmp_path, lead, supporting, expected):
    load_file(write(tmp_path, regions_doc()))

    load_file(write(tmp_path, regions_doc(lead=lead, supporting=supporting)))

    assert roles("urban_sewage_treatment_rate") == expected


def test_moving_the_lead_reports_what_changed(catalogue, tmp_path):
    load_file(write(tmp_path, regions_doc()))

    outcomes = load_file(write(tmp_path, regions_doc(lead="ecology", supporting=["housing"])))

    assert outcomes["responsibility updated"] == 1  # housing: lead → supporting
    assert outcomes["responsibility created"] == 1  # ecology
    assert outcomes["responsibility removed"] == 1  # water
    assert outcomes["responsibility unchanged"] == 1  # eco_plan


@pytest.mark.parametrize("terrain", ["mountain", "hill", "plain", "arid", "plateau"])
def test_a_region_records_any_of_the_five_terrain_classes_of_row_11(catalogue, tmp_path, terrain):
    doc = regions_doc()
    doc["regions"][0]["terrain"] = terrain

    load_file(write(tmp_path, doc))

    assert Region.objects.get(code=TEST_REGION).terrain == terrain


def test_a_terrain_outside_the_five_classes_is_refused(catalogue, tmp_path):
    doc = regions_doc()
    doc["regions"][0]["terrain"] = "desert"

    with pytest.raises(LoadError) as caught:
        load_file(write(tmp_path, doc))

    assert [p.field for p in caught.value.problems] == ["terrain"]
