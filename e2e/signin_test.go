package e2e

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"keygate/shared/keys"
	"keygate/shared/routes"
)

// concretePath is a route's path with its parameters filled in.
func concretePath(path string) string {
	return strings.NewReplacer("{workspaceId}", "ws1", "{keyId}", "k0000000000000001", "{webhookId}", "wh1").Replace(path)
}

// TestConsoleSignInLink: through the gateway, a console link's key is
// refused on every route but the exchange and never reaches the upstream;
// the exchange signs in once (a second use, or the losers of a race, are
// 403); the session key has only the admin scope, an hour of life, and is
// not in the key list.
func TestConsoleSignInLink(t *testing.T) {
	for _, cache := range []struct{ name, ttl string }{{"cache off", "0"}, {"cache on", "300"}} {
		t.Run(cache.name, func(t *testing.T) {
			f := newUpstreamFixture(t, map[string]string{"AuthorizerCacheTtl": cache.ttl})
			_, link := f.s.consoleLink(t, f.srv.url, "alice", f.s.st.Now())

			t.Run("refused on every other route, upstream included", func(t *testing.T) {
				type call struct{ method, path string }
				var calls []call
				for _, r := range routes.All() {
					if r.Auth == routes.Key && r.Grant != routes.GrantSignIn {
						calls = append(calls, call{r.Method, concretePath(r.Path)})
					}
				}
				for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
					calls = append(calls, call{m, "/open/workspace/ws1/items/1"})
				}
				calls = append(calls, call{"PATCH", "/open/workspace/ws1"})
				for _, c := range calls {
					resp := f.request(t, c.method, c.path, link, `{}`, map[string]string{"Content-Type": "application/json"})
					if resp.status != http.StatusForbidden || resp.body != spec403 {
						t.Errorf("%s %s: got %d %s, want the spec's 403", c.method, c.path, resp.status, resp.body)
					}
				}
				if got := f.up.take(); len(got) != 0 {
					t.Errorf("the upstream got %d requests from a link key, want none", len(got))
				}
			})

			var session struct {
				ID        string   `json:"id"`
				Name      string   `json:"name"`
				Scopes    []string `json:"scopes"`
				ExpiresAt string   `json:"expiresAt"`
				APIKey    string   `json:"apiKey"`
			}
			t.Run("the first exchange signs in", func(t *testing.T) {
				before := time.Now()
				resp := f.srv.do(t, "POST", "/open/console/session", link, "")
				if resp.status != http.StatusCreated {
					t.Fatalf("got %d %s, want 201", resp.status, resp.body)
				}
				resp.decode(t, &session)
				f.s.tokens = append(f.s.tokens, session.APIKey)
				exp, err := time.Parse(time.RFC3339, session.ExpiresAt)
				if err != nil || exp.Before(before.Add(keys.SessionLifetime-time.Second)) || exp.After(time.Now().Add(keys.SessionLifetime)) {
					t.Errorf("expiresAt: got %s (%v), want an hour from now", session.ExpiresAt, err)
				}
				if !slices.Equal(session.Scopes, []string{"admin"}) {
					t.Errorf("scopes: got %v, want [admin]", session.Scopes)
				}
			})
			t.Run("a second use is refused", func(t *testing.T) {
				resp := f.srv.do(t, "POST", "/open/console/session", link, "")
				if resp.status != http.StatusForbidden || resp.body != spec403 && !strings.Contains(resp.body, `"message":"Insufficient access"`) {
					t.Errorf("got %d %s, want 403 with the spec's body", resp.status, resp.body)
				}
			})
			t.Run("the session key manages keys and is not listed", func(t *testing.T) {
				resp := f.srv.do(t, "GET", "/open/apikeys?limit=100", session.APIKey, "")
				if resp.status != http.StatusOK {
					t.Fatalf("list: got %d %s", resp.status, resp.body)
				}
				var list struct {
					Items []struct {
						ID   string `json:"id"`
						Name string `json:"name"`
					} `json:"items"`
				}
				resp.decode(t, &list)
				for _, k := range list.Items {
					if k.ID == session.ID || k.Name == keys.SignInLinkName || k.Name == keys.SessionName {
						t.Errorf("listed: %s %q", k.ID, k.Name)
					}
				}
				created := f.srv.do(t, "POST", "/open/apikeys", session.APIKey, `{"name":"from the page","scopes":["read"]}`)
				if created.status != http.StatusCreated {
					t.Errorf("create a read key with the session: got %d %s, want 201", created.status, created.body)
				}
				var k struct {
					APIKey string `json:"apiKey"`
				}
				created.decode(t, &k)
				f.s.tokens = append(f.s.tokens, k.APIKey)
			})
			t.Run("the session key reaches no workspace and no upstream", func(t *testing.T) {
				for _, p := range []string{"/open/workspace/ws1", "/open/workspace/ws1/items/1"} {
					if resp := f.srv.do(t, "GET", p, session.APIKey, ""); resp.status != http.StatusForbidden {
						t.Errorf("GET %s: got %d, want 403", p, resp.status)
					}
				}
				if got := f.up.take(); len(got) != 0 {
					t.Errorf("the upstream got %d requests from a session key, want none", len(got))
				}
			})
			t.Run("two exchanges at once: one 201, one 403", func(t *testing.T) {
				_, link := f.s.consoleLink(t, f.srv.url, "alice", f.s.st.Now())
				statuses := make([]int, 2)
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i := range statuses {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						req, err := http.NewRequestWithContext(t.Context(), "POST", f.srv.url+"/open/console/session", nil)
						if err != nil {
							t.Error(err)
							return
						}
						req.Header.Set("Authorization", "Bearer "+link)
						resp, err := http.DefaultClient.Do(req)
						if err != nil {
							t.Error(err)
							return
						}
						resp.Body.Close()
						statuses[i] = resp.StatusCode
					}()
				}
				close(start)
				wg.Wait()
				slices.Sort(statuses)
				if want := []int{http.StatusCreated, http.StatusForbidden}; !slices.Equal(statuses, want) {
					t.Errorf("got %v, want %v", statuses, want)
				}
			})
		})
	}
}
