"""/territoires/: the territory finder and the territory pages (namespace "territoires")."""

from django.urls import path

from core.page_cache import public_page

from . import territory_views as views

app_name = "territoires"
urlpatterns = [
    path("", public_page(views.TerritorySearchView.as_view()), name="search"),
    path("<slug:slug>/", public_page(views.TerritoryDetailView.as_view()), name="detail"),
]
