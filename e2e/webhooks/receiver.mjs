// A webhook receiver written as Tianji's documentation shows (spec 003):
// node's http and crypto only, the signature checked as the HMAC-SHA256 hex
// of JSON.stringify(req.body) with crypto.timingSafeEqual. It also checks
// that the raw body is exactly JSON.stringify(JSON.parse(body)).
//
//   node receiver.mjs <secret>     prints {"port": N} once listening
//
// Every delivery is reported on stdout as one JSON line. POST /_mode with
// {"mode": "ok" | "down" | "error" | "hang-once", "secret": "..."} changes
// how it answers: down = 503, error = 500, hang-once = the next delivery
// never gets an answer (the sender's timeout ends it), later ones get 200.
import http from "node:http";
import crypto from "node:crypto";

let secret = process.argv[2];
let mode = "ok";

function verifyWebhookSignature(payload, signature, secret) {
  const expectedSignature = crypto
    .createHmac("sha256", secret)
    .update(payload)
    .digest("hex");
  if (typeof signature !== "string" || signature.length !== expectedSignature.length) return false;
  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expectedSignature));
}

const server = http.createServer((req, res) => {
  let raw = "";
  req.setEncoding("utf8");
  req.on("data", (c) => (raw += c));
  req.on("end", () => {
    if (req.url === "/_mode") {
      const m = JSON.parse(raw);
      mode = m.mode;
      if (m.secret) secret = m.secret;
      res.end("{}");
      return;
    }
    const body = JSON.parse(raw); // what express.json() would give req.body
    const verified = verifyWebhookSignature(JSON.stringify(body), req.headers["x-webhook-signature"], secret);
    const canonical = JSON.stringify(body) === raw;
    const answer = mode === "down" ? 503 : mode === "error" ? 500 : 200;
    const report = () =>
      process.stdout.write(JSON.stringify({ id: req.headers["x-webhook-id"], timestamp: req.headers["x-webhook-timestamp"],
        type: body.type, verified, canonical, status: answer, mode, data: body.data }) + "\n");
    if (mode === "hang-once") {
      report();
      mode = "ok";
      return; // no answer: the sender times out
    }
    report();
    res.statusCode = verified ? answer : 401;
    res.end(verified ? "{}" : "Invalid signature");
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
