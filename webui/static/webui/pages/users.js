// Users: search by one exact field, filter by role, skill and status, sort, page through
// (offset/limit with totalCount), and create a user. Reads /users and /skills.
import * as api from "../api.js";
import {act, el, errorArea, fill, onSubmit, showError, value} from "../ui.js";
import {roleNames} from "../roles.js";

const filters = document.getElementById("user-filters");
const list = document.getElementById("user-list");
const listError = document.getElementById("list-error");
const pageInfo = document.getElementById("page-info");
const prev = document.getElementById("prev-page");
const next = document.getElementById("next-page");
const HEADERS = ["User name", "Name", "Roles", "Skills (level)", "Devices", "Status"];
const SEARCHABLE = ["userName", "lastName", "firstName", "devices.phoneNumber"];
let offset = 0;
let total = 0;

/** The filter form's state <-> the page URL, so a reload or a shared link shows the same list. */
function readUrl() {
  const params = new URLSearchParams(window.location.search);
  for (const name of ["roles", "skills.name", "enabled", "sortBy", "order", "limit"]) {
    if (params.has(name)) filters.elements.namedItem(name).value = params.get(name);
  }
  const searched = SEARCHABLE.find((name) => params.has(name));
  if (searched) {
    filters.elements.namedItem("searchField").value = searched;
    filters.elements.namedItem("search").value = params.get(searched);
  }
  offset = Number(params.get("offset")) || 0;
}

function query() {
  const params = {
    fields: "*",
    subresources: "skills,devices",
    roles: value(filters, "roles"),
    "skills.name": value(filters, "skills.name"),
    enabled: value(filters, "enabled"),
    sortBy: value(filters, "sortBy"),
    order: value(filters, "order"),
    limit: value(filters, "limit"),
    offset,
  };
  const search = value(filters, "search");
  if (search) params[value(filters, "searchField")] = search;
  return params;
}

function writeUrl() {
  const {fields, subresources, ...shown} = query();
  if (!shown.offset) delete shown.offset;
  window.history.replaceState(null, "", window.location.pathname + api.queryString(shown));
}

function row(user) {
  const name = [user.firstName, user.lastName].filter(Boolean).join(" ");
  const skills = (user.skills || []).map((skill) => `${skill.name} (${skill.level})`).join(", ");
  const devices = (user.devices || []).map((device) => device.phoneNumber).join(", ");
  const cells = [
    el("a", {href: `/console/users/${encodeURIComponent(user.id)}`}, user.userName),
    name || "—",
    roleNames(user.roles),
    skills || "—",
    devices || "—",
    el("span", {class: user.enabled ? "badge ok" : "badge off"}, user.enabled ? "Enabled" : "Disabled"),
  ];
  return el("tr", {class: user.enabled ? "" : "disabled-row"}, cells.map((cell, index) => el("td", {"data-label": HEADERS[index]}, cell)));
}

// Loads overlap (the first one may still be on its way when the filters are submitted): only the
// latest request's answer is shown, so a slow earlier answer never replaces a newer list.
let latestLoad = 0;

async function load() {
  const thisLoad = ++latestLoad;
  writeUrl();
  list.setAttribute("aria-busy", "true");
  const ok = await act(listError, async () => {
    const body = await api.get("/users", query());
    if (thisLoad !== latestLoad) return;
    total = body.totalCount;
    const users = body.users || [];
    fill(list, users.length
      ? el("div", {class: "table-wrap"}, el("table", {id: "users-table", class: "stack"},
          el("caption", {class: "visually-hidden"}, "Users"),
          el("thead", {}, el("tr", {}, HEADERS.map((header) => el("th", {scope: "col"}, header)))),
          el("tbody", {}, users.map(row))))
      : el("p", {class: "muted"}, "No user matches these filters."));
    const limit = Number(value(filters, "limit"));
    const first = users.length ? offset + 1 : 0;
    pageInfo.textContent = `${first}–${offset + users.length} of ${total}`;
    prev.disabled = offset === 0;
    next.disabled = offset + limit >= total;
  });
  if (thisLoad !== latestLoad) return;
  if (!ok) fill(list);
  list.setAttribute("aria-busy", "false");
}

async function loadSkills() {
  const select = filters.elements.namedItem("skills.name");
  const wanted = new URLSearchParams(window.location.search).get("skills.name") || select.value;
  const body = await api.get("/skills", {fields: "name", sortBy: "name"});
  for (const skill of body.skills || []) select.append(el("option", {value: skill.name}, skill.name));
  select.value = wanted;
}

filters.addEventListener("submit", (event) => {
  event.preventDefault();
  offset = 0;
  load();
});
filters.addEventListener("reset", () => {
  window.setTimeout(() => { offset = 0; load(); }, 0);
});
prev.addEventListener("click", () => {
  offset = Math.max(0, offset - Number(value(filters, "limit")));
  load();
});
next.addEventListener("click", () => {
  offset += Number(value(filters, "limit"));
  load();
});

// The new-user dialog: POST /users, then open the new user's page to add devices and skills.
const dialog = document.getElementById("new-user");
const form = document.getElementById("new-user-form");
document.getElementById("new-user-button").addEventListener("click", () => {
  errorArea(form).hidden = true;
  dialog.showModal();
});
form.querySelector("[data-close]").addEventListener("click", () => dialog.close());
onSubmit(form, async () => {
  const roles = [...form.querySelectorAll("input[name=roles]:checked")].map((box) => box.value);
  const body = {
    userName: value(form, "userName"),
    password: form.elements.namedItem("password").value,
    firstName: value(form, "firstName"),
    lastName: value(form, "lastName"),
    changePasswordOnFirstLogin: form.elements.namedItem("changePasswordOnFirstLogin").checked,
  };
  body.roles = roles;  // none checked: the API answers why that is refused
  const created = await api.post("/users", body);
  window.location.assign(`/console/users/${encodeURIComponent(created.id)}?created=1`);
});

readUrl();
// The skill filter's options must exist before a skill from the URL can be selected; without
// them the list still loads, and says why the skill filter is empty.
loadSkills().then(() => null, (failure) => failure).then(async (failure) => {
  readUrl();
  await load();
  if (failure) showError(listError, new Error(`The skills could not be read: ${failure.message}`));
});
