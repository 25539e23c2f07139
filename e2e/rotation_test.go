package e2e

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"keygate/dev/testkit/wait"
	"keygate/examples/upstream"
	"keygate/shared/assertion"
	"keygate/shared/keys"
)

// kidOf returns the kid in an assertion's header.
func kidOf(tb testing.TB, token string) string {
	tb.Helper()
	h, _, _ := strings.Cut(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		tb.Fatalf("assertion header: %v", err)
	}
	var v struct {
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		tb.Fatal(err)
	}
	return v.Kid
}

// TestSigningKeyRotation rotates the key of a running stack, as keygate
// signing-key rotate does: the new key is in the JWKS before anything signs
// with it, the authorizer switches after the publish delay without a
// restart, the upstream's verifier follows, and the old key leaves the JWKS
// only once its last assertion has expired.
func TestSigningKeyRotation(t *testing.T) {
	var clock atomic.Int64
	start := time.Now().Truncate(time.Second)
	clock.Store(start.UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	advance := func(d time.Duration) { clock.Add(int64(d)) }

	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	alice := s.key(t, "alice")
	up := newUpstream(t)
	srv := s.gatewayAt(t, now, map[string]string{"UpstreamUrl": up.url})
	up.setVerifier(upstream.NewVerifier(srv.url+"/open/.well-known/jwks.json", srv.url, up.url, now))

	call := func(t *testing.T) seen {
		t.Helper()
		if resp := srv.do(t, "GET", "/open/workspace/ws1/x", alice, ""); resp.status != 201 {
			t.Fatalf("got %d %s", resp.status, resp.body)
		}
		got := up.one(t)
		if got.verifyErr != nil {
			t.Fatalf("the upstream refused the assertion: %v", got.verifyErr)
		}
		return got
	}
	jwksKids := func(t *testing.T) []string {
		t.Helper()
		var set assertion.JWKS
		srv.do(t, "GET", "/open/.well-known/jwks.json", "", "").decode(t, &set)
		var kids []string
		for _, k := range set.Keys {
			kids = append(kids, k.Kid)
		}
		return kids
	}

	oldKid := kidOf(t, call(t).header.Get(upstream.AssertionHeader))
	newKid, rotatedKid, err := assertion.Rotate(t.Context(), assertion.FileDocument(s.signingKey), s.st, now())
	if err != nil || rotatedKid != oldKid {
		t.Fatalf("rotate: %v (rotated %s, signing %s)", err, rotatedKid, oldKid)
	}

	t.Run("the new key is published at once, and does not sign yet", func(t *testing.T) {
		if kids := jwksKids(t); len(kids) != 2 {
			t.Errorf("JWKS kids %v, want the old and the new", kids)
		}
		if kid := kidOf(t, call(t).header.Get(upstream.AssertionHeader)); kid != oldKid {
			t.Errorf("signed with %s, want the old key %s", kid, oldKid)
		}
	})
	t.Run("after the publish delay and the authorizer's refresh, the new key signs", func(t *testing.T) {
		advance(assertion.RefreshInterval + assertion.PublishDelay)
		wait.Eventually(t, 10*time.Second, func() (bool, string) { // the refresh runs in the background
			kid := kidOf(t, call(t).header.Get(upstream.AssertionHeader))
			return kid == newKid, "the authorizer signs with " + kid + ", want the new key " + newKid
		})
	})
	t.Run("the old key leaves the JWKS when its assertions have expired", func(t *testing.T) {
		advance(assertion.RetainAfterRotation - assertion.RefreshInterval)
		if kids := jwksKids(t); len(kids) != 1 || kids[0] != newKid {
			t.Errorf("JWKS kids %v, want only %s", kids, newKid)
		}
	})
}
