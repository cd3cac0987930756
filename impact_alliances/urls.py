from django.contrib import admin
from django.urls import include, path

from pages import views as page_views

admin.site.site_header = "Impact Alliances — administration"
admin.site.site_title = "Impact Alliances"
admin.site.index_title = "Catalogue et données de référence"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("core.urls")),
    path("territoires/", include("catalogue.territory_urls")),
    path("", include("opendata.urls")),
    path("reperes/", include("reperes.urls")),
    path("proposer/", include("contributions.urls")),
    # The pages a public site owes: flat pages, their texts edited in the admin (served
    # sanitised, with a site page template: pages/content.py).
    *(
        path(route, page_views.flatpage, {"url": f"/{route}"}, name=name)
        for route, name in (
            ("a-propos/", "about"),
            ("mentions-legales/", "legal"),
            ("accessibilite/", "accessibility"),
            ("contact/", "contact"),
        )
    ),
    path("", include("catalogue.urls")),
]

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
