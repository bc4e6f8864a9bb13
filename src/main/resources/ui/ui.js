// weft ring view. Reads /status and /status/ring (the same JSON any tool can read), listens to
// /ui/events (server-sent events of this agent's weft.events), and redraws. Read-only: it never
// sends anything but GETs. Every text from the cluster goes in with textContent, never as HTML.
"use strict";

const REFRESH_MS = 2000;
const FETCH_TIMEOUT_MS = 5000;
const KEEP_EVENTS = 100;
const SVG = "http://www.w3.org/2000/svg";
// Distinct, colour-blind-friendlier hues (Tableau 10 without its red, which means "unreachable").
const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948",
  "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d4a6c8", "#8cd17d"];
const EVENT_KINDS = {
  "allocated": ["allocated", "ok"],
  "freed": ["freed", "dim"],
  "peer-joined": ["peer joined", "info"],
  "peer-left": ["peer left", "bad"],
  "merge-refused": ["merge refused", "bad"],
  "consensus-achieved": ["consensus", "ok"],
  "quorum-mismatch": ["quorum mismatch", "warn"],
};

const $ = (id) => document.getElementById(id);
const openedAt = Date.now();
const state = { status: null, ring: null, picked: null, nicknames: new Map() };

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

const count = (n) => Number(n).toLocaleString("en-US");
const percent = (part, whole) => (whole > 0 ? (100 * part / whole).toFixed(1) : "0.0") + "%";

async function getJson(path) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
  try {
    const response = await fetch(path, { signal: abort.signal, cache: "no-store" });
    if (!response.ok) throw new Error(path + " answered " + response.status);
    return await response.json();
  } finally {
    clearTimeout(timer);
  }
}

// ---- colours: one per peer, stable while the set of peers is ----

function colours() {
  const names = new Set();
  for (const p of state.status ? state.status.peers : []) names.add(p.name);
  for (const r of state.ring ? state.ring.ranges : []) names.add(r.owner);
  const sorted = [...names].sort();
  const map = new Map();
  sorted.forEach((n, i) => map.set(n, PALETTE[i % PALETTE.length]));
  return map;
}

function label(name) {
  const nick = state.nicknames.get(name);
  return nick ? nick + " (" + name + ")" : name;
}

// ---- the ring ----

function polar(r, turn) {
  const a = 2 * Math.PI * turn - Math.PI / 2;
  return [160 + r * Math.cos(a), 160 + r * Math.sin(a)];
}

// An annulus sector from turn t0 to t1 (fractions of the circle), between radii r0 < r1.
function sector(t0, t1, r0, r1) {
  if (t1 - t0 >= 0.9999) {
    // A full turn cannot be one arc: draw it as two halves.
    return sector(t0, t0 + 0.5, r0, r1) + " " + sector(t0 + 0.5, t0 + 1, r0, r1);
  }
  const large = t1 - t0 > 0.5 ? 1 : 0;
  const [x0, y0] = polar(r1, t0), [x1, y1] = polar(r1, t1);
  const [x2, y2] = polar(r0, t1), [x3, y3] = polar(r0, t0);
  return `M${x0.toFixed(2)} ${y0.toFixed(2)} A${r1} ${r1} 0 ${large} 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`
    + ` L${x2.toFixed(2)} ${y2.toFixed(2)} A${r0} ${r0} 0 ${large} 0 ${x3.toFixed(2)} ${y3.toFixed(2)} Z`;
}

function drawRing() {
  const ring = state.ring, root = $("ring");
  const colour = colours();
  root.replaceChildren();
  const defs = svg("defs");
  const hatch = svg("pattern", { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse",
    patternTransform: "rotate(45)" });
  hatch.append(svg("rect", { width: 1.8, height: 6, fill: "rgba(195, 50, 43, 0.7)" }));
  defs.append(hatch);
  root.append(defs);
  const R0 = 96, R1 = 140;
  if (!ring.ranges.length) {
    root.append(svg("circle", { class: "empty", cx: 160, cy: 160, r: (R0 + R1) / 2 }));
  }
  for (const r of ring.ranges) {
    const t0 = r.offset / ring.size;
    // Keep a sliver visible however small the range; the tooltip has the exact figures.
    const t1 = Math.max(t0 + 0.0015, (r.offset + r.size) / ring.size);
    const path = svg("path", { class: r.reachable ? "arc" : "arc down", d: sector(t0, t1, R0, R1),
      fill: colour.get(r.owner) });
    path.dataset.owner = r.owner;
    path.dataset.first = r.first;
    const title = svg("title");
    title.textContent = describeRange(r, ring.size);
    path.append(title);
    path.addEventListener("mouseenter", () => pick(r));
    path.addEventListener("click", () => pick(r));
    if (state.picked && state.picked.first === r.first) path.classList.add("picked");
    root.append(path);
    if (!r.reachable) {
      root.append(svg("path", { class: "gone", d: sector(t0, t1, R0, R1) }));
      root.append(svg("path", { class: "gone-edge", d: sector(t0, t1, R1 + 3, R1 + 7) }));
    } else if (r.owner === ring.name) {
      root.append(svg("path", { class: "self-edge", d: sector(t0, t1, R0 - 5, R0 - 2) }));
    }
  }
  const owners = new Set(ring.ranges.map((r) => r.owner)).size;
  const hub = (cls, y, text) => {
    const t = svg("text", { class: cls, x: 160, y });
    t.textContent = text;
    root.append(t);
  };
  hub("hub-big", 152, ring.range);
  hub("hub-small", 172, ring.ranges.length
    ? count(ring.size) + " addresses · " + owners + (owners === 1 ? " owner" : " owners")
    : "no ring yet");
  hub("hub-state " + ring.consensus, 192, "consensus " + ring.consensus);
  drawLegend(colour);
  const gone = ring.removed || [];
  $("tombstones").hidden = gone.length === 0;
  $("tombstones").textContent = gone.length
    ? "Removed with rmpeer (tombstoned, may not rejoin with their old ranges): " + gone.map(label).join(", ")
    : "";
  if (state.picked) {
    const still = ring.ranges.find((r) => r.first === state.picked.first);
    showRange(still || null);
  }
}

function describeRange(r, size) {
  const cidrs = r.cidrs.length > 4 ? r.cidrs.slice(0, 4).join(", ") + ", +" + (r.cidrs.length - 4) + " more"
    : r.cidrs.join(", ");
  return `${label(r.owner)}${r.reachable ? "" : " (unreachable)"}\n${r.first} – ${r.last}\n`
    + `${count(r.size)} addresses (${percent(r.size, size)}), ${cidrs}\nfree reported: ${count(r.free)}, version ${r.version}`;
}

function pick(r) {
  state.picked = r;
  for (const p of $("ring").querySelectorAll(".arc")) p.classList.toggle("picked", p.dataset.first === r.first);
  showRange(r);
}

function showRange(r) {
  const box = $("range-detail");
  if (!r) {
    box.textContent = "Hover or tap a range for its CIDRs.";
    return;
  }
  box.replaceChildren();
  box.append(el("b", null, label(r.owner)), r.reachable ? "" : " · unreachable", el("br"),
    r.first + " – " + r.last + " · " + count(r.size) + " addresses (" + percent(r.size, state.ring.size) + ")",
    el("br"), r.cidrs.join(", "), el("br"), "free reported " + count(r.free) + " · version " + r.version);
}

function drawLegend(colour) {
  const legend = $("legend");
  legend.replaceChildren();
  const owned = new Map();
  for (const r of state.ring.ranges) owned.set(r.owner, (owned.get(r.owner) || 0) + r.size);
  for (const [name, size] of owned) {
    const li = el("li");
    const sw = el("span", "swatch");
    sw.style.background = colour.get(name);
    li.append(sw, (state.nicknames.get(name) || name) + " " + percent(size, state.ring.size));
    legend.append(li);
  }
  if (state.ring.ranges.some((r) => r.owner === state.ring.name)) {
    const li = el("li");
    li.append(el("span", "swatch self-line"), "this host's ranges");
    legend.append(li);
  }
  if (state.ring.ranges.some((r) => !r.reachable)) {
    const li = el("li");
    li.append(el("span", "swatch hatched"), "owner unreachable");
    legend.append(li);
  }
}

// ---- peers ----

function drawPeers() {
  const status = state.status, size = state.ring.size, colour = colours();
  const body = $("peers").tBodies[0];
  body.replaceChildren();
  for (const p of status.peers) {
    const self = p.name === status.name;
    const tr = el("tr", self ? "self" : "");
    tr.dataset.peer = p.name;
    tr.dataset.reachable = String(p.reachable);
    tr.dataset.owned = String(p.owned);
    const who = el("div", "who");
    const sw = el("span", "swatch");
    sw.style.background = colour.get(p.name);
    const names = el("div", "names");
    const nick = el("span", "nick", p.nickname || "(no nickname)");
    if (self) nick.append(el("span", "tag", "this host"));
    const reach = () => p.reachable ? el("span", "badge ok", "reachable") : el("span", "badge bad", "unreachable");
    const inline = el("span", "state-inline");
    inline.append(reach());
    names.append(nick, el("span", "name mono dim", p.name), inline);
    who.append(sw, names);
    const stateCell = el("td", "col-state");
    stateCell.append(reach());
    const inUse = Math.max(0, p.owned - p.free);
    const use = el("div", "use");
    const meter = el("div", "meter");
    const fill = el("span");
    fill.style.width = (p.owned > 0 ? Math.min(100, 100 * inUse / p.owned) : 0) + "%";
    meter.append(fill);
    use.append(meter, el("span", null, count(inUse)));
    const useCell = el("td", "num in-use");
    useCell.append(use);
    const whoCell = el("td");
    whoCell.append(who);
    tr.append(whoCell, stateCell, el("td", "num owned", count(p.owned)),
      el("td", "num share", percent(p.owned, size)), el("td", "num free col-free", count(p.free)), useCell);
    body.append(tr);
  }
  const down = status.peers.filter((p) => !p.reachable).length;
  $("peer-count").textContent = status.peers.length + (status.peers.length === 1 ? " peer" : " peers")
    + (down ? ", " + down + " unreachable" : "");
}

// ---- cluster facts and alerts ----

function fact(term, value, badge) {
  const d = el("div");
  const dd = el("dd");
  dd.append(badge ? el("span", "badge " + badge, value) : String(value));
  d.append(el("dt", null, term), dd);
  return d;
}

// CNI attachments this host holds, from /status "cni": "3 attachments (podman-weft: 3)" or "none".
function cniFact(cni) {
  const n = cni ? cni.attachments : 0;
  const networks = Object.entries(cni ? cni.networks : {}).map(([name, k]) => name + ": " + count(k));
  const d = n ? fact("CNI", count(n) + (n === 1 ? " attachment" : " attachments") + " (" + networks.join(", ") + ")")
    : fact("CNI", "none", "dim");
  d.id = "cni-state";
  return d;
}

function drawCluster() {
  const s = state.status;
  const consensusBadge = { achieved: "ok", waiting: "warn", deferred: "dim" }[s.consensus] || "dim";
  const dockerBadge = { connected: "ok", unavailable: "bad", disabled: "dim" }[s.docker] || "dim";
  $("facts").replaceChildren(
    fact("Consensus", s.consensus, consensusBadge),
    fact("Quorum", s.quorum),
    fact("Known electors", s.knownElectors),
    fact("Seeded by", (state.ring.seeds || []).length ? state.ring.seeds.length + " peers" : "—"),
    fact("Range", s.range),
    fact("Default subnet", s.defaultSubnet),
    fact("Active here", count(s.activeAddresses)),
    fact("Pending allocations", s.pendingAllocations),
    fact("Pending claims", s.pendingClaims),
    fact("Docker", s.docker, dockerBadge),
    cniFact(s.cni),
    fact("Role", s.observer ? "observer" : "elector"));
  if (typeof s.tls === "boolean") $("facts").append(fact("Peer traffic", s.tls ? "TLS" : "plain", s.tls ? "ok" : "dim"));
  if (s.reset) $("facts").append(fact("Reset", "handed its ranges away", "bad"));
  const alerts = $("alerts");
  alerts.replaceChildren();
  for (const e of s.errors || []) alerts.append(el("div", "alert bad", e));
  for (const w of s.warnings || []) alerts.append(el("div", "alert warn", w));
  const lost = s.peers.filter((p) => !p.reachable && p.owned > 0);
  if (lost.length) {
    const held = lost.reduce((sum, p) => sum + p.owned, 0);
    const alert = el("div", "alert warn", "Unreachable peers hold " + count(held) + " addresses ("
      + percent(held, state.ring.size) + "). If " + (lost.length === 1 ? "it is" : "they are")
      + " gone for good, run ");
    alert.append(el("code", "command", "weft rmpeer " + lost.map((p) => p.nickname || p.name).join(" ")));
    alerts.append(alert);
  }
  if (s.dockerDetail && s.dockerDetail.lastError && s.docker === "unavailable") {
    alerts.append(el("div", "alert warn", "Docker: " + s.dockerDetail.lastError));
  }
  $("cluster-name").textContent = s.clusterName || "";
  $("version").textContent = s.version ? "weft " + s.version : "";
}

// ---- events ----

function describeEvent(e) {
  const peer = e.peer ? label(e.peer) : "";
  switch (e.type) {
    case "allocated": return e.id + " → " + e.address;
    case "freed": return e.id + " ✕ " + e.address;
    case "peer-joined": case "peer-left": return peer;
    case "consensus-achieved": return "the ring is seeded";
    default: return [peer, e.reason].filter(Boolean).join(": ");
  }
}

// The event each list item shows, to name its peer again once the peer's nickname is known.
const shown = new WeakMap();

function relabelEvents() {
  for (const li of $("events").querySelectorAll("li[data-peer]")) {
    li.querySelector(".what").textContent = describeEvent(shown.get(li));
  }
}

function addEvent(e, fresh) {
  const list = $("events");
  const empty = list.querySelector(".empty");
  if (empty) empty.remove();
  const [word, tone] = EVENT_KINDS[e.type] || [e.type, "dim"];
  const li = el("li", fresh ? "fresh" : "");
  li.dataset.type = e.type;
  if (e.id) li.dataset.id = e.id;
  if (e.address) li.dataset.address = e.address;
  if (e.peer) li.dataset.peer = e.peer;
  shown.set(li, e);
  const when = e.time ? new Date(e.time).toLocaleTimeString("en-GB", { hour12: false }) : "";
  const kind = el("span");
  kind.append(el("span", "badge " + tone, word));
  li.append(el("span", "when", when), kind, el("span", "what", describeEvent(e)));
  list.prepend(li);
  while (list.children.length > KEEP_EVENTS) list.lastElementChild.remove();
}

function listen() {
  const source = new EventSource("/ui/events");
  source.onopen = () => setLive();
  source.onerror = () => setLive();
  source.onmessage = (m) => {
    let e;
    try { e = JSON.parse(m.data); } catch (err) { return; }
    // Events from before the page opened are history, not news: only newer ones flash.
    addEvent(e, e.time >= openedAt);
    soon();
  };
  state.source = source;
}

// ---- refresh ----

function setLive(failure) {
  const live = $("live");
  let mode = "live", text = "live";
  if (failure) {
    mode = "down";
    text = "agent not answering";
  } else if (!state.source || state.source.readyState !== EventSource.OPEN) {
    mode = "reconnecting";
    text = "events reconnecting";
  }
  live.dataset.state = mode;
  $("live-text").textContent = text;
}

async function refresh() {
  try {
    const [status, ring] = await Promise.all([getJson("/status"), getJson("/status/ring")]);
    state.status = status;
    state.ring = ring;
    for (const p of status.peers) if (p.nickname) state.nicknames.set(p.name, p.nickname);
    for (const r of ring.ranges) if (r.nickname) state.nicknames.set(r.owner, r.nickname);
    $("self-nick").textContent = status.nickname;
    $("self-name").textContent = status.name;
    $("range").textContent = ring.range;
    document.title = "weft · " + status.nickname;
    drawRing();
    drawPeers();
    drawCluster();
    relabelEvents();
    document.body.dataset.updated = String(Date.now());
    setLive(false);
  } catch (err) {
    setLive(true);
  }
}

let pending = null;
function soon() {
  if (!pending) pending = setTimeout(() => { pending = null; refresh(); }, 250);
}

refresh();
listen();
setInterval(refresh, REFRESH_MS);
