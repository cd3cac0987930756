"""The catalogue of alliance examples and the reference lists that describe them."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Cast, Concat, LPad
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from french.collation import french_order
from french.text import fold, unique_slug

from . import querysets
from .choices import ActorType, ExampleOrigin, ExampleStatus, ObjectiveFamily, PartnerRole, Scale
from .validators import validate_color, validate_rna, validate_siren

MIN_YEAR = 1945
MAX_YEAR = 2100
REFERENCE_PREFIX = "IA-"


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class Objective(models.Model):
    """A goal an example serves: one of the 17 ODD or of the 4 objectives of "faire alliance"."""

    family = models.CharField(_("famille"), max_length=10, choices=ObjectiveFamily.choices)
    number = models.PositiveSmallIntegerField(_("numéro"))
    name = models.CharField(_("intitulé"), max_length=300)
    short_name = models.CharField(_("intitulé court"), max_length=100)
    color = models.CharField(_("couleur"), max_length=7, validators=[validate_color])

    objects = querysets.ObjectiveManager()

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["family", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "number"],
                name="%(app_label)s_%(class)s_unique_family_number",
                violation_error_message=_("Cet objectif existe déjà."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_positive"
            ),
        ]

    def __str__(self):
        if self.family == ObjectiveFamily.ODD:
            return f"ODD {self.number} : {self.short_name}"
        return f"{self.number}. {self.short_name}"

    def get_absolute_url(self):
        """The page of an ODD; alliance objectives are reached through the list filter."""
        if self.family == ObjectiveFamily.ODD:
            return reverse("catalogue:odd_detail", args=[self.number])
        return reverse("catalogue:example_list") + f"?objectif={self.number}"

    def natural_key(self):
        return (self.family, self.number)


class ReferenceList(models.Model):
    """A short list that classes examples and is counted like the other facets: a name, an
    identifier for URLs and files, a description."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    objects = querysets.SlugManager()

    class Meta:
        abstract = True
        ordering = [french_order("name")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Domain(ReferenceList):
    """A field of action: éducation et jeunesse, santé, environnement…"""

    class Meta(ReferenceList.Meta):
        verbose_name = _("domaine")
        verbose_name_plural = _("domaines")

    def get_absolute_url(self):
        """The examples of this domain."""
        return reverse("catalogue:domain_detail", args=[self.slug])


class PartnershipType(ReferenceList):
    """A kind of partnership: mécénat, pratiques responsables, coopération économique,
    innovation sociétale."""

    class Meta(ReferenceList.Meta):
        verbose_name = _("type de partenariat")
        verbose_name_plural = _("types de partenariat")


class Actor(TimeStampedModel):
    """An organisation or a group that takes part in alliances."""

    name = models.CharField(_("nom"), max_length=255)
    # `text.fold(name)`, so that spreadsheets name actors the same way on every database.
    folded_name = models.CharField(
        _("nom simplifié"), max_length=255, db_index=True, editable=False, default=""
    )
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True, blank=True)
    actor_type = models.CharField(_("type d'acteur"), max_length=20, choices=ActorType.choices)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    rna = models.CharField(_("RNA"), max_length=10, blank=True, validators=[validate_rna])
    website = models.URLField(_("site web"), blank=True)
    territory = models.ForeignKey(
        "territoires.Territory",
        verbose_name=_("territoire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actors",
    )
    description = models.TextField(_("description"), blank=True)

    objects = querysets.SlugManager.from_queryset(querysets.ActorQuerySet)()

    class Meta:
        verbose_name = _("acteur")
        verbose_name_plural = _("acteurs")
        ordering = [french_order("name")]
        constraints = [
            models.UniqueConstraint(
                fields=["siren"],
                condition=~Q(siren=""),
                name="%(app_label)s_%(class)s_unique_siren",
                violation_error_message=_("Un acteur porte déjà ce SIREN."),
            ),
            models.UniqueConstraint(
                fields=["rna"],
                condition=~Q(rna=""),
                name="%(app_label)s_%(class)s_unique_rna",
                violation_error_message=_("Un acteur porte déjà ce numéro RNA."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Actor, self.name, exclude_pk=self.pk)
        self.set_folded_name()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The public page of this actor and of the examples it takes part in."""
        return reverse("catalogue:actor_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def set_folded_name(self):
        """The derived name: save() calls it, and so must every bulk writer."""
        self.folded_name = fold(self.name)


class Example(TimeStampedModel):
    """One alliance: a partnership between actors of different kinds, located in a territory."""

    reference = models.CharField(
        _("référence"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Attribuée automatiquement (IA-00042) si elle est laissée vide."),
    )
    title = models.CharField(_("titre"), max_length=255)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True, blank=True)
    summary = models.TextField(_("résumé"), blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=ExampleStatus.choices,
        default=ExampleStatus.BROUILLON,
        db_index=True,
    )
    origin = models.CharField(
        _("origine"),
        max_length=10,
        choices=ExampleOrigin.choices,
        default=ExampleOrigin.CURATION,
        help_text=_("Une proposition du public reste un brouillon jusqu'à sa relecture."),
    )
    territory = models.ForeignKey(
        "territoires.Territory",
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        related_name="examples",
    )
    scale = models.CharField(_("échelle"), max_length=15, choices=Scale.choices, blank=True)
    start_year = models.PositiveSmallIntegerField(
        _("année de début"),
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    end_year = models.PositiveSmallIntegerField(
        _("année de fin"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    domains = models.ManyToManyField(
        Domain, verbose_name=_("domaines"), blank=True, related_name="examples"
    )
    objectives = models.ManyToManyField(
        Objective, verbose_name=_("objectifs"), blank=True, related_name="examples"
    )
    partnership_types = models.ManyToManyField(
        PartnershipType,
        verbose_name=_("types de partenariat"),
        blank=True,
        related_name="examples",
    )
    partners = models.ManyToManyField(
        Actor,
        verbose_name=_("partenaires"),
        through="Partnership",
        blank=True,
        related_name="examples",
    )
    website = models.URLField(_("site web"), blank=True)
    verified_on = models.DateField(_("vérifié le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # This row's edit counter (catalogue.locking), not the public version (core.public_version).
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Compteur des enregistrements de l'exemple (verrouillage optimiste)."),
    )
    # Kept current by catalogue.search: the weighted, stemmed document on PostgreSQL (SQLite
    # keeps it in an FTS5 table beside this one).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = querysets.SlugManager.from_queryset(querysets.ExampleQuerySet)()

    class Meta:
        verbose_name = _("exemple")
        verbose_name_plural = _("exemples")
        ordering = ["-start_year", french_order("title")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=F("start_year")),
                name="%(app_label)s_%(class)s_end_after_start",
                violation_error_message=_(
                    "L'année de fin doit être égale ou postérieure à l'année de début."
                ),
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=MIN_YEAR, start_year__lte=MAX_YEAR),
                name="%(app_label)s_%(class)s_start_year_range",
                violation_error_message=_(
                    "L'année de début doit être comprise entre 1945 et 2100."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(end_year__gte=MIN_YEAR, end_year__lte=MAX_YEAR),
                name="%(app_label)s_%(class)s_end_year_range",
                violation_error_message=_("L'année de fin doit être comprise entre 1945 et 2100."),
            ),
        ]
        indexes = [
            # The default order, newest first, read straight from the index (no sort of a
            # whole year's examples to break ties by id).
            models.Index(fields=["status", "-start_year", "-id"], name="catalogue_example_recent"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Example, self.title, exclude_pk=self.pk)
        if not self._state.adding and not args and kwargs.get("update_fields") is None:
            # The search vector has one author (catalogue.search_index): an edit never writes
            # back the copy it loaded, which an unchanged document would not recompute.
            kwargs["update_fields"] = EDITABLE_COLUMNS
        if self.reference:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            self.reference = None
            super().save(*args, **kwargs)
            self.reference = self.format_reference(self.pk)
            Example.objects.filter(pk=self.pk).update(reference=self.reference)

    def get_absolute_url(self):
        """The public page of this example (404 unless published)."""
        return reverse("catalogue:example_detail", args=[self.slug])

    @staticmethod
    def format_reference(number: int) -> str:
        return f"{REFERENCE_PREFIX}{number:05d}"

    @staticmethod
    def reference_expression():
        """`format_reference(pk)` in SQL, to number many new examples in one UPDATE."""
        digits = Cast("pk", models.CharField())
        return Concat(
            Value(REFERENCE_PREFIX),
            Case(When(pk__lt=100_000, then=LPad(digits, 5, Value("0"))), default=digits),
            output_field=models.CharField(),
        )


# What a save of an existing example writes: every column but the search vector.
EDITABLE_COLUMNS = [
    f.name for f in Example._meta.concrete_fields if not f.primary_key and f.name != "search_vector"
]


class Partnership(models.Model):
    """The part one actor plays in one example."""

    example = models.ForeignKey(
        Example, verbose_name=_("exemple"), on_delete=models.CASCADE, related_name="partnerships"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("acteur"), on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(
        _("rôle"), max_length=15, choices=PartnerRole.choices, default=PartnerRole.PARTENAIRE
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = querysets.PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partenariat")
        verbose_name_plural = _("partenariats")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["example", "actor"],
                name="%(app_label)s_%(class)s_unique_actor_per_example",
                violation_error_message=_("Cet acteur figure déjà parmi les partenaires."),
            ),
        ]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()})"


class SearchWord(models.Model):
    """A word of the indexed documents, folded: the vocabulary that typo correction draws
    from (written by catalogue.search, never by hand)."""

    word = models.CharField(_("mot"), max_length=100, unique=True)
    # How the word is written in the documents (« solidarités » for `solidarites`), so that
    # a correction is shown with its accents; empty until an indexing pass has seen it.
    display = models.CharField(_("graphie"), max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("mot de l'index")
        verbose_name_plural = _("mots de l'index")

    def __str__(self):
        return self.word


class SynonymGroup(TimeStampedModel):
    """Words that curators hold for one another in a search: « école » also finds
    « scolaire ». Each word of a group widens a search of any other (catalogue.search),
    results holding the typed word first. Read again by every worker once changed (its
    `updated_at` is part of the cache key); the public version is left alone."""

    words = models.TextField(
        _("mots"),
        help_text=_(
            "Des mots de même sens, séparés par des virgules, un mot par entrée "
            "(ex. « école, scolaire, écolier »). Un mot trop large fait perdre en précision."
        ),
    )

    class Meta:
        verbose_name = _("groupe de synonymes")
        verbose_name_plural = _("synonymes de la recherche")
        ordering = ["words"]

    def __str__(self):
        return ", ".join(self.entries())

    def clean(self):
        from .search import words as search_words

        entries = self.entries()
        if len(entries) < 2:
            raise ValidationError(
                {"words": _("Donnez au moins deux mots, séparés par des virgules.")}
            )
        for entry in entries:
            if len(search_words(entry)) != 1:
                raise ValidationError(
                    {"words": _("« %(entry)s » n'est pas un mot seul.") % {"entry": entry}}
                )

    def entries(self) -> list[str]:
        """The words of the group as curators wrote them."""
        return [w.strip() for w in self.words.replace("\n", ",").split(",") if w.strip()]
