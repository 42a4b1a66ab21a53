"""
Provisioning API under load on the production-style server: daphne, PostgreSQL, Redis.

10,000 users (each with two skills and a device) in their own PostgreSQL database (gws_bench by
default), one daphne process serving the project with DATABASE_URL and REDIS_URL, and a small
asyncio/aiohttp load generator over loopback. It measures requests/s of

    GET /api/v2/users?fields=*&limit=100&sortBy=lastName     (as the contact center admin)
    GET /api/v2/me?subresources=*                            (as an agent with skills and a device)

against a plain Django ``JsonResponse`` view served by the same server in the same run
(``/bench/plain``, mounted only by bench/provisioning_settings.py), and prints the ratios.
Clients behave like GWS clients: Basic on every request plus the JSESSIONID cookie it opened.
daphne runs pinned to the last CPU, as production runs one pinned process per CPU, and the load
generator on the others (``--no-pin``: both on every CPU). Targets (issue 2): list >= 0.3, /me >= 0.5.

    .venv/bin/python bench/provisioning_api.py [--users 10000] [--seconds 2] [--rounds 5] [--concurrency 8] [--reuse-database] [--no-pin]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME REDIS_URL=redis://127.0.0.1:6379/N ...
"""
import argparse
import asyncio
import base64
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password"
ADMIN = "admin@bench.example"
AGENT = "agent00000@bench.example"
SETTINGS = "bench.provisioning_settings"

ENDPOINTS = {
    "plain JsonResponse (baseline)": ("/bench/plain", ADMIN),
    "GET /users?fields=*&limit=100&sortBy=lastName": ("/api/v2/users?fields=*&limit=100&sortBy=lastName", ADMIN),
    "GET /me?subresources=*": ("/api/v2/me?subresources=*", AGENT),
}
TARGETS = {"GET /users?fields=*&limit=100&sortBy=lastName": 0.3, "GET /me?subresources=*": 0.5}


# ---------------------------------------------------------------------------------------------
# Set-up: a fresh PostgreSQL database with 10,000 users, skills and devices
# ---------------------------------------------------------------------------------------------


def recreate_database(database_url):
    import psycopg

    name = urlparse(database_url).path.lstrip("/")
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def populate(count):
    """Migrate, then bulk-create the contact center, its users, skills and devices."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from provisioning import services
    from provisioning.models import Device, Skill, User, UserSkill

    call_command("migrate", verbosity=0)
    contact_center, _ = services.create_contact_center("Bench", ADMIN, PASSWORD)
    environment = contact_center.voice_environments.get()
    skills = Skill.objects.bulk_create(Skill(contact_center=contact_center, name=f"Skill {n}") for n in range(20))
    password = make_password(PASSWORD)  # one PBKDF2 hash for everyone: seeding stays fast
    last_names = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Johnson", "Roberts"]
    users = User.objects.bulk_create(
        (
            User(
                contact_center=contact_center,
                user_name=f"agent{n:05}@bench.example",
                password=password,
                first_name=f"First{n}",
                last_name=f"{last_names[n % 10]}{n % 997}",
                roles_text="ROLE_AGENT",
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    UserSkill.objects.bulk_create(
        (UserSkill(user=user, skill=skills[(n + k * 7) % 20], level=(n + k) % 10) for n, user in enumerate(users) for k in (0, 1)),
        batch_size=5000,
    )
    Device.objects.bulk_create(
        (
            Device(contact_center=contact_center, voice_environment=environment, user=user,
                   phone_number=str(100000 + n), e164_number=str(100000 + n), digits=str(100000 + n))
            for n, user in enumerate(users)
        ),
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:  # the steady state autovacuum would reach
        cursor.execute("VACUUM ANALYZE")


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env, cpu=None):
    """daphne on a free port; with ``cpu``, pinned to that CPU, as production runs one server
    process per CPU (README.md, "Production")."""
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "daphne"), "-b", "127.0.0.1", "-p", str(port), "gws_project.asgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu})),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"daphne exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("daphne did not start")


# ---------------------------------------------------------------------------------------------
# Load: `concurrency` clients per endpoint, each with its own session opened once (one password
# check) before any timing; then slices of `seconds`, as many requests as fit, per endpoint
# ---------------------------------------------------------------------------------------------


async def open_clients(base, path, user_name, concurrency):
    import aiohttp

    authorization = "Basic " + base64.b64encode(f"{user_name}:{PASSWORD}".encode()).decode()
    clients = []
    for _ in range(concurrency):
        jar = aiohttp.CookieJar(unsafe=True)  # aiohttp keeps no cookies of IP-address hosts otherwise
        session = aiohttp.ClientSession(
            base, connector=aiohttp.TCPConnector(limit=1), cookie_jar=jar, headers={"Authorization": authorization}
        )
        async with session.get(path) as response:  # opens the JSESSIONID session
            body = await response.text()
            if response.status != 200:
                raise SystemExit(f"{path}: HTTP {response.status} {body}")
        clients.append(session)
    return clients


async def client_loop(session, path, deadline, counts):
    while time.monotonic() < deadline:
        async with session.get(path) as response:
            body = await response.read()
            if response.status == 200:
                counts["ok"] += 1
            else:
                counts["failed"] += 1
                counts.setdefault("first failure", f"HTTP {response.status} {body[:300]!r}")


async def measure(clients, path, seconds):
    counts = {"ok": 0, "failed": 0}
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(client_loop(session, path, deadline, counts) for session in clients))
    elapsed = time.monotonic() - started
    if counts["failed"]:
        raise SystemExit(f"{path}: {counts['failed']} requests failed, the first: {counts['first failure']}")
    return counts["ok"] / elapsed


async def run_load(base, rounds, seconds, concurrency):
    """Per endpoint, the requests/s of each round (rounds interleave the endpoints)."""
    clients = {name: await open_clients(base, path, user, concurrency) for name, (path, user) in ENDPOINTS.items()}
    rates = {name: [] for name in ENDPOINTS}
    try:
        for name, (path, _) in ENDPOINTS.items():  # warm-up: imports, caches, connections
            await measure(clients[name], path, 1.0)
        for _ in range(rounds):
            for name, (path, _) in ENDPOINTS.items():
                rates[name].append(await measure(clients[name], path, seconds))
    finally:
        for sessions in clients.values():
            for session in sessions:
                await session.close()
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=2.0, help="load time per endpoint and round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of (baseline, list, /me), interleaved; medians reported")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (each its own session)")
    parser.add_argument("--reuse-database", action="store_true", help="keep the database of a previous run")
    parser.add_argument("--no-pin", action="store_true",
                        help="leave daphne on every CPU instead of pinning it to the last one (the load generator to the others)")
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gws_bench")
    env = {"GWS_DB_POOL": "true", **os.environ, "DATABASE_URL": database_url, "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
           "DJANGO_SETTINGS_MODULE": SETTINGS}
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")})

    if not args.reuse_database:
        print(f"Populating {database_url} with {args.users:,} users (2 skills and a device each)...", flush=True)
        started = time.monotonic()
        recreate_database(database_url)
        populate(args.users)
        print(f"  done in {time.monotonic() - started:.1f} s", flush=True)
    else:  # the code may have new migrations since the database was filled
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    cpus = sorted(os.sched_getaffinity(0))
    server_cpu = None if args.no_pin or len(cpus) < 2 else cpus[-1]
    process, base = start_server(env, server_cpu)
    if server_cpu is not None:  # the load generator keeps off the server's CPU
        os.sched_setaffinity(0, set(cpus[:-1]))
    print(f"daphne pinned to CPU {server_cpu}, the load generator to {cpus[:-1]}" if server_cpu is not None
          else "daphne and the load generator on every CPU (--no-pin)")
    print(f"load average before the load: {os.getloadavg()[0]:.2f} (on {os.cpu_count()} CPUs)")
    print(f"daphne on {base} (REDIS_URL={env['REDIS_URL']}); {args.rounds} rounds x {args.seconds:g} s per endpoint, "
          f"{args.concurrency} concurrent clients", flush=True)
    try:
        rates = asyncio.run(run_load(base, args.rounds, args.seconds, args.concurrency))
    finally:
        process.terminate()
        process.wait(timeout=10)

    # Slices of the three endpoints alternate, so a neighbour's load hits them alike; medians
    # of the per-round ratios resist the odd disturbed slice.
    baseline_rates = rates["plain JsonResponse (baseline)"]
    baseline = statistics.median(baseline_rates)
    print()
    print(f"load average now: {os.getloadavg()[0]:.2f} (on {os.cpu_count()} CPUs)")
    print(f"{'endpoint':<50} {'req/s':>8} {'ratio':>7} {'target':>7}")
    failed = False
    for name, values in rates.items():
        rate = statistics.median(values)
        ratio = statistics.median(value / base for value, base in zip(values, baseline_rates))
        target = TARGETS.get(name)
        verdict = "" if target is None else (f">= {target}" + ("" if ratio >= target else "  MISSED"))
        failed |= target is not None and ratio < target
        print(f"{name:<50} {rate:8.0f} {ratio:7.2f} {verdict:>7}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
