"""The corrective-action workflow through its services, and who may do each step: a reviewer
of the region creates from a gap and verifies; the lead department's clerks update; nobody
else writes, and outsiders do not see the actions at all."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from actions import selectors, services
from actions.choices import ActionStatus
from actions.models import CorrectiveAction
from indicators.choices import ValueStatus
from indicators.models import Indicator
from tests.factories import make_value

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages asserted here are English, whatever language an earlier test's request
    left active."""
    with translation.override("en"):
        yield


STRAW = "straw_utilization_rate"


def test_a_reviewer_creates_an_action_from_a_gap(make_action, straw, agriculture, ecology):
    action = make_action()
    assert action.status == ActionStatus.OPEN
    assert action.gap_status == "missing" and action.year == 2021
    assert action.lead_department == agriculture
    assert list(action.supporting_departments.all()) == [ecology]
    assert [m.title for m in action.milestones.all()] == ["完成台账"]
    assert action.history.count() == 1
    assert action.history.first().history_change_reason == "Created from the gap"


def test_no_action_on_an_indicator_that_is_met(make_action, zhonglou):
    make_value(zhonglou, STRAW, 2021, value="97", status=ValueStatus.APPROVED)
    with pytest.raises(ValidationError, match="Only a gap"):
        make_action()


def test_a_value_waiting_for_review_is_a_gap_too(make_action, zhonglou):
    make_value(zhonglou, STRAW, 2021, value="97", status=ValueStatus.SUBMITTED)
    assert make_action().gap_status == "pending"


def test_a_projection_that_misses_the_target_is_at_risk():
    from assessments.scoring import IndicatorResult, Progress, Projection, Status

    fields = dict.fromkeys(
        ["code", "name", "name_en", "unit", "target_text", "target_text_en", "gap_text"], ""
    ) | dict.fromkeys(["gap_text_en", "explanation", "explanation_en"], "")
    result = IndicatorResult(
        **fields,
        category="reference",
        parent_code=None,
        status=Status.MET,
        value=None,
        years_used=(),
        gap=None,
        projection=Projection(Progress.DETERIORATION),
    )
    assert selectors.gap_of(result) == "at_risk"
    assert selectors.gap_of(None) is None


def test_one_active_action_per_gap(make_action):
    make_action()
    with pytest.raises(ValidationError, match="already has a corrective action"):
        make_action()


@pytest.mark.parametrize("user", ["clerk_a", "clerk_b", "leader", "outsider"])
def test_only_a_reviewer_of_the_region_creates(make_action, request, user):
    with pytest.raises(PermissionDenied):
        make_action(actor=request.getfixturevalue(user))


def test_bad_input_is_refused_with_a_message(make_action, tianning, catalogue):
    from indicators.models import Department

    other_department = Department.objects.create(region=tianning, code="ecology", name="天宁生态")
    with pytest.raises(ValidationError):
        make_action(description="   ")
    with pytest.raises(ValidationError):
        make_action(description="x" * 2001)
    with pytest.raises(ValidationError):
        make_action(lead_department=other_department)
    with pytest.raises(ValidationError):
        make_action(indicator=Indicator.objects.exclude(edition=catalogue).first())
    with pytest.raises(ValidationError):
        make_action(milestones=[("", datetime.date(2099, 1, 1))])


def test_the_lead_clerk_moves_the_action_and_reports(make_action, clerk_a):
    action = make_action()
    services.note_add(actor=clerk_a, action=action, text="已联系乡镇收集台账")
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS  # reporting starts the work
    milestone = action.milestones.get()
    services.milestone_set_done(actor=clerk_a, milestone=milestone, done=True)
    services.action_transition(actor=clerk_a, action=action, status="done")
    assert action.status == ActionStatus.DONE
    reasons = [h.history_change_reason for h in action.history.order_by("history_date")]
    assert reasons == ["Created from the gap", "in progress", "done"]


@pytest.mark.parametrize("user", ["clerk_b", "leader", "outsider", "reviewer"])
def test_only_the_lead_department_updates_the_status(make_action, request, user):
    action = make_action()
    with pytest.raises(PermissionDenied):
        services.action_transition(
            actor=request.getfixturevalue(user), action=action, status="in_progress"
        )


@pytest.mark.parametrize("user", ["clerk_b", "leader", "outsider"])
def test_others_add_no_note_and_tick_no_milestone(make_action, request, user):
    action = make_action()
    actor = request.getfixturevalue(user)
    with pytest.raises(PermissionDenied):
        services.note_add(actor=actor, action=action, text="…")
    with pytest.raises(PermissionDenied):
        services.milestone_set_done(actor=actor, milestone=action.milestones.get(), done=True)


@pytest.mark.parametrize("user", ["clerk_a", "reviewer", "superuser"])
def test_the_lead_department_and_reviewers_plan_the_milestones(make_action, request, user):
    action = make_action()
    actor = request.getfixturevalue(user)
    added = services.milestone_add(
        actor=actor, action=action, title=" 核对数据 ", due_date=datetime.date(2099, 2, 28)
    )
    assert added.title == "核对数据"
    milestone = action.milestones.get(title="完成台账")
    services.milestone_edit(
        actor=actor, milestone=milestone, title="收齐台账", due_date=datetime.date(2099, 1, 15)
    )
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_date) == ("收齐台账", datetime.date(2099, 1, 15))
    assert milestone.history.count() == 2


@pytest.mark.parametrize("user", ["clerk_b", "leader", "outsider"])
def test_others_neither_add_nor_change_milestones(make_action, request, user):
    action = make_action()
    actor = request.getfixturevalue(user)
    with pytest.raises(PermissionDenied):
        services.milestone_add(
            actor=actor, action=action, title="x", due_date=datetime.date(2099, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        services.milestone_edit(actor=actor, milestone=action.milestones.get(), title="x")
    assert [m.title for m in action.milestones.all()] == ["完成台账"]


def test_a_milestone_keeps_a_title_and_a_valid_date(make_action, clerk_a):
    milestone = make_action().milestones.get()
    for change in ({"title": "  "}, {"title": "x" * 201}, {"due_date": "2099-01-01"}):
        with pytest.raises(ValidationError) as refused:
            services.milestone_edit(actor=clerk_a, milestone=milestone, **change)
        assert set(refused.value.message_dict) == set(change)
    milestone.refresh_from_db()
    assert milestone.title == "完成台账"


def test_a_verified_actions_milestones_no_longer_change(make_action, clerk_a, reviewer):
    action = make_action()
    services.action_transition(actor=clerk_a, action=action, status="done")
    services.action_verify(actor=reviewer, action=action, reason="已核实")
    with pytest.raises(ValidationError):
        services.milestone_edit(actor=reviewer, milestone=action.milestones.get(), title="x")
    assert action.milestones.get().title == "完成台账"


def test_a_clerk_cannot_verify_nor_jump_to_verified(make_action, clerk_a):
    action = make_action()
    services.action_transition(actor=clerk_a, action=action, status="done")
    with pytest.raises(PermissionDenied):
        services.action_transition(actor=clerk_a, action=action, status="verified")
    with pytest.raises(PermissionDenied):
        services.action_verify(actor=clerk_a, action=action, reason="done")


@pytest.mark.parametrize("user", ["leader", "outsider", "clerk_b"])
def test_only_a_reviewer_verifies(make_action, clerk_a, request, user):
    action = make_action()
    services.action_transition(actor=clerk_a, action=action, status="done")
    with pytest.raises(PermissionDenied):
        services.action_verify(actor=request.getfixturevalue(user), action=action, reason="ok")


def test_verifying_needs_a_done_action(make_action, reviewer):
    action = make_action()
    with pytest.raises(ValidationError, match="Only a done action"):
        services.action_verify(actor=reviewer, action=action, reason="ok")


def test_verifying_while_the_indicator_is_not_met_needs_a_reason(make_action, clerk_a, reviewer):
    action = make_action()
    services.action_transition(actor=clerk_a, action=action, status="done")
    with pytest.raises(ValidationError, match="state why"):
        services.action_verify(actor=reviewer, action=action)
    services.action_verify(actor=reviewer, action=action, reason="统计口径调整，已书面说明")
    assert action.status == ActionStatus.VERIFIED
    assert action.closure_reason == "统计口径调整，已书面说明" and action.verified_by == reviewer


def test_verifying_once_the_indicator_is_met_needs_no_reason(
    make_action, clerk_a, reviewer, zhonglou
):
    action = make_action()
    services.action_transition(actor=clerk_a, action=action, status="done")
    make_value(zhonglou, STRAW, 2021, value="97", status=ValueStatus.APPROVED)
    services.action_verify(actor=reviewer, action=action)
    assert action.status == ActionStatus.VERIFIED and action.closure_reason == ""


def test_a_verified_action_is_closed(make_action, clerk_a, reviewer):
    action = make_action()
    services.action_transition(actor=clerk_a, action=action, status="done")
    services.action_verify(actor=reviewer, action=action, reason="已说明")
    with pytest.raises(ValidationError):
        services.note_add(actor=clerk_a, action=action, text="…")
    with pytest.raises(ValidationError):
        services.action_transition(actor=clerk_a, action=action, status="in_progress")
    make_action()  # a new action may follow the gap once the last one is verified


def test_a_reviewer_edits_the_details(make_action, reviewer, clerk_a, ecology, agriculture):
    action = make_action()
    services.action_edit(
        actor=reviewer,
        action=action,
        description="新的措施",
        lead_department=ecology,
        supporting_departments=[agriculture],
        due_date=datetime.date(2099, 6, 30),
    )
    action.refresh_from_db()
    assert action.lead_department == ecology and action.description == "新的措施"
    with pytest.raises(PermissionDenied):
        services.action_edit(actor=clerk_a, action=action, description="x")
    # The lead moved: the agriculture clerk no longer updates it.
    with pytest.raises(PermissionDenied):
        services.action_transition(actor=clerk_a, action=action, status="done")


def test_who_reads_which_actions(
    make_action, clerk_a, clerk_b, reviewer, leader, outsider, tianning
):
    action = make_action(supporting_departments=[])
    assert list(selectors.actions_for_user(reviewer)) == [action]
    assert list(selectors.actions_for_user(leader)) == [action]
    assert list(selectors.actions_for_user(clerk_a)) == [action]  # leads it
    assert list(selectors.actions_for_user(clerk_b)) == []  # neither leads nor supports
    assert list(selectors.actions_for_user(outsider)) == []


def test_a_supporting_department_reads_it(make_action, clerk_b):
    action = make_action()
    assert list(selectors.actions_for_user(clerk_b)) == [action]


def test_an_action_past_its_due_date_and_not_done_is_overdue(make_action, clerk_a):
    action = make_action(due_date=datetime.date(2020, 1, 1))
    today = datetime.date(2026, 1, 1)
    assert action.is_overdue(today)
    services.action_transition(actor=clerk_a, action=action, status="done")
    assert not action.is_overdue(today)
    assert CorrectiveAction.objects.count() == 1
