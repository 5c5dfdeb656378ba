// The test receiver of linkgate's webhooks: a small HTTP server that verifies every delivery with
// the Standard Webhooks reference implementation (npm standardwebhooks), never with linkgate's
// code, and records it.
//
//   node receiver.mjs <record.jsonl> <port> "<whsec_… whsec_…>" [--hang]
//
// Listens on 127.0.0.1:<port> (0: a free one) and prints "listening on http://127.0.0.1:<port> ",
// the line tests/support/linkgate_process.hpp waits for. Each delivery is
// checked against EVERY secret given (linkgate signs with each), then appended to <record.jsonl>
// as {"id", "type", "timestamp", "verified", "data"} and answered 204 (400 when a signature does
// not verify with one of them).
// With --hang it reads requests and never answers.
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const [recordPath, port, secrets, mode] = process.argv.slice(2);
const verifiers = secrets.split(" ").filter(Boolean).map((s) => new Webhook(s));

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (mode === "--hang") return;
    const body = Buffer.concat(chunks).toString("utf8");
    let verified = verifiers.length > 0;
    let payload = null;
    for (const verifier of verifiers) {
      try {
        payload = verifier.verify(body, req.headers);
      } catch (e) {
        verified = false;
      }
    }
    const line = {
      id: req.headers["webhook-id"],
      type: payload ? payload.type : null,
      timestamp: payload ? payload.timestamp : null,
      verified,
      data: payload ? payload.data : null,
    };
    appendFileSync(recordPath, JSON.stringify(line) + "\n");
    res.writeHead(verified ? 204 : 400);
    res.end();
  });
});
server.listen(Number(port), "127.0.0.1", () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port} (receiver)\n`);
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(0));
