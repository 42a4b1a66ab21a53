// Skills: create, rename, delete, and who has each skill at which level (/users?skills.name=).
import * as api from "../api.js";
import {act, el, fill, onSubmit, value} from "../ui.js";

const list = document.getElementById("skill-list");
const alert = document.querySelector("#skill-area [role=alert]");

async function holders(skill, container, button) {
  const open = button.getAttribute("aria-expanded") === "true";
  button.setAttribute("aria-expanded", String(!open));
  if (open) {
    fill(container);
    return;
  }
  const body = await api.get("/users", {"skills.name": skill.name, fields: "id,userName", subresources: "skills",
    sortBy: "skills.level", order: "Descending"});
  const users = body.users || [];
  fill(container, users.length
    ? el("ul", {class: "holders"}, users.map((user) => {
      const level = (user.skills || []).find((own) => own.id === skill.id)?.level;
      return el("li", {}, el("a", {href: `/console/users/${encodeURIComponent(user.id)}`}, user.userName), ` — level ${level}`);
    }))
    : el("p", {class: "muted"}, "Nobody has this skill."));
}

async function load() {
  const body = await api.get("/skills", {fields: "*", sortBy: "name"});
  const skills = body.skills || [];
  if (!skills.length) {
    fill(list, el("p", {class: "muted"}, "No skill yet."));
    return;
  }
  fill(list, el("ul", {class: "item-list"}, skills.map((skill) => {
    const detail = el("div", {id: `holders-${skill.id}`});
    const show = el("button", {type: "button", class: "small", "aria-expanded": "false", "aria-controls": `holders-${skill.id}`,
      onclick: () => act(alert, () => holders(skill, detail, show))}, "Who has it");
    const rename = el("form", {class: "inline-form"},
      el("label", {for: `rename-${skill.id}`, class: "visually-hidden"}, `New name for ${skill.name}`),
      el("input", {id: `rename-${skill.id}`, name: "name", value: skill.name, required: true}),
      el("button", {type: "submit", class: "small"}, "Rename"));
    onSubmit(rename, async (form) => {
      await api.put(`/skills/${encodeURIComponent(skill.id)}`, {name: value(form, "name")});
      await load();
      return "Skill renamed.";
    });
    const remove = el("button", {type: "button", class: "small danger", "aria-label": `Delete ${skill.name}`,
      onclick: () => window.confirm(`Delete skill ${skill.name}? It is unassigned from everyone.`) &&
        act(alert, async () => { await api.del(`/skills/${encodeURIComponent(skill.id)}`); await load(); }, `Skill ${skill.name} deleted.`)}, "Delete");
    return el("li", {}, el("div", {class: "item-head"}, el("strong", {}, skill.name), el("span", {class: "row-actions"}, show, remove)), rename, detail);
  })));
}

onSubmit(document.getElementById("new-skill-form"), async (form) => {
  const name = value(form, "name");
  await api.post("/skills", {name});
  await load();
  return `Skill ${name} created.`;
}, {reset: true});

act(alert, load);
