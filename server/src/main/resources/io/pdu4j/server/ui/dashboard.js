// The pdu4j dashboard: devices, outlets, power plots, switching, groups and events, live.
// Plain browser JavaScript, no build step. Every string from a device is put in the page with
// textContent, never as HTML. The token (when the server needs one) stays in sessionStorage and
// goes in the Authorization header only, also for the event stream, which is read with fetch()
// rather than EventSource (that cannot send headers), so no token ever lands in a URL or a log.
"use strict";

(function () {
  const TOKEN_KEY = "pdu4j.token";
  const REFRESH_MS = 5000; // the power history's step
  const MAX_EVENTS = 50;
  const MAX_FRAME = 1 << 20; // an event larger than this is dropped, the stream kept
  const COLORS = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2",
    "#65a30d", "#dc2626", "#4b5563", "#ea580c", "#0d9488", "#9333ea"];

  let token = sessionStorage.getItem(TOKEN_KEY);
  let started = false;
  let streaming = false;
  const devices = new Map(); // name -> {card, outlets: Map(number -> tile), plot, ...}

  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fmt(v, unit, digits) {
    return typeof v === "number" && isFinite(v) ? v.toFixed(digits) + " " + unit : "–";
  }

  // ------------------------------------------------------------------ the API

  class ApiError extends Error {
    constructor(status, kind, message) {
      super(message);
      this.status = status;
      this.kind = kind;
    }
  }

  function headers(json) {
    const h = { Accept: "application/json" };
    if (token) h.Authorization = "Bearer " + token;
    if (json) h["Content-Type"] = "application/json";
    return h;
  }

  async function api(path, method, body) {
    let r;
    try {
      r = await fetch(path, {
        method: method || "GET",
        headers: headers(body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
      });
    } catch (e) {
      throw new ApiError(0, "unreachable", "the server cannot be reached");
    }
    let json = null;
    try {
      json = await r.json();
    } catch (e) {
      json = null;
    }
    if (!r.ok) {
      const message = json && json.message ? json.message : "HTTP " + r.status;
      const err = new ApiError(r.status, json && json.error ? json.error : "http", message);
      err.body = json;
      if (r.status === 401) askToken(message);
      throw err;
    }
    return json;
  }

  // ------------------------------------------------------------------ the token

  function askToken(message) {
    const dialog = $("login");
    $("token-error").textContent = token ? "The token was not accepted: " + message : "";
    if (token) {
      token = null;
      sessionStorage.removeItem(TOKEN_KEY);
    }
    if (!dialog.open) dialog.showModal();
    $("token-input").focus();
  }

  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const value = $("token-input").value.trim();
    if (!value) return;
    token = value;
    $("token-error").textContent = "";
    $("token-submit").disabled = true;
    try {
      const list = await api("/api/v1/devices");
      sessionStorage.setItem(TOKEN_KEY, value);
      $("token-input").value = "";
      $("login").close();
      $("sign-out").hidden = false;
      render(list);
      start();
      if (!streaming) stream(); // it stopped when the server refused the previous token
    } catch (e) {
      // askToken already showed a 401; show anything else too
      if (e.status !== 401) $("token-error").textContent = e.message;
    } finally {
      $("token-submit").disabled = false;
    }
  });
  $("login").addEventListener("cancel", (ev) => ev.preventDefault());

  $("sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });

  // ------------------------------------------------------------------ banner and events

  function banner(text) {
    const b = $("banner");
    b.textContent = text || "";
    b.hidden = !text;
  }

  function logEvent(kind, device, text, at) {
    const list = $("events");
    const li = el("li", "event event-" + kind);
    const when = at ? new Date(at) : new Date();
    li.append(el("time", "event-time", when.toLocaleTimeString()));
    li.append(el("span", "event-device", device));
    li.append(el("span", "event-text", text));
    list.prepend(li);
    while (list.children.length > MAX_EVENTS) list.lastChild.remove();
  }

  // ------------------------------------------------------------------ switching

  function confirmAction(title, text, verb) {
    const dialog = $("confirm");
    $("confirm-title").textContent = title;
    $("confirm-text").textContent = text;
    $("confirm-yes").textContent = verb;
    dialog.returnValue = "";
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
      dialog.showModal();
      $("confirm-no").focus();
    });
  }

  async function switchOutlet(device, outlet, action) {
    const tile = devices.get(device) && devices.get(device).outlets.get(outlet.number);
    const label = outlet.name ? outlet.number + " “" + outlet.name + "”" : String(outlet.number);
    const ok = await confirmAction(
      "Switch " + action.toUpperCase() + "?",
      "Outlet " + label + " of " + device + " will be switched " + action + ".",
      action === "cycle" ? "Cycle" : "Switch " + action);
    if (!ok || !tile) return;
    setResult(tile, "pending", "waiting for " + device + "…");
    tile.root.classList.add("busy");
    try {
      const r = await api("/api/v1/devices/" + encodeURIComponent(device) + "/outlets/"
        + encodeURIComponent(String(outlet.number)) + "/" + action, "POST");
      updateOutlet(device, r.outlet);
      setResult(tile, "ok", "confirmed " + r.outlet.state);
      logEvent("ok", device, "outlet " + r.outlet.number + " " + action + ": confirmed " + r.outlet.state);
    } catch (e) {
      setResult(tile, "error", e.message);
      logEvent("error", device, "outlet " + outlet.number + " " + action + " failed: " + e.message);
    } finally {
      tile.root.classList.remove("busy");
    }
  }

  function setResult(tile, kind, text) {
    tile.result.className = "result result-" + kind;
    tile.result.textContent = text;
  }

  async function runGroup(group, action, out) {
    const ok = await confirmAction(
      "Group " + action.toUpperCase() + "?",
      "Every outlet of group " + group.name + " (" + group.outlets.join(", ")
        + ") will be switched " + action + ", in order.",
      action === "cycle" ? "Cycle" : "Switch " + action);
    if (!ok) return;
    out.className = "result result-pending";
    out.textContent = "running…";
    try {
      const r = await api("/api/v1/groups/" + encodeURIComponent(group.name) + "/" + action, "POST");
      out.className = "result result-ok";
      out.textContent = "confirmed: " + summary(r);
    } catch (e) {
      out.className = "result result-error";
      out.textContent = e.body && e.body.outlets ? summary(e.body) : e.message;
    }
    logEvent(out.classList.contains("result-ok") ? "ok" : "error", "group " + group.name,
      action + ": " + out.textContent);
  }

  function summary(r) {
    return (r.outlets || []).map((o) => o.device + "/" + o.outlet + " "
      + (o.ok ? (o.status && o.status.state ? o.status.state : "ok") : (o.message || o.error)))
      .join(", ");
  }

  // ------------------------------------------------------------------ rendering

  function healthBadge(badge, health) {
    const state = health && health.state ? health.state : "UNKNOWN";
    badge.textContent = state === "CONNECTED" ? "online" : state.toLowerCase();
    badge.className = "badge badge-" + state.toLowerCase();
    badge.title = [health && health.problem, health && health.message].filter(Boolean).join(": ");
  }

  function deviceCard(d) {
    const card = el("article", "card");
    card.dataset.device = d.name;
    const head = el("div", "card-head");
    const title = el("div", "card-title");
    title.append(el("h2", "device-name", d.name));
    const sub = el("div", "device-sub");
    title.append(sub);
    const badge = el("span", "badge");
    head.append(title, badge);
    const problem = el("div", "problem");
    const stats = el("div", "stats");
    const watts = el("div", "stat");
    const wattsValue = el("span", "stat-value device-watts", "–");
    watts.append(wattsValue, el("span", "stat-label", "total"));
    const volts = el("div", "stat");
    const voltsValue = el("span", "stat-value device-volts", "–");
    volts.append(voltsValue, el("span", "stat-label", "mains"));
    const onCount = el("div", "stat");
    const onValue = el("span", "stat-value", "–");
    onCount.append(onValue, el("span", "stat-label", "outlets on"));
    stats.append(watts, volts, onCount);
    const plotBox = el("div", "plot");
    const plotEmpty = el("div", "plot-empty", "no power readings in the last hour");
    plotBox.append(plotEmpty);
    const grid = el("div", "outlets");
    card.append(head, problem, stats, plotBox, grid);
    const entry = { card, sub, badge, problem, wattsValue, voltsValue, onValue, plotBox, plotEmpty,
      grid, outlets: new Map(), plot: null, plotKey: "" };
    devices.set(d.name, entry);
    return entry;
  }

  function outletTile(device, o) {
    const root = el("div", "outlet");
    root.dataset.outlet = String(o.number);
    const top = el("div", "outlet-top");
    const number = el("span", "outlet-number", o.number);
    const name = el("span", "outlet-name");
    const state = el("span", "state");
    top.append(number, name, state);
    const readings = el("div", "readings");
    const watts = el("span", "watts");
    const volts = el("span", "volts");
    readings.append(watts, volts);
    const buttons = el("div", "buttons");
    const tile = { root, name, state, watts, volts, buttons, result: el("div", "result"), data: o };
    for (const action of ["on", "off", "cycle"]) {
      const b = el("button", "act act-" + action, action === "cycle" ? "Cycle" : action.toUpperCase());
      b.type = "button";
      b.dataset.action = action;
      b.addEventListener("click", () => switchOutlet(device, tile.data, action));
      buttons.append(b);
    }
    root.append(top, readings, buttons, tile.result);
    return tile;
  }

  function fillOutlet(tile, o) {
    tile.data = o;
    tile.name.textContent = o.name || "Outlet " + o.number;
    tile.name.title = (o.name || "") + (o.id ? " (id " + o.id + ")" : "");
    const state = o.state || "UNKNOWN";
    tile.state.textContent = state;
    tile.state.className = "state state-" + state.toLowerCase();
    tile.root.classList.toggle("on", state === "ON");
    tile.root.classList.toggle("off", state === "OFF");
    tile.watts.textContent = fmt(o.power, "W", 1);
    tile.volts.textContent = typeof o.voltage === "number" ? fmt(o.voltage, "V", 0) : "";
    for (const b of tile.buttons.children) b.disabled = o.switchable === false;
  }

  function updateOutlet(device, o) {
    const entry = devices.get(device);
    if (!entry || !o) return;
    let tile = entry.outlets.get(o.number);
    if (!tile) {
      tile = outletTile(device, o);
      entry.outlets.set(o.number, tile);
      const after = [...entry.outlets.keys()].sort((a, b) => a - b);
      const next = after.find((n) => n > o.number);
      entry.grid.insertBefore(tile.root, next !== undefined ? entry.outlets.get(next).root : null);
    }
    fillOutlet(tile, o);
    summarise(entry);
  }

  function summarise(entry) {
    let on = 0;
    let total = 0;
    let metered = 0;
    let vsum = 0;
    let vcount = 0;
    for (const t of entry.outlets.values()) {
      if (t.data.state === "ON") on++;
      if (typeof t.data.power === "number") { total += t.data.power; metered++; }
      if (typeof t.data.voltage === "number") { vsum += t.data.voltage; vcount++; }
    }
    entry.onValue.textContent = on + " / " + entry.outlets.size;
    entry.wattsValue.textContent = metered ? fmt(total, "W", 0) : "–";
    entry.voltsValue.textContent = vcount ? fmt(vsum / vcount, "V", 0) : "–";
    entry.total = metered ? total : null;
    totals();
  }

  function totals() {
    let connected = 0;
    let watts = 0;
    for (const e of devices.values()) {
      if (e.health === "CONNECTED") connected++;
      if (typeof e.total === "number") watts += e.total;
    }
    const t = $("totals");
    t.textContent = "";
    const a = el("span", "total-item");
    a.append(el("b", null, connected + "/" + devices.size), document.createTextNode(" online"));
    const b = el("span", "total-item");
    b.append(el("b", null, fmt(watts, "W", 0)), document.createTextNode(" in all"));
    t.append(a, b);
  }

  function setHealth(name, health) {
    const entry = devices.get(name);
    if (!entry) return;
    entry.health = health.state;
    healthBadge(entry.badge, health);
    entry.card.classList.toggle("offline", health.state !== "CONNECTED");
    entry.problem.textContent = health.state === "CONNECTED" ? ""
      : [health.problem, health.message].filter(Boolean).join(": ");
    totals();
  }

  function render(list) {
    const seen = new Set();
    const box = $("devices");
    for (const d of list.devices || []) {
      seen.add(d.name);
      let entry = devices.get(d.name);
      if (!entry) {
        entry = deviceCard(d);
        box.append(entry.card);
      }
      entry.sub.textContent = [d.driver, d.model, d.address].filter(Boolean).join(" · ");
      setHealth(d.name, d.health || {});
      for (const o of d.outlets || []) updateOutlet(d.name, o);
      summarise(entry);
    }
    for (const [name, entry] of devices) {
      if (!seen.has(name)) {
        entry.card.remove();
        devices.delete(name);
      }
    }
    if (!devices.size) {
      box.textContent = "";
      box.append(el("p", "empty", "No devices are configured, or this token may see none."));
    } else {
      const empty = box.querySelector(".empty");
      if (empty) empty.remove();
    }
  }

  function renderGroups(list) {
    const box = $("groups");
    box.textContent = "";
    const groups = list.groups || [];
    $("groups-section").hidden = groups.length === 0;
    for (const g of groups) {
      const row = el("div", "group");
      row.dataset.group = g.name;
      const info = el("div", "group-info");
      info.append(el("span", "group-name", g.name), el("span", "group-outlets", g.outlets.join(", ")));
      const buttons = el("div", "buttons");
      const out = el("div", "result");
      for (const action of ["on", "off", "cycle"]) {
        const b = el("button", "act act-" + action, action === "cycle" ? "Cycle" : action.toUpperCase());
        b.type = "button";
        b.dataset.action = action;
        b.addEventListener("click", () => runGroup(g, action, out));
        buttons.append(b);
      }
      row.append(info, buttons, out);
      box.append(row);
    }
  }

  // ------------------------------------------------------------------ plots

  function plotWidth(entry) {
    return Math.max(200, entry.plotBox.clientWidth || entry.card.clientWidth - 32);
  }

  function renderPlot(name, h) {
    const entry = devices.get(name);
    if (!entry || typeof uPlot === "undefined") return;
    const hasData = (h.watts || []).some((v) => v !== null);
    entry.plotEmpty.hidden = hasData;
    const outlets = (h.outlets || []).filter((o) => (o.watts || []).some((v) => v !== null));
    const key = outlets.map((o) => o.number + ":" + o.name).join("|");
    // the last hour, or less while there is less: from the first reading, at least 5 minutes
    let first = h.watts.findIndex((v) => v !== null);
    if (first < 0) first = 0;
    const from = Math.max(0, Math.min(first, h.times.length - 60));
    const data = [h.times, h.watts].concat(outlets.map((o) => o.watts)).map((a) => a.slice(from));
    if (entry.plot && entry.plotKey === key) {
      entry.plot.setData(data);
      return;
    }
    if (entry.plot) entry.plot.destroy();
    const series = [
      {},
      { label: "total W", stroke: "#111827", width: 2, fill: "rgba(37, 99, 235, 0.10)",
        value: (u, v) => fmt(v, "W", 0) },
    ];
    outlets.forEach((o, i) => series.push({
      label: o.name ? o.number + " " + o.name : "outlet " + o.number,
      stroke: COLORS[i % COLORS.length], width: 1.25, value: (u, v) => fmt(v, "W", 0),
    }));
    entry.plotKey = key;
    entry.plot = new uPlot({
      width: plotWidth(entry),
      height: 170,
      series,
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
      scales: { y: { range: (u, min, max) => [0, Math.max(10, max * 1.15)] } },
      axes: [
        { stroke: "#6b7280", grid: { stroke: "#eef0f3" }, ticks: { stroke: "#e5e7eb" },
          space: 70, incrs: [60, 120, 300, 600, 900, 1800],
          values: (u, vals) => vals.map((v) => new Date(v * 1000)
            .toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })) },
        { stroke: "#6b7280", grid: { stroke: "#eef0f3" }, ticks: { stroke: "#e5e7eb" },
          size: 64, values: (u, vals) => vals.map((v) => v + " W") },
      ],
    }, data, entry.plotBox);
  }

  const resize = new ResizeObserver(() => {
    for (const entry of devices.values()) {
      if (entry.plot) entry.plot.setSize({ width: plotWidth(entry), height: 170 });
    }
  });
  resize.observe($("devices"));

  // ------------------------------------------------------------------ refresh

  async function refresh() {
    if (document.hidden) return;
    try {
      render(await api("/api/v1/devices"));
      banner("");
    } catch (e) {
      if (e.status !== 401) banner("Could not load the devices: " + e.message);
      return;
    }
    for (const name of devices.keys()) {
      api("/api/v1/devices/" + encodeURIComponent(name) + "/power")
        .then((h) => renderPlot(name, h))
        .catch(() => {});
    }
  }

  // ------------------------------------------------------------------ the event stream

  function setLive(live) {
    const l = $("live");
    l.dataset.live = String(live);
    l.textContent = live ? "live" : "reconnecting";
  }

  function onFrame(frame) {
    let event = "message";
    let data = "";
    for (const line of frame.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data += line.slice(5).replace(/^ /, "");
    }
    if (!data) return;
    let e;
    try {
      e = JSON.parse(data);
    } catch (err) {
      return;
    }
    if (event === "health") {
      const before = devices.get(e.device) && devices.get(e.device).health;
      setHealth(e.device, e);
      if (before && before !== e.state) {
        logEvent(e.state === "CONNECTED" ? "ok" : "warn", e.device,
          "is " + e.state.toLowerCase() + (e.message ? ": " + e.message : ""), e.since);
      }
    } else if (event === "outlet" && e.outlet) {
      updateOutlet(e.device, e.outlet);
      logEvent(e.outlet.state === "ON" ? "on" : "off", e.device,
        "outlet " + e.outlet.number
          + (e.outlet.name && e.outlet.name !== "Outlet " + e.outlet.number ? " " + e.outlet.name : "")
          + " "
          + (e.previous || "?") + " → " + e.outlet.state, e.at);
    } else if (event === "outlet-added" || event === "outlet-removed") {
      logEvent("info", e.device, (event === "outlet-added" ? "new outlet " : "outlet gone ")
        + (e.outlet ? e.outlet.number : ""), e.at);
      refresh();
    }
  }

  async function stream() {
    streaming = true;
    for (;;) {
      try {
        const r = await fetch("/api/v1/events", { headers: headers(false), cache: "no-store" });
        if (r.status === 401) {
          setLive(false);
          streaming = false;
          askToken("the event stream needs a token");
          return;
        }
        if (!r.ok || !r.body) throw new Error("HTTP " + r.status);
        setLive(true);
        refresh(); // whatever changed while the stream was down
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value.replace(/\r\n?/g, "\n");
          let i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            onFrame(buf.slice(0, i));
            buf = buf.slice(i + 2);
          }
          if (buf.length > MAX_FRAME) buf = "";
        }
      } catch (e) {
        // fall through: show it and try again
      }
      setLive(false);
      await new Promise((res) => setTimeout(res, 2000));
    }
  }

  // ------------------------------------------------------------------ start

  function start() {
    if (started) return;
    started = true;
    api("/api/v1/groups").then(renderGroups).catch(() => {});
    refresh();
    setInterval(refresh, REFRESH_MS);
    document.addEventListener("visibilitychange", refresh);
    stream();
  }

  (async function boot() {
    $("sign-out").hidden = !token;
    try {
      render(await api("/api/v1/devices"));
      start();
    } catch (e) {
      if (e.status !== 401) {
        banner("Could not load the devices: " + e.message);
        start();
      }
    }
  })();
})();
