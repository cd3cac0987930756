"""Display values of the public pages' repeated rows, computed once per page in Python.

A template node costs a few microseconds, and the rows of a page (20 example cards with
their objectives and partners, 60 facet checkboxes, 120 territory options) rendered
thousands of them: most of an uncached page's time (docs/benchmarks.md, « Coût fixe des
gabarits »). The markup of those rows is built here with `format_html`, which escapes
every value as the template did; the templates keep the page's structure. The pages'
HTML is unchanged but for a few blank lines.
"""

from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import pluralize, truncatewords
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from . import search
from .choices import ActorType, ObjectiveFamily


def objective_marks(objectives, *, linked: bool = False, memo: dict | None = None) -> SafeString:
    """An example's objectives: the ODD as tiles in their UN colour, then the objectives of
    "faire alliance" as their own marks, never in one row; each a link when `linked`.
    `objectives` are in the model's order (family, number); `memo` shares the marks of
    one page's objectives between its cards."""
    memo = {} if memo is None else memo
    families: list[tuple[str, list]] = []
    for objective in objectives:
        if families and families[-1][0] == objective.family:
            families[-1][1].append(objective)
        else:
            families.append((objective.family, [objective]))
    parts = []
    for family, members in reversed(families):
        if family == ObjectiveFamily.ODD:
            parts.append('<ul class="odd-marks" aria-label="Objectifs de développement durable">')
        else:
            parts.append('<ul class="alliance-marks" aria-label="Objectifs d\'alliance">')
        parts.extend(_objective_mark(objective, linked, memo) for objective in members)
        parts.append("</ul>")
    return mark_safe("".join(parts))  # the fixed parts above, and marks built by format_html


def _objective_mark(objective, linked: bool, memo: dict) -> str:
    key = (objective.pk, linked)
    if key not in memo:
        if objective.family == ObjectiveFamily.ODD:
            inner = format_html(
                '<span class="odd-mark-number" aria-hidden="true">{}</span> '
                '<span class="odd-mark-name">{}</span>',
                objective.number,
                objective,
            )
        else:
            inner = format_html("{}", objective)
        if linked:
            inner = format_html('<a href="{}">{}</a>', objective.get_absolute_url(), inner)
        memo[key] = format_html(
            '<li class="{}-mark objective-{}-{}">{}</li>',
            objective.family,
            objective.family,
            objective.number,
            inner,
        )
    return memo[key]


@dataclass(frozen=True)
class ExampleCard:
    """What the card of an example shows (includes/example_card.html), already escaped."""

    url: str
    title: SafeString
    meta: SafeString
    summary: SafeString
    marks: SafeString
    partners: SafeString


def example_cards(examples, query: str = "") -> list[ExampleCard]:
    """The cards of a page's examples, their words matching `query` marked; the examples
    come with their territory, objectives and partners loaded (`for_cards()`)."""
    actor_types = {value: str(label).lower() for value, label in ActorType.choices}
    memo: dict = {}
    return [
        example_card(example, query, actor_types=actor_types, memo=memo) for example in examples
    ]


def example_card(example, query: str = "", *, actor_types=None, memo=None) -> ExampleCard:
    if actor_types is None:
        actor_types = {value: str(label).lower() for value, label in ActorType.choices}
    until = format_html(" (jusqu'en {})", example.end_year) if example.end_year else ""
    partners = format_html_join(
        " · ",
        "{} ({})",
        (
            (
                search.highlight(p.actor.name, query),
                actor_types.get(p.actor.actor_type, p.actor.actor_type),
            )
            for p in example.partnerships.all()
        ),
    )
    return ExampleCard(
        url=example.get_absolute_url(),
        title=search.highlight(example.title, query),
        meta=format_html("{} · depuis {}{}", example.territory, example.start_year, until),
        summary=(
            search.highlight(truncatewords(example.summary, 40), query) if example.summary else ""
        ),
        marks=objective_marks(example.objectives.all(), memo=memo),
        partners=partners,
    )


def facet_options(name: str, options) -> SafeString:
    """The checkboxes of one facet of the list (`facet_groups()` in views.py)."""
    rows = (
        format_html(
            '\n  <li><input type="checkbox" name="{name}" value="{value}" id="f-{name}-{value}"'
            '{checked}>\n    <label for="f-{name}-{value}">{label} <span class="count">({count}'
            '<span class="visually-hidden"> résultat{plural}</span>)</span></label></li>\n',
            name=name,
            value=option["value"],
            checked=mark_safe(" checked") if option["selected"] else "",
            label=option["label"],
            count=intcomma(option["count"]),
            plural=pluralize(option["count"]),
        )
        for option in options
    )
    return mark_safe("<ul>\n" + "".join(rows) + "\n</ul>\n")  # rows built by format_html


def territory_options(choices: dict) -> SafeString:
    """The options of the list's territory filter after "Toute la France": the deeper
    territory chosen, then each région followed by its départements, with their counts
    (`territory_choices()` in views.py)."""
    selected = choices["selected"].slug if choices["selected"] else None
    parts = []
    deeper = choices["deeper"]
    if deeper:
        parts.append(
            format_html(
                '<option value="{}" selected>{} ({})</option>',
                deeper.slug,
                deeper,
                deeper.get_level_display().lower(),
            )
        )
    parts.append("\n          ")
    for group in choices["groups"]:
        region = group["region"]
        parts.append(
            format_html(
                '\n          <optgroup label="{}">\n            <option value="{}"{}>{} — toute '
                "la région ({})</option>\n            ",
                region.name,
                region.slug,
                _selected(region.slug == selected),
                region.name,
                intcomma(group["count"]),
            )
        )
        parts.extend(
            format_html(
                '<option value="{}"{}>{} {} ({})</option>',
                departement.slug,
                _selected(departement.slug == selected),
                departement.code,
                departement.name,
                intcomma(count),
            )
            for departement, count in group["departements"]
        )
        parts.append("\n          </optgroup>\n          ")
    return mark_safe("".join(parts))  # fixed text and pieces built by format_html


def _selected(flag: bool) -> str:
    return " selected" if flag else ""
