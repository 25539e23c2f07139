package webhooks

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"time"
)

// Headers of every delivery.
const (
	HeaderSignature = "X-Webhook-Signature"
	HeaderID        = "X-Webhook-Id"
	HeaderTimestamp = "X-Webhook-Timestamp"
)

// envelope is a delivery's body, in this member order.
type envelope struct {
	ID        string    `json:"id"`
	Type      EventType `json:"type"`
	CreatedAt string    `json:"createdAt"`
	Data      any       `json:"data"`
}

// Body returns the JSON body of a delivery: {"id","type","createdAt","data"}
// where data is the audit event as GET /open/audit shows it (for a ping,
// {"webhookId"}). It is compact and escapes exactly as JavaScript's
// JSON.stringify does (no \u003c for "<", U+2028 and U+2029 written as
// themselves), so that JSON.stringify(JSON.parse(body)) is body, byte for
// byte, and a receiver may sign what its framework parsed.
func Body(id string, t EventType, at time.Time, data any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(envelope{ID: id, Type: t, CreatedAt: at.UTC().Format("2006-01-02T15:04:05.000Z"), Data: data}); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	// encoding/json escapes these two even without HTML escaping;
	// JSON.stringify does not.
	b = bytes.ReplaceAll(b, []byte(`\u2028`), []byte("\u2028"))
	b = bytes.ReplaceAll(b, []byte(`\u2029`), []byte("\u2029"))
	return b, nil
}

// Sign returns the X-Webhook-Signature of body: the lowercase hex
// HMAC-SHA256 of the body's bytes under the endpoint's secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// DeliveryID is the X-Webhook-Id of event eventID to endpoint webhookID:
// derived from both, so every attempt, and a stream's redelivery of the
// same record, carries the same id.
func DeliveryID(webhookID, eventID string) string {
	sum := sha256.Sum256([]byte("keygate webhook delivery\x00" + webhookID + "\x00" + eventID))
	return "whd_" + hex.EncodeToString(sum[:12])
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
