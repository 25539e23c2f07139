package e2e

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"keygate/shared/apidoc/compile"
	"keygate/shared/keys"
)

// seedDocument compiles the document of spec 002's and 003's APIs.
func (s *stack) seedDocument(tb testing.TB) {
	tb.Helper()
	b, err := os.ReadFile("../examples/api/openapi.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	d, err := compile.Compile(b, compile.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	s.document = &d
}

// TestKeysHoldTheAPIDocumentsScopes: with the team's document, a key is
// created with spec 003's scopes exactly as its client example sends them;
// a scope the document does not declare is a 400 in the error envelope
// that stores nothing; a key cannot give a scope it does not hold (the
// spec's 403); without the document the same scopes are unknown.
func TestKeysHoldTheAPIDocumentsScopes(t *testing.T) {
	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	s.seedDocument(t)
	// An operator's key with keygate's scopes and the document's: keys
	// can only give what they hold.
	every := append([]keys.Scope{}, keys.AllScopes...)
	for _, name := range s.document.ScopeNames() {
		if sc := keys.Scope(name); !sc.Valid() { // spec 002's write is keygate's own
			every = append(every, sc)
		}
	}
	admin := s.key(t, "alice", every...)
	srv := s.gateway(t, nil)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", s.logs.String())
		}
	})

	resp := srv.do(t, "POST", "/open/apikeys", admin, `{"name":"spec 003","scopes":["read:users","write:projects"]}`)
	if resp.status != http.StatusCreated {
		t.Fatalf("create with the document's scopes: %d %s", resp.status, resp.body)
	}
	var created struct {
		Key    string   `json:"apiKey"`
		Scopes []string `json:"scopes"`
	}
	resp.decode(t, &created)
	s.tokens = append(s.tokens, created.Key)
	if strings.Join(created.Scopes, ",") != "read:users,write:projects" {
		t.Errorf("scopes: got %v, want read:users and write:projects", created.Scopes)
	}

	t.Run("a scope the document does not declare", func(t *testing.T) {
		before := len(s.listKeys(t, srv, admin))
		r := srv.do(t, "POST", "/open/apikeys", admin, `{"name":"x","scopes":["read","read:secrets"]}`)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `unknown scope \"read:secrets\"`) || !strings.Contains(r.body, `"code":"BAD_REQUEST"`) {
			t.Errorf("got %d %s, want 400 naming read:secrets", r.status, r.body)
		}
		if after := len(s.listKeys(t, srv, admin)); after != before {
			t.Errorf("keys: %d after a refused create, want %d", after, before)
		}
	})
	t.Run("no more than the caller holds", func(t *testing.T) {
		limited := srv.do(t, "POST", "/open/apikeys", admin, `{"name":"lim","scopes":["admin","read:users"]}`)
		var k struct {
			Key string `json:"apiKey"`
		}
		limited.decode(t, &k)
		s.tokens = append(s.tokens, k.Key)
		r := srv.do(t, "POST", "/open/apikeys", k.Key, `{"name":"more","scopes":["read:users","write:projects"]}`)
		if r.status != http.StatusForbidden || r.header.Get("X-Keygate-Reason") == "" {
			t.Errorf("got %d %s (reason %q), want the spec's 403 with a reason", r.status, r.body, r.header.Get("X-Keygate-Reason"))
		}
		if r := srv.do(t, "POST", "/open/apikeys", k.Key, `{"name":"same","scopes":["read:users"]}`); r.status != http.StatusCreated {
			t.Errorf("a scope the caller holds: got %d %s, want 201", r.status, r.body)
		} else {
			var c struct {
				Key string `json:"apiKey"`
			}
			r.decode(t, &c)
			s.tokens = append(s.tokens, c.Key)
		}
	})
	t.Run("without the document they are unknown", func(t *testing.T) {
		s.document = nil
		plain := s.gateway(t, nil)
		r := plain.do(t, "POST", "/open/apikeys", admin, `{"name":"x","scopes":["read:users"]}`)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `unknown scope \"read:users\": want read, write, admin or webhook`) {
			t.Errorf("got %d %s, want 400", r.status, r.body)
		}
	})
}

// listKeys is the caller's keys' ids, every page.
func (s *stack) listKeys(tb testing.TB, srv server, token string) []string {
	tb.Helper()
	var ids []string
	cursor := ""
	for {
		path := "/open/apikeys?limit=100"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			NextCursor *string `json:"nextCursor"`
		}
		srv.do(tb, "GET", path, token, "").decode(tb, &page)
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.NextCursor == nil || *page.NextCursor == "" {
			return ids
		}
		cursor = *page.NextCursor
	}
}

// TestScopeListThroughTheGateway: GET /open/apikeys/scopes (a static
// segment beside /open/apikeys/{keyId}) lists keygate's scopes, then the
// document's with their descriptions, once each.
func TestScopeListThroughTheGateway(t *testing.T) {
	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	admin := s.key(t, "alice")
	s.seedDocument(t)
	srv := s.gateway(t, nil)
	var got struct {
		Scopes []struct {
			Name, Description, Source string
		} `json:"scopes"`
	}
	r := srv.do(t, "GET", "/open/apikeys/scopes", admin, "")
	if r.status != http.StatusOK {
		t.Fatalf("got %d %s", r.status, r.body)
	}
	r.decode(t, &got)
	var names []string
	for _, sc := range got.Scopes {
		names = append(names, sc.Source+":"+sc.Name)
		if sc.Name == "read:users" && sc.Description != "Read user information" {
			t.Errorf("read:users: description %q", sc.Description)
		}
	}
	want := "keygate:read keygate:write keygate:admin keygate:webhook api:admin:all api:delete:users api:read:projects api:read:users api:write:projects api:write:users"
	if strings.Join(names, " ") != want {
		t.Errorf("scopes: got %v, want %s", names, want)
	}
	if r := srv.do(t, "GET", "/open/apikeys/scopes", s.key(t, "alice", keys.ScopeRead), ""); r.status != http.StatusForbidden {
		t.Errorf("without the admin scope: got %d, want 403", r.status)
	}
}
