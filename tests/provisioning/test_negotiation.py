"""The content negotiation shortcut chooses what DRF's negotiation chooses."""
import pytest
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from gws_project.api.negotiation import GWSContentNegotiation


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json; indent=4", "text/html", "application/*", "text/html, */*;q=0.1"])
@pytest.mark.parametrize("renderers", [[JSONRenderer()], [JSONRenderer(), BrowsableAPIRenderer()], [BrowsableAPIRenderer(), JSONRenderer()]])
@pytest.mark.parametrize("query", ["", "?format=api", "?format=json"])
def test_the_shortcut_chooses_what_drf_chooses(accept, renderers, query):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get("/api/v2/me" + query, **headers))

    def choice(negotiation):
        try:
            renderer, media_type = negotiation.select_renderer(request, renderers)
        except Exception as exc:  # noqa: BLE001 - the same refusal is what is compared
            return type(exc).__name__
        return type(renderer).__name__, media_type

    assert choice(GWSContentNegotiation()) == choice(DefaultContentNegotiation())


def test_an_unacceptable_accept_header_is_still_refused(agent_client):
    assert agent_client.get("/api/v2/me", headers={"Accept": "text/html"}).status_code == 406
