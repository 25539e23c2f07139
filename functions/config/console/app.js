// keygate's API Keys page: list, create, rename, rotate and delete the
// caller's keys through keygate's own API, signed in with a key kept in this
// tab's sessionStorage only. A console link (keygate console-link) carries a
// sign-in link key in its fragment, which the page exchanges, once, for a
// short-lived session key. With a sign-in provider (JwtConsoleClientId), the
// page also signs in with the OpenID provider: authorization code with PKCE,
// no client secret, the access token kept as the key is. Everything the API
// returns is rendered as text (textContent), never as HTML.
"use strict";

(() => {
  const storageKey = "keygate.apiKey";
  const $ = (id) => document.getElementById(id);
  // The API is this page's sibling: /v1/open/console → /v1/open/apikeys.
  const api = (path) => new URL(path, document.baseURI.replace(/console[^/]*$/, "")).toString();
  let cursor = null;

  function token() { return sessionStorage.getItem(storageKey); }

  // The create form's default expiry: 90 days ahead (least privilege: a
  // key that is forgotten stops working).
  const defaultExpiryDays = 90;

  // A sign-in link key in the URL fragment (console-link) is removed from the
  // address bar and the history at once (fragments never reach servers),
  // then exchanged for the page's session key: the link works once, so a
  // reload or a second tab with it is refused. Returns whether the page
  // should go on to list keys.
  async function signInFromFragment() {
    const key = new URLSearchParams(location.hash.slice(1)).get("key");
    if (!key) return true;
    history.replaceState(null, "", location.pathname + location.search);
    // The link may be another user's: whatever this tab held is dropped.
    sessionStorage.removeItem(storageKey);
    try {
      const session = await call("POST", "console/session", undefined, key);
      sessionStorage.setItem(storageKey, session.apiKey);
      return true;
    } catch (e) {
      if (e instanceof APIError && (e.status === 401 || e.status === 403)) {
        signOut("This sign-in link has already been used or has expired: a link signs in once, within 15 minutes. " +
          "Ask for a new one (keygate console-link), or sign in with an API key.");
      } else {
        signOut();
        showError(e);
      }
      return false;
    }
  }

  // Signing in with the OpenID provider: the PKCE verifier and the state
  // wait in sessionStorage while the browser is at the provider.
  const pkceKey = "keygate.pkce";

  async function providerConfig() {
    try {
      return (await call("GET", "console/signin.json", undefined, undefined)).provider;
    } catch { return null; }
  }

  function base64url(bytes) {
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function randomString() {
    const bytes = new Uint8Array(32);
    crypto.getRandomValues(bytes);
    return base64url(bytes);
  }

  // The provider sends the browser back to this page, without its query.
  function redirectURI() { return location.origin + location.pathname; }

  async function startProviderSignIn(p) {
    const verifier = randomString();
    const state = randomString();
    const challenge = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
    sessionStorage.setItem(pkceKey, JSON.stringify({ verifier, state }));
    const u = new URL(p.authorizationEndpoint);
    const q = { response_type: "code", client_id: p.clientId, redirect_uri: redirectURI(), scope: p.scope, state,
      code_challenge: base64url(challenge), code_challenge_method: "S256" };
    for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
    location.assign(u.toString());
  }

  // Back from the provider with ?code=…&state=…: the query leaves the
  // address bar and the history at once, the state must be this tab's, and
  // the code is exchanged with the verifier for the access token. Returns
  // whether the page should go on to list keys.
  async function signInFromProvider(p) {
    const q = new URLSearchParams(location.search);
    if (!q.has("code") && !q.has("error")) return true;
    history.replaceState(null, "", location.pathname + location.hash);
    const saved = JSON.parse(sessionStorage.getItem(pkceKey) || "null");
    sessionStorage.removeItem(pkceKey);
    if (!p || q.has("error") || !saved || q.get("state") !== saved.state) {
      signOut("Signing in with your organization's account did not complete. Try again.");
      return false;
    }
    sessionStorage.removeItem(storageKey);
    try {
      const resp = await fetch(p.tokenEndpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "authorization_code", code: q.get("code"), redirect_uri: redirectURI(),
          client_id: p.clientId, code_verifier: saved.verifier }),
      });
      const tok = resp.ok ? await resp.json() : null;
      if (!tok || typeof tok.access_token !== "string") throw new Error("the provider refused the sign-in (" + resp.status + ")");
      sessionStorage.setItem(storageKey, tok.access_token);
      return true;
    } catch (e) {
      signOut("Signing in with your organization's account failed: " + e.message);
      return false;
    }
  }

  class APIError extends Error {
    constructor(status, code, message, reason) { super(message); this.status = status; this.code = code; this.reason = reason; }
  }

  // call sends one request to keygate's API: with the signed-in key (or
  // key), none when there is neither (the public routes).
  async function call(method, path, body, key) {
    const headers = {};
    if (key || token()) headers.Authorization = "Bearer " + (key || token());
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const resp = await fetch(api(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (resp.status === 204) return null;
    let data = null;
    try { data = await resp.json(); } catch { /* a non-JSON body: handled below */ }
    if (!resp.ok) {
      const e = data && data.error ? data.error : { code: "HTTP_" + resp.status, message: "The request failed (" + resp.status + ")" };
      throw new APIError(resp.status, e.code, e.message, resp.headers.get("X-Keygate-Reason"));
    }
    return data;
  }

  function showError(err) {
    const box = $("error");
    if (!err) { box.hidden = true; box.textContent = ""; return; }
    let text = err.message || String(err);
    if (err.reason) text += " (" + err.reason + ")";
    box.textContent = text;
    box.hidden = false;
  }

  // A refused sign-in key (expired, revoked, no admin scope) returns to sign-in.
  function handle(err) {
    if (err instanceof APIError && (err.status === 401 || err.status === 403) && !err.reason) {
      signOut("Your sign-in key is no longer valid (" + err.message + "). Sign in again.");
      return;
    }
    showError(err);
  }

  function signOut(message) {
    sessionStorage.removeItem(storageKey);
    $("keys").hidden = true;
    $("sign-out").hidden = true;
    $("sign-in").hidden = false;
    showError(message ? { message } : null);
  }

  const fmt = (iso) => (iso ? new Date(iso).toLocaleString() : "—");

  function limitsText(k) {
    const parts = [];
    if (k.rateLimit) parts.push(k.rateLimit.limit + " per " + k.rateLimit.windowSeconds + " s (burst " + k.rateLimit.burst + ")");
    if (k.quota) parts.push(k.quota.used + " of " + k.quota.limit + " per " + k.quota.period);
    return parts.length ? parts.join("; ") : "none";
  }

  function render(k) {
    const li = $("key-template").content.firstElementChild.cloneNode(true);
    li.dataset.id = k.id;
    li.querySelector(".key-name").textContent = k.name;
    li.querySelector(".key-start").textContent = k.start + "…";
    li.querySelector(".f-scopes").textContent = k.scopes.join(", ");
    li.querySelector(".f-created").textContent = fmt(k.createdAt);
    li.querySelector(".f-last-used").textContent = k.lastUsedAt ? fmt(k.lastUsedAt) : "never";
    li.querySelector(".f-usage").textContent = String(k.usageCount);
    li.querySelector(".f-expires").textContent = k.expiresAt ? fmt(k.expiresAt) : "never";
    li.querySelector(".f-limits").textContent = limitsText(k);
    li.querySelector(".f-cidrs").textContent = k.allowedCidrs ? k.allowedCidrs.join(", ") : "any address";
    for (const b of li.querySelectorAll("button")) b.setAttribute("aria-label", b.textContent + " " + k.name);
    li.querySelector(".rename").addEventListener("click", () => rename(k));
    li.querySelector(".rotate").addEventListener("click", () => rotate(k));
    li.querySelector(".delete").addEventListener("click", () => remove(k));
    li.querySelector(".history").addEventListener("click", () => showHistory(k, li.querySelector(".events")));
    li.querySelector(".usage-toggle").addEventListener("click", () => showUsage(k, li.querySelector(".usage")));
    return li;
  }

  // The API's own scopes (its OpenAPI document's), added once to the
  // create form beside keygate's, each with its description.
  let scopesLoaded = false;
  async function loadScopes() {
    if (scopesLoaded) return;
    const list = await call("GET", "apikeys/scopes");
    const box = $("create-scopes");
    for (const s of list.scopes) {
      if (s.source !== "api") continue;
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.name = "scope";
      input.value = s.name;
      label.append(input, " " + s.name);
      if (s.description) {
        const d = document.createElement("span");
        d.className = "scope-description";
        d.textContent = " — " + s.description;
        label.append(d);
      }
      box.append(label);
    }
    scopesLoaded = true;
  }

  async function load(append) {
    const q = new URLSearchParams({ limit: "20" });
    if (append && cursor) q.set("cursor", cursor);
    const page = await call("GET", "apikeys?" + q);
    const list = $("key-list");
    if (!append) list.replaceChildren();
    for (const k of page.items) list.append(render(k));
    cursor = page.nextCursor;
    await loadScopes();
    $("more").hidden = !cursor;
    $("empty").hidden = list.children.length > 0;
    $("sign-in").hidden = true;
    $("keys").hidden = false;
    $("sign-out").hidden = false;
  }

  async function refresh() {
    try { showError(null); await load(false); } catch (e) { handle(e); }
  }

  function issued(k) {
    $("issued-name").textContent = "“" + k.name + "”";
    $("issued-token").value = k.apiKey;
    $("issued").hidden = false;
    $("issued-token").focus();
    $("issued-token").select();
  }

  async function create(ev) {
    ev.preventDefault();
    const f = ev.target;
    const body = { name: f.name.value, scopes: [...f.querySelectorAll("input[name=scope]:checked")].map((c) => c.value) };
    if (f.expires.value) body.expiresAt = new Date(f.expires.value).toISOString();
    if (f.rate.value) body.rateLimit = { limit: Number(f.rate.value), windowSeconds: 1, burst: Number(f.rate.value) };
    if (f.quota.value) body.quota = { limit: Number(f.quota.value), period: "day" };
    if (f.cidrs.value.trim()) body.allowedCidrs = f.cidrs.value.split(",").map((s) => s.trim()).filter(Boolean);
    try {
      showError(null);
      const k = await call("POST", "apikeys", body);
      f.reset();
      f.hidden = true;
      issued(k);
      await load(false);
    } catch (e) { handle(e); }
  }

  // datetime-local value of the local time days from now, to the minute.
  function localDateTime(days) {
    const d = new Date(Date.now() + days * 86400000);
    const pad = (n) => String(n).padStart(2, "0");
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  // The create form opens with least privilege: read only (the form's
  // default) and an expiry defaultExpiryDays ahead; both can be changed.
  function openCreateForm() {
    const f = $("create-form");
    f.reset();
    f.expires.value = localDateTime(defaultExpiryDays);
    f.hidden = false;
    $("create-name").focus();
  }

  function ask(dialog) {
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue), { once: true });
      dialog.returnValue = "cancel";
      dialog.showModal();
    });
  }

  async function rename(k) {
    const d = $("rename-dialog");
    $("rename-name").value = k.name;
    if ((await ask(d)) !== "save") return;
    try { await call("PATCH", "apikeys/" + encodeURIComponent(k.id), { name: $("rename-name").value }); await refresh(); } catch (e) { handle(e); }
  }

  async function rotate(k) {
    const d = $("rotate-dialog");
    d.querySelector(".rotate-name").textContent = k.name;
    if ((await ask(d)) !== "rotate") return;
    try {
      const next = await call("POST", "apikeys/" + encodeURIComponent(k.id) + "/rotate", { gracePeriodSeconds: Number($("rotate-grace").value || 0) });
      issued(next);
      await load(false);
    } catch (e) { handle(e); }
  }

  async function remove(k) {
    const d = $("confirm-delete");
    d.querySelector(".confirm-name").textContent = k.name;
    if ((await ask(d)) !== "delete") return;
    try { await call("DELETE", "apikeys/" + encodeURIComponent(k.id)); await refresh(); } catch (e) { handle(e); }
  }

  // The key's uses per hour (48 hours) and per day (90 days), counted from
  // the table's stream: drawn by this page as SVG bars (no third-party
  // code), the numbers also in a table that screen readers read.
  async function showUsage(k, box) {
    const toggle = box.closest("li.key").querySelector(".usage-toggle");
    if (!box.hidden) { box.hidden = true; toggle.setAttribute("aria-expanded", "false"); return; }
    try {
      const [now, hourly, daily] = await Promise.all([
        call("GET", "apikeys/" + encodeURIComponent(k.id)),
        call("GET", "apikeys/" + encodeURIComponent(k.id) + "/usage?" + new URLSearchParams({ granularity: "hour" })),
        call("GET", "apikeys/" + encodeURIComponent(k.id) + "/usage?" + new URLSearchParams({ granularity: "day" })),
      ]);
      // The card's count as it is now, beside the charts that follow it.
      const card = box.closest("li.key");
      card.querySelector(".f-usage").textContent = String(now.usageCount);
      card.querySelector(".f-last-used").textContent = now.lastUsedAt ? fmt(now.lastUsedAt) : "never";
      box.replaceChildren(usageChart(hourly, "Uses per hour, last 48 hours"), usageChart(daily, "Uses per day (UTC), last 90 days"));
      box.hidden = false;
      card.querySelector(".usage-toggle").setAttribute("aria-expanded", "true");
    } catch (e) { handle(e); }
  }

  const svgNS = "http://www.w3.org/2000/svg";

  // Hours in the reader's time zone; days are UTC days, as counted.
  function bucketLabel(b, granularity) {
    const opts = granularity === "hour"
      ? { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }
      : { month: "short", day: "numeric", timeZone: "UTC" };
    return new Date(b.start).toLocaleString([], opts);
  }

  function usageChart(usage, title) {
    const fig = document.createElement("figure");
    fig.className = "chart";
    const counts = usage.buckets.map((b) => b.count);
    const total = counts.reduce((n, c) => n + c, 0);
    const peak = Math.max(0, ...counts);
    const unit = usage.granularity === "hour" ? "an hour" : "a day";
    const caption = document.createElement("figcaption");
    caption.textContent = title + ": " + total + " in all" + (peak ? ", at most " + peak + " in " + unit : "");
    // The bars: viewBox units, stretched to the card's width by CSS.
    const w = 360, h = 80, n = usage.buckets.length, step = w / n;
    const svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("aria-hidden", "true"); // the table below says it in words
    usage.buckets.forEach((b, i) => {
      const height = peak ? Math.max(b.count > 0 ? 1.5 : 0, (b.count / peak) * (h - 2)) : 0;
      const bar = document.createElementNS(svgNS, "rect");
      bar.setAttribute("class", "bar");
      bar.setAttribute("x", (i * step).toFixed(2));
      bar.setAttribute("width", Math.max(0.5, step * 0.8).toFixed(2));
      bar.setAttribute("y", (h - height).toFixed(2));
      bar.setAttribute("height", height.toFixed(2));
      const tip = document.createElementNS(svgNS, "title");
      tip.textContent = bucketLabel(b, usage.granularity) + ": " + b.count;
      bar.append(tip);
      svg.append(bar);
    });
    const axis = document.createElementNS(svgNS, "line");
    axis.setAttribute("class", "axis");
    axis.setAttribute("x1", "0"); axis.setAttribute("x2", String(w));
    axis.setAttribute("y1", String(h - 0.5)); axis.setAttribute("y2", String(h - 0.5));
    svg.append(axis);
    const range = document.createElement("div");
    range.className = "chart-range";
    const first = document.createElement("span"), last = document.createElement("span");
    first.textContent = n ? bucketLabel(usage.buckets[0], usage.granularity) : "";
    last.textContent = n ? bucketLabel(usage.buckets[n - 1], usage.granularity) : "";
    range.append(first, last);
    const table = document.createElement("table");
    table.className = "visually-hidden";
    const tcap = document.createElement("caption");
    tcap.textContent = title;
    const head = document.createElement("tr");
    for (const name of [usage.granularity === "hour" ? "Hour" : "Day", "Uses"]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.append(th);
    }
    const body = document.createElement("tbody");
    for (const b of usage.buckets) {
      const tr = document.createElement("tr");
      const when = document.createElement("th"), count = document.createElement("td");
      when.scope = "row";
      when.textContent = bucketLabel(b, usage.granularity);
      count.textContent = String(b.count);
      tr.append(when, count);
      body.append(tr);
    }
    const thead = document.createElement("thead");
    thead.append(head);
    table.append(tcap, thead, body);
    fig.append(caption, svg, range, table);
    return fig;
  }

  async function showHistory(k, list) {
    if (!list.hidden) { list.hidden = true; return; }
    try {
      const page = await call("GET", "audit?" + new URLSearchParams({ keyId: k.id, limit: "20" }));
      list.replaceChildren(...page.items.map((ev) => {
        const li = document.createElement("li");
        const who = ev.actor.operator ? "operator " + ev.actor.operator : "key " + ev.actor.keyId;
        li.textContent = fmt(ev.createdAt) + " — " + ev.type + " by " + who + (ev.actor.sourceIp ? " from " + ev.actor.sourceIp : "");
        return li;
      }));
      if (!page.items.length) list.replaceChildren(Object.assign(document.createElement("li"), { textContent: "No events." }));
      list.hidden = false;
    } catch (e) { handle(e); }
  }

  document.addEventListener("DOMContentLoaded", async () => {
    $("sign-in-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(storageKey, $("sign-in-key").value.trim());
      $("sign-in-key").value = "";
      refresh();
    });
    $("sign-out").addEventListener("click", () => signOut());
    $("new-key").addEventListener("click", openCreateForm);
    $("create-cancel").addEventListener("click", () => { $("create-form").hidden = true; });
    $("create-form").addEventListener("submit", create);
    $("more").addEventListener("click", async () => { try { await load(true); } catch (e) { handle(e); } });
    $("copy-token").addEventListener("click", async () => {
      try { await navigator.clipboard.writeText($("issued-token").value); $("copy-token").textContent = "Copied"; }
      catch { $("issued-token").select(); document.execCommand("copy"); }
    });
    $("issued-done").addEventListener("click", () => { $("issued-token").value = ""; $("issued").hidden = true; $("copy-token").textContent = "Copy"; });
    // A link opened in a tab that shows the page already only changes the
    // fragment: no new load, so sign in from it here.
    window.addEventListener("hashchange", async () => {
      if (new URLSearchParams(location.hash.slice(1)).has("key") && (await signInFromFragment())) refresh();
    });
    const provider = await providerConfig();
    if (provider) {
      $("provider-sign-in").hidden = false;
      $("provider-button").addEventListener("click", () => startProviderSignIn(provider).catch(showError));
    }
    if (!(await signInFromProvider(provider))) return;
    if (!(await signInFromFragment())) return;
    if (token()) refresh(); else signOut();
  });
})();
