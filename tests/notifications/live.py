"""
Live servers and a real third-party CometD client (aiocometd-ng), for this app's tests and for
other apps' tests that want to watch notifications the way a desktop does.

    from tests.notifications.live import cometd_client, gws_login      # noqa
    pytestmark = pytest.mark.django_db(transaction=True)

    def test_something(live_cometd_url, agent):                         # fixture: conftest.py
        async def scenario():
            headers = await gws_login(live_cometd_url, agent.user_name)
            async with cometd_client(live_cometd_url, headers, "websocket") as client:
                await client.subscribe("/v2/me/*")
                ...                                  # act (HTTP against live_cometd_url)
                message = await receive(client)      # {"channel": ..., "data": ..., "ext": ...}
        async_to_sync(scenario)()

``live_cometd_url`` is daphne serving ``gws_project.asgi`` in a thread of the test process, so it
shares the test database (use ``transaction=True``), the settings fixture and, on the embedded
set-up, the in-memory channel layer: ``publish`` from the test reaches its clients.
``DaphneProcess`` starts separate server processes (they share state through REDIS_URL only).
"""
import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import aiohttp
from aiocometd_ng import Client, ConnectionType
from aiocometd_ng.extensions import Extension

from tests.conftest import PASSWORD, basic

ROOT = Path(__file__).resolve().parents[2]
TRANSPORTS = {"websocket": ConnectionType.WEBSOCKET, "long-polling": ConnectionType.LONG_POLLING}


# ---------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------


class InThreadDaphne:
    """daphne in a daemon thread of this process (Twisted's reactor runs once per process, so
    there is one for the whole test session)."""

    _instance = None
    _lock = threading.Lock()

    @classmethod
    def get(cls):
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def __init__(self):
        from daphne.server import Server

        from gws_project.asgi import application

        _layers_per_thread()

        ready = threading.Event()
        self.server = Server(
            application, endpoints=["tcp:port=0:interface=127.0.0.1"], signal_handlers=False,
            ready_callable=ready.set, verbosity=0,
        )
        threading.Thread(target=self.server.run, name="daphne", daemon=True).start()
        if not ready.wait(10):
            raise RuntimeError("daphne did not start")
        deadline = time.monotonic() + 10
        while not self.server.listening_addresses and time.monotonic() < deadline:
            time.sleep(0.01)
        self.url = f"http://localhost:{self.server.listening_addresses[0][1]}"


def _layers_per_thread():
    """channels-redis lets ONE event loop at a time receive on a layer object; the in-thread
    server and the tests run different loops in this process, so with Redis each thread gets
    its own layer object (they meet in Redis, as separate server processes would). The
    in-memory layer must stay shared: it is the only way to reach the server's consumers."""
    import channels.layers
    from django.conf import settings

    if settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer":
        return
    if isinstance(channels.layers.channel_layers, _PerThreadLayers):
        return
    channels.layers.channel_layers = _PerThreadLayers()


class _PerThreadLayers:
    """A stand-in for channels.layers.channel_layers: one backend per alias and thread."""

    def __init__(self):
        from channels.layers import ChannelLayerManager

        self._manager = ChannelLayerManager()
        self._local = threading.local()

    def __getitem__(self, alias):
        backends = self._local.__dict__.setdefault("backends", {})
        if alias not in backends:
            backends[alias] = self._manager.make_backend(alias)
        return backends[alias]

    def __contains__(self, alias):
        return alias in self._manager.configs

    def __getattr__(self, name):
        return getattr(self._manager, name)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DaphneProcess:
    """``daphne gws_project.asgi:application`` as a separate process on a free port."""

    def __init__(self, env):
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "gws_project.asgi:application"],
            cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("daphne did not start listening")

    def kill(self):
        """SIGKILL: the process gets no chance to tidy anything up."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class SwitchableProxy:
    """A TCP forwarder standing for a load balancer: new connections go to the current backend."""

    def __init__(self, backend_port):
        self.backend_port = backend_port
        self.port = None
        self.url = None
        self._server = None

    async def start(self):
        self._server = await asyncio.start_server(self._forward, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://localhost:{self.port}"

    async def close(self):
        self._server.close()

    async def _forward(self, client_reader, client_writer):
        try:
            backend_reader, backend_writer = await asyncio.open_connection("127.0.0.1", self.backend_port)
        except OSError:
            client_writer.close()
            return

        async def pipe(reader, writer):
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.close()

        await asyncio.gather(pipe(client_reader, backend_writer), pipe(backend_reader, client_writer))


# ---------------------------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------------------------


async def gws_login(base_url, user_name, password=PASSWORD):
    """Sign in as a GWS desktop does (GET /api/v2/me with Basic): the headers its CometD client
    then sends (session cookie and CSRF token)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        authorization = {"Authorization": basic(user_name, password)}
        async with http.get(f"{base_url}/api/v2/me", headers=authorization) as response:
            assert response.status == 200, await response.text()
            headers = {"Cookie": f"JSESSIONID={response.cookies['JSESSIONID'].value}"}
            if response.headers.get("X-CSRF-TOKEN"):
                headers["X-CSRF-TOKEN"] = response.headers["X-CSRF-TOKEN"]
            return headers


class RequestHeaders(Extension):
    """Adds fixed HTTP headers to every request (the JS client's ``requestHeaders``)."""

    def __init__(self, headers):
        self.headers = headers

    async def outgoing(self, payload, headers):
        headers.update(self.headers)

    async def incoming(self, payload, headers=None):
        pass


def cometd_client(base_url, headers, transport):
    """An aiocometd-ng client for /api/v2/notifications over one transport. (connection_timeout
    0: the library's reconnection timer calls asyncio.wait_for with a ``loop`` argument that
    Python 3.10 removed; the client still reconnects, only without that limit.)"""
    return Client(
        f"{base_url}/api/v2/notifications", connection_types=[TRANSPORTS[transport]],
        extensions=[RequestHeaders(headers)], connection_timeout=0,
    )


async def receive(client, timeout=5):
    return await asyncio.wait_for(client.receive(), timeout)


async def nothing_received(client, timeout=1.0):
    try:
        message = await asyncio.wait_for(client.receive(), timeout)
    except asyncio.TimeoutError:
        return True
    raise AssertionError(f"unexpected message {message}")
