package e2e

import (
	"net/http"
	"strings"
	"testing"

	"keygate/shared/keys"
)

// TestAPIDocumentOperationsThroughTheGateway: the seed APIs' document
// behind make run's gateway with a recording upstream, the authorizer
// cache off and on. Each operation is forwarded exactly when the key's
// scopes meet one of its requirements (the spec's 403 otherwise) and, for
// a workspace-scoped one, the user is a member whose role admits the
// method; the public operation needs no key; an operation the document
// does not have never reaches the upstream.
func TestAPIDocumentOperationsThroughTheGateway(t *testing.T) {
	for _, ttl := range []string{"0", "300"} {
		t.Run("cache "+ttl, func(t *testing.T) {
			s := newStack(t)
			s.user(t, "alice", map[string]keys.Role{"p1": keys.RoleOwner, "p2": keys.RoleReadOnly})
			s.seedDocument(t)
			up := newUpstream(t)
			srv := s.gateway(t, map[string]string{"UpstreamUrl": up.url, "AuthorizerCacheTtl": ttl})
			readUsers := s.key(t, "alice", "read:users")
			projects := s.key(t, "alice", "read:projects", "write:projects")
			admin := s.key(t, "alice", "admin:all")
			generate := s.key(t, "alice", keys.ScopeWrite)
			tests := []struct {
				name, method, path, token string
				want                      int
			}{
				{"read:users lists users", "GET", "/v2/users", readUsers, http.StatusCreated},
				{"read:users cannot create one", "POST", "/v2/users", readUsers, http.StatusForbidden},
				{"admin:all is every alternative's", "POST", "/v2/users", admin, http.StatusCreated},
				{"both scopes of one requirement, or admin:all", "DELETE", "/v2/users/u9", readUsers, http.StatusForbidden},
				{"admin:all deletes", "DELETE", "/v2/users/u9", admin, http.StatusCreated},
				{"spec 002's write generates", "POST", "/v1/generate", generate, http.StatusCreated},
				{"read:users cannot generate", "POST", "/v1/generate", readUsers, http.StatusForbidden},
				{"a project of a workspace it owns", "PUT", "/v2/projects/p1", projects, http.StatusCreated},
				{"readOnly: GET, not PUT", "GET", "/v2/projects/p2", projects, http.StatusCreated},
				{"readOnly: not PUT", "PUT", "/v2/projects/p2", projects, http.StatusForbidden},
				{"not a member", "GET", "/v2/projects/p3", projects, http.StatusForbidden},
				{"the same operation again, another workspace it owns", "GET", "/v2/projects/p1", projects, http.StatusCreated},
				{"public: no key", "GET", "/v1/status", "", http.StatusCreated},
				{"any valid key", "GET", "/v2/auth/test", readUsers, http.StatusCreated},
				{"no key", "GET", "/v2/users", "", http.StatusUnauthorized},
			}
			for _, tt := range tests {
				resp := srv.do(t, tt.method, tt.path, tt.token, "")
				got := up.take()
				if resp.status != tt.want {
					t.Errorf("%s: %s %s: got %d %s, want %d", tt.name, tt.method, tt.path, resp.status, resp.body, tt.want)
					continue
				}
				switch tt.want {
				case http.StatusCreated:
					if len(got) != 1 || got[0].method != tt.method || got[0].path != tt.path {
						t.Errorf("%s: the upstream got %+v, want %s %s once", tt.name, got, tt.method, tt.path)
					} else if tt.token != "" && got[0].header.Get("X-Keygate-User-Id") != "alice" {
						t.Errorf("%s: X-Keygate-User-Id %q, want alice", tt.name, got[0].header.Get("X-Keygate-User-Id"))
					}
				case http.StatusForbidden:
					if len(got) != 0 || !strings.Contains(resp.body, "Insufficient access") || !strings.Contains(resp.body, "FORBIDDEN") {
						t.Errorf("%s: got %s and %d upstream requests, want the spec's 403 and none", tt.name, resp.body, len(got))
					}
				}
			}
			t.Run("an operation the document does not have never reaches the upstream", func(t *testing.T) {
				for _, p := range []string{"/v2/secrets", "/v2/users/u1/sessions", "/v1/generate/x"} {
					r := srv.do(t, "GET", p, admin, "")
					if got := up.take(); len(got) != 0 || r.status < 400 {
						t.Errorf("GET %s: got %d and %d upstream requests, want an error and none", p, r.status, len(got))
					}
				}
			})
			t.Run("a public operation forwards no identity a client forged, nor its key", func(t *testing.T) {
				r := srv.getFrom(t, http.DefaultClient, "/v1/status", readUsers, map[string]string{"X-Keygate-User-Id": "mallory",
					"X-Keygate-Scopes": "admin:all", "X-Keygate-Assertion": "forged"})
				got := up.take()
				if r.status != http.StatusCreated || len(got) != 1 {
					t.Fatalf("got %d and %d upstream requests", r.status, len(got))
				}
				for _, h := range []string{"X-Keygate-User-Id", "X-Keygate-Scopes", "X-Keygate-Assertion"} {
					if v := got[0].header.Get(h); v != "" {
						t.Errorf("%s: the upstream got %q, want nothing", h, v)
					}
				}
				if a := got[0].header.Get("Authorization"); strings.Contains(a, readUsers) {
					t.Errorf("the upstream got the caller's key in Authorization")
				}
			})
			t.Run("keygate's own routes are unchanged", func(t *testing.T) {
				if r := srv.do(t, "GET", "/open/auth/whoami", readUsers, ""); r.status != http.StatusOK {
					t.Errorf("whoami: got %d %s", r.status, r.body)
				}
				if r := srv.do(t, "GET", "/v2/users", readUsers, ""); r.status != http.StatusCreated {
					t.Errorf("after whoami, the same key's document route: got %d %s (a cached answer of the other authorizer?)", r.status, r.body)
				}
				up.take()
			})
		})
	}
}
