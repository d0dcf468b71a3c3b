"""The data-entry workflow's services, called directly: saving, validation, the status
transitions and who may take them, stale edits, year locks, bulk actions, history and the
change signal."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from indicators import services
from indicators.choices import DeclarationStatus, ValueStatus, VetoKind
from indicators.models import (
    AssignedTarget,
    Evidence,
    Indicator,
    IndicatorValue,
    NotApplicableDeclaration,
    VetoEvent,
    YearLock,
)
from indicators.models.values import EVIDENCE_MAX_BYTES
from indicators.signals import region_data_changed

from .values_helpers import (
    ECO_PLAN,
    FILM,
    MANURE,
    PM25,
    STRAW,
    approved,
    element,
    entered,
    make_value,
    pdf_upload,
    refreshed,
)

DRAFT, SUBMITTED, RETURNED, APPROVED = (
    ValueStatus.DRAFT,
    ValueStatus.SUBMITTED,
    ValueStatus.RETURNED,
    ValueStatus.APPROVED,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def changes():
    """Every region_data_changed signal sent during the test, as (sender, region, years)."""
    received = []

    def receiver(sender, region_id, years, **kwargs):
        received.append((sender, region_id, set(years)))

    region_data_changed.connect(receiver, weak=False, dispatch_uid="test_values_services")
    yield received
    region_data_changed.disconnect(dispatch_uid="test_values_services")


def save(actor, region, key, year, value=None, answer=None, **kwargs):
    """value_save as a writer who has just opened the stored value (if any): states its
    current version unless the test states one."""
    if "expected_version" not in kwargs:
        stored = IndicatorValue.objects.filter(
            region=region, data_element__key=key, year=year
        ).first()
        kwargs["expected_version"] = stored.version if stored else None
    return services.value_save(
        actor=actor,
        region=region,
        data_element=element(key),
        year=year,
        value=None if value is None else Decimal(str(value)),
        answer=answer,
        **kwargs,
    )


def codes(exc: ValidationError) -> set:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


# --- value_save ----------------------------------------------------------------------------


def test_clerk_creates_a_draft(clerk_a, zhonglou):
    result = save(clerk_a, zhonglou, STRAW, 2021, "95.5", source="农业农村局年报", note="全区")

    value = refreshed(result.value)
    assert result.created and result.warnings == []
    assert (value.status, value.value, value.version) == (DRAFT, Decimal("95.5"), 1)
    assert (value.source, value.note, value.entered_by) == ("农业农村局年报", "全区", clerk_a)
    assert value.entered_at is not None


def test_clerk_updates_own_draft_and_the_version_grows(clerk_a, zhonglou):
    first = save(clerk_a, zhonglou, STRAW, 2021, 95).value

    result = save(clerk_a, zhonglou, STRAW, 2021, 96, expected_version=first.version)

    assert not result.created
    value = refreshed(first)
    assert (value.value, value.version, value.status) == (Decimal(96), 2, DRAFT)


def test_an_existing_value_is_not_changed_without_the_version_its_writer_saw(clerk_a, zhonglou):
    first = save(clerk_a, zhonglou, STRAW, 2021, 95).value

    with pytest.raises(services.ValueExists) as caught:
        save(clerk_a, zhonglou, STRAW, 2021, 96, expected_version=None)

    assert caught.value.code == "exists"
    assert caught.value.params == {"id": first.pk, "current_version": 1}
    assert isinstance(caught.value, services.StaleEdit)
    assert (refreshed(first).value, refreshed(first).version) == (Decimal(95), 1)


def test_a_version_for_a_value_that_does_not_exist_is_refused(clerk_a, zhonglou):
    with pytest.raises(services.StaleEdit) as caught:
        save(clerk_a, zhonglou, STRAW, 2021, 96, expected_version=3)

    assert caught.value.code == "gone"
    assert not IndicatorValue.objects.exists()


def test_editing_a_returned_value_makes_it_a_draft_again(clerk_a, zhonglou):
    returned = make_value(zhonglou, STRAW, 2021, status=RETURNED)

    save(clerk_a, zhonglou, STRAW, 2021, 97)

    assert refreshed(returned).status == DRAFT
    assert refreshed(returned).value == Decimal(97)


@pytest.mark.parametrize("status", [SUBMITTED, APPROVED])
def test_submitted_or_approved_value_cannot_be_edited(clerk_a, zhonglou, status):
    existing = make_value(zhonglou, STRAW, 2021, status=status, value=95)

    with pytest.raises(ValidationError) as caught:
        save(clerk_a, zhonglou, STRAW, 2021, 50)

    assert codes(caught.value) == {"status"}
    assert refreshed(existing).value == Decimal(95)
    assert refreshed(existing).status == status


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "key", "value", "answer", "message"),
    [
        ("clerk_a", STRAW, "101", None, "A percentage lies between 0 and 100."),
        ("clerk_a", STRAW, "-0.1", None, "A percentage lies between 0 and 100."),
        ("clerk_b", PM25, "-1", None, "outside the plausible range"),
        ("clerk_b", PM25, "300.1", None, "outside the plausible range"),
        ("clerk_b", ECO_PLAN, "1", None, "takes a yes/no answer, not a number"),
        ("clerk_a", STRAW, None, True, "takes a number, not a yes/no answer"),
        ("clerk_a", STRAW, "95.12345", None, "At most 4 decimal places"),
    ],
    ids=[
        "percentage-101",
        "percentage-negative",
        "below-plausible-min",
        "above-plausible-max",
        "number-on-boolean",
        "answer-on-number",
        "five-decimals",
    ],
)
def test_invalid_value_is_refused_and_nothing_is_written(
    request, zhonglou, actor, key, value, answer, message
):
    with pytest.raises(ValidationError) as caught:
        save(request.getfixturevalue(actor), zhonglou, key, 2021, value, answer)

    assert message in " ".join(caught.value.message_dict["value"])
    assert not IndicatorValue.objects.filter(region=zhonglou, data_element__key=key).exists()


@pytest.mark.parametrize(
    ("actor", "key", "value"),
    [
        ("clerk_a", STRAW, "0"),
        ("clerk_a", STRAW, "100"),
        ("clerk_a", STRAW, "95.1234"),
        ("clerk_b", PM25, "0"),
        ("clerk_b", PM25, "300"),
    ],
)
def test_values_on_the_edges_are_accepted(request, zhonglou, actor, key, value):
    result = save(request.getfixturevalue(actor), zhonglou, key, 2021, value)

    assert refreshed(result.value).value == Decimal(value)


@pytest.mark.parametrize("answer", [True, False])
def test_boolean_element_takes_a_yes_no_answer(clerk_b, zhonglou, answer):
    value = save(clerk_b, zhonglou, ECO_PLAN, 2021, answer=answer).value

    assert (refreshed(value).answer, refreshed(value).value) == (answer, None)


@pytest.fixture
def unbounded(zhonglou, agriculture):
    """A number element with no plausible range, supplied by the agriculture bureau."""
    from indicators.models import DataElement, Responsibility

    unbounded = DataElement.objects.create(key="unbounded", name="无界指标", value_kind="number")
    Responsibility.objects.create(region=zhonglou, data_element=unbounded, department=agriculture)
    return unbounded


@pytest.mark.parametrize(("value", "ok"), [
    ("999999999999", True),  # 12 digits before the point: the most the column keeps
    ("1000000000000", False),  # would overflow the column (a DataError on PostgreSQL)
    ("-1E+15", False),
])  # fmt: skip
def test_number_must_fit_the_column(clerk_a, zhonglou, unbounded, value, ok):
    save = lambda: services.value_save(  # noqa: E731
        actor=clerk_a, region=zhonglou, data_element=unbounded, year=2021, value=Decimal(value)
    )

    if ok:
        assert refreshed(save().value).value == Decimal(value)
    else:
        with pytest.raises(ValidationError) as caught:
            save()
        assert "at most 12 digits before the decimal point" in caught.value.messages[0]
        assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("year", [1999, 2101])
def test_year_outside_the_range_is_a_mistake_not_a_conflict(clerk_a, zhonglou, year):
    with pytest.raises(ValidationError) as caught:
        save(clerk_a, zhonglou, STRAW, year, 95)

    assert not isinstance(caught.value, services.StaleEdit)
    assert "year" in caught.value.message_dict
    assert not IndicatorValue.objects.filter(year=year).exists()


# --- submit and its checks -----------------------------------------------------------------


def test_clerk_submits_a_draft(clerk_a, zhonglou):
    draft = entered(clerk_a, zhonglou, STRAW, 2021, 95)

    services.value_submit(value=draft, actor=clerk_a)

    value = refreshed(draft)
    assert (value.status, value.submitted_by, value.version) == (SUBMITTED, clerk_a, 2)
    assert value.submitted_at is not None


def test_empty_value_cannot_be_submitted(clerk_a, zhonglou):
    empty = entered(clerk_a, zhonglou, STRAW, 2021)

    with pytest.raises(ValidationError) as caught:
        services.value_submit(value=empty, actor=clerk_a)

    assert codes(caught.value) == {"empty"}
    assert refreshed(empty).status == DRAFT


def test_yes_no_value_needs_evidence_before_submit(clerk_b, zhonglou):
    plan = entered(clerk_b, zhonglou, ECO_PLAN, 2021, answer=True)

    with pytest.raises(ValidationError) as caught:
        services.value_submit(value=plan, actor=clerk_b)
    assert codes(caught.value) == {"evidence"}
    assert refreshed(plan).status == DRAFT

    services.evidence_add(value=plan, actor=clerk_b, upload=pdf_upload(), title="规划文本")
    services.value_submit(value=plan, actor=clerk_b)

    assert refreshed(plan).status == SUBMITTED


def test_large_change_warns_on_save_and_needs_a_comment_before_submit(clerk_a, reviewer, zhonglou):
    approved(clerk_a, reviewer, zhonglou, STRAW, 2020, 50)

    result = save(clerk_a, zhonglou, STRAW, 2021, 90)

    assert len(result.warnings) == 1 and "±30%" in result.warnings[0]
    with pytest.raises(ValidationError) as caught:
        services.value_submit(value=result.value, actor=clerk_a)
    assert codes(caught.value) == {"explain"}
    assert refreshed(result.value).status == DRAFT

    services.comment_add(value=result.value, actor=clerk_a, text="新增秸秆收储中心")
    services.value_submit(value=result.value, actor=clerk_a)

    assert refreshed(result.value).status == SUBMITTED


@pytest.mark.parametrize(
    ("previous", "now", "large"),
    [
        (50, 65, False),  # exactly +30 %: on the band, not beyond it
        (50, "65.01", True),
        (50, 35, False),  # exactly −30 %
        (50, "34.99", True),
        (0, 90, False),  # no relative change from zero
    ],
)
def test_plausibility_band_edges(clerk_a, zhonglou, previous, now, large):
    make_value(zhonglou, STRAW, 2020, status=APPROVED, value=previous)

    result = save(clerk_a, zhonglou, STRAW, 2021, now)

    assert bool(result.warnings) is large


def test_the_band_is_the_elements_own(clerk_a, zhonglou):
    straw = element(STRAW)
    straw.plausibility_band = Decimal("0.05")
    straw.save()
    make_value(zhonglou, STRAW, 2020, status=APPROVED, value=90)

    assert save(clerk_a, zhonglou, STRAW, 2021, 95).warnings  # +5.6 %, beyond ±5 %


# --- review: approve, return, reopen -------------------------------------------------------


def test_reviewer_approves_a_submitted_value(clerk_a, reviewer, zhonglou):
    value = approved(clerk_a, reviewer, zhonglou, STRAW, 2021, 95)

    value = refreshed(value)
    assert (value.status, value.reviewed_by, value.return_reason) == (APPROVED, reviewer, "")
    assert value.reviewed_at is not None


@pytest.mark.parametrize("action", [services.value_return, services.value_reopen])
@pytest.mark.parametrize("reason", ["", "   "])
def test_return_and_reopen_need_a_reason(reviewer, zhonglou, action, reason):
    status = SUBMITTED if action is services.value_return else APPROVED
    value = make_value(zhonglou, STRAW, 2021, status=status)

    with pytest.raises(ValidationError) as caught:
        action(value=value, actor=reviewer, reason=reason)

    assert "reason" in caught.value.message_dict
    assert refreshed(value).status == status


def test_return_sends_the_value_back_with_the_reason(reviewer, zhonglou):
    value = make_value(zhonglou, STRAW, 2021, status=SUBMITTED)

    services.value_return(value=value, actor=reviewer, reason=" 来源不清 ")

    assert (refreshed(value).status, refreshed(value).return_reason) == (RETURNED, "来源不清")


def test_reopened_value_goes_back_to_the_department_who_can_edit_it(clerk_a, reviewer, zhonglou):
    value = approved(clerk_a, reviewer, zhonglou, STRAW, 2021, 95)

    services.value_reopen(value=value, actor=reviewer, reason="统计口径调整")
    assert (refreshed(value).status, refreshed(value).return_reason) == (RETURNED, "统计口径调整")

    save(clerk_a, zhonglou, STRAW, 2021, 93)
    assert (refreshed(value).status, refreshed(value).value) == (DRAFT, Decimal(93))


# --- every transition, allowed and refused -------------------------------------------------

ACTORS = ["clerk_a", "clerk_b", "reviewer", "leader", "outsider", "superuser"]
STATUSES = [DRAFT, SUBMITTED, RETURNED, APPROVED]
ACTIONS = ["save", "submit", "approve", "return", "reopen"]
MAY = {
    "save": {"clerk_a", "superuser"},
    "submit": {"clerk_a", "superuser"},
    "approve": {"reviewer", "superuser"},
    "return": {"reviewer", "superuser"},
    "reopen": {"reviewer", "superuser"},
}
FROM = {
    "save": {DRAFT, RETURNED},
    "submit": {DRAFT, RETURNED},
    "approve": {SUBMITTED},
    "return": {SUBMITTED},
    "reopen": {APPROVED},
}
TO = {"save": DRAFT, "submit": SUBMITTED, "approve": APPROVED, "return": RETURNED}
TO["reopen"] = RETURNED


def expected_outcome(status: str, action: str, actor: str):
    if actor not in MAY[action]:
        return PermissionDenied
    if status not in FROM[action]:
        return ValidationError
    return TO[action]


def take(action: str, value: IndicatorValue, actor) -> None:
    if action == "save":
        services.value_save(
            actor=actor,
            region=value.region,
            data_element=value.data_element,
            year=value.year,
            value=Decimal("96"),
            expected_version=value.version,
        )
    elif action == "submit":
        services.value_submit(value=value, actor=actor)
    elif action == "approve":
        services.value_approve(value=value, actor=actor)
    else:
        action_service = services.value_return if action == "return" else services.value_reopen
        action_service(value=value, actor=actor, reason="Please check.")


TRIPLES = [(s, a, u) for s in STATUSES for a in ACTIONS for u in ACTORS]


@pytest.mark.parametrize(("status", "action", "actor"), TRIPLES, ids=["-".join(t) for t in TRIPLES])
def test_transition(request, zhonglou, status, action, actor):
    value = make_value(zhonglou, STRAW, 2021, status=status, value=95)
    history = value.history.count()
    outcome = expected_outcome(status, action, actor)

    if isinstance(outcome, type):
        with pytest.raises(outcome):
            take(action, value, request.getfixturevalue(actor))
        after = refreshed(value)
        assert (after.status, after.version, after.value) == (status, 1, Decimal(95))
        assert value.history.count() == history
    else:
        take(action, value, request.getfixturevalue(actor))
        after = refreshed(value)
        assert (after.status, after.version) == (outcome, 2)
        assert value.history.count() == history + 1


# --- who may write -------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["clerk_b", "reviewer", "leader", "outsider"])
def test_only_the_responsible_department_enters_values(request, zhonglou, actor):
    with pytest.raises(PermissionDenied):
        save(request.getfixturevalue(actor), zhonglou, STRAW, 2021, 95)

    assert not IndicatorValue.objects.filter(data_element__key=STRAW).exists()


def test_clerk_cannot_enter_values_of_another_region(clerk_a, tianning):
    with pytest.raises(PermissionDenied):
        save(clerk_a, tianning, STRAW, 2021, 95)


def test_clerk_without_department_enters_nothing(zhonglou):
    from tests.factories import UserFactory

    lost = UserFactory(username="lost", role="clerk", region=zhonglou)

    with pytest.raises(PermissionDenied):
        save(lost, zhonglou, STRAW, 2021, 95)


def test_supporting_department_cannot_enter_the_lead_departments_value(clerk_a, zhonglou):
    with pytest.raises(PermissionDenied):
        save(clerk_a, zhonglou, "protected_species_protection_rate", 2021, 95)


@pytest.mark.parametrize("actor", ["clerk_b", "reviewer", "leader", "outsider"])
def test_only_the_department_adds_evidence(request, clerk_a, zhonglou, actor):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)

    with pytest.raises(PermissionDenied):
        services.evidence_add(
            value=value, actor=request.getfixturevalue(actor), upload=pdf_upload(), title="x"
        )
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("status", [SUBMITTED, APPROVED])
def test_no_evidence_on_a_value_under_review_or_approved(clerk_a, zhonglou, status):
    value = make_value(zhonglou, STRAW, 2021, status=status)

    with pytest.raises(PermissionDenied):
        services.evidence_add(value=value, actor=clerk_a, upload=pdf_upload(), title="x")


def test_evidence_is_hashed_and_stored_under_a_token(clerk_a, zhonglou):
    import hashlib

    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    content = b"%PDF-1.4 straw report"

    evidence = services.evidence_add(
        value=value, actor=clerk_a, upload=pdf_upload("../../秸秆.PDF", content), title=""
    )

    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert (evidence.size, evidence.original_name, evidence.title) == (
        len(content),
        "秸秆.PDF",  # the upload keeps only the base name
        "秸秆.PDF",
    )
    assert evidence.file.name == f"evidence/{zhonglou.code}/2021/{evidence.token}.pdf"
    assert evidence.file.read() == content


def test_evidence_of_a_wrong_type_or_too_large_is_refused(clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    big = pdf_upload()
    big.size = EVIDENCE_MAX_BYTES + 1

    for upload in (SimpleUploadedFile("run.exe", b"MZ"), SimpleUploadedFile("noext", b"x"), big):
        with pytest.raises(ValidationError) as caught:
            services.evidence_add(value=value, actor=clerk_a, upload=upload, title="x")
        assert "file" in caught.value.message_dict
    assert not Evidence.objects.exists()


def test_removing_evidence_deletes_the_file_after_commit(
    clerk_a, zhonglou, django_capture_on_commit_callbacks
):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    evidence = services.evidence_add(value=value, actor=clerk_a, upload=pdf_upload(), title="x")
    storage, name = evidence.file.storage, evidence.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(evidence=evidence, actor=clerk_a)

    assert not Evidence.objects.exists()
    assert not storage.exists(name)


@pytest.mark.parametrize(("actor", "allowed"), [
    ("clerk_a", True),
    ("reviewer", True),
    ("clerk_b", False),
    ("leader", False),
    ("outsider", False),
])  # fmt: skip
def test_who_may_comment(request, clerk_a, zhonglou, actor, allowed):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    user = request.getfixturevalue(actor)

    if allowed:
        comment = services.comment_add(value=value, actor=user, text=" 口径见附件 ")
        assert (comment.text, comment.author) == ("口径见附件", user)
    else:
        with pytest.raises(PermissionDenied):
            services.comment_add(value=value, actor=user, text="x")
        assert not value.comments.exists()


def test_empty_comment_is_refused(clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)

    with pytest.raises(ValidationError):
        services.comment_add(value=value, actor=clerk_a, text="  ")


# --- stale edits ---------------------------------------------------------------------------


def test_stale_edit_is_refused_and_nothing_is_overwritten(clerk_a, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    opened_at = value.version
    save(clerk_a, zhonglou, STRAW, 2021, 96, expected_version=opened_at)  # the other tab

    with pytest.raises(services.StaleEdit) as caught:
        save(clerk_a, zhonglou, STRAW, 2021, 50, expected_version=opened_at)

    assert "Someone saved this value since you opened it" in caught.value.messages[0]
    assert (refreshed(value).value, refreshed(value).version) == (Decimal(96), 2)
    assert value.history.count() == 2


def test_stale_transition_is_refused(clerk_a, reviewer, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    services.value_submit(value=value, actor=clerk_a)

    with pytest.raises(services.StaleEdit):
        services.value_return(value=value, actor=reviewer, reason="x", expected_version=1)

    assert refreshed(value).status == SUBMITTED


# --- year lock -----------------------------------------------------------------------------


@pytest.fixture
def locked_2021(clerk_a, reviewer, zhonglou):
    """Zhonglou's 2021 locked with a draft, a submitted and an approved value in it."""
    values = {
        "draft": entered(clerk_a, zhonglou, STRAW, 2021, 95),
        "submitted": make_value(zhonglou, FILM, 2021, status=SUBMITTED),
        "approved": make_value(zhonglou, MANURE, 2021, status=APPROVED),
    }
    evidence = services.evidence_add(
        value=values["draft"], actor=clerk_a, upload=pdf_upload(), title="x"
    )
    services.year_lock(actor=reviewer, region=zhonglou, year=2021)
    return values, evidence


WRITES_IN_A_LOCKED_YEAR = {
    "save-existing": lambda v, e, u: save(u["clerk_a"], v["draft"].region, STRAW, 2021, 96),
    "save-new": lambda v, e, u: save(u["clerk_a"], v["draft"].region, "rural_sanitary_toilet_rate", 2021, 90),  # noqa: E501
    "submit": lambda v, e, u: services.value_submit(value=v["draft"], actor=u["clerk_a"]),
    "approve": lambda v, e, u: services.value_approve(value=v["submitted"], actor=u["reviewer"]),
    "return": lambda v, e, u: services.value_return(value=v["submitted"], actor=u["reviewer"], reason="x"),  # noqa: E501
    "reopen": lambda v, e, u: services.value_reopen(value=v["approved"], actor=u["reviewer"], reason="x"),  # noqa: E501
    "evidence-add": lambda v, e, u: services.evidence_add(value=v["draft"], actor=u["clerk_a"], upload=pdf_upload(), title="y"),  # noqa: E501
    "evidence-remove": lambda v, e, u: services.evidence_remove(evidence=e, actor=u["clerk_a"]),
    "assigned-target": lambda v, e, u: services.assigned_target_set(actor=u["reviewer"], region=v["draft"].region, data_element=element(STRAW), year=2021, target=Decimal(90)),  # noqa: E501
    "superuser-save": lambda v, e, u: save(u["superuser"], v["draft"].region, STRAW, 2021, 97),
}  # fmt: skip


@pytest.mark.parametrize("write", list(WRITES_IN_A_LOCKED_YEAR))
def test_locked_year_refuses_every_write(locked_2021, clerk_a, reviewer, superuser, write):
    values, evidence = locked_2021
    users = {"clerk_a": clerk_a, "reviewer": reviewer, "superuser": superuser}
    before = {k: (refreshed(v).status, refreshed(v).version) for k, v in values.items()}

    with pytest.raises(ValidationError) as caught:
        WRITES_IN_A_LOCKED_YEAR[write](values, evidence, users)

    assert "locked" in " ".join(caught.value.messages)
    assert {k: (refreshed(v).status, refreshed(v).version) for k, v in values.items()} == before
    assert Evidence.objects.count() == 1
    assert not AssignedTarget.objects.exists()


def test_lock_is_per_region_and_year(locked_2021, clerk_a, superuser, zhonglou, tianning):
    save(clerk_a, zhonglou, STRAW, 2020, 95)
    save(superuser, tianning, STRAW, 2021, 95)

    assert IndicatorValue.objects.filter(year=2020, region=zhonglou).exists()
    assert IndicatorValue.objects.filter(year=2021, region=tianning).exists()


def test_locking_a_locked_year_again_is_refused(locked_2021, reviewer, zhonglou):
    with pytest.raises(ValidationError):
        services.year_lock(actor=reviewer, region=zhonglou, year=2021)


@pytest.mark.parametrize("reason", ["", "  "])
def test_reopening_a_year_needs_a_reason(locked_2021, reviewer, zhonglou, reason):
    with pytest.raises(ValidationError):
        services.year_reopen(actor=reviewer, region=zhonglou, year=2021, reason=reason)

    assert YearLock.objects.get(region=zhonglou, year=2021).locked


def test_reopening_an_open_year_is_refused(reviewer, zhonglou):
    with pytest.raises(ValidationError):
        services.year_reopen(actor=reviewer, region=zhonglou, year=2021, reason="x")


def test_reopened_year_takes_writes_again_and_can_be_locked_again(
    locked_2021, clerk_a, reviewer, zhonglou
):
    values, _evidence = locked_2021

    lock = services.year_reopen(actor=reviewer, region=zhonglou, year=2021, reason="补报数据")

    assert (lock.locked, lock.reopen_reason, lock.changed_by) == (False, "补报数据", reviewer)
    save(clerk_a, zhonglou, STRAW, 2021, 96)
    services.value_approve(value=values["submitted"], actor=reviewer)
    assert refreshed(values["draft"]).value == Decimal(96)
    assert refreshed(values["submitted"]).status == APPROVED

    services.year_lock(actor=reviewer, region=zhonglou, year=2021)
    assert YearLock.objects.get(region=zhonglou, year=2021).locked
    assert YearLock.objects.get(region=zhonglou, year=2021).history.count() == 3


# --- bulk ----------------------------------------------------------------------------------


def test_bulk_submit_is_all_or_nothing(clerk_a, zhonglou):
    good = [entered(clerk_a, zhonglou, STRAW, 2021, 95), entered(clerk_a, zhonglou, FILM, 2021, 85)]
    empty = entered(clerk_a, zhonglou, MANURE, 2021)

    with pytest.raises(services.BulkError) as caught:
        services.values_bulk(services.value_submit, [*good, empty], actor=clerk_a)

    assert [value.pk for value, _message in caught.value.failures] == [empty.pk]
    assert str(empty) in caught.value.messages[0]
    assert "Enter a value before submitting." in caught.value.messages[0]
    assert {refreshed(v).status for v in [*good, empty]} == {DRAFT}
    assert {refreshed(v).version for v in [*good, empty]} == {1}


def test_bulk_lists_every_failure_including_refused_rights(clerk_a, reviewer, zhonglou):
    values = [make_value(zhonglou, key, 2021, status=SUBMITTED) for key in (STRAW, FILM)]
    draft = make_value(zhonglou, MANURE, 2021)

    with pytest.raises(services.BulkError) as caught:
        services.values_bulk(services.value_approve, [*values, draft], actor=clerk_a)
    assert len(caught.value.failures) == 3

    with pytest.raises(services.BulkError) as caught:
        services.values_bulk(services.value_approve, [*values, draft], actor=reviewer)
    assert [value.pk for value, _m in caught.value.failures] == [draft.pk]
    assert {refreshed(v).status for v in values} == {SUBMITTED}


def test_bulk_applies_the_action_to_all(reviewer, zhonglou):
    values = [make_value(zhonglou, key, 2021, status=SUBMITTED) for key in (STRAW, FILM, MANURE)]

    done = services.values_bulk(services.value_return, values, actor=reviewer, reason="补充佐证")

    assert done == 3
    assert {(refreshed(v).status, refreshed(v).return_reason) for v in values} == {
        (RETURNED, "补充佐证")
    }


# --- history -------------------------------------------------------------------------------


def test_every_step_is_in_the_history(clerk_a, reviewer, zhonglou):
    value = approved(clerk_a, reviewer, zhonglou, STRAW, 2021, 95)
    services.value_reopen(value=value, actor=reviewer, reason="复核")
    save(clerk_a, zhonglou, STRAW, 2021, 94)
    services.value_submit(value=value, actor=clerk_a)
    services.value_return(value=value, actor=reviewer, reason="补充")

    rows = list(value.history.order_by("history_date", "history_id"))

    assert [row.history_change_reason for row in rows] == [
        "entered",
        "submitted",
        "approved",
        "reopened",
        "edited",
        "submitted",
        "returned",
    ]
    assert [row.status for row in rows] == [
        DRAFT,
        SUBMITTED,
        APPROVED,
        RETURNED,
        DRAFT,
        SUBMITTED,
        RETURNED,
    ]
    assert [row.version for row in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert (rows[0].value, rows[4].value) == (Decimal(95), Decimal(94))


def test_refused_write_leaves_no_history(clerk_a, clerk_b, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)

    for attempt in (
        lambda: save(clerk_b, zhonglou, STRAW, 2021, 50),
        lambda: save(clerk_a, zhonglou, STRAW, 2021, 150),
        lambda: services.value_approve(value=value, actor=clerk_a),
    ):
        with pytest.raises((PermissionDenied, ValidationError)):
            attempt()

    assert value.history.count() == 1


# --- the creation office's own writes ------------------------------------------------------


def straw_indicator():
    return Indicator.objects.get(data_element__key=STRAW, edition__code="jiangsu-county-2019")


REVIEW_WRITES = {
    "assigned_target_set": lambda u, r: services.assigned_target_set(
        actor=u, region=r, data_element=element(STRAW), year=2021, target=Decimal(92)
    ),
    "declaration_propose": lambda u, r: services.declaration_propose(
        actor=u, region=r, indicator=straw_indicator(), reason="无农业用地"
    ),
    "veto_event_save": lambda u, r: services.veto_event_save(
        actor=u,
        region=r,
        date=datetime.date(2021, 6, 1),
        kind=VetoKind.SUMMONS,
        description="约谈",
    ),
    "year_lock": lambda u, r: services.year_lock(actor=u, region=r, year=2021),
}
REVIEW_MODELS = {
    "assigned_target_set": AssignedTarget,
    "declaration_propose": NotApplicableDeclaration,
    "veto_event_save": VetoEvent,
    "year_lock": YearLock,
}


@pytest.mark.parametrize("write", list(REVIEW_WRITES))
@pytest.mark.parametrize(("actor", "allowed"), [
    ("reviewer", True),
    ("superuser", True),
    ("clerk_a", False),
    ("clerk_b", False),
    ("leader", False),
    ("outsider", False),
])  # fmt: skip
def test_only_a_reviewer_of_the_region_writes_review_data(request, zhonglou, write, actor, allowed):
    user = request.getfixturevalue(actor)
    model = REVIEW_MODELS[write]

    if allowed:
        obj = REVIEW_WRITES[write](user, zhonglou)
        assert model.objects.filter(pk=obj.pk, region=zhonglou).exists()
    else:
        with pytest.raises(PermissionDenied):
            REVIEW_WRITES[write](user, zhonglou)
        assert not model.objects.filter(region=zhonglou).exists()


def test_assigned_target_is_updated_not_duplicated(reviewer, zhonglou):
    REVIEW_WRITES["assigned_target_set"](reviewer, zhonglou)
    services.assigned_target_set(
        actor=reviewer,
        region=zhonglou,
        data_element=element(STRAW),
        year=2021,
        target=Decimal(95),
        document="常政发〔2021〕1号",
    )

    target = AssignedTarget.objects.get(region=zhonglou)
    assert (target.target, target.document, target.entered_by) == (
        Decimal(95),
        "常政发〔2021〕1号",
        reviewer,
    )


@pytest.mark.parametrize(("actor", "allowed"), [
    ("reviewer", True),
    ("clerk_a", False),
    ("leader", False),
    ("outsider", False),
])  # fmt: skip
def test_only_a_reviewer_of_the_region_approves_a_declaration(
    request, reviewer, zhonglou, actor, allowed
):
    declaration = REVIEW_WRITES["declaration_propose"](reviewer, zhonglou)
    user = request.getfixturevalue(actor)

    if allowed:
        services.declaration_approve(actor=user, declaration=declaration)
        declaration.refresh_from_db()
        assert (declaration.status, declaration.approved_by) == (DeclarationStatus.APPROVED, user)
    else:
        with pytest.raises(PermissionDenied):
            services.declaration_approve(actor=user, declaration=declaration)
        declaration.refresh_from_db()
        assert declaration.status == DeclarationStatus.PROPOSED


def test_declaration_needs_a_reason(reviewer, zhonglou):
    with pytest.raises(ValidationError):
        services.declaration_propose(
            actor=reviewer, region=zhonglou, indicator=straw_indicator(), reason=" "
        )


def test_only_a_proposed_declaration_can_be_approved(reviewer, zhonglou):
    declaration = REVIEW_WRITES["declaration_propose"](reviewer, zhonglou)
    services.declaration_withdraw(actor=reviewer, declaration=declaration)

    with pytest.raises(ValidationError):
        services.declaration_approve(actor=reviewer, declaration=declaration)


# --- the change signal ---------------------------------------------------------------------


def test_every_value_write_signals_the_region_and_year(changes, clerk_a, reviewer, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    services.evidence_add(value=value, actor=clerk_a, upload=pdf_upload(), title="x")
    services.value_submit(value=value, actor=clerk_a)
    services.value_return(value=value, actor=reviewer, reason="x")
    save(clerk_a, zhonglou, STRAW, 2021, 96)
    services.value_submit(value=value, actor=clerk_a)
    services.value_approve(value=value, actor=reviewer)
    services.value_reopen(value=value, actor=reviewer, reason="x")

    # evidence_remove sends nothing: scoring does not read evidence (reported, not changed).
    assert changes == [(IndicatorValue, zhonglou.pk, {2021})] * 8


@pytest.mark.parametrize("write", list(REVIEW_WRITES))
def test_every_review_write_signals_the_region(changes, reviewer, zhonglou, write):
    REVIEW_WRITES[write](reviewer, zhonglou)

    assert [(sender, region) for sender, region, _years in changes] == [
        (REVIEW_MODELS[write], zhonglou.pk)
    ]
    # A veto event of 2021 can also move the assessment of 2020, whose application year it is.
    assert changes[0][2] <= ({2020, 2021} if write.startswith("veto") else {2021})


def test_a_veto_event_signals_its_year_and_the_year_whose_application_year_it_is(
    changes, reviewer, zhonglou
):
    event = REVIEW_WRITES["veto_event_save"](reviewer, zhonglou)
    services.veto_event_save(
        actor=reviewer,
        region=zhonglou,
        date=datetime.date(2023, 2, 1),
        kind=VetoKind.SUMMONS,
        description="约谈",
        event=event,
    )
    services.veto_event_delete(actor=reviewer, event=event)

    assert [years for _sender, _region, years in changes] == [
        {2020, 2021},
        {2020, 2021, 2022, 2023},  # moved from 2021 to 2023: both the old and the new years
        {2022, 2023},
    ]


def test_year_reopen_and_declaration_approve_signal(changes, reviewer, zhonglou):
    declaration = REVIEW_WRITES["declaration_propose"](reviewer, zhonglou)
    services.declaration_approve(actor=reviewer, declaration=declaration)
    services.year_lock(actor=reviewer, region=zhonglou, year=2021)
    services.year_reopen(actor=reviewer, region=zhonglou, year=2021, reason="x")

    assert [(s, r, y) for s, r, y in changes] == [
        (NotApplicableDeclaration, zhonglou.pk, set()),
        (NotApplicableDeclaration, zhonglou.pk, set()),
        (YearLock, zhonglou.pk, {2021}),
        (YearLock, zhonglou.pk, {2021}),
    ]


def test_refused_writes_send_no_signal(changes, clerk_a, clerk_b, zhonglou):
    value = entered(clerk_a, zhonglou, STRAW, 2021, 95)
    changes.clear()

    with pytest.raises(PermissionDenied):
        save(clerk_b, zhonglou, STRAW, 2021, 50)
    with pytest.raises(ValidationError):
        save(clerk_a, zhonglou, STRAW, 2021, 101)
    with pytest.raises(PermissionDenied):
        services.value_approve(value=value, actor=clerk_a)

    assert changes == []
