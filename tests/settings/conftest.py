"""Fixtures for the settings, features, services and CORS tests."""
import sys
import types

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _no_request_answers_500(monkeypatch):
    """Every request of these tests must be answered without an internal error (HTTP 500)."""
    original = Client.request

    def request(self, **kwargs):
        response = original(self, **kwargs)
        assert response.status_code != 500, (kwargs.get("PATH_INFO"), response.content[:500])
        return response

    monkeypatch.setattr(Client, "request", request)


@pytest.fixture
def announced(monkeypatch):
    """The (contact_center_id, service) pairs handed to notifications.publish.announce_service_state.

    The recorder stands in for the notifications app's publisher, so these tests check what the
    single state-changing place announces and when, whether or not that app is installed.
    """
    calls = []
    package = sys.modules.get("notifications") or types.ModuleType("notifications")
    publish = types.ModuleType("notifications.publish")
    publish.announce_service_state = lambda contact_center_id, service: calls.append((contact_center_id, service))
    monkeypatch.setitem(sys.modules, "notifications", package)
    monkeypatch.setitem(sys.modules, "notifications.publish", publish)
    monkeypatch.setattr(package, "publish", publish, raising=False)
    return calls
