"""The French administrative territories of INSEE's Code officiel géographique."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalogue.collation import french_order


class TerritoryLevel(models.TextChoices):
    PAYS = "pays", _("Pays")
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("Intercommunalité (EPCI, EPT)")
    COMMUNE = "commune", _("Commune")


# Groupings of communes: their territory is the union of their members.
GROUPING_LEVELS = (TerritoryLevel.EPCI,)


class TerritoryManager(models.Manager):
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
        below = Q(path__startswith=self.path)
        if self.level in GROUPING_LEVELS:
            below |= Q(pk__in=self.members.values("pk"))
        queryset = Territory.objects.filter(below)
        if not include_self:
            queryset = queryset.exclude(pk=self.pk)
        return queryset

    def ancestors(self):
        """From the pays down to the parent, for breadcrumbs (one query)."""
        slugs = self.path.strip("/").split("/")[:-1]
        by_slug = {t.slug: t for t in Territory.objects.filter(slug__in=slugs)}
        return [by_slug[slug] for slug in slugs if slug in by_slug]
