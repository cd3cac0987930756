"""/proposer/: the public proposes an example, which becomes a draft for curators."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.security import client_ip
from core.throttling import count_in_window

from . import services
from .forms import PartnerFormSet, ProposalForm

SESSION_KEY = "proposal_reference"
MAIL_SENT_KEY = "proposal_mail_sent"


class ProposeView(View):
    template_name = "contributions/propose.html"

    def get(self, request):
        return self.show(request, ProposalForm(), PartnerFormSet(prefix="partenaires"))

    def post(self, request):
        form = ProposalForm(request.POST)
        partners = PartnerFormSet(request.POST, prefix="partenaires")
        if form.is_spam:
            # Answered like a success, so that a robot learns nothing; nothing is written.
            request.session[SESSION_KEY] = ""
            return redirect("contributions:thanks")
        if "chercher_territoire" in request.POST:
            form.find_territories()
            return self.show(request, form, partners, searched=True)
        if not (form.is_valid() and partners.is_valid()):
            form.find_territories()
            return self.show(request, form, partners, status=400)
        refusal = count_in_window(
            f"proposal:{client_ip(request)}",
            limit=settings.PROPOSAL_RATE_LIMIT,
            window=settings.PROPOSAL_RATE_WINDOW,
        )
        if refusal:
            minutes = max(1, round(refusal.retry_after / 60))
            error = _(
                "Une proposition vient déjà d'être envoyée depuis votre adresse : vous pourrez "
                "en envoyer une autre dans %(minutes)d minute(s). Votre saisie est conservée "
                "ci-dessous."
            ) % {"minutes": minutes}
            response = self.show(request, form, partners, refused=error, status=429)
            response["Retry-After"] = str(refusal.retry_after)
            return response
        example = services.create_proposal(
            data=form.cleaned_data,
            partners=[p.cleaned_data for p in partners if p.has_changed()],
            email=form.cleaned_data["email"],
        )
        sent = services.send_acknowledgement(example=example, email=form.cleaned_data["email"])
        request.session[SESSION_KEY] = example.reference
        request.session[MAIL_SENT_KEY] = sent
        return redirect("contributions:thanks")

    def show(self, request, form, partners, *, status=200, **extra):
        context = {"form": form, "partners": partners, **extra}
        return render(request, self.template_name, context, status=status)


def thanks(request):
    reference = request.session.get(SESSION_KEY)
    if reference is None:
        return redirect("contributions:propose")
    context = {"reference": reference, "mail_sent": request.session.get(MAIL_SENT_KEY, True)}
    return render(request, "contributions/thanks.html", context)
