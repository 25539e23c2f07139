// A webhook receiver written as Tianji's documentation shows (spec 003):
// node's http and crypto only, the signature checked as the HMAC-SHA256 hex
// of JSON.stringify(req.body) with crypto.timingSafeEqual. It also checks
// that the raw body is exactly JSON.stringify(JSON.parse(body)).
//
//   node receiver.mjs <secret>     prints {"port": N} once listening
//
// It also verifies every delivery as Standard Webhooks 1.0 receivers do,
// with the npm standardwebhooks library (webhook-id, webhook-timestamp,
// webhook-signature over the raw body, 5 minutes' tolerance); that result
// is reported ("standard"), and does not change the answer.
//
// Every delivery is reported on stdout as one JSON line. POST /_mode with
// {"mode": "ok" | "down" | "error" | "hang-once", "secret": "..."} changes
// how it answers: down = 503, error = 500, hang-once = the next delivery
// never gets an answer (the sender's timeout ends it), later ones get 200.
// Optional members: "convert" (the secret was issued before Standard
// Webhooks: re-encode it as docs/webhooks.md says before giving it to
// standardwebhooks), "secrets" (more secrets to try each delivery with,
// both ways: "spec003By" and "standardBy" report each, in order) and
// "clockOffsetSeconds" (this receiver's clock runs that far ahead, like a
// sender's injected clock) and "failFirst" (the next N deliveries get a
// 503, later ones the mode's answer).
import http from "node:http";
import crypto from "node:crypto";
import standardwebhooks from "standardwebhooks";

let secret = process.argv[2];
let mode = "ok";
let convert = false;
let secrets = [];
let failFirst = 0;

const realNow = Date.now;
let clockOffsetMs = 0;
Date.now = () => realNow() + clockOffsetMs; // what standardwebhooks checks the timestamp against

// The secret as the standard's libraries read it (docs/webhooks.md,
// "Migrating existing endpoints"): whsec_ and standard base64.
function toStandardSecret(secret) {
  return "whsec_" + Buffer.from(secret.slice("whsec_".length), "base64url").toString("base64");
}

function verifyStandard(raw, headers, secret) {
  try {
    new standardwebhooks.Webhook(convert ? toStandardSecret(secret) : secret).verify(raw, headers);
    return true;
  } catch {
    return false;
  }
}

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
      convert = !!m.convert;
      secrets = m.secrets || [];
      clockOffsetMs = (m.clockOffsetSeconds || 0) * 1000;
      failFirst = m.failFirst || 0;
      res.end("{}");
      return;
    }
    const body = JSON.parse(raw); // what express.json() would give req.body
    const verified = verifyWebhookSignature(JSON.stringify(body), req.headers["x-webhook-signature"], secret);
    const canonical = JSON.stringify(body) === raw;
    const standard = verifyStandard(raw, req.headers, secret);
    const spec003By = secrets.map((s) => verifyWebhookSignature(JSON.stringify(body), req.headers["x-webhook-signature"], s));
    const standardBy = secrets.map((s) => verifyStandard(raw, req.headers, s));
    // What it answers: 401 for a delivery whose signature does not verify,
    // else the mode's status.
    const modeAnswer = failFirst > 0 ? (failFirst--, 503) : mode === "down" ? 503 : mode === "error" ? 500 : 200;
    const answer = verified ? modeAnswer : 401;
    const report = () =>
      process.stdout.write(JSON.stringify({ id: req.headers["x-webhook-id"], timestamp: req.headers["x-webhook-timestamp"],
        type: body.type, verified, canonical, standard, spec003By, standardBy,
        webhookId: req.headers["webhook-id"], webhookTimestamp: req.headers["webhook-timestamp"],
        status: answer, mode, data: body.data }) + "\n");
    if (mode === "hang-once") {
      report();
      mode = "ok";
      return; // no answer: the sender times out
    }
    report();
    res.statusCode = answer;
    res.end(verified ? "{}" : "Invalid signature");
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
