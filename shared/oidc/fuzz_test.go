package oidc_test

import (
	"slices"
	"testing"
	"time"

	"keygate/dev/testkit/oidcprovider"
	"keygate/shared/oidc"
)

// FuzzVerify: whatever the input, Verify neither panics nor fails (the
// provider is up), and it accepts only tokens the provider signed.
func FuzzVerify(f *testing.F) {
	p := oidcprovider.New(f, audience)
	v := newVerifier(f, p, oidc.Config{})
	signed := []string{
		p.Sign(f, "rsa-1", oidcprovider.Claims{"sub": "alice", "scope": "read"}),
		p.Sign(f, "ec-1", oidcprovider.Claims{"sub": "bob", "scp": []string{"admin"}}),
	}
	for _, s := range signed {
		f.Add(s)
	}
	f.Add("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, token string) {
		got, err := v.Verify(t.Context(), token, time.Now())
		if err != nil {
			t.Fatalf("Verify(%q): %v", token, err)
		}
		if got.Refusal == "" && !slices.Contains(signed, token) {
			t.Fatalf("accepted a token the provider did not sign: %q", token)
		}
	})
}
