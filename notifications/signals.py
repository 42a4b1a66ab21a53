"""
Hooks for other apps: a user's first CometD client connected, a user's last one went away.

Both are sent once per transition across all server processes (the client registry in the
store decides, atomically, which handshake was the first and which removal was the last).
They are sent from async code with ``Signal.asend``: a plain (sync) receiver is run in a
thread by Django, so receivers may use the ORM. Keyword arguments: ``user_id`` (int),
``client_id`` (str), and for ``last_client_gone`` ``reason`` ("disconnect", "expired", or "resync": its missed messages
were no longer retained and it was told to handshake again).
"""
from django.dispatch import Signal

first_client_connected = Signal()
last_client_gone = Signal()
