"""Search behaves the same on SQLite and PostgreSQL (run the suite on both)."""

import pytest

from catalogue.choices import ExampleStatus
from catalogue.models import Domain, Example
from catalogue.search import filter_examples, highlight, update_search_index

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


def found(text):
    return set(filter_examples(Example.objects.published(), text).values_list("title", flat=True))


@pytest.fixture
def catalogue_texts():
    ExampleFactory(title="École ouverte sur le quartier", summary="Des ateliers du soir.")
    ExampleFactory(title="Jardins partagés", summary="Un partenariat entre voisins.")
    ExampleFactory(title="Tutorat", summary="Des élèves accompagnés par des salariés.")
    ExampleFactory(title="Ressourcerie", description="Réemploi des meubles et de l'électroménager.")
    ExampleFactory(title="Brouillon caché sur l'école", status=ExampleStatus.BROUILLON)


def test_search_ignores_accents_and_case(catalogue_texts):
    assert found("ecole") == {"École ouverte sur le quartier"}
    assert found("ÉCOLE") == {"École ouverte sur le quartier"}


def test_search_ignores_plurals(catalogue_texts):
    assert "Jardins partagés" in found("partenariats")
    assert "Jardins partagés" in found("jardin")


def test_search_finds_eleves_from_eleve(catalogue_texts):
    assert found("eleve") == {"Tutorat"}


def test_search_looks_into_the_description(catalogue_texts):
    assert found("reemploi") == {"Ressourcerie"}


def test_search_forgives_one_typo_in_a_title(catalogue_texts):
    assert "Ressourcerie" in found("resourcerie")
    assert "Jardins partagés" in found("jardnis partagés")


def test_search_requires_every_word(catalogue_texts):
    assert found("jardins ecole") == set()


def test_search_never_returns_drafts(catalogue_texts):
    assert "Brouillon caché sur l'école" not in found("ecole")


def test_search_finds_partner_names_and_follows_their_renaming():
    actor = ActorFactory(name="Coopérative Horizon")
    ExampleFactory(title="Cantine locale", partners=[actor])
    assert found("horizon") == {"Cantine locale"}
    actor.name = "Coopérative Sillon"
    actor.save()
    assert found("sillon") == {"Cantine locale"}
    assert found("horizon") == set()


def test_search_follows_domain_changes():
    example = ExampleFactory(title="Atelier vélo")
    assert found("mobilite") == set()
    example.domains.set([])
    example.domains.add(Domain.objects.get(slug="mobilite"))
    assert found("mobilite") == {"Atelier vélo"}


def test_search_follows_the_territory():
    ExampleFactory(title="Café des aidants")
    assert found("lille") == {"Café des aidants"}


def test_rebuilding_the_index_keeps_results(catalogue_texts):
    Example.objects.update(search_text="", search_names="")
    update_search_index()
    assert found("ecole") == {"École ouverte sur le quartier"}


def test_highlight_marks_matching_words_and_escapes_the_rest():
    result = highlight("L'École <b>des</b> parents", "ecoles")
    assert result == "L&#x27;<mark>École</mark> &lt;b&gt;des&lt;/b&gt; parents"


def test_search_forgives_two_swapped_letters_in_a_short_word():
    ExampleFactory(title="Jardins partagés")
    assert found("jardnis") == {"Jardins partagés"}


def test_imported_examples_and_renamed_actors_are_searchable():
    import tablib

    from catalogue.resources import ActorResource, ExampleResource

    actor = ActorFactory(name="Coopérative Archipel")
    dataset = tablib.Dataset(
        [
            "",
            "Verger conservatoire",
            "commune-59350",
            2022,
            "Publié",
            "Coopérative Archipel (porteur)",
        ],
        headers=["Référence", "Titre", "Territoire", "Année de début", "Statut", "Partenaires"],
    )
    result = ExampleResource().import_data(
        dataset, dry_run=False, rollback_on_validation_errors=True
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert found("verger") == {"Verger conservatoire"}
    assert found("archipel") == {"Verger conservatoire"}

    actors = tablib.Dataset(
        [actor.slug, "Coopérative Boussole", "Entreprise"],
        headers=["Identifiant", "Nom", "Type d'acteur"],
    )
    result = ActorResource().import_data(actors, dry_run=False, rollback_on_validation_errors=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert found("boussole") == {"Verger conservatoire"}


def test_a_dry_run_import_does_not_touch_the_index():
    import tablib

    from catalogue.resources import ExampleResource

    dataset = tablib.Dataset(
        ["", "Verger d'essai", "commune-59350", 2022, "Publié"],
        headers=["Référence", "Titre", "Territoire", "Année de début", "Statut"],
    )
    ExampleResource().import_data(dataset, dry_run=True, rollback_on_validation_errors=True)
    assert found("verger") == set()
