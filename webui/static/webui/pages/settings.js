// Settings groups: list them (/settings), show one (/settings/{group}), create, update and delete
// its settings as JSON (JSON.parse before anything is sent), create and delete custom groups.
import * as api from "../api.js";
import {act, el, errorArea, fill, onSubmit, parseJson, value} from "../ui.js";

const SYSTEM = new Set(["voice", "voice-operations", "agent-states", "access-control", "general-settings", "dispositions"]);
// Groups with a page of their own, where they are easier to edit.
const OWN_PAGES = {"agent-states": "/console/agent-states", "access-control": "/console/cors", dispositions: "/console/dispositions"};
const groupList = document.getElementById("group-list");
const groupAlert = document.querySelector("#group-area [role=alert]");
const heading = document.getElementById("group-heading");
const content = document.getElementById("group-content");
let current = null;

const groupName = (entry) => entry.name || api.idOf(entry.uri);
const pretty = (data) => JSON.stringify(data, null, 2);

async function loadGroups() {
  const body = await api.get("/settings");
  fill(groupList, (body.settings || []).map((entry) => {
    const name = groupName(entry);
    return el("li", {}, el("button", {type: "button", class: "group-button", "aria-current": name === current ? "true" : null,
      onclick: () => { show(name); }}, entry.displayName, el("small", {}, name)));
  }));
}

function settingEditor(name, key, setting) {
  const id = `setting-${String(setting[key]).replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const form = el("form", {class: "setting"},
    el("label", {for: id}, el("code", {}, String(setting[key]))),
    el("textarea", {id, name: "json", rows: String(Math.min(12, pretty(setting).split("\n").length + 1)), spellcheck: "false"}, pretty(setting)),
    el("div", {class: "actions"},
      el("button", {type: "submit", class: "small"}, "Save"),
      el("button", {type: "button", class: "small danger", "aria-label": `Delete ${setting[key]}`, onclick: async () => {
        if (!window.confirm(`Delete setting ${setting[key]}?`)) return;
        await act(errorArea(form), async () => { await api.del(`/settings/${name}`, {[key]: setting[key]}); await show(name); }, "Setting deleted.");
      }}, "Delete")));
  onSubmit(form, async () => {
    const data = parseJson(form.elements.namedItem("json").value, `Setting ${setting[key]}`);
    await api.put(`/settings/${name}`, data);
    await show(name);
    return `Setting ${setting[key]} saved.`;
  });
  return form;
}

async function show(name) {
  current = name;
  for (const button of groupList.querySelectorAll("button")) {
    button.toggleAttribute("aria-current", button.querySelector("small").textContent === name);
  }
  const url = new URL(window.location.href);
  url.searchParams.set("group", name);
  window.history.replaceState(null, "", url);
  heading.textContent = name;
  const body = await api.get(`/settings/${encodeURIComponent(name)}`).catch((error) => ({error}));
  if (body.error) {
    fill(content, el("p", {class: "error", role: "alert"}, body.error.message));
    return;
  }
  const parts = [];
  if (OWN_PAGES[name]) parts.push(el("p", {}, "This group has its own page: ", el("a", {href: OWN_PAGES[name]}, "open it"), "."));
  if (!body.key) {
    // general-settings: computed from the contact center, read-only.
    parts.push(el("pre", {class: "json"}, pretty(body.settings)), el("p", {class: "muted"}, "These settings are read-only."));
    fill(content, parts);
    return;
  }
  parts.push(el("p", {class: "muted"}, "Settings are identified by their ", el("code", {}, body.key), " property."));
  const settings = Array.isArray(body.settings) ? body.settings : [];
  parts.push(settings.length ? settings.map((setting) => settingEditor(name, body.key, setting)) : el("p", {class: "muted"}, "No setting yet."));
  const add = el("form", {class: "setting new-setting"},
    el("label", {for: "new-setting-json"}, "New setting (JSON)"),
    el("textarea", {id: "new-setting-json", name: "json", rows: "5", spellcheck: "false"}, pretty({[body.key]: "", value: ""})),
    el("div", {class: "actions"}, el("button", {type: "submit"}, "Add setting")));
  onSubmit(add, async () => {
    const data = parseJson(add.elements.namedItem("json").value, "The new setting");
    await api.post(`/settings/${name}`, data);
    await show(name);
    return "Setting added.";
  });
  parts.push(add);
  if (!SYSTEM.has(name)) {
    const area = el("div", {class: "danger-zone"});
    area.append(el("button", {type: "button", class: "danger", onclick: async () => {
      if (!window.confirm(`Delete the group ${name} and all its settings?`)) return;
      const ok = await act(errorArea(area), async () => { await api.del(`/settings/${name}`); }, `Group ${name} deleted.`);
      if (ok) { current = null; fill(content); heading.textContent = "Choose a group"; await loadGroups(); }
    }}, "Delete this group"));
    parts.push(area);
  }
  fill(content, parts);
}

onSubmit(document.getElementById("new-group-form"), async (form) => {
  const body = {name: value(form, "name")};
  if (value(form, "displayName")) body.displayName = value(form, "displayName");
  if (value(form, "key")) body.key = value(form, "key");
  await api.post("/settings", body);
  await loadGroups();
  await show(body.name);
  return `Group ${body.name} created.`;
}, {reset: true});

act(groupAlert, async () => {
  await loadGroups();
  const wanted = new URLSearchParams(window.location.search).get("group");
  if (wanted) await show(wanted);
});
