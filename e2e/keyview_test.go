package e2e

import (
	"encoding/json"
	"maps"
	"net/url"
	"reflect"
	"testing"
)

// TestOneKeyView: a key reads the same through every transport (keys.View):
// the API's create answer and GET, the CLI's create and ls --json (which
// add only userId), and the key.created event of the audit log, through
// both the API and the CLI, which records the attributes the key was given
// (its quota as set, without the use).
func TestOneKeyView(t *testing.T) {
	s := newStack(t)
	srv := s.gateway(t, nil)
	run := s.cli(t)
	run("user", "put", "alice", "--name", "Alice", "--email", "alice@example.com")
	admin := run("key", "create", "alice", "--name", "admin", "--quiet")
	s.tokens = append(s.tokens, admin)

	// The same key made by each transport, with nothing optional and with
	// every attribute set.
	const all = `"scopes":["read","write"],"expiresAt":"2030-01-02T15:04:05.000Z","allowedCidrs":["203.0.113.0/24"],` +
		`"rateLimit":{"limit":100,"windowSeconds":1,"burst":200},"quota":{"limit":10000,"period":"day"}`
	tests := []struct {
		name string
		api  string   // POST /open/apikeys body, or
		cli  []string // the CLI's key create flags
	}{
		{name: "API, name only", api: `{"name":"plain"}`},
		{name: "API, every attribute", api: `{"name":"full",` + all + `}`},
		{name: "CLI, name only", cli: []string{"--name", "plain"}},
		{name: "CLI, every attribute", cli: []string{"--name", "full", "--scopes", "read,write", "--expires", "2030-01-02T15:04:05Z",
			"--allow", "203.0.113.0/24", "--rate", "100/s", "--burst", "200", "--quota", "10000/day"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var created map[string]any
			if tt.api != "" {
				r := srv.do(t, "POST", "/open/apikeys", admin, tt.api)
				if r.status != 201 {
					t.Fatalf("create: got %d %s, want 201", r.status, r.body)
				}
				r.decode(t, &created)
			} else {
				decodeJSON(t, run(append([]string{"key", "create", "alice", "--json"}, tt.cli...)...), &created)
				if got := created["userId"]; got != "alice" {
					t.Errorf("CLI create: got userId %v, want alice", got)
				}
				delete(created, "userId")
			}
			token, _ := created["apiKey"].(string)
			if token == "" {
				t.Fatalf("create: got no apiKey in %v", created)
			}
			s.tokens = append(s.tokens, token)
			delete(created, "apiKey")
			id, _ := created["id"].(string)

			// The API's GET.
			r := srv.do(t, "GET", "/open/apikeys/"+id, admin, "")
			if r.status != 200 {
				t.Fatalf("get: got %d %s, want 200", r.status, r.body)
			}
			var view map[string]any
			r.decode(t, &view)
			sameJSON(t, "create answer vs the API's GET", created, view)

			// The CLI's ls: the same view, with the key's userId.
			var ls struct {
				Items []map[string]any `json:"items"`
			}
			decodeJSON(t, run("key", "ls", "alice", "--json"), &ls)
			var listed map[string]any
			for _, it := range ls.Items {
				if it["id"] == id {
					listed = maps.Clone(it)
				}
			}
			if listed["userId"] != "alice" {
				t.Errorf("CLI ls: got userId %v, want alice", listed["userId"])
			}
			delete(listed, "userId")
			sameJSON(t, "CLI ls vs the API's GET", listed, view)

			// The audit log's key.created: the view's attributes, the quota
			// as set; the same event through the API and the CLI.
			r = srv.do(t, "GET", "/open/audit?type=key.created&keyId="+url.QueryEscape(id), admin, "")
			var apiLog, cliLog struct {
				Items []struct {
					Changes map[string]any `json:"changes"`
				} `json:"items"`
			}
			r.decode(t, &apiLog)
			decodeJSON(t, run("audit", "ls", "alice", "--key", id, "--type", "key.created", "--json"), &cliLog)
			if len(apiLog.Items) != 1 || len(cliLog.Items) != 1 {
				t.Fatalf("key.created events: got %d through the API (%s) and %d through the CLI, want 1 each", len(apiLog.Items), r.body, len(cliLog.Items))
			}
			sameJSON(t, "the event through the CLI vs the API", cliLog.Items[0].Changes, apiLog.Items[0].Changes)
			want := map[string]any{}
			for _, k := range []string{"name", "scopes", "expiresAt", "allowedCidrs", "rateLimit", "quota"} {
				want[k] = view[k]
			}
			if q, ok := view["quota"].(map[string]any); ok {
				want["quota"] = map[string]any{"limit": q["limit"], "period": q["period"]}
			}
			sameJSON(t, "key.created changes vs the API's GET", apiLog.Items[0].Changes, want)
		})
	}
}

// decodeJSON unmarshals the CLI's output into v.
func decodeJSON(tb testing.TB, out string, v any) {
	tb.Helper()
	if err := json.Unmarshal([]byte(out), v); err != nil {
		tb.Fatalf("decode %q: %v", out, err)
	}
}

// sameJSON compares two decoded JSON values.
func sameJSON(tb testing.TB, what string, got, want any) {
	tb.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		tb.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}
