"""The seed's Python sample, ported to Python 3, against a real daphne server seeded like `make run`."""
import os
import subprocess
import sys
from pathlib import Path

from tests.samples.conftest import api_get

SAMPLE = Path(__file__).with_name("gws_python_sample.py")


def test_python_sample_creates_a_user_and_assigns_a_device(live_server_url, tmp_path):
    # given `make run`'s server (demo contact center, admin mikeb@redwings.com)
    env = {**os.environ, "GWS_BASE_URI": live_server_url}
    # when the sample runs
    result = subprocess.run([sys.executable, str(SAMPLE)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    # then it succeeds: it got the CSRF token from its first GET and used it on both POSTs
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Saved csrf token value" in result.stdout and "Request failed" not in result.stdout
    assert "Device [" in result.stdout and "created and assigned" in result.stdout
    # and the API shows the new agent with device 5019
    body = api_get(
        f"{live_server_url}/users?fields=*&subresources=devices&userName=bobp@redwings.com",
        "mikeb@redwings.com", "password",
    )
    (user,) = body["users"]
    assert (user["firstName"], user["lastName"], user["roles"]) == ("Bob", "Probert", ["ROLE_AGENT"])
    assert [device["phoneNumber"] for device in user["devices"]] == ["5019"]
    # and the new agent logs in with the password the sample gave it
    me = api_get(f"{live_server_url}/me?subresources=devices", "bobp@redwings.com", "password")
    assert me["user"]["devices"][0]["e164Number"] == "5019"


def test_python_sample_run_twice_fails_on_the_duplicate_user(live_server_url, tmp_path):
    # given the sample already ran (previous test, same server) / when it runs again
    env = {**os.environ, "GWS_BASE_URI": live_server_url}
    subprocess.run([sys.executable, str(SAMPLE)], cwd=tmp_path, env=env, capture_output=True, timeout=60)
    result = subprocess.run([sys.executable, str(SAMPLE)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    # then the create answers 409 with statusCode 18, and the sample stops
    assert result.returncode != 0
    assert '"statusCode": 18' in result.stdout and "Request failed." in result.stdout
