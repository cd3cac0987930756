"""Project-wide request guards."""

from django.shortcuts import render
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
                return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)
