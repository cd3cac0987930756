"""The public proposal form: an example's essentials, its partners, the proposer's contact."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalogue.choices import ActorType, ObjectiveFamily, PartnerRole
from catalogue.models import MAX_YEAR, MIN_YEAR, Domain, Objective
from catalogue.validators import RefusesControlCharacters
from territoires.models import Territory

from .models import Proposal

FINDER_RESULTS = 8


class ProposalForm(RefusesControlCharacters, forms.Form):
    title = forms.CharField(label=_("Titre de l'alliance"), max_length=255)
    summary = forms.CharField(
        label=_("Résumé (une ou deux phrases)"),
        max_length=settings.PROPOSAL_MAX_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = forms.CharField(
        label=_("Description : ce que font les partenaires, ensemble"),
        max_length=settings.PROPOSAL_MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    territoire_recherche = forms.CharField(
        label=_("Commune ou territoire de l'alliance"), max_length=100, required=False
    )
    territoire = forms.SlugField(label=_("Territoire choisi"), required=False, max_length=40)
    start_year = forms.IntegerField(
        label=_("Année de début"), min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    domains = forms.ModelMultipleChoiceField(
        label=_("Domaines"),
        queryset=Domain.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    odd = forms.ModelMultipleChoiceField(
        label=_("Objectifs de développement durable"),
        queryset=Objective.objects.filter(family=ObjectiveFamily.ODD),
        to_field_name="number",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        # The column's length (EmailField: 254, RFC 5321's path limit), not the 320 a
        # form accepts by default: a longer address would fail on saving.
        max_length=Proposal._meta.get_field("email").max_length,
        help_text=_("Pour vous répondre ; jamais publiée ni exportée."),
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que l'équipe du catalogue conserve cette adresse pour me contacter "
            "au sujet de cette proposition, et que l'exemple soit publié après relecture."
        ),
        error_messages={"required": _("Cochez cette case pour envoyer la proposition.")},
    )
    # Left empty by people (it is hidden from them), filled by robots that fill every field.
    site_web = forms.CharField(label=_("Ne remplissez pas ce champ"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.territory_matches = []

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("site_web", "").strip())

    def find_territories(self):
        """The finder's answers for the text typed, for the visitor to choose from."""
        text = (self.data.get("territoire_recherche") or "").strip()[:100]
        if text:
            found = Territory.objects.find(text).select_related("parent")[:FINDER_RESULTS]
            self.territory_matches = list(found)
        return self.territory_matches

    def clean_territoire(self):
        slug = self.cleaned_data.get("territoire")
        if slug:
            territory = Territory.objects.filter(slug=slug).first()
            if territory is None:
                raise ValidationError(_("Ce territoire n'existe pas : cherchez-le à nouveau."))
            return territory
        # Nothing chosen: a search with a single answer is that answer.
        matches = self.find_territories()
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValidationError(_("Choisissez le territoire dans la liste ci-dessous."))
        if (self.data.get("territoire_recherche") or "").strip():
            raise ValidationError(
                _("Aucun territoire ne porte ce nom : essayez une autre orthographe ou un code.")
            )
        raise ValidationError(
            _("Indiquez la commune (ou le département, la région) de l'alliance.")
        )


class PartnerForm(RefusesControlCharacters, forms.Form):
    name = forms.CharField(label=_("Nom du partenaire"), max_length=255)
    actor_type = forms.ChoiceField(
        label=_("Type d'acteur"), choices=[("", _("— choisir —")), *ActorType.choices]
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=PartnerRole.choices, initial=PartnerRole.PARTENAIRE
    )


class BasePartnerFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": _("Indiquez au moins un partenaire : son nom, son type et son rôle."),
        "too_many_forms": _("Indiquez au plus %(num)d partenaires."),
    }


PartnerFormSet = forms.formset_factory(
    PartnerForm,
    formset=BasePartnerFormSet,
    extra=2,
    min_num=1,
    validate_min=True,
    max_num=settings.PROPOSAL_MAX_PARTNERS,
    validate_max=True,
    absolute_max=settings.PROPOSAL_MAX_PARTNERS,
)
