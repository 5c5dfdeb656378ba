// The test receiver of linkgate's sign-in hook (docs/webhooks.md "Decision hook"): verifies every
// call with the Standard Webhooks reference implementation (npm standardwebhooks), never with
// linkgate's code, and decides.
//
//   node sign_in_hook_receiver.mjs <port> "<whsec_… whsec_…>"
//
// Listens on 127.0.0.1:<port> (0: a free one) and prints "listening on http://127.0.0.1:<port> ",
// the line tests/support/linkgate_process.hpp waits for. A POST whose signature does not verify
// with EVERY secret given is answered 401; one whose payload is not a sign-in call
// ({"type": "sign_in", "data": {stage, email, user, provider, client_ip}}, with no "token"
// anywhere in the body) 422; otherwise {"allow": true}, or {"allow": false} for an address
// starting with "blocked". Both end a sign-in as no decision or a refusal, so only a verified,
// well-formed call lets one through. GET /calls answers the verified calls so far, as JSON.
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const [port, secrets] = process.argv.slice(2);
const verifiers = secrets.split(" ").filter(Boolean).map((s) => new Webhook(s));
const calls = [];

function wellFormed(body, payload) {
  if (body.includes("token") || payload.type !== "sign_in") return false;
  const d = payload.data ?? {};
  return (
    ["email", "callback"].includes(d.stage) &&
    typeof d.email === "string" &&
    typeof d.provider === "string" &&
    typeof d.client_ip === "string" &&
    (d.user === null || (typeof d.user === "object" && d.user.email === d.email))
  );
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (req.method === "GET" && req.url === "/calls") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify(calls));
    }
    const body = Buffer.concat(chunks).toString("utf8");
    let payload = null;
    try {
      for (const verifier of verifiers) payload = verifier.verify(body, req.headers);
    } catch (e) {
      payload = null;
    }
    if (verifiers.length === 0 || !payload) {
      res.writeHead(401);
      return res.end();
    }
    if (!wellFormed(body, payload)) {
      res.writeHead(422);
      return res.end();
    }
    calls.push({ id: req.headers["webhook-id"], data: payload.data });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ allow: !payload.data.email.startsWith("blocked") }));
  });
});
server.listen(Number(port), "127.0.0.1", () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port} (sign-in hook)\n`);
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(0));
