"""
What a long-running server process does once it has started, before it serves anything.
"""
import gc

from django.urls import get_resolver


def freeze_startup_objects():
    """Keep the objects of start-up (modules, classes, functions, URL patterns, settings) out of
    every later garbage collection.

    A server process holds some 120,000 such objects that live as long as it does. CPython's
    full collection visits every tracked object, and it runs on the event loop: in
    bench/voice_calls.py a daphne process with 250 CometD clients stopped for 135-250 ms each time,
    every half-minute or so, and every operation in flight waited (the p99 of the N=500 paced
    run). ``gc.freeze()`` (the standard library's answer, made for forking servers) moves what
    exists now to a permanent generation that collections skip. The URLconf is loaded first, so
    that the views and what they import are among those objects.
    """
    get_resolver().url_patterns
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 10)
