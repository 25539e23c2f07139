package assertion

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// testSeed is a fixed seed, so kids are stable across runs.
const testSeed = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01"

// verified checks token's EdDSA signature against jwks by hand (RFC 7515
// compact serialization) and returns its header and claims.
func verified(tb testing.TB, token string, jwks JWKS) (header, claims map[string]any) {
	tb.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		tb.Fatalf("got %d parts, want 3", len(parts))
	}
	decode := func(s string, v any) {
		tb.Helper()
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			tb.Fatalf("base64url: %v", err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			tb.Fatalf("json: %v", err)
		}
	}
	decode(parts[0], &header)
	decode(parts[1], &claims)
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		tb.Fatalf("signature: %v", err)
	}
	for _, k := range jwks.Keys {
		if k.Kid != header["kid"] {
			continue
		}
		x, _ := base64.RawURLEncoding.DecodeString(k.X)
		if !ed25519.Verify(ed25519.PublicKey(x), []byte(parts[0]+"."+parts[1]), sig) {
			tb.Fatalf("signature does not verify with kid %s", k.Kid)
		}
		return header, claims
	}
	tb.Fatalf("kid %v not in the JWKS", header["kid"])
	return nil, nil
}

func jwksOf(k Keys) JWKS {
	var out JWKS
	for _, p := range k.Published() {
		out.Keys = append(out.Keys, p.Key.PublicJWK())
	}
	return out
}

func b64decode(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
