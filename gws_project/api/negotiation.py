"""
Content negotiation (``DEFAULT_CONTENT_NEGOTIATION_CLASS``): DRF's, with a shortcut for what GWS
clients send. The API answers JSON only; parsing the Accept header into media types on every
request was a tenth of a small authenticated request's time (bench/provisioning_api.py).
"""
from rest_framework.negotiation import DefaultContentNegotiation

# Accept headers for which DRF's negotiation picks the first renderer with its own media type.
_ANY = {None, "*/*"}


class GWSContentNegotiation(DefaultContentNegotiation):
    """No Accept header, ``*/*`` or exactly the first renderer's media type (and no ``format``
    override): that renderer, as DRF would choose it; anything else goes through DRF."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if renderers and not format_suffix and self.settings.URL_FORMAT_OVERRIDE not in request.query_params:
            first = renderers[0]
            accept = request.META.get("HTTP_ACCEPT")  # request.headers would build a dict of them all
            if accept in _ANY or accept == first.media_type:
                return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
