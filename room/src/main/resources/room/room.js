// The facilitator's page: the room as the server sends it ("room" events on a Socket.IO connection that
// carries the facilitator's token in its CONNECT). Every name and test name is set as text, never as
// markup: a name such as <img src=x onerror=alert(1)> shows as written.
"use strict";

const key = new URLSearchParams(location.hash.slice(1)).get("key");
const projector = document.getElementById("projector");
projector.checked = new URLSearchParams(location.search).has("projector");
let last = null;

function text(tag, content, cls) {
  const el = document.createElement(tag);
  el.textContent = content;
  if (cls) el.className = cls;
  return el;
}

function status(message, cls) {
  const el = document.getElementById("status");
  el.textContent = message;
  el.className = "status " + (cls || "");
}

function shownName(p, index) {
  return projector.checked ? "#" + (index + 1) : p.name;
}

function cell(s) {
  if (!s || s.state === "not started") return text("span", "·", "cell none");
  if (s.state === "skipped") return text("span", "–", "cell skipped");
  const tests = s.total == null ? String(s.passed) : s.passed + "/" + s.total;
  const el = text("span", tests, "cell " + (s.state === "green" ? "green" : "red"));
  el.title = s.state + (s.failing ? ": " + s.failing : "") + (s.minutes != null ? ", " + s.minutes + " min" : "")
      + (s.hints ? ", " + s.hints + " hint(s)" : "");
  return el;
}

function draw(room) {
  last = room;
  const steps = room.steps;
  const people = room.participants;
  const head = document.getElementById("head");
  head.replaceChildren(text("th", "participant", "name"), ...steps.map((n) => text("th", n)));
  const rows = document.getElementById("rows");
  rows.replaceChildren(...people.map((p, i) => {
    const tr = document.createElement("tr");
    tr.dataset.participant = p.id;
    const name = text("td", shownName(p, i), "name");
    name.title = shownName(p, i);
    tr.appendChild(name);
    for (const n of steps) {
      const td = document.createElement("td");
      td.dataset.step = n;
      if (n === p.step) td.className = "current";
      td.appendChild(cell(p.steps[n]));
      tr.appendChild(td);
    }
    return tr;
  }));

  // how many are on each step, and how many are done (every step they reported green or skipped)
  const summary = document.getElementById("summary");
  const on = {};
  let done = 0;
  for (const p of people) {
    const all = Object.values(p.steps);
    if (all.length > 0 && all.every((s) => s.state === "green" || s.state === "skipped")) done++;
    else if (p.step) on[p.step] = (on[p.step] || 0) + 1;
  }
  summary.replaceChildren(
    text("span", people.length + " in the room", "count"),
    ...Object.keys(on).sort().map((n) => text("span", "step " + n + ": " + on[n], "count")),
    text("span", "done: " + done, "count"));

  // who has been red longest on their current step, and on which test
  const stuck = people.map((p, i) => ({ p, i, s: p.steps[p.step] }))
    .filter((x) => x.s && x.s.state === "red")
    .sort((a, b) => (b.s.minutes || 0) - (a.s.minutes || 0));
  document.getElementById("stuck").replaceChildren(...(stuck.length === 0
    ? [text("li", "nobody is red")]
    : stuck.slice(0, 8).map((x) => text("li", shownName(x.p, x.i) + ": step " + x.p.step + ", "
        + (x.s.minutes || 0) + " min" + (x.s.failing ? ", " + x.s.failing : "")))));
}

projector.addEventListener("change", () => {
  const params = new URLSearchParams(location.search);
  if (projector.checked) params.set("projector", ""); else params.delete("projector");
  history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : "") + location.hash);
  if (last) draw(last);
});

async function start() {
  if (!key) {
    status("no key: open the address that ./kata room printed (it ends with #key=...)", "down");
    return;
  }
  if (typeof io !== "function") {
    status("the Socket.IO client is missing: run npm ci in web/ (./kata room does it)", "down");
    return;
  }
  const config = await (await fetch("/room-config")).json();
  const socket = io(location.protocol + "//" + location.hostname + ":" + config.ioPort,
    { transports: ["websocket"], auth: { token: key } });
  socket.on("connect", () => {
    status("live", "live");
    socket.emit("room", draw);
  });
  socket.on("connect_error", (err) => status("refused: " + err.message, "down"));
  socket.on("disconnect", () => status("reconnecting...", "down"));
  socket.on("room", draw);
}

start();
