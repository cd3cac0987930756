"""The figures of a Fiche Repères, counted from the list's own facet index.

A fiche is about a set of published examples that the list `/exemples/` can show (all of
them, a territory, an actor type, a domain): its `params` are that list's query. Every
figure is the size of an intersection of facet bitmaps (catalogue.facets) with that set, and
links to the list whose query adds the value counted, so that the list's total is the
figure. The number of actors comes from the index's actors of each example
(catalogue.example_actors); the EPCI or communes below a département or an EPCI cost one
grouped query.
"""

from dataclasses import dataclass, field

from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pyroaring import BitMap

from catalogue import facets, selectors
from catalogue.choices import ActorType, ObjectiveFamily, Scale
from catalogue.filtersets import ExampleFilterSet
from catalogue.querystrings import query_adding, query_with
from french.text import sort_key
from territoires.models import Territory, TerritoryLevel, path_slugs

from . import charts, francemap
from .charts import Bar, Column


@dataclass
class Subject:
    """What a fiche is about, and the list query of its examples."""

    kind: str  # "france", "territoire", "type_acteur" or "domaine"
    name: str
    params: QueryDict = field(default_factory=QueryDict)
    territory: Territory | None = None
    page_url: str = ""  # the catalogue's own page about it


def list_url(query: str) -> str:
    return reverse("catalogue:example_list") + query


def examples_phrase(count: int) -> str:
    return ngettext("%(count)s exemple", "%(count)s exemples", count) % {"count": count}


def fiche(subject: Subject) -> dict:
    """Everything a fiche shows, from a few queries whatever the number of examples."""
    filterset = ExampleFilterSet(subject.params)
    if not filterset.is_valid():
        raise Http404(filterset.errors)
    matches = selectors.example_matches(filterset)  # the fiche's examples, from the index
    index, within = matches.index, matches.ids
    count = Counter(subject.params, index, within)
    options = filterset.territory_options.values()
    departements = [t for t in options if t.level == TerritoryLevel.DEPARTEMENT]
    return {
        "subject": subject,
        "example_count": len(within),
        "examples_url": list_url(query_with(subject.params)),
        "actor_count": actor_count(subject, index, within),
        "charts": distributions(subject, filterset, count),
        "years": years(subject, count),
        "places": places(subject, count, options),
        "matrix": alliance_matrix(count),
        "map": territory_map(subject, index, within, departements),
    }


class Counter:
    """Counts within the fiche's examples, each with the list URL that shows them."""

    def __init__(self, params, index, within):
        self.params, self.index, self.within = params, index, within

    def counts(self, facet) -> dict:
        return self.index.counts(facet, self.within)

    def bars(self, facet, options, css_class=lambda value: "") -> list[Bar]:
        counts = self.counts(facet)
        return [
            Bar(
                label=str(label),
                count=counts.get(value, 0),
                url=list_url(query_adding(self.params, **{facet: value})),
                css_class=css_class(value),
            )
            for value, label in options
        ]

    def of(self, bitmap) -> int:
        return bitmap.intersection_cardinality(self.within)


def actor_count(subject, index, within):
    """(number of actors of the fiche's examples, the list of them or "")."""
    if subject.kind == "france":
        return index.figures["actors"], reverse("catalogue:actor_list")
    return index.actor_count(within), ""


def distributions(subject, filterset, count: Counter) -> list[dict]:
    """Horizontal bar charts: ODD (UN colours, official order), domains, actor types,
    partnership types, alliance objectives, scales. A facet the fiche is filtered on by
    "any of" (a domain fiche's domains) is left out: its list could not count "both"."""
    objectives = filterset.objectives
    odd = [o for o in objectives if o.family == ObjectiveFamily.ODD]
    alliance = [o for o in objectives if o.family == ObjectiveFamily.ALLIANCE]
    specs = [
        (
            "odd",
            _("Objectifs de développement durable (ODD)"),
            count.bars(
                "odd",
                [(str(o.number), str(o)) for o in odd],
                lambda number: f"objective-odd-{number}",
            ),
        ),
        (
            "domaine",
            _("Domaines d'action"),
            most_first(count.bars("domaine", [(d.slug, d.name) for d in filterset.domains])),
        ),
        (
            "type_acteur",
            _("Types d'acteurs impliqués"),
            most_first(count.bars("type_acteur", ActorType.choices)),
        ),
        (
            "type_partenariat",
            _("Types de partenariat"),
            most_first(
                count.bars(
                    "type_partenariat", [(t.slug, t.name) for t in filterset.partnership_types]
                )
            ),
        ),
        (
            "objectif",
            _("Objectifs de « faire alliance »"),
            count.bars(
                "objectif",
                [(str(o.number), o.name) for o in alliance],
                lambda number: f"objective-alliance-{number}",
            ),
        ),
        ("echelle", _("Échelle d'action"), count.bars("echelle", Scale.choices)),
    ]
    return [
        chart(name, title, bars)
        for name, title, bars in specs
        if not (name == "domaine" and subject.kind == "domaine")
    ]


def most_first(bars: list[Bar]) -> list[Bar]:
    return sorted(bars, key=lambda bar: (-bar.count, sort_key(bar.label)))


def chart(name, title, bars) -> dict:
    bars = charts.with_lengths(bars)
    ranked = sorted((bar for bar in bars if bar.count), key=lambda bar: -bar.count)[:3]
    if ranked:
        summary = _("Les plus fréquents : %(values)s.") % {
            "values": " ; ".join(f"{bar.label} ({examples_phrase(bar.count)})" for bar in ranked)
        }
    else:
        summary = _("Aucun exemple.")
    return {"name": name, "title": title, "bars": bars, "summary": summary}


def years(subject, count: Counter) -> dict | None:
    """A column per year from the first start to the last, years without a start included."""
    by_year = {year: n for year, n in count.counts("annee").items() if n}
    if not by_year:
        return None
    columns = [
        Column(
            label=str(year),
            count=by_year.get(year, 0),
            url=list_url(query_adding(subject.params, annee_min=year, annee_max=year)),
        )
        for year in range(min(by_year), max(by_year) + 1)
    ]
    busiest = max(columns, key=lambda column: column.count)
    summary = _(
        "Exemples débutés chaque année de %(first)s à %(last)s ; le plus en %(year)s (%(n)s)."
    ) % {
        "first": columns[0].label,
        "last": columns[-1].label,
        "year": busiest.label,
        "n": examples_phrase(busiest.count),
    }
    return {**charts.with_positions(columns), "summary": summary}


def places(subject, count: Counter, options) -> dict | None:
    """The territories one level down, ranked: régions (France, an actor type, a domain),
    the départements of a région, the EPCI of a département, the communes of an EPCI."""
    territory = subject.territory
    if territory is None:
        found = [t for t in options if t.level == TerritoryLevel.REGION]
        title = _("Régions")
        counts = count.counts("region")
        numbers = {t.pk: counts.get(t.slug, 0) for t in found}
    elif territory.level == TerritoryLevel.REGION:
        found = [t for t in options if t.parent_id == territory.pk]
        title = _("Départements")
        counts = count.counts("departement")
        numbers = {t.pk: counts.get(t.slug, 0) for t in found}
    else:
        # Below a département or an EPCI the facet index stops: one grouped query.
        found = list(territory.subdivisions())
        title = _("Intercommunalités") if territory.level == TerritoryLevel.DEPARTEMENT else ""
        title = title or _("Communes")
        numbers = selectors.territory_counts(found, count.index)
        found = [t for t in found if numbers[t.pk]]
    if not found:
        return None
    bars = [
        Bar(
            label=str(t),
            count=numbers[t.pk],
            url=list_url(query_with(subject.params, territoire=t.slug)),
        )
        for t in found
    ]
    return chart("territoire", title, most_first(bars))


def alliance_matrix(count: Counter) -> dict:
    """For each pair of actor types, the examples that involve both; on the diagonal, those
    with at least two actors of the type. Symmetric; every cell links to its list."""
    by_type = count.index.of("type_acteur")
    peers = count.index.of("entre_pairs")
    empty = BitMap()
    rows = []
    for first, first_label in ActorType.choices:
        cells = []
        for second, second_label in ActorType.choices:
            if first == second:
                number = count.of(peers.get(first, empty))
                query = query_adding(count.params, entre_pairs=first)
            else:
                both = by_type.get(first, empty) & by_type.get(second, empty)
                number = count.of(both)
                query = query_adding(count.params, type_acteur=[first, second])
            cells.append({"count": number, "url": list_url(query), "column": second_label})
        rows.append({"label": first_label, "value": first, "cells": cells})
    maximum = max((cell["count"] for row in rows for cell in row["cells"]), default=0)
    for row in rows:
        for cell in row["cells"]:
            cell["bucket"] = charts.bucket(cell["count"], maximum)
    return {"columns": ActorType.choices, "rows": rows, "legend": charts.legend(maximum)}


def territory_map(subject, index, within, departements) -> dict:
    """The départements map: a territory's fiche shows the national counts with its own
    départements highlighted; the other fiches, the counts of their examples."""
    territory = subject.territory
    highlighted = set()
    params = subject.params
    if territory is None:
        counts = index.counts("departement", within)
    else:
        counts = index.counts("departement", index.all)
        params = QueryDict()
        if territory.level == TerritoryLevel.REGION:
            highlighted = {t.slug for t in departements if t.parent_id == territory.pk}
        else:
            highlighted = set(path_slugs(territory.path))
    return francemap.france_map(
        departements,
        counts,
        list_url=lambda slug: list_url(query_with(params, territoire=slug)),
        highlighted=highlighted,
    )


def national_map() -> dict:
    """The map of every published example, for the home page (one query: the départements)."""
    index = facets.current_index()
    departements = Territory.objects.filter(level=TerritoryLevel.DEPARTEMENT)
    france = Subject(kind="france", name=_("France"))
    return territory_map(france, index, index.all, departements)
