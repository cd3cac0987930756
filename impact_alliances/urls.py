from django.contrib import admin
from django.urls import include, path

from catalogue import views as catalogue_views

admin.site.site_header = "Impact Alliances — administration"
admin.site.site_title = "Impact Alliances"
admin.site.index_title = "Catalogue et données de référence"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", catalogue_views.healthz, name="healthz"),
    path("territoires/", include("catalogue.territory_urls")),
    path("", include("catalogue.urls")),
]

handler404 = "catalogue.views.page_not_found"
handler500 = "catalogue.views.server_error"
