import pytest
from django.core.management import call_command

from catalogue.models import Domain, Objective, PartnershipType
from territoires.models import Territory

pytestmark = pytest.mark.django_db


def test_there_are_17_odd_with_un_colours_and_4_alliance_objectives():
    odd = Objective.objects.filter(family="odd")
    assert odd.count() == 17
    assert odd.get(number=17).short_name == "Partenariats pour la réalisation des objectifs"
    assert odd.get(number=1).color == "#E5243B"
    alliance = Objective.objects.filter(family="alliance").order_by("number")
    assert [o.short_name for o in alliance] == [
        "Concilier performance et engagement",
        "Équilibrer les modèles socio-économiques",
        "Innover",
        "Co-construire localement",
    ]


def test_partnership_types_and_domains_are_loaded():
    assert set(PartnershipType.objects.values_list("slug", flat=True)) == {
        "mecenat",
        "pratiques-responsables",
        "cooperation-economique",
        "innovation-societale",
    }
    assert Domain.objects.filter(slug="education-et-jeunesse").exists()
    assert Domain.objects.count() >= 13


def test_territory_counts_match_the_code_officiel_geographique():
    assert Territory.objects.filter(level="pays").count() == 1
    assert Territory.objects.filter(level="region").count() == 18
    assert Territory.objects.filter(level="departement").count() == 101
    assert 34_000 < Territory.objects.filter(level="commune").count() < 36_000
    assert Territory.objects.filter(level="epci").count() > 1_200


def snapshot():
    return (
        list(Objective.objects.order_by("family", "number").values_list()),
        list(Domain.objects.order_by("slug").values_list()),
        Territory.objects.count(),
        Territory.member_of.through.objects.count(),
        list(
            Territory.objects.filter(level__in=["region", "departement"])
            .order_by("slug")
            .values_list()
        ),
        list(
            Territory.objects.filter(slug__startswith="commune-59").order_by("slug").values_list()
        ),
    )


def test_loading_reference_data_twice_changes_nothing():
    before = snapshot()
    call_command("load_reference_data", verbosity=0)
    assert snapshot() == before
