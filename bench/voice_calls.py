"""
Voice calls under load on the production setup: N agents in pairs repeatedly Dial, Answer, Hold,
Retrieve and Hangup through the public API (daphne processes, the switch as ``runswitch``,
PostgreSQL, Redis) while each listens on CometD (aiocometd-ng over WebSocket).

Prints completed calls/s, operation-to-notification latency (from sending the HTTP request to
receiving the notification it causes on the actor's CometD client) p50/p99, and the CometD
baseline measured in the same run with the same clients: ``apublish`` from this process to each
user, publish-to-receipt (the notifications path without HTTP or the switch). Target: voice p99
within 5x of the baseline p99, and no lost notification (every expected message arrives).

Needs DATABASE_URL (PostgreSQL: a throw-away test database is created from it) and REDIS_URL.
Usage: .venv/bin/python bench/voice_calls.py [--agents 50 500] [--seconds 15] [--servers 2]
"""
import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gws_project.settings")

import django  # noqa: E402

django.setup()

import aiohttp  # noqa: E402
from aiocometd_ng import Client, ConnectionType  # noqa: E402
from aiocometd_ng.extensions import Extension  # noqa: E402
from asgiref.sync import sync_to_async  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

from notifications.publish import apublish  # noqa: E402
from provisioning import services as provisioning  # noqa: E402
from provisioning.models import Device, User  # noqa: E402

TIMEOUT = 30.0


class Cookie(Extension):
    def __init__(self, cookie):
        self.cookie = cookie

    async def outgoing(self, payload, headers):
        headers["Cookie"] = self.cookie

    async def incoming(self, payload, headers=None):
        pass


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_agents(count):
    """A contact center with count agents, each with a device and an open session (no password
    hashing: the bench measures calls, not logins)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        _, admin = provisioning.create_contact_center(f"Bench {count}", f"bench{count}@example.com", "pw")
        agents = []
        for index in range(count):
            user = provisioning.create_user(admin, {"userName": f"agent{index}@bench{count}.example", "password": "pw"})
            device = provisioning.create_device(admin, {"phoneNumber": str(60000 + index)}, user=user)
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            agents.append({"user_id": str(user.pk), "device_id": str(device.pk), "number": device.phone_number, "cookie": f"JSESSIONID={session.session_key}"})
    connections.close_all()  # this worker thread's connection would keep the database busy
    return agents


class Agent:
    """One desktop: an HTTP session, a CometD client and the messages it has not consumed yet."""

    def __init__(self, info, url):
        self.__dict__.update(info)
        self.url = url
        self.inbox = []
        self.arrived = asyncio.Event()
        self.received = 0

    async def start(self):
        self.http = aiohttp.ClientSession(headers={"Cookie": self.cookie})
        self.client = Client(f"{self.url}/api/v2/notifications", connection_types=[ConnectionType.WEBSOCKET], extensions=[Cookie(self.cookie)], connection_timeout=0)
        await self.client.open()
        await self.client.subscribe("/v2/me/*")
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        async for message in self.client:
            self.inbox.append((time.perf_counter(), message["data"]))
            self.received += 1
            self.arrived.set()

    async def wait(self, predicate):
        """The arrival time and data of the first unconsumed message matching predicate."""
        deadline = time.perf_counter() + TIMEOUT
        while True:
            for index, (at, data) in enumerate(self.inbox):
                if predicate(data):
                    del self.inbox[index]
                    return at, data
            self.arrived.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError("lost notification")
            try:
                await asyncio.wait_for(self.arrived.wait(), remaining)
            except asyncio.TimeoutError:
                raise TimeoutError("lost notification") from None

    async def post(self, path, body):
        async with self.http.post(f"{self.url}/api/v2{path}", json=body) as response:
            payload = await response.json()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status} {payload}")

    async def close(self):
        self.reader.cancel()
        await self.client.close()
        await self.http.close()


def state(call_id, wanted):
    return lambda d: d.get("messageType") == "CallStateChangeMessage" and d["call"]["id"] == call_id and d["call"]["state"] == wanted


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def baseline(agents, rounds):
    """Publish-to-receipt through the notifications path (this process -> Redis -> daphne)."""
    latencies = []
    for round_number in range(rounds):
        sent = {}
        for agent in agents:
            sent[agent.user_id] = time.perf_counter()
            await apublish(agent.user_id, "/v2/me/calls", {"messageType": "BenchPing", "round": round_number})
        for agent in agents:
            at, _ = await agent.wait(lambda d, r=round_number: d.get("messageType") == "BenchPing" and d["round"] == r)
            latencies.append(at - sent[agent.user_id])
    return latencies


async def pair_loop(caller, callee, stop_at, latencies, counts):
    while time.perf_counter() < stop_at:
        start = time.perf_counter()
        await caller.post(f"/me/devices/{caller.device_id}/calls", {"operationName": "Dial", "destination": {"phoneNumber": callee.number}})
        at, data = await caller.wait(lambda d: d.get("messageType") == "CallStateChangeMessage" and d["call"]["state"] == "Dialing")
        latencies.append(at - start)
        call = data["call"]["id"]
        await callee.wait(state(call, "Ringing"))
        for actor, operation, expected in ((callee, "Answer", "Established"), (caller, "Hold", "Held"), (caller, "Retrieve", "Established"), (caller, "Hangup", "Released")):
            start = time.perf_counter()
            await actor.post(f"/me/calls/{call}", {"operationName": operation})
            at, _ = await actor.wait(state(call, expected))
            latencies.append(at - start)
            if operation == "Answer":
                await caller.wait(state(call, "Established"))
        await callee.wait(state(call, "Released"))
        counts["calls"] += 1
        counts["expected"] += 8  # caller: Dialing, Established, Held, Established, Released; callee: 3


async def run(count, seconds, urls):
    infos = await sync_to_async(make_agents)(count)
    agents = [Agent(info, urls[index % len(urls)]) for index, info in enumerate(infos)]
    for chunk in range(0, len(agents), 50):
        await asyncio.gather(*(agent.start() for agent in agents[chunk:chunk + 50]))
    base = await baseline(agents, rounds=5)
    for agent in agents:
        agent.received = 0
    latencies, counts = [], {"calls": 0, "expected": 0}
    started = time.perf_counter()
    lost = 0
    results = await asyncio.gather(
        *(pair_loop(agents[i], agents[i + 1], started + seconds, latencies, counts) for i in range(0, len(agents) - 1, 2)),
        return_exceptions=True,
    )
    elapsed = time.perf_counter() - started
    failures = [r for r in results if isinstance(r, Exception)]
    lost = sum(1 for r in failures if isinstance(r, TimeoutError))
    await asyncio.sleep(0.5)
    received = sum(agent.received for agent in agents)
    for agent in agents:
        await agent.close()
    return {
        "agents": count,
        "calls_per_s": counts["calls"] / elapsed,
        "calls": counts["calls"],
        "p50": percentile(latencies, 0.5) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "base_p50": percentile(base, 0.5) * 1000,
        "base_p99": percentile(base, 0.99) * 1000,
        "lost": lost,
        "errors": [repr(f) for f in failures][:3],
        "expected": counts["expected"],
        "received": received,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--agents", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--servers", type=int, default=2, help="daphne processes")
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit("The production setup is needed: set DATABASE_URL (PostgreSQL) and REDIS_URL")

    setup_test_environment()
    # Its own throw-away database, never the test suite's (test_<name>).
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_voice_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "GWS_CSRF_ENABLED": "0",
        "GWS_VOICE_SWITCH": "process",
        "GWS_VOICE_SWITCH_TIMEOUT": "30",
    }
    switch_log = open(os.environ.get("BENCH_SWITCH_LOG", os.devnull), "w")
    children = [subprocess.Popen([sys.executable, "manage.py", "runswitch"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=switch_log, text=True)]
    children[0].stdout.readline()
    ports = [free_port() for _ in range(args.servers)]
    for port in ports:
        children.append(subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "gws_project.asgi:application"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=switch_log))
    time.sleep(4)
    try:
        print(f"voice_calls: {args.servers} daphne processes, 1 switch process, PostgreSQL + Redis, {args.seconds:.0f} s per run")
        for count in args.agents:
            r = asyncio.run(run(count, args.seconds, [f"http://127.0.0.1:{port}" for port in ports]))
            print(
                f"N={r['agents']:4d}: {r['calls_per_s']:7.1f} calls/s ({r['calls']} calls) | "
                f"op->notification p50 {r['p50']:7.1f} ms p99 {r['p99']:7.1f} ms | "
                f"CometD baseline p50 {r['base_p50']:6.1f} ms p99 {r['base_p99']:6.1f} ms | "
                f"p99 ratio {r['p99'] / r['base_p99']:5.1f}x (target <= 5x) | "
                f"notifications {r['received']}/{r['expected']} expected, lost pairs {r['lost']}"
                + (f" | errors {r['errors']}" if r["errors"] else "")
            )
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(15)
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
