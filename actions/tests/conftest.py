"""A gap to act on: 25.1 (straw utilization, led by the agriculture bureau) has no value for
2021 in Zhonglou, so it is missing data in the 2021 scorecard."""

from __future__ import annotations

import datetime

import pytest

from indicators.models import Indicator

YEAR = 2021


@pytest.fixture
def straw(catalogue):
    return Indicator.objects.get(edition=catalogue, code="25.1")


@pytest.fixture
def make_action(zhonglou, catalogue, straw, agriculture, ecology, reviewer):
    from actions import services

    def make(**overrides):
        fields = {
            "actor": reviewer,
            "region": zhonglou,
            "edition": catalogue,
            "indicator": straw,
            "year": YEAR,
            "description": "补报秸秆台账并核实利用量",
            "lead_department": agriculture,
            "supporting_departments": [ecology],
            "due_date": datetime.date(2099, 3, 31),
            "milestones": [("完成台账", datetime.date(2099, 1, 31))],
        }
        return services.action_create(**(fields | overrides))

    return make
