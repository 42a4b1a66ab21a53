// The contact center's allowedOrigins (/settings/access-control): the whole array is written at
// once (PUT), or created (POST) when the setting does not exist yet.
import * as api from "../api.js";
import {act, el, fill, onSubmit, value} from "../ui.js";

const list = document.getElementById("origin-list");
const alert = document.querySelector("#origin-area [role=alert]");
let origins = null; // null: the setting does not exist yet

async function load() {
  const body = await api.get("/settings/access-control");
  const setting = (body.settings || []).find((entry) => entry.name === "allowedOrigins");
  origins = setting ? setting.value : null;
  fill(list, (origins || []).length
    ? origins.map((origin) => el("li", {}, el("div", {class: "item-head"}, el("code", {}, origin),
      el("button", {type: "button", class: "small danger", "aria-label": `Remove ${origin}`,
        onclick: () => act(alert, () => save(origins.filter((other) => other !== origin)), `${origin} removed.`)}, "Remove"))))
    : el("li", {class: "muted"}, "No origin is allowed: only pages served by this server use the API from a browser."));
}

async function save(next) {
  const setting = {name: "allowedOrigins", value: next};
  if (origins === null) await api.post("/settings/access-control", setting);
  else await api.put("/settings/access-control", setting);
  await load();
}

onSubmit(document.getElementById("origin-form"), async (form) => {
  const origin = value(form, "origin");
  await save([...(origins || []), origin]);
  return `${origin} added.`;
}, {reset: true});

act(alert, load);
