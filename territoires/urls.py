from django.urls import path

from catalogue.caching import public_page

from . import views

app_name = "territoires"
urlpatterns = [
    path("", public_page(views.TerritorySearchView.as_view()), name="search"),
    path("<slug:slug>/", public_page(views.TerritoryDetailView.as_view()), name="detail"),
]
