"""Writes of the catalogue that outgrow a form: status changes, optimistic locking, bulk relations.

Every function takes keyword-only arguments, validates before it saves, and is atomic.
"""

from collections.abc import Iterable, Sequence
from datetime import date

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import locking, versions
from .choices import ExampleStatus, ObjectiveFamily
from .models import Example, Partnership

STATUS_MESSAGES = {
    ExampleStatus.PUBLIE: "Publié",
    ExampleStatus.BROUILLON: "Dépublié (remis en brouillon)",
    ExampleStatus.ARCHIVE: "Archivé",
}
STALE_CODE = "stale"
UNVERSIONED_CODE = "unversioned"


def check_version(*, example: Example, expected: int | None) -> None:
    """Refuse a save based on an outdated copy of `example` (two curators, one example).

    The row is locked until the end of the transaction, so the check and the save that
    follows cannot be overtaken by another save. A change that does not say which version
    it was made on is refused too: it could not be told from a stale one.
    """
    if example.pk is None:
        return
    if expected is None:
        raise ValidationError(
            _(
                "Ce formulaire ne dit pas sur quelle version de l'exemple il a été ouvert : "
                "rien n'a été enregistré. Rechargez la page, puis refaites vos modifications."
            ),
            code=UNVERSIONED_CODE,
        )
    current = (
        Example.objects.select_for_update(of=("self",))
        .filter(pk=example.pk)
        .values_list("version", "updated_by__username", "updated_at")
        .first()
    )
    if current is None or current[0] == expected:
        return
    raise ValidationError(
        _(
            "Cet exemple a été modifié par %(user)s le %(when)s, après que vous l'avez ouvert. "
            "Vos changements n'ont pas été enregistrés : rechargez la page pour voir la "
            "version actuelle, puis refaites vos modifications."
        )
        % {
            "user": current[1] or _("un autre utilisateur"),
            "when": timezone.localtime(current[2]).strftime("%d/%m/%Y à %H:%M"),
        },
        code=STALE_CODE,
    )


def stamp_example(*, example: Example, user, is_new: bool) -> None:
    """Who created and last changed `example`, and its next version, before it is saved."""
    if user is not None and not user.is_authenticated:
        user = None
    if is_new:
        example.created_by = user
        example.version = 1
    else:
        example.version = (example.version or 0) + 1
    example.updated_by = user


@transaction.atomic
def save_example(*, example: Example, user, is_new: bool, expected_version: int | None = None):
    """Save an example edited by `user`, refusing a stale copy."""
    if not is_new:
        check_version(example=example, expected=expected_version)
    stamp_example(example=example, user=user, is_new=is_new)
    example.full_clean()
    example.save()
    return example


# What a status change or a verification writes: none of it is in the search document.
BULK_CHANGE_FIELDS = ["status", "verified_on", "version", "updated_by", "updated_at"]
RELATION_FIELDS = [f.name for f in Example._meta.get_fields() if f.is_relation]


@transaction.atomic
def change_examples(
    *,
    examples: Iterable[Example],
    user,
    status: str | None = None,
    verified_on: date | None = None,
    message: str,
) -> int:
    """Set the status or the verification date of several examples; one history line each.

    In a fixed number of queries whatever the number of examples: one UPDATE, one insert of
    history lines, one new catalogue version (bulk_update sends no signal; the search
    document holds neither the status nor the verification date).
    """
    changed = []
    now = timezone.now()
    for example in examples:
        if status is not None:
            example.status = status
        if verified_on is not None:
            example.verified_on = verified_on
        stamp_example(example=example, user=user, is_new=False)
        example.updated_at = now  # bulk_update() leaves auto_now fields alone
        # Only the fields this changes: relations and uniqueness would cost a query each.
        example.clean_fields(exclude=RELATION_FIELDS)
        changed.append(example)
    if not changed:
        return 0
    Example.objects.bulk_update(changed, BULK_CHANGE_FIELDS)
    versions.bump()
    if user is not None:
        LogEntry.objects.log_actions(
            user.pk, changed, CHANGE, change_message=message, single_object=len(changed) == 1
        )
    return len(changed)


def set_status(*, examples: Iterable[Example], user, status: str) -> int:
    return change_examples(
        examples=examples, user=user, status=status, message=STATUS_MESSAGES[status]
    )


def mark_verified(*, examples: Iterable[Example], user, on: date | None = None) -> int:
    on = on or timezone.localdate()
    return change_examples(
        examples=examples,
        user=user,
        verified_on=on,
        message=f"Vérifié le {on.strftime('%d/%m/%Y')}",
    )


def assign_references(*, examples: Sequence[Example]) -> None:
    """IA-00042 for examples created in bulk (Example.save() does it one by one).

    One UPDATE computed by the database, instead of one per example.
    """
    Example.objects.filter(pk__in=[e.pk for e in examples], reference__isnull=True).update(
        reference=Example.reference_expression()
    )
    for example in examples:
        example.reference = Example.format_reference(example.pk)


def set_relations(
    *,
    items: Sequence[tuple[Example, dict]],
    replace: bool,
) -> None:
    """Write the relations of many examples in a few queries.

    `items` pairs an example with the relations its spreadsheet row gives: any of `domains`,
    `odd`, `alliance`, `partnership_types` (lists of rows) and `partners` ([(actor, role)]).
    A key that is absent leaves that relation alone; with `replace`, the ones present replace
    what the example had. Bulk writes send no signal: the examples' versions are advanced
    here (unless the caller stamped them already, see `locking.already_stamped`).
    """
    if not items:
        return
    with transaction.atomic():
        locking.bump_examples(e.pk for e, _relations in items)
        through = {
            "domains": (Example.domains.through, "domain_id"),
            "partnership_types": (Example.partnership_types.through, "partnershiptype_id"),
        }
        for key, (model, column) in through.items():
            concerned = [(e, r[key]) for e, r in items if key in r]
            if replace:
                model.objects.filter(example_id__in=[e.pk for e, _v in concerned]).delete()
            model.objects.bulk_create(
                [model(example_id=e.pk, **{column: r.pk}) for e, rows in concerned for r in rows],
                batch_size=2000,
            )
        objectives = Example.objectives.through
        for key, family in (("odd", ObjectiveFamily.ODD), ("alliance", ObjectiveFamily.ALLIANCE)):
            concerned = [(e, r[key]) for e, r in items if key in r]
            if replace:
                objectives.objects.filter(
                    example_id__in=[e.pk for e, _v in concerned], objective__family=family
                ).delete()
            objectives.objects.bulk_create(
                [objectives(example_id=e.pk, objective_id=o.pk) for e, os in concerned for o in os],
                batch_size=2000,
            )
        concerned = [(e, r["partners"]) for e, r in items if "partners" in r]
        if replace:
            Partnership.objects.filter(example_id__in=[e.pk for e, _v in concerned]).delete()
        Partnership.objects.bulk_create(
            [
                Partnership(example_id=e.pk, actor_id=actor.pk, role=role, position=position)
                for e, partners in concerned
                for position, (actor, role) in enumerate(partners)
            ],
            batch_size=2000,
        )
