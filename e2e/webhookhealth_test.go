package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"keygate/dev/testkit/wait"
	"keygate/shared/webhooks"
)

// TestWebhookDisableAndRetry goes through the local stack: a receiver that
// only fails has its endpoint disabled once every attempt has failed for
// DisableAfter (a minute here, on the injected clock), with a
// webhook.disabled event; its delivery cannot be retried until PATCH
// enables it; then the retried delivery arrives, verified, with its id.
func TestWebhookDisableAndRetry(t *testing.T) {
	f := newWebhookFixture(t, webhooks.DeliverConfig{Clock: newTestClock(), DisableAfter: time.Minute})
	f.logsOnFailure(t)
	f.recv.set(t, "error", f.secret)
	var ping struct {
		DeliveryID string `json:"deliveryId"`
	}
	f.srv.do(t, "POST", "/open/webhooks/"+f.hookID+"/test", f.token, "").decode(t, &ping)
	// Attempts at 0 s, 5 s and 5 min 5 s of the injected clock
	// (RetrySchedule): the 3rd is past the minute, disables the endpoint
	// and is the last.
	wait.Eventually(t, 30*time.Second, func() (bool, string) {
		l := f.log(t)
		return len(l.Deliveries) == 1 && l.Deliveries[0].Status == "deadLettered", fmt.Sprintf("delivery log %+v, want deadLettered; %s", l.Deliveries, f.seen())
	})
	if got, want := len(f.recv.all()), 3; got != want {
		t.Errorf("attempts: got %d, want %d", got, want)
	}
	type endpoint struct {
		Enabled        bool    `json:"enabled"`
		DisabledReason *string `json:"disabledReason"`
		FailingSince   *string `json:"failingSince"`
	}
	var got endpoint
	f.srv.do(t, "GET", "/open/webhooks/"+f.hookID, f.token, "").decode(t, &got)
	if got.Enabled || got.DisabledReason == nil || *got.DisabledReason != "failing" {
		t.Errorf("endpoint: got %+v, want disabled for failing", got)
	}
	var audit struct {
		Items []struct {
			Changes map[string]any `json:"changes"`
		} `json:"items"`
	}
	f.srv.do(t, "GET", "/open/audit?type=webhook.disabled", f.token, "").decode(t, &audit)
	if len(audit.Items) != 1 || audit.Items[0].Changes["webhookId"] != f.hookID {
		t.Errorf("webhook.disabled events: got %+v, want one for %s", audit.Items, f.hookID)
	}
	retry := "/open/webhooks/" + f.hookID + "/deliveries/" + ping.DeliveryID + "/retry"
	for _, step := range []struct {
		name, method, path, body string
		want                     int
	}{
		{"retry while disabled", "POST", retry, "", http.StatusConflict},
		{"enable", "PATCH", "/open/webhooks/" + f.hookID, `{"enabled":true}`, http.StatusOK},
		{"retry", "POST", retry, "", http.StatusAccepted},
	} {
		if step.name == "retry" {
			f.recv.set(t, "ok", f.secret)
		}
		if r := f.srv.do(t, step.method, step.path, f.token, step.body); r.status != step.want {
			t.Fatalf("%s: got %d %s, want %d", step.name, r.status, r.body, step.want)
		}
	}
	f.verified(t, 30*time.Second, 1)
	if _, ok := distinctVerified(f.recv.all())[ping.DeliveryID]; !ok {
		t.Errorf("verified: got %s, want the ping's id %s", f.seen(), ping.DeliveryID)
	}
	wait.Eventually(t, 5*time.Second, func() (bool, string) {
		l := f.log(t)
		return len(l.Deliveries) == 1 && l.Deliveries[0].Status == "delivered" && l.Deliveries[0].Attempts == 1,
			fmt.Sprintf("delivery log %+v, want the same delivery, delivered in 1 attempt", l.Deliveries)
	})
	f.srv.do(t, "GET", "/open/webhooks/"+f.hookID, f.token, "").decode(t, &got)
	if !got.Enabled || got.FailingSince != nil {
		t.Errorf("endpoint: got %+v, want enabled, not failing", got)
	}
}
