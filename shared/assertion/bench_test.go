package assertion

import (
	"crypto/ed25519"
	"testing"
	"time"

	"keygate/shared/access"
	"keygate/shared/keys"
)

// benchWorkspaces are the three memberships of the authorizer's benchmark.
var benchWorkspaces = []access.WorkspaceRole{
	{WorkspaceID: "clx9q2w3e4r5t6y7u8i9o0p1b", Role: keys.RoleOwner},
	{WorkspaceID: "clx9q2w3e4r5t6y7u8i9o0p1c", Role: keys.RoleAdmin},
	{WorkspaceID: "clx9q2w3e4r5t6y7u8i9o0p1d", Role: keys.RoleReadOnly},
}

// BenchmarkAssert is one assertion as an Allow makes it: the length asked
// for the size budget, then the payload and its signature.
func BenchmarkAssert(b *testing.B) {
	s, _ := testSigner(b, 6*time.Minute)
	c := Claims{Issuer: "https://abcdef1234.execute-api.us-east-1.amazonaws.com/v1", UserID: "clx9q2w3e4r5t6y7u8i9o0p1a", KeyID: "AbCdEfGhIjKlMnOp", Scopes: keys.AllScopes}
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		r := s.For(c, now)
		_ = r.AssertionLen(benchWorkspaces, false)
		if _, err := r.Assert(benchWorkspaces, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEd25519Sign is the baseline: crypto/ed25519 signing a message of
// the same length as BenchmarkAssert's signing input, nothing else.
func BenchmarkEd25519Sign(b *testing.B) {
	s, _ := testSigner(b, 6*time.Minute)
	c := Claims{Issuer: "https://abcdef1234.execute-api.us-east-1.amazonaws.com/v1", UserID: "clx9q2w3e4r5t6y7u8i9o0p1a", KeyID: "AbCdEfGhIjKlMnOp", Scopes: keys.AllScopes}
	r := s.For(c, time.Now())
	tok, _ := r.Assert(benchWorkspaces, false)
	msg := []byte(tok[:len(tok)-sigLen-1])
	key := r.key.private
	b.ReportAllocs()
	for b.Loop() {
		_ = ed25519.Sign(key, msg)
	}
}
