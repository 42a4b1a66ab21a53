// Features (/features) and services (/services) at a glance: read-only.
import * as api from "../api.js";
import {act, el, fill, table} from "../ui.js";

act(document.querySelector("#feature-area [role=alert]"), async () => {
  const body = await api.get("/features", {fields: "*", sortBy: "id"});
  fill(document.getElementById("feature-list"), table("Features", ["Feature", "Description"],
    (body.features || []).map((feature) => [el("span", {}, el("strong", {}, feature.displayName || feature.id), el("br"), el("code", {}, feature.id)), feature.description || ""])));
});

act(document.querySelector("#service-area [role=alert]"), async () => {
  const body = await api.get("/services", {fields: "*", sortBy: "name"});
  fill(document.getElementById("service-list"), table("Services", ["Service", "Type", "State"],
    (body.services || []).map((service) => [service.name, service.type, el("span", {class: service.state === "Active" ? "badge ok" : "badge off"}, service.state)])));
});
