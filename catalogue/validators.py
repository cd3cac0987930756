"""Checks of French identifiers that a form, an import and the database all share."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SIREN_RE = re.compile(r"^\d{9}$")
# RNA: W, then the département (digits, or 2A/2B for Corsica), then digits: 10 characters.
RNA_RE = re.compile(r"^W\d[\dAB]\d{7}$")


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
