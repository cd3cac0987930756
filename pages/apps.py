from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The apps whose text fields refuse control characters: the project's own, and the flat
# pages its curators edit.
GUARDED_APPS = ["territoires", "catalogue", "reperes", "pages", "contributions", "flatpages"]


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Pages du site")

    def ready(self):
        from catalogue.validators import guard_model_text_fields

        guard_model_text_fields(GUARDED_APPS)
