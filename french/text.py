"""Text normalisation shared by search, slugs and spreadsheet matching."""

import re
import unicodedata
from functools import lru_cache

from django.utils.text import slugify

_SPACES = re.compile(r"\s+")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# Latin letters with their accents removed, in one table (str.translate runs in C); the
# ligatures that NFKD leaves alone but French writers use.
_ACCENTS = {
    code: _strip_marks(chr(code))
    for code in range(0x80, 0x250)
    if _strip_marks(chr(code)) != chr(code)
} | {ord("œ"): "oe", ord("Œ"): "OE", ord("æ"): "ae", ord("Æ"): "AE"}
# Typographic punctuation as people also type it on a keyboard: "L’Îlot" is "L'Ilot",
# "Chaire — Territoires" is "Chaire - Territoires", « Demain » is "Demain".
_TYPOGRAPHY = {
    **dict.fromkeys(map(ord, "’‘‛′ʼ`´"), "'"),
    **dict.fromkeys(map(ord, "«»“”„‟″"), '"'),
    **dict.fromkeys(map(ord, "‐‑‒–—―−"), "-"),
}
_ACCENTS |= _TYPOGRAPHY
# French typography spaces the inside of « guillemets »; a keyboard's "quotes" are not.
_GUILLEMETS = re.compile(r"«\s*|\s*»")


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced: 'École  Élémentaire' -> 'ecole elementaire'.

    The one folding of the project: names are folded here (and stored folded, see
    `Actor.folded_name` and `Territory.folded_name`), never by a database function, so that
    PostgreSQL and SQLite match the same names. Ligatures, non-breaking and thin spaces and
    typographic quotes and dashes fold to what a keyboard types.
    """
    text = text or ""
    if "«" in text or "»" in text:
        text = _GUILLEMETS.sub('"', text)
    text = text.translate(_ACCENTS)
    if not text.isascii():  # rarer letters and marks: the general (slower) path
        text = _strip_marks(text)
    return _SPACES.sub(" ", text).strip().lower()


@lru_cache(maxsize=32_768)  # the SQLite collation compares the same titles many times
def sort_key(text: str) -> tuple[str, str, str]:
    """French alphabetical order: 'Émile' with the E, 'Œuvre' as 'oeuvre', case ignored.

    The folded text decides; ties go to the unaccented spelling, then to the lower-case one,
    as PostgreSQL's ICU collation "fr-x-icu" does (see french/collation.py).
    """
    text = text or ""
    return fold(text), text.lower(), text.swapcase()


def slug_base(text: str, max_length: int) -> str:
    return slugify(fold(text))[:max_length].strip("-") or "sans-titre"


def free_slug(text: str, *, taken: set[str], max_length: int = 80) -> str:
    """A slug from `text` not in `taken`, which it joins, with -2, -3… (bulk work: no query)."""
    base = slug_base(text, max_length - 6)
    candidate, counter = base, 2
    while candidate in taken:
        candidate = f"{base}-{counter}"
        counter += 1
    taken.add(candidate)
    return candidate


def unique_slug(model, text: str, *, max_length: int = 80, exclude_pk=None) -> str:
    """A slug from `text`, unique among the slugs of `model`."""
    existing = model.objects.filter(slug__startswith=slug_base(text, max_length - 6))
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    taken = set(existing.values_list("slug", flat=True))
    return free_slug(text, taken=taken, max_length=max_length)
