// The agent softphone: a client of the public Voice API and of CometD, nothing else.
//
// State comes from GET /me?subresources=* (devices with their userState, active calls: the
// "Recovering Existing State" request) after every CometD handshake, then from the
// notifications on /v2/me/* (live/cometd.js drops those the state read already reflects) and
// the Voice service's state changes on /notifications/services.
// Buttons send the Voice API operations: POST /me (sessions), /me/channels/voice (agent
// states, the operations of /me/settings/agent-states), /me/devices/{id}/calls (Dial) and
// /me/calls/{id} (everything done to a call). A call button is enabled when the call's
// `capabilities` list its operation; SetCallDisposition is in no capabilities list (see
// docs/decisions.md) and is offered on every call, ended ones included.
import * as api from "../api.js";
import {connect} from "../live/cometd.js";
import {clearError, el, errorArea, fill, notice, showError} from "../ui.js";

// Operations on a call, in the order their buttons appear: [operationName, label, class].
const CONTROLS = [
  ["Answer", "Answer", "primary"],
  ["Reject", "Reject"],
  ["Hold", "Hold"],
  ["Retrieve", "Retrieve"],
  ["MuteCall", "Mute"],
  ["UnmuteCall", "Unmute"],
  ["CompleteTransfer", "Complete transfer", "primary"],
  ["CompleteConference", "Complete conference", "primary"],
  ["Hangup", "Hang up", "danger"],
];
// Operations that take a destination number.
const TO_NUMBER = [
  ["SingleStepTransfer", "Transfer"],
  ["InitiateTransfer", "Consult transfer"],
  ["SingleStepConference", "Conference"],
  ["InitiateConference", "Consult conference"],
];
const LIVE_STATUS = {connecting: ["Connecting…", ""], connected: ["Live", "ok"], reconnecting: ["Reconnecting…", "off"], disconnected: ["Not connected", "off"]};

const $ = (id) => document.getElementById(id);
const pageError = $("page-error");

const model = {
  devices: [],
  operations: [],           // agent-state operations
  calls: new Map(),         // active calls by id (the user's party of each)
  ended: new Map(),         // released calls seen on this page, by id
  dispositions: [],         // [{label: "Group › Sub-group", dispositions: [{name, displayName}]}]
};
const views = new Map();    // call id -> CallView
let live = null;

// ---------------------------------------------------------------------------------------------
// Reading state
// ---------------------------------------------------------------------------------------------

async function resync() {
  const body = await api.get("/me", {subresources: "*"});
  model.devices = body.user.devices || [];
  model.calls = new Map((body.user.calls || []).map((call) => [call.id, call]));
  for (const id of model.calls.keys()) model.ended.delete(id);
  render();
  return body.notificationSequence;
}

function onMessage({data}) {
  if (data.messageType === "CallStateChangeMessage") {
    const call = data.call;
    if (call.state === "Released") {
      const before = model.calls.get(call.id) || (model.ended.get(call.id) || {}).call;
      model.calls.delete(call.id);
      model.ended.set(call.id, {...(model.ended.get(call.id) || {}), call: {...before, ...call}});
    } else {
      model.ended.delete(call.id);
      model.calls.set(call.id, call);
    }
    renderCalls();
  } else if (data.messageType === "DeviceStateChangeMessage") {
    for (const device of data.devices || []) {
      const index = model.devices.findIndex((known) => known.id === device.id);
      if (index >= 0) model.devices[index] = {...model.devices[index], ...device};
    }
    renderAgent();
  } else if (data.messageType === "ErrorMessage") {
    const view = data.callUri ? views.get(api.idOf(data.callUri)) : null;
    const error = new Error(`The switch refused: ${data.errorMessage || "an error without description"}`);
    showError(view ? view.error : pageError, error);
  } else if (data.messageType === "ServiceStateChangeMessage" && data.service && data.service.type === "Voice") {
    if (data.service.state === "Active") clearError(pageError);
    else showError(pageError, new Error(`The Voice service is ${data.service.state}: calls and states cannot change now.`));
  }
}

/** Disposition groups of the tree, flattened into labelled lists (the default group first). */
function flatten(groups, path = []) {
  const found = [];
  for (const group of groups) {
    const here = [...path, group.name];
    if ((group.dispositions || []).length) found.push({label: here.join(" › "), dispositions: group.dispositions});
    found.push(...flatten(group.groups || [], here));
  }
  return found;
}

async function loadDispositions() {
  const body = await api.get("/groups", {contains: "dispositions", subresources: "**", fields: "*"});
  const groups = [...(body.groups || [])].sort((a, b) => Number(Boolean(b.defaultGroup)) - Number(Boolean(a.defaultGroup)));
  model.dispositions = flatten(groups);
}

async function loadOperations() {
  const body = await api.get("/me/settings/agent-states");
  model.operations = body.settings || [];
  stateButtons();
}

// ---------------------------------------------------------------------------------------------
// The agent: session and state
// ---------------------------------------------------------------------------------------------

const loggedIn = () => model.devices.some((device) => device.userState && device.userState.state !== "LoggedOut");
const firstDevice = () => model.devices[0];

function stateWords(userState) {
  if (!userState || userState.state === "LoggedOut") return "Logged out";
  return userState.displayName || [userState.state, userState.workMode].filter(Boolean).join(" / ");
}

function renderAgent() {
  const device = firstDevice();
  $("device-number").textContent = device ? model.devices.map((d) => d.phoneNumber).join(", ") : "none";
  const userState = device && device.userState;
  $("agent-state").textContent = device ? stateWords(userState) : "No phone assigned";
  $("agent-state").className = `badge ${userState && userState.state === "Ready" ? "ok" : ""}`;
  $("start-session").disabled = !device || loggedIn();
  $("end-session").disabled = !device || !loggedIn();
  // Updated in place, not rebuilt: the button just pressed keeps the focus.
  for (const button of $("state-buttons").children) {
    button.setAttribute("aria-pressed", String(Boolean(userState && userState.id && userState.id === button.dataset.id)));
    button.disabled = !device;
  }
  $("dial-button").disabled = !device;
}

function stateButtons() {
  fill($("state-buttons"), model.operations.map((operation) => el("button", {
    type: "button",
    "aria-pressed": "false",
    dataset: {id: operation.id},
    onclick: () => run(pageError, () => api.post("/me/channels/voice", {operationName: operation.operationName})),
  }, operation.displayName || operation.operationName)));
}

/** Run an API request from a control; a failure goes to `area` in the API's words. */
async function run(area, action, done) {
  clearError(area);
  try {
    await action();
    if (done) notice(done);
    return true;
  } catch (error) {
    showError(area, error);
    return false;
  }
}

$("start-session").addEventListener("click", () => run(pageError,
  () => api.post("/me", {operationName: "StartContactCenterSession", channels: ["voice"]}), "Session started."));

$("end-session").addEventListener("click", async () => {
  const ended = await run(pageError, () => api.post("/me", {operationName: "EndContactCenterSession"}));
  if (ended) {
    // The server ended the HTTP session too: sign in again for a new one.
    live.close();
    window.location.assign("/login");
  }
});

// ---------------------------------------------------------------------------------------------
// Dial pad
// ---------------------------------------------------------------------------------------------

const dialForm = $("dial-form");
const dialNumber = $("dial-number");

dialForm.querySelectorAll("[data-key]").forEach((key) => key.addEventListener("click", () => {
  dialNumber.value += key.dataset.key;
}));
$("clear-number").addEventListener("click", () => { dialNumber.value = ""; dialNumber.focus(); });

dialForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const number = dialNumber.value.trim();
  run(errorArea(dialForm), () => api.post(`/me/devices/${firstDevice().id}/calls`, {operationName: "Dial", destination: {phoneNumber: number}}), `Calling ${number}…`)
    .then((ok) => { if (ok) dialNumber.value = ""; });
});

/** The call DTMF digits go to: the first one offering SendDtmf. */
const dtmfCall = () => [...model.calls.values()].find((call) => (call.capabilities || []).includes("SendDtmf"));

$("dtmf-button").addEventListener("click", () => {
  const call = dtmfCall();
  const digits = dialNumber.value.replace(/\s+/g, "");
  const area = errorArea(dialForm);
  if (!digits) {
    showError(area, new Error("Type the digits to send first."));
    return;
  }
  run(area, () => api.post(`/me/calls/${call.id}`, {operationName: "SendDtmf", digits}), `Sent ${digits}.`)
    .then((ok) => { if (ok) dialNumber.value = ""; });
});

// ---------------------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------------------

function dataList(entries, label) {
  if (!entries || !entries.length) return null;
  return el("dl", {class: "call-data", "aria-label": label},
    entries.map((entry) => [el("dt", {}, entry.displayName || entry.key), el("dd", {}, String(entry.value))]));
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const rest = `${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  return hours ? `${hours}:${rest}` : rest;
}

const otherParty = (call) => (call.participants || []).join(", ") || call.dnis || "unknown";

/** One call on the page: built once, updated in place (so focus and typed text survive). */
class CallView {
  constructor(id) {
    this.id = id;
    this.title = el("h3", {id: `call-${id}-title`, tabindex: "-1"});
    this.badge = el("span", {class: "badge"});
    this.meta = el("span", {class: "muted call-meta"});
    this.duration = el("span", {class: "duration", "aria-label": "Duration"});
    this.data = el("div", {class: "call-data-area"});
    this.buttons = new Map(CONTROLS.map(([operation, label, kind]) => [operation, el("button", {
      type: "button", class: kind || "", onclick: () => this.operate({operationName: operation}),
    }, label)]));
    this.number = el("input", {id: `call-${id}-to`, inputmode: "tel", autocomplete: "off"});
    this.toButtons = new Map(TO_NUMBER.map(([operation, label]) => [operation, el("button", {
      type: "button", onclick: () => this.toNumber(operation),
    }, label)]));
    this.disposition = el("select", {id: `call-${id}-disposition`});
    this.dispositionNote = el("p", {class: "muted disposition-note"});
    this.dismiss = el("button", {type: "button", class: "secondary", onclick: () => this.remove()}, "Dismiss");
    this.node = el("article", {class: "call", "aria-labelledby": this.title.id, dataset: {callId: id}},
      el("header", {class: "call-head"}, this.title, this.badge, this.meta, this.duration),
      this.data,
      el("div", {class: "actions call-controls", role: "group", "aria-label": "Call controls"}, [...this.buttons.values()]),
      el("div", {class: "to-number"},
        el("label", {for: this.number.id}, "Transfer or conference to"),
        this.number,
        el("div", {class: "actions", role: "group", "aria-label": "Transfer and conference"}, [...this.toButtons.values()])),
      el("div", {class: "disposition"},
        el("label", {for: this.disposition.id}, "Disposition"),
        this.disposition,
        el("button", {type: "button", onclick: () => this.setDisposition()}, "Set disposition"),
        this.dismiss),
      this.dispositionNote);
    this.error = errorArea(this.node);
    this.node.querySelector(".call-head").after(this.error);
    this.fillDispositions();
  }

  fillDispositions() {
    const options = model.dispositions.map((group) => el("optgroup", {label: group.label},
      group.dispositions.map((item) => el("option", {value: item.name}, item.displayName || item.name))));
    fill(this.disposition, el("option", {value: ""}, "Choose…"), options);
    this.disposition.closest(".disposition")?.toggleAttribute("hidden", !model.dispositions.length);
  }

  update(call, ended) {
    this.call = call;
    this.ended = ended;
    const capabilities = new Set(ended ? [] : call.capabilities || []);
    this.title.textContent = `${call.state === "Ringing" ? "Call from" : "Call with"} ${otherParty(call)}`;
    this.badge.textContent = call.state;
    this.badge.className = `badge state-${String(call.state).toLowerCase()}`;
    this.meta.textContent = [call.callType, call.mute === "On" ? "muted" : ""].filter(Boolean).join(" · ");
    if (!ended && call.duration !== undefined) this.since = Date.now() - Number(call.duration) * 1000;
    this.tick();
    const userData = call.userData && Object.keys(call.userData).length ? call.userData : null;
    fill(this.data,
      dataList(call.case, "Case data") || dataList(call.toast, "Toast data"),
      userData && el("details", {class: "user-data"}, el("summary", {}, "All attached data"),
        dataList(Object.entries(userData).map(([key, value]) => ({key, value})), "Attached data")));
    for (const [operation, button] of this.buttons) button.disabled = !capabilities.has(operation);
    for (const [operation, button] of this.toButtons) button.disabled = !capabilities.has(operation);
    this.node.querySelector(".to-number").hidden = ended;
    this.node.querySelector(".call-controls").hidden = ended;
    this.dismiss.hidden = !ended;
    this.node.classList.toggle("ended", ended);
  }

  tick() {
    if (this.since !== undefined) this.duration.textContent = clock((Date.now() - this.since) / 1000);
    if (this.ended) this.since = undefined;
  }

  operate(body) {
    return run(this.error, () => api.post(`/me/calls/${this.id}`, body));
  }

  toNumber(operationName) {
    const number = this.number.value.trim();
    if (!number) {
      showError(this.error, new Error("Type the number to transfer or conference to first."));
      this.number.focus();
      return;
    }
    this.operate({operationName, destination: {phoneNumber: number}}).then((ok) => { if (ok) this.number.value = ""; });
  }

  async setDisposition() {
    const name = this.disposition.value;
    if (!name) {
      showError(this.error, new Error("Choose a disposition first."));
      this.disposition.focus();
      return;
    }
    const label = this.disposition.selectedOptions[0].textContent;
    const body = {operationName: "SetCallDisposition", disposition: name};
    if (this.call.callUuid) body.callUuid = this.call.callUuid;
    if (await this.operate(body)) {
      this.dispositionNote.textContent = `Disposition set: ${label}.`;
      notice(`Disposition set: ${label}.`);
    }
  }

  remove() {
    model.ended.delete(this.id);
    renderCalls();
    $("calls-heading").focus?.();
  }
}

/** The incoming-call toast of a ringing call: built once, updated in place like a CallView. */
class Toast {
  constructor(id) {
    this.title = el("h2", {id: `toast-${id}`});
    this.data = el("div");
    this.answer = el("button", {type: "button", class: "primary", onclick: () => views.get(id).operate({operationName: "Answer"})}, "Answer");
    this.reject = el("button", {type: "button", onclick: () => views.get(id).operate({operationName: "Reject"})}, "Reject");
    this.node = el("section", {class: "toast", "aria-labelledby": this.title.id, dataset: {callId: id}},
      this.title, this.data, el("div", {class: "actions"}, this.answer, this.reject));
  }

  update(call) {
    const capabilities = call.capabilities || [];
    this.title.textContent = `Incoming call from ${otherParty(call)}`;
    fill(this.data, dataList(call.toast, "Toast data") || el("p", {class: "muted"}, call.callType || ""));
    this.answer.disabled = !capabilities.includes("Answer");
    this.reject.disabled = !capabilities.includes("Reject");
  }
}
const toasts = new Map();   // call id -> Toast, for ringing calls

/** Put exactly `nodes` in `container`, in order, moving only what is out of place (a node that
 * stays where it is keeps the focus). */
function place(container, nodes) {
  nodes.forEach((node, index) => {
    if (container.children[index] !== node) container.insertBefore(node, container.children[index] || null);
  });
  while (container.children.length > nodes.length) container.lastElementChild.remove();
}

const noCall = el("p", {class: "muted"}, "No call.");

function renderCalls() {
  const shown = [...[...model.calls.values()].map((call) => [call, false]), ...[...model.ended.values()].map(({call}) => [call, true])];
  const focusedCall = document.activeElement && document.activeElement.closest("[data-call-id]");
  const focusedId = focusedCall && focusedCall.dataset.callId;
  for (const [id, view] of views) {
    if (!model.calls.has(id) && !model.ended.has(id)) views.delete(id);
  }
  for (const [call, ended] of shown) {
    if (!views.has(call.id)) views.set(call.id, new CallView(call.id));
    views.get(call.id).update(call, ended);
  }
  const ringing = [...model.calls.values()].filter((call) => call.state === "Ringing");
  for (const id of toasts.keys()) {
    if (!ringing.some((call) => call.id === id)) toasts.delete(id);
  }
  for (const call of ringing) {
    if (!toasts.has(call.id)) toasts.set(call.id, new Toast(call.id));
    toasts.get(call.id).update(call);
  }
  const active = [...model.calls.keys()].map((id) => views.get(id).node);
  place($("calls"), active.length ? active : [noCall]);
  place($("ended"), [...model.ended.keys()].map((id) => views.get(id).node));
  $("ended-section").hidden = model.ended.size === 0;
  place($("toast-area"), [...toasts.values()].map((item) => item.node));
  $("dtmf-button").disabled = !dtmfCall();
  // A control that went away (with its toast, or a call that ended) leaves the focus on the
  // call's card rather than nowhere.
  const focusLost = !document.activeElement || document.activeElement === document.body;
  if (focusedId && focusLost && views.has(focusedId)) views.get(focusedId).title.focus();
}

function render() {
  renderAgent();
  renderCalls();
}

window.setInterval(() => views.forEach((view) => view.tick()), 1000);

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

function showLive(status) {
  const [text, kind] = LIVE_STATUS[status] || [status, ""];
  $("live-status").textContent = text;
  $("live-status").className = `badge ${kind}`;
}

async function start() {
  try {
    await Promise.all([loadOperations(), loadDispositions()]);
  } catch (error) {
    showError(pageError, error);
  }
  live = connect({channels: ["/v2/me/*", "/notifications/services"], resync, onMessage, onStatus: showLive});
  try {
    await live.ready;
    document.body.dataset.ready = "true";
  } catch (error) {
    showError(pageError, error);
  }
}

start();
