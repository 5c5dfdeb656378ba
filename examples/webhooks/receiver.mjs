// A linkgate webhook receiver in Node, with node:crypto only (docs/webhooks.md).
//
//   LINKGATE_WEBHOOK_SECRET=whsec_... node receiver.mjs [port]
//
// Checks each delivery's Standard Webhooks signature against its secret(s) (space-separated, as
// in linkgate's setting), refuses a timestamp more than 5 minutes off, handles each webhook-id
// once, and answers 204; a delivery that does not verify gets 400 (linkgate retries it, then
// keeps it as failed). The npm package `standardwebhooks` does the same check:
// `new Webhook(secret).verify(body, headers)`. In production keep the ids seen in your database
// (a unique key on webhook-id), and answer quickly: do slow work after answering.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const keys = process.env.LINKGATE_WEBHOOK_SECRET.split(" ")
  .filter(Boolean)
  .map((secret) => Buffer.from(secret.replace(/^whsec_/, ""), "base64"));
const toleranceSeconds = 5 * 60;
const seen = new Set(); // use a table keyed by webhook-id in production

function verify(id, timestamp, body, signatureHeader) {
  if (!id || !/^\d+$/.test(timestamp ?? "")) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = keys.map((key) =>
    createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest());
  return (signatureHeader ?? "").split(" ").some((signature) => {
    const [version, value] = signature.split(",");
    if (version !== "v1" || !value) return false;
    const given = Buffer.from(value, "base64");
    return expected.some((e) => e.length === given.length && timingSafeEqual(e, given));
  });
}

// Your app's work for one event.
function handle(type, data) {
  console.log(type, JSON.stringify(data));
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const id = req.headers["webhook-id"];
    if (!verify(id, req.headers["webhook-timestamp"], body, req.headers["webhook-signature"])) {
      res.writeHead(400).end();
      return;
    }
    if (!seen.has(id)) { // a retry of an event already handled is answered, not redone
      seen.add(id);
      const event = JSON.parse(body.toString("utf8"));
      handle(event.type, event.data);
    }
    res.writeHead(204).end();
  });
});
server.listen(Number(process.argv[2] ?? 8000), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port} (webhook receiver)`);
});
