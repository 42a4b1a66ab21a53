// A page's live notifications: the official CometD client (npm "cometd", served by Django from
// webui/node_modules, see STATICFILES_DIRS) on /api/v2/notifications, with the page's session.
//
//   import {connect} from "../live/cometd.js";
//   const live = connect({
//     channels: ["/v2/me/*"],        // subscribed after every handshake
//     async resync() {               // (re)load the page's state from the API, after every handshake;
//       const body = await api.get("/me", {subresources: "*"});
//       show(body.user);
//       return body.notificationSequence;   // optional: the sequence the state was read at
//     },
//     onMessage(message) {},         // {channel, data, ext}: each message once, in the server's order
//     onStatus(status) {},           // "connecting" | "connected" | "reconnecting" | "disconnected"
//   });
//   await live.ready;                // the first handshake, subscriptions and resync are done
//   live.transport();                // "websocket" or "long-polling"
//   live.close();                    // disconnect (before EndContactCenterSession, say)
//
// `channels` are any the server allows (/v2/me/*, /v2/me/calls, /notifications/services, ...);
// onMessage gets the messages of all of them.
//
// How it behaves:
// - WebSocket first, long-polling when WebSocket fails (the client's own fallback). The browser
//   sends the session cookie; the GWS CSRF token goes in the handshake's ext.gws.csrfToken (a
//   browser cannot add headers to a WebSocket upgrade) and in X-CSRF-TOKEN for long-polling.
// - When the server has forgotten the client (402, or 410 when the messages it missed are no
//   longer kept) the CometD client handshakes again; the subscriptions are made again and
//   `resync` runs, so the page reads its state afresh: nothing missed in between stays missed.
// - Messages that arrive while `resync` runs are held, and those already reflected in the state
//   it read (ext.gws.sequence at or below the returned notificationSequence) are dropped, as are
//   repeats: "state read + later messages == state now".
// - A handshake refused as unauthenticated (the session ended) sends the page to the login
//   form, as a 401 from the API does (api.js).
import {CometD} from "../vendor/cometd/cometd.js";
import {csrf} from "../api.js";

const URL = "/api/v2/notifications";

function sequenceOf(message) {
  const sequence = message.ext && message.ext.gws && message.ext.gws.sequence;
  return Number.isInteger(sequence) ? sequence : null;
}

export function connect({channels, resync = async () => undefined, onMessage = () => {}, onStatus = () => {}}) {
  const cometd = new CometD();
  cometd.unregisterTransport("callback-polling");  // same origin: WebSocket or long-polling
  let last = null;        // the highest ext.gws.sequence handled (or reflected in the state read)
  let held = null;        // messages that came while resync ran (null: not resyncing)
  let closed = false;
  let generation = 0;     // one per handshake: a late resync of an older one does nothing
  let status = null;
  let resolveReady;
  let rejectReady;
  const ready = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
  ready.catch(() => {});  // a page that does not wait for `ready` gets no unhandled rejection

  function setStatus(value) {
    if (value !== status) {
      status = value;
      onStatus(value);
    }
  }

  function deliver(message) {
    const sequence = sequenceOf(message);
    if (sequence !== null) {
      if (last !== null && sequence <= last) return;
      last = sequence;
    }
    onMessage(message);
  }

  function receive(message) {
    if (held) held.push(message);
    else deliver(message);
  }

  function subscribeAll() {
    return Promise.all(channels.map((channel) => new Promise((resolve, reject) => {
      cometd.subscribe(channel, receive, (reply) => (reply.successful ? resolve() : reject(new Error(`Subscription to ${channel} refused: ${reply.error}`))));
    })));
  }

  async function afterHandshake(reply) {
    const mine = ++generation;
    held = [];
    try {
      await subscribeAll();
      const sequence = await resync();
      if (mine !== generation) return;
      if (Number.isInteger(sequence)) last = sequence;
      const waiting = held;
      held = null;
      waiting.forEach(deliver);
      setStatus("connected");
      resolveReady(reply);
    } catch (error) {
      held = null;
      rejectReady(error);
      throw error;
    }
  }

  function onHandshake(reply) {
    if (closed) return;
    if (reply.successful) {
      afterHandshake(reply).catch((error) => console.error("CometD set-up failed:", error));
      return;
    }
    if (String(reply.error || "").startsWith("401")) {
      window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    }
    setStatus(cometd.isDisconnected() ? "disconnected" : "reconnecting");
    if (cometd.isDisconnected()) rejectReady(new Error(`CometD handshake refused: ${reply.error || "no answer"}`));
  }

  cometd.addListener("/meta/connect", (reply) => {
    if (closed || held) return;
    setStatus(reply.successful ? "connected" : "reconnecting");
  });

  setStatus("connecting");
  csrf().then(({header, token}) => {
    if (closed) return;
    cometd.registerExtension("gws-csrf", {
      outgoing(message) {
        if (message.channel === "/meta/handshake") {
          message.ext = {...(message.ext || {}), gws: {...((message.ext || {}).gws || {}), csrfToken: token}};
        }
        return message;
      },
    });
    cometd.configure({url: new window.URL(URL, window.location.href).href, requestHeaders: {[header]: token}, logLevel: "warn"});
    cometd.handshake(onHandshake);
  }, (error) => {
    setStatus("disconnected");
    rejectReady(error);
  });

  return {
    ready,
    /** The CometD transport in use ("websocket" or "long-polling"), once connected. */
    transport: () => (cometd.getTransport() ? cometd.getTransport().type : null),
    close() {
      closed = true;
      generation += 1;
      setStatus("disconnected");
      if (!cometd.isDisconnected()) cometd.disconnect();
    },
  };
}
