"""Project-wide request guards."""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

# Control characters have no place in a URL: NUL breaks PostgreSQL (a path's slug is looked
# up as is), the others spreadsheets (openpyxl refuses them) and the Atom feed — refused
# once here for every page, admin included. One definition with the forms' text fields.
from catalogue.validators import CONTROL_CHARACTERS


class RefuseControlCharactersMiddleware:
    """400 with a French message naming the parameter (or the path), before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path_info):
            message = _("L'adresse contient un caractère de contrôle (invisible) : retirez-le.")
            return render(request, "400.html", {"message": message}, status=400)
        for name, values in request.GET.lists():
            if any(CONTROL_CHARACTERS.search(text) for text in (name, *values)):
                message = _(
                    "Le paramètre « %(name)s » contient un caractère de contrôle (invisible) : "
                    "retirez-le de l'adresse."
                ) % {"name": CONTROL_CHARACTERS.sub("", name)}
                if answers_json(request):
                    return JsonResponse(
                        {"erreur": message}, status=400, json_dumps_params={"ensure_ascii": False}
                    )
                return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


def answers_json(request) -> bool:
    """Does the address's view answer JSON (`answers_json` on the view, such as the
    suggestions)? Then a refusal is JSON too, which a script can read."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "answers_json", False)
