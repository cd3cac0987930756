"""Writes of the catalogue that outgrow a form: status changes, optimistic locking, bulk relations.

Every function takes keyword-only arguments, validates before it saves, and runs inside the
write path (catalogue.changes): it names the examples it changes, and the search documents,
the public version and the facet indexes follow once, at the end of the write.
"""

from collections.abc import Iterable, Sequence
from datetime import date

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import changes
from .choices import ExampleStatus, ObjectiveFamily
from .models import Example, Partnership

STATUS_MESSAGES = {
    ExampleStatus.PUBLIE: "Publié",
    ExampleStatus.BROUILLON: "Dépublié (remis en brouillon)",
    ExampleStatus.ARCHIVE: "Archivé",
}
STALE_CODE = "stale"


class StaleRows(Exception):
    """A bulk writer's rows were changed by someone else since it read them."""


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


def save_example(
    *,
    example: Example,
    user,
    is_new: bool,
    expected_version: int | None = None,
    public: bool = True,
):
    """Save an example edited by `user`, refusing a stale copy. `public=False` when nothing
    the public sees changed (a form saved as it was opened)."""
    with changes.writing() as change:
        if not is_new:
            check_version(example=example, expected=expected_version)
            change.examples([example.pk], public=public)
        stamp_example(example=example, user=user, is_new=is_new)
        example.full_clean()
        example.save()
        if is_new:
            change.created([example.pk])
    return example


def delete_examples(*, examples: Iterable[Example], user) -> int:
    """Delete examples and their partnerships: the search index forgets them, and the public
    version moves only if one of them was public."""
    ids = [example.pk for example in examples]
    with changes.writing() as change:
        change.deleted(ids)
        Partnership.objects.filter(example_id__in=ids).delete()
        for relation in ("domains", "objectives", "partnership_types"):
            getattr(Example, relation).through.objects.filter(example_id__in=ids).delete()
        Example.objects.filter(pk__in=ids).delete()
    return len(ids)


def change_examples(
    *,
    examples: Iterable[Example],
    user,
    status: str | None = None,
    verified_on: date | None = None,
    message: str,
) -> int:
    """Set the status or the verification date of several examples; one history line each.

    In a fixed number of queries whatever the number of examples: one UPDATE whose version
    is computed by the database (a copy loaded earlier never writes an older one back), one
    insert of history lines, and the write path's fixed work (the search document holds
    neither the status nor the verification date: no reindex).
    """
    if status is not None and status not in ExampleStatus.values:
        raise ValidationError(_("Statut inconnu : « %(value)s ».") % {"value": status})
    changed = list(examples)
    if not changed:
        return 0
    values = {"version": F("version") + 1, "updated_at": timezone.now()}
    values["updated_by"] = user if user is not None and user.is_authenticated else None
    if status is not None:
        values["status"] = status
    if verified_on is not None:
        values["verified_on"] = verified_on
    with changes.writing() as change:
        ids = [example.pk for example in changed]
        change.examples(ids, document=False)
        Example.objects.filter(pk__in=ids).update(**values)
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
    what the example had. The caller has advanced the examples' edit counters (their rows were
    saved just before) and named them to the write path.
    """
    if not items:
        return
    with transaction.atomic():
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
