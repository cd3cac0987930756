"""Project-wide request guards."""

import re

from django.shortcuts import render
from django.utils.translation import gettext as _

# Control characters have no place in a URL parameter: NUL breaks PostgreSQL, the others
# spreadsheets (openpyxl refuses them) — refused once here for every page, admin included.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RefuseControlCharactersMiddleware:
    """400 with a French message naming the parameter, before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            if any(CONTROL_CHARACTERS.search(text) for text in (name, *values)):
                message = _(
                    "Le paramètre « %(name)s » contient un caractère de contrôle (invisible) : "
                    "retirez-le de l'adresse."
                ) % {"name": CONTROL_CHARACTERS.sub("", name)}
                return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)
