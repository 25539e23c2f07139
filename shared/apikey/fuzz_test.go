package apikey_test

import (
	"errors"
	"testing"

	"keygate/shared/apikey"
)

// FuzzParse checks that Parse never panics, that every error names one of
// the four rules, and that an accepted token re-encodes to itself: the
// prefix, id and secret with a freshly computed CRC give back the same
// string. Run with: go test -fuzz FuzzParse ./shared/apikey
func FuzzParse(f *testing.F) {
	f.Add(validToken, "sk")
	f.Add(mustGenerate(f, "sk").Token, "sk")
	f.Add(mustGenerate(f, "tianji").Token, "tianji")
	f.Add("sk_", "sk")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, token, prefix string) {
		id, err := apikey.Parse(token, prefix)
		if err != nil {
			if !errors.Is(err, apikey.ErrPrefix) && !errors.Is(err, apikey.ErrLength) &&
				!errors.Is(err, apikey.ErrAlphabet) && !errors.Is(err, apikey.ErrChecksum) {
				t.Fatalf("Parse: error %v wraps no rule", err)
			}
			_ = err.Error()
			return
		}
		if !apikey.ValidPrefix(prefix) {
			t.Fatalf("Parse accepted a token for invalid prefix %q", prefix)
		}
		n := len(prefix) + 1
		if len(token) != n+65 {
			t.Fatalf("Parse accepted length %d, want %d", len(token), n+65)
		}
		if id != token[n:n+16] {
			t.Fatalf("Parse: got id %q, want %q", id, token[n:n+16])
		}
		if !isBase62(token[n:]) {
			t.Fatalf("Parse accepted a non-base62 body")
		}
		if got := encode(prefix, id, token[n+16:n+59]); got != token {
			t.Fatalf("re-encode: got %q, want %q", got, token)
		}
	})
}
