from django.urls import path

from core.page_cache import public_page

from . import views

app_name = "reperes"
urlpatterns = [
    path("", public_page(views.FranceView.as_view()), name="france"),
    path(
        "type-acteur/<slug:actor_type>/",
        public_page(views.ActorTypeView.as_view()),
        name="actor_type",
    ),
    path("domaine/<slug:slug>/", public_page(views.DomainView.as_view()), name="domain"),
    path("<slug:slug>/", public_page(views.TerritoryView.as_view()), name="territory"),
]
