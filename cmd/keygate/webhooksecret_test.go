package main

import (
	"strings"
	"testing"
)

func TestWebhookRotateSecret(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	var hook map[string]any // the endpoint's view is webhook_test.go's to hold
	e.mustRunJSON(t, &hook, "webhook", "create", "u1", "--url", "https://hooks.example.com/k", "--events", "key.created")
	created := struct{ ID, Secret string }{hook["id"].(string), hook["secret"].(string)}
	type rotated struct {
		ID                       string  `json:"id"`
		Secret                   string  `json:"secret"`
		PreviousSecretValidUntil *string `json:"previousSecretValidUntil"`
	}
	tests := []struct {
		name      string
		args      []string
		wantUntil bool
	}{
		{"the default overlap", nil, true},
		{"an hour", []string{"--overlap", "1h"}, true},
		{"none", []string{"--overlap", "0"}, false},
	}
	seen := map[string]bool{created.Secret: true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got rotated
			e.mustRunJSON(t, &got, append([]string{"webhook", "rotate-secret", "u1", created.ID}, tt.args...)...)
			if got.ID != created.ID || !strings.HasPrefix(got.Secret, "whsec_") || seen[got.Secret] {
				t.Errorf("got %+v, want a new whsec_ secret for %s", got, created.ID)
			}
			seen[got.Secret] = true
			if (got.PreviousSecretValidUntil != nil) != tt.wantUntil {
				t.Errorf("previousSecretValidUntil: got %v, want set %v", got.PreviousSecretValidUntil, tt.wantUntil)
			}
		})
	}
	t.Run("text: the secret once, and until when the old one signs", func(t *testing.T) {
		out := e.mustRun(t, "webhook", "rotate-secret", "u1", created.ID, "--overlap", "2h")
		if !strings.Contains(out, "whsec_") || !strings.Contains(out, "old secret signs until") {
			t.Errorf("got %q", out)
		}
	})
	for name, args := range map[string][]string{
		"another user's endpoint": {"webhook", "rotate-secret", "u2", created.ID},
		"an overlap past 7 days":  {"webhook", "rotate-secret", "u1", created.ID, "--overlap", "169h"},
		"a negative overlap":      {"webhook", "rotate-secret", "u1", created.ID, "--overlap", "-1s"},
		"a fraction of a second":  {"webhook", "rotate-secret", "u1", created.ID, "--overlap", "1.5s"},
	} {
		t.Run(name, func(t *testing.T) {
			before := e.scan(t)
			if r := e.run(t, args...); r.code == 0 {
				t.Errorf("exit 0, want a failure")
			}
			if strings.Join(before, "\n") != strings.Join(e.scan(t), "\n") {
				t.Error("the table changed")
			}
		})
	}
}
