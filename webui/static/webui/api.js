// A small client of the public GWS v2 API, used by every page of the web UI.
//
// The page's session cookie (JSESSIONID, opened by the login form) authenticates each request.
// GWS CSRF: the token comes in the X-CSRF-TOKEN header of an authenticated GET and goes back in
// that header on every POST, PUT and DELETE. Every answer is checked: a statusCode other than 0
// (or 7, partial success, which the caller inspects) becomes an ApiError carrying the API's
// statusMessage, which pages show as is.

const BASE = "/api/v2";
let csrfHeader = "X-CSRF-TOKEN";
let csrfToken = null;

export class ApiError extends Error {
  constructor(httpStatus, body) {
    const message = (body && body.statusMessage) || `The server answered HTTP ${httpStatus}`;
    super(message);
    this.name = "ApiError";
    this.httpStatus = httpStatus;
    this.statusCode = body ? body.statusCode : undefined;
    this.body = body;
  }
}

function remember(response) {
  const token = response.headers.get("X-CSRF-TOKEN");
  if (token) {
    csrfToken = token;
    csrfHeader = response.headers.get("X-CSRF-HEADER") || csrfHeader;
  }
}

/** A query string from an object; undefined, null and "" values are left out. */
export function queryString(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== "") search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

async function parse(response) {
  const type = response.headers.get("Content-Type") || "";
  const body = type.includes("json") ? await response.json() : null;
  if (response.status === 401) {
    // The session ended (logout elsewhere, expiry): log in again and come back here.
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  if (!response.ok || !body || (body.statusCode !== 0 && body.statusCode !== 7)) {
    throw new ApiError(response.status, body);
  }
  return body;
}

/** GET a path under /api/v2 with GWS query parameters; resolves to the JSON body. */
export async function get(path, params) {
  const response = await fetch(BASE + path + queryString(params), {
    credentials: "same-origin",
    headers: {Accept: "application/json", "X-Requested-With": "XMLHttpRequest"},
  });
  remember(response);
  return parse(response);
}

async function ensureToken() {
  if (!csrfToken) await get("/me", {fields: "id"});
}

/** This session's GWS CSRF header name and token (read first when the page has none yet). */
export async function csrf() {
  await ensureToken();
  return {header: csrfHeader, token: csrfToken};
}

/** POST, PUT or DELETE a JSON body; asks for a CSRF token first when it has none. */
export async function send(method, path, body) {
  await ensureToken();
  const response = await fetch(BASE + path, {
    method,
    credentials: "same-origin",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      // No Basic challenge for the page's own requests: a 401 comes back to the script.
      "X-Requested-With": "XMLHttpRequest",
      [csrfHeader]: csrfToken,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return parse(response);
}

export const post = (path, body) => send("POST", path, body === undefined ? {} : body);
export const put = (path, body) => send("PUT", path, body === undefined ? {} : body);
export const del = (path, body) => send("DELETE", path, body);

/** The id at the end of a GWS URI or path (".../users/abc" -> "abc"). */
export function idOf(uriOrPath) {
  return String(uriOrPath || "").replace(/\/+$/, "").split("/").pop();
}

/** The words of a partial success (statusCode 7): which items failed and why. */
export function failures(body) {
  return (body.failed || []).map((item) => item.statusMessage).join("; ");
}
