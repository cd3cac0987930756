from django.urls import path

from . import views

app_name = "territoires"
urlpatterns = [
    path("", views.TerritorySearchView.as_view(), name="search"),
    path("<slug:slug>/", views.TerritoryDetailView.as_view(), name="detail"),
]
