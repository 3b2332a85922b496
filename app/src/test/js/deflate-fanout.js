// Fan-out to websockets that offer permessage-deflate, as browsers and the Node client do (the JDK's
// client of kata.bench.Fanout cannot): what compression costs the server. Linux only (/proc).
//
//   ./kata run &                     # or any build of the app, on PORT / IO_PORT
//   node app/src/test/js/deflate-fanout.js 3000 3001 <pid of the app's JVM> [K=2000] [W=100] [R=100]
//
// K connections of john, W unmeasured events, then R events each waited for on every connection;
// prints deliveries/s, the server's CPU per 1,000 deliveries and its RSS growth per connection.
// Uses the ws package that the page's socket.io-client brought into web/node_modules (npm ci in web/).
"use strict";
const path = require("node:path");
const fs = require("node:fs");
const WebSocket = require(require.resolve("ws", { paths: [path.join(__dirname, "../../../../web/node_modules")] }));

const [httpPort, ioPort, pid] = process.argv.slice(2, 5).map(Number);
const [K = 2000, W = 100, R = 100] = process.argv.slice(5).map(Number);
if (!httpPort || !ioPort || !pid) {
  console.error("usage: node deflate-fanout.js <http port> <Socket.IO port> <server pid> [K] [W] [R]");
  process.exit(2);
}
const stat = () => fs.readFileSync(`/proc/${pid}/stat`, "utf8");
const cpuSeconds = () => { const f = stat().slice(stat().lastIndexOf(")") + 2).split(" "); return (Number(f[11]) + Number(f[12])) / 100; };
const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))[1]);

(async () => {
  const login = await fetch(`http://127.0.0.1:${httpPort}/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "john", password: "changeit" }) });
  const token = (await login.json()).token;
  const notify = async () => { const r = await fetch(`http://127.0.0.1:${httpPort}/notify`, { method: "POST", headers: { authorization: "Bearer " + token } }); await r.text(); };
  for (let i = 0; i < 1000; i++) await notify(); // the HTTP side warmed up before anything is read

  const rss0 = rssKb();
  let delivered = 0, waiting = null, compressed = 0;
  for (let i = 0; i < K; i += 16) {
    await Promise.all(Array.from({ length: Math.min(16, K - i) }, () => new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${ioPort}/socket.io/?EIO=4&transport=websocket`, { headers: { authorization: "Bearer " + token } });
      ws.on("upgrade", (res) => { if (res.headers["sec-websocket-extensions"]) compressed++; });
      ws.on("message", (data) => {
        const m = data.toString();
        if (m.startsWith("0{")) ws.send("40");
        else if (m.startsWith("40")) resolve();
        else if (m === "2") ws.send("3");
        else if (m === '42["foo","bar"]' && ++delivered >= (waiting ? waiting.until : Infinity)) { const w = waiting; waiting = null; w.resolve(); }
      });
      ws.on("error", reject);
    })));
  }
  const rss1 = rssKb();
  const round = async () => { const done = new Promise((resolve) => { waiting = { until: delivered + K, resolve }; }); await notify(); await done; };
  for (let j = 0; j < W; j++) await round();
  const cpu0 = cpuSeconds(), t0 = performance.now();
  for (let j = 0; j < R; j++) await round();
  const seconds = (performance.now() - t0) / 1000, cpu = cpuSeconds() - cpu0;
  console.log(`${K} connections, permessage-deflate accepted on ${compressed}: ${Math.round((K * R) / seconds)} deliveries/s, ` +
    `server CPU ${((1e6 * cpu) / (K * R)).toFixed(1)} ms per 1,000 deliveries, RSS growth ${((rss1 - rss0) / K).toFixed(0)} KB per connection`);
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
