"""The flat pages as visitors see them."""

from django.contrib.auth.views import redirect_to_login
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.shortcuts import get_current_site
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from .content import page_template, sanitise


def flatpage(request, url):
    """Django's flat page view, but the content is sanitised again as it is served and the
    template is one of the site's page templates; the title is text (escaped), not HTML."""
    page = get_object_or_404(FlatPage, url=url, sites=get_current_site(request).id)
    if page.registration_required and not request.user.is_authenticated:
        return redirect_to_login(request.path)
    page.content = mark_safe(sanitise(page.content))
    return render(request, page_template(page.template_name), {"flatpage": page})
