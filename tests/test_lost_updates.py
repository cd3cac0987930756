"""No lost update: every change to an example's partners or lists advances its version, so
an example form opened before that change is refused instead of writing the old state back."""

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.test import Client

from catalogue import services
from catalogue.models import Domain, Example, Objective, Partnership, PartnershipType
from catalogue.sheets.examples import ExampleResource

from .factories import ActorFactory, CuratorFactory, ExampleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_client():
    """A second curator, in another browser."""
    other = Client()
    other.force_login(CuratorFactory(username="seconde-curatrice"))
    return other


@pytest.fixture
def admin_client_():
    """A superuser (curators cannot delete)."""
    superuser = UserFactory(username="administratrice", is_superuser=True)
    other = Client()
    other.force_login(superuser)
    return other


def version(example):
    return Example.objects.values_list("version", flat=True).get(pk=example.pk)


def change_form_data(client, example):
    """What the example's change form posts back unchanged, as its page gives it."""
    url = f"/admin/catalogue/example/{example.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["opened_version"] = form["opened_version"].value()
    for name in ("domains", "objectives", "partnership_types"):
        data[name] = [item.pk for item in data.get(name, [])]
    partnerships = list(example.partnerships.order_by("position", "pk"))
    data.update(
        {
            "partnerships-TOTAL_FORMS": len(partnerships),
            "partnerships-INITIAL_FORMS": len(partnerships),
        }
    )
    for i, p in enumerate(partnerships):
        data.update(
            {
                f"partnerships-{i}-id": p.pk,
                f"partnerships-{i}-example": example.pk,
                f"partnerships-{i}-actor": p.actor_id,
                f"partnerships-{i}-role": p.role,
                f"partnerships-{i}-position": p.position,
            }
        )
    return url, data


@pytest.fixture
def example():
    return ExampleFactory(
        title="Jardin partagé",
        partners=[(ActorFactory(name="Association du quartier"), "porteur")],
        domains=["sante"],
    )


# The example form itself.


def test_example_form_save_with_new_partner_and_lists_advances_version_once(
    client, curator, example
):
    before = version(example)
    url, data = change_form_data(client, example)
    data.update(
        {
            "domains": [Domain.objects.get(slug="alimentation").pk],
            "partnership_types": [PartnershipType.objects.get(slug="mecenat").pk],
            "partnerships-TOTAL_FORMS": 2,
            "partnerships-1-actor": ActorFactory(name="Fondation du coin").pk,
            "partnerships-1-role": "financeur",
            "partnerships-1-position": 1,
            "partnerships-0-role": "partenaire",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert version(example) == before + 1
    assert example.partnerships.count() == 2


def test_example_form_without_opened_version_is_refused(client, curator, example):
    url, data = change_form_data(client, example)
    del data["opened_version"]
    response = client.post(url, {**data, "title": "Titre forcé"})
    assert response.status_code == 200
    assert "ne dit pas sur quelle version de" in response.content.decode()
    example.refresh_from_db()
    assert example.title == "Jardin partagé"


def test_example_form_with_a_garbled_opened_version_is_refused(client, curator, example):
    url, data = change_form_data(client, example)
    response = client.post(url, {**data, "opened_version": "abc", "title": "Titre forcé"})
    assert response.status_code == 200
    assert "Rechargez la page" in response.content.decode()
    example.refresh_from_db()
    assert example.title == "Jardin partagé"


def test_save_example_service_without_version_is_refused(example, curator):
    example.title = "Sans version"
    with pytest.raises(ValidationError):
        services.save_example(example=example, user=curator, is_new=False)
    assert Example.objects.get(pk=example.pk).title == "Jardin partagé"


# The partnership admin, then the stale example form.


def test_partnership_changed_elsewhere_refuses_the_stale_example_form(
    client, curator, other_client, example
):
    url, stale = change_form_data(client, example)
    partnership = example.partnerships.get()
    before = version(example)
    response = other_client.post(
        f"/admin/catalogue/partnership/{partnership.pk}/change/",
        {"example": example.pk, "actor": partnership.actor_id, "role": "financeur", "position": 0},
    )
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.version == before + 1
    assert example.updated_by.username == "seconde-curatrice"

    response = client.post(url, {**stale, "summary": "Relu"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "rechargez la page" in content and "seconde-curatrice" in content
    partnership.refresh_from_db()
    assert partnership.role == "financeur"
    assert Example.objects.get(pk=example.pk).summary != "Relu"


def test_partnership_added_in_its_admin_advances_version(client, curator, example):
    before = version(example)
    response = client.post(
        "/admin/catalogue/partnership/add/",
        {"example": example.pk, "actor": ActorFactory().pk, "role": "financeur", "position": 1},
    )
    assert response.status_code == 302
    assert version(example) == before + 1


def test_partnership_deleted_in_its_admin_advances_version(admin_client_, example):
    before = version(example)
    partnership = example.partnerships.get()
    response = admin_client_.post(
        f"/admin/catalogue/partnership/{partnership.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert version(example) == before + 1


def test_partnerships_deleted_by_the_bulk_action_advance_versions(admin_client_, example):
    other = ExampleFactory(partners=[ActorFactory()])
    before = version(example), version(other)
    response = admin_client_.post(
        "/admin/catalogue/partnership/",
        {
            "action": "delete_selected",
            "_selected_action": list(Partnership.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert (version(example), version(other)) == (before[0] + 1, before[1] + 1)


def test_partnership_moved_to_another_example_advances_both(client, curator, example):
    target = ExampleFactory()
    before = version(example), version(target)
    partnership = example.partnerships.get()
    response = client.post(
        f"/admin/catalogue/partnership/{partnership.pk}/change/",
        {"example": target.pk, "actor": partnership.actor_id, "role": "porteur", "position": 0},
    )
    assert response.status_code == 302
    assert (version(example), version(target)) == (before[0] + 1, before[1] + 1)


# Lists changed through a reference row or a partnership edited on its own (the write path
# names the examples; no signal does it).


def _delete(model, pk):
    return f"/admin/catalogue/{model}/{pk}/delete/", {"post": "yes"}


RELATION_CHANGES = {
    "partnership deleted": lambda e: _delete(
        "partnership", Partnership.objects.filter(example=e).first().pk
    ),
    "partnership changed": lambda e: (
        f"/admin/catalogue/partnership/{Partnership.objects.filter(example=e).first().pk}/change/",
        {
            "example": e.pk,
            "actor": Partnership.objects.filter(example=e).first().actor_id,
            "role": "partenaire",
            "position": 3,
        },
    ),
    "domain deleted": lambda e: _delete("domain", Domain.objects.get(slug="sante").pk),
    "objective deleted": lambda e: (
        e.objectives.add(Objective.objects.get(family="odd", number=13)),
        _delete("objective", Objective.objects.get(family="odd", number=13).pk),
    )[1],
    "partnership type deleted": lambda e: (
        e.partnership_types.add(PartnershipType.objects.get(slug="innovation-societale")),
        _delete("partnershiptype", PartnershipType.objects.get(slug="innovation-societale").pk),
    )[1],
}


@pytest.mark.parametrize("change", RELATION_CHANGES, ids=list(RELATION_CHANGES))
def test_relation_change_through_the_admin_advances_version(admin_client_, example, change):
    url, data = RELATION_CHANGES[change](example)
    before = version(example)
    response = admin_client_.post(url, data)
    assert response.status_code == 302
    assert version(example) == before + 1


def test_domains_deleted_by_the_admin_action_advance_versions(admin_client_, example):
    before = version(example)
    sante = Domain.objects.get(slug="sante")
    response = admin_client_.post(
        "/admin/catalogue/domain/",
        {"action": "delete_selected", "_selected_action": [sante.pk], "post": "yes"},
    )
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.version == before + 1 and example.updated_by.username == "administratrice"


def test_status_action_advances_version(client, curator, example):
    before = version(example)
    client.post(
        "/admin/catalogue/example/", {"action": "publish", "_selected_action": [example.pk]}
    )
    assert version(example) == before + 1


# Imports.


def test_import_changing_only_partners_advances_version_once(example):
    before = version(example)
    ActorFactory(name="Fondation Nouvelle", actor_type="fondation")
    dataset = tablib.Dataset(headers=["Référence", "Titre", "Territoire", "Année de début",
                                      "Partenaires"])  # fmt: skip
    dataset.append(
        [example.reference, example.title, "lille", example.start_year,
         "Association du quartier (porteur); Fondation Nouvelle (financeur)"]
    )  # fmt: skip
    result = ExampleResource().import_data(
        dataset, dry_run=False, rollback_on_validation_errors=True, user=UserFactory()
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert example.partnerships.count() == 2
    assert version(example) == before + 1


def test_example_form_with_errors_and_an_emptied_slug_is_shown_again(client, curator, example):
    """The slug is filled from the title on save; a form sent back with errors before that
    has no public link to show (it was a 500)."""
    url, data = change_form_data(client, example)
    response = client.post(url, {**data, "slug": "", "title": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()
    example.refresh_from_db()
    assert example.title == "Jardin partagé" and example.slug
