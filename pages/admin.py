"""The flat pages' admin: Django's, with the content sanitised on save and the template
chosen among the site's page templates."""

from django import forms
from django.contrib import admin
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.utils.translation import gettext_lazy as _

from .content import PAGE_TEMPLATES, TEMPLATE_REFUSED, sanitise


class SitePageForm(FlatpageForm):
    template_name = forms.ChoiceField(
        label=_("Modèle"),
        choices=[("", _("Modèle par défaut")), *PAGE_TEMPLATES.items()],
        required=False,
        error_messages={"invalid_choice": TEMPLATE_REFUSED},
    )

    def clean_content(self):
        return sanitise(self.cleaned_data["content"])


class SitePageAdmin(FlatPageAdmin):
    form = SitePageForm


admin.site.unregister(FlatPage)
admin.site.register(FlatPage, SitePageAdmin)
