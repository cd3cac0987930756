from django.urls import path, re_path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("exemples/", views.ExampleListView.as_view(), name="example_list"),
    re_path(
        r"^exemples/export\.(?P<extension>csv|xlsx|ods)$",
        views.ExampleExportView.as_view(),
        name="example_export",
    ),
    path("exemples/<slug:slug>/", views.ExampleDetailView.as_view(), name="example_detail"),
    path("acteurs/", views.ActorListView.as_view(), name="actor_list"),
    path("acteurs/<slug:slug>/", views.ActorDetailView.as_view(), name="actor_detail"),
    path("domaines/<slug:slug>/", views.DomainDetailView.as_view(), name="domain_detail"),
    path("odd/<int:number>/", views.OddDetailView.as_view(), name="odd_detail"),
]
