"""Hooks of the admin login throttling (django-axes): who the client is, what a lockout says."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def client_ip(request) -> str:
    """The visitor's address: the reverse proxy's header when one is named, else the socket's.

    With X-Forwarded-For the last address is the one the proxy itself saw; the ones before
    it were written by the client and prove nothing.
    """
    if settings.CLIENT_IP_META_KEY:
        forwarded = request.META.get(settings.CLIENT_IP_META_KEY, "")
        address = forwarded.rsplit(",", 1)[-1].strip()
        if address:
            return address
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """429 Too Many Requests with Retry-After, in the admin's frame, in French.

    Every attempt during a lockout starts the cool-off again, so the whole cool-off is the
    time left.
    """
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = max(1, seconds // 60)
    retry_at = timezone.localtime() + settings.AXES_COOLOFF_TIME
    message = _(
        "Trop de tentatives de connexion échouées : la connexion à ce compte depuis votre "
        "adresse est bloquée pendant %(minutes)d minutes. Réessayez après %(time)s."
    ) % {"minutes": minutes, "time": retry_at.strftime("%H:%M")}
    context = {
        **admin.site.each_context(request),
        "title": _("Connexion temporairement bloquée"),
        "message": message,
    }
    response = render(request, "admin/login_locked.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
