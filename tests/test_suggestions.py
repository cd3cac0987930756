"""/exemples/suggestions/?q=: what the search boxes suggest as a visitor types."""

import pickle

import pytest

from catalogue import facets, services
from catalogue.choices import ActorType, ExampleStatus, PartnerRole
from catalogue.models import Example
from tests.factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db

URL = "/exemples/suggestions/"


def suggestions(client, text, **params):
    response = client.get(URL, {"q": text, **params})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return {group["groupe"]: group["suggestions"] for group in response.json()["groupes"]}


def labels(found, group):
    return [item["libelle"] for item in found.get(group, [])]


@pytest.fixture
def alliance():
    """A published example in Lille with an association and a company, and a draft beside it
    whose actor takes part in nothing published."""
    association = ActorFactory(name="Les Petits Débrouillards Hauts-de-France")
    company = ActorFactory(name="Numérique Solidaire SA", actor_type=ActorType.ENTREPRISE)
    hidden = ActorFactory(name="Débrouille secrète")
    ExampleFactory(
        title="Atelier de l'école en brouillon",
        status=ExampleStatus.BROUILLON,
        partners=[hidden],
    )
    return ExampleFactory(
        title="École du numérique partagée",
        partners=[(association, PartnerRole.PORTEUR), (company, PartnerRole.FINANCEUR)],
        domains=["education-et-jeunesse", "numerique"],
        odd=[4, 17],
    )


def test_suggestions_a_commune_with_its_departement_count_and_list_filter(client, alliance):
    found = suggestions(client, "lil")
    lille = found["territoires"][0]
    assert lille == {
        "libelle": "Lille",
        "precision": "Commune, Nord (59)",
        "nombre": 1,
        "url": "/exemples/?territoire=commune-59350",
    }
    # Its intercommunality counts its member communes, as the list filter does.
    metropole = next(t for t in found["territoires"] if t["libelle"].startswith("Métropole"))
    assert metropole["nombre"] == 1
    assert metropole["url"] == "/exemples/?territoire=epci-200093201"
    assert metropole["precision"] == "Intercommunalité, Nord (59)"


def test_suggestions_counts_are_the_lists_counts(client, alliance):
    ExampleFactory(title="Jardin de Roubaix", territory_id=territory_pk("commune-59512"))
    found = suggestions(client, "nord")
    nord = next(t for t in found["territoires"] if t["libelle"] == "Nord")
    assert nord["precision"] == "Département (59)"
    assert nord["nombre"] == 2
    assert suggestions(client, "59")["territoires"][0]["libelle"] == "Nord"
    listed = client.get(nord["url"])
    assert listed.context["paginator"].count == 2
    region = suggestions(client, "hauts de fr")["territoires"][0]
    assert (region["libelle"], region["nombre"]) == ("Hauts-de-France", 2)


def territory_pk(slug):
    from territoires.models import Territory

    return Territory.objects.get(slug=slug).pk


def test_suggestions_only_places_with_published_examples(client, alliance):
    # Lillebonne, Lillers… exist, but no example lies there: a suggestion never leads nowhere.
    assert labels(suggestions(client, "lil"), "territoires") == [
        "Lille",
        "Métropole Européenne de Lille",
    ]


def test_suggestions_themes_with_counts_and_filter_urls(client, alliance):
    found = suggestions(client, "num")
    assert found["themes"][0] == {
        "libelle": "Numérique",
        "precision": "Domaine",
        "nombre": 1,
        "url": "/exemples/?domaine=numerique",
    }
    themes = {t["libelle"]: t for t in suggestions(client, "educ")["themes"]}
    assert themes["ODD 4 : Éducation de qualité"]["url"] == "/exemples/?odd=4"
    assert themes["ODD 4 : Éducation de qualité"]["nombre"] == 1
    assert themes["Éducation et jeunesse"]["nombre"] == 1
    entreprise = suggestions(client, "entrep")["themes"][0]
    assert (entreprise["url"], entreprise["nombre"]) == ("/exemples/?type_acteur=entreprise", 1)
    assert suggestions(client, "faire all")["themes"][0]["precision"] == (
        "Objectif de « faire alliance »"
    )


def test_suggestions_ignore_accents_and_case(client, alliance):
    for typed in ("ÉCOL", "ecol", "Écol", "école du"):
        assert labels(suggestions(client, typed), "exemples") == ["École du numérique partagée"]
    assert labels(suggestions(client, "debrou"), "acteurs") == [
        "Les Petits Débrouillards Hauts-de-France"
    ]


def test_suggestions_match_the_beginning_of_words_only(client, alliance):
    assert "exemples" not in suggestions(client, "cole")  # inside « école »
    assert labels(suggestions(client, "partag"), "exemples") == ["École du numérique partagée"]


def test_suggestions_of_actors_and_examples_link_to_their_pages(client, alliance):
    found = suggestions(client, "numeri")
    assert found["acteurs"] == [
        {
            "libelle": "Numérique Solidaire SA",
            "precision": "Entreprise, Lille",
            "url": "/acteurs/numerique-solidaire-sa/",
        }
    ]
    assert found["exemples"] == [
        {
            "libelle": "École du numérique partagée",
            "precision": "Lille (59)",
            "url": alliance.get_absolute_url(),
        }
    ]


def test_drafts_and_their_actors_are_never_suggested(client, alliance):
    assert labels(suggestions(client, "atelier"), "exemples") == []
    assert labels(suggestions(client, "brouillon"), "exemples") == []
    assert labels(suggestions(client, "debrou"), "acteurs") == [
        "Les Petits Débrouillards Hauts-de-France"
    ]


def test_suggestions_are_at_most_five_per_group_the_newest_examples_first(client):
    for number in range(8):
        ExampleFactory(title=f"Solidarité numéro {number}")
    found = suggestions(client, "sol")
    assert labels(found, "exemples") == [f"Solidarité numéro {n}" for n in (7, 6, 5, 4, 3)]
    assert all(len(group) <= 5 for group in found.values())


def test_suggestions_follow_renames_publications_and_archives(client, alliance):
    suggestions(client, "ecol")  # built from now on, then followed through the change log
    alliance.title = "Fablab du numérique partagé"
    services.save_example(example=alliance, user=None, is_new=False,
                          expected_version=alliance.version)  # fmt: skip
    assert labels(suggestions(client, "ecol"), "exemples") == []
    assert labels(suggestions(client, "fabl"), "exemples") == ["Fablab du numérique partagé"]

    draft = Example.objects.get(title="Atelier de l'école en brouillon")
    services.change_examples(examples=[draft], user=None, status="publie", message="Publié")
    assert labels(suggestions(client, "atel"), "exemples") == ["Atelier de l'école en brouillon"]
    # The name that begins with the word typed first.
    assert labels(suggestions(client, "debrou"), "acteurs") == [
        "Débrouille secrète",
        "Les Petits Débrouillards Hauts-de-France",
    ]
    services.change_examples(examples=[draft], user=None, status="archive", message="Archivé")
    assert labels(suggestions(client, "atel"), "exemples") == []
    assert labels(suggestions(client, "debrou"), "acteurs") == [
        "Les Petits Débrouillards Hauts-de-France"
    ]


def test_a_new_worker_starts_with_the_suggestions_of_the_snapshot(
    client, alliance, django_assert_num_queries
):
    """Building the names costs seconds at 100,000 examples: a new worker loads them."""
    suggestions(client, "lil")
    index = facets.current_index()
    loaded = pickle.loads(pickle.dumps(index))
    assert loaded.suggestions is not None
    with django_assert_num_queries(0):
        found = loaded.suggestions.territories("lil", loaded)
    assert found == index.suggestions.territories("lil", index) != []


def test_suggestions_query_count_does_not_grow_with_the_catalogue(
    client, alliance, django_assert_num_queries
):
    suggestions(client, "numeri")  # the process builds its suggestions once
    # The public version, then the names of the actors and of the examples shown.
    with django_assert_num_queries(3):
        suggestions(client, "numeri")
    for number in range(10):
        ExampleFactory(title=f"Numérique solidaire {number}", partners=[ActorFactory()])
    suggestions(client, "numeri")
    with django_assert_num_queries(3):
        assert len(suggestions(client, "numeri")["exemples"]) == 5


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 101}, "trop longue"),
        ({"q": "lil\x01"}, "caractère de contrôle"),
        ({"q": ["lil", "rou"]}, "Un seul paramètre"),
    ],
)
def test_bad_input_is_a_400_in_french_json(client, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["erreur"]


def test_fewer_than_two_letters_suggest_nothing(client, alliance):
    assert suggestions(client, "l") == {}
    assert suggestions(client, "  ") == {}
    assert suggestions(client, "") == {}
    assert client.get(URL).json() == {"q": "", "groupes": []}


def test_suggestions_are_throttled_per_client(client, settings):
    settings.SUGGESTION_RATE_LIMIT = 2
    for _ in range(2):
        assert client.get(URL, {"q": "lil"}).status_code == 200
    refused = client.get(URL, {"q": "lil"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "Trop de demandes" in refused.json()["erreur"]


def test_suggestions_are_cached_until_the_public_version_changes(
    client, alliance, page_cache, django_assert_num_queries
):
    suggestions(client, "lil")
    with django_assert_num_queries(1):  # the public version
        suggestions(client, "lil")
    ExampleFactory(title="Lilas en fête")
    assert labels(suggestions(client, "lil"), "exemples") == ["Lilas en fête"]


class InlineThread:
    """A thread that runs its target when started (the test's transaction sees its reads)."""

    def __init__(self, target, args, daemon):
        self.target, self.args = target, args

    def start(self):
        self.target(*self.args)


def test_a_large_catalogue_builds_its_suggestions_apart_and_says_so(client, monkeypatch):
    """Beyond BUILD_IN_REQUEST_UP_TO published examples (48 s at 1,000,000), a worker builds
    its suggestions in a thread of its own: the request that starts it gets a 503 in French
    that no cache keeps, the next ones the suggestions."""
    from catalogue import suggestions as names

    ExampleFactory(title="Ludothèque de Lille")
    monkeypatch.setattr(names, "BUILD_IN_REQUEST_UP_TO", 0)
    monkeypatch.setattr(names.threading, "Thread", InlineThread)
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    waiting = client.get(URL, {"q": "ludo"})
    assert waiting.status_code == 503 and waiting["Retry-After"]
    assert "réessayez" in waiting.json()["erreur"]
    assert not names._building["lock"].locked()
    assert labels(suggestions(client, "ludo"), "exemples") == ["Ludothèque de Lille"]
