"""
The narrow interface between the Voice API and the switch, as between GWS and a T-Server:
``submit(request)`` hands one request (a JSON-able dict, see voice/services.py) to the switch
and returns once the switch has taken it; events come back as CometD messages, never as the
return value. ``SwitchUnreachable`` means the request did not reach the switch.

Two back ends, chosen by GWS_VOICE_SWITCH:

- ``embedded`` (default): the switch runs in this process; ``submit`` executes the request at
  once. A daemon thread fires due timers (a simulated party answering after a delay).
- ``process``: the switch is its own process (``manage.py runswitch``) reached through the
  channel layer (Redis in production): ``submit`` sends the request to the ``voice-switch``
  channel and waits GWS_VOICE_SWITCH_TIMEOUT seconds (3) for the switch to take it.

A real telephony back end would be a third class with the same ``submit``.
"""
import asyncio
import logging
import os
import threading
import time

from asgiref.sync import async_to_sync
from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

SWITCH_CHANNEL = "voice-switch"
REQUEST, REPLY = "voice.request", "voice.reply"


class SwitchUnreachable(Exception):
    """The switch did not take the request (its process is down or does not answer)."""


class EmbeddedBackend:
    """The switch inside this process."""

    timers_enabled = os.environ.get("GWS_VOICE_TIMERS", "1") not in ("0", "false", "no")

    def __init__(self):
        self._timer_thread = None
        self._lock = threading.Lock()

    def submit(self, request):
        from . import services

        result = services.execute(request)
        if result.get("timers"):
            self.ensure_timers()
        return result

    def ensure_timers(self):
        """Start the timer thread once (only where timers run: not in tests that fire them)."""
        if not self.timers_enabled:
            return
        with self._lock:
            if self._timer_thread is None or not self._timer_thread.is_alive():
                self._timer_thread = threading.Thread(target=self._fire_timers, name="voice-timers", daemon=True)
                self._timer_thread.start()

    def _fire_timers(self):
        from django.db import close_old_connections

        from . import services

        while True:
            time.sleep(0.1)
            try:
                services.run_due_timers()
                if not services.pending_timers():
                    return
            except Exception:  # noqa: BLE001 - a failed timer run is retried on the next tick
                logger.exception("Voice timers failed")
            finally:
                close_old_connections()


class ProcessBackend:
    """The switch in its own process, reached through the channel layer."""

    def __init__(self, timeout=None):
        self.timeout = float(os.environ.get("GWS_VOICE_SWITCH_TIMEOUT", "3")) if timeout is None else timeout

    def submit(self, request):
        return async_to_sync(self._roundtrip)(request)

    async def _roundtrip(self, request):
        layer = get_channel_layer()
        # The default prefix: channels-redis serves all of a process's specific channels that
        # share a prefix with one blocking receive; a prefix of our own would queue behind it.
        reply_channel = await layer.new_channel()
        # A request that waited past its deadline is dropped by the switch: the client was told
        # 503 and must not see it carried out later.
        deadline = time.time() + self.timeout
        message = {"type": REQUEST, "request": request, "reply_to": reply_channel, "deadline": deadline}
        while True:
            try:
                await layer.send(SWITCH_CHANNEL, message)
                break
            except ChannelFull:
                # The switch's queue is at the layer's capacity: wait for it to drain, within
                # the same deadline (a busy switch is not a missing one until then).
                if time.time() >= deadline:
                    raise SwitchUnreachable() from None
                await asyncio.sleep(0.05)
        try:
            reply = await asyncio.wait_for(layer.receive(reply_channel), max(0.0, deadline - time.time()))
        except asyncio.TimeoutError:
            raise SwitchUnreachable() from None
        if reply.get("error"):
            raise RuntimeError(f"The switch failed: {reply['error']}")
        return reply["result"]


_backend = None


def get_backend():
    """The configured back end (one per process)."""
    global _backend
    if _backend is None:
        mode = os.environ.get("GWS_VOICE_SWITCH", "embedded")
        _backend = ProcessBackend() if mode == "process" else EmbeddedBackend()
    return _backend


def set_backend(backend):
    """Replace the back end (tests; an embedding with its own telephony)."""
    global _backend
    _backend = backend


def switch_workers():
    """How many requests the switch process carries out at once: GWS_VOICE_SWITCH_WORKERS (8)
    on PostgreSQL, where requests on different lines run side by side (voice/services.py,
    "Turns"); 1 elsewhere (one turn for everything)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 1
    return max(1, int(os.environ.get("GWS_VOICE_SWITCH_WORKERS", "8")))


async def serve(stop, tick=0.1, workers=None):
    """The switch process's loop: take requests from the channel layer, carry each out in a
    worker thread (at most ``workers`` at once; each thread has its own database connection),
    reply, and fire due timers. Returns when ``stop`` (an asyncio.Event) is set.

    What may run at once is decided by the requests' turns (voice/services.py): requests on
    different lines in parallel, requests on the same line one after the other, in the order
    they took their turns. A request is taken from the channel only when a worker is free, so
    a busy switch leaves the rest queued in the channel layer (where their deadline applies).

    A receive is never cancelled while the switch runs (a cancelled channel-layer receive may
    drop the message it was taking): requests and timers are two tasks.
    """
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import sync_to_async
    from django.db import connections

    from . import services

    workers = switch_workers() if workers is None else workers
    layer = get_channel_layer()
    # One thread more than workers: the timers always have one.
    pool = ThreadPoolExecutor(max_workers=workers + 1, thread_name_prefix="voice-switch")
    execute = sync_to_async(services.execute, thread_sensitive=False, executor=pool)
    run_timers = sync_to_async(services.run_due_timers, thread_sensitive=False, executor=pool)
    free = asyncio.Semaphore(workers)
    running = set()

    async def carry_out(message):
        try:
            try:
                reply = {"type": REPLY, "result": await execute(message["request"])}
            except Exception as error:  # noqa: BLE001 - the API is told, the switch keeps serving
                logger.exception("Switch request failed")
                reply = {"type": REPLY, "error": str(error)}
            await layer.send(message["reply_to"], reply)
        finally:
            free.release()

    async def requests():
        while True:
            await free.acquire()
            message = await layer.receive(SWITCH_CHANNEL)
            if message.get("deadline", 0) < time.time():
                free.release()
                continue  # the API gave up on it and answered 503: never carry it out late
            task = asyncio.create_task(carry_out(message))
            running.add(task)
            task.add_done_callback(running.discard)

    async def timers():
        while True:
            await asyncio.sleep(tick)
            try:
                await run_timers()
            except Exception:  # noqa: BLE001 - retried on the next tick
                logger.exception("Voice timers failed")

    tasks = [asyncio.create_task(requests()), asyncio.create_task(timers())]
    try:
        await stop.wait()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        # Requests already taken are finished and answered (their clients are waiting).
        await asyncio.gather(*running, return_exceptions=True)
        # Each worker thread closes its own database connection (one task per thread: they
        # wait for each other, so no thread takes two).
        threads = workers + 1
        barrier = threading.Barrier(threads)

        def close_connection():
            connections.close_all()
            barrier.wait(10)

        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(pool, close_connection) for _ in range(threads)), return_exceptions=True)
        pool.shutdown(wait=True)
