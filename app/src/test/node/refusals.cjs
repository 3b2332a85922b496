// Opens Socket.IO connections with the official JavaScript client (web/node_modules), one per case,
// and prints what each heard, one JSON line per case: {"name", "events": ["connect", "connect_error: ..."]}.
// Used by app/src/test/java/kata/JsClientRefusalsTest.java: node refusals.cjs <socket url> <cases as JSON>.
"use strict";
const path = require("path");
const { io } = require(path.resolve(__dirname, "../../../../web/node_modules/socket.io-client"));

const [url, casesJson] = process.argv.slice(2);
const cases = JSON.parse(casesJson);

function run(c) {
  return new Promise((resolve) => {
    const events = [];
    const socket = io(url, {
      forceNew: true,
      reconnection: false,
      timeout: 5000,
      transports: c.transports,
      auth: c.auth,
      query: c.query,
      extraHeaders: c.headers,
    });
    let done = null;
    // what comes after the first answer matters too: the trap was "connect", then "connect_error"
    const settle = () => { if (!done) done = setTimeout(finish, 700); };
    const finish = () => { socket.close(); resolve({ name: c.name, events }); };
    socket.on("connect", () => { events.push("connect"); settle(); });
    socket.on("connect_error", (err) => { events.push("connect_error: " + err.message); settle(); });
    socket.on("disconnect", (reason) => events.push("disconnect: " + reason));
    setTimeout(() => { if (!done) { events.push("no answer within 8 s"); finish(); } }, 8000);
  });
}

(async () => {
  for (const c of cases) {
    console.log(JSON.stringify(await run(c)));
  }
  process.exit(0);
})();
