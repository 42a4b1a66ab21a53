// Agent-state operations (/settings/agent-states): list all, add, change and delete custom ones.
import * as api from "../api.js";
import {act, el, fill, onSubmit, table, value} from "../ui.js";

const SYSTEM = new Set(["Ready", "NotReady", "AuxWork", "AfterCallWork", "Offline"]);
const form = document.getElementById("state-form");
const alert = document.querySelector("#state-area [role=alert]");
let mode = "create";

function edit(operation) {
  for (const name of ["operationName", "displayName", "state", "workMode", "reason"]) {
    form.elements.namedItem(name).value = operation[name] || "";
  }
  form.elements.namedItem("operationName").focus();
}

async function load() {
  const body = await api.get("/settings/agent-states");
  const rows = (body.settings || []).map((operation) => [
    operation.operationName,
    operation.displayName || "",
    operation.state,
    operation.workMode || "—",
    operation.reason || "—",
    SYSTEM.has(operation.operationName)
      ? el("span", {class: "muted"}, "System")
      : el("span", {class: "row-actions"},
        el("button", {type: "button", class: "small", "aria-label": `Edit ${operation.operationName}`, onclick: () => edit(operation)}, "Edit"),
        el("button", {type: "button", class: "small danger", "aria-label": `Delete ${operation.operationName}`, onclick: () =>
          window.confirm(`Delete agent state ${operation.operationName}?`) && act(alert, async () => {
            await api.del("/settings/agent-states", {operationName: operation.operationName});
            await load();
          }, `Agent state ${operation.operationName} deleted.`)}, "Delete")),
  ]);
  fill(document.getElementById("state-list"), table("Agent-state operations", ["Operation", "Display name", "State", "Work mode", "Reason", ""], rows));
}

form.addEventListener("click", (event) => {
  if (event.target.name === "mode") mode = event.target.value;
});
onSubmit(form, async () => {
  const data = {operationName: value(form, "operationName"), state: value(form, "state")};
  for (const name of ["displayName", "workMode", "reason"]) if (value(form, name)) data[name] = value(form, name);
  if (mode === "update") await api.put("/settings/agent-states", data);
  else await api.post("/settings/agent-states", data);
  await load();
  return `Agent state ${data.operationName} ${mode === "update" ? "saved" : "added"}.`;
}, {reset: true});

act(alert, load);
