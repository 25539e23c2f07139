package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"keygate/examples/upstream"
)

// seen is one request as the upstream received it.
type seen struct {
	method, path, escapedPath, rawQuery, host string
	body                                      string
	header                                    http.Header
	identity                                  upstream.Identity
	verifyErr                                 error
}

// upstreamServer is the API behind keygate in the tests: it records every
// request, verifies its assertion as examples/upstream does (once verify is
// set: the verifier needs the gateway's URL), and answers 201 with a JSON
// body and a hop-by-hop header the client must not see. hang makes it wait
// for the request to be abandoned instead.
type upstreamServer struct {
	url    string
	mu     sync.Mutex
	reqs   []seen
	verify *upstream.Verifier
	hang   bool
}

func newUpstream(tb testing.TB) *upstreamServer {
	tb.Helper()
	u := &upstreamServer{}
	srv := httptest.NewServer(http.HandlerFunc(u.serve))
	tb.Cleanup(srv.Close)
	u.url = srv.URL
	return u
}

func (u *upstreamServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s := seen{method: r.Method, path: r.URL.Path, escapedPath: r.URL.EscapedPath(), rawQuery: r.URL.RawQuery, host: r.Host,
		body: string(body), header: r.Header.Clone()}
	u.mu.Lock()
	v, hang := u.verify, u.hang
	u.mu.Unlock()
	if v != nil {
		s.identity, s.verifyErr = v.Verify(r.Context(), r.Header.Get(upstream.AssertionHeader))
	}
	u.mu.Lock()
	u.reqs = append(u.reqs, s)
	u.mu.Unlock()
	if hang {
		<-r.Context().Done()
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Upstream", "tianji")
	w.Header().Set("Proxy-Authenticate", "Basic realm=upstream") // hop-by-hop
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]string{"served": r.Method + " " + r.URL.Path})
}

func (u *upstreamServer) setVerifier(v *upstream.Verifier) {
	u.mu.Lock()
	u.verify = v
	u.mu.Unlock()
}

// take returns the requests received since the last take.
func (u *upstreamServer) take() []seen {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := u.reqs
	u.reqs = nil
	return out
}

// one returns the one request received since the last take.
func (u *upstreamServer) one(tb testing.TB) seen {
	tb.Helper()
	got := u.take()
	if len(got) != 1 {
		tb.Fatalf("upstream got %d requests, want 1", len(got))
	}
	return got[0]
}
