// The disposition tree: GET /groups?subresources=** (the whole tree in one request), add groups
// and dispositions, make a group the default one, delete groups (with their subtree) and dispositions.
import * as api from "../api.js";
import {act, el, fill, onSubmit, value} from "../ui.js";

const tree = document.getElementById("tree");
const alert = document.querySelector("#tree-area [role=alert]");
const parentSelect = document.getElementById("gf-parent");
const groupSelect = document.getElementById("df-group");

function run(action, done) {
  return act(alert, async () => { await action(); await load(); }, done);
}

function node(group, depth, options) {
  const path = `/groups/${encodeURIComponent(group.id)}`;
  const label = "\u2003".repeat(depth) + group.name;
  options.all.push(el("option", {value: group.id}, label));
  if (group.contains === "dispositions") options.dispositions.push(el("option", {value: group.id}, label));
  const head = el("div", {class: "item-head"},
    el("span", {}, el("strong", {}, group.name), " ",
      el("span", {class: "badge"}, group.contains === "users" ? "agent group" : "dispositions"),
      group.defaultGroup ? el("span", {class: "badge ok"}, "default") : null),
    el("span", {class: "row-actions"},
      group.contains === "dispositions" && !group.defaultGroup && el("button", {type: "button", class: "small", "aria-label": `Make ${group.name} the default group`,
        onclick: () => run(() => api.put(path, {defaultGroup: true}), `${group.name} is the default group.`)}, "Make default"),
      el("button", {type: "button", class: "small danger", "aria-label": `Delete group ${group.name}`,
        onclick: () => window.confirm(`Delete group ${group.name} with everything in it?`) && run(() => api.del(path), `Group ${group.name} deleted.`)}, "Delete")));
  const items = [];
  for (const disposition of group.dispositions || []) {
    items.push(el("li", {class: "disposition"}, el("div", {class: "item-head"},
      el("span", {}, disposition.displayName, " ", el("code", {}, disposition.name)),
      el("button", {type: "button", class: "small danger", "aria-label": `Delete disposition ${disposition.name}`,
        onclick: () => run(() => api.del(`${path}/dispositions/${encodeURIComponent(disposition.id)}`), `Disposition ${disposition.name} deleted.`)}, "Delete"))));
  }
  for (const user of group.users || []) {
    items.push(el("li", {class: "member"}, el("a", {href: `/console/users/${encodeURIComponent(user.id)}`}, user.userName)));
  }
  for (const child of group.groups || []) items.push(node(child, depth + 1, options));
  return el("li", {class: "group"}, head, items.length ? el("ul", {}, items) : null);
}

async function load() {
  const body = await api.get("/groups", {fields: "*", subresources: "**", sortBy: "name"});
  const options = {all: [], dispositions: []};
  const groups = body.groups || [];
  fill(tree, groups.length
    ? el("ul", {class: "tree", "aria-label": "Disposition tree"}, groups.map((group) => node(group, 0, options)))
    : el("p", {class: "muted"}, "No group yet: add one."));
  const keepParent = parentSelect.value;
  const keepGroup = groupSelect.value;
  fill(parentSelect, el("option", {value: ""}, "Top level"), options.all);
  fill(groupSelect, el("option", {value: ""}, "Choose a group"), options.dispositions);
  parentSelect.value = keepParent;
  groupSelect.value = keepGroup;
}

onSubmit(document.getElementById("group-form"), async (form) => {
  const parent = value(form, "parent");
  const body = {name: value(form, "name")};
  if (form.elements.namedItem("defaultGroup").checked) body.defaultGroup = true;
  if (parent) await api.post(`/groups/${encodeURIComponent(parent)}/groups`, body);
  else await api.post("/groups", {...body, contains: value(form, "contains")});
  await load();
  return `Group ${body.name} added.`;
}, {reset: true});

onSubmit(document.getElementById("disposition-form"), async (form) => {
  const body = {name: value(form, "name"), displayName: value(form, "displayName")};
  await api.post(`/groups/${encodeURIComponent(value(form, "group"))}/dispositions`, body);
  await load();
  // The group stays chosen: dispositions are usually added a few at a time to one group.
  form.elements.namedItem("name").value = "";
  form.elements.namedItem("displayName").value = "";
  return `Disposition ${body.displayName} added.`;
});

act(alert, load);
