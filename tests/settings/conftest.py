"""Fixtures for the settings, features, services and CORS tests."""
import sys
import types

import pytest


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
