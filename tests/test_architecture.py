"""The house rules that hold the project together: which app may import which, every URL
name still answering at its address, and every link of the documentation resolving inside
the repository (docs/architecture.md, « Allowed imports »)."""

import ast
import re
import uuid
from pathlib import Path

import pytest
from django.urls import URLResolver, get_resolver, reverse

ROOT = Path(__file__).resolve().parent.parent

# --- Allowed imports between the project's top-level packages ------------------------------

# Package -> the packages of ours it may import (Django and third parties are always allowed).
# Mirrored in docs/architecture.md; a new top-level package must be added here.
ANYTHING = "*"
ALLOWED_IMPORTS = {
    "french": set(),
    "territoires": {"french"},
    "core": {"french"},
    "catalogue": {"french", "territoires", "core"},
    "reperes": {"french", "territoires", "core", "catalogue"},
    # The sitemaps list the Fiches Repères.
    "opendata": {"french", "territoires", "core", "catalogue", "reperes"},
    "contributions": {"french", "territoires", "core", "catalogue"},
    # PagesConfig.ready guards the flat pages' text with catalogue.validators.
    "pages": {"french", "core", "catalogue"},
    "benchmarks": ANYTHING,
    # The project: settings, root URLs, middleware.
    "impact_alliances": ANYTHING,
    "tests": ANYTHING,
}

SKIPPED_DIRECTORIES = {".git", ".venv", "var", "node_modules", "__pycache__"}


def top_level_packages():
    return sorted(
        path.name
        for path in ROOT.iterdir()
        if path.name not in SKIPPED_DIRECTORIES and (path / "__init__.py").exists()
    )


def imported_modules(source: Path):
    """Every absolute import of a file, those inside functions included."""
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"), filename=str(source))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def test_architecture_every_package_has_import_rules():
    assert set(top_level_packages()) == set(ALLOWED_IMPORTS)


def test_architecture_apps_import_only_what_they_are_allowed_to():
    packages = set(top_level_packages())
    forbidden = []
    for package in packages:
        allowed = ALLOWED_IMPORTS.get(package, set())
        if allowed == ANYTHING:
            continue
        for source in sorted((ROOT / package).rglob("*.py")):
            for line, module in imported_modules(source):
                target = module.split(".")[0]
                if target in packages and target != package and target not in allowed:
                    forbidden.append(f"{source.relative_to(ROOT)}:{line} imports {module}")
    assert not forbidden, "\n".join(forbidden)


# --- Every URL name answers, at the same address ---------------------------------------------

# Every URL name outside the admin: the arguments it is given here and the path it must
# reverse to ({…} are filled from the objects made by the test). A renamed, moved or new URL
# shows here.
ROUTES = {
    "healthz": ({}, "/healthz"),
    "about": ({}, "/a-propos/"),
    "legal": ({}, "/mentions-legales/"),
    "accessibility": ({}, "/accessibilite/"),
    "contact": ({}, "/contact/"),
    "catalogue:home": ({}, "/"),
    "catalogue:example_list": ({}, "/exemples/"),
    "catalogue:example_export": ({"extension": "csv"}, "/exemples/export.csv"),
    "catalogue:export_job": ({"job_id": "{job}"}, "/exemples/export/{job}/"),
    "catalogue:suggestions": ({}, "/exemples/suggestions/"),
    "catalogue:export_file": ({"job_id": "{job}"}, "/exemples/export/{job}/fichier"),
    "catalogue:example_detail": ({"slug": "{example}"}, "/exemples/{example}/"),
    "catalogue:actor_list": ({}, "/acteurs/"),
    "catalogue:actor_detail": ({"slug": "{actor}"}, "/acteurs/{actor}/"),
    "catalogue:domain_list": ({}, "/domaines/"),
    "catalogue:domain_detail": ({"slug": "{domain}"}, "/domaines/{domain}/"),
    "catalogue:odd_list": ({}, "/odd/"),
    "catalogue:odd_detail": ({"number": 17}, "/odd/17/"),
    "territoires:search": ({}, "/territoires/"),
    "territoires:detail": ({"slug": "{territory}"}, "/territoires/{territory}/"),
    "reperes:france": ({}, "/reperes/"),
    "reperes:actor_type": ({"actor_type": "association"}, "/reperes/type-acteur/association/"),
    "reperes:domain": ({"slug": "{domain}"}, "/reperes/domaine/{domain}/"),
    "reperes:territory": ({"slug": "{region}"}, "/reperes/{region}/"),
    "contributions:propose": ({}, "/proposer/"),
    "contributions:thanks": ({}, "/proposer/merci/"),
    "opendata:schema": ({}, "/api/v1/schema/"),
    "opendata:api_documentation": ({}, "/api/v1/documentation/"),
    "opendata:api-root": ({}, "/api/v1/"),
    "opendata:example-list": ({}, "/api/v1/exemples/"),
    "opendata:example-detail": ({"slug": "{example}"}, "/api/v1/exemples/{example}/"),
    "opendata:actor-list": ({}, "/api/v1/acteurs/"),
    "opendata:actor-detail": ({"slug": "{actor}"}, "/api/v1/acteurs/{actor}/"),
    "opendata:territory-list": ({}, "/api/v1/territoires/"),
    "opendata:territory-detail": ({"slug": "{territory}"}, "/api/v1/territoires/{territory}/"),
    "opendata:domain-list": ({}, "/api/v1/domaines/"),
    "opendata:domain-detail": ({"slug": "{domain}"}, "/api/v1/domaines/{domain}/"),
    "opendata:objective-list": ({}, "/api/v1/objectifs/"),
    "opendata:objective-detail": ({"pk": "{objective}"}, "/api/v1/objectifs/{objective}/"),
    "opendata:example_feed": ({}, "/exemples/flux.atom"),
    "opendata:embed": ({}, "/integrer/"),
    "opendata:data": ({}, "/donnees/"),
    "opendata:dump": ({}, "/donnees/impact-alliances-donnees.zip"),
    "opendata:robots": ({}, "/robots.txt"),
    "opendata:sitemap": ({}, "/sitemap.xml"),
    "opendata:sitemap_section": ({"section": "exemples"}, "/sitemap-exemples.xml"),
}

# Values for the admin's URL arguments: an anonymous visitor is sent to the login page.
ADMIN_ARGUMENTS = {
    "object_id": "1",
    "id": 1,
    "content_type_id": 1,
    "app_label": "catalogue",
    "extension": "csv",
    "job_id": "{job}",
}


def url_names(patterns=None, namespace=()):
    """Each URL name of the project (with its namespaces) and the argument names of its
    shortest pattern (DRF adds a `format` variant under the same name)."""
    names = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            for name, arguments in url_names(pattern.url_patterns, inner).items():
                prefix = set(pattern.pattern.regex.groupindex)
                shortest = names.get(name, prefix | arguments)
                names[name] = min(shortest, prefix | arguments, key=len)
        elif pattern.name:
            name = ":".join((*namespace, pattern.name))
            arguments = set(pattern.pattern.regex.groupindex)
            names[name] = min(names.get(name, arguments), arguments, key=len)
    return names


def test_architecture_every_url_name_is_listed():
    public = {name for name in url_names() if not name.startswith("admin:")}
    assert public == set(ROUTES)


@pytest.fixture
def url_objects(db, site_pages):
    from catalogue.models import Domain, Objective

    from .factories import ActorFactory, ExampleFactory

    actor = ActorFactory()
    example = ExampleFactory(partners=[actor], domains=["sante"])
    return {
        "example": example.slug,
        "actor": actor.slug,
        "domain": Domain.objects.order_by("pk").first().slug,
        "objective": Objective.objects.order_by("pk").first().pk,
        "territory": "commune-59350",
        "region": "region-32",
        "job": str(uuid.uuid4()),
    }


def fill(value, objects):
    return value.format(**objects) if isinstance(value, str) else value


def test_architecture_every_url_answers_at_the_same_address(client, url_objects):
    client.raise_request_exception = False
    failures = []
    for name, (kwargs, expected_path) in ROUTES.items():
        path = reverse(name, kwargs={key: fill(v, url_objects) for key, v in kwargs.items()})
        if path != fill(expected_path, url_objects):
            failures.append(f"{name}: {path} instead of {fill(expected_path, url_objects)}")
            continue
        status = client.get(path).status_code
        if status >= 500:
            failures.append(f"{name}: {path} answers {status}")
    assert not failures, "\n".join(failures)


def test_architecture_every_admin_url_answers_an_anonymous_visitor(client, url_objects):
    client.raise_request_exception = False
    failures = []
    for name, arguments in url_names().items():
        if not name.startswith("admin:"):
            continue
        kwargs = {key: fill(ADMIN_ARGUMENTS[key], url_objects) for key in arguments}
        path = reverse(name, kwargs=kwargs)
        status = client.get(path).status_code
        if status >= 500:
            failures.append(f"{name}: {path} answers {status}")
    assert not failures, "\n".join(failures)


# --- Every link of the documentation resolves inside the repository --------------------------

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE_SPAN = re.compile(r"`([^`\s]+)`")
# Written at run time, never in the repository.
NOT_IN_REPOSITORY = {"var", ".venv"}


def repository_entries():
    return {
        path.name
        for path in ROOT.iterdir()
        if path.name not in NOT_IN_REPOSITORY and not path.name.startswith(".")
    }


def links(document: Path):
    """The relative links of a document: its markdown links, and the code spans that name a
    repository path (`catalogue/search.py`, `docs/search.md`) or a sibling document
    (`search.md`)."""
    text = document.read_text(encoding="utf-8")
    entries = repository_entries()
    for match in MARKDOWN_LINK.finditer(text):
        target = match.group(1)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue
        yield target.split("#")[0], document.parent
    for match in CODE_SPAN.finditer(text):
        span = match.group(1).split("#")[0].split("::")[0]
        if "/" in span and span.split("/")[0] in entries:
            yield span, ROOT
        elif "/" not in span and span.endswith(".md"):
            yield span, document.parent


def test_architecture_every_documentation_link_resolves():
    broken = []
    for document in DOCUMENTS:
        for target, base in links(document):
            path = (base / target).resolve()
            if not path.is_relative_to(ROOT) or not path.exists():
                broken.append(f"{document.relative_to(ROOT)}: {target}")
    assert not broken, "\n".join(broken)
