from django.urls import path, re_path

from core.page_cache import public_page

from . import export_views, suggestion_views, views

app_name = "catalogue"
urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("exemples/", public_page(views.ExampleListView.as_view()), name="example_list"),
    re_path(
        r"^exemples/export\.(?P<extension>csv|xlsx|ods)$",
        export_views.ExampleExportView.as_view(),
        name="example_export",
    ),
    # Before exemples/<slug>/: "suggestions" is not an example's slug.
    path("exemples/suggestions/", suggestion_views.suggestions, name="suggestions"),
    path("exemples/export/<uuid:job_id>/", export_views.export_job, name="export_job"),
    path("exemples/export/<uuid:job_id>/fichier", export_views.export_file, name="export_file"),
    path(
        "exemples/<slug:slug>/",
        public_page(views.ExampleDetailView.as_view()),
        name="example_detail",
    ),
    path("acteurs/", public_page(views.ActorListView.as_view()), name="actor_list"),
    path("acteurs/<slug:slug>/", public_page(views.ActorDetailView.as_view()), name="actor_detail"),
    path("domaines/", public_page(views.DomainListView.as_view()), name="domain_list"),
    path(
        "domaines/<slug:slug>/", public_page(views.DomainDetailView.as_view()), name="domain_detail"
    ),
    path("odd/", public_page(views.OddListView.as_view()), name="odd_list"),
    path("odd/<int:number>/", public_page(views.OddDetailView.as_view()), name="odd_detail"),
]
