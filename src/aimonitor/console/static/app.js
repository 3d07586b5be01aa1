// The console's shell: session, navigation, refresh. Pages are in pages.js.

import { h } from "./dom.js";
import { applyStatic, lang, setLang, t } from "./i18n.js";
import { pages } from "./pages.js";

const REFRESH_MS = 3000;
// The session lives in memory only: the cookie is HttpOnly, the CSRF token is asked
// again after a reload, and nothing is written to localStorage or sessionStorage.
const state = { session: null, timer: null, window: "1h", generation: 0 };

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && state.session?.csrf_token) headers["X-CSRF-Token"] = state.session.csrf_token;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
    cache: "no-store",
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401) {
    state.session = null;
    showLogin();
  }
  if (!response.ok) throw new ApiError(response.status, data?.detail || response.statusText);
  return data;
}

export function session() {
  return state.session;
}

export function windowChoice() {
  return state.window;
}

export function setWindow(value) {
  state.window = value;
  show();
}

function route() {
  const [name = "overview", param] = location.hash.replace(/^#\/?/, "").split("/");
  return { name: pages[name] ? name : "overview", param: param ? decodeURIComponent(param) : null };
}

function showLogin() {
  clearInterval(state.timer);
  document.getElementById("nav").hidden = true;
  document.getElementById("logout").hidden = true;
  document.getElementById("page").replaceChildren();
  const form = document.getElementById("login");
  form.hidden = false;
  document.getElementById("key").focus();
}

async function show() {
  clearInterval(state.timer);
  const generation = ++state.generation;
  const { name, param } = route();
  const page = pages[name];
  for (const link of document.querySelectorAll("#nav a")) {
    const current = link.getAttribute("href") === `#/${name === "request" ? "requests" : name}`;
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${t(page.title)} · aimonitor`;
  render(h("p", { class: "note", role: "status" }, t("loading")));
  const refresh = async () => {
    try {
      const data = await api(page.url(param));
      if (generation === state.generation) {
        const node = page.render(data, param);
        node.dataset.page = name;
        render(node);
      }
    } catch (error) {
      if (generation === state.generation && error.status !== 401) {
        render(h("p", { class: "error", role: "alert" }, `${t("error")}: ${error.message}`));
      }
    }
  };
  await refresh();
  if (page.live && generation === state.generation) {
    state.timer = setInterval(() => {
      if (!document.hidden) refresh();
    }, REFRESH_MS);
  }
}

// Replace the page, keeping keyboard focus on the same control when it is still there.
function render(node) {
  const container = document.getElementById("page");
  const focused = document.activeElement;
  const key = container.contains(focused) ? focused.dataset.key : null;
  for (const chart of container.querySelectorAll("figure.chart")) chart.dispose?.();
  container.replaceChildren(node);
  if (key) container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

export function rerender() {
  show();
}

async function start() {
  applyStatic();
  document.getElementById("lang").addEventListener("click", () => {
    setLang(lang() === "fr" ? "en" : "fr");
    applyStatic();
    if (state.session) show();
  });
  document.getElementById("logout").addEventListener("click", async () => {
    await api("/console/api/session", { method: "DELETE" });
    state.session = null;
    showLogin();
  });
  document.getElementById("login").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = document.getElementById("key");
    const error = document.getElementById("login-error");
    try {
      state.session = await api("/console/api/session", { method: "POST", body: { key: input.value } });
      input.value = "";
      error.textContent = "";
      enter();
    } catch (failure) {
      input.value = "";
      error.textContent = failure.status === 403 ? t("login.invalid") : failure.message;
    }
  });
  window.addEventListener("hashchange", () => state.session && show());
  // A signed-in page comes with its session (see console/api.py): no round trip for it.
  const meta = document.querySelector('meta[name="aimonitor-session"]');
  const current = meta ? JSON.parse(meta.content) : await api("/console/api/session");
  if (current.role) {
    state.session = current;
    enter();
  } else {
    showLogin();
  }
}

function enter() {
  document.getElementById("login").hidden = true;
  document.getElementById("nav").hidden = false;
  document.getElementById("logout").hidden = false;
  document.body.dataset.role = state.session.role;
  show();
}

start();
