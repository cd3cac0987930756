"""Checks of French identifiers that a form, an import and the database all share."""

import re

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import CharField, TextField
from django.utils.deconstruct import deconstructible
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

SIREN_RE = re.compile(r"^\d{9}$")
# RNA: W, then the département (digits, or 2A/2B for Corsica), then digits: 10 characters.
RNA_RE = re.compile(r"^W\d[\dAB]\d{7}$")
# An objective's colour on the site and in the Fiches Repères.
validate_color = RegexValidator(r"^#[0-9A-Fa-f]{6}$", _("Une couleur s'écrit #RRVVBB."))


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siren(value: str) -> None:
    if not SIREN_RE.match(value):
        raise ValidationError(
            _("Le SIREN « %(value)s » doit comporter exactement 9 chiffres."),
            code="siren_format",
            params={"value": value},
        )
    if not luhn_is_valid(value):
        raise ValidationError(
            _("Le SIREN « %(value)s » n'est pas valide (clé de contrôle incorrecte)."),
            code="siren_checksum",
            params={"value": value},
        )


def validate_rna(value: str) -> None:
    if not RNA_RE.match(value):
        raise ValidationError(
            _("Le numéro RNA « %(value)s » doit être un W suivi de 9 caractères (ex. W595012345)."),
            code="rna_format",
            params={"value": value},
        )


# Characters no text typed into the catalogue may hold: C0 controls other than tab, line
# feed and carriage return (XML 1.0, hence the Atom feed and XLSX/ODS, refuses them; NUL
# breaks PostgreSQL), DEL and the C1 controls (invisible, some terminals obey them), the
# bidirectional overrides and isolates (U+202E shows "exe.txt" for "txt.exe") and the two
# non-characters XML refuses. The URL-parameter guard uses the same definition.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)


@deconstructible
class NoControlCharacters:
    """Refuses a text holding a control character, naming the field and the character."""

    message = _(
        "« %(field)s » contient un caractère de contrôle invisible (U+%(code)s) : "
        "retirez-le, par exemple en retapant le texte au lieu de le coller."
    )
    code = "control_character"

    def __init__(self, field=""):
        self.field = field

    def __call__(self, value) -> None:
        found = CONTROL_CHARACTERS.search(value) if isinstance(value, str) else None
        if found:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"field": capfirst(self.field), "code": f"{ord(found.group()):04X}"},
            )

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters) and self.field == other.field


def guard_model_text_fields(app_labels) -> None:
    """Add NoControlCharacters to every CharField and TextField of these apps' models, so
    that every write path that validates (admin forms, services, imports: all call
    full_clean) refuses them. Called once, from PagesConfig.ready(). The validator goes on
    the field's validator list, not into its definition (`_validators`), so that migrations
    do not change."""
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, CharField | TextField):
                    continue
                if not any(isinstance(v, NoControlCharacters) for v in field.validators):
                    field.validators.append(NoControlCharacters(field.verbose_name))


class RefusesControlCharacters:
    """Form mixin: every text field of the form refuses control characters, naming its label
    (for forms that are not ModelForms; a ModelForm has its model fields' validator)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                field.validators.append(NoControlCharacters(field.label or name))
