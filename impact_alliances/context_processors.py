"""What every page shows about the site itself."""

from django.conf import settings


def site(request):
    """The address visitors write to (the contact page and the footer)."""
    return {"contact_email": settings.CONTACT_EMAIL}
