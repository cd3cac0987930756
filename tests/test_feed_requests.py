"""The Atom feed keeps nothing of a request on the one ExampleFeed the URLconf shares, names
itself with its filters, and never fails on text XML cannot hold."""

from xml.etree import ElementTree

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from catalogue.filtersets import ExampleFilterSet
from catalogue.models import Domain
from opendata.feeds import ExampleFeed

from .factories import ExampleFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def catalogue():
    for number in range(6):
        ExampleFactory(title=f"Alliance numéro {number}", odd=[4] if number % 2 else [17])


def entry_titles(content):
    feed = ElementTree.fromstring(content)
    return [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]


def self_link(content):
    feed = ElementTree.fromstring(content)
    return next(e.get("href") for e in feed.findall(f"{ATOM}link") if e.get("rel") == "self")


def listed(query):
    examples = ExampleFilterSet(QueryDict(query)).qs.order_by("-pk")
    return list(examples.values_list("title", flat=True))


def test_feed_interleaved_requests_each_get_their_own_filters(catalogue):
    """One shared instance, as in the URLconf: a request served while another is half-way
    (between reading its parameters and building its feed) changes nothing for either."""
    feed = ExampleFeed()
    factory = RequestFactory()
    first, second = (
        factory.get("/exemples/flux.atom?odd=4"),
        factory.get("/exemples/flux.atom?odd=17"),
    )
    served = {}
    get_object = feed.get_object

    def get_object_while_another_is_served(request, *args, **kwargs):
        if request is first and "second" not in served:
            served["second"] = feed(second)
        return get_object(request, *args, **kwargs)

    feed.get_object = get_object_while_another_is_served
    served["first"] = feed(first)
    assert entry_titles(served["first"].content) == listed("odd=4")
    assert entry_titles(served["second"].content) == listed("odd=17")
    assert self_link(served["first"].content) == "http://testserver/exemples/flux.atom?odd=4"
    assert self_link(served["second"].content) == "http://testserver/exemples/flux.atom?odd=17"


def test_feed_names_itself_with_its_filters(client, catalogue):
    response = client.get("/exemples/flux.atom?odd=4&page=2")
    assert self_link(response.content) == "http://testserver/exemples/flux.atom?odd=4"
    assert self_link(client.get("/exemples/flux.atom").content) == (
        "http://testserver/exemples/flux.atom"
    )


def test_feed_leaves_out_characters_xml_cannot_hold(client):
    Domain.objects.filter(slug="alimentation").update(name="Alimen\x1btation")
    ExampleFactory(
        title="Alliance\x0b verticale",
        summary="Un résumé\x01 avec\x1f des restes",
        domains=["alimentation"],
    )
    response = client.get("/exemples/flux.atom")
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Alliance verticale"
    assert entry.find(f"{ATOM}summary").text == "Un résumé avec des restes"
    assert entry.find(f"{ATOM}category").get("term") == "Alimentation"
