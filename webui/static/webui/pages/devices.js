// Devices: list (offset/limit), create, assign to a user by user name, unassign, delete.
import * as api from "../api.js";
import {act, el, fill, onSubmit, table, value} from "../ui.js";

const LIMIT = 50;
const area = document.getElementById("device-area");
const alert = area.querySelector("[role=alert]");
const pageInfo = document.getElementById("page-info");
const prev = document.getElementById("prev-page");
const next = document.getElementById("next-page");
let offset = 0;

/** The user with this exact user name (the API filters users by exact userName). */
async function userNamed(userName) {
  const body = await api.get("/users", {userName, fields: "id,userName"});
  const found = (body.users || [])[0];
  if (!found) throw new Error(`There is no user named ${userName}.`);
  return found;
}

async function load() {
  const [page, users, free] = await Promise.all([
    api.get("/devices", {fields: "*", sortBy: "phoneNumber", offset, limit: LIMIT}),
    api.get("/users", {fields: "id,userName"}),
    api.get("/devices", {fields: "id,phoneNumber,userUri", sortBy: "phoneNumber"}),
  ]);
  const names = new Map((users.users || []).map((user) => [user.id, user.userName]));
  const rows = (page.devices || []).map((device) => {
    const owner = device.userUri ? api.idOf(device.userUri) : null;
    return [
      device.phoneNumber,
      device.e164Number || "",
      device.telephonyNetwork,
      device.deviceState,
      owner ? el("a", {href: `/console/users/${encodeURIComponent(owner)}`}, names.get(owner) || owner) : "—",
      el("span", {class: "row-actions"},
        owner && el("button", {type: "button", class: "small", "aria-label": `Unassign ${device.phoneNumber}`,
          onclick: () => run(() => api.del(`/users/${encodeURIComponent(owner)}/devices/${encodeURIComponent(device.id)}`), `Device ${device.phoneNumber} unassigned.`)}, "Unassign"),
        el("button", {type: "button", class: "small danger", "aria-label": `Delete ${device.phoneNumber}`,
          onclick: () => window.confirm(`Delete device ${device.phoneNumber}?`) &&
            run(() => api.del(`/devices/${encodeURIComponent(device.id)}`), `Device ${device.phoneNumber} deleted.`)}, "Delete")),
    ];
  });
  fill(document.getElementById("device-list"),
    table("Devices", ["Number", "E.164", "Network", "State", "User", "Actions"], rows, {empty: "No device yet."}));
  const total = page.totalCount;
  pageInfo.textContent = `${rows.length ? offset + 1 : 0}–${offset + rows.length} of ${total}`;
  prev.disabled = offset === 0;
  next.disabled = offset + LIMIT >= total;
  fill(document.getElementById("as-device"), el("option", {value: ""}, "Choose a device"),
    (free.devices || []).filter((device) => !device.userUri).map((device) => el("option", {value: device.id}, device.phoneNumber)));
}

function run(action, done) {
  return act(alert, async () => { await action(); await load(); }, done);
}

onSubmit(document.getElementById("new-device-form"), async (form) => {
  const body = {phoneNumber: value(form, "phoneNumber")};
  for (const name of ["telephonyNetwork", "model", "vendor"]) if (value(form, name)) body[name] = value(form, name);
  const userName = value(form, "userName");
  if (userName) {
    // The hybrid operation: create and assign in one request.
    const user = await userNamed(userName);
    await api.post(`/users/${encodeURIComponent(user.id)}/devices`, body);
  } else {
    await api.post("/devices", body);
  }
  await load();
  return `Device ${body.phoneNumber} created${userName ? ` and assigned to ${userName}` : ""}.`;
}, {reset: true});

onSubmit(document.getElementById("assign-form"), async (form) => {
  const select = form.elements.namedItem("device");
  const label = select.selectedOptions[0]?.textContent;
  const user = await userNamed(value(form, "userName"));
  await api.post(`/users/${encodeURIComponent(user.id)}/devices`, {id: select.value});
  await load();
  return `Device ${label} assigned to ${user.userName}.`;
}, {reset: true});

prev.addEventListener("click", () => { offset = Math.max(0, offset - LIMIT); act(alert, load); });
next.addEventListener("click", () => { offset += LIMIT; act(alert, load); });
act(alert, load);
