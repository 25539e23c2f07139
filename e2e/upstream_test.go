package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"keygate/examples/upstream"
	"keygate/shared/assertion"
	"keygate/shared/keys"
)

// upstreamFixture is a stack with alice (owner of ws1, read-only in ws2) and
// bob (owner of ws3), an upstream, and a gateway in front of it.
type upstreamFixture struct {
	s                  *stack
	up                 *upstreamServer
	srv                server
	alice, aliceRead   string // tokens: all scopes, read only
	aliceKeyID, jwks   string
	bob                string
	gatewayIssuer, aud string
}

func newUpstreamFixture(t *testing.T, params map[string]string) *upstreamFixture {
	t.Helper()
	f := &upstreamFixture{s: newStack(t), up: newUpstream(t)}
	f.s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner, "ws2": keys.RoleReadOnly})
	f.s.user(t, "bob", map[string]keys.Role{"ws3": keys.RoleOwner})
	f.alice, f.aliceRead, f.bob = f.s.key(t, "alice"), f.s.key(t, "alice", keys.ScopeRead), f.s.key(t, "bob")
	p := map[string]string{"UpstreamUrl": f.up.url}
	for k, v := range params {
		p[k] = v
	}
	f.srv = f.s.gateway(t, p)
	f.gatewayIssuer, f.aud, f.jwks = f.srv.url, f.up.url, f.srv.url+"/open/.well-known/jwks.json"
	f.up.setVerifier(upstream.NewVerifier(f.jwks, f.gatewayIssuer, f.aud, nil))
	var who struct {
		KeyID string `json:"keyId"`
	}
	f.srv.do(t, "GET", "/open/auth/whoami", f.alice, "").decode(t, &who)
	f.aliceKeyID = who.KeyID
	return f
}

func (f *upstreamFixture) request(t *testing.T, method, path, token, body string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, f.srv.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return send(t, req)
}

func TestUpstream(t *testing.T) {
	for _, cache := range []struct{ name, ttl string }{{"cache off", "0"}, {"cache on", "300"}} {
		t.Run(cache.name, func(t *testing.T) {
			f := newUpstreamFixture(t, map[string]string{"AuthorizerCacheTtl": cache.ttl})
			t.Run("forwards method, path, query and body with the verdict and a valid assertion", func(t *testing.T) {
				for i := range 2 { // the second one is answered from the cache when it is on
					resp := f.request(t, "POST", "/open/workspace/ws1/items/a%20b?x=1&y=two", f.alice, `{"n":1}`, map[string]string{
						// Spoofed verdict headers: keygate's mappings overwrite them.
						"X-Keygate-User-Id": "bob", "X-Keygate-Key-Id": "k-forged", "X-Keygate-Scopes": "admin",
						"X-Keygate-Workspaces": "ws3:owner", "X-Keygate-Assertion": "forged", "Content-Type": "application/json",
					})
					if resp.status != http.StatusCreated || !strings.Contains(resp.body, `"served":"POST /open/workspace/ws1/items/a b"`) {
						t.Fatalf("request %d: got %d %s, want the upstream's 201", i, resp.status, resp.body)
					}
					got := f.up.one(t)
					if got.method != "POST" || got.escapedPath != "/open/workspace/ws1/items/a%20b" || got.rawQuery != "x=1&y=two" || got.body != `{"n":1}` {
						t.Errorf("upstream got %s %s ?%s %q", got.method, got.escapedPath, got.rawQuery, got.body)
					}
					want := map[string]string{
						"X-Keygate-User-Id": "alice", "X-Keygate-Key-Id": f.aliceKeyID, "X-Keygate-Scopes": "read,write,admin,webhook",
						"Authorization": "none", "Content-Type": "application/json",
					}
					for name, v := range want {
						if vs := got.header.Values(name); len(vs) != 1 || vs[0] != v {
							t.Errorf("%s: got %q, want [%s]", name, vs, v)
						}
					}
					// With the cache on the verdict names every workspace; with it
					// off, the one the request names (docs/authorizer.md).
					wantWS, wantN := map[string]bool{"ws1:owner,ws2:readOnly": true, "ws2:readOnly,ws1:owner": true}, 2
					if cache.ttl == "0" {
						wantWS, wantN = map[string]bool{"ws1:owner": true}, 1
					}
					if ws := got.header.Get("X-Keygate-Workspaces"); !wantWS[ws] {
						t.Errorf("X-Keygate-Workspaces: got %q", ws)
					}
					if got.verifyErr != nil {
						t.Fatalf("the upstream could not verify the assertion: %v", got.verifyErr)
					}
					if got.identity.UserID != "alice" || got.identity.KeyID != f.aliceKeyID ||
						got.identity.Workspaces["ws1"] != "owner" || len(got.identity.Workspaces) != wantN {
						t.Errorf("assertion identity %+v", got.identity)
					}
					if got.host != strings.TrimPrefix(f.up.url, "http://") {
						t.Errorf("Host: got %s, want the upstream's", got.host)
					}
					if resp.header.Get("X-Upstream") != "tianji" || resp.header.Get("Proxy-Authenticate") != "" {
						t.Errorf("response headers: X-Upstream %q, Proxy-Authenticate %q (hop-by-hop: want none)",
							resp.header.Get("X-Upstream"), resp.header.Get("Proxy-Authenticate"))
					}
				}
			})
			t.Run("other methods of the bare workspace path go upstream, GET stays keygate's", func(t *testing.T) {
				if resp := f.request(t, "PATCH", "/open/workspace/ws1", f.alice, `{}`, nil); resp.status != http.StatusCreated {
					t.Fatalf("PATCH: got %d %s", resp.status, resp.body)
				}
				if got := f.up.one(t); got.method != "PATCH" || got.path != "/open/workspace/ws1" {
					t.Errorf("upstream got %s %s", got.method, got.path)
				}
				resp := f.request(t, "GET", "/open/workspace/ws1", f.alice, "", nil)
				if resp.status != http.StatusOK || !strings.Contains(resp.body, `"workspaceId":"ws1"`) {
					t.Errorf("GET: got %d %s, want keygate's workspace", resp.status, resp.body)
				}
				if got := f.up.take(); len(got) != 0 {
					t.Errorf("keygate's GET reached the upstream: %+v", got)
				}
			})
			t.Run("a readOnly member reads: GET and HEAD go upstream", func(t *testing.T) {
				for _, method := range []string{"GET", "HEAD"} {
					if resp := f.request(t, method, "/open/workspace/ws2/x", f.alice, "", nil); resp.status != http.StatusCreated {
						t.Errorf("%s: got %d %s, want the upstream's 201", method, resp.status, resp.body)
					}
					if got := f.up.one(t); got.method != method || got.path != "/open/workspace/ws2/x" {
						t.Errorf("upstream got %s %s", got.method, got.path)
					}
				}
			})
			t.Run("hop-by-hop headers stay at the gateway", func(t *testing.T) {
				f.request(t, "GET", "/open/workspace/ws1/x", f.alice, "", map[string]string{"Connection": "X-Hop", "X-Hop": "secret", "Keep-Alive": "timeout=5"})
				got := f.up.one(t)
				for _, h := range []string{"X-Hop", "Keep-Alive"} {
					if v := got.header.Get(h); v != "" {
						t.Errorf("%s reached the upstream: %q", h, v)
					}
				}
			})
			t.Run("refusals never reach the upstream", func(t *testing.T) {
				for _, tt := range []struct {
					name, method, path, token string
					want                      int
					wantBody                  string
				}{
					{"no key", "GET", "/open/workspace/ws1/x", "", 401, spec401},
					{"unknown key", "GET", "/open/workspace/ws1/x", "sk_notakey", 401, spec401},
					{"another user's workspace", "GET", "/open/workspace/ws3/x", f.alice, 403, spec403},
					{"write in a read-only workspace", "POST", "/open/workspace/ws2/x", f.alice, 403, spec403},
					{"write with a read-only key", "DELETE", "/open/workspace/ws1/x", f.aliceRead, 403, spec403},
				} {
					t.Run(tt.name, func(t *testing.T) {
						resp := f.request(t, tt.method, tt.path, tt.token, "", nil)
						if resp.status != tt.want || resp.body != tt.wantBody {
							t.Errorf("got %d %q, want %d %q", resp.status, resp.body, tt.want, tt.wantBody)
						}
						if got := f.up.take(); len(got) != 0 {
							t.Errorf("reached the upstream: %s %s", got[0].method, got[0].path)
						}
					})
				}
			})
			t.Run("paths that escape the workspace never reach the upstream", func(t *testing.T) {
				for _, raw := range []string{"/open/workspace/ws1/../ws3/x", "/open/workspace/ws1/..%2Fws3/x", "/open/workspace/ws1/%2e%2e/ws3",
					"/open/workspace/ws1/a%2Fb", "/open/workspace/ws1/%5c..%5cws3", "/open/workspace/ws1/./x"} {
					t.Run(raw, func(t *testing.T) {
						req, err := http.NewRequestWithContext(t.Context(), "GET", f.srv.url+raw, nil)
						if err != nil {
							t.Fatal(err)
						}
						req.Header.Set("Authorization", "Bearer "+f.alice)
						resp := send(t, req)
						if resp.status != http.StatusBadRequest || !strings.Contains(resp.body, `"code": "BAD_REQUEST"`) {
							t.Errorf("got %d %s, want 400 BAD_REQUEST", resp.status, resp.body)
						}
						if got := f.up.take(); len(got) != 0 {
							t.Errorf("reached the upstream as %s", got[0].escapedPath)
						}
					})
				}
			})
			t.Run("Content-Length with Transfer-Encoding is refused", func(t *testing.T) {
				addr := strings.TrimPrefix(strings.Split(f.srv.url, "/v1")[0], "http://")
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				fmt.Fprintf(c, "POST /v1/open/workspace/ws1/x HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v1/open/workspace/ws1/smuggled HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n", addr, f.alice, addr, f.alice)
				resp, err := http.ReadResponse(bufio.NewReader(c), nil)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadRequest {
					t.Errorf("got %d, want 400", resp.StatusCode)
				}
				if got := f.up.take(); len(got) != 0 {
					t.Errorf("reached the upstream: %s %s", got[0].method, got[0].path)
				}
			})
		})
	}
}

func TestUpstreamForwardsAuthorizationWhenAsked(t *testing.T) {
	f := newUpstreamFixture(t, map[string]string{"UpstreamForwardAuthorization": "true"})
	f.request(t, "GET", "/open/workspace/ws1/x", f.alice, "", nil)
	if got := f.up.one(t).header.Get("Authorization"); got != "Bearer "+f.alice {
		t.Errorf("Authorization: got %q, want the client's", got)
	}
}

func TestUpstreamFaults(t *testing.T) {
	t.Run("upstream down: 502 in the envelope", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := "http://" + ln.Addr().String()
		ln.Close()
		s := newStack(t)
		s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
		srv := s.gateway(t, map[string]string{"UpstreamUrl": closed})
		resp := srv.do(t, "GET", "/open/workspace/ws1/x", s.key(t, "alice"), "")
		if resp.status != http.StatusBadGateway || !strings.Contains(resp.body, `"code": "BAD_GATEWAY"`) {
			t.Errorf("got %d %s, want 502 BAD_GATEWAY", resp.status, resp.body)
		}
	})
	t.Run("upstream hanging: 504 at the template's timeout", func(t *testing.T) {
		s := newStack(t)
		s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
		up := newUpstream(t)
		up.hang = true
		srv := s.gatewayEdited(t, func(tpl string) string {
			return strings.Replace(tpl, "timeoutInMillis: 29000", "timeoutInMillis: 300", 2)
		}, map[string]string{"UpstreamUrl": up.url})
		resp := srv.do(t, "GET", "/open/workspace/ws1/x", s.key(t, "alice"), "")
		if resp.status != http.StatusGatewayTimeout || !strings.Contains(resp.body, `"code": "GATEWAY_TIMEOUT"`) {
			t.Errorf("got %d %s, want 504 GATEWAY_TIMEOUT", resp.status, resp.body)
		}
		if got := up.take(); len(got) != 1 {
			t.Errorf("upstream got %d requests, want the 1 it did not answer", len(got))
		}
	})
}

// TestAssertionWithJose verifies the assertion with the npm package jose
// against the JWKS URL, as a Node upstream would: a JOSE implementation
// keygate did not write.
func TestAssertionWithJose(t *testing.T) {
	nodeModules(t)
	node := interpreter(t, "apt-get install -y nodejs", []string{"--version"}, "node")
	f := newUpstreamFixture(t, map[string]string{"AuthorizerCacheTtl": "300"})
	f.request(t, "GET", "/open/workspace/ws1/x", f.alice, "", nil)
	tok := f.up.one(t).header.Get(upstream.AssertionHeader)
	verify := func(t *testing.T, token, iss, aud string) (string, error) {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), node, filepath.Join("upstream", "verify.mjs"), f.jwks, iss, aud)
		cmd.Stdin = strings.NewReader(token)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	t.Run("verifies", func(t *testing.T) {
		out, err := verify(t, tok, f.gatewayIssuer, f.aud)
		if err != nil {
			t.Fatalf("jose: %v: %s", err, out)
		}
		var got struct {
			Header map[string]any `json:"header"`
			Claims map[string]any `json:"claims"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if got.Header["alg"] != "EdDSA" || got.Claims["sub"] != "alice" || got.Claims["keyId"] != f.aliceKeyID {
			t.Errorf("got %s", out)
		}
		iat, exp := got.Claims["iat"].(float64), got.Claims["exp"].(float64)
		if exp-iat < 300+60 {
			t.Errorf("lifetime %v s: a verdict cached 300 s must carry a valid assertion", exp-iat)
		}
	})
	t.Run("refuses another audience", func(t *testing.T) {
		if out, err := verify(t, tok, f.gatewayIssuer, "https://other.example.com"); err == nil || !strings.Contains(out, "ERR_JWT_CLAIM_VALIDATION_FAILED") {
			t.Errorf("got %v %s, want a claim validation failure", err, out)
		}
	})
}

// TestJWKSIsPublicOnly reads the JWKS as any client does: public, cacheable,
// Ed25519 public keys and nothing else.
func TestJWKSIsPublicOnly(t *testing.T) {
	f := newUpstreamFixture(t, nil)
	resp := f.srv.do(t, "GET", "/open/.well-known/jwks.json", "", "")
	if resp.status != http.StatusOK || resp.header.Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("got %d, Cache-Control %q", resp.status, resp.header.Get("Cache-Control"))
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	resp.decode(t, &set)
	if len(set.Keys) != 1 {
		t.Fatalf("got %d keys, want 1", len(set.Keys))
	}
	for name := range set.Keys[0] {
		if !strings.Contains(" kty crv x kid use alg ", " "+name+" ") {
			t.Errorf("JWKS key has member %q", name)
		}
	}
	if _, err := assertion.ParseKeySet([]byte(resp.body)); err == nil {
		t.Error("the JWKS parses as a key set: it holds a seed")
	}
}
