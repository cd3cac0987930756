from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The apps whose text fields refuse control characters: the project's own, and the flat
# pages its curators edit.
GUARDED_APPS = ["territoires", "catalogue", "reperes", "pages", "contributions", "flatpages"]


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Pages du site")

    def ready(self):
        from django.contrib.flatpages.models import FlatPage

        from catalogue.validators import guard_model_text_fields

        from .content import validate_page_template

        guard_model_text_fields(GUARDED_APPS)
        # Any write that validates refuses a foreign template, not only the admin's form.
        template_name = FlatPage._meta.get_field("template_name")
        if validate_page_template not in template_name.validators:
            template_name.validators.append(validate_page_template)
