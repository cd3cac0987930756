"""Generate plausible, clearly fictitious alliance examples for demonstrations and benchmarks."""

import random
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError

from catalogue import changes
from catalogue.choices import ActorType, ExampleStatus, ObjectiveFamily, PartnerRole, Scale
from catalogue.demo_names import actor_name, collectivite_name, of
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
        with changes.writing() as change:
            builder = DemoBuilder(random.Random(seed), places, all_published=all_published)
            created = builder.build(count)
            change.rebuild(reindex=builder.created_ids)
        self.stdout.write(f"{created} exemples de démonstration créés.")


# Where a partner is based, relative to the example: its département, another
# département of its région, anywhere (a national actor).
NEARNESS = {"departement": 85, "region": 10, "france": 5}
# The chance that a partner slot reuses an actor already based there (networks recur).
REUSE = 0.4


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
        # Where places are: each département's name and région, each région's name.
        self.departements = {
            pk: (name, region_pk)
            for pk, name, region_pk in Territory.objects.filter(
                level=TerritoryLevel.DEPARTEMENT
            ).values_list("pk", "name", "parent_id")
        }
        self.regions = dict(
            Territory.objects.filter(level=TerritoryLevel.REGION).values_list("pk", "name")
        )
        self.communes_by_departement = defaultdict(list)
        for pk, name, departement_pk in places:
            self.communes_by_departement[departement_pk].append((pk, name))
        self.departements_by_region = defaultdict(list)
        for departement_pk in sorted(self.communes_by_departement):
            self.departements_by_region[self.departements[departement_pk][1]].append(departement_pk)
        self.pools = defaultdict(list)  # (département, actor type) -> actors based there
        self.collectivites = {}  # name -> actor: one council per territory
        self.new_actors = []

    def new_actor(self, name, actor_type, territory_pk):
        actor = Actor(
            name=name,
            slug=free_slug(name, taken=self.actor_slugs, max_length=80),
            actor_type=actor_type,
            territory_id=territory_pk,
            description=ACTOR_NOTE,
        )
        self.new_actors.append(actor)
        return actor

    def where(self, departement_pk):
        """(département, région) names of a département."""
        name, region_pk = self.departements[departement_pk]
        return name, self.regions[region_pk]

    def actor_near(self, actor_type, place):
        """An actor of `actor_type` based, most often, in the département of `place`."""
        rng = self.rng
        commune_pk, commune, departement_pk = place
        nearness = rng.choices(list(NEARNESS), weights=list(NEARNESS.values()))[0]
        home = departement_pk
        if nearness == "region":
            home = rng.choice(self.departements_by_region[self.departements[departement_pk][1]])
        elif nearness == "france":
            home = rng.choice(list(self.communes_by_departement))
        pool = self.pools[(home, actor_type)]
        if pool and rng.random() < REUSE:
            return rng.choice(pool)
        if home == departement_pk and rng.random() < 0.5:
            base_pk, base = commune_pk, commune
        else:
            base_pk, base = rng.choice(self.communes_by_departement[home])
        dept, region = self.where(home)
        name = actor_name(rng, actor_type, commune=base, dept=dept, region=region)
        actor = self.new_actor(name, actor_type, base_pk)
        pool.append(actor)
        return actor

    def collectivite(self, place, scale):
        """The council of the example's commune, département or région, by its scale."""
        commune_pk, commune, departement_pk = place
        dept, region = self.where(departement_pk)
        level, territory_pk = "commune", commune_pk
        if scale == Scale.DEPARTEMENTAL:
            level, territory_pk = "departement", departement_pk
        elif scale in (Scale.REGIONAL, Scale.NATIONAL):
            level, territory_pk = "region", self.departements[departement_pk][1]
        name = collectivite_name(self.rng, level, commune=commune, dept=dept, region=region)
        if name not in self.collectivites:
            self.collectivites[name] = self.new_actor(name, ActorType.COLLECTIVITE, territory_pk)
        return self.collectivites[name]

    def build(self, count):
        rng = self.rng
        examples, relations = [], []
        for _ in range(count):
            domain_slugs = rng.sample(sorted(PROJECTS), k=rng.choice([1, 1, 2, 3]))
            place = rng.choice(self.places)
            territory_pk, place_name, departement_pk = place
            scale = rng.choices(
                [Scale.LOCAL, Scale.DEPARTEMENTAL, Scale.REGIONAL, Scale.NATIONAL],
                weights=[60, 20, 15, 5],
            )[0]
            where = place_name
            if scale == Scale.DEPARTEMENTAL:
                territory_pk = departement_pk
                where = self.where(departement_pk)[0]
            title = f"{rng.choice(PROJECTS[domain_slugs[0]])} à {place_name}"
            start_year = rng.randint(2012, 2024)
            mix = rng.choice(PARTNER_MIXES)
            summary = (
                f"Une alliance entre {', '.join(t.label.lower() for t in mix[:-1])} et "
                f"{mix[-1].label.lower()} pour agir ensemble à {place_name}."
            )
            if scale == Scale.DEPARTEMENTAL:
                title = f"{rng.choice(PROJECTS[domain_slugs[0]])} {of(where)}"
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
                    "partners": self.pick_partners(mix, place, scale),
                }
            )
        for actor in self.new_actors:
            actor.set_folded_name()  # bulk_create() skips Actor.save()
        Actor.objects.bulk_create(self.new_actors, batch_size=1000)
        examples = Example.objects.bulk_create(examples, batch_size=1000)
        Example.objects.filter(pk__in=[e.pk for e in examples]).update(
            reference=Example.reference_expression()
        )
        self.link(examples, relations)
        self.created_ids = [example.pk for example in examples]
        return len(examples)

    def pick_status(self):
        statuses = [ExampleStatus.PUBLIE, ExampleStatus.BROUILLON, ExampleStatus.ARCHIVE]
        status = self.rng.choices(statuses, weights=[90, 7, 3])[0]
        return ExampleStatus.PUBLIE if self.all_published else status

    def pick_partners(self, mix, place, scale):
        partners, seen = [], set()
        for position, actor_type in enumerate(mix):
            if actor_type == ActorType.COLLECTIVITE:
                actor = self.collectivite(place, scale)
            else:
                actor = self.actor_near(actor_type, place)
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
            if id(actor) not in seen:
                seen.add(id(actor))
                partners.append((actor, role))
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
                Partnership(example_id=example.pk, actor_id=actor.pk, role=role, position=position)
                for example, rel in zip(examples, relations, strict=True)
                for position, (actor, role) in enumerate(rel["partners"])
            ],
            batch_size=2000,
        )
