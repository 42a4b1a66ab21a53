// The official CometD JavaScript client (npm "cometd", under Node.js via "cometd-nodejs-client"),
// driven by tests/notifications/test_node_client.py. It signs in as the GWS JavaScript sample
// does (GET /api/v2/me with Basic, keeping the session cookie and the CSRF token; with fetch,
// as the adapter's XMLHttpRequest shows no response headers), handshakes
// over one transport, subscribes to /v2/me/*, and then reports events as JSON lines on stdout
// while obeying commands read from stdin ("unsubscribe", "disconnect").
//
//   node client.mjs BASE_URL USER PASSWORD websocket|long-polling
import { createInterface } from "node:readline";
import { adapt } from "cometd-nodejs-client";
import { CometD } from "cometd";
import * as ws from "ws";

const [baseUrl, user, password, transport] = process.argv.slice(2);
const say = (event) => process.stdout.write(JSON.stringify(event) + "\n");

adapt();

async function signIn() {
    const response = await fetch(`${baseUrl}/api/v2/me`, {
        headers: { Authorization: "Basic " + Buffer.from(`${user}:${password}`).toString("base64") },
    });
    return { status: response.status, token: response.headers.get("X-CSRF-TOKEN"), cookie: response.headers.get("Set-Cookie") };
}

const login = await signIn();
if (login.status !== 200) {
    say({ event: "error", status: login.status });
    process.exit(1);
}
const cookie = String(login.cookie || "").split(";")[0];
// A browser sends its cookies with the WebSocket upgrade; the "ws" package needs telling.
window.WebSocket = class extends ws.WebSocket {
    constructor(url, protocols) {
        super(url, protocols, { headers: { Cookie: cookie } });
    }
};

const cometd = new CometD();
if (transport === "websocket") {
    cometd.unregisterTransport("long-polling");
} else {
    cometd.unregisterTransport("websocket");
}
cometd.unregisterTransport("callback-polling");
// The CSRF token: a header on HTTP requests, and in the handshake's ext for WebSocket, where a
// browser cannot add headers.
cometd.registerExtension("gws-csrf", {
    outgoing: (message) => {
        if (message.channel === "/meta/handshake" && login.token) {
            message.ext = { ...(message.ext || {}), gws: { csrfToken: login.token } };
        }
        return message;
    },
});
// The session cookie: the Node XMLHttpRequest adapter keeps a "Cookie" request header in its jar.
cometd.configure({
    url: `${baseUrl}/api/v2/notifications`,
    requestHeaders: { "X-CSRF-TOKEN": login.token, Cookie: cookie },
    logLevel: "warn",
});

let subscription = null;
cometd.addListener("/meta/handshake", (reply) => say({ event: "handshake", successful: reply.successful, clientId: reply.clientId, error: reply.error }));
cometd.handshake((reply) => {
    if (!reply.successful) {
        return;
    }
    subscription = cometd.subscribe("/v2/me/*", (message) => say({ event: "message", message }), (subscribed) => {
        say({ event: "subscribed", successful: subscribed.successful, transport: cometd.getTransport().type });
    });
});

createInterface({ input: process.stdin }).on("line", (line) => {
    if (line === "unsubscribe") {
        cometd.unsubscribe(subscription, (reply) => say({ event: "unsubscribed", successful: reply.successful }));
    } else if (line === "disconnect") {
        cometd.disconnect((reply) => {
            say({ event: "disconnected", successful: reply.successful });
            process.exit(0);
        });
    }
});
