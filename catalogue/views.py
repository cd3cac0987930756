"""Public pages of the catalogue."""

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView, TemplateView

from .choices import ObjectiveFamily
from .models import Actor, Domain, Example, Objective


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


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        published = Example.objects.published()
        return super().get_context_data(
            example_count=published.count(),
            actor_count=Actor.objects.filter(partnerships__example__in=published)
            .distinct()
            .count(),
            latest_examples=published.with_related().order_by("-created_at")[:6],
            **kwargs,
        )


class ExampleListView(ListView):
    template_name = "catalogue/example_list.html"
    context_object_name = "examples"
    paginate_by = settings.EXAMPLES_PER_PAGE

    def get_queryset(self):
        return Example.objects.published().with_related()


class ExampleDetailView(DetailView):
    template_name = "catalogue/example_detail.html"
    context_object_name = "example"

    def get_queryset(self):
        return Example.objects.published().with_related()


class ActorListView(ListView):
    template_name = "catalogue/actor_list.html"
    context_object_name = "actors"
    paginate_by = 50

    def get_queryset(self):
        return (
            Actor.objects.with_published_examples()
            .with_related()
            .annotate(example_count=Count("partnerships", distinct=True))
        )


class ActorDetailView(DetailView):
    template_name = "catalogue/actor_detail.html"
    context_object_name = "actor"

    def get_queryset(self):
        return Actor.objects.with_related()

    def get_context_data(self, **kwargs):
        examples = Example.objects.published().with_related().filter(partners=self.object)
        return super().get_context_data(examples=examples, **kwargs)


class DomainDetailView(DetailView):
    template_name = "catalogue/domain_detail.html"
    context_object_name = "domain"
    model = Domain

    def get_context_data(self, **kwargs):
        examples = Example.objects.published().with_related().filter(domains=self.object)
        return super().get_context_data(examples=examples[:50], **kwargs)


class OddDetailView(DetailView):
    template_name = "catalogue/odd_detail.html"
    context_object_name = "objective"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Objective, family=ObjectiveFamily.ODD, number=self.kwargs["number"]
        )

    def get_context_data(self, **kwargs):
        examples = Example.objects.published().with_related().filter(objectives=self.object)
        return super().get_context_data(examples=examples[:50], **kwargs)
