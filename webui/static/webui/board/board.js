// The live agent board, for supervisors and admins: every agent of the contact center with its
// agent state, DND, forwarding, calls and their running duration, kept up to date by CometD.
//
// State is read after every CometD handshake (live/cometd.js): GET /me?subresources=devices,calls
// (the supervisor's own phone and monitored calls, and the notificationSequence the state is
// read at), then GET /users?roles=ROLE_AGENT&subresources=devices,statistics with the filters and
// sort of the form ("Filtering and sorting users by fields and subresources"). Then messages:
// /v2/contact-center/users (this server's extension: every user's DeviceStateChangeMessage and
// CallStateChangeMessage with its userId, see docs/decisions.md) and the supervisor's own
// /v2/me/devices and /v2/me/calls. GWS gives no one else's calls, so a call in progress when the
// board loads shows as "On a call" (the statistics' activity) until its next change.
//
// Supervisor buttons send the Voice API's supervisor operations from the supervisor's phone:
// ListenIn, Coach, BargeIn (POST /me/devices/{id} with targetDeviceUri, scope and mode) when the
// phone's capabilities offer them, CancelSupervisorMonitoring, and on a monitored call
// SwitchToBargeIn, SwitchToListenIn (POST /me/calls/{id}) when the call's capabilities do, and
// MuteMonitoredUser/UnmuteMonitoredUser by the call's monitoredUserMuted (no capabilities list
// names them). A refusal is shown in the API's words.
import * as api from "../api.js";
import {connect} from "../live/cometd.js";
import {clearError, el, fill, notice, showError} from "../ui.js";

const BOARD = "/v2/contact-center/users";
const PAGE_SIZE = 500;
const LIVE_STATUS = {connecting: ["Connecting…", ""], connected: ["Live", "ok"], reconnecting: ["Reconnecting…", "off"], disconnected: ["Not connected", "off"]};
const MONITOR = [["ListenIn", "Listen in"], ["Coach", "Coach"], ["BargeIn", "Barge in"]];
const CALL_CONTROLS = [
  ["SwitchToBargeIn", "Switch to barge-in"],
  ["SwitchToListenIn", "Switch to listen-in"],
  ["MuteMonitoredUser", "Mute the agent"],
  ["UnmuteMonitoredUser", "Unmute the agent"],
];
const MONITOR_WORDS = {ListenIn: "Listening in on", Coach: "Coaching", BargeIn: "Barged in on"};
const HEADERS = ["Agent", "Phone", "State", "DND", "Forwarding", "Call", "Duration", "Monitor"];

const $ = (id) => document.getElementById(id);
const filters = $("board-filters");
const pageError = $("page-error");
const monitorError = $("monitor-error");

// Everything the page shows, in one place; render() draws it, tick() moves the durations.
const model = {
  me: null,               // the supervisor (GET /me)
  phone: null,            // the supervisor's first device
  myCalls: new Map(),     // the supervisor's calls by id (monitoring joins calls)
  agents: new Map(),      // user id -> Agent, in load order
  total: 0,
};

/** One agent on the board: the user, its devices, its calls as the board has seen them. */
class Agent {
  constructor(user) {
    this.user = user;
    this.devices = sortDevices(user.devices || []);
    this.voice = ((user.statistics || {}).channels || {}).voice || {};
    this.calls = new Map();   // call id -> {call, since (ms epoch the call started), released}
  }

  get name() {
    return [this.user.firstName, this.user.lastName].filter(Boolean).join(" ") || this.user.userName;
  }

  get device() {
    return this.devices[0] || null;
  }

  get state() {
    const shown = this.device && this.device.userState;
    return shown ? shown.state : (this.voice.state || "LoggedOut");
  }

  get stateName() {
    const shown = this.device && this.device.userState;
    if (shown) return shown.displayName || shown.state;
    return this.voice.displayName || this.voice.state || "Logged out";
  }

  get activeCalls() {
    return [...this.calls.values()].filter((entry) => !entry.released);
  }

  get activity() {
    if (this.calls.size) return this.activeCalls.length ? "OnCall" : "Idle";
    return this.voice.activity || "Idle";
  }

  updateDevices(devices) {
    const byId = new Map(this.devices.map((device) => [device.id, device]));
    for (const device of devices) byId.set(device.id, device);
    this.devices = sortDevices([...byId.values()]);
  }

  updateCall(call) {
    const since = Date.now() - (Number(call.duration) || 0) * 1000;
    if (call.state === "Released") {
      // Keep only the last ended call, for its final state and duration.
      for (const [id, entry] of this.calls) if (entry.released) this.calls.delete(id);
      this.calls.set(call.id, {call, since, released: true, lasted: Number(call.duration) || 0});
    } else {
      for (const [id, entry] of this.calls) if (entry.released) this.calls.delete(id);
      const known = this.calls.get(call.id);
      // The call's duration keeps counting from its start: keep the first estimate unless it drifted.
      const keep = known && !known.released && Math.abs(known.since - since) < 1500;
      this.calls.set(call.id, {call, since: keep ? known.since : since, released: false});
    }
  }
}

function sortDevices(devices) {
  return [...devices].sort((a, b) => String(a.phoneNumber).localeCompare(String(b.phoneNumber)) || String(a.id).localeCompare(String(b.id)));
}

function deviceUri(deviceId) {
  return new URL(`/api/v2/devices/${deviceId}`, window.location.href).href;
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = String(Math.floor((s % 3600) / 60)).padStart(hours ? 2 : 1, "0");
  const rest = String(s % 60).padStart(2, "0");
  return hours ? `${hours}:${minutes}:${rest}` : `${minutes}:${rest}`;
}

function words(value) {
  return String(value || "").replace(/([a-z])([A-Z])/g, "$1 $2");
}

// ---------------------------------------------------------------------------------------------
// Reading state
// ---------------------------------------------------------------------------------------------

function query() {
  const params = {roles: "ROLE_AGENT", subresources: "devices,statistics", limit: PAGE_SIZE};
  for (const name of ["statistics.channels.voice.state", "statistics.channels.voice.activity", "sortBy", "order"]) {
    const value = filters.elements.namedItem(name).value;
    if (value) params[name] = value;
  }
  return params;
}

function readUrl() {
  const params = new URLSearchParams(window.location.search);
  for (const name of ["statistics.channels.voice.state", "statistics.channels.voice.activity", "sortBy", "order"]) {
    if (params.has(name)) filters.elements.namedItem(name).value = params.get(name);
  }
}

function writeUrl() {
  const {roles, subresources, limit, ...shown} = query();
  window.history.replaceState(null, "", window.location.pathname + api.queryString(shown));
}

async function resync() {
  const me = await api.get("/me", {subresources: "devices,calls"});
  model.me = me.user;
  model.phone = sortDevices(me.user.devices || [])[0] || null;
  model.myCalls = new Map((me.user.calls || []).map((call) => [call.id, call]));
  const agents = new Map();
  let offset = 0;
  for (;;) {
    const page = await api.get("/users", {...query(), offset});
    for (const user of page.users || []) agents.set(user.id, new Agent(user));
    model.total = page.totalCount;
    offset += (page.users || []).length;
    if (!(page.users || []).length || offset >= page.totalCount) break;
  }
  // A reload keeps what messages taught about calls: GWS lists no one else's calls.
  for (const [id, agent] of agents) {
    const before = model.agents.get(id);
    if (before) agent.calls = before.calls;
  }
  model.agents = agents;
  render();
  return me.notificationSequence;
}

/** A user the board has not loaded (filtered out, or new): read it, show it if it belongs. */
async function fetchAgent(userId) {
  try {
    const body = await api.get(`/users/${userId}`, {subresources: "devices,statistics"});
    if (!(body.user.roles || []).includes("ROLE_AGENT")) {
      notAgents.add(userId);
      return null;
    }
    const agent = new Agent(body.user);
    model.agents.set(userId, agent);
    return agent;
  } catch (error) {
    return null;  // gone meanwhile: nothing to show
  }
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

const pending = new Map();  // user id -> the read of an unknown user in progress
const notAgents = new Set();  // users read once and found not to be agents (a supervisor monitoring)

async function agentFor(userId) {
  if (model.agents.has(userId)) return model.agents.get(userId);
  if (notAgents.has(userId)) return null;
  if (!pending.has(userId)) pending.set(userId, fetchAgent(userId).finally(() => pending.delete(userId)));
  return pending.get(userId);
}

async function onMessage(message) {
  const data = message.data || {};
  if (message.channel === BOARD) {
    // This message starts the read of a user the board has not loaded yet?
    const startsRead = !model.agents.has(data.userId) && !pending.has(data.userId);
    const agent = await agentFor(data.userId);
    if (!agent) return;
    // The read this message started shows the user's devices as they are now, this message's
    // change included. A message that came while the read was under way may be newer than what
    // it read (the read may have been answered first), so it applies, in order, once the read is
    // done. Calls only messages tell.
    if (!startsRead || data.messageType === "CallStateChangeMessage") apply(agent, data);
    renderAgent(agent);
    renderSummary();
  } else if (data.messageType === "DeviceStateChangeMessage") {
    const mine = (data.devices || []).find((device) => !model.phone || device.id === model.phone.id);
    if (mine) model.phone = mine;
    renderMonitor();
    model.agents.forEach(renderAgent);
  } else if (data.messageType === "CallStateChangeMessage" && data.call) {
    if (data.call.state === "Released") model.myCalls.delete(data.call.id);
    else model.myCalls.set(data.call.id, data.call);
    renderMonitor();
  }
}

function apply(agent, data) {
  if (data.messageType === "DeviceStateChangeMessage") agent.updateDevices(data.devices || []);
  else if (data.messageType === "CallStateChangeMessage" && data.call) agent.updateCall(data.call);
}

// ---------------------------------------------------------------------------------------------
// Supervisor operations
// ---------------------------------------------------------------------------------------------

async function operate(path, body, done) {
  clearError(monitorError);
  try {
    await api.post(path, body);
    notice(done);
    return true;
  } catch (error) {
    showError(monitorError, error);
    monitorError.focus();
    return false;
  }
}

function monitor(agent, operationName, label) {
  return operate(`/me/devices/${model.phone.id}`, {
    operationName,
    targetDeviceUri: deviceUri(agent.device.id),
    supervisorMonitoringScope: $("monitor-scope").value,
    supervisorMonitoringMode: $("monitor-mode").value,
  }, `${label}: ${agent.name}`);
}

$("cancel-monitoring").addEventListener("click", () => {
  operate(`/me/devices/${model.phone.id}`, {operationName: "CancelSupervisorMonitoring"}, "Monitoring stopped");
});

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

function capabilities() {
  return (model.phone && model.phone.capabilities) || [];
}

function monitored() {
  const state = model.phone && model.phone.supervisorMonitoringState;
  if (!state) return null;
  const targetId = api.idOf(state.targetDeviceUri);
  const agent = [...model.agents.values()].find((candidate) => candidate.devices.some((device) => device.id === targetId));
  return {state, targetId, agent};
}

function monitorReason() {
  if (!model.phone) return "You have no phone: an admin assigns you a device to monitor agents.";
  if (!capabilities().some((name) => name === "ListenIn" || name === "Coach" || name === "BargeIn")) {
    return `Your phone ${model.phone.phoneNumber} offers no monitoring: it needs the supervisor role and the contact center's api-supervisor-monitoring feature.`;
  }
  return null;
}

function renderMonitor() {
  const reason = monitorReason();
  const watching = monitored();
  let text;
  if (reason) text = reason;
  else if (watching) {
    const who = watching.agent ? `${watching.agent.name} (${watching.agent.device.phoneNumber})` : `device ${watching.targetId}`;
    const scope = watching.state.scope === "Agent" ? "this agent only" : "the whole call";
    const mode = watching.state.mode === "NextCall" ? "the next call" : "all calls";
    text = `${MONITOR_WORDS[watching.state.state] || words(watching.state.state)} ${who}: ${mode}, ${scope}. Your phone: ${model.phone.phoneNumber}.`;
  } else text = `Not monitoring anyone. Your phone: ${model.phone.phoneNumber}.`;
  $("monitor-state").textContent = text;
  $("cancel-monitoring").disabled = !capabilities().includes("CancelSupervisorMonitoring");
  // The supervisor's monitoring calls: those whose capabilities offer a switch of mode.
  const calls = [...model.myCalls.values()].filter((call) => call.state !== "Released"
    && (call.capabilities || []).some((name) => name === "SwitchToBargeIn" || name === "SwitchToListenIn"));
  fill($("monitored-calls"), calls.map((call) => el("div", {class: "monitored-call", dataset: {call: call.id}},
    el("p", {}, el("strong", {}, `Call with ${(call.participants || []).join(", ") || "…"}`), " ",
      el("span", {class: "badge"}, words(call.state)),
      call.monitoredUserMuted ? el("span", {class: "badge off"}, "Agent muted") : null),
    el("div", {class: "row-actions"}, CALL_CONTROLS.map(([operationName, label]) => el("button", {
      type: "button",
      class: "small",
      disabled: !offers(call, operationName),
      onclick: () => operate(`/me/calls/${call.id}`, {operationName}, label),
    }, label))))));
}

/** Whether a monitored call offers an operation. Mute/UnmuteMonitoredUser are in no capabilities
 * list (as in the API Reference's examples): they follow monitoredUserMuted on an established call. */
function offers(call, operationName) {
  if (operationName === "MuteMonitoredUser") return call.state === "Established" && !call.monitoredUserMuted;
  if (operationName === "UnmuteMonitoredUser") return call.state === "Established" && Boolean(call.monitoredUserMuted);
  return (call.capabilities || []).includes(operationName);
}

function callCell(agent) {
  const entries = [...agent.calls.values()];
  if (!entries.length) {
    return agent.activity === "OnCall" ? el("span", {class: "call-line"}, "On a call") : el("span", {class: "muted"}, "No call");
  }
  return entries.map((entry) => el("span", {class: `call-line${entry.released ? " ended" : ""}`},
    el("span", {class: `badge call-${String(entry.call.state).toLowerCase()}`}, words(entry.call.state)),
    (entry.call.participants || []).length ? ` ${entry.call.participants.join(", ")}` : ""));
}

function durationCell(agent) {
  const entries = [...agent.calls.values()];
  if (!entries.length) return agent.activity === "OnCall" ? "…" : "—";
  return entries.map((entry) => el("span", {class: "call-line duration", dataset: entry.released ? {lasted: entry.lasted} : {since: entry.since}},
    clock(entry.released ? entry.lasted : (Date.now() - entry.since) / 1000)));
}

function monitorCell(agent) {
  const offered = capabilities();
  const watching = monitored();
  const isTarget = watching && agent.devices.some((device) => device.id === watching.targetId);
  const ownPhone = model.phone && agent.devices.some((device) => device.id === model.phone.id);
  return el("div", {class: "row-actions"},
    isTarget ? el("span", {class: "badge ok"}, words(watching.state.state)) : null,
    MONITOR.map(([operationName, label]) => el("button", {
      type: "button",
      class: "small",
      "aria-label": `${label}: ${agent.name}`,
      disabled: !agent.device || ownPhone || !offered.includes(operationName),
      onclick: () => monitor(agent, operationName, label),
    }, label)));
}

function cells(agent) {
  const device = agent.device;
  const forward = device && device.forwardTo;
  return [
    el("span", {}, el("strong", {}, agent.name), el("br"), el("small", {class: "muted"}, agent.user.userName)),
    device ? device.phoneNumber : el("span", {class: "muted"}, "No phone"),
    el("span", {class: `badge state-${agent.state.toLowerCase()}`}, agent.stateName),
    device && device.doNotDisturb === "On" ? el("span", {class: "badge off"}, "On") : "Off",
    forward ? `To ${forward}` : "Off",
    callCell(agent),
    durationCell(agent),
    monitorCell(agent),
  ];
}

const FIELDS = ["agent", "phone", "state", "dnd", "forwarding", "call", "duration", "monitor"];

function row(agent) {
  return el("tr", {dataset: {user: agent.user.id}}, cells(agent).map((cell, index) => el("td", {"data-label": HEADERS[index], dataset: {field: FIELDS[index]}}, cell)));
}

function matches(agent) {
  const state = filters.elements.namedItem("statistics.channels.voice.state").value;
  const activity = filters.elements.namedItem("statistics.channels.voice.activity").value;
  return (!state || state.split(",").includes(agent.state)) && (!activity || activity === agent.activity);
}

function renderAgent(agent) {
  const body = document.querySelector("#board-table tbody");
  if (!body) {
    render();
    return;
  }
  const fresh = row(agent);
  fresh.hidden = !matches(agent);
  const old = body.querySelector(`tr[data-user="${CSS.escape(agent.user.id)}"]`);
  if (!old) {
    body.append(fresh);
    return;
  }
  // Keep keyboard focus on the same button when the row is redrawn.
  const focused = old.contains(document.activeElement) ? document.activeElement.getAttribute("aria-label") : null;
  old.replaceWith(fresh);
  if (focused) fresh.querySelector(`[aria-label="${CSS.escape(focused)}"]`)?.focus();
}

function renderSummary() {
  const agents = [...model.agents.values()].filter(matches);
  const onCall = agents.filter((agent) => agent.activity === "OnCall").length;
  const ready = agents.filter((agent) => agent.state === "Ready").length;
  $("board-summary").textContent = `${agents.length} agent${agents.length === 1 ? "" : "s"}: ${ready} ready, ${onCall} on a call.`;
}

function render() {
  renderMonitor();
  const agents = [...model.agents.values()];
  if (!agents.length) {
    fill($("board"), el("p", {class: "muted"}, "No agent matches."));
  } else {
    fill($("board"), el("div", {class: "table-wrap"},
      el("table", {class: "stack", id: "board-table"},
        el("caption", {class: "visually-hidden"}, "Agents, updated live"),
        el("thead", {}, el("tr", {}, HEADERS.map((header) => el("th", {scope: "col"}, header)))),
        el("tbody", {}, agents.map((agent) => {
          const tr = row(agent);
          tr.hidden = !matches(agent);
          return tr;
        })))));
  }
  renderSummary();
}

function tick() {
  const now = Date.now();
  document.querySelectorAll("#board [data-since]").forEach((node) => {
    const text = clock((now - Number(node.dataset.since)) / 1000);
    if (node.textContent !== text) node.textContent = text;
  });
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

readUrl();
filters.addEventListener("submit", async (event) => {
  event.preventDefault();
  writeUrl();
  clearError(pageError);
  try {
    await resync();
  } catch (error) {
    showError(pageError, error);
  }
});

const live = connect({
  channels: [BOARD, "/v2/me/devices", "/v2/me/calls"],
  resync,
  onMessage: (message) => onMessage(message).catch((error) => showError(pageError, error)),
  onStatus(status) {
    const [text, tone] = LIVE_STATUS[status] || [status, ""];
    const badge = $("live-status");
    badge.textContent = text;
    badge.className = `badge ${tone}`.trim();
  },
});
live.ready.catch((error) => showError(pageError, error));
// Four times a second, so that a duration turns within a quarter second of its true second.
window.setInterval(tick, 250);
window.addEventListener("pagehide", () => live.close());
