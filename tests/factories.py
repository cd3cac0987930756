import factory
from factory.django import DjangoModelFactory

from catalogue import changes
from catalogue.choices import ActorType, ExampleStatus, PartnerRole
from catalogue.models import Actor, Domain, Example, Objective, Partnership, PartnershipType
from territoires.models import Territory


def territory(slug):
    return factory.LazyFunction(lambda: Territory.objects.get(slug=slug))


class ActorFactory(DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Association d'essai {n}")
    actor_type = ActorType.ASSOCIATION
    territory = territory("commune-59350")


class ExampleFactory(DjangoModelFactory):
    """A published example in Lille; pass partners=[(actor, role), …], domains=[…], odd=[4, 17]."""

    class Meta:
        model = Example
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Alliance d'essai numéro {n}")
    summary = "Un partenariat local entre acteurs de natures différentes."
    status = ExampleStatus.PUBLIE
    territory = territory("commune-59350")
    start_year = 2020

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        for position, item in enumerate(extracted or []):
            actor, role = item if isinstance(item, tuple) else (item, PartnerRole.PARTENAIRE)
            Partnership.objects.create(example=self, actor=actor, role=role, position=position)

    @factory.post_generation
    def domains(self, create, extracted, **kwargs):
        if extracted:
            self.domains.set(Domain.objects.filter(slug__in=extracted))

    @factory.post_generation
    def odd(self, create, extracted, **kwargs):
        if extracted:
            self.objectives.add(*Objective.objects.filter(family="odd", number__in=extracted))

    @factory.post_generation
    def alliance(self, create, extracted, **kwargs):
        if extracted:
            self.objectives.add(*Objective.objects.filter(family="alliance", number__in=extracted))

    @factory.post_generation
    def partnership_types(self, create, extracted, **kwargs):
        if extracted:
            self.partnership_types.set(PartnershipType.objects.filter(slug__in=extracted))

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # Written as a bulk writer does: the example and its lists, then named to the write
        # path (catalogue.changes), which indexes it and renews the public version.
        if create:
            with changes.writing() as change:
                change.created([instance.pk])


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    is_staff = True
    password = factory.django.Password("mot-de-passe-essai")


class CuratorFactory(UserFactory):
    """A staff member of the « Curateurs » group (created by migration catalogue 0004)."""

    username = factory.Sequence(lambda n: f"curatrice{n}")

    @factory.post_generation
    def curators_group(self, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        self.groups.add(Group.objects.get(name="Curateurs"))
