"""Generate plausible, clearly fictitious alliance examples for demonstrations and benchmarks."""

import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalogue import search_index
from catalogue.choices import ActorType, ExampleStatus, ObjectiveFamily, PartnerRole, Scale
from catalogue.models import (
    Actor,
    Domain,
    Example,
    Objective,
    Partnership,
    PartnershipType,
)
from french.text import free_slug
from territoires.models import Territory, TerritoryLevel

DEMO_NOTE = "Exemple fictif généré pour la démonstration : aucune de ces informations n'est réelle."
ACTOR_NOTE = "Acteur fictif (données de démonstration)."

PROJECTS = {
    "education-et-jeunesse": [
        "Soutien scolaire partagé",
        "Parcours de découverte des métiers",
        "Tutorat entre élèves et salariés",
        "Classes ouvertes sur l'entreprise",
        "Fabrique à projets des jeunes",
    ],
    "emploi-et-insertion": [
        "Chantier d'insertion",
        "Parrainage vers l'emploi",
        "Groupement d'employeurs solidaire",
        "Atelier de remobilisation professionnelle",
        "Plateforme de recrutement inclusif",
    ],
    "sante": [
        "Maison de santé partagée",
        "Prévention santé au travail",
        "Parcours sport-santé",
        "Café des aidants",
    ],
    "solidarites": [
        "Épicerie solidaire",
        "Réseau de visites aux personnes isolées",
        "Bagagerie solidaire",
        "Conciergerie solidaire",
    ],
    "environnement-et-transition-ecologique": [
        "Ressourcerie",
        "Plantation de haies bocagères",
        "Rénovation énergétique accompagnée",
        "Réemploi des matériaux du bâtiment",
        "Atlas de la biodiversité communale",
    ],
    "alimentation": [
        "Légumerie solidaire",
        "Cantine en circuit court",
        "Jardins partagés",
        "Lutte contre le gaspillage alimentaire",
    ],
    "culture": [
        "Résidence d'artistes",
        "Micro-folie itinérante",
        "Festival coopératif",
        "Bibliothèque hors les murs",
    ],
    "sport": ["Sport pour tous dans les quartiers", "Club inclusif", "Terrain multisport partagé"],
    "habitat-et-cadre-de-vie": [
        "Habitat intergénérationnel",
        "Tiers-lieu de quartier",
        "Auto-réhabilitation accompagnée",
    ],
    "mobilite": [
        "Garage solidaire",
        "Covoiturage rural",
        "Location de vélos à assistance électrique",
        "Transport à la demande solidaire",
    ],
    "numerique": [
        "Conseillers numériques mutualisés",
        "Reconditionnement d'ordinateurs",
        "Atelier d'inclusion numérique",
    ],
    "developpement-economique-local": [
        "Pôle territorial de coopération économique",
        "Boutique à l'essai",
        "Achats responsables locaux",
    ],
    "citoyennete-et-vie-associative": [
        "Budget participatif accompagné",
        "Bénévolat de compétences",
        "Maison des associations",
    ],
    "handicap": ["Emploi accompagné", "Loisirs adaptés partagés"],
    "egalite-femmes-hommes": [
        "Mentorat de créatrices d'entreprise",
        "Réseau contre les violences au travail",
    ],
}

ACTOR_NAMES = {
    ActorType.ASSOCIATION: [
        "Association {p} de {place}",
        "Les Amis de {place}",
        "{p} Solidarité {place}",
        "Collectif associatif {p} {place}",
    ],
    ActorType.ENTREPRISE: [
        "{p} Services {place}",
        "Atelier {p} de {place}",
        "Coopérative {p} {place}",
        "{p} Énergies {place}",
    ],
    ActorType.FONDATION: ["Fondation {p} {place}", "Fonds de dotation {p} {place}"],
    ActorType.COLLECTIVITE: [
        "Commune de {place}",
        "Communauté de communes {p} {place}",
        "Conseil départemental de {place}",
    ],
    ActorType.ETAT: ["Services de l'État de {place}", "Agence publique {p} {place}"],
    ActorType.SYNDICAT: ["Union locale {p} de {place}", "Syndicat professionnel {p} {place}"],
    ActorType.ACCOMPAGNEMENT: [
        "Incubateur {p} {place}",
        "Maison de l'emploi de {place}",
        "Réseau d'accompagnement {p} {place}",
    ],
    ActorType.ACADEMIQUE: ["Laboratoire {p} de {place}", "Institut universitaire {p} {place}"],
    ActorType.CITOYENS: ["Collectif d'habitants de {place}", "Groupe citoyen {p} {place}"],
}
WORDS = [
    "Horizon",
    "Trait d'union",
    "Cap",
    "Racines",
    "Élan",
    "Passerelle",
    "Ricochet",
    "Boussole",
    "Écume",
    "Archipel",
    "Sillon",
    "Envol",
]

PARTNER_MIXES = [
    [ActorType.ASSOCIATION, ActorType.ENTREPRISE],
    [ActorType.ASSOCIATION, ActorType.COLLECTIVITE],
    [ActorType.ENTREPRISE, ActorType.COLLECTIVITE, ActorType.ASSOCIATION],
    [ActorType.FONDATION, ActorType.ASSOCIATION],
    [ActorType.ASSOCIATION, ActorType.ACADEMIQUE, ActorType.ENTREPRISE],
    [ActorType.COLLECTIVITE, ActorType.ETAT, ActorType.ASSOCIATION, ActorType.ACCOMPAGNEMENT],
    [ActorType.CITOYENS, ActorType.COLLECTIVITE],
    [ActorType.SYNDICAT, ActorType.ENTREPRISE, ActorType.ASSOCIATION],
]


class Command(BaseCommand):
    help = (
        "Crée des exemples d'alliances fictifs (données de démonstration), de façon reproductible."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1200)
        parser.add_argument("--seed", type=int, default=17)
        parser.add_argument(
            "--if-empty", action="store_true", help="ne rien faire si des exemples existent déjà"
        )
        parser.add_argument(
            "--all-published", action="store_true", help="publier tous les exemples (bancs d'essai)"
        )

    def handle(self, *args, count, seed, if_empty, all_published, **options):
        if count < 1:
            raise CommandError("--count doit être un entier positif.")
        if if_empty and Example.objects.exists():
            self.stdout.write(
                "Des exemples existent déjà : aucune donnée de démonstration ajoutée."
            )
            return
        places = list(
            Territory.objects.filter(level=TerritoryLevel.COMMUNE, population__gte=3000)
            .order_by("code")
            .values_list("pk", "name", "parent_id")
        )
        if not places:
            raise CommandError(
                "Aucun territoire : lancez d'abord « manage.py load_reference_data »."
            )
        with transaction.atomic():
            builder = DemoBuilder(random.Random(seed), places, all_published=all_published)
            created = builder.build(count)
        self.stdout.write(f"{created} exemples de démonstration créés.")


class DemoBuilder:
    def __init__(self, rng, places, *, all_published=False):
        self.rng = rng
        self.all_published = all_published
        self.places = places
        self.domains = {d.slug: d.pk for d in Domain.objects.all()}
        self.odd = list(
            Objective.objects.filter(family=ObjectiveFamily.ODD).values_list("number", "pk")
        )
        self.alliance = list(
            Objective.objects.filter(family=ObjectiveFamily.ALLIANCE).values_list("pk", flat=True)
        )
        self.partnership_types = list(PartnershipType.objects.values_list("pk", flat=True))
        self.actor_slugs = set(Actor.objects.values_list("slug", flat=True))
        self.example_slugs = set(Example.objects.values_list("slug", flat=True))

    def make_actors(self, count):
        actors = []
        for _ in range(count):
            actor_type = self.rng.choice(list(ACTOR_NAMES))
            territory_pk, place, _ = self.rng.choice(self.places)
            name = self.rng.choice(ACTOR_NAMES[actor_type]).format(
                p=self.rng.choice(WORDS), place=place
            )
            actors.append(
                Actor(
                    name=name,
                    slug=free_slug(name, taken=self.actor_slugs, max_length=80),
                    actor_type=actor_type,
                    territory_id=territory_pk,
                    description=ACTOR_NOTE,
                )
            )
        for actor in actors:
            actor.set_folded_name()  # bulk_create() skips Actor.save()
        return Actor.objects.bulk_create(actors, batch_size=1000)

    def build(self, count):
        rng = self.rng
        actors = self.make_actors(max(20, count))
        by_type = {}
        for actor in actors:
            by_type.setdefault(actor.actor_type, []).append(actor.pk)
        examples, relations = [], []
        for _ in range(count):
            domain_slugs = rng.sample(sorted(PROJECTS), k=rng.choice([1, 1, 2, 3]))
            territory_pk, place, departement_pk = rng.choice(self.places)
            scale = rng.choices(
                [Scale.LOCAL, Scale.DEPARTEMENTAL, Scale.REGIONAL, Scale.NATIONAL],
                weights=[60, 20, 15, 5],
            )[0]
            if scale == Scale.DEPARTEMENTAL:
                territory_pk = departement_pk
            title = f"{rng.choice(PROJECTS[domain_slugs[0]])} à {place}"
            start_year = rng.randint(2012, 2024)
            mix = rng.choice(PARTNER_MIXES)
            summary = (
                f"Une alliance entre {', '.join(t.label.lower() for t in mix[:-1])} et "
                f"{mix[-1].label.lower()} pour agir ensemble à {place}."
            )
            examples.append(
                Example(
                    title=title,
                    slug=free_slug(title, taken=self.example_slugs, max_length=80),
                    summary=summary,
                    description=f"{summary}\n\n{DEMO_NOTE}",
                    status=self.pick_status(),
                    territory_id=territory_pk,
                    scale=scale,
                    start_year=start_year,
                    end_year=rng.choice([None, None, start_year + rng.randint(0, 4)]),
                )
            )
            odd = {pk for number, pk in self.odd if number == 17 and rng.random() < 0.6}
            odd |= {pk for _, pk in rng.sample(self.odd, k=rng.randint(1, 3))}
            relations.append(
                {
                    "domains": [self.domains[s] for s in domain_slugs if s in self.domains],
                    "objectives": sorted(odd) + rng.sample(self.alliance, k=rng.randint(1, 2)),
                    "partnership_types": rng.sample(self.partnership_types, k=rng.randint(1, 2)),
                    "partners": self.pick_partners(by_type, mix),
                }
            )
        examples = Example.objects.bulk_create(examples, batch_size=1000)
        Example.objects.filter(pk__in=[e.pk for e in examples]).update(
            reference=Example.reference_expression()
        )
        self.link(examples, relations)
        search_index.update_search_index([example.pk for example in examples])
        return len(examples)

    def pick_status(self):
        statuses = [ExampleStatus.PUBLIE, ExampleStatus.BROUILLON, ExampleStatus.ARCHIVE]
        status = self.rng.choices(statuses, weights=[90, 7, 3])[0]
        return ExampleStatus.PUBLIE if self.all_published else status

    def pick_partners(self, by_type, mix):
        partners = []
        for position, actor_type in enumerate(mix):
            pool = by_type.get(actor_type)
            if pool:
                role = (
                    PartnerRole.PORTEUR
                    if position == 0
                    else self.rng.choice(
                        [
                            PartnerRole.PARTENAIRE,
                            PartnerRole.PARTENAIRE,
                            PartnerRole.FINANCEUR,
                            PartnerRole.ACCOMPAGNATEUR,
                        ]
                    )
                )
                actor_pk = self.rng.choice(pool)
                if actor_pk not in {pk for pk, _ in partners}:
                    partners.append((actor_pk, role))
        return partners

    def link(self, examples, relations):
        for field in ("domains", "objectives", "partnership_types"):
            descriptor = getattr(Example, field)
            through = descriptor.through
            target = f"{descriptor.field.m2m_reverse_field_name()}_id"
            through.objects.bulk_create(
                [
                    through(example_id=example.pk, **{target: pk})
                    for example, rel in zip(examples, relations, strict=True)
                    for pk in rel[field]
                ],
                batch_size=2000,
            )
        Partnership.objects.bulk_create(
            [
                Partnership(example_id=example.pk, actor_id=actor_pk, role=role, position=position)
                for example, rel in zip(examples, relations, strict=True)
                for position, (actor_pk, role) in enumerate(rel["partners"])
            ],
            batch_size=2000,
        )
