"""A real server for the samples: daphne in a subprocess, on a free port, with its own SQLite file."""
import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _server_env(database):
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def free_port():
    """A TCP port nobody listens on now (bind port 0, let the kernel choose, release it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(process, port, timeout=60):
    """Poll until the server accepts connections; fail fast if it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not listen on port {port} within {timeout}s")


@pytest.fixture(scope="module")
def live_server_url(tmp_path_factory):
    """The API base URI of a `make run`-style server with the demo contact center (seed_demo)."""
    workdir = tmp_path_factory.mktemp("live")
    env = _server_env(workdir / "gws.sqlite3")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "gws_project.asgi:application"],
        cwd=ROOT, env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(process, port)
        yield f"http://127.0.0.1:{port}/api/v2"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def api_get(url, user_name, password):
    """One authenticated GET with the standard library; the parsed JSON body."""
    token = base64.b64encode(f"{user_name}:{password}".encode()).decode()
    request = urllib.request.Request(url, headers={"Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())
