"""The API's JSON renderer (gws_project/api/renderers.py) writes exactly what DRF's JSONRenderer
writes, and falls back to it for what orjson does not encode."""
import datetime
import decimal
import json
import uuid

import pytest
from rest_framework.renderers import JSONRenderer

from gws_project.api.renderers import GWSJSONRenderer

SAMPLES = [
    {"statusCode": 0, "users": [{"id": "ab12", "roles": ["ROLE_AGENT"], "enabled": True, "level": 3}]},
    {"é": "Zoë Łódź 東京", "emoji": "☎️", "quote": 'a "b" \\ c', "control": "\x01\n\t"},
    {"separators": "\u2028 and \u2029 in a value", "\u2028key": 1},
    {"at": datetime.datetime(2026, 12, 6, 16, 0, 1, 123456, tzinfo=datetime.timezone.utc)},
    {"naive": datetime.datetime(2026, 12, 6, 16, 0), "day": datetime.date(2026, 12, 6), "time": datetime.time(9, 30)},
    {"id": uuid.UUID("12345678-1234-5678-1234-567812345678"), "price": decimal.Decimal("1.50")},
    {1: "int key", True: "bool key", None: "null key", 2.5: "float key"},
    {"floats": [0.1, 2.5, 123456789.123456789, -0.0, 1e15], "big": 2**63 - 1, "nothing": None},
    [],
    "a bare string",
]


@pytest.mark.parametrize("data", SAMPLES)
def test_same_bytes_as_drf(data):
    assert GWSJSONRenderer().render(data) == JSONRenderer().render(data)


def test_floats_in_exponent_notation_keep_their_value():
    """The one textual difference: Python writes 1e-07, orjson 1e-7."""
    data = {"small": 1e-7, "large": 1e22}
    assert GWSJSONRenderer().render(data) == b'{"small":1e-7,"large":1e+22}'
    assert json.loads(GWSJSONRenderer().render(data)) == json.loads(JSONRenderer().render(data)) == data


def test_integers_beyond_64_bits_fall_back_to_drf():
    data = {"huge": 2**70, "negative": -(2**70)}
    assert GWSJSONRenderer().render(data) == JSONRenderer().render(data) == b'{"huge":1180591620717411303424,"negative":-1180591620717411303424}'


def test_indent_asked_in_the_accept_header_pretty_prints_as_drf():
    data = {"statusCode": 0, "items": [1, 2]}
    rendered = GWSJSONRenderer().render(data, "application/json; indent=2", {})
    assert rendered == JSONRenderer().render(data, "application/json; indent=2", {})
    assert rendered.startswith(b'{\n  "statusCode": 0')


def test_nothing_renders_as_an_empty_body():
    assert GWSJSONRenderer().render(None) == b""


def test_what_neither_encodes_still_raises():
    with pytest.raises(TypeError):
        GWSJSONRenderer().render({"object": object()})
