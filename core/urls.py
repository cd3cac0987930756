"""/healthz, at the root and without a namespace (load balancers and scripts call it)."""

from django.urls import path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
