"""No input makes a public page answer 5xx: property-based requests (Hypothesis) with any
query parameters, known or not, on every public list page, the Repères, the feed and the
API's lists. Bounded (max_examples) so that the run takes a few seconds."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.choices import ActorType

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/",
    "/exemples/",
    "/acteurs/",
    "/territoires/",
    "/domaines/",
    "/odd/",
    "/reperes/",
    "/reperes/region-32/",
    "/exemples/flux.atom",
    "/exemples/suggestions/",
    "/api/v1/exemples/",
    "/api/v1/acteurs/",
    "/api/v1/territoires/",
    "/api/v1/domaines/",
    "/api/v1/objectifs/",
]
# Every parameter the pages above read, and a few they do not.
PARAMETERS = [
    "q", "territoire", "type_acteur", "entre_pairs", "domaine", "odd", "objectif",
    "type_partenariat", "echelle", "acteur", "annee_min", "annee_max", "tri", "page",
    "par_page", "suite", "niveau", "parent", "format", "ordering", "limit", "offset",
]  # fmt: skip
PLAUSIBLE = [
    "region-32", "commune-59350", "departement-59", "association", "entreprise", "17",
    "0", "-1", "2021", "99999999999999999999999", "1e5", "NaN", "[]", "{}", "%", "_",
    "'", '"', "\\", "../", "a" * 300, "É", "ß", "‮", "\ud7ff", "🙂", "<script>", "' OR 1=1 --",
    "titre", "-titre", "pertinence", "recent", "région", "national",
]  # fmt: skip

values = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=40))
names = st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=12))
queries = st.lists(st.tuples(names, values), max_size=6)


@pytest.fixture
def catalogue(db):
    actor = ActorFactory(name="Les Jardins du Nord", actor_type=ActorType.ASSOCIATION)
    ExampleFactory(title="Verger partagé", partners=[(actor, "porteur")], odd=[2, 17])
    ExampleFactory(title="École du numérique")


@settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(url=st.sampled_from(PUBLIC_URLS), query=queries)
def test_no_query_string_makes_a_public_page_fail(client, catalogue, url, query):
    response = client.get(f"{url}?{urlencode(query)}")
    assert response.status_code < 500, (url, query)
