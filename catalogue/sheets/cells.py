"""One cell of a sheet, read and written: text as typed, formulas neutralised or refused,
closed lists, years, territories; the widgets the sheets' columns use."""

import re
import zoneinfo

from django.conf import settings
from django.utils.translation import gettext as _
from import_export import fields, widgets

from territoires.models import Territory, TerritoryLevel, slug_at

from .lookups import Lookups, UnknownValue, fold
from .rows import Formula

MULTI_VALUE_JOIN = "; "
LOCAL_TIME = zoneinfo.ZoneInfo(settings.TIME_ZONE)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def neutralise_formula(value):
    """A cell value a spreadsheet will not run as a formula; numbers stay typed.

    A text starting with = + - @, a tab or a carriage return gets a leading apostrophe,
    which imports remove again (see `restore_formula`).
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return NEUTRALISER + value
    return value


def restore_formula(value: str) -> str:
    if value.startswith(NEUTRALISER) and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def header_key(text) -> str:
    """'  Année de  DÉBUT ' and 'annee de debut' are the same header."""
    return re.sub(r"\s+", "", fold(str(text or "")).replace("’", "'"))


def cell_text(value) -> str:
    """A cell as the text a curator typed: '' for empty, 2020 for 2020.0, no formula guard."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return restore_formula(str(value).replace("\r\n", "\n").strip())


def checked_text(value) -> str:
    """`cell_text`, refusing a formula: its result is not in the file, only the formula."""
    if isinstance(value, Formula):
        raise ValueError(
            _("La cellule contient une formule (« %(formula)s ») ; saisissez le texte.")
            % {"formula": str(value)[:50]}
        )
    return cell_text(value)


def attribute_value(instance, attribute):
    """What a column compares: the text, the number, or the id of a related row."""
    field = instance._meta.get_field(attribute)
    return comparable(getattr(instance, field.attname))


def comparable(value):
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value


# Widgets: one value of one cell, read and written.


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return checked_text(value)

    def render(self, value, obj=None, **kwargs):
        return neutralise_formula(value or "")


class ChoiceWidget(widgets.Widget):
    """A closed list: the value (`publie`) or the French label (`Publié`)."""

    def __init__(self, choices, column: str, required: bool = True):
        self.choices = choices
        self.column = column
        self.required = required
        self.by_key = {}
        for value, label in choices.choices:
            self.by_key[fold(value)] = value
            self.by_key[fold(str(label))] = value

    def clean(self, value, row=None, **kwargs):
        text = checked_text(value)
        if not text and not self.required:
            return ""
        if not text:
            raise ValueError(_("Valeur obligatoire."))
        try:
            return self.by_key[fold(text)]
        except KeyError:
            raise ValueError(
                _("Valeur inconnue « %(value)s » ; valeurs possibles : %(choices)s.")
                % {"value": text, "choices": ", ".join(str(c.label) for c in self.choices)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class YearWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = checked_text(value)
        if not text:
            return None
        if re.fullmatch(r"\d{4}(\.0+)?", text):
            return int(float(text))
        raise ValueError(_("Année invalide : « %(value)s » (quatre chiffres).") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value if value is not None else ""


class TerritoryWidget(widgets.Widget):
    """A territory by slug (`commune-59350`) or by unambiguous name (`Lille`)."""

    lookups: Lookups | None = None

    def clean(self, value, row=None, **kwargs):
        text = checked_text(value)
        if not text:
            return None
        try:
            return self.lookups.territory(text)
        except UnknownValue as error:
            raise ValueError(str(error)) from None

    def render(self, value, obj=None, **kwargs):
        return value.slug if value else ""


class SirenWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(int(value)).zfill(9)
        return re.sub(r"\s+", "", checked_text(value))


class RnaWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return re.sub(r"\s+", "", checked_text(value)).upper()


def text_field(attribute, column):
    return fields.Field(attribute=attribute, column_name=column, widget=TextWidget())


def read_only_field(column):
    return fields.Field(column_name=column, readonly=True)


def place_names() -> dict[str, str]:
    """{slug: name} of the régions and départements (one query, 119 rows)."""
    levels = [TerritoryLevel.REGION, TerritoryLevel.DEPARTEMENT]
    return dict(Territory.objects.filter(level__in=levels).values_list("slug", "name"))


def place_cells(path: str, names: dict[str, str]) -> tuple[str, str]:
    """The département and région a territory lies in (itself when it is one), by its path."""
    return (
        names.get(slug_at(path, TerritoryLevel.DEPARTEMENT), ""),
        names.get(slug_at(path, TerritoryLevel.REGION), ""),
    )


def join_cell(values) -> str:
    return neutralise_formula(MULTI_VALUE_JOIN.join(values))


def format_datetime(value):
    """A date cell, to the minute, in French local time (spreadsheets have no time zones)."""
    if not value:
        return ""
    return value.astimezone(LOCAL_TIME).replace(tzinfo=None, second=0, microsecond=0)
