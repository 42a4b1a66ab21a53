"""The request body parser: DRF's JSON parser, refusing NUL characters (``\\u0000``) in strings.

PostgreSQL cannot store a NUL in text or JSON, SQLite can: refusing them here gives the same
answer on both (statusCode 1, a malformed body) before anything is looked up or stored.
"""
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


class GWSJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _has_nul(data):
            raise ParseError("a string contains a NUL character (\\u0000)")
        return data
