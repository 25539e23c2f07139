package main

import (
	"slices"
	"strings"
	"testing"
)

func TestWebhookCommands(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	var created struct {
		ID          string   `json:"id"`
		URL         string   `json:"url"`
		Description string   `json:"description"`
		Events      []string `json:"events"`
		CreatedAt   string   `json:"createdAt"`
		UpdatedAt   string   `json:"updatedAt"`
		Secret      string   `json:"secret"`
		// Health: enabled, never failing yet.
		Enabled        bool    `json:"enabled"`
		DisabledAt     *string `json:"disabledAt"`
		DisabledReason *string `json:"disabledReason"`
		FailingSince   *string `json:"failingSince"`
	}
	e.mustRunJSON(t, &created, "webhook", "create", "u1", "--url", "https://hooks.example.com/k", "--events", "key.revoked,key.created", "--description", "ci")
	if !strings.HasPrefix(created.Secret, "whsec_") || !slices.Equal(created.Events, []string{"key.created", "key.revoked"}) ||
		!created.Enabled || created.DisabledAt != nil || created.DisabledReason != nil || created.FailingSince != nil {
		t.Fatalf("created %+v", created)
	}
	out := e.mustRun(t, "webhook", "ls", "u1")
	if !strings.Contains(out, created.ID) || strings.Contains(out, created.Secret) {
		t.Errorf("ls: got %q, want the endpoint without its secret", out)
	}
	if out := e.mustRun(t, "webhook", "update", "u1", created.ID, "--events", "key.rotated"); !strings.Contains(out, "key.rotated") {
		t.Errorf("update: got %q", out)
	}
	if out := e.mustRun(t, "webhook", "test", "u1", created.ID); !strings.Contains(out, "whd_") {
		t.Errorf("test: got %q", out)
	}
	if out := e.mustRun(t, "webhook", "deliveries", "u1", created.ID); !strings.Contains(out, "STATUS") {
		t.Errorf("deliveries: got %q", out)
	}
	e.mustRun(t, "webhook", "rm", "u1", created.ID)
	if r := e.run(t, "webhook", "get", "u1", created.ID); r.code == 0 || !strings.Contains(r.stderr, "not found") {
		t.Errorf("get after rm: exit %d, %q", r.code, r.stderr)
	}
	for _, scan := range e.scan(t) {
		if strings.Contains(scan, "WEBHOOKS#u1") && strings.Contains(scan, created.Secret) {
			t.Error("a deleted endpoint's secret is still in the table")
		}
	}
}

func TestWebhookBadInputWritesNothing(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	for name, args := range map[string][]string{
		"http to a public host": {"webhook", "create", "u1", "--url", "http://hooks.example.com/", "--events", "key.created"},
		"a private address":     {"webhook", "create", "u1", "--url", "https://192.168.0.1/", "--events", "key.created"},
		"no events":             {"webhook", "create", "u1", "--url", "https://hooks.example.com/"},
		"an unknown event":      {"webhook", "create", "u1", "--url", "https://hooks.example.com/", "--events", "key.gone"},
		"a bad webhook id":      {"webhook", "get", "u1", "bad id!"},
	} {
		t.Run(name, func(t *testing.T) {
			before := e.scan(t)
			if r := e.run(t, args...); r.code == 0 {
				t.Errorf("exit 0, want a failure")
			}
			if !slices.Equal(before, e.scan(t)) {
				t.Error("the table changed")
			}
		})
	}
}
