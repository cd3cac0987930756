"""The health check and the error pages."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


def healthz(request):
    """200 when the application and its database answer, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "erreur", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
