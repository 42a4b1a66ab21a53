"""No request may be answered with HTTP 500: a check for every test that loads this module.

Loaded for the whole suite by pytest.ini (``-p tests.no_server_errors``). It watches both the
Django test client and the ``django.request`` logger, which records every 5xx response (also of
in-process live servers).
"""
import logging

import pytest
from django.test import Client


class _ServerErrors(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.paths = []

    def emit(self, record):
        if getattr(record, "status_code", None) == 500:
            self.paths.append(record.getMessage())


@pytest.fixture(autouse=True)
def _no_request_answers_500(monkeypatch):
    """Every request of the test must be answered without an internal error (HTTP 500)."""
    original = Client.request

    def request(self, **kwargs):
        response = original(self, **kwargs)
        assert response.status_code != 500, (kwargs.get("PATH_INFO"), response.content[:500])
        return response

    monkeypatch.setattr(Client, "request", request)
    watcher = _ServerErrors()
    logger = logging.getLogger("django.request")
    logger.addHandler(watcher)
    try:
        yield
    finally:
        logger.removeHandler(watcher)
    assert watcher.paths == [], watcher.paths
