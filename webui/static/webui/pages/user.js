// One user: profile, enable/disable, password reset, delete, devices and skills with levels.
// Everything through /users/{id}, /users/{id}/devices, /users/{id}/skills, /devices and /skills.
import * as api from "../api.js";
import {act, el, fill, notice, onSubmit, showError, table, value} from "../ui.js";

const userId = document.getElementById("main").dataset.userId;
const base = `/users/${encodeURIComponent(userId)}`;
const profile = document.getElementById("profile-form");
const toggle = document.getElementById("toggle-enabled");
const deleteButton = document.getElementById("delete-user");
const statusArea = document.getElementById("status-area");
const deviceArea = document.getElementById("device-area");
const skillArea = document.getElementById("skill-area");
const alertOf = (area) => area.querySelector("[role=alert]");
let user = null;

async function loadUser() {
  const body = await api.get(base, {fields: "*"});
  user = body.user;
  document.getElementById("user-title").textContent = user.userName;
  document.title = `${user.userName} · GWS`;
  const badge = document.getElementById("user-status");
  badge.textContent = user.enabled ? "Enabled" : "Disabled";
  badge.className = user.enabled ? "badge ok" : "badge off";
  for (const name of ["userName", "firstName", "lastName"]) profile.elements.namedItem(name).value = user[name] || "";
  for (const box of profile.querySelectorAll("input[name=roles]")) box.checked = user.roles.includes(box.value);
  profile.elements.namedItem("changePasswordOnFirstLogin").checked = Boolean(user.changePasswordOnFirstLogin);
  document.getElementById("status-text").textContent = user.enabled
    ? "This user can log in."
    : "This user is disabled and cannot log in.";
  toggle.textContent = user.enabled ? "Disable user" : "Enable user";
  // Both act on the user read here: they wait for it (a click before it came did nothing).
  toggle.disabled = false;
  deleteButton.disabled = false;
}

// --- devices ---------------------------------------------------------------------------------

async function loadDevices() {
  const [mine, all] = await Promise.all([
    api.get(`${base}/devices`, {fields: "*"}),
    api.get("/devices", {fields: "*", sortBy: "phoneNumber"}),
  ]);
  const rows = (mine.devices || []).map((device) => [
    device.phoneNumber,
    device.telephonyNetwork,
    device.deviceState,
    el("button", {type: "button", class: "small", "aria-label": `Unassign ${device.phoneNumber}`, onclick: () => unassignDevice(device)}, "Unassign"),
  ]);
  fill(document.getElementById("device-list"),
    table("Assigned devices", ["Number", "Network", "State", "Action"], rows, {empty: "No device is assigned."}));
  const select = document.getElementById("ad-device");
  fill(select, el("option", {value: ""}, "Choose a device"),
    (all.devices || []).filter((device) => !device.userUri).map((device) => el("option", {value: device.id}, device.phoneNumber)));
}

function unassignDevice(device) {
  act(alertOf(deviceArea), async () => {
    await api.del(`${base}/devices/${encodeURIComponent(device.id)}`);
    await loadDevices();
    return `Device ${device.phoneNumber} unassigned.`;
  });
}

onSubmit(document.getElementById("new-device-form"), async (form) => {
  const body = {phoneNumber: value(form, "phoneNumber")};
  if (value(form, "telephonyNetwork")) body.telephonyNetwork = value(form, "telephonyNetwork");
  await api.post(`${base}/devices`, body);
  await loadDevices();
  return `Device ${body.phoneNumber} created and assigned.`;
}, {reset: true});

onSubmit(document.getElementById("assign-device-form"), async (form) => {
  const select = form.elements.namedItem("device");
  const label = select.selectedOptions[0]?.textContent;
  await api.post(`${base}/devices`, {id: select.value});
  await loadDevices();
  return `Device ${label} assigned.`;
});

// --- skills ----------------------------------------------------------------------------------

async function loadSkills() {
  const [mine, all] = await Promise.all([
    api.get(`${base}/skills`, {fields: "*", sortBy: "name"}),
    api.get("/skills", {fields: "*", sortBy: "name"}),
  ]);
  const assigned = new Set((mine.skills || []).map((skill) => skill.id));
  const rows = (mine.skills || []).map((skill) => {
    const level = el("input", {type: "number", min: "0", max: "100", value: String(skill.level), class: "level",
      "aria-label": `Level of ${skill.name}`});
    return [
      skill.name,
      level,
      el("span", {class: "row-actions"},
        el("button", {type: "button", class: "small", "aria-label": `Save level of ${skill.name}`, onclick: () => setLevel(skill, level)}, "Save level"),
        el("button", {type: "button", class: "small secondary", "aria-label": `Unassign ${skill.name}`, onclick: () => unassignSkill(skill)}, "Unassign")),
    ];
  });
  fill(document.getElementById("skill-list"), table("Assigned skills", ["Skill", "Level", "Actions"], rows, {empty: "No skill is assigned."}));
  fill(document.getElementById("as-skill"), el("option", {value: ""}, "Choose a skill"),
    (all.skills || []).filter((skill) => !assigned.has(skill.id)).map((skill) => el("option", {value: skill.id}, skill.name)));
}

function setLevel(skill, input) {
  act(alertOf(skillArea), async () => {
    // The number goes as typed; the API says what is wrong with it (range, not a number).
    const level = input.value.trim() === "" ? null : Number(input.value);
    await api.put(`${base}/skills/${encodeURIComponent(skill.id)}`, {level});
    await loadSkills();
    return `Level of ${skill.name} set to ${level}.`;
  });
}

function unassignSkill(skill) {
  act(alertOf(skillArea), async () => {
    await api.del(`${base}/skills/${encodeURIComponent(skill.id)}`);
    await loadSkills();
    return `Skill ${skill.name} unassigned.`;
  });
}

onSubmit(document.getElementById("assign-skill-form"), async (form) => {
  const select = form.elements.namedItem("skill");
  const name = select.selectedOptions[0]?.textContent;
  await api.post(`${base}/skills`, {id: select.value, level: Number(value(form, "level"))});
  await loadSkills();
  return `Skill ${name} assigned.`;
});

// --- profile, access ---------------------------------------------------------------------------

onSubmit(profile, async (form) => {
  await api.put(base, {
    firstName: value(form, "firstName"),
    lastName: value(form, "lastName"),
    roles: [...form.querySelectorAll("input[name=roles]:checked")].map((box) => box.value),
    changePasswordOnFirstLogin: form.elements.namedItem("changePasswordOnFirstLogin").checked,
  });
  await loadUser();
  return "Profile saved.";
});

toggle.addEventListener("click", () => {
  const enabled = !user.enabled;
  act(alertOf(statusArea), async () => {
    await api.put(base, {enabled});
    await loadUser();
    return enabled ? "User enabled." : "User disabled.";
  });
});

onSubmit(document.getElementById("password-form"), async (form) => {
  await api.put(base, {
    password: form.elements.namedItem("password").value,
    changePasswordOnFirstLogin: form.elements.namedItem("changePasswordOnFirstLogin").checked,
  });
  await loadUser();
  return "Password reset.";
}, {reset: true});

deleteButton.addEventListener("click", () => {
  if (!window.confirm(`Delete ${user.userName}? Their devices stay, unassigned.`)) return;
  act(alertOf(document.getElementById("delete-area")), async () => {
    await api.del(base);
    window.location.assign("/console/users");
  });
});

Promise.all([loadUser(), loadDevices(), loadSkills()])
  .then(() => {
    if (new URLSearchParams(window.location.search).has("created")) notice("User created. Add devices and skills below.");
  })
  .catch((error) => showError(document.getElementById("load-error"), error));
