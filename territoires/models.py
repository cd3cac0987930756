"""The French administrative territories of INSEE's Code officiel géographique."""

import re
from functools import reduce
from operator import and_, or_

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Replace, Substr
from django.db.models.lookups import PatternLookup, StartsWith
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from french.collation import french_order
from french.text import fold


class TerritoryLevel(models.TextChoices):
    PAYS = "pays", _("Pays")
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("Intercommunalité (EPCI, EPT)")
    COMMUNE = "commune", _("Commune")


# Groupings of communes: their territory is the union of their members.
GROUPING_LEVELS = (TerritoryLevel.EPCI,)
# How people abbreviate the words that begin so many French place names.
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_NOT_A_LETTER = re.compile(r"[^a-z0-9]+")


def search_words(text: str) -> list[str]:
    """The words of a name or of a query, as the finder compares them: case, accents,
    hyphens and apostrophes ignored, "st"/"ste" read as "saint"/"sainte"."""
    words = _NOT_A_LETTER.sub(" ", fold(text)).split()
    return [ABBREVIATIONS.get(word, word) for word in words]


def searchable_names(name: str) -> dict[str, str]:
    """The derived name fields of a territory, from its name; every write path uses it.

    `search_key` holds the words of the name each preceded and followed by a space, so
    that "contains ' denis'" matches a word that begins with "denis", anywhere in the name.
    """
    return {"folded_name": fold(name), "search_key": f" {' '.join(search_words(name))} "}


class PathStartsWith(StartsWith):
    """`path__startswith` as an index range scan on every database: PostgreSQL's LIKE uses
    the pattern index, but SQLite's LIKE ignores case and so never uses an index: SQLite gets
    GLOB, which is case-sensitive like the paths (lower-case letters, digits, "-" and "/")."""

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # The plain value: LIKE's escaping and "%" mean nothing to GLOB.
        rhs, rhs_params = super(PatternLookup, self).process_rhs(compiler, connection)
        if self.rhs_is_direct_value():
            # SQLite uses the index only for a bound pattern, not for an expression.
            return f"{lhs} GLOB {rhs}", [*lhs_params, f"{rhs_params[0]}*"]
        return f"{lhs} GLOB ({rhs} || '*')", [*lhs_params, *rhs_params]


# --- Paths: everything below a territory, and what a path lies in ----------------------------
# Every question of the form "below this territory" or "in which région" is answered here, from
# `path` ("/pays-fr/region-32/departement-59/commune-59350/"), and nowhere else.


def below_paths(territories, through: str = "") -> Q:
    """The territories on or below the paths of any of `territories` (or, `through` a relation
    to a territory such as "territory", the rows located there): one index range scan per
    territory (`PathStartsWith`). An EPCI's path has nothing below it; `Territory.below()` adds
    its member communes."""
    lookup = f"{through}__path__startswith" if through else "path__startswith"
    return reduce(or_, (Q(**{lookup: territory.path}) for territory in territories))


def path_slugs(path: str) -> list[str]:
    """The slugs along a path, from the pays down to the territory itself."""
    return path.strip("/").split("/")


def ancestor_slugs(path: str) -> list[str]:
    """The slugs of the territories a path lies in, from the pays down to its parent."""
    return path_slugs(path)[:-1]


# Where the région's and the département's slug sit on every path (SQL's 1-based offset, the
# longest slug: "departement-974"): "/pays-fr/" and "region-NN/" have a fixed length, so the
# database can group rows by région or département without a join. `tests/test_territories.py`
# checks the offsets against every loaded territory.
LEVEL_SLICES = {TerritoryLevel.REGION: (10, 9), TerritoryLevel.DEPARTEMENT: (20, 15)}


def slug_at(path: str, level: str) -> str:
    """The slug of the région or département (`level`) a path lies in, the territory itself
    when it is one; "" above that level."""
    start, length = LEVEL_SLICES[level]
    return path[start - 1 : start - 1 + length].rstrip("/")


def slug_at_sql(field: str, level: str):
    """`slug_at` as an SQL expression over the path `field` (e.g. "territory__path")."""
    start, length = LEVEL_SLICES[level]
    return Replace(Substr(field, start, length), Value("/"), Value(""))


# What a code typed in the finder names: "59", "2A", "974" a département (never the région
# that shares its number), "59350", "2A004" a commune, a SIREN an intercommunality.
CODE_LEVELS = [
    (re.compile(r"^(\d{2}|2[AB]|97\d)$"), TerritoryLevel.DEPARTEMENT),
    (re.compile(r"^(\d{5}|2[AB]\d{3})$"), TerritoryLevel.COMMUNE),
    (re.compile(r"^\d{9}$"), TerritoryLevel.EPCI),
]
# The finder's order: the larger territories first, then the more populous.
LEVEL_RANK = [
    TerritoryLevel.PAYS,
    TerritoryLevel.REGION,
    TerritoryLevel.DEPARTEMENT,
    TerritoryLevel.EPCI,
    TerritoryLevel.COMMUNE,
]


def code_level(word: str):
    """The level whose INSEE code `word` looks like, or None."""
    return next((level for pattern, level in CODE_LEVELS if pattern.match(word.upper())), None)


class TerritoryQuerySet(models.QuerySet):
    def find(self, text: str):
        """The territories the finder shows for `text`, ranked.

        Every word of the query must begin a word of the name, in any order ("st denis",
        "Denis (Saint)"); a code finds its territory ("59", "2A004"); a département code
        beside words keeps what lies in that département ("saint denis 974").
        """
        words = search_words(text)
        if not words:
            return self.none()
        conditions = []
        for word in words:
            level = code_level(word)
            if level == TerritoryLevel.DEPARTEMENT and len(words) > 1:
                below = f"/{Territory.make_slug(level, word)}/"
                conditions.append(Q(path__contains=below) | Q(search_key__contains=f" {word} "))
            elif level is not None:
                conditions.append(Q(level=level, code=word.upper()))
            else:
                conditions.append(Q(search_key__contains=f" {word}"))
        return self.filter(reduce(and_, conditions)).ranked()

    def on_paths_of(self, located):
        """The territories that `located` (rows whose first value is a territory's path)
        lie in, and every territory above them, in path order."""
        paths = {path for (path, *_rest) in located if path}
        slugs = {slug for path in paths for slug in path_slugs(path)}
        return self.filter(slug__in=slugs).order_by("path", "pk")

    def with_parent(self):
        return self.select_related("parent")

    def ranked(self):
        """Région > département > intercommunality > commune, then the more populous."""
        rank = Case(
            *(When(level=level, then=Value(index)) for index, level in enumerate(LEVEL_RANK))
        )
        return self.order_by(rank, F("population").desc(nulls_last=True), "name", "pk")


class TerritoryManager(models.Manager.from_queryset(TerritoryQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Territory(models.Model):
    """A pays, région, département, intercommunalité or commune, placed in the INSEE hierarchy.

    `path` is a materialised path along pays → région → département → commune (EPCI hang
    under the département of most of their members), so that everything below a territory
    is one indexed prefix query; an EPCI also reaches its member communes through `member_of`.
    """

    level = models.CharField(_("niveau"), max_length=12, choices=TerritoryLevel.choices)
    code = models.CharField(_("code INSEE"), max_length=9)
    name = models.CharField(_("nom"), max_length=200)
    # Lower-case and accent-free, for searching "eze" or "SAINT-ETIENNE" on any database.
    folded_name = models.CharField(
        _("nom simplifié"), max_length=200, db_index=True, editable=False
    )
    # The words of the name for the finder (see `searchable_names`); trigram-indexed on
    # PostgreSQL, scanned on SQLite (37,000 short strings).
    search_key = models.CharField(_("clé de recherche"), max_length=220, editable=False)
    slug = models.SlugField(_("identifiant"), max_length=30, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("territoire parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("chemin"), max_length=120, db_index=True, editable=False)
    member_of = models.ManyToManyField(
        "self",
        verbose_name=_("membre de"),
        symmetrical=False,
        blank=True,
        related_name="members",
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    objects = TerritoryManager()

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = [french_order("name")]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code"],
                name="%(app_label)s_%(class)s_unique_level_code",
                violation_error_message=_("Ce code existe déjà pour ce niveau de territoire."),
            ),
        ]

    def __str__(self):
        if self.level == TerritoryLevel.DEPARTEMENT:
            return f"{self.name} ({self.code})"
        if self.level == TerritoryLevel.COMMUNE:
            return f"{self.name} ({self.code[:3] if self.code.startswith('97') else self.code[:2]})"
        return self.name

    def save(self, *args, **kwargs):
        for field, value in searchable_names(self.name).items():
            setattr(self, field, value)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The public page of this territory and of the examples located in or below it."""
        return reverse("territoires:detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @staticmethod
    def make_slug(level, code):
        return f"{level}-{code}".lower()

    def descendants(self, include_self=True):
        """This territory and everything below it: the one query every territory filter uses."""
        queryset = Territory.objects.filter(self.below())
        if not include_self:
            queryset = queryset.exclude(pk=self.pk)
        return queryset

    def below(self):
        """The condition `descendants()` applies: a path prefix (`below_paths`), or for an EPCI
        (nothing hangs below it in the paths) itself and its members, as a UNION that every
        database answers from its indexes (an OR with a subquery would scan every territory)."""
        if self.level in GROUPING_LEVELS:
            members = Territory.member_of.through.objects.filter(to_territory=self)
            itself = Territory.objects.filter(pk=self.pk).order_by().values("pk")
            return Q(pk__in=members.values("from_territory").union(itself, all=True))
        return below_paths([self])

    def ancestors(self):
        """From the pays down to the parent, for breadcrumbs (one query)."""
        slugs = ancestor_slugs(self.path)
        by_slug = {t.slug: t for t in Territory.objects.filter(slug__in=slugs)}
        return [by_slug[slug] for slug in slugs if slug in by_slug]

    def trail(self):
        """What a visitor walks through down to this territory, in one query: pays, région,
        département and, for a commune, its intercommunality (the smallest when it has
        several, like an EPT inside the Métropole du Grand Paris)."""
        slugs = ancestor_slugs(self.path)
        above = Territory.objects.filter(slug__in=slugs).order_by()
        if self.level == TerritoryLevel.COMMUNE:
            above = above.union(self.member_of.order_by(), all=True)
        found = list(above)
        by_slug = {t.slug: t for t in found}
        groupings = sorted(
            (t for t in found if t.level in GROUPING_LEVELS),
            key=lambda t: (t.population is None, t.population, t.pk),
        )
        return [by_slug[slug] for slug in slugs if slug in by_slug] + groupings[:1]

    def subdivisions(self):
        """The territories a visitor walks down to: the régions of the pays, the départements
        of a région, the intercommunalities of a département, the communes of an
        intercommunality (a commune has none)."""
        if self.level == TerritoryLevel.COMMUNE:
            return Territory.objects.none()
        if self.level in GROUPING_LEVELS:
            return self.members.filter(level=TerritoryLevel.COMMUNE).order_by("name", "pk")
        children = self.children.all()
        if self.level == TerritoryLevel.DEPARTEMENT:
            return children.filter(level=TerritoryLevel.EPCI).order_by("name", "pk")
        if self.level == TerritoryLevel.REGION:
            return children.order_by("code")
        return children.order_by("name", "pk")


# Every `path__startswith` (descendants, the nearby examples…) becomes index-friendly.
Territory._meta.get_field("path").register_lookup(PathStartsWith)
