package e2e

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"keygate/dev/testkit/fntest"
	"keygate/shared/apikey"
	"keygate/shared/keys"
)

// TestBadTextThroughGateway: through the local API Gateway, bodies that are
// not UTF-8, escape a lone surrogate, nest too deeply or repeat a scope,
// webhook URLs in numeric forms the SSRF guard cannot judge, and headers
// keygate reads that are not UTF-8 are each a 400 in the envelope naming
// the problem, and nothing is stored.
func TestBadTextThroughGateway(t *testing.T) {
	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	token := s.key(t, "alice")
	keyID, err := apikey.Parse(token, apikey.DefaultPrefix)
	if err != nil {
		t.Fatal(err)
	}
	srv := s.gateway(t, nil)
	hook := func(url, more string) string {
		return `{"url":"` + url + `","events":["key.created"]` + more + `}`
	}
	tests := []struct {
		name, method, path, body string
		header                   map[string]string
		wantMsg                  string
	}{
		{"key name not UTF-8", "POST", "/open/apikeys", "{\"name\":\"ci\xc3\x28\"}", nil, "request body is not valid UTF-8 (byte 11)"},
		{"key name a lone high surrogate", "POST", "/open/apikeys", `{"name":"ci \ud800"}`, nil, `lone UTF-16 surrogate \ud800`},
		{"key name a lone low surrogate", "POST", "/open/apikeys", `{"name":"\udc00ci"}`, nil, `lone UTF-16 surrogate \udc00`},
		{"key name a high surrogate before a letter", "POST", "/open/apikeys", `{"name":"\ud800\u0041"}`, nil, `lone UTF-16 surrogate \ud800`},
		{"key rename a lone surrogate", "PATCH", "/open/apikeys/" + keyID, `{"name":"\udbff"}`, nil, `lone UTF-16 surrogate \udbff`},
		{"key rename not UTF-8", "PATCH", "/open/apikeys/" + keyID, "{\"name\":\"\xff\"}", nil, "not valid UTF-8"},
		{"a duplicate scope", "POST", "/open/apikeys", `{"name":"ci","scopes":["read","write","read"]}`, nil, `scopes: "read" given twice`},
		{"an unknown scope names all four", "POST", "/open/apikeys", `{"name":"ci","scopes":["root"]}`, nil, "want read, write, admin or webhook"},
		{"30,000 deep", "POST", "/open/apikeys", `{"name":"ci","scopes":` + strings.Repeat("[", 30000) + strings.Repeat("]", 30000) + `}`, nil, "too deeply nested: at most 32 levels"},
		{"webhook url a lone surrogate", "POST", "/open/webhooks", hook(`https://hooks.example.com/\ud800`, ""), nil, "lone UTF-16 surrogate"},
		{"webhook url not UTF-8", "POST", "/open/webhooks", hook("https://hooks.example.com/\xc3\x28", ""), nil, "not valid UTF-8"},
		{"webhook description a lone surrogate", "POST", "/open/webhooks", hook("https://hooks.example.com/x", `,"description":"\udfff"`), nil, "lone UTF-16 surrogate"},
		{"webhook description not UTF-8", "POST", "/open/webhooks", hook("https://hooks.example.com/x", ",\"description\":\"d\xc3\x28\""), nil, "not valid UTF-8"},
		{"webhook url 127.1", "POST", "/open/webhooks", hook("https://127.1/x", ""), nil, "url: a numeric host must be a dotted-quad"},
		{"webhook url 0x7f000001", "POST", "/open/webhooks", hook("https://0x7f000001/x", ""), nil, "dotted-quad"},
		{"webhook url 2130706433", "POST", "/open/webhooks", hook("https://2130706433/x", ""), nil, "dotted-quad"},
		{"webhook url 0177.0.0.1", "POST", "/open/webhooks", hook("https://0177.0.0.1/x", ""), nil, "dotted-quad"},
		{"webhook url port 99999", "POST", "/open/webhooks", hook("https://hooks.example.com:99999/x", ""), nil, "url: the port must be a number from 1 to 65535"},
		{"webhook url IPv4-compatible loopback", "POST", "/open/webhooks", hook("https://[::7f00:1]/x", ""), nil, "url: the address is not public"},
		{"webhook url IPv4-translated loopback", "POST", "/open/webhooks", hook("https://[::ffff:0:7f00:1]/x", ""), nil, "not public"},
		{"webhook url Teredo", "POST", "/open/webhooks", hook("https://[2001::1]/x", ""), nil, "not public"},
		{"webhook url site-local", "POST", "/open/webhooks", hook("https://[fec0::1]/x", ""), nil, "not public"},
		{"User-Agent not UTF-8", "POST", "/open/apikeys", `{"name":"ci"}`, map[string]string{"User-Agent": "agent\xc3\x28"}, "header User-Agent is not valid UTF-8"},
		{"Content-Type not UTF-8", "POST", "/open/apikeys", `{"name":"ci"}`, map[string]string{"Content-Type": "application/json; charset=\"\xc3\x28\""}, "header Content-Type is not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fntest.Snapshot(t, s.client, s.table, "usageCount", "lastUsedAt", "lastUseId")
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.url+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp := send(t, req)
			assertBadRequest(t, resp, tt.wantMsg)
			if after := fntest.Snapshot(t, s.client, s.table, "usageCount", "lastUsedAt", "lastUseId"); !slices.Equal(before, after) {
				t.Errorf("the table changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// assertBadRequest checks that resp is a 400 whose body is exactly the
// envelope, {"error":{"code":"BAD_REQUEST","message":…}}, with a message
// containing wantMsg.
func assertBadRequest(tb testing.TB, resp response, wantMsg string) {
	tb.Helper()
	if resp.status != http.StatusBadRequest {
		tb.Errorf("status: got %d %s, want 400", resp.status, resp.body)
	}
	var env map[string]map[string]string
	if err := json.Unmarshal([]byte(resp.body), &env); err != nil || len(env) != 1 || len(env["error"]) != 2 {
		tb.Fatalf("body: got %q, want the error envelope", resp.body)
	}
	if got := env["error"]["code"]; got != "BAD_REQUEST" {
		tb.Errorf("code: got %q, want BAD_REQUEST", got)
	}
	if got := env["error"]["message"]; !strings.Contains(got, wantMsg) {
		tb.Errorf("message: got %q, want it to contain %q", got, wantMsg)
	}
}
