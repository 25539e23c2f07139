package e2e

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"keygate/dev/testkit/wait"
	"keygate/shared/webhooks"
)

// receiverSettings is what POST /_mode takes (e2e/webhooks/receiver.mjs).
type receiverSettings struct {
	Mode               string   `json:"mode"`
	Secret             string   `json:"secret"`
	Convert            bool     `json:"convert,omitempty"`
	Secrets            []string `json:"secrets,omitempty"`
	ClockOffsetSeconds int64    `json:"clockOffsetSeconds,omitempty"`
	FailFirst          int      `json:"failFirst,omitempty"`
}

func (r *nodeReceiver) configure(tb testing.TB, s receiverSettings) {
	tb.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := http.Post(r.url+"/_mode", "application/json", strings.NewReader(string(b)))
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
}

// ping queues a test delivery to the fixture's endpoint and waits until
// the receiver has answered it 200; it returns the receiver's report.
func (f *webhookFixture) ping(t *testing.T) received {
	t.Helper()
	resp := f.srv.do(t, "POST", "/open/webhooks/"+f.hookID+"/test", f.token, "")
	if resp.status != http.StatusAccepted {
		t.Fatalf("test: %d %s", resp.status, resp.body)
	}
	var p struct {
		DeliveryID string `json:"deliveryId"`
	}
	resp.decode(t, &p)
	var got received
	wait.Eventually(t, 30*time.Second, func() (bool, string) {
		for _, r := range f.recv.all() {
			if r.ID == p.DeliveryID && r.Status == http.StatusOK {
				got = r
				return true, ""
			}
		}
		return false, "ping " + p.DeliveryID + " not answered 200 yet; " + f.seen()
	})
	return got
}

// TestStandardWebhooksReceiver: a receiver verifying with npm
// standardwebhooks accepts every delivery (the whsec_ secret as issued,
// webhook-id the delivery id on every attempt), and spec 003's snippet
// still verifies the same deliveries.
func TestStandardWebhooksReceiver(t *testing.T) {
	f := newWebhookFixture(t, webhooks.DeliverConfig{})
	f.logsOnFailure(t)
	f.changeKeys(t, "standard <webhooks> & \"stage\" é 🔑")
	f.ping(t)
	f.verified(t, 60*time.Second, 6)
	for _, r := range f.recv.all() {
		t.Run(r.Type+" "+r.ID, func(t *testing.T) {
			if !r.Verified || !r.Standard {
				t.Errorf("spec 003 verified %v, standardwebhooks verified %v; want both", r.Verified, r.Standard)
			}
			if r.WebhookID != r.ID || r.WebhookTimestamp != r.Timestamp {
				t.Errorf("webhook-id %q, webhook-timestamp %q; want X-Webhook-Id %q and X-Webhook-Timestamp %q", r.WebhookID, r.WebhookTimestamp, r.ID, r.Timestamp)
			}
		})
	}
}

// TestStandardWebhooksRetriesKeepTheID: every attempt of one delivery (the
// receiver refuses the first two) has the same webhook-id (the receiver's
// idempotency key), the attempt's own webhook-timestamp, and verifies. The
// waits are a second each (the schedule is injectable): standardwebhooks
// refuses a timestamp more than five minutes from its own clock, which the
// test clock's jumps through RetrySchedule would pass.
func TestStandardWebhooksRetriesKeepTheID(t *testing.T) {
	f := newWebhookFixture(t, webhooks.DeliverConfig{Clock: newTestClock(), Schedule: []time.Duration{time.Second, time.Second, time.Second}})
	f.logsOnFailure(t)
	f.recv.configure(t, receiverSettings{Mode: "ok", Secret: f.secret, FailFirst: 2})
	r := f.ping(t)
	var attempts []received
	for _, a := range f.recv.all() {
		if a.ID == r.ID {
			attempts = append(attempts, a)
		}
	}
	if len(attempts) < 3 {
		t.Fatalf("got %d attempts of %s, want the refused ones and the accepted one", len(attempts), r.ID)
	}
	var last int64
	for i, a := range attempts {
		if a.WebhookID != r.ID || !a.Standard || !a.Verified {
			t.Errorf("attempt %d: webhook-id %q, standardwebhooks %v, spec 003 %v; want %s, verified both ways", i+1, a.WebhookID, a.Standard, a.Verified, r.ID)
		}
		ts := atoi(a.WebhookTimestamp)
		if a.WebhookTimestamp != a.Timestamp || ts < last {
			t.Errorf("attempt %d: webhook-timestamp %q (X-Webhook-Timestamp %q), want the attempt's own time, not before the previous one's", i+1, a.WebhookTimestamp, a.Timestamp)
		}
		last = ts
	}
}

// TestStandardWebhooksRotationOverlap: after POST …/secret/rotate, during
// the overlap a receiver still holding the old secret and one holding the
// new one both verify with standardwebhooks (webhook-signature carries
// both signatures); spec 003's X-Webhook-Signature is the new secret's at
// once; after the overlap only the new secret verifies.
func TestStandardWebhooksRotationOverlap(t *testing.T) {
	clock := newTestClock()
	f := newWebhookFixture(t, webhooks.DeliverConfig{Clock: clock})
	f.logsOnFailure(t)
	old := f.secret
	resp := f.srv.do(t, "POST", "/open/webhooks/"+f.hookID+"/secret/rotate", f.token, `{"overlapSeconds":3600}`)
	if resp.status != http.StatusOK {
		t.Fatalf("rotate: %d %s", resp.status, resp.body)
	}
	var rot struct {
		Secret                   string `json:"secret"`
		PreviousSecretValidUntil string `json:"previousSecretValidUntil"`
	}
	resp.decode(t, &rot)
	f.s.tokens = append(f.s.tokens, rot.Secret) // never in a log line
	until, err := time.Parse(time.RFC3339, rot.PreviousSecretValidUntil)
	if err != nil || rot.Secret == old || !strings.HasPrefix(rot.Secret, "whsec_") {
		t.Fatalf("rotated: %+v (%v)", rot, err)
	}

	tests := []struct {
		name          string
		at            time.Time // the sender's clock, and the receiver's with it
		wantStandard  []bool    // old, new
		wantSpec003By []bool    // old, new
	}{
		{"during the overlap both secrets verify the standard's signature", clock.Now(), []bool{true, true}, []bool{false, true}},
		{"a minute before its end, still both", until.Add(-time.Minute), []bool{true, true}, []bool{false, true}},
		{"after the overlap only the new secret verifies", until.Add(time.Minute), []bool{false, true}, []bool{false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.mu.Lock()
			clock.now = tt.at
			clock.mu.Unlock()
			f.recv.configure(t, receiverSettings{Mode: "ok", Secret: rot.Secret, Secrets: []string{old, rot.Secret},
				ClockOffsetSeconds: int64(time.Until(tt.at) / time.Second)})
			r := f.ping(t)
			if !r.Verified || !r.Standard {
				t.Errorf("with the new secret: spec 003 %v, standardwebhooks %v; want both", r.Verified, r.Standard)
			}
			if fmt.Sprint(r.StandardBy) != fmt.Sprint(tt.wantStandard) {
				t.Errorf("standardwebhooks with [old new]: got %v, want %v", r.StandardBy, tt.wantStandard)
			}
			if fmt.Sprint(r.Spec003By) != fmt.Sprint(tt.wantSpec003By) {
				t.Errorf("spec 003 with [old new]: got %v, want %v", r.Spec003By, tt.wantSpec003By)
			}
		})
	}
}

// TestStandardWebhooksLegacySecret: an endpoint created before Standard
// Webhooks (its secret whsec_ + unpadded base64url) keeps verifying with
// spec 003's snippet and the secret it holds, and verifies with
// standardwebhooks once that secret is re-encoded as docs/webhooks.md
// says ("Migrating existing endpoints").
func TestStandardWebhooksLegacySecret(t *testing.T) {
	f := newWebhookFixture(t, webhooks.DeliverConfig{})
	f.logsOnFailure(t)
	legacy := legacySecretWithURLCharacters(t)
	f.s.tokens = append(f.s.tokens, legacy)
	w, err := f.s.st.GetWebhook(t.Context(), "alice", f.hookID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.st.UpdateWebhook(t.Context(), w, webhooks.Changes{Secret: &legacy, PreviousSecrets: []webhooks.PreviousSecret{}},
		w.UpdatedAt.Add(time.Millisecond), nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		convert bool
		want    bool // standardwebhooks verifies
	}{
		{"the secret as held: spec 003 verifies, standardwebhooks refuses its alphabet", false, false},
		{"re-encoded as documented: both verify", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.recv.configure(t, receiverSettings{Mode: "ok", Secret: legacy, Convert: tt.convert})
			r := f.ping(t)
			if !r.Verified {
				t.Error("spec 003's snippet with the legacy secret: not verified")
			}
			if r.Standard != tt.want {
				t.Errorf("standardwebhooks: got %v, want %v", r.Standard, tt.want)
			}
		})
	}
}

// legacySecretWithURLCharacters is a secret as keygate issued them before
// Standard Webhooks: whsec_ and the unpadded base64url of 32 random bytes,
// drawn until it has a "-" or "_" (which standardwebhooks refuses).
func legacySecretWithURLCharacters(tb testing.TB) string {
	tb.Helper()
	for range 100 {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		if s := base64.RawURLEncoding.EncodeToString(b); strings.ContainsAny(s, "-_") {
			return "whsec_" + s
		}
	}
	tb.Fatal("no base64url secret with - or _ in 100 draws")
	return ""
}
