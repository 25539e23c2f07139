package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"keygate/dev/testkit/fntest"
	"keygate/shared/keys"
)

// TestWebhookBadInput: every refusal is a 400 in the envelope and leaves
// the table as it was.
func TestWebhookBadInput(t *testing.T) {
	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	token := s.key(t, "alice")
	srv := s.gateway(t, nil)
	for _, tt := range []struct{ name, body string }{
		{"no url", `{"events":["key.created"]}`},
		{"not a URL", `{"url":"hooks.example.com/x","events":["key.created"]}`},
		{"http to a public host", `{"url":"http://hooks.example.com/x","events":["key.created"]}`},
		{"ftp", `{"url":"ftp://hooks.example.com/x","events":["key.created"]}`},
		{"credentials in the URL", `{"url":"https://user:pw@hooks.example.com/x","events":["key.created"]}`},
		{"a private address", `{"url":"https://10.0.0.7/x","events":["key.created"]}`},
		{"the metadata service", `{"url":"https://169.254.169.254/latest/meta-data","events":["key.created"]}`},
		{"a unique-local IPv6 address", `{"url":"https://[fd00::1]/x","events":["key.created"]}`},
		{"no events", `{"url":"https://hooks.example.com/x","events":[]}`},
		{"an unknown event type", `{"url":"https://hooks.example.com/x","events":["key.deleted"]}`},
		{"ping is not subscribable", `{"url":"https://hooks.example.com/x","events":["ping"]}`},
		{"a duplicate event type", `{"url":"https://hooks.example.com/x","events":["key.created","key.created"]}`},
		{"a description too long", `{"url":"https://hooks.example.com/x","events":["key.created"],"description":"` + strings.Repeat("x", 201) + `"}`},
		{"an unknown field", `{"url":"https://hooks.example.com/x","events":["key.created"],"secret":"mine"}`},
		{"not JSON", `{"url":`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := fntest.Snapshot(t, s.client, s.table, "usageCount", "lastUsedAt", "lastUseId")
			resp := srv.do(t, "POST", "/open/webhooks", token, tt.body)
			if resp.status != http.StatusBadRequest || !strings.Contains(resp.body, `"code":"BAD_REQUEST"`) {
				t.Errorf("got %d %s, want 400 BAD_REQUEST", resp.status, resp.body)
			}
			if after := fntest.Snapshot(t, s.client, s.table, "usageCount", "lastUsedAt", "lastUseId"); !slices.Equal(before, after) {
				t.Error("the table changed")
			}
		})
	}
	t.Run(fmt.Sprintf("the %dth endpoint", 11), func(t *testing.T) {
		for i := range 10 {
			if resp := srv.do(t, "POST", "/open/webhooks", token, fmt.Sprintf(`{"url":"https://hooks.example.com/%d","events":["key.created"]}`, i)); resp.status != http.StatusCreated {
				t.Fatalf("endpoint %d: %d %s", i+1, resp.status, resp.body)
			}
		}
		before := fntest.Snapshot(t, s.client, s.table, "usageCount", "lastUsedAt", "lastUseId")
		resp := srv.do(t, "POST", "/open/webhooks", token, `{"url":"https://hooks.example.com/11","events":["key.created"]}`)
		if resp.status != http.StatusBadRequest || !strings.Contains(resp.body, "at most 10 webhooks") {
			t.Errorf("got %d %s, want 400 at most 10", resp.status, resp.body)
		}
		if after := fntest.Snapshot(t, s.client, s.table, "usageCount", "lastUsedAt", "lastUseId"); !slices.Equal(before, after) {
			t.Error("the table changed")
		}
	})
}

// TestWebhookScope: only a key with the webhook scope manages webhooks; the
// gateway answers the spec's 403 to any other.
func TestWebhookScope(t *testing.T) {
	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	admin := s.key(t, "alice", keys.ScopeRead, keys.ScopeWrite, keys.ScopeAdmin)
	hooks := s.key(t, "alice", keys.ScopeWebhook)
	for _, cache := range []string{"0", "300"} {
		srv := s.gateway(t, map[string]string{"AuthorizerCacheTtl": cache})
		for _, tt := range []struct{ method, path, body string }{
			{"GET", "/open/webhooks", ""},
			{"POST", "/open/webhooks", `{"url":"https://hooks.example.com/x","events":["key.created"]}`},
			{"GET", "/open/webhooks/wh_x", ""},
			{"POST", "/open/webhooks/wh_x/test", ""},
			{"GET", "/open/webhooks/wh_x/deliveries", ""},
		} {
			t.Run("cache "+cache+" "+tt.method+" "+tt.path, func(t *testing.T) {
				if resp := srv.do(t, tt.method, tt.path, admin, tt.body); resp.status != http.StatusForbidden || resp.body != spec403 {
					t.Errorf("a key without the webhook scope: got %d %q, want the spec's 403", resp.status, resp.body)
				}
			})
		}
		if resp := srv.do(t, "GET", "/open/webhooks", hooks, ""); resp.status != http.StatusOK {
			t.Errorf("cache %s: a webhook-only key: got %d %s, want 200", cache, resp.status, resp.body)
		}
		if resp := srv.do(t, "GET", "/open/apikeys", hooks, ""); resp.status != http.StatusForbidden {
			t.Errorf("cache %s: a webhook-only key on /open/apikeys: got %d, want 403", cache, resp.status)
		}
		if resp := srv.do(t, "GET", "/open/webhooks/wh_nope", hooks, ""); resp.status != http.StatusNotFound {
			t.Errorf("cache %s: an unknown webhook: got %d, want 404", cache, resp.status)
		}
	}
}
