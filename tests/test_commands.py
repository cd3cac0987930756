import pytest
from django.core.management import call_command

from catalogue.models import Actor, Example, Partnership

pytestmark = pytest.mark.django_db


def demo_titles():
    return list(Example.objects.order_by("pk").values_list("title", "territory__slug", "status"))


def test_demo_data_is_deterministic_and_marked_as_fictitious():
    call_command("generate_demo_data", count=40, seed=3, verbosity=0)
    first = demo_titles()
    assert len(first) == 40
    assert all("fictif" in d for d in Example.objects.values_list("description", flat=True))
    assert Partnership.objects.count() >= 80
    Example.objects.all().delete()
    Actor.objects.all().delete()
    call_command("generate_demo_data", count=40, seed=3, verbosity=0)
    assert demo_titles() == first


def test_demo_data_mixes_actor_types_and_assigns_references():
    call_command("generate_demo_data", count=60, seed=1, verbosity=0)
    assert Actor.objects.values("actor_type").distinct().count() >= 5
    assert not Example.objects.filter(reference__isnull=True).exists()
    assert Example.objects.filter(partnerships__isnull=True).count() == 0


def test_demo_data_if_empty_adds_nothing_to_a_filled_catalogue():
    call_command("generate_demo_data", count=5, seed=1, verbosity=0)
    call_command("generate_demo_data", count=5, seed=1, if_empty=True, verbosity=0)
    assert Example.objects.count() == 5


def region_of(territory):
    """The région slug in a territory's path (/pays-fr/region-32/…), or None for the pays."""
    return next((part for part in territory.path.split("/") if part.startswith("region-")), None)


def test_demo_partners_are_mostly_based_in_the_region_of_their_example():
    call_command("generate_demo_data", count=300, seed=17, verbosity=0)
    partnerships = Partnership.objects.select_related("example__territory", "actor__territory")
    same = [region_of(p.actor.territory) == region_of(p.example.territory) for p in partnerships]
    assert len(same) >= 600
    assert sum(same) / len(same) >= 0.8


def test_demo_collectivites_are_named_after_the_territory_of_their_level():
    call_command("generate_demo_data", count=300, seed=17, verbosity=0)
    councils = Actor.objects.filter(actor_type="collectivite").select_related("territory")
    assert councils.count() >= 30
    for council in councils:
        territory = council.territory
        if territory.level == "commune":
            assert council.name.startswith(("Mairie ", "Ville ")), council.name
            assert council.name.endswith(territory.name.removeprefix("Le ").removeprefix("Les "))
        elif territory.level == "departement":
            assert council.name.startswith("Conseil départemental "), council.name
            assert council.name.endswith(territory.name), council.name
        else:
            assert (territory.level, council.name) == ("region", f"Région {territory.name}")
    names = set(Actor.objects.values_list("name", flat=True))
    assert "Conseil départemental du Finistère" in names or "Conseil départemental du Nord" in names


def test_demo_names_take_the_french_article_of_their_place():
    from catalogue.demo_names import of, of_commune

    assert of("Finistère") == "du Finistère"
    assert of("Gironde") == "de la Gironde"
    assert of("Ain") == "de l'Ain"
    assert of("Hérault") == "de l'Hérault"
    assert of("Landes") == "des Landes"
    assert of("Haute-Garonne") == "de la Haute-Garonne"
    assert of("Paris") == "de Paris"
    assert of_commune("Le Mans") == "du Mans"
    assert of_commune("Arras") == "d'Arras"
    assert of_commune("Bailleul") == "de Bailleul"
