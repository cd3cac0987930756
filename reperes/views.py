"""The Fiches Repères pages: one view per kind of subject, one template for all."""

from django.conf import settings
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from catalogue.choices import ActorType
from catalogue.models import Domain
from territoires.models import Territory, TerritoryLevel

from . import figures
from .fiches import FICHE_LEVELS, fiche_url


class FicheView(TemplateView):
    template_name = "reperes/fiche.html"

    def subject(self) -> figures.Subject:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        subject = self.subject()
        return super().get_context_data(
            **figures.fiche(subject),
            today=timezone.localdate(),
            permalink=self.request.build_absolute_uri(self.request.path),
            data_licence=settings.DATA_LICENCE,
            **kwargs,
        )


class FranceView(FicheView):
    def subject(self):
        return figures.Subject(kind="france", name=_("France"))


class TerritoryView(FicheView):
    def get(self, request, *args, **kwargs):
        if self.kwargs["slug"].startswith(f"{TerritoryLevel.PAYS}-"):
            return redirect("reperes:france", permanent=True)
        return super().get(request, *args, **kwargs)

    def subject(self):
        territory = get_object_or_404(Territory, slug=self.kwargs["slug"], level__in=FICHE_LEVELS)
        return figures.Subject(
            kind="territoire",
            name=territory.name,
            params=QueryDict.fromkeys(["territoire"], territory.slug),
            territory=territory,
            page_url=territory.get_absolute_url(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        territory = context["subject"].territory
        if territory.level == TerritoryLevel.EPCI and not context["example_count"]:
            raise Http404(_("Cette intercommunalité n'a pas encore d'exemple publié."))
        # The fiches above this one, for the breadcrumb (France first).
        context["trail"] = [(t, fiche_url(t)) for t in territory.trail() if fiche_url(t)]
        return context


class ActorTypeView(FicheView):
    def subject(self):
        labels = dict(ActorType.choices)
        actor_type = self.kwargs["actor_type"]
        if actor_type not in labels:
            raise Http404(_("Type d'acteur inconnu : « %(value)s ».") % {"value": actor_type})
        return figures.Subject(
            kind="type_acteur",
            name=str(labels[actor_type]),
            params=QueryDict.fromkeys(["type_acteur"], actor_type),
            page_url=reverse("catalogue:actor_list") + f"?type_acteur={actor_type}",
        )


class DomainView(FicheView):
    def subject(self):
        domain = get_object_or_404(Domain, slug=self.kwargs["slug"])
        return figures.Subject(
            kind="domaine",
            name=domain.name,
            params=QueryDict.fromkeys(["domaine"], domain.slug),
            page_url=domain.get_absolute_url(),
        )
