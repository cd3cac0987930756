from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from core.page_cache import public_page

from . import api, views
from .csp import documentation, embeddable
from .feeds import ExampleFeed
from .sitemaps import SITEMAPS

app_name = "opendata"

router = DefaultRouter()
router.register("exemples", api.ExampleViewSet, basename="example")
router.register("acteurs", api.ActorViewSet, basename="actor")
router.register("territoires", api.TerritoryViewSet, basename="territory")
router.register("domaines", api.DomainViewSet, basename="domain")
router.register("objectifs", api.ObjectiveViewSet, basename="objective")

urlpatterns = [
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/v1/documentation/",
        documentation(SpectacularSwaggerSplitView.as_view(url_name="opendata:schema")),
        name="api_documentation",
    ),
    path("api/v1/", include(router.urls)),
    path("exemples/flux.atom", public_page(ExampleFeed()), name="example_feed"),
    # The decorators act on the response, cached or not: outside public_page.
    path("integrer/", embeddable(public_page(views.EmbedView.as_view())), name="embed"),
    path("donnees/", public_page(views.DataView.as_view()), name="data"),
    path(f"donnees/{views.dumps.ARCHIVE_NAME}", views.dump_archive, name="dump"),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
    path(
        "sitemap.xml",
        public_page(views.sitemap_index),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]
