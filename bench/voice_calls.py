"""
Voice calls under load on the production setup: N agents in pairs Dial, Answer, Hold, Retrieve and
Hangup through the public API (daphne processes, the switch as ``runswitch``, PostgreSQL, Redis)
while each listens on CometD (aiocometd-ng over WebSocket).

Two ways of loading it, each run on the same agents:

- ``closed``: saturation. Every pair starts its next operation as soon as the last one's
  notification arrived (no think time), so there are always N/2 operations in flight and, by
  Little's law, latency = N/2 / throughput: it measures what the machine can do, not what an
  agent waits.
- ``paced``: agents as telephony load tests model them (SIPp-style: a fixed call-attempt rate
  and a call script with pauses). Each pair attempts one call every ``--pair-interval`` seconds
  (a random phase per pair), and a call's operations are ``--gap`` seconds apart (ring, talk,
  hold, talk); an attempt that falls due while the pair's last call still runs waits for it.

Prints completed calls/s, operation-to-notification latency (from sending the HTTP request to
receiving the notification it causes on the actor's CometD client) p50/p99, and the CometD
baseline measured in the same run with the same clients: ``apublish`` from this process to one
agent at a time (the notifications path without HTTP or the switch), publish-to-receipt, both as a
paced stream before the calls ("idle") and as a trickle during each phase ("same load": the
machine as busy as for the calls). Target: voice p99 within 5x of the baseline p99, and no lost
notification: every expected call notification arrives, and every client's sequence numbers
(``ext.gws.sequence``) go up by one, with no gap, duplicate or reordering.

Needs DATABASE_URL (PostgreSQL: a throw-away test database is created from it) and REDIS_URL.
Usage: .venv/bin/python bench/voice_calls.py [--agents 50 500] [--modes closed paced]
       [--seconds 15] [--pair-interval 120] [--gap 1] [--paced-seconds 150] [--servers 2]
"""
import argparse
import gc
import asyncio
import os
import random
import resource
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
from django.db import connection, connections  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

from gws_project.api.sessions import SessionStore  # noqa: E402 (settings.SESSION_ENGINE)

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
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
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
        self.last_seq = None
        self.gaps = self.duplicates = 0

    async def start(self):
        self.http = aiohttp.ClientSession(headers={"Cookie": self.cookie})
        self.client = Client(f"{self.url}/api/v2/notifications", connection_types=[ConnectionType.WEBSOCKET], extensions=[Cookie(self.cookie)], connection_timeout=0)
        await self.client.open()
        await self.client.subscribe("/v2/me/*")
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        async for message in self.client:
            seq = (message.get("ext") or {}).get("gws", {}).get("sequence")
            if seq is not None:
                if self.last_seq is not None and seq <= self.last_seq:
                    self.duplicates += 1  # seen again, or out of order
                elif self.last_seq is not None and seq != self.last_seq + 1:
                    self.gaps += seq - self.last_seq - 1
                self.last_seq = seq if self.last_seq is None else max(seq, self.last_seq)
            self.inbox.append((time.perf_counter(), message["data"]))
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


async def ping(agent, tag):
    """Publish-to-receipt of one message through the notifications path (the baseline)."""
    sent = time.perf_counter()
    await apublish(agent.user_id, "/v2/me/calls", {"messageType": "BenchPing", "tag": tag})
    at, _ = await agent.wait(lambda d: d.get("messageType") == "BenchPing" and d["tag"] == tag)
    return at - sent


async def paced_pings(agents, rate, count=None, stop=None, latencies=None):
    """Pings at ``rate`` per second, each to the next agent in turn (several in flight at once),
    until ``count`` were sent or ``stop`` is set."""
    latencies = [] if latencies is None else latencies
    tasks, sent, started = [], 0, time.perf_counter()

    async def one(agent, tag):
        latencies.append(await ping(agent, tag))

    while (count is None or sent < count) and not (stop is not None and stop.is_set()):
        tasks.append(asyncio.create_task(one(agents[sent % len(agents)], f"p{id(latencies)}-{sent}")))
        sent += 1
        await asyncio.sleep(max(0.0, started + sent / rate - time.perf_counter()))
    await asyncio.gather(*tasks, return_exceptions=True)
    return latencies


async def call(caller, callee, latencies, counts, gap=0.0):
    """One call: Dial, Answer, Hold, Retrieve, Hangup, each timed to its notification."""
    start = time.perf_counter()
    await caller.post(f"/me/devices/{caller.device_id}/calls", {"operationName": "Dial", "destination": {"phoneNumber": callee.number}})
    at, data = await caller.wait(lambda d: d.get("messageType") == "CallStateChangeMessage" and d["call"]["state"] == "Dialing")
    latencies.append(at - start)
    counts["ops"].append((at - start, "Dial", start))
    call_id = data["call"]["id"]
    await callee.wait(state(call_id, "Ringing"))
    for actor, operation, expected in ((callee, "Answer", "Established"), (caller, "Hold", "Held"), (caller, "Retrieve", "Established"), (caller, "Hangup", "Released")):
        if gap:
            await asyncio.sleep(gap)
        start = time.perf_counter()
        await actor.post(f"/me/calls/{call_id}", {"operationName": operation})
        at, _ = await actor.wait(state(call_id, expected))
        latencies.append(at - start)
        counts["ops"].append((at - start, operation, start))
        if operation == "Answer":
            await caller.wait(state(call_id, "Established"))
    await callee.wait(state(call_id, "Released"))
    counts["calls"] += 1
    counts["notifications"] += 8  # caller: Dialing, Established, Held, Established, Released; callee: 3


async def closed_pair(caller, callee, stop_at, latencies, counts):
    while time.perf_counter() < stop_at:
        await call(caller, callee, latencies, counts)


async def paced_pair(caller, callee, stop_at, latencies, counts, interval, gap, phase):
    """A call attempt every ``interval`` seconds from ``phase``; a late one starts at once."""
    due = time.perf_counter() + phase
    while due < stop_at:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        if time.perf_counter() - due > 1.0:
            counts["late"] += 1
        await call(caller, callee, latencies, counts, gap)
        due += interval


class GCPauses:
    """The load generator's own garbage collections, timed (gc.callbacks): a collection stops its
    event loop, so every operation and baseline message in flight looks that much slower."""

    def __init__(self):
        self.pauses = []  # (start, seconds, generation)
        self._start = None
        gc.callbacks.append(self._callback)

    def _callback(self, phase, info):
        if phase == "start":
            self._start = time.perf_counter()
        elif self._start is not None:
            self.pauses.append((self._start, time.perf_counter() - self._start, info["generation"]))

    def longest(self, since, until, at_least=0.005, most=3):
        """The longest pauses over ``at_least`` seconds between two perf_counter times, as
        (seconds, generation, seconds after ``since``)."""
        pauses = [(took, generation, start - since) for start, took, generation in self.pauses if since <= start <= until and took >= at_least]
        return sorted(pauses, reverse=True)[:most], len(pauses)


GC_PAUSES = GCPauses()


async def phase(agents, mode, args):
    """One load phase on connected agents; the baseline trickle runs beside it."""
    pairs = [(agents[i], agents[i + 1]) for i in range(0, len(agents) - 1, 2)]
    latencies, counts = [], {"calls": 0, "notifications": 0, "late": 0, "ops": []}
    rng = random.Random(7)
    started = time.perf_counter()
    if mode == "closed":
        stop_at = started + args.seconds
        loops = [closed_pair(a, b, stop_at, latencies, counts) for a, b in pairs]
    else:
        stop_at = started + args.paced_seconds
        loops = [paced_pair(a, b, stop_at, latencies, counts, args.pair_interval, args.gap, rng.uniform(0, args.pair_interval)) for a, b in pairs]
    stop = asyncio.Event()
    trickle = asyncio.create_task(paced_pings(agents, args.ping_rate, stop=stop))
    results = await asyncio.gather(*loops, return_exceptions=True)
    elapsed = time.perf_counter() - started
    stop.set()
    base = await trickle
    failures = [r for r in results if isinstance(r, Exception)]
    return {
        "mode": mode,
        "calls_per_s": counts["calls"] / elapsed,
        "calls": counts["calls"],
        "ops_per_s": len(latencies) / elapsed,
        "late": counts["late"],
        "p50": percentile(latencies, 0.5) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "base_p50": percentile(base, 0.5) * 1000,
        "base_p99": percentile(base, 0.99) * 1000,
        "lost": sum(1 for r in failures if isinstance(r, TimeoutError)),
        "errors": [repr(f) for f in failures if not isinstance(f, TimeoutError)][:3],
        "expected": counts["notifications"],
        # The slowest operations: (latency, operation, seconds into the phase), to tell a cold
        # start or a pause from a steady tail.
        "slowest": [(latency, operation, at - started) for latency, operation, at in sorted(counts["ops"], reverse=True)[:5]],
        "gc_pauses": GC_PAUSES.longest(started, started + elapsed),
    }


async def run(count, args, urls):
    infos = await sync_to_async(make_agents)(count)
    agents = [Agent(info, urls[index % len(urls)]) for index, info in enumerate(infos)]
    for chunk in range(0, len(agents), 50):
        await asyncio.gather(*(agent.start() for agent in agents[chunk:chunk + 50]))
    # The load generator's own garbage collector must not stall its event loop (and so the
    # receipt times it reads) while it holds N clients: what exists now is never collected, and
    # nothing is collected while anything is timed (a young collection of the 500 clients' garbage
    # took up to 31 ms, at the moment of the slowest operations); it collects between phases.
    gc.collect()
    gc.freeze()
    gc.disable()
    idle = await paced_pings(agents, args.ping_rate * 5, count=max(200, count))
    # Warm-up, not timed: each pair makes one call, so that the server processes have imported
    # and compiled what a call needs and opened their database connections (the first calls of
    # a fresh process took 200-500 ms where later ones take 20: a cold start, not the load).
    pairs = [(agents[i], agents[i + 1]) for i in range(0, len(agents) - 1, 2)]
    await asyncio.gather(*(call(a, b, [], {"calls": 0, "notifications": 0, "ops": []}) for a, b in pairs))
    results = []
    for mode in args.modes:
        gc.collect()
        results.append(await phase(agents, mode, args))
        await asyncio.sleep(1.0)
    gc.enable()
    await asyncio.sleep(0.5)
    gaps, duplicates = sum(a.gaps for a in agents), sum(a.duplicates for a in agents)
    for agent in agents:
        await agent.close()
    await sync_to_async(connections.close_all)()  # the thread that made the agents and read users' contact centers
    for result in results:
        result.update(agents=count, idle_p50=percentile(idle, 0.5) * 1000, idle_p99=percentile(idle, 0.99) * 1000, gaps=gaps, duplicates=duplicates)
    return results


def quiet_closing(loop, context):
    """aiocometd-ng logs its own cancelled tasks when a client closes: not an error here."""
    if isinstance(context.get("exception"), asyncio.CancelledError):
        return
    loop.default_exception_handler(context)


async def run_quietly(count, args, urls):
    asyncio.get_running_loop().set_exception_handler(quiet_closing)
    return await run(count, args, urls)


def report(r, args):
    pairs = r["agents"] // 2
    if r["mode"] == "closed":
        load = f"closed loop, no think time ({pairs} operations in flight)"
    else:
        offered = pairs / args.pair_interval
        load = (f"paced: 1 call attempt per pair every {args.pair_interval:g} s ({offered:.2f} calls/s offered), "
                f"{args.gap:g} s between a call's operations, {r['late']} attempts late")
    print(f"N={r['agents']:4d} {r['mode']:6s}: {load}")
    print(f"    {r['calls_per_s']:.2f} calls/s ({r['calls']} calls, {r['ops_per_s']:.1f} operations/s) | op->notification p50 {r['p50']:.1f} ms p99 {r['p99']:.1f} ms")
    print(f"    CometD baseline, same load: p50 {r['base_p50']:.1f} ms p99 {r['base_p99']:.1f} ms -> p99 ratio {r['p99'] / r['base_p99']:.1f}x (target <= 5x: "
          f"{'met' if r['p99'] <= 5 * r['base_p99'] else 'NOT met'})")
    print(f"    CometD baseline, idle:      p50 {r['idle_p50']:.1f} ms p99 {r['idle_p99']:.1f} ms -> p99 ratio {r['p99'] / r['idle_p99']:.1f}x")
    print("    slowest operations: " + ", ".join(f"{operation} {latency * 1000:.0f} ms at {at:.1f} s" for latency, operation, at in r["slowest"]))
    pauses, count = r["gc_pauses"]
    print(f"    load generator's own GC pauses over 5 ms: {count}"
          + "".join(f", {took * 1000:.0f} ms (generation {generation}) at {at:.1f} s" for took, generation, at in pauses))
    if r["mode"] == "closed" and r["ops_per_s"]:
        print(f"    Little's law: {pairs} in flight / {r['ops_per_s']:.1f} operations/s = {pairs / r['ops_per_s'] * 1000:.0f} ms per operation")
    print(f"    notifications: {r['expected']} call notifications expected, {r['lost']} never came; "
          f"sequence gaps {r['gaps']}, duplicates or reordered {r['duplicates']} (all phases)"
          + (f" | errors {r['errors']}" if r["errors"] else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--agents", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--modes", nargs="+", choices=["closed", "paced"], default=["closed", "paced"])
    parser.add_argument("--seconds", type=float, default=15, help="closed: length of the phase")
    parser.add_argument("--pair-interval", type=float, default=120, help="paced: seconds between a pair's call attempts")
    parser.add_argument("--gap", type=float, default=1.0, help="paced: seconds between a call's operations")
    parser.add_argument("--paced-seconds", type=float, default=150, help="paced: length of the phase")
    parser.add_argument("--ping-rate", type=float, default=5, help="baseline messages per second during a phase (5x before)")
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
        # Production settings: without the pool, each of hundreds of concurrent requests opens a
        # connection of its own (Django runs each ASGI request's sync code in a thread of its
        # own) and PostgreSQL refuses them past max_connections ("too many clients": HTTP 500).
        "GWS_DB_POOL": "true",
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
        print(f"voice_calls: {args.servers} daphne processes, 1 switch process "
              f"({os.environ.get('GWS_VOICE_SWITCH_WORKERS', '8')} workers), PostgreSQL + Redis; load average {os.getloadavg()[0]:.1f}")
        for count in args.agents:
            for result in asyncio.run(run_quietly(count, args, [f"http://127.0.0.1:{port}" for port in ports])):
                report(result, args)
            print(f"    (load average now {os.getloadavg()[0]:.1f}; the load generator's peak memory "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(15)
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
