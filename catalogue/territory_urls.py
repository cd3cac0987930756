"""/territoires/: the territory finder and the territory pages (namespace "territoires")."""

from django.urls import path

from . import territory_views as views
from .caching import public_page

app_name = "territoires"
urlpatterns = [
    path("", public_page(views.TerritorySearchView.as_view()), name="search"),
    path("<slug:slug>/", public_page(views.TerritoryDetailView.as_view()), name="detail"),
]
