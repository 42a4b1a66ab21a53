"""
The benchmark's server: the project's ASGI application, plus two WebSocket routes that exist
only here:

- ``/bench/raw?group=N``: the baseline. A bare Channels consumer in group ``bench.raw.N`` that
  forwards what ``group_send`` brings, as a one-message JSON array like a CometD delivery.
- ``/bench/control``: the benchmark driver's remote: it publishes a stream, in this process,
  through ``notifications.publish.apublish`` (the real path) or raw ``group_send`` (baseline).
"""
import asyncio
import json
import time
from urllib.parse import parse_qs

from gws_project.asgi import application as project_application  # sets up Django first

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

from notifications.publish import apublish  # noqa: E402


class RawGroupConsumer(AsyncWebsocketConsumer):
    """Baseline: Channels group delivery with nothing of ours in the way."""

    async def connect(self):
        self.group = "bench.raw." + parse_qs(self.scope["query_string"].decode())["group"][0]
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def raw_message(self, event):
        await self.send(text_data=json.dumps([{"channel": "/v2/me/devices", "data": event["data"]}]))


class ControlConsumer(AsyncWebsocketConsumer):
    """Publishes a stream on request: {"mode": "cometd"|"raw", "targets": [...], "rounds": R,
    "rate": messages per second, 0 for as fast as possible} -> {"published": n, "seconds": s}.
    Each round sends one message to every target; a burst publishes 20 at a time (at 100,
    channels-redis runs out of its default 100 pooled connections and raises)."""

    async def receive(self, text_data=None, bytes_data=None):
        command = json.loads(text_data)
        rate = command["rate"]
        started = time.perf_counter()
        published = 0
        for round_number in range(command["rounds"]):
            if not rate:  # a burst: 20 publishers at once, as concurrent requests would be
                targets = command["targets"]
                for start in range(0, len(targets), 20):
                    await asyncio.gather(*(self._publish(command["mode"], t, round_number) for t in targets[start:start + 20]))
                published += len(targets)
                continue
            for target in command["targets"]:
                ahead = started + published / rate - time.perf_counter()
                if ahead > 0:
                    await asyncio.sleep(ahead)
                await self._publish(command["mode"], target, round_number)
                published += 1
        await self.send(text_data=json.dumps({"published": published, "seconds": time.perf_counter() - started}))

    async def _publish(self, mode, target, round_number):
        data = {"messageType": "BenchMessage", "round": round_number, "t": time.time()}
        if mode == "cometd":
            await apublish(target, "/v2/me/devices", data)
        else:
            await self.channel_layer.group_send(f"bench.raw.{target}", {"type": "raw.message", "data": data})


bench_routes = URLRouter(
    [re_path(r"^bench/raw$", RawGroupConsumer.as_asgi()), re_path(r"^bench/control$", ControlConsumer.as_asgi())]
)


async def application(scope, receive, send):
    if scope["type"] == "websocket" and scope["path"].startswith("/bench/"):
        return await bench_routes(scope, receive, send)
    return await project_application(scope, receive, send)
