"""Every write to the catalogue and the workflow goes through a function here."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from indicators.choices import EditionStatus
from indicators.models import Criterion, CriterionRule, Domain, FrameworkEdition, Indicator, Task


def _free_code(base: str) -> str:
    code, n = f"{base}-draft", 1
    while FrameworkEdition.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-draft-{n}"
    return code


@transaction.atomic
def edition_copy(*, edition: FrameworkEdition, code: str | None = None) -> FrameworkEdition:
    """A new draft edition with the same domains, tasks, indicators, criteria and rules, ready
    to be revised while the original stays as it is. Data elements are shared, so values
    entered once count under both."""
    source_id = edition.pk
    copy = FrameworkEdition.objects.get(pk=source_id)
    copy.pk = None
    copy.code = code or _free_code(edition.code)
    copy.name = f"{edition.name}（草稿）"
    copy.status = EditionStatus.DRAFT
    copy.content_hash = ""
    copy.source_file = ""
    copy.loaded_at = None
    copy.save()

    domains = {}
    for domain in Domain.objects.filter(edition_id=source_id):
        old = domain.pk
        domain.pk, domain.edition = None, copy
        domain.save()
        domains[old] = domain
    tasks = {}
    for task in Task.objects.filter(edition_id=source_id):
        old = task.pk
        task.pk, task.edition, task.domain = None, copy, domains[task.domain_id]
        task.save()
        tasks[old] = task
    indicators = {}
    top_level_first = F("parent_id").asc(nulls_first=True)
    for ind in Indicator.objects.filter(edition_id=source_id).order_by(top_level_first, "order"):
        old = ind.pk
        ind.pk, ind.edition, ind.task = None, copy, tasks[ind.task_id]
        ind.parent = indicators.get(ind.parent_id)
        ind.save()
        indicators[old] = ind
    rules = list(CriterionRule.objects.filter(criterion__indicator__edition_id=source_id))
    criteria = {}
    for criterion in Criterion.objects.filter(indicator__edition_id=source_id):
        old = criterion.pk
        criterion.pk, criterion.indicator = None, indicators[criterion.indicator_id]
        criterion.save()
        criteria[old] = criterion
    for rule in rules:
        rule.pk, rule.criterion = None, criteria[rule.criterion_id]
    CriterionRule.objects.bulk_create(rules)
    return copy
