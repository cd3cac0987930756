"""The search relevance set: French queries, the examples a person expects, and the score.

Each query runs through the public path, `ExampleFilterSet({"q": query}).qs` (relevance
order), over the fixed corpus of tests/search_corpus.py, and states:
- `relevant`: every example a person would expect for it (the yardstick of P@10 and recall);
- `must_top10`: the examples that must be among the first ten results;
- `must_not`: the examples that must not appear at all (the traps);
- `must_first`: where one example clearly answers best, the one that must come first;
- `ranked`: groups that must come in this order (title hits, then summary hits, then
  description hits).
No draft or archived example may ever appear. The summary test prints P@10 and recall per
query as a Markdown table and writes it to var/search-relevance-<vendor>.md.

Run it on both databases with `make relevance`.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils.html import strip_tags

from catalogue.filtersets import ExampleFilterSet
from territoires.models import Territory

from .search_corpus import (
    BY_KEY,
    CAEN,
    CLERMONT,
    COMMUNES,
    CULTURE,
    DRAFTS,
    EDU,
    EGALITE,
    LILLE,
    MARSEILLE,
    MECENAT,
    MONTREUIL,
    PARIS,
    QUIMPER,
    RENNES,
    SAINT_BRIEUC,
    SAINT_DENIS,
    SAINT_DENIS_974,
    SAINT_MALO,
    VANNES,
    build_corpus,
    in_commune,
    in_departement,
    in_region,
    with_alliance_objective,
    with_domain,
    with_odd,
    with_partner_type,
    with_type,
)

pytestmark = pytest.mark.django_db

MIN_MEAN_PRECISION_AT_10 = 0.95
MIN_MEAN_RECALL = 0.97
REPORT_DIR = Path(__file__).resolve().parent.parent / "var"


@dataclass(frozen=True)
class Query:
    text: str
    relevant: frozenset[str]
    must_top10: frozenset[str]
    must_not: frozenset[str] = frozenset()
    must_first: str | None = None
    ranked: tuple[frozenset[str], ...] = ()


def query(text, relevant, *, top10=None, must_not=(), first=None, ranked=()):
    """A query; `top10` defaults to every relevant example when there are ten or fewer."""
    relevant = frozenset(relevant)
    if top10 is None:
        assert len(relevant) <= 10, f"{text!r}: name the examples that must be in the top 10"
        top10 = relevant
    return Query(
        text=text,
        relevant=relevant,
        must_top10=frozenset(top10),
        must_not=frozenset(must_not),
        must_first=first,
        ranked=tuple(frozenset(group) for group in ranked),
    )


# --- What a person expects ------------------------------------------------------------------

ECOLE_IN_TITLE = {
    "ecole_ouverte",
    "ecoles_tablettes",
    "ecole_musique",
    "jardin_ecole",
    "velo_ecole",
    "ecoles_renovees",
}
ECOLE_IN_SUMMARY = {"classe_dehors", "tiers_lieu_numerique"}
ECOLE_IN_DESCRIPTION = {"tutorat_lyceens"}
ECOLE = ECOLE_IN_TITLE | ECOLE_IN_SUMMARY | ECOLE_IN_DESCRIPTION
# Found through the curators' synonyms (école, scolaire, écolier): « l'année scolaire ».
ECOLE_SYNONYMS = {"residence_ecrivains"}
ECOLOGIE = {"ecolieu", "ecologie_entreprises", "ecologie_urbaine", "chantier_ecologique"}
ENVIRONMENT = with_domain("environnement-et-transition-ecologique")
SPORT = with_domain("sport")
TRANSPORT = {"transport_solidaire", "transports_nuit"}
PASSEPORT = {"passeport_numerique"}
ART_IN_TITLE = {"art_rue", "arts_hopital", "street_art"}
ART = ART_IN_TITLE | {"residence_ecrivains"}
ART_LOOKALIKES = {  # artisans, artisanat, partenariat, quartier
    "artisans_apprentis",
    "main_d_oeuvre",
    "partenariat_quartier",
    "ecole_ouverte",
    "sport_coeur_quartier",
}
JARDINS_IN_TITLE = {
    "jardins_fives",
    "jardins_insertion",
    "jardins_toits",
    "jardin_hopital",
    "jardin_ecole",
}
JARDINS = JARDINS_IN_TITLE | {"potagers_immeuble"}
RESSOURCERIE_IN_TITLE = {"ressourcerie_deux_rives", "ressourcerie_sport"}
RESSOURCERIE = RESSOURCERIE_IN_TITLE | {"magasin_solidaire"}
BOUSSOLE = {"boussole_orientation", "cafe_aidants", "toit_apprentis"}
MECENAT_EXAMPLES = with_type(MECENAT) | {"achats_hotellerie"}  # the last one in its text only
BRETAGNE = in_region("region-53")
ILE_DE_FRANCE = in_region("region-11")
NORD = in_departement("departement-59")
HAUTS_DE_FRANCE_NOT_NORD = {"transports_nuit", "cantine_arras"}
SANTE = with_domain("sante") | with_odd(3)  # ODD 3: « Bonne santé et bien-être »
INNOVER = (
    with_alliance_objective(3)
    | with_type("innovation-societale")  # « Innovation sociétale »
    | with_odd(9)  # « Industrie, innovation et infrastructure »
)
VELO_WORDS = ("vélo", "vélos", "velo")
VELO = {"velo_ecole", "recyclerie_velos", "velo_travail"}
MECENAT_IN_TITLE = {"mecenat_competences_rennes", "illectronisme"}
MECENAT_LOOKALIKES = {"ecologie_entreprises", "partenariat_quartier"}
COLLEGE = {"boussole_orientation", "aide_devoirs", "sports_filles"} | {
    "cantine_arras",
    "residence_ecrivains",
}
BENEVOLES = {  # bénévoles, volontaires
    "velo_ecole",
    "boussole_orientation",
    "transport_solidaire",
    "chapelle_briochine",
    "musee_benevoles",
    "recyclerie_velos",
    "epicerie_etudiante",
    "passeport_numerique",
    "aide_devoirs",
}
COMPOST_RANKED = ({"compost_immeubles"}, {"cantines_zero_dechet"}, {"restaurants_gaspillage"})

QUERIES = [
    # A word matches its Snowball stem, accents, case and apostrophes ignored; never écologie.
    *(
        query(
            text,
            ECOLE | ECOLE_SYNONYMS,
            must_not=ECOLOGIE | BOUSSOLE,
            ranked=(ECOLE_IN_TITLE, ECOLE_IN_SUMMARY, ECOLE_IN_DESCRIPTION),
        )
        for text in ("ecole", "écoles", "ÉCOLES", "l'école")
    ),
    query(
        "écologique",
        ENVIRONMENT | ECOLOGIE,
        top10=ECOLOGIE - {"ecolieu"},
        must_not=ECOLE - ENVIRONMENT,
    ),
    query("sport", SPORT, must_not=TRANSPORT | PASSEPORT | {"bus_ruraux"}),
    query("transport", TRANSPORT, must_not=SPORT | PASSEPORT),
    *(
        query(text, ART, must_not=ART_LOOKALIKES, ranked=(ART_IN_TITLE, {"residence_ecrivains"}))
        for text in ("art", "arts")
    ),
    *(
        query(text, JARDINS, ranked=(JARDINS_IN_TITLE, {"potagers_immeuble"}))
        for text in ("jardin", "jardins")
    ),
    query(
        "ressourcerie",
        RESSOURCERIE,
        must_not={"recyclerie_velos"},
        ranked=(RESSOURCERIE_IN_TITLE, {"magasin_solidaire"}),
    ),
    # Typos: only for a word that matches nothing.
    query("jardnis", JARDINS, must_not=ECOLE - JARDINS),
    query("resourcerie", RESSOURCERIE, must_not={"recyclerie_velos"}),
    query("boussole", BOUSSOLE, first="boussole_orientation", must_not=ECOLE),
    # Facets as words: partnership types, territories, actor types, objectives, ODD.
    query(
        "mecenat",
        MECENAT_EXAMPLES,
        top10={"mecenat_competences_rennes", "illectronisme"},
        must_not={"ecologie_entreprises", "partenariat_quartier"},
    ),
    query(
        "mécénat Bretagne",
        with_type(MECENAT) & BRETAGNE,
        must_not={"estuaire", "opera_quartiers", "ecologie_entreprises", "chantier_ecologique"},
    ),
    query("nord", NORD, must_not=HAUTS_DE_FRANCE_NOT_NORD | {"residence_ecrivains"}),
    query(
        "bretagne",
        BRETAGNE,
        top10={"transport_solidaire"},
        first="transport_solidaire",  # « Centre-Bretagne » in its title
        must_not=in_commune("commune-44109"),  # Nantes: Pays de la Loire
    ),
    query(
        "finistère",
        in_departement("departement-29"),
        first="ecoles_tablettes",
        must_not=in_commune(RENNES),
    ),
    *(
        query(text, ILE_DE_FRANCE, must_not=in_commune(LILLE) | in_commune(RENNES))
        for text in ("Île-de-France", "ile de france")
    ),
    query(
        "lille",
        in_commune(LILLE),
        first="tremplin_emploi",  # « Lille-Sud » in its title
        must_not=NORD - in_commune(LILLE),
    ),
    query(
        "rennes",
        in_commune(RENNES),
        must_not={"cafe_aidants", "livres_retraite"},  # La Boussole's home is not the document
    ),
    query("emmaus", {"passeport_numerique", "illectronisme"}),
    query(
        "fondation",
        with_partner_type("fondation") | {"livres_retraite", "estuaire"},
        first="estuaire",
    ),
    query("académique", with_partner_type("academique")),
    query("innover", INNOVER),
    query(
        "co-construire",
        with_alliance_objective(4),
        must_not={"ecologie_entreprises", "tiers_lieu_numerique"},
    ),
    query("odd 13", with_odd(13), must_not={"epicerie_etudiante"}),  # ODD 1, 2 and 3
    query("climat", with_odd(13), must_not={"epicerie_etudiante"}),
    query("santé", SANTE, first="sport_sante"),
    # Hyphens, œ, apostrophes.
    query("tiers-lieu", {"street_art", "tiers_lieu_gare", "tiers_lieu_numerique"}),
    *(query(text, {"sport_coeur_quartier", "coeur_de_ville"}) for text in ("cœur", "coeur")),
    query(
        "l'emploi des jeunes",
        {"tremplin_emploi", "ecoles_renovees", "ring_solidaire", "artisans_apprentis"},
        first="tremplin_emploi",
        must_not={"ressourcerie_deux_rives", "ressourcerie_sport", "toit_apprentis"},
    ),
    query(
        "chantier d'insertion",
        {"chantier_ecologique", "ecoles_renovees"},
        first="chantier_ecologique",
        must_not={"voile_rade", "ecolieu", "logistique_insertion"},
    ),
    # Every word must match; stop words do not count.
    *(
        query(text, {"jardin_ecole"}, must_not=(ECOLE | JARDINS) - {"jardin_ecole"})
        for text in ("jardin ecole", "des jardins pour les écoles")
    ),
    query(
        "ressourcerie sport",
        {"ressourcerie_sport"},
        must_not={"ressourcerie_deux_rives", "sport_sante"},
    ),
    query("passeport numérique", PASSEPORT, first="passeport_numerique"),
    # Words found only in a description, and ranking across the fields.
    query("permaculture", {"jardins_insertion"}),
    query("réemploi", {"ressourcerie_deux_rives"}, must_not={"tremplin_emploi"}),
    query(
        "compost",
        set().union(*COMPOST_RANKED),
        first="compost_immeubles",
        ranked=COMPOST_RANKED,
    ),
    # --- Finding II: synonymes, fautes et zéro résultat ---------------------------------------
    # Synonyms (the groups seeded by catalogue migration 0016), below the word typed.
    query("scolaire", ECOLE | ECOLE_SYNONYMS, must_not=ECOLOGIE | BOUSSOLE),
    *(query(text, VELO, must_not={"bus_ruraux", "transport_solidaire"}) for text in VELO_WORDS),
    query("cycliste", VELO, must_not={"bus_ruraux"}),
    *(
        query(text, MECENAT_EXAMPLES, top10=MECENAT_IN_TITLE, must_not=MECENAT_LOOKALIKES)
        for text in ("mécène", "philanthropie")
    ),
    query(
        "collégien", COLLEGE, ranked=({"boussole_orientation", "aide_devoirs"}, {"cantine_arras"})
    ),
    # A lycée (maritime, agricole) is where lycéens are.
    query("lycéen", {"tutorat_lyceens", "eolien_dunkerque", "verger_fay"}, first="tutorat_lyceens"),
    query("digital", with_domain("numerique"), must_not={"ecoles_renovees"}),
    query("bénévolat", BENEVOLES, first="musee_benevoles", must_not={"savoir_nager"}),
    # ODD 2 says « promouvoir l'agriculture durable »: below the agriculteurs of Arras and the
    # lycée agricole of Fay-de-Bretagne (both summaries, through the synonyms).
    query(
        "paysans",
        {"cantine_arras", "verger_fay"} | with_odd(2),
        top10={"cantine_arras", "verger_fay"},
    ),
    query("gaspi", {"restaurants_gaspillage"}),
    # Typos: a word that nothing holds, corrected, then widened like the word itself.
    query("ecolle", ECOLE | ECOLE_SYNONYMS, must_not=ECOLOGIE | BOUSSOLE),
    query("mecenta", MECENAT_EXAMPLES, top10=MECENAT_IN_TITLE, must_not=MECENAT_LOOKALIKES),
    query("bénévles", BENEVOLES, first="musee_benevoles"),
    query("permaculturre", {"jardins_insertion"}),
    query("quimperr", in_commune(QUIMPER)),
    # A word of the catalogue is never "corrected", even one edit from a frequent one.
    query("vannes", in_commune(VANNES), must_not={"ecoles_renovees"}),
    # Zero-result rescue: a word that nothing holds, beside words that find something, is
    # left out (the page says so).
    query("compost lombricompostage", set().union(*COMPOST_RANKED), first="compost_immeubles"),
    query("ressourcerie upcycling", RESSOURCERIE, must_not={"recyclerie_velos"}),
    query("permaculture agroforesterie", {"jardins_insertion"}),
]

# --- Finding II: lieux et thèmes (catalogue.understanding) ------------------------------------
# A phrase that names a place ranks the examples located there (or below) first, above those
# that only contain its words (`ranked`); an ambiguous name ranks every place of that name
# first; « St » is « Saint »; themes and actors are recognised (UNDERSTOOD, below) and their
# words never corrected.
SAINT_DENIS_BOTH = in_commune(SAINT_DENIS) | in_commune(SAINT_DENIS_974)
FINDING_II_QUERIES = [
    query(
        "Bretagne",
        BRETAGNE | {"verger_fay"},
        top10={"transport_solidaire"},
        first="transport_solidaire",
        ranked=(BRETAGNE, {"verger_fay"}),
    ),
    query(
        "Marseille",
        in_commune(MARSEILLE) | {"savon_marseille"},
        ranked=(in_commune(MARSEILLE), {"savon_marseille"}),
    ),
    query(
        "Paris", in_commune(PARIS) | {"paris_brest"}, ranked=(in_commune(PARIS), {"paris_brest"})
    ),
    query(
        "Saint-Denis",
        SAINT_DENIS_BOTH | in_commune(MONTREUIL),  # Montreuil: in Seine-Saint-Denis
        ranked=(SAINT_DENIS_BOTH, in_commune(MONTREUIL)),
    ),
    query(
        "Seine-Saint-Denis", in_departement("departement-93"), must_not=in_commune(SAINT_DENIS_974)
    ),
    query("St-Malo", in_commune(SAINT_MALO), must_not=in_commune(SAINT_BRIEUC)),
    query("Clermont Ferrand", in_commune(CLERMONT)),
    query(
        "Rennes Métropole",
        {"chantier_ecologique", "toit_apprentis", "achats_cantines"},
        must_not={"mecenat_competences_rennes", "jardins_insertion", "ecologie_entreprises"},
    ),
    query("Hauts-de-France", in_region("region-32"), must_not=in_commune(CAEN)),
    query("Morbihan", in_departement("departement-56")),
    query("Éducation et jeunesse", with_domain(EDU), top10=()),
    query("éducation de qualité", with_odd(4)),
    query("ODD 4", with_odd(4)),
    query("co-construire localement", with_alliance_objective(4)),
    query("Égalité femmes-hommes", with_domain(EGALITE)),
    query("vie aquatique", with_odd(14)),
    query("Fondation Ker Avel", {"livres_retraite"}),
    query("culture Bretagne", with_domain(CULTURE) & BRETAGNE),
]
QUERIES += FINDING_II_QUERIES
# What each query above is understood as: (parameter, value) of its phrases' first offers.
UNDERSTOOD = {
    "Bretagne": [("territoire", "region-53")],
    "Marseille": [("territoire", "commune-13055")],
    "Paris": [("territoire", "departement-75")],
    "Saint-Denis": [("territoire", SAINT_DENIS), ("territoire", SAINT_DENIS_974)],
    "Seine-Saint-Denis": [("territoire", "departement-93")],
    "St-Malo": [("territoire", SAINT_MALO)],
    "Clermont Ferrand": [("territoire", CLERMONT)],
    "Rennes Métropole": [("territoire", "epci-243500139")],
    "Hauts-de-France": [("territoire", "region-32")],
    "Morbihan": [("territoire", "departement-56")],
    "Éducation et jeunesse": [("domaine", EDU)],
    "éducation de qualité": [("odd", "4")],
    "ODD 4": [("odd", "4")],
    "co-construire localement": [("objectif", "4")],
    "Égalité femmes-hommes": [("domaine", EGALITE)],
    "vie aquatique": [("odd", "14")],
    "Fondation Ker Avel": [("acteur", "fondation-ker-avel")],
    "culture Bretagne": [("domaine", CULTURE), ("territoire", "region-53")],
}


@pytest.mark.parametrize("text", list(UNDERSTOOD))
def test_finding_ii_queries_are_understood(corpus, text):
    filterset = ExampleFilterSet({"q": text})
    assert filterset.is_valid(), filterset.errors
    firsts = [(p.offers[0].kind, p.offers[0].value) for p in filterset.understanding.phrases]
    if text == "Saint-Denis":  # ambiguous: both communes of that name with examples
        firsts = [(o.kind, o.value) for o in filterset.understanding.offers]
    assert firsts == UNDERSTOOD[text]
    assert filterset.search_plan.corrections == []


# --- end of Finding II ------------------------------------------------------------------------


# --- Running a query --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """The corpus, built once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        examples = build_corpus()
        yield {example.pk: key for key, example in examples.items()}
        transaction.set_rollback(True)


@dataclass
class Outcome:
    keys: list[str]  # every result, in order
    corrections: object

    @property
    def top10(self):
        return self.keys[:10]

    def precision_at_10(self, relevant):
        shown = self.top10
        return sum(key in relevant for key in shown) / len(shown) if shown else 0.0

    def recall(self, relevant):
        return len(relevant & set(self.keys)) / len(relevant) if relevant else 1.0


def run(corpus, text):
    filterset = ExampleFilterSet({"q": text})
    assert filterset.is_valid(), filterset.errors
    keys = [corpus.get(pk, f"#{pk}") for pk in filterset.qs.values_list("pk", flat=True)]
    return Outcome(keys, filterset.search_plan.corrections)


# --- The set itself is consistent --------------------------------------------------------------


def test_relevance_set_names_existing_published_examples():
    assert len(QUERIES) >= 30
    for q in QUERIES:
        named = q.relevant | q.must_not | set().union(*q.ranked) | {q.must_first} - {None}
        assert named <= set(BY_KEY), (q.text, named - set(BY_KEY))
        assert q.relevant and not (q.relevant & DRAFTS), q.text
        assert q.must_top10 <= q.relevant, q.text
        assert not (q.must_not & q.relevant), (q.text, q.must_not & q.relevant)
        assert q.must_first is None or q.must_first in q.must_top10, q.text
        assert set().union(*q.ranked) <= q.relevant, q.text


def test_corpus_territories_match_the_reference_data(db):
    territories = Territory.objects.select_related("parent__parent").in_bulk(
        list(COMMUNES), field_name="slug"
    )
    for slug, (name, departement, region) in COMMUNES.items():
        commune = territories[slug]
        assert (commune.name, commune.parent.slug, commune.parent.parent.slug) == (
            name,
            departement,
            region,
        )


# --- One test per query ------------------------------------------------------------------------


@pytest.mark.parametrize("q", QUERIES, ids=[q.text for q in QUERIES])
def test_search_relevance(corpus, q):
    outcome = run(corpus, q.text)
    found = set(outcome.keys)
    shown = f"{q.text!r} → {outcome.keys[:12]}{' …' if len(outcome.keys) > 12 else ''}"
    drafts, traps = sorted(DRAFTS & found), sorted(q.must_not & found)
    assert not drafts, f"draft or archive {drafts} in {shown}"
    assert not traps, f"must not appear: {traps} in {shown}"
    missing = sorted(q.must_top10 - set(outcome.top10))
    assert not missing, f"missing from the top 10: {missing} in {shown}"
    if q.must_first:
        assert outcome.keys[0] == q.must_first, f"{q.must_first} must come first: {shown}"
    for better, worse in zip(q.ranked, q.ranked[1:], strict=False):
        last_better = max(outcome.keys.index(key) for key in better)
        first_worse = min(outcome.keys.index(key) for key in worse)
        in_order = last_better < first_worse
        assert in_order, f"{sorted(better)} must come before {sorted(worse)}: {shown}"


def test_search_relevance_summary(corpus, capsys):
    rows, precisions, recalls = [], [], []
    for q in QUERIES:
        outcome = run(corpus, q.text)
        precision, recall = outcome.precision_at_10(q.relevant), outcome.recall(q.relevant)
        precisions.append(precision)
        recalls.append(recall)
        rows.append(
            f"| {q.text} | {precision:.2f} | {recall:.2f} | {len(outcome.keys)} "
            f"| {len(q.relevant)} |"
        )
    mean_precision = sum(precisions) / len(precisions)
    mean_recall = sum(recalls) / len(recalls)
    vendor = connection.vendor
    table = "\n".join(
        [
            f"Jeu de pertinence, {vendor} : {len(QUERIES)} requêtes, "
            f"P@10 moyenne {mean_precision:.3f}, rappel moyen {mean_recall:.3f}.",
            "",
            "| requête | P@10 | rappel | résultats | pertinents |",
            "| --- | ---: | ---: | ---: | ---: |",
            *rows,
            f"| **moyenne** | **{mean_precision:.3f}** | **{mean_recall:.3f}** | | |",
            "",
        ]
    )
    REPORT_DIR.mkdir(exist_ok=True)
    (REPORT_DIR / f"search-relevance-{vendor}.md").write_text(table, encoding="utf-8")
    with capsys.disabled():
        print(f"\n{table}")
    assert mean_precision >= MIN_MEAN_PRECISION_AT_10
    assert mean_recall >= MIN_MEAN_RECALL


# --- Typo tolerance: a fallback, announced ------------------------------------------------------


def test_a_typo_is_corrected_to_a_word_of_the_catalogue(corpus):
    outcome = run(corpus, "jardnis")
    assert set(outcome.keys) >= JARDINS
    assert outcome.corrections == [("jardnis", "jardins")]
    assert run(corpus, "resourcerie").corrections == [("resourcerie", "ressourcerie")]


@pytest.mark.parametrize("text", ["ecole", "boussole", "jardins", "sport", "art", "mecenat"])
def test_a_word_that_matches_is_never_corrected(corpus, text):
    assert run(corpus, text).corrections == []


def test_boussole_is_never_taken_for_ecole(corpus):
    assert set(run(corpus, "boussole").keys) == BOUSSOLE


def test_the_list_page_announces_the_correction(corpus, client):
    response = client.get(reverse("catalogue:example_list"), {"q": "jardnis"})
    assert response.status_code == 200
    text = " ".join(strip_tags(response.content.decode()).split())  # no-break spaces too
    assert "Résultats pour « jardins » (au lieu de « jardnis »)" in text
