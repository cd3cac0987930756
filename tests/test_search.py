"""Search behaves the same on SQLite and PostgreSQL (run the suite on both)."""

import pytest

from catalogue import changes, services
from catalogue.choices import ActorType, ExampleStatus
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Domain, PartnershipType, SearchWord
from catalogue.search import highlight
from catalogue.search_index import update_search_index

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


def search(text):
    return ExampleFilterSet({"q": text})


def found(text):
    return set(search(text).qs.values_list("title", flat=True))


def ranked(text):
    return list(search(text).qs.values_list("title", flat=True))


@pytest.fixture
def catalogue_texts():
    ExampleFactory(title="École ouverte sur le quartier", summary="Des ateliers du soir.")
    ExampleFactory(title="Jardins partagés", summary="Un partenariat entre voisins.")
    ExampleFactory(title="Tutorat", summary="Des élèves accompagnés par des salariés.")
    ExampleFactory(title="Ressourcerie", description="Réemploi des meubles et de l'électroménager.")
    ExampleFactory(title="Transition écologique des entreprises", summary="Bilans carbone.")
    ExampleFactory(title="Transport à la demande", summary="Des navettes rurales.")
    ExampleFactory(title="Sport pour tous", summary="Des clubs ouverts.")
    ExampleFactory(title="Brouillon caché sur l'école", status=ExampleStatus.BROUILLON)


def test_search_ignores_accents_and_case(catalogue_texts):
    assert found("ecole") == {"École ouverte sur le quartier"}
    assert found("ÉCOLES") == {"École ouverte sur le quartier"}


def test_search_matches_whole_words_never_pieces_of_words(catalogue_texts):
    assert "Transition écologique des entreprises" not in found("ecole")
    assert found("sport") == {"Sport pour tous"}
    assert found("art") == set()  # not "partenariat", "quartier"


def test_search_ignores_plurals(catalogue_texts):
    assert "Jardins partagés" in found("partenariats")
    assert "Jardins partagés" in found("jardin")


def test_search_finds_eleves_from_eleve(catalogue_texts):
    assert found("eleve") == {"Tutorat"}


def test_search_looks_into_the_description(catalogue_texts):
    assert found("reemploi") == {"Ressourcerie"}


def test_search_requires_every_word_and_excludes_minus_words(catalogue_texts):
    assert found("jardins ecole") == set()
    assert found("demande -navettes") == set()
    assert found("demande -velos") == {"Transport à la demande"}
    assert found("jardins OR ressourcerie") == {"Jardins partagés", "Ressourcerie"}


def test_search_never_returns_drafts(catalogue_texts):
    assert "Brouillon caché sur l'école" not in found("ecole")


def test_search_corrects_a_word_that_matches_nothing_and_says_so(catalogue_texts):
    assert found("resourcerie") == {"Ressourcerie"}
    assert search("resourcerie").search_plan.corrections == [("resourcerie", "ressourcerie")]
    assert found("jardnis partagés") == {"Jardins partagés"}
    assert search("jardnis").search_plan.corrections == [("jardnis", "jardins")]


def test_search_never_corrects_a_word_that_matches(catalogue_texts):
    assert search("ecole").search_plan.corrections == []
    assert search("transport").search_plan.corrections == []


def test_search_never_takes_a_distant_word_for_a_typo(catalogue_texts):
    ExampleFactory(title="La boussole des métiers")
    assert found("ecole") == {"École ouverte sur le quartier"}
    assert search("boussolle").search_plan.corrections == [("boussolle", "boussole")]
    assert found("zzzz") == set() and search("zzzz").search_plan.corrections == []


def test_search_never_corrects_towards_a_draft_only_word():
    ExampleFactory(title="Projet confidentiel", status=ExampleStatus.BROUILLON)
    assert search("confidentiell").search_plan.corrections == []


def test_search_ranks_title_before_summary_before_description():
    ExampleFactory(title="Atelier", description="Un verger au fond du parc.", start_year=2024)
    ExampleFactory(title="Parc", summary="Autour du verger.", start_year=2023)
    ExampleFactory(title="Verger conservatoire", start_year=2020)
    assert ranked("verger") == ["Verger conservatoire", "Parc", "Atelier"]


def test_search_finds_partner_names_and_follows_their_renaming():
    actor = ActorFactory(name="Coopérative Horizon")
    ExampleFactory(title="Cantine locale", partners=[actor])
    assert found("horizon") == {"Cantine locale"}
    actor.name = "Coopérative Sillon"
    with changes.writing() as change:
        change.actor_changed(actor.pk, actor.partnerships.values_list("example_id", flat=True))
        actor.save()
    assert found("sillon") == {"Cantine locale"}
    assert found("horizon") == set()


def test_search_finds_actor_types_of_partners():
    ExampleFactory(title="Cantine", partners=[ActorFactory(actor_type=ActorType.FONDATION)])
    ExampleFactory(title="Verger", partners=[ActorFactory(actor_type=ActorType.ENTREPRISE)])
    assert found("fondation") == {"Cantine"}


def test_search_follows_domain_changes_from_either_side():
    example = ExampleFactory(title="Atelier vélo")
    mobilite = Domain.objects.get(slug="mobilite")
    assert found("mobilite") == set()
    with changes.writing() as change:
        change.examples([example.pk])
        example.domains.add(mobilite)
    assert found("mobilite") == {"Atelier vélo"}
    with changes.writing() as change:
        change.examples(mobilite.examples.values_list("pk", flat=True))
        mobilite.examples.clear()
    assert found("mobilite") == set()
    with changes.writing() as change:
        change.examples([example.pk])
        mobilite.examples.add(example)
    assert found("mobilite") == {"Atelier vélo"}
    with changes.writing() as change:
        mobilite.name = "Déplacements"
        mobilite.save()
        change.rebuild(reindex=mobilite.examples.values_list("pk", flat=True))
    assert found("deplacements") == {"Atelier vélo"}


def test_search_finds_partnership_types_and_objectives():
    ExampleFactory(title="Fonds de dotation", partnership_types=["mecenat"], odd=[4], alliance=[3])
    ExampleFactory(title="Achats responsables", partnership_types=["pratiques-responsables"])
    assert found("mecenat") == {"Fonds de dotation"}
    assert found("innover") == {"Fonds de dotation"}
    assert found("ODD 4") == {"Fonds de dotation"}
    assert found("education qualite") == {"Fonds de dotation"}
    mecenat = PartnershipType.objects.get(slug="mecenat")
    with changes.writing() as change:
        change.examples(mecenat.examples.values_list("pk", flat=True))
        mecenat.examples.clear()
    assert found("mecenat") == set()


def test_search_follows_the_territory_its_departement_and_region():
    ExampleFactory(title="Café des aidants")  # Lille, Nord, Hauts-de-France
    assert found("lille") == {"Café des aidants"}
    assert found("nord") == {"Café des aidants"}
    assert found("hauts de france") == {"Café des aidants"}
    assert found("metropole europeenne") == set()  # its EPCI is not its place
    assert found("bretagne") == set()


def test_search_forgets_deleted_examples():
    example = ExampleFactory(title="Verger éphémère")
    services.delete_examples(examples=[example], user=None)
    ExampleFactory(title="Autre chose")
    assert found("verger") == set()


def test_rebuilding_the_index_keeps_results(catalogue_texts):
    SearchWord.objects.all().delete()
    update_search_index()
    assert found("ecole") == {"École ouverte sur le quartier"}
    assert found("jardnis") == {"Jardins partagés"}


def test_highlight_marks_matching_words_and_escapes_the_rest():
    result = highlight("L'École <b>des</b> parents écologiques", "ecoles")
    assert result == "L&#x27;<mark>École</mark> &lt;b&gt;des&lt;/b&gt; parents écologiques"


def test_list_page_announces_the_correction(client, catalogue_texts):
    response = client.get("/exemples/", {"q": "jardnis"})
    html = response.content.decode()
    assert "Résultats pour « <strong>jardins</strong> » (au lieu de « jardnis »)" in html
    assert "<mark>Jardins</mark>" in html


def test_imported_examples_and_renamed_actors_are_searchable():
    import tablib

    from catalogue.sheets.actors import ActorResource
    from catalogue.sheets.examples import ExampleResource

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
