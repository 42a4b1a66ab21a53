"""
Where the notification server keeps its state: each user's message sequence and retained
messages, the Bayeux client sessions, and which clients each user has.

Two implementations with one (async) interface:

- ``MemoryStore`` (embedded default, no REDIS_URL): dictionaries in this process. One server
  process serves everything, so this is all the state there is; it is lost on restart, and
  clients then handshake again and re-read their state.
- ``RedisStore`` (REDIS_URL set): the same state in Redis, shared by every server process, so a
  client whose process died reconnects to another with the same clientId and its cursor, and a
  message published anywhere is numbered in one sequence per user.

Every operation that must be atomic across processes (number-and-append, create, remove) is one
Redis command sequence in a Lua script or a MULTI transaction.
"""
import asyncio
import json
import threading
import time
import weakref
from collections import deque
from dataclasses import asdict, dataclass, field, replace

from django.conf import settings


@dataclass
class ClientSession:
    """One Bayeux client (a clientId) of one user."""

    client_id: str
    user_id: str
    contact_center_id: str | None
    # The user's sequence number of the last message handed to this client (or skipped by it).
    seq: int = 0
    subscriptions: list = field(default_factory=list)
    connection_type: str = ""
    expires_at: float = 0.0
    # Whether the client has sent its first /meta/connect (answered at once, not held).
    connected: bool = False
    # Keyed digest of the credentials of the requests that may use this session without
    # authenticating again (see clients.Peer).
    credential: str = ""

    def copy(self):
        return replace(self, subscriptions=list(self.subscriptions))

    def to_json(self):
        """The session without its cursor and subscriptions: in Redis each is kept apart and
        changed on its own (the cursor moves with every message; concurrent requests of one
        client, a subscribe and a connect, must not overwrite each other's changes)."""
        data = asdict(self)
        data.pop("seq")
        data.pop("subscriptions")
        return json.dumps(data)

    @classmethod
    def from_json(cls, text, seq, subscriptions):
        return cls(**json.loads(text), seq=int(seq), subscriptions=sorted(subscriptions))


@dataclass
class Backlog:
    """The retained messages of a user after a given sequence number."""

    messages: list  # [(seq, channel, data)], in sequence order
    last_seq: int
    # False when some message after the cursor is no longer retained (the client must resync).
    complete: bool


def retention_seconds():
    return settings.NOTIFICATIONS_RETENTION_SECONDS


def _backlog(entries, after, last_seq):
    """Entries (seq, channel, data) sorted by seq -> what a client at ``after`` has missed."""
    missed = [entry for entry in entries if entry[0] > after]
    if after >= last_seq:
        return Backlog([], last_seq, True)
    complete = bool(missed) and missed[0][0] == after + 1
    return Backlog(missed, last_seq, complete)


# ---------------------------------------------------------------------------------------------
# Embedded: one process
# ---------------------------------------------------------------------------------------------


class MemoryStore:
    """The state in this process (embedded set-up). Thread-safe: publishers run in threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._seq = {}
        self._log = {}  # user -> deque[(time, seq, channel, data)]
        self._sessions = {}
        self._clients = {}  # user -> set of client ids
        self._watchers = {}  # contact center -> set of users watching its users (board.py)

    def _trim(self, log, now):
        horizon = now - retention_seconds()
        while log and log[0][0] < horizon:
            log.popleft()

    async def append(self, user_id, channel, data):
        return self.append_now(user_id, channel, data)

    async def append_many(self, entries):
        """Number [(user_id, channel, data)] in order; their sequence numbers."""
        return [self.append_now(user_id, channel, data) for user_id, channel, data in entries]

    def append_now(self, user_id, channel, data):
        now = time.time()
        with self._lock:
            seq = self._seq.get(user_id, 0) + 1
            self._seq[user_id] = seq
            log = self._log.setdefault(user_id, deque())
            log.append((now, seq, channel, data))
            self._trim(log, now)
        return seq

    async def last_seq(self, user_id):
        return self.last_seq_now(user_id)

    def last_seq_blocking(self, user_id):
        return self.last_seq_now(user_id)

    def last_seq_now(self, user_id):
        with self._lock:
            return self._seq.get(user_id, 0)

    async def since(self, user_id, after):
        with self._lock:
            log = self._log.get(user_id, deque())
            self._trim(log, time.time())
            entries = [(seq, channel, data) for _, seq, channel, data in log]
            return _backlog(entries, after, self._seq.get(user_id, 0))

    async def create_session(self, session):
        """Save a new session; True when it is the user's first client."""
        with self._lock:
            self._sessions[session.client_id] = session.copy()
            clients = self._clients.setdefault(session.user_id, set())
            clients.add(session.client_id)
            return len(clients) == 1

    async def load_session(self, client_id):
        with self._lock:
            session = self._sessions.get(client_id)
            return session.copy() if session else None

    async def save_session(self, session):
        """Update a session that still exists; False when it was removed meanwhile."""
        with self._lock:
            stored = self._sessions.get(session.client_id)
            if stored is None:
                return False
            session.seq = max(session.seq, stored.seq)
            session.subscriptions = list(stored.subscriptions)
            self._sessions[session.client_id] = session.copy()
            return True

    async def change_subscriptions(self, client_id, add=(), remove=()):
        """Add and remove subscriptions in one step; False when the session is gone."""
        with self._lock:
            stored = self._sessions.get(client_id)
            if stored is None:
                return False
            kept = [channel for channel in stored.subscriptions if channel not in remove]
            stored.subscriptions = sorted(set(kept) | set(add))
            return True

    async def advance(self, client_id, seq):
        """Move a session's cursor forward (never back); False when the session is gone."""
        with self._lock:
            session = self._sessions.get(client_id)
            if session is None:
                return False
            session.seq = max(session.seq, seq)
            return True

    async def remove_session(self, client_id):
        """Remove a session once: (session, whether it was the user's last client), or (None, False)."""
        with self._lock:
            session = self._sessions.pop(client_id, None)
            if session is None:
                return None, False
            clients = self._clients.get(session.user_id, set())
            clients.discard(client_id)
            if not clients:
                self._clients.pop(session.user_id, None)
            return session, not clients

    async def expired(self, now):
        with self._lock:
            return [s.client_id for s in self._sessions.values() if s.expires_at and s.expires_at < now]

    async def client_count(self, user_id):
        with self._lock:
            return len(self._clients.get(user_id, ()))

    async def add_watcher(self, contact_center_id, user_id):
        """A user now watches its contact center's users (/v2/contact-center/users)."""
        with self._lock:
            self._watchers.setdefault(contact_center_id, set()).add(user_id)

    async def watchers(self, contact_center_id):
        with self._lock:
            return sorted(self._watchers.get(contact_center_id, ()))

    async def forget_watcher(self, contact_center_id, user_id):
        """The user stops watching, unless a client of theirs exists again meanwhile."""
        with self._lock:
            if not self._clients.get(user_id):
                self._watchers.get(contact_center_id, set()).discard(user_id)


# ---------------------------------------------------------------------------------------------
# Production: Redis, shared by every server process
# ---------------------------------------------------------------------------------------------

PREFIX = "gws:cometd:"

# Number a message in its user's sequence and append it to the user's log, trimming entries
# older than the retention window (stream ids are millisecond timestamps: MINID trims by age).
_APPEND = """
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MINID', ARGV[1], '*', 'seq', seq, 'channel', ARGV[2], 'data', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return seq
"""

# A session is a hash: "data" (JSON, see ClientSession.to_json) and "seq" (its cursor).

# Its subscriptions are a set of their own (KEYS[3] below).

# Remove a session exactly once; returns {data, seq, clients left} or nil.
_REMOVE = """
local data = redis.call('HGET', KEYS[1], 'data')
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
if not data then return nil end
local seq = redis.call('HGET', KEYS[1], 'seq')
redis.call('DEL', KEYS[1])
local clients = ARGV[2] .. cjson.decode(data)['user_id']
redis.call('SREM', clients, ARGV[1])
return {data, seq, redis.call('SCARD', clients)}
"""

# Save a session only if it still exists; its cursor is left alone (only advance moves it).
_SAVE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1
"""

# Add (ARGV[2..n] after the count ARGV[1]) and remove subscriptions, only while the session exists.
_SUBSCRIPTIONS = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local adding = tonumber(ARGV[1])
for i = 2, #ARGV do
  if i <= adding + 1 then redis.call('SADD', KEYS[2], ARGV[i]) else redis.call('SREM', KEYS[2], ARGV[i]) end
end
redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
return 1
"""

# Move a cursor forward only, and only while the session exists.
_ADVANCE = """
local current = redis.call('HGET', KEYS[1], 'seq')
if not current then return 0 end
if tonumber(ARGV[1]) > tonumber(current) then redis.call('HSET', KEYS[1], 'seq', ARGV[1]) end
return 1
"""

# Forget a watcher only while its user has no client (one may have handshaken meanwhile).
_FORGET_WATCHER = """
if redis.call('SCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[1], ARGV[1]) end
return 1
"""

# A session key outlives its expiry a little, so the sweeper still finds it to announce it.
_KEY_GRACE_MS = 60_000


class RedisStore:
    """The state in Redis (production set-up: several server processes)."""

    def __init__(self, url):
        self.url = url
        # redis.asyncio connections belong to one event loop: one client per loop.
        self._clients = weakref.WeakKeyDictionary()
        self._sync = None

    def _redis(self):
        import redis.asyncio

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            # A blocking pool: under load, wait for a free connection instead of failing
            # (redis-py's default pool raises once its 100 connections are in use).
            pool = redis.asyncio.BlockingConnectionPool.from_url(
                self.url, decode_responses=True, max_connections=50, timeout=20
            )
            client = redis.asyncio.Redis(connection_pool=pool)
            self._clients[loop] = client
            _close_with_loop(loop, client)
        return client

    def _session_key(self, client_id):
        return f"{PREFIX}session:{client_id}"

    async def append(self, user_id, channel, data):
        now_ms = int(time.time() * 1000)
        retention_ms = int(retention_seconds() * 1000)
        keys = [f"{PREFIX}seq:{user_id}", f"{PREFIX}log:{user_id}"]
        args = [now_ms - retention_ms, channel, json.dumps(data), retention_ms]
        return int(await self._redis().eval(_APPEND, len(keys), *keys, *args))

    async def append_many(self, entries):
        """Number [(user_id, channel, data)] in order, in one round trip; their sequence numbers."""
        now_ms = int(time.time() * 1000)
        retention_ms = int(retention_seconds() * 1000)
        async with self._redis().pipeline(transaction=False) as pipe:
            for user_id, channel, data in entries:
                keys = [f"{PREFIX}seq:{user_id}", f"{PREFIX}log:{user_id}"]
                pipe.eval(_APPEND, len(keys), *keys, now_ms - retention_ms, channel, json.dumps(data), retention_ms)
            return [int(seq) for seq in await pipe.execute()]

    async def last_seq(self, user_id):
        return int(await self._redis().get(f"{PREFIX}seq:{user_id}") or 0)

    def last_seq_blocking(self, user_id):
        """For sync code (a view): a plain Redis client, no event loop needed."""
        import redis

        if self._sync is None:
            self._sync = redis.Redis.from_url(self.url, decode_responses=True)
        return int(self._sync.get(f"{PREFIX}seq:{user_id}") or 0)

    async def since(self, user_id, after):
        redis = self._redis()
        async with redis.pipeline(transaction=True) as pipe:
            pipe.get(f"{PREFIX}seq:{user_id}")
            horizon = int((time.time() - retention_seconds()) * 1000)
            pipe.xrange(f"{PREFIX}log:{user_id}", min=f"{horizon}-0")
            last, entries = await pipe.execute()
        parsed = [(int(f["seq"]), f["channel"], json.loads(f["data"])) for _, f in entries]
        return _backlog(parsed, after, int(last or 0))

    async def create_session(self, session):
        redis = self._redis()
        key = self._session_key(session.client_id)
        clients = f"{PREFIX}clients:{session.user_id}"
        async with redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"data": session.to_json(), "seq": session.seq})
            pipe.pexpire(key, self._ttl_ms(session))
            if session.subscriptions:
                pipe.sadd(self._subscriptions_key(session.client_id), *session.subscriptions)
                pipe.pexpire(self._subscriptions_key(session.client_id), self._ttl_ms(session))
            pipe.zadd(f"{PREFIX}expiry", {session.client_id: session.expires_at})
            pipe.sadd(clients, session.client_id)
            pipe.scard(clients)
            *_, added, count = await pipe.execute()
        return bool(added) and count == 1

    @staticmethod
    def _ttl_ms(session):
        return max(1, int((session.expires_at - time.time()) * 1000)) + _KEY_GRACE_MS

    def _subscriptions_key(self, client_id):
        return f"{PREFIX}subscriptions:{client_id}"

    async def load_session(self, client_id):
        async with self._redis().pipeline(transaction=True) as pipe:
            pipe.hmget(self._session_key(client_id), "data", "seq")
            pipe.smembers(self._subscriptions_key(client_id))
            (data, seq), subscriptions = await pipe.execute()
        return ClientSession.from_json(data, seq, subscriptions) if data else None

    async def change_subscriptions(self, client_id, add=(), remove=()):
        keys = [self._session_key(client_id), self._subscriptions_key(client_id)]
        args = [len(add), *add, *remove]
        return bool(await self._redis().eval(_SUBSCRIPTIONS, len(keys), *keys, *args))

    async def save_session(self, session):
        keys = [self._session_key(session.client_id), f"{PREFIX}expiry"]
        args = [session.to_json(), self._ttl_ms(session), session.expires_at, session.client_id]
        saved = bool(await self._redis().eval(_SAVE, len(keys), *keys, *args))
        if saved:
            await self._redis().pexpire(self._subscriptions_key(session.client_id), self._ttl_ms(session))
        return saved

    async def advance(self, client_id, seq):
        return bool(await self._redis().eval(_ADVANCE, 1, self._session_key(client_id), seq))

    async def remove_session(self, client_id):
        keys = [self._session_key(client_id), f"{PREFIX}expiry", self._subscriptions_key(client_id)]
        result = await self._redis().eval(_REMOVE, len(keys), *keys, client_id, f"{PREFIX}clients:")
        if not result:
            return None, False
        data, seq, left = result
        return ClientSession.from_json(data, seq, []), int(left) == 0

    async def expired(self, now):
        return list(await self._redis().zrangebyscore(f"{PREFIX}expiry", "-inf", now))

    async def client_count(self, user_id):
        return int(await self._redis().scard(f"{PREFIX}clients:{user_id}"))

    def _watchers_key(self, contact_center_id):
        return f"{PREFIX}watchers:{contact_center_id}"

    async def add_watcher(self, contact_center_id, user_id):
        await self._redis().sadd(self._watchers_key(contact_center_id), user_id)

    async def watchers(self, contact_center_id):
        return sorted(await self._redis().smembers(self._watchers_key(contact_center_id)))

    async def forget_watcher(self, contact_center_id, user_id):
        keys = [self._watchers_key(contact_center_id), f"{PREFIX}clients:{user_id}"]
        await self._redis().eval(_FORGET_WATCHER, len(keys), *keys, user_id)


def _close_with_loop(loop, client):
    """Close a loop's Redis client when the loop closes (as channels-redis does for its pools):
    ``async_to_sync`` outside a server runs each call in a short-lived loop of its own."""
    original_close = loop.close

    def close(*args, **kwargs):
        loop.close = original_close
        if not loop.is_running() and not loop.is_closed():
            try:
                loop.run_until_complete(client.aclose())
            except Exception:  # noqa: BLE001 - the connection is being thrown away anyway
                pass
        return original_close(*args, **kwargs)

    loop.close = close


_store = None
_store_lock = threading.Lock()


def get_store():
    """The store of this set-up: Redis when REDIS_URL is set, else this process's memory."""
    global _store
    with _store_lock:
        url = settings.REDIS_URL
        wanted = RedisStore if url else MemoryStore
        if not isinstance(_store, wanted) or (url and _store.url != url):
            _store = RedisStore(url) if url else MemoryStore()
        return _store
