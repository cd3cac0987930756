"""Names in a spreadsheet matched to catalogue rows: preloaded once per file, never per row.

A cell names a territory, an actor, a domain… by its slug or by its name written without
regard to case or accents (`fold`). Only the rows the file names are loaded: territories
are 36,000 rows.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from french.text import fold as fold_text
from territoires.models import LEVEL_RANK, Territory, TerritoryLevel, code_level, slug_at

from ..choices import ObjectiveFamily, PartnerRole
from ..models import Actor, Domain, Objective, PartnershipType

# The same names come back on every row of a file: fold each once.
fold = lru_cache(maxsize=100_000)(fold_text)

SEPARATOR = ";"
ODD_RE = re.compile(r"^(?:odd\s*)?(\d{1,2})(?:\s*[:.\-–]\s*.*)?$")
ALLIANCE_RE = re.compile(r"^(\d)(?:\s*[:.\-–]\s*.*)?$")
ROLE_RE = re.compile(r"^(?P<name>.*?)\s*\((?P<role>[^()]*)\)\s*$")


class UnknownValue(ValueError):
    """A cell value that names nothing, or several things; its message names the value."""


def split_cell(value) -> list[str]:
    if value is None:
        return []
    return [part.strip() for part in str(value).split(SEPARATOR) if part.strip()]


def by_folded_name(queryset, names: Iterable[str]) -> dict[str, list]:
    """{folded name: [rows]} for the rows of `queryset` whose stored `folded_name` (written by
    `text.fold` on save, never by a database function) is in `names`: the same rows on
    PostgreSQL and SQLite."""
    names = {name for name in names if name}
    if not names:
        return {}
    found = defaultdict(list)
    for row in queryset.filter(folded_name__in=names):
        found[row.folded_name].append(row)
    return found


QUALIFIED = re.compile(r"^(?P<name>.*?)\s*\((?P<qualifier>[^()]+)\)$")
LEVEL_WORDS = {fold(str(label)): level for level, label in TerritoryLevel.choices} | {
    "departement": TerritoryLevel.DEPARTEMENT,
    "region": TerritoryLevel.REGION,
    "epci": TerritoryLevel.EPCI,
    "intercommunalite": TerritoryLevel.EPCI,
    "ept": TerritoryLevel.EPCI,
}


@dataclass(frozen=True)
class TerritoryCell:
    """What a territory cell says: a slug, an INSEE code, or a name with perhaps its
    département code ("Vienne (38)", as the site writes communes) or its level
    ("Bretagne (région)")."""

    slug: str
    folded_name: str
    level: str = ""
    code: str = ""
    departement: str = ""

    @classmethod
    def parse(cls, value: str) -> "TerritoryCell":
        slug = value.lower()
        level = code_level(value) if " " not in value else None
        if level is not None:
            return cls(slug, fold(value), level=level, code=value.upper())
        match = QUALIFIED.match(value)
        if match:
            qualifier = fold(match.group("qualifier"))
            name = fold(match.group("name"))
            if qualifier in LEVEL_WORDS:
                return cls(slug, name, level=LEVEL_WORDS[qualifier])
            if code_level(qualifier) == TerritoryLevel.DEPARTEMENT:
                return cls(slug, name, departement=qualifier.upper())
        return cls(slug, fold(value))

    def fits(self, territory) -> bool:
        if self.level:
            return territory.level == self.level
        if self.departement:
            if territory.level == TerritoryLevel.DEPARTEMENT:
                return territory.code == self.departement
            departement = Territory.make_slug(TerritoryLevel.DEPARTEMENT, self.departement)
            return slug_at(territory.path, TerritoryLevel.DEPARTEMENT) == departement
        return True


def departement_code(territory) -> str:
    if territory.level == TerritoryLevel.DEPARTEMENT:
        return territory.code
    slug = slug_at(territory.path, TerritoryLevel.DEPARTEMENT)
    return slug.removeprefix(f"{TerritoryLevel.DEPARTEMENT}-").upper()


def unambiguous_forms(candidates) -> list[str]:
    """For each candidate, larger first, the first form of a cell that names it alone:
    "Vienne (38)", then "Bretagne (région)", then its INSEE code, then its slug."""
    candidates = sorted(candidates, key=lambda t: (LEVEL_RANK.index(t.level), t.code))
    options = []
    for territory in candidates:
        department = departement_code(territory)
        options.append(
            [
                f"{territory.name} ({department})" if department else "",
                f"{territory.name} ({territory.get_level_display().lower()})",
                territory.code if territory.level != TerritoryLevel.REGION else "",
                territory.slug,
            ]
        )
    forms = []
    for own in options:
        for position, form in enumerate(own):
            if form and [other[position] for other in options].count(form) == 1:
                forms.append(form)
                break
    return forms


class Lookups:
    """Every row a file names, keyed by slug and by folded name."""

    def __init__(self, *, territory_values=(), actor_values=()):
        self.territory_cells = {}
        for value in territory_values:
            value = str(value or "").strip()
            if value:
                self.territory_cells[value] = TerritoryCell.parse(value)
        cells = self.territory_cells.values()
        self.territories_by_slug = {
            t.slug: t for t in Territory.objects.filter(slug__in={c.slug for c in cells})
        }
        codes = {c.code for c in cells if c.code}
        self.territories_by_code = {
            (t.level, t.code): t for t in Territory.objects.filter(code__in=codes)
        }
        self.territories_by_name = by_folded_name(
            Territory.objects.all(),
            {c.folded_name for c in cells if c.slug not in self.territories_by_slug},
        )
        actor_values = {v for v in actor_values if v}
        actor_slugs = {v.lower() for v in actor_values}
        self.actors_by_slug = {a.slug: a for a in Actor.objects.filter(slug__in=actor_slugs)}
        self.actors_by_name = by_folded_name(
            Actor.objects.all(),
            {fold(v) for v in actor_values if v.lower() not in self.actors_by_slug},
        )
        self.domains = self._keyed(Domain.objects.all())
        self.partnership_types = self._keyed(PartnershipType.objects.all())
        objectives = list(Objective.objects.all())
        self.odd = self._objectives(objectives, ObjectiveFamily.ODD)
        self.alliance = self._objectives(objectives, ObjectiveFamily.ALLIANCE)
        self.roles = {}
        for value, label in PartnerRole.choices:
            self.roles[fold(value)] = value
            self.roles[fold(str(label))] = value

    @staticmethod
    def _keyed(rows) -> dict:
        keyed = {}
        for row in rows:
            keyed[row.slug] = row
            keyed[fold(row.name)] = row
        return keyed

    @staticmethod
    def _objectives(objectives, family) -> dict:
        keyed = {}
        for objective in objectives:
            if objective.family == family:
                keyed[str(objective.number)] = objective
                keyed[fold(objective.name)] = objective
                keyed[fold(objective.short_name)] = objective
        return keyed

    def territory(self, value):
        """The territory a cell names: a slug (region-53), an INSEE code (29151, 59), a
        name (Lille), or a name with its département or level (Vienne (38), Bretagne (région))."""
        value = str(value).strip()
        cell = self.territory_cells.get(value) or TerritoryCell.parse(value)
        territory = self.territories_by_slug.get(cell.slug)
        if territory is None and cell.code:
            territory = self.territories_by_code.get((cell.level, cell.code))
        if territory:
            return territory
        candidates = [t for t in self.territories_by_name.get(cell.folded_name, []) if cell.fits(t)]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise UnknownValue(
                _(
                    "Territoire inconnu : « %(value)s ». Écrivez son nom exact (Lille), avec son "
                    "département ou son niveau s'il le faut (Vienne (38), Bretagne (région)), "
                    "ou son code INSEE (59350 pour une commune, 59 pour un département)."
                )
                % {"value": value}
            )
        raise UnknownValue(
            _(
                "Territoire ambigu : « %(value)s » peut désigner %(candidates)s ; écrivez l'une "
                "de ces formes."
            )
            % {
                "value": value,
                "candidates": ", ".join(f"« {form} »" for form in unambiguous_forms(candidates)),
            }
        )

    def actor(self, value):
        actor = self.actors_by_slug.get(value.lower())
        if actor:
            return actor
        candidates = self.actors_by_name.get(fold(value), [])
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise UnknownValue(
                _(
                    "Acteur inconnu : « %(value)s » (importez d'abord la feuille des acteurs, ou "
                    "indiquez son identifiant)."
                )
                % {"value": value}
            )
        raise UnknownValue(
            _(
                "Acteur ambigu : « %(value)s » peut désigner %(candidates)s ; indiquez "
                "l'identifiant."
            )
            % {
                "value": value,
                "candidates": ", ".join(
                    f"{a.name} [{a.slug}]" for a in sorted(candidates, key=lambda a: a.slug)
                ),
            }
        )

    def many(self, value, keyed, what: str) -> list:
        """The rows a multi-valued cell names, in order, without repeats."""
        found, unknown = [], []
        for part in split_cell(value):
            row = keyed.get(part) or keyed.get(fold(part))
            if row is None:
                unknown.append(part)
            elif row not in found:
                found.append(row)
        if unknown:
            raise UnknownValue(
                _("%(what)s inconnu(s) : %(values)s.")
                % {"what": what, "values": ", ".join(f"« {v} »" for v in unknown)}
            )
        return found

    def domains_in(self, value):
        return self.many(value, self.domains, _("Domaine"))

    def partnership_types_in(self, value):
        return self.many(value, self.partnership_types, _("Type de partenariat"))

    def odd_in(self, value):
        return self._objectives_in(value, self.odd, ODD_RE, _("ODD"))

    def alliance_in(self, value):
        return self._objectives_in(value, self.alliance, ALLIANCE_RE, _("Objectif d'alliance"))

    def _objectives_in(self, value, keyed, number_re, what):
        found, unknown = [], []
        for part in split_cell(value):
            if isinstance(part, str) and part.endswith(".0"):
                part = part[:-2]
            match = number_re.match(fold(part))
            objective = keyed.get(match.group(1)) if match else keyed.get(fold(part))
            if objective is None:
                unknown.append(part)
            elif objective not in found:
                found.append(objective)
        if unknown:
            raise UnknownValue(
                _("%(what)s inconnu(s) : %(values)s.")
                % {"what": what, "values": ", ".join(f"« {v} »" for v in unknown)}
            )
        return found

    def partners_in(self, value) -> list[tuple]:
        """[(actor, role)] from `Nom (porteur); Autre (financeur); Sans rôle`."""
        partners, problems = [], []
        for part in split_cell(value):
            name, role = part, PartnerRole.PARTENAIRE
            match = ROLE_RE.match(part)
            if match and fold(match.group("role")) in self.roles:
                name, role = match.group("name"), self.roles[fold(match.group("role"))]
            elif match and not self._names_actor(part):
                problems.append(
                    _(
                        "Rôle inconnu : « %(role)s » (porteur, partenaire, financeur ou "
                        "accompagnateur)."
                    )
                    % {"role": match.group("role")}
                )
                continue
            try:
                actor = self.actor(name)
            except UnknownValue as error:
                problems.append(str(error))
                continue
            if any(actor == existing for existing, _role in partners):
                problems.append(_("L'acteur « %(name)s » figure deux fois.") % {"name": name})
                continue
            partners.append((actor, role))
        if problems:
            raise UnknownValue(" ".join(problems))
        return partners

    def _names_actor(self, value) -> bool:
        """An actor whose own name ends in parentheses, e.g. « Ville de Lille (Nord) »."""
        return (
            value.lower() in self.actors_by_slug
            or len(self.actors_by_name.get(fold(value), [])) == 1
        )
