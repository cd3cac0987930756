"""The open data page and its dump, the embeddable list, robots.txt."""

from django.conf import settings
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import TemplateView

from catalogue import selectors
from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Example
from catalogue.querystrings import query_with

from . import dumps


class DataView(TemplateView):
    """/donnees/: the licence, the API, the feeds and the latest dump."""

    template_name = "opendata/data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            licence=settings.DATA_LICENCE,
            licence_url=settings.DATA_LICENCE_URL,
            dump=dumps.latest(),
            site_url=settings.SITE_URL.rstrip("/"),
            **kwargs,
        )


def dump_archive(request):
    """The latest dump written by `manage.py export_open_data`."""
    path = dumps.dump_folder() / dumps.ARCHIVE_NAME
    if not path.is_file():
        raise Http404("Aucun export complet n'a encore été produit.")
    return FileResponse(path.open("rb"), as_attachment=True, filename=dumps.ARCHIVE_NAME)


class EmbedView(TemplateView):
    """/integrer/?<the list's query>: the first examples of a list, without the site's
    header and footer, for a partner's <iframe>."""

    template_name = "opendata/embed.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        status = 200 if context["filterset"].is_valid() else 400
        return self.render_to_response(context, status=status)

    def get_context_data(self, **kwargs):
        filterset = ExampleFilterSet(self.request.GET)
        valid = filterset.is_valid()
        results = selectors.ordered_results(filterset) if valid else []
        return super().get_context_data(
            filterset=filterset,
            form=filterset.form,
            total=len(results),
            examples=Example.objects.for_cards().in_order(list(results[: settings.EMBED_SIZE])),
            list_url=settings.SITE_URL.rstrip("/") + "/exemples/" + query_with(self.request.GET),
            site_url=settings.SITE_URL.rstrip("/"),
            **kwargs,
        )


class RobotsView(TemplateView):
    template_name = "opendata/robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            site_url=settings.SITE_URL.rstrip("/"), archive_name=dumps.ARCHIVE_NAME, **kwargs
        )


@x_robots_tag
def sitemap_index(request, sitemaps):
    """`/sitemap.xml`: Django's index, with every address under SITE_URL (Django's takes the
    host from the Sites record and the scheme from the request; the page is cached for all)."""
    base = settings.SITE_URL.rstrip("/")
    entries = []
    for section, sitemap in sitemaps.items():
        sitemap = sitemap() if callable(sitemap) else sitemap
        url = base + reverse("opendata:sitemap_section", kwargs={"section": section})
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(url, lastmod))
        # A section of more than 50,000 addresses is split into pages.
        entries += [
            SitemapIndexItem(f"{url}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
