import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalogue.models import Actor, Example
from catalogue.validators import luhn_is_valid, validate_rna, validate_siren

from .factories import ActorFactory, ExampleFactory

pytestmark = pytest.mark.django_db


def test_example_reference_is_assigned_when_blank():
    example = ExampleFactory()
    assert example.reference == f"IA-{example.pk:05d}"
    assert Example.objects.get(pk=example.pk).reference == example.reference


def test_example_reference_is_kept_when_given():
    example = ExampleFactory(reference="IA-77777")
    assert Example.objects.get(pk=example.pk).reference == "IA-77777"


def test_example_references_are_unique():
    ExampleFactory(reference="IA-00500")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExampleFactory(reference="IA-00500")


def test_example_slug_is_made_unique_from_the_title():
    first = ExampleFactory(title="École et entreprises")
    second = ExampleFactory(title="École et entreprises")
    assert first.slug == "ecole-et-entreprises"
    assert second.slug == "ecole-et-entreprises-2"


def test_example_slugs_are_unique_in_the_database():
    ExampleFactory(slug="meme-identifiant")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExampleFactory(slug="meme-identifiant")


def test_actor_slugs_are_unique():
    ActorFactory(name="Les Jardins")
    assert ActorFactory(name="Les Jardins").slug == "les-jardins-2"
    with pytest.raises(IntegrityError), transaction.atomic():
        ActorFactory(slug="les-jardins")


@pytest.mark.parametrize("siren", ["732829320", "552100554", "356000000"])
def test_siren_with_valid_luhn_key_is_accepted(siren):
    validate_siren(siren)
    assert luhn_is_valid(siren)


@pytest.mark.parametrize(
    ("siren", "message"),
    [("732829321", "clé de contrôle"), ("12345678", "9 chiffres"), ("73282932A", "9 chiffres")],
)
def test_siren_with_bad_key_or_format_is_refused(siren, message):
    with pytest.raises(ValidationError, match=message):
        validate_siren(siren)


def test_actor_full_clean_names_the_bad_siren():
    actor = ActorFactory.build(siren="732829321")
    with pytest.raises(ValidationError) as error:
        actor.full_clean()
    assert "siren" in error.value.message_dict


def test_two_actors_cannot_share_a_siren_but_many_may_have_none():
    ActorFactory(siren="732829320")
    ActorFactory(siren="")
    ActorFactory(siren="")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActorFactory(siren="732829320")
    assert Actor.objects.filter(siren="").count() == 2


@pytest.mark.parametrize("rna", ["W595012345", "W2A1000123"])
def test_rna_format_is_accepted(rna):
    validate_rna(rna)


@pytest.mark.parametrize("rna", ["595012345", "W59501234", "X595012345", "w595012345"])
def test_rna_with_bad_format_is_refused(rna):
    with pytest.raises(ValidationError, match="RNA"):
        validate_rna(rna)


def test_end_year_before_start_year_is_refused_by_validation_and_database():
    example = ExampleFactory.build(start_year=2020, end_year=2019)
    with pytest.raises(ValidationError, match="postérieure"):
        example.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExampleFactory(start_year=2020, end_year=2019)


@pytest.mark.parametrize("year", [1900, 2500])
def test_years_out_of_range_are_refused(year):
    example = ExampleFactory.build(start_year=year)
    with pytest.raises(ValidationError) as error:
        example.full_clean()
    assert "start_year" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ExampleFactory(start_year=year)


def test_a_well_formed_example_passes_full_clean():
    example = ExampleFactory.build(start_year=2019, end_year=2021, reference="IA-99999")
    example.full_clean()


@pytest.mark.parametrize("pk", [42, 123_456])
def test_reference_expression_numbers_like_format_reference(pk):
    ExampleFactory(pk=pk, reference="provisoire")
    Example.objects.filter(pk=pk).update(reference=Example.reference_expression())
    assert Example.objects.get(pk=pk).reference == Example.format_reference(pk)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("  École   Élémentaire ", "ecole elementaire"),
        ("Œuvre d'Æsop", "oeuvre d'aesop"),
        ("Ĳsselmeer ǅemal", "ijsselmeer dzemal"),
        ("straße Ω", "straße ω"),
        ("Cafe\u0301", "cafe"),  # an accent already decomposed
    ],
)
def test_fold_lowers_and_strips_accents_and_spaces(text, folded):
    from french.text import fold

    assert fold(text) == folded
