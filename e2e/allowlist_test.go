package e2e

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"keygate/shared/keys"
)

// from returns an HTTP client whose connections come from the loopback
// address ip (127.0.0.2, 127.0.0.3, ...), so the gateway sees that source.
func from(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}, Timeout: 30 * time.Second}
}

// getFrom sends GET path with the token from client and extra headers.
func (srv server) getFrom(tb testing.TB, client *http.Client, path, token string, headers map[string]string) response {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), http.MethodGet, srv.url+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// TestIPAllowlist: a key allowed from 127.0.0.2 works from there and gets
// the spec's 403 from 127.0.0.3, with the authorizer cache off and on (where
// the source address is part of the cache key, so an Allow cached for .2
// never serves .3), and X-Forwarded-For changes nothing.
func TestIPAllowlist(t *testing.T) {
	for _, ttl := range []string{"0", "300"} {
		t.Run("cache "+ttl, func(t *testing.T) {
			s := newStack(t)
			s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
			admin := s.key(t, "alice")
			srv := s.gateway(t, map[string]string{"AuthorizerCacheTtl": ttl})
			var created keyJSON
			r := srv.do(t, "POST", "/open/apikeys", admin, `{"name":"office only","allowedCidrs":["127.0.0.2"]}`)
			if r.status != 201 {
				t.Fatalf("create: got %d %s", r.status, r.body)
			}
			r.decode(t, &created)
			s.tokens = append(s.tokens, created.APIKey)
			if len(created.AllowedCIDRs) != 1 || created.AllowedCIDRs[0] != "127.0.0.2/32" {
				t.Fatalf("allowedCidrs: got %v, want [127.0.0.2/32]", created.AllowedCIDRs)
			}
			inside, outside := from("127.0.0.2"), from("127.0.0.3")
			steps := []struct {
				name    string
				client  *http.Client
				headers map[string]string
				want    int
			}{
				{"from the allowed address", inside, nil, 200},
				{"from another address, after an Allow", outside, nil, 403},
				{"from another address claiming the allowed one", outside, map[string]string{"X-Forwarded-For": "127.0.0.2"}, 403},
				{"from the allowed address again", inside, nil, 200},
			}
			for _, st := range steps {
				r := srv.getFrom(t, st.client, "/open/auth/whoami", created.APIKey, st.headers)
				if r.status != st.want {
					t.Errorf("%s: got %d %s, want %d", st.name, r.status, r.body, st.want)
				}
				if st.want == 403 && r.body != spec403 {
					t.Errorf("%s: got body %q, want the spec's", st.name, r.body)
				}
			}
			if !strings.Contains(s.logs.String(), `"reason":"IP_NOT_ALLOWED"`) {
				t.Errorf("no authorizer decision with reason IP_NOT_ALLOWED in the logs")
			}
			// The admin key has no allowlist: it works from anywhere.
			if r := srv.getFrom(t, outside, "/open/auth/whoami", admin, nil); r.status != 200 {
				t.Errorf("a key without allowlist from 127.0.0.3: got %d, want 200", r.status)
			}
		})
	}
}
