"""What a flat page may hold: an allow-list of HTML (nh3), and the site's page templates.

Curators write pages in the admin, but a page is served to every visitor: a
`<meta http-equiv="refresh">` would send them off-site (the CSP does not cover it), a
script or an iframe would run or frame anything, and a template meant for another page
(admin/index.html) fails to render. The content is sanitised when saved and again when
served (a page written before, or straight into the database, is served clean too).
"""

import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "dl", "dt", "dd", "strong", "em", "b",
    "i", "a", "abbr", "blockquote", "code", "table", "caption", "thead", "tbody", "tr",
    "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "th": {"scope"}}
# Relative links (/contact/) are kept; javascript: and data: are not.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

DEFAULT_TEMPLATE = "flatpages/default.html"
# The templates a curator may choose for a page (empty: the default).
PAGE_TEMPLATES = {DEFAULT_TEMPLATE: _("Page du site (flatpages/default.html)")}
TEMPLATE_REFUSED = _(
    "« %(value)s » n'est pas un modèle de page du site : laissez ce champ vide ou choisissez "
    "un modèle de la liste."
)


def sanitise(html: str) -> str:
    """The page's HTML with only the allowed tags, attributes and link schemes; scripts and
    styles are removed with their content, comments too."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
    )


def page_template(template_name: str) -> str:
    """The template a page is served with: its own if it is one of the site's page
    templates, the default otherwise (never a 500 for a foreign one)."""
    return template_name if template_name in PAGE_TEMPLATES else DEFAULT_TEMPLATE


def validate_page_template(value: str) -> None:
    if value and value not in PAGE_TEMPLATES:
        raise ValidationError(TEMPLATE_REFUSED, code="page_template", params={"value": value})
