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
