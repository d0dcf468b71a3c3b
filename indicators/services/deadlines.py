"""Deadlines of a region's values, set in bulk by its reviewers."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.models import Deadline, Region
from indicators.models.values import YEAR_MAX, YEAR_MIN, YEAR_RANGE_MESSAGE


@transaction.atomic
def deadlines_set(*, actor, region: Region, data_elements, years, due: datetime.date | None) -> int:
    """Set the deadline of every (data element, year) to ``due`` (None: back to the default);
    returns how many deadlines changed. Reviewers of the region only."""
    if not permissions.is_reviewer_of(actor, region.pk):
        raise PermissionDenied(_("Only a reviewer of this region may do this."))
    years = sorted(set(years))
    if not years or any(not YEAR_MIN <= y <= YEAR_MAX for y in years):
        raise ValidationError({"years": str(YEAR_RANGE_MESSAGE)}, code="year")
    element_ids = sorted({getattr(e, "pk", e) for e in data_elements})
    if not element_ids:
        raise ValidationError({"data_elements": _("Choose at least one data element.")})
    if due is not None and due.year <= min(years):
        raise ValidationError(
            {"due": _("A deadline falls after the data year it is for.")}, code="due"
        )
    existing = Deadline.objects.select_for_update().filter(
        region=region, data_element_id__in=element_ids, year__in=years
    )
    if due is None:
        return existing.delete()[0]
    found = {(d.data_element_id, d.year): d for d in existing}
    changed, created = [], []
    for element_id in element_ids:
        for year in years:
            row = found.get((element_id, year))
            if row is None:
                created.append(
                    Deadline(
                        region=region,
                        data_element_id=element_id,
                        year=year,
                        due=due,
                        changed_by=actor,
                    )
                )
            elif row.due != due:
                row.due, row.changed_by = due, actor
                changed.append(row)
    Deadline.objects.bulk_create(created)
    # bulk_update skips auto_now: set the time of the change explicitly.
    now = datetime.datetime.now(datetime.UTC)
    for row in changed:
        row.changed_at = now
    Deadline.objects.bulk_update(changed, ["due", "changed_by", "changed_at"])
    return len(created) + len(changed)
