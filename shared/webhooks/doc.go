// Package webhooks is keygate's webhook domain: the endpoints a user
// registers, the rules they obey (https only, public addresses only, a
// known set of event types, at most MaxPerUser), the body and signature
// every delivery carries, and the Deliverer that sends audit events to
// them with retries and a dead-letter queue.
//
// A delivery's body is compact JSON that JavaScript's JSON.stringify would
// write unchanged, so a receiver that verifies, as Tianji's documentation
// shows, the HMAC-SHA256 hex of JSON.stringify(req.body) against
// X-Webhook-Signature accepts it. X-Webhook-Id is stable across retries of
// one event to one endpoint, for the receiver's idempotency.
//
// Every delivery is also signed as Standard Webhooks 1.0 says (webhook-id,
// webhook-timestamp, webhook-signature over "id.timestamp.body" with the
// bytes the whsec_ secret encodes), by SignatureHeaders in signature.go,
// the one place deliveries are signed; a rotation's replaced secrets sign
// beside the new one until its overlap ends (rotate.go).
package webhooks
