"""/exemples/suggestions/?q=: what the search boxes suggest as a visitor types (JSON)."""

from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from core.page_cache import public_page
from core.security import client_ip
from core.throttling import count_in_window

from . import suggestions as names
from .validators import CONTROL_CHARACTERS


def french_json(data, status=200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def throttled(view):
    """At most SUGGESTION_RATE_LIMIT requests per client address and window (cached answers
    included: a client that asks too often is told so, whatever it asks)."""

    @wraps(view)
    def limited(request, *args, **kwargs):
        refusal = count_in_window(
            f"suggestions:{client_ip(request)}",
            limit=settings.SUGGESTION_RATE_LIMIT,
            window=settings.SUGGESTION_RATE_WINDOW,
        )
        if refusal is None:
            return view(request, *args, **kwargs)
        message = _("Trop de demandes de suggestions : réessayez dans %(seconds)d s.") % {
            "seconds": refusal.retry_after
        }
        response = french_json({"erreur": message}, status=429)
        response["Retry-After"] = str(refusal.retry_after)
        return response

    return limited


def suggestion_list(request):
    """{"q": …, "groupes": [{"groupe", "titre", "suggestions": [{"libelle", "precision",
    "nombre"?, "url"}]}]}: territories, themes, actors and examples whose words begin with
    the words of `q` (docs/public-interface.md, « Suggestions »)."""
    values = request.GET.getlist("q")
    if len(values) > 1:
        return french_json({"erreur": _("Un seul paramètre « q » est accepté.")}, status=400)
    text = values[0] if values else ""
    if len(text) > names.MAX_LENGTH:
        message = _("La recherche est trop longue : %(max)d caractères au plus.") % {
            "max": names.MAX_LENGTH
        }
        return french_json({"erreur": message}, status=400)
    if CONTROL_CHARACTERS.search(text):
        message = _("La recherche contient un caractère de contrôle (invisible) : retirez-le.")
        return french_json({"erreur": message}, status=400)
    try:
        groups = names.suggest(text)
    except names.NotReady:
        # Not cached (not a 200): the next keystrokes ask again.
        message = _("Les suggestions se préparent : réessayez dans quelques secondes.")
        response = french_json({"erreur": message}, status=503)
        response["Retry-After"] = "10"
        return response
    return french_json({"q": text, "groupes": groups})


# Read by the request guard (impact_alliances.middleware): its refusals here are JSON too.
suggestion_list.answers_json = True
suggestions = throttled(public_page(suggestion_list))
