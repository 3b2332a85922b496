"use strict";

// The page of the kata: log in over HTTP to get a JSON Web Token, then open a
// Socket.IO connection that carries the same token. The token is kept in
// localStorage and is never printed or shown. Since step 11 the login also
// leaves a refresh token in a cookie this script cannot read: before the token
// expires, the page fetches a new one (POST /refresh) and sends it on the live
// connection, which stays open.

const TOKEN_KEY = "kata.token";
const $ = (id) => document.getElementById(id);

let token = localStorage.getItem(TOKEN_KEY);
let user = null;   // { id, username } from GET /self
let socket = null;
let config = null; // GET /config.json: where the Socket.IO server is, how it takes the token
let refreshFailure = null; // the last refused or failed POST /refresh: { status, error }

// ---- HTTP -------------------------------------------------------------------

// fetch() with JSON in and out; never throws. The token, when given, goes in
// the standard "Authorization: Bearer <token>" header.
async function api(method, path, { body, auth } = {}) {
  const headers = {};
  if (auth) headers.authorization = "Bearer " + auth;
  if (body !== undefined) headers["content-type"] = "application/json";
  try {
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = await res.json(); } catch { /* not JSON */ }
    return { ok: res.ok, status: res.status, data };
  } catch {
    return { ok: false, status: 0, data: { error: "the server did not answer" } };
  }
}

const errorText = (res) => res.data.error || "HTTP " + res.status;

// ---- Views ------------------------------------------------------------------

function show(view, message) {
  $("signed-in").hidden = view !== "signed-in";
  $("signed-out").hidden = view !== "signed-out";
  showLoginError(message);
}

function showLoginError(message) {
  $("login-error").textContent = message || "";
  $("login-error").hidden = !message;
}

function setStatus(text) {
  $("status").textContent = text;
  // connecting… -> "connecting", no socket server -> "none", for the colour
  $("status").dataset.state = text.startsWith("connecting") ? "connecting"
    : text === "no socket server" ? "none" : text;
}

function note(message) {
  $("socket-note").textContent = message || "";
  $("socket-note").hidden = !message;
}

function forgetToken() {
  token = null;
  localStorage.removeItem(TOKEN_KEY);
}

function keepToken(fresh) {
  token = fresh;
  localStorage.setItem(TOKEN_KEY, fresh);
}

// ---- Refresh (step 11) --------------------------------------------------------

// A new token from the refresh cookie, or null (no cookie, a login that ended
// or expired, another step's server). One tab at a time: the tabs share the
// cookie, and a refresh token presented twice ends the login (see
// RefreshTokens), so a tab that waited for another one takes the token that
// tab got instead of asking again.
async function refreshToken() {
  const ask = async () => {
    const stored = localStorage.getItem(TOKEN_KEY);
    if (stored && stored !== token && expiresIn(stored) > expiresIn(token)) {
      token = stored;
      return token;
    }
    const res = await api("POST", "/refresh");
    if (!res.ok || typeof res.data.token !== "string") {
      refreshFailure = { status: res.status, error: errorText(res) };
      return null;
    }
    refreshFailure = null;
    keepToken(res.data.token);
    const shown = $("token-refreshed");
    shown.dataset.count = String(Number(shown.dataset.count) + 1);
    shown.textContent = "refreshed at " + new Date().toLocaleTimeString();
    return token;
  };
  return navigator.locks ? navigator.locks.request("kata.refresh", ask) : ask();
}

// A token's claims: readable by anyone (only the server can trust them).
function claims(jwt) {
  try {
    return JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    return {};
  }
}

// Milliseconds until a token's exp.
const expiresIn = (jwt) => (claims(jwt || "").exp || -Infinity) * 1000 - Date.now();

// The login a token belongs to (step 11).
const family = (jwt) => claims(jwt || "").fam;

async function loadConfig() {
  if (!config) {
    const res = await api("GET", "/config.json");
    config = res.ok ? res.data : {};
  }
  return config;
}

// ---- Signing in and out -----------------------------------------------------

async function start() {
  if (typeof io === "undefined") $("client-missing").hidden = false;
  const refreshes = (await loadConfig()).refresh === true;
  // A stored token may have expired or been signed with another secret: ask.
  let self = token ? await api("GET", "/self", { auth: token }) : { ok: false, status: 401, data: {} };
  // Since step 11: no token, or an expired one, and the login may still be refreshed
  if (!self.ok && self.status === 401 && refreshes && await refreshToken()) {
    self = await api("GET", "/self", { auth: token });
  }
  if (!self.ok) {
    forgetToken();
    return show("signed-out", self.status === 401 ? "" : errorText(self));
  }
  await signedIn(self.data);
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  showLoginError("");
  $("login").disabled = true;
  const res = await api("POST", "/login", {
    body: { username: $("username").value, password: $("password").value },
  });
  $("login").disabled = false;
  if (!res.ok || typeof res.data.token !== "string") {
    $("password").value = "";
    return showLoginError(res.ok ? "the server sent no token" : errorText(res));
  }
  const self = await api("GET", "/self", { auth: res.data.token });
  if (!self.ok) return showLoginError("logged in, but GET /self said: " + errorText(self));
  keepToken(res.data.token);
  await signedIn(self.data);
});

async function signedIn(self) {
  user = self;
  $("self-name").textContent = self.username;
  resetSocketView();
  show("signed-in");

  const mine = token;
  const settings = await loadConfig();
  if (token !== mine) return; // logged out meanwhile
  if (!settings.ioPort) {
    setStatus("no socket server");
    return note("This step has no Socket.IO server yet (it comes in step 04)");
  }
  $("live").hidden = false;
  refreshOnline();
  if (typeof io === "undefined") return setStatus("disconnected"); // see the banner
  // The Socket.IO server has its own port, on the same host name as this page.
  connect(location.protocol + "//" + location.hostname + ":" + settings.ioPort,
    settings.socketAuth === "payload", settings.refresh === true);
}

$("logout").addEventListener("click", async () => {
  const mine = token;
  if (!mine) return signOut("");
  // Since step 09 the server revokes the token and ends every connection
  // opened with it, in every tab; before that step the route does not exist
  // (404), and a token that expired meanwhile gets 401: signed out all the same.
  $("logout").disabled = true;
  const res = await api("POST", "/logout", { auth: mine });
  $("logout").disabled = false;
  if (res.status === 503 || res.status === 429 || res.status === 0) {
    // not revoked (step 10: Redis did not answer; or too many logouts): the
    // token still works, so keep it, say so, and let the user try again
    return note("not logged out: " + errorText(res));
  }
  if (token === mine) signOut("");
  else showLoginError(""); // this tab's session_ended came first: no message for your own logout
});

// Back to the login form, the token forgotten, with a message saying why.
function signOut(message) {
  const s = socket;
  socket = null;
  if (s) s.disconnect();
  user = null;
  forgetToken();
  resetSocketView();
  show("signed-out", message);
}

function resetSocketView() {
  setStatus("disconnected");
  note("");
  $("socket-id").textContent = "—";
  $("transport").textContent = "—";
  $("whoami").textContent = "—";
  $("token-refreshed").textContent = "—";
  $("token-refreshed").dataset.count = "0";
  $("events").replaceChildren();
  $("notify-result").textContent = "";
  $("online").textContent = "online: ?";
  $("live").hidden = true;
}

// ---- Socket.IO --------------------------------------------------------------

function connect(url, withPayload, refreshes) {
  setStatus("connecting…");
  let sentToken = token; // the token this connection lives on: the one it connected or renewed with

  if (withPayload) {
    // Since step 08: straight to WebSocket, with the token in the Socket.IO
    // CONNECT packet (the "auth" payload), which travels inside the connection.
    // No polling, so no preflight and no upgrade. The payload is a function, so
    // that every reconnection sends the token of the moment, not the first one.
    socket = io(url, { transports: ["websocket"], auth: (send) => { sentToken = token; send({ token }); } });
  } else {
    // Steps 04 to 07: the token travels as an HTTP header, exactly as for
    // GET /self. This only works because the default transports start with
    // HTTP long-polling: a browser's WebSocket API cannot set request headers,
    // so with transports: ["websocket"] the header would silently never be
    // sent. The server checks the token on the first polling request (the
    // handshake) only; the later upgrade to WebSocket joins that
    // already-authenticated session, so it needs no header of its own.
    socket = io(url, { extraHeaders: { authorization: "bearer " + token } });
  }
  const s = socket;

  s.on("connect", () => {
    setStatus("connected");
    note("");
    $("socket-id").textContent = s.id;
    $("transport").textContent = s.io.engine.transport.name;
    $("whoami").textContent = "…";
    // An event with an acknowledgement: the server answers with the user it
    // attached to this connection during the handshake.
    s.emit("whoami", (username) => {
      if (s === socket) $("whoami").textContent = username;
    });
    refreshOnline();
  });

  s.on("disconnect", () => {
    if (s !== socket) return;
    setStatus("disconnected");
    $("socket-id").textContent = "—";
    $("transport").textContent = "—";
    $("whoami").textContent = "—";
    refreshOnline();
  });

  // The connection was refused (missing, invalid or expired token). A refused
  // CONNECT (step 08 on) says why in err.message ("invalid token", "no token");
  // a refused handshake is a bare 401, which the client reports as a transport
  // error without a reason. Stop retrying and ask for a new login.
  let retried = false;
  s.on("connect_error", async (err) => {
    if (s !== socket) return;
    // Since step 11: a reconnection whose token expired meanwhile (a laptop
    // that slept) refreshes once, and tries again with the new token.
    if (refreshes && !retried && err.message === "token expired") {
      retried = true;
      if (await refreshToken()) return s.connect();
    }
    s.disconnect();
    socket = null;
    forgetToken();
    setStatus("refused");
    const reason = /token/.test(err.message) ? err.message : "";
    note("connection refused" + (reason ? " (" + reason + ")" : "") + ": log in again");
    $("live").hidden = true;
    $("signed-out").hidden = false;
  });

  // Since step 09 the server ends a connection when its token expires, or when
  // the token is logged out with (in this tab or another), and says why first.
  s.on("session_ended", (reason) => {
    if (s !== socket) return;
    signOut(reason === "session expired" ? "session expired, log in again"
      : reason === "logged out" ? "you logged out (in this tab or another), log in again"
      : reason === "refresh token reused" ? "your login was used from somewhere else, so it was ended: log in again"
      : "the server ended the session (" + reason + "), log in again");
  });

  // Since step 11: the token expires soon. A new one from the refresh cookie,
  // sent on this connection, which then lives until the new one expires.
  const renew = async () => {
    if (!refreshes || s !== socket) return;
    const fresh = await refreshToken();
    if (s !== socket) return;
    if (!fresh && refreshFailure && refreshFailure.status !== 401 && refreshFailure.status !== 404) {
      // the server could not refresh now (503: Redis away; 0: no answer): try again while the token
      // lives; at its exp the server ends the connection, and says so
      note("could not refresh the token (" + refreshFailure.error + "): trying again");
      return setTimeout(renew, 2000);
    }
    if (!fresh) return signOut("session expired, log in again");
    note("");
    if (family(fresh) !== family(sentToken)) {
      // another login in this browser replaced the cookie: its token cannot renew
      // this connection (the server would refuse it), so connect again with it
      s.disconnect();
      return connect(url, withPayload, refreshes);
    }
    sentToken = fresh;
    s.emit("reauth", { token: fresh }, (answer) => {
      if (s === socket && answer && answer.error) signOut("the server refused the new token (" + answer.error + "), log in again");
    });
  };
  s.on("token_expiring", renew);

  // Sent by the server to every connection of this user (POST /notify).
  s.on("foo", (payload) => addEvent("foo", payload));
}

function addEvent(name, payload) {
  const li = document.createElement("li");
  const time = document.createElement("time");
  time.textContent = new Date().toLocaleTimeString();
  const event = document.createElement("strong");
  event.textContent = name;
  const data = document.createElement("code");
  data.textContent = typeof payload === "string" ? payload : JSON.stringify(payload);
  li.append(time, " ", event, " ", data);
  $("events").append(li);
}

// ---- Presence and notify (HTTP routes that reach the Socket.IO server) ------

async function refreshOnline() {
  if (!token || !user) return;
  const res = await api("GET", "/users/" + user.id + "/online", { auth: token });
  if (!token) return;
  $("online").textContent = res.ok ? "online: " + (res.data.online ? "yes" : "no")
    : "online: ? (" + errorText(res) + ")";
}

$("online-refresh").addEventListener("click", refreshOnline);

$("notify").addEventListener("click", async () => {
  $("notify-result").textContent = "sending…";
  const res = await api("POST", "/notify", { auth: token });
  $("notify-result").textContent = res.ok
    ? "sent to " + res.data.connections + " connection(s)"
    : errorText(res);
});

start();
