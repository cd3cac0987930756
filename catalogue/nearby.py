"""Examples near a place: the same commune first, then its intercommunality, its département,
its région; never another région while a closer example exists.

Built to stay cheap at 100,000 examples: each look-up reads the most recent examples of one
place, starting from its territories, a small batch at a time (LIMIT), and stops as soon as
enough published ones are found. No query per example, no DISTINCT over a join.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from territoires.models import TerritoryLevel

from .choices import ExampleStatus
from .models import Example, Partnership

NEARBY_COUNT = 4
# How many of a place's latest examples one query reads before keeping the published ones.
BATCH = 40
NEWEST_FIRST = ("-start_year", "-pk")


@dataclass(frozen=True)
class NearbyExample:
    example: Example
    where: str  # where it was found, for the reader: "Dans la même commune : Lille (59)"


def where_label(place) -> str:
    """Where a nearby example was found, relative to the place it is near."""
    labels = {
        TerritoryLevel.COMMUNE: _("Dans la même commune : %(name)s"),
        TerritoryLevel.EPCI: _("Dans la même intercommunalité : %(name)s"),
        TerritoryLevel.DEPARTEMENT: _("Dans le même département : %(name)s"),
        TerritoryLevel.REGION: _("Dans la même région : %(name)s"),
    }
    if place is None:
        return _("Ailleurs en France, dans un même domaine")
    return labels.get(place.level, _("En France")) % {"name": place}


def places_above(trail):
    """The places above a territory, nearest first, from its trail: its intercommunality,
    département and région; never the whole pays (another région is not near)."""
    return [place for place in reversed(trail) if place.level != TerritoryLevel.PAYS]


def nearest_pks(territory, trail, *, domain_ids=(), exclude=(), include_self=True):
    """[(pk, where)] of up to NEARBY_COUNT published examples near `territory`, nearest
    first; at each place those sharing one of `domain_ids` first. Examples elsewhere in
    France come last, and only when they share a domain."""
    # (place, exact): the territory itself first, then everything below it, then above it.
    scopes = [(territory, True)] if include_self else []
    if include_self and territory.level not in (TerritoryLevel.COMMUNE, TerritoryLevel.PAYS):
        scopes.append((territory, False))
    scopes += [(place, False) for place in places_above(trail)]
    preferences = (True, False) if domain_ids else (False,)
    steps = [(place, exact, shared) for place, exact in scopes for shared in preferences]
    if domain_ids:
        steps.append((None, False, True))
    found, seen = [], set(exclude)
    for place, exact, shared in steps:
        need = NEARBY_COUNT - len(found)
        if need <= 0:
            break
        label = where_label(place)
        shared_domains = domain_ids if shared else ()
        for pk in latest_published(place, shared_domains, seen, need, exact=exact):
            found.append((pk, label))
            seen.add(pk)
    return found


def latest_published(place, domain_ids, exclude, need, *, exact=False):
    """Up to `need` pks of the published examples in `place` or below it (only in it when
    `exact`; anywhere when None), sharing a domain when `domain_ids` is given, the most
    recent first (start year, then entry).

    Candidates are read BATCH at a time without their status, so that the databases start
    from the place's territories (an index on status or id would tempt them to walk every
    example); the status of those few rows is then read to keep the published ones.
    """
    candidates = Example.objects.all()
    if exact:
        candidates = candidates.filter(territory=place)
    elif place is not None:
        candidates = candidates.in_territory(place)
    if exclude:
        candidates = candidates.exclude(pk__in=exclude)
    if domain_ids:
        shares_domain = Example.domains.through.objects.filter(
            example_id=OuterRef("pk"), domain_id__in=domain_ids
        )
        candidates = candidates.filter(Exists(shares_domain))
    found, after = [], None
    while True:
        batch = candidates
        if after is not None:  # the next batch: older than the last row read
            year, pk = after
            batch = batch.filter(Q(start_year__lt=year) | Q(start_year=year, pk__lt=pk))
        rows = list(
            Example.objects.filter(pk__in=batch.order_by(*NEWEST_FIRST).values("pk")[:BATCH])
            .order_by(*NEWEST_FIRST)
            .values_list("pk", "start_year", "status")
        )
        found += [pk for pk, _year, status in rows if status == ExampleStatus.PUBLIE]
        if len(found) >= need or len(rows) < BATCH:
            return found[:need]
        last_pk, last_year, _status = rows[-1]
        after = (last_year, last_pk)


def partnered_pks(territory, *, exclude=(), limit=NEARBY_COUNT):
    """Pks of the latest published examples located elsewhere that have a partner based in
    `territory` (or below it)."""
    here = territory.descendants()
    partnered = Partnership.objects.filter(actor__territory__in=here).values("example_id")
    examples = (
        Example.objects.published()
        .filter(pk__in=partnered)
        .exclude(territory__in=here)
        .exclude(pk__in=exclude)
        .order_by("-pk")
    )
    return list(examples.values_list("pk", flat=True)[:limit])


def load(pks):
    """{pk: published example with what its card shows} for the pks found, in one go."""
    pks = list(pks)
    if not pks:
        return {}
    return Example.objects.published().for_cards().in_bulk(pks)


def examples_near(example, trail):
    """The nearby examples of an example page, each with where it was found."""
    found = nearest_pks(
        example.territory,
        trail,
        domain_ids=[domain.pk for domain in example.domains.all()],
        exclude=[example.pk],
    )
    examples = load(pk for pk, _where in found)
    return [NearbyExample(examples[pk], where) for pk, where in found if pk in examples]
