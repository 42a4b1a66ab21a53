"""Live processes for the production-setup tests: a daphne server and the switch process
(``manage.py runswitch``) sharing the test's PostgreSQL database and Redis channel layer."""
import base64
import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**extra):
    settings = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}",
        GWS_CSRF_ENABLED="0",
        GWS_VOICE_SWITCH="process",
        GWS_VOICE_SWITCH_TIMEOUT="1.5",
        **extra,
    )
    return env


class Process:
    """A child process of this test, stopped (and waited for) by the test."""

    def __init__(self, args, env):
        self.popen = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def stop(self, sig=signal.SIGTERM):
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)

    def output(self):
        return self.popen.stdout.read() if self.popen.poll() is not None else ""


def start_switch(env):
    process = Process(["manage.py", "runswitch"], env)
    line = process.popen.stdout.readline()
    assert "Switch running" in line, line + process.output()
    return process


def start_server(env, port):
    process = Process(["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "gws_project.asgi:application"], env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/diagnostics/version", timeout=1)
            return process
        except (urllib.error.URLError, ConnectionError, OSError):
            if process.popen.poll() is not None:
                raise AssertionError(process.output())
            time.sleep(0.2)
    process.stop()
    raise AssertionError("daphne did not start")


class HttpClient:
    """A GWS client over real HTTP with Basic authentication."""

    def __init__(self, port, user_name, password):
        self.base = f"http://127.0.0.1:{port}/api/v2"
        self.auth = "Basic " + base64.b64encode(f"{user_name}:{password}".encode()).decode()
        # Basic on the first request only, then the session cookie: the server checks a
        # password (PBKDF2, deliberately slow) once per client, as a browser desktop would.
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if not any(cookie.name == "JSESSIONID" for cookie in self.cookies):
            request.add_header("Authorization", self.auth)
        request.add_header("Content-Type", "application/json")
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, body):
        return self.request("POST", path, body)
