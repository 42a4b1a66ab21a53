"""
CometD load on ONE server process: 1,000 WebSocket and 200 long-polling Bayeux clients, each
its own user subscribed to /v2/me/*, and a stream of messages published through the real path
(notifications.publish). Baseline in the same run and on the same server: as many bare Channels
consumers, one per group, fed by raw ``group_send`` (bench/notifications_asgi.py).

Prints delivery latency p50/p99 of a paced stream (a steady rate below saturation, so latency
is the path's and not a queue's), messages/s of a burst (as fast as the server goes), lost and duplicated
messages, and server memory per connected idle client, with the ratios to the baseline.
Loopback only; a few minutes at most.

    .venv/bin/python bench/notifications_load.py [--ws 1000] [--lp 200] [--rounds 2] [--turns 2] [--rate 200] [--burst-rounds 3]
    REDIS_URL=redis://127.0.0.1:6379/N .venv/bin/python bench/notifications_load.py   # channels-redis + Redis store
"""
import argparse
import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password"


# ---------------------------------------------------------------------------------------------
# Set-up: a throw-away database with one user per client, and the server process
# ---------------------------------------------------------------------------------------------


def create_users(count):
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from provisioning import services
    from provisioning.models import User

    call_command("migrate", verbosity=0)
    contact_center, _ = services.create_contact_center("Bench", "bench-admin", PASSWORD)
    password = make_password(PASSWORD)
    users = [User(user_name=f"bench{i}@bench", password=password, contact_center=contact_center, roles_text="ROLE_AGENT") for i in range(count)]
    User.objects.bulk_create(users)
    return [(user.user_name, user.pk) for user in User.objects.filter(user_name__startswith="bench").exclude(user_name="bench-admin").order_by("user_name")]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env, log_path):
    port = free_port()
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "bench.notifications_asgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {Path(log_path).read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not start")


def rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# ---------------------------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------------------------


class Stats:
    """Latencies and sequence numbers per mode."""

    def __init__(self):
        self.latencies = defaultdict(list)  # mode -> seconds
        self.sequences = defaultdict(list)  # client -> sequence numbers received
        self.received = defaultdict(int)  # mode -> messages
        self.last_receipt = defaultdict(float)

    def record(self, mode, client, message, transport=None):
        now = time.time()
        self.latencies[mode].append(now - message["data"]["t"])
        if transport:
            self.latencies[(mode, transport)].append(now - message["data"]["t"])
        self.received[mode] += 1
        self.last_receipt[mode] = now
        if "ext" in message:
            self.sequences[client].append(message["ext"]["gws"]["sequence"])


def basic(user_name):
    return "Basic " + base64.b64encode(f"{user_name}:{PASSWORD}".encode()).decode()


async def websocket_client(http, url, user_name, stats, ready, mode_of):
    """A minimal Bayeux WebSocket client: handshake, connect, subscribe, then keep connecting."""
    ws = await http.ws_connect(f"{url}/api/v2/notifications", headers={"Authorization": basic(user_name)}, max_msg_size=0)
    await ws.send_str(json.dumps([{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["websocket"]}]))
    client_id = json.loads((await ws.receive()).data)[0]["clientId"]
    connect = json.dumps([{"channel": "/meta/connect", "clientId": client_id, "connectionType": "websocket"}])
    await ws.send_str(connect)
    await ws.receive()
    await ws.send_str(json.dumps([{"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/v2/me/*"}]))
    await ws.receive()
    await ws.send_str(connect)
    ready.set()
    async for frame in ws:
        for message in json.loads(frame.data):
            if message.get("channel") == "/meta/connect":
                await ws.send_str(connect)
            elif message.get("channel") == "/v2/me/devices":
                stats.record(mode_of(), user_name, message, "websocket")


async def long_polling_client(http, url, user_name, stats, ready, mode_of):
    """A minimal Bayeux long-polling client: one request at a time, re-polling at once."""
    endpoint = f"{url}/api/v2/notifications"
    async with http.post(endpoint, json=[{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}],
                         headers={"Authorization": basic(user_name)}) as response:
        client_id = (await response.json())[0]["clientId"]
        cookie = {"Cookie": f"JSESSIONID={response.cookies['JSESSIONID'].value}"}
    connect = [{"channel": "/meta/connect", "clientId": client_id, "connectionType": "long-polling"}]
    async with http.post(endpoint, json=connect, headers=cookie) as response:
        await response.read()
    async with http.post(endpoint, json=[{"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/v2/me/*"}], headers=cookie) as response:
        await response.read()
    ready.set()
    while True:
        async with http.post(endpoint, json=connect, headers=cookie) as response:
            for message in await response.json():
                if message.get("channel") == "/v2/me/devices":
                    stats.record(mode_of(), user_name, message, "long-polling")


async def raw_client(http, url, group, stats, ready):
    ws = await http.ws_connect(f"{url}/bench/raw?group={group}", max_msg_size=0)
    ready.set()
    async for frame in ws:
        for message in json.loads(frame.data):
            stats.record("raw", f"raw{group}", message)


async def start_all(factories, concurrency=50):
    """Start clients a few at a time; returns their tasks once each is set up."""
    tasks = []
    for start in range(0, len(factories), concurrency):
        events = []
        for factory in factories[start:start + concurrency]:
            ready = asyncio.Event()
            tasks.append(asyncio.ensure_future(factory(ready)))
            events.append(ready)
        await asyncio.wait_for(asyncio.gather(*(event.wait() for event in events)), 120)
    return tasks


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


class Control:
    """The remote that makes the server publish; always read, so that pings are answered."""

    def __init__(self, ws):
        self.ws = ws
        self.replies = asyncio.Queue()
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self):
        async for frame in self.ws:
            await self.replies.put(json.loads(frame.data))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


async def stream(control, stats, mode, targets, rounds, rate, expected):
    before = stats.received[mode]
    latencies_before = {key: len(values) for key, values in stats.latencies.items()}
    started = time.time()
    await control.ws.send_str(json.dumps({"mode": mode, "targets": targets, "rounds": rounds, "rate": rate}))
    reply = await asyncio.wait_for(control.replies.get(), 300)
    deadline = time.time() + 60
    while stats.received[mode] - before < expected and time.time() < deadline:
        await asyncio.sleep(0.05)
    received = stats.received[mode] - before
    elapsed = (stats.last_receipt[mode] or time.time()) - started
    return {
        "published": reply["published"], "received": received, "seconds": elapsed,
        "latencies": stats.latencies[mode][latencies_before.get(mode, 0):],
        "by_transport": {
            transport: stats.latencies[(mode, transport)][latencies_before.get((mode, transport), 0):]
            for transport in ("websocket", "long-polling")
        },
    }


async def run(args):
    import aiohttp

    workdir = tempfile.mkdtemp(prefix="gws-bench-")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.notifications_settings", "BENCH_DATABASE": f"{workdir}/bench.sqlite3",
           "GWS_COMETD_TIMEOUT_MS": "20000", "GWS_COMETD_MAX_INTERVAL_MS": "30000", "PYTHONPATH": str(ROOT)}
    os.environ.update(env)
    total = args.ws + args.lp
    print(f"Creating {total} users ...", flush=True)
    users = await asyncio.to_thread(create_users, total)
    process, port = start_server(env, f"{workdir}/server.log")
    print(f"Server log: {workdir}/server.log", flush=True)
    url = f"http://127.0.0.1:{port}"
    layer = "channels-redis + Redis store" if os.environ.get("REDIS_URL") else "in-memory layer + memory store"
    print(f"Server pid {process.pid} on {url} ({layer})", flush=True)
    stats = Stats()
    mode = {"now": "idle"}
    tasks = []
    try:
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as http:
            control = Control(await http.ws_connect(f"{url}/bench/control"))
            ws_users, lp_users = users[:args.ws], users[args.ws:]
            # a first few clients load every code path before memory is measured
            warm = 50
            tasks += await start_all([lambda ready, u=u: websocket_client(http, url, u[0], stats, ready, lambda: mode["now"]) for u in ws_users[:warm]])
            await asyncio.sleep(1)
            rss_before = rss_kb(process.pid)
            started = time.time()
            tasks += await start_all([lambda ready, u=u: websocket_client(http, url, u[0], stats, ready, lambda: mode["now"]) for u in ws_users[warm:]])
            tasks += await start_all([lambda ready, u=u: long_polling_client(http, url, u[0], stats, ready, lambda: mode["now"]) for u in lp_users], 20)
            print(f"{total} CometD clients connected and subscribed in {time.time() - started:.1f} s", flush=True)
            await asyncio.sleep(2)
            rss_cometd = rss_kb(process.pid)
            per_cometd = (rss_cometd - rss_before) / (total - warm)
            tasks += await start_all([lambda ready, g=g: raw_client(http, url, g, stats, ready) for g in range(total)])
            await asyncio.sleep(2)
            per_raw = (rss_kb(process.pid) - rss_cometd) / total
            print(f"{total} baseline consumers connected", flush=True)

            user_ids = [pk for _, pk in users]
            results = {}
            # paced stream (latency), then a burst (throughput); baseline first, then CometD
            # Baseline and CometD take turns, so that the machine's other load hits both alike.
            plan = [("paced", args.rounds, args.rate)] * args.turns + [("burst", args.burst_rounds, 0)]
            for phase, rounds, rate in plan:
                for name, targets in (("raw", list(range(total))), ("cometd", user_ids)):
                    mode["now"] = name
                    print(f"{phase} stream, {'baseline' if name == 'raw' else 'CometD'} ...", flush=True)
                    result = await stream(control, stats, name, targets, rounds, rate, rounds * total)
                    merged = results.setdefault((phase, name), {"published": 0, "received": 0, "seconds": 0.0, "latencies": [],
                                                                "by_transport": {"websocket": [], "long-polling": []}})
                    for key in ("published", "received", "seconds"):
                        merged[key] += result[key]
                    merged["latencies"] += result["latencies"]
                    for transport, values in result["by_transport"].items():
                        merged["by_transport"][transport] += values
                    await asyncio.sleep(2)
            mode["now"] = "idle"
    finally:
        for task in tasks:
            task.cancel()
        process.terminate()
        process.wait(10)

    expected_per_client = args.rounds * args.turns + args.burst_rounds
    lost = dup = 0
    for user_name, _ in users:
        sequences = stats.sequences[user_name]
        dup += len(sequences) - len(set(sequences))
        lost += expected_per_client - len(set(sequences))
        if sequences != sorted(sequences):
            print(f"OUT OF ORDER for {user_name}")

    print()
    print(f"Clients: {args.ws} WebSocket + {args.lp} long-polling CometD; {total} baseline consumers. {layer}.")
    print(f"{'':28}{'p50 ms':>10}{'p99 ms':>10}{'msgs/s':>10}{'received':>14}")
    for phase in ("paced", "burst"):
        for name in ("raw", "cometd"):
            result = results[(phase, name)]
            latencies = result["latencies"]
            print(f"{phase + ' ' + ('baseline group_send' if name == 'raw' else 'CometD'):28}"
                  f"{percentile(latencies, 0.5) * 1000:>10.1f}{percentile(latencies, 0.99) * 1000:>10.1f}"
                  f"{result['received'] / result['seconds']:>10.0f}{result['received']:>8}/{result['published']:<6}")
            if name == "cometd":
                for transport, latencies in result["by_transport"].items():
                    print(f"{'  of which ' + transport:28}{percentile(latencies, 0.5) * 1000:>10.1f}"
                          f"{percentile(latencies, 0.99) * 1000:>10.1f}{'':>10}{len(latencies):>8}")
    paced_raw, paced = results[("paced", "raw")]["latencies"], results[("paced", "cometd")]["latencies"]
    burst_raw, burst = results[("burst", "raw")], results[("burst", "cometd")]
    print()
    print(f"p99 latency ratio (paced) CometD / baseline: {percentile(paced, 0.99) / percentile(paced_raw, 0.99):.2f}x (target <= 3x)")
    print(f"p50 latency ratio (paced) CometD / baseline: {percentile(paced, 0.5) / percentile(paced_raw, 0.5):.2f}x")
    print(f"throughput ratio (burst) CometD / baseline: "
          f"{(burst['received'] / burst['seconds']) / (burst_raw['received'] / burst_raw['seconds']):.2f}x")
    print(f"lost messages: {lost}, duplicated: {dup} (target 0, 0)")
    print(f"server memory per idle CometD client: {per_cometd:.1f} KB (target < 100 KB); per baseline consumer: {per_raw:.1f} KB")
    return 0 if lost == 0 and dup == 0 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ws", type=int, default=1000)
    parser.add_argument("--lp", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2, help="paced rounds per turn (one message to every client each)")
    parser.add_argument("--turns", type=int, default=2, help="paced turns, baseline and CometD alternating")
    parser.add_argument("--rate", type=float, default=200, help="messages per second of the paced stream")
    parser.add_argument("--burst-rounds", type=int, default=3, help="rounds published as fast as possible")
    args = parser.parse_args()
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
