"""
The API's JSON renderer: DRF's ``JSONRenderer`` output, encoded by orjson.

A 100-user page is about 27 KB of JSON; DRF's renderer (the standard library's encoder) took
110 us for it, orjson 8 us, the same bytes (bench/provisioning_api.py). The options keep the
output DRF's: dates, times and dataclasses go through DRF's own encoder (``...Z`` for UTC,
as DRF writes them), non-string keys become strings, U+2028 and U+2029 are escaped. What orjson
cannot encode (an integer beyond 64 bits, a pretty-printing ``indent`` asked for in the Accept
header) is rendered by DRF's renderer, which also raises for what neither can encode. Two
differences are left: small floats in exponent notation are written 1e-7 where DRF writes 1e-07
(the same value), and a float NaN or infinity becomes ``null`` where DRF's strict
renderer raised (no resource holds such floats).
"""
import orjson
from rest_framework.renderers import JSONRenderer

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS


class GWSJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            rendered = orjson.dumps(data, default=self.encoder_class().default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF does: JSON that is also a strict subset of JavaScript.
        return rendered.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
