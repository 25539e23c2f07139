package webhooks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"sort"
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

// Body returns the JSON body of a delivery: {"createdAt","data","id","type"}
// where data is the audit event as GET /open/audit shows it (for a ping,
// {"webhookId"}). It is written as JavaScript's JSON.stringify writes the
// value it parses from it: compact, members in one fixed (sorted) order,
// strings escaped only where JSON.stringify escapes ("<" and U+2028 as
// themselves, "\b" rather than "\u0008"), so that
// JSON.stringify(JSON.parse(body)) is body, byte for byte, and a receiver
// may sign what its framework parsed.
func Body(id string, t EventType, at time.Time, data any) ([]byte, error) {
	raw, err := json.Marshal(envelope{ID: id, Type: t, CreatedAt: at.UTC().Format("2006-01-02T15:04:05.000Z"), Data: data})
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	writeJS(&b, v)
	return b.Bytes(), nil
}

// writeJS writes v (as encoding/json decodes with UseNumber) the way
// JSON.stringify does.
func writeJS(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if v {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case json.Number:
		b.WriteString(v.String()) // encoding/json's shortest form, which JSON.stringify keeps for the integers and decimals keygate sends
	case string:
		writeJSString(b, v)
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJS(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSString(b, k)
			b.WriteByte(':')
			writeJS(b, v[k])
		}
		b.WriteByte('}')
	}
}

// writeJSString quotes s as JSON.stringify does: \" \\ \b \f \n \r \t, other
// control characters as \u00xx, everything else as it is.
func writeJSString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}

// DeliveryID is the X-Webhook-Id of event eventID to endpoint webhookID:
// derived from both, so every attempt, and a stream's redelivery of the
// same record, carries the same id.
func DeliveryID(webhookID, eventID string) string {
	sum := sha256.Sum256([]byte("keygate webhook delivery\x00" + webhookID + "\x00" + eventID))
	return "whd_" + hex.EncodeToString(sum[:12])
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
