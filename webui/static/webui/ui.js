// Small DOM helpers shared by the pages: build elements, show messages, run forms.
import {ApiError} from "./api.js";

/** el("button", {type: "button", onclick: f}, "Save"): an element with attributes and children. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A polite message in the page's status area (success of an action). */
export function notice(text) {
  const box = document.getElementById("notice");
  box.textContent = "";
  // A new text node each time, so screen readers announce a repeated message too.
  window.setTimeout(() => { box.textContent = text; }, 10);
}

/** The words to show for a failure: the API's statusMessage, or what went wrong otherwise. */
export function describe(error) {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return "The server could not be reached.";
  return error.message || String(error);
}

/** Show an error in a form's (or section's) error area, an element with role="alert". */
export function showError(area, error) {
  area.textContent = describe(error);
  area.hidden = false;
}

export function clearError(area) {
  area.textContent = "";
  area.hidden = true;
}

/** The error area of a form: its [role=alert] child, made on first use. */
export function errorArea(container) {
  let area = container.querySelector(":scope > .error[role=alert]");
  if (!area) {
    area = el("p", {class: "error", role: "alert", hidden: true});
    container.prepend(area);
  }
  return area;
}

/**
 * Submit handler: runs action(form) with the submit button disabled; a failure is shown in the
 * form's error area in words, success optionally resets the form and announces `done`.
 */
export function onSubmit(form, action, {reset = false, done} = {}) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const area = errorArea(form);
    clearError(area);
    const buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach((button) => { button.disabled = true; });
    try {
      const message = await action(form);
      if (reset) form.reset();
      if (message || done) notice(message || done);
    } catch (error) {
      showError(area, error);
      area.focus?.();
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  });
}

/** Run an action from a button (outside a form); failures go to `area`. */
export async function act(area, action, done) {
  clearError(area);
  try {
    const message = await action();
    if (message || done) notice(message || done);
    return true;
  } catch (error) {
    showError(area, error);
    return false;
  }
}

/** The text of a form field, trimmed. */
export function value(form, name) {
  const field = form.elements.namedItem(name);
  return field ? field.value.trim() : "";
}

/** Parse JSON typed by a person; a mistake is an Error saying where, before anything is sent. */
export function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${error.message}`);
  }
}

/** A table with a header row; rows are arrays of cells (strings or nodes). */
export function table(caption, headers, rows, {empty = "Nothing here yet."} = {}) {
  if (!rows.length) return el("p", {class: "muted"}, empty);
  return el("div", {class: "table-wrap"},
    el("table", {class: "stack"},
      el("caption", {class: "visually-hidden"}, caption),
      el("thead", {}, el("tr", {}, headers.map((header) => el("th", {scope: "col"}, header)))),
      el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((cell, index) => el("td", {"data-label": headers[index]}, cell)))))));
}

/** Replace a container's content. */
export function fill(container, ...children) {
  container.replaceChildren(...children.flat(Infinity).filter((child) => child !== null && child !== undefined));
}
