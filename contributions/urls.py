from django.urls import path

from . import views

app_name = "contributions"
urlpatterns = [
    path("", views.ProposeView.as_view(), name="propose"),
    path("merci/", views.thanks, name="thanks"),
]
